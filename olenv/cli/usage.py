"""The usage text: docopt parses it, and `olenv --help` prints it without importing anything."""

# command word → the module whose run(args) carries it out
COMMANDS = {
    "exec": "olenv.cli.exec",
    "export": "olenv.cli.export",
    "credential-process": "olenv.cli.credential_process",
    "login": "olenv.cli.login",
    "agent": "olenv.cli.agent",
    "status": "olenv.cli.status",
    "console": "olenv.cli.console",
    "roles": "olenv.cli.roles",
    "list": "olenv.cli.list",
    "profiles": "olenv.cli.profiles",
    "password": "olenv.cli.password",
    "hook": "olenv.cli.hook",
    "allow": "olenv.cli.allow",
    "deny": "olenv.cli.deny",
    "completion": "olenv.cli.completion",
}

USAGE = """\
olenv: AWS credentials through OneLogin, handed over without touching disk.

Usage:
  olenv exec [options] [--force] [--server] [--] <command>...
  olenv export [options] [--shell=<shell>] [--format=<format>] [--force] [--olenv-file=<file>]
  olenv export --unset [--shell=<shell>]
  olenv credential-process [options]
  olenv login [options] [--file=<file>] [--loop=N] [--time=MINUTES] [-x | --interactive] [--cache-saml]
  olenv agent (start | stop | status)
  olenv agent forget [<profile> | --all]
  olenv status [options] [--format=<format>]
  olenv console [options] [--destination=<where>] [--print]
  olenv roles [options] [--format=<format>]
  olenv list [options] [--format=<format>] [--names]
  olenv profiles generate [options] [--yes]
  olenv password (set | forget) [options]
  olenv hook <shell>
  olenv allow [--session] [<path>]
  olenv deny [<path>]
  olenv completion <shell>
  olenv (-h | --help)
  olenv --version

Commands:
  exec                 Run <command> with AWS_* set for the chosen role; its exit
                       status and signals are its own. Nothing is written.
  export               Print shell code that sets AWS_* (eval "$(olenv export)").
  credential-process   Print AWS credential_process JSON (for ~/.aws/config).
  login                Write the credentials to a profile of ~/.aws/credentials.
  agent                Start, stop or list the in-memory session agent, which every
                       command asks first (started on demand; holds nothing on disk);
                       forget drops one profile's sessions (or --all) and the SAML
                       assertions, so the next use signs in again.
  status               Show this shell's credentials, the agent, the .olenv here and where
                       each setting comes from: the first thing to run when in doubt.
  console              Open the AWS console signed in as the role (--print: show the URL).
  roles                List every AWS account and role you may take.
  list                 List the profiles of the settings, with the sessions the agent
                       holds for them (no sign-in).
  profiles generate    Add a profile per role to onelogin.aws.json (asks first).
  password set|forget  Keep the OneLogin password in the OS keyring, or remove it.
  hook                 Print the prompt hook for bash, zsh or fish: in a tree whose .olenv
                       you allowed, the shell holds that profile's credentials.
  allow                Trust the .olenv of <path> (default: the nearest one) as it is now.
  deny                 Withdraw that trust.
  completion           Print the tab completion for bash, zsh or fish.

Options:
  -p NAME, --profile=NAME             Profile of onelogin.aws.json; with login also the
                                      credentials file section (default section: default).
  -c DIR, --config-file-path=DIR      Directory holding onelogin.sdk.json, onelogin.aws.json
                                      and accounts.yaml (then ./ and ~/.onelogin are searched).
  -u USER, --onelogin-username=USER   OneLogin username or email.
  --onelogin-password=PASSWORD        Password; shows in `ps`: prefer OLENV_PASSWORD or the prompt.
  -a ID, --onelogin-app-id=ID         ID of the OneLogin "AWS Multi Account" app.
  -d NAME, --onelogin-subdomain=NAME  OneLogin tenant subdomain (NAME.onelogin.com).
  -r REGION, --region=REGION          OneLogin API region: us or eu.
  --ip=ADDRESS                        Sent to OneLogin as ip_address (MFA allow-lists).
  --otp=CODE                          First OTP code to try.
  --mfa-device=DEVICE                 MFA device id or type (e.g. protect, google, sms).
  --push-interval=SECONDS             Seconds between checks of a push approval (default: 2).
  --push-timeout=SECONDS              Seconds to wait for a push approval (default: 90).
  --aws-region=REGION                 AWS region handed over (default: AWS_DEFAULT_REGION, else us-east-1).
  --aws-account-id=ID                 Take the role in this account.
  --aws-role-name=NAME                Take the role with this name.
  -z SECONDS, --duration=SECONDS      Session length, 900-43200 seconds (default: 3600).
  --role-order                        Sort the role menu by role name, not account.
  --keychain-service=NAME             OS keyring service of the password (default: onelogin).
  --keychain-account=NAME             OS keyring account of the password (default: the
                                      username before any @).
  --saml-api-version=N                OneLogin SAML API version, 1 or 2 (default: 2).
  --shell=<shell>                     export: bash, zsh, fish or sh (default: detected).
  --format=<format>                   export: env, dotenv or json (default: env);
                                      roles: table or json (default: table);
                                      status: text or json (default: text);
                                      list: table or json (default: table).
  --names                             list: only the profile names, one a line.
  -f FILE, --file=FILE                login: credentials file (default: ~/.aws/credentials,
                                      or AWS_SHARED_CREDENTIALS_FILE).
  -l N, --loop=N                      login: write the profile N times in all, signing in again
                                      every --time minutes (the password stays in memory only).
  -t MINUTES, --time=MINUTES          login: minutes between those writes, up to 720 (default: 45).
  -x, --interactive                   login: after each write, ask for another role (same
                                      sign-in), another user, or the end.
  --cache-saml                        login: accepted for older scripts; the agent already
                                      holds the SAML assertion, in memory only.
  --force                             exec: nest inside another olenv session;
                                      export: print shell code to a terminal.
  --unset                             export: print code that removes every variable olenv
                                      sets, and nothing else (no sign-in).
  --olenv-file=<file>                 export: take the profile and role from this .olenv,
                                      only if allowed (the prompt hook's call).
  --all                               agent forget: every session.
  --session                           allow: only until you log out.
  --destination=<where>               console: a service (s3, ec2...) or an https console URL
                                      (default: the console home of the region).
  --print                             console: print the sign-in URL instead of opening it.
  --yes                               profiles generate: write without asking.
  --min-ttl=SECONDS                   Reuse the agent's credentials only with more than this
                                      left (default: 300; exec: 900).
  --no-agent                          Neither ask nor start the agent (or OLENV_AGENT=off).
  --server                            exec: serve credentials to the command on 127.0.0.1
                                      (AWS_CONTAINER_CREDENTIALS_FULL_URI), renewed as they
                                      near expiry, instead of setting the keys.
  -q, --quiet                         No notices of what was done: only errors, warnings,
                                      prompts and the output itself.
  --debug                             Show a traceback on errors.
  -h, --help                          Show this text.
  --version                           Show the version.

Exit status: 0 success, 1 sign-in, OneLogin or AWS failure, 2 usage or settings
error, 130 interrupted; exec exits with the command's own status.
"""
