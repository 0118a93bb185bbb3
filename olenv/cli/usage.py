"""The command table and `olenv --help`, printed without importing any command module.

Each command's own usage text (USAGE) lives in its module, olenv/cli/<name>.py.
"""

# command word → (the module whose USAGE and run(args) carry it out, its line in --help)
COMMANDS = {
    "exec": ("olenv.cli.exec", "Run a command (or a shell) with the role's AWS_* set; nothing written."),
    "export": ("olenv.cli.export", 'Print shell code that sets AWS_* (eval "$(olenv export)").'),
    "credential-process": ("olenv.cli.credential_process",
                           "Print AWS credential_process JSON (for ~/.aws/config)."),
    "login": ("olenv.cli.login", "Write the credentials to a profile of ~/.aws/credentials."),
    "console": ("olenv.cli.console", "Open the AWS console signed in as the role."),
    "roles": ("olenv.cli.roles", "List every AWS account and role you may take."),
    "list": ("olenv.cli.list", "List the profiles of the settings and the agent's sessions "
                               "(no sign-in)."),
    "configure": ("olenv.cli.configure", "Save the subdomain, app id, username and default region."),
    "profiles": ("olenv.cli.profiles", "Add a profile per role to onelogin.aws.json."),
    "status": ("olenv.cli.status", "Show what olenv sees from here, and where each setting "
                                   "comes from."),
    "agent": ("olenv.cli.agent", "Start, stop or show the in-memory session agent."),
    "password": ("olenv.cli.password", "Keep the OneLogin password in the OS keyring, or remove it."),
    "hook": ("olenv.cli.hook", "Print the prompt hook that follows each tree's .olenv."),
    "allow": ("olenv.cli.allow", "Trust a .olenv as it is now."),
    "deny": ("olenv.cli.deny", "Withdraw the trust in a .olenv."),
    "completion": ("olenv.cli.completion", "Print the tab completion for bash, zsh or fish."),
    "help": ("olenv.cli.help", "Show the help of a command."),
}


def _help() -> str:
    width = max(map(len, COMMANDS)) + 2
    commands = "".join(f"  {name:<{width}}{summary}\n" for name, (_, summary) in COMMANDS.items())
    return f"""\
olenv: AWS credentials through OneLogin, handed over without touching disk.

Usage:
  olenv COMMAND [OPTIONS] [ARGS]
  olenv help COMMAND          (or olenv COMMAND --help) for a command's options
  olenv --version

Commands:
{commands}
Options of every command:
  -h, --help    Show the help (of olenv, or of the command).
  --debug       Show a traceback on errors.
  --version     Show the version (olenv --version).

Settings are read from onelogin.sdk.json (the OneLogin API client), onelogin.aws.json
(app, user, profiles) and accounts.yaml (friendly account names), each looked up in
-c DIR, then the current directory, then ~/.onelogin; the first one found is used
whole. One found in the current directory counts only once you `olenv allow` it, and
so does a .olenv file, which picks a profile per project tree.

Environment: OLENV_PASSWORD, OLENV_CLIENT_ID, OLENV_CLIENT_SECRET, OLENV_ONELOGIN_URL,
OLENV_AGENT, OLENV_AGENT_IDLE, AWS_DEFAULT_REGION, NO_COLOR (see each command's help).

Exit status: 0 success, 1 sign-in, OneLogin or AWS failure, 2 usage or settings
error, 130 interrupted; exec exits with the command's own status.
"""


USAGE = _help()
