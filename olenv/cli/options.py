"""Option and environment blocks that many commands put into their USAGE text.

Each block is a run of docopt option lines (no title): a command writes
`Options:` and then the blocks it takes, so its help shows only its own
options. The environment blocks do the same under `Environment:`.
"""

# The settings and the role: which files, which OneLogin user and app, which AWS role.
PROFILE = """\
  -p NAME, --profile=NAME             Profile of onelogin.aws.json (its profiles section)."""
SETTINGS = """\
  -c DIR, --config-file-path=DIR      Directory of onelogin.sdk.json, onelogin.aws.json and
                                      accounts.yaml (then ./ and ~/.onelogin are searched).
  -u USER, --onelogin-username=USER   OneLogin username or email.
  -a ID, --onelogin-app-id=ID         ID of the OneLogin "AWS Multi Account" app.
  -d NAME, --onelogin-subdomain=NAME  OneLogin tenant subdomain (NAME.onelogin.com).
  -r REGION, --region=REGION          OneLogin API region: us or eu."""
ROLE = """\
  --aws-account-id=ACCOUNT            Take the role in this account: its 12-digit id, or its
                                      name in accounts.yaml, or a profile's name.
  --aws-role-name=NAME                Take the role with this name.
  --aws-region=REGION                 AWS region handed over (default: AWS_DEFAULT_REGION,
                                      else the role's partition's: us-east-1 for aws).
  -z SECONDS, --duration=SECONDS      Session length, 900-43200 seconds (default: 3600).
  --role-order                        Sort the role menu by role name, not account.
  --pick                              Show the role menu again, even if a role was picked
                                      from it earlier (the agent remembers that pick)."""
SIGN_IN = """\
  --onelogin-password=PASSWORD        Password; shows in `ps`: prefer OLENV_PASSWORD or the
                                      prompt.
  --otp=CODE                          First OTP code to try.
  --mfa-device=DEVICE                 MFA device id or type (e.g. protect, google, sms).
  --push-interval=SECONDS             Seconds between checks of a push approval
                                      (default: 2).
  --push-timeout=SECONDS              Seconds to wait for a push approval, then ask for a
                                      code (default: 90).
  --ip=ADDRESS                        Sent to OneLogin as ip_address (MFA allow-lists).
  --keychain-service=NAME             OS keyring service of the password
                                      (default: onelogin).
  --keychain-account=NAME             OS keyring account of the password (default: the
                                      username before any @).
  --saml-api-version=N                OneLogin SAML API version, 1 or 2 (default: 2)."""
AGENT = """\
  --min-ttl=SECONDS                   Reuse the agent's credentials only with more than this
                                      left (default: 300; exec: 900).
  --no-agent                          Neither ask nor start the agent (or OLENV_AGENT=off)."""
GENERAL = """\
  -q, --quiet                         No notices of what was done: only errors, warnings,
                                      prompts and the output itself.
  --debug                             Show a traceback on errors.
  -h, --help                          Show this help."""
# Only --debug and --help: for commands that print no notices.
PLAIN = """\
  --debug                             Show a traceback on errors.
  -h, --help                          Show this help."""

# What a command that signs in takes (its own options go first, GENERAL last).
SIGNING_IN = "\n".join((PROFILE, SETTINGS, ROLE, SIGN_IN, AGENT))

# The environment
ENV_SIGN_IN = """\
  OLENV_PASSWORD        The OneLogin password (else the keyring, else a prompt).
  OLENV_CLIENT_ID       The OneLogin API client id (instead of onelogin.sdk.json's).
  OLENV_CLIENT_SECRET   The OneLogin API client secret (instead of onelogin.sdk.json's).
  OLENV_ONELOGIN_URL    Another OneLogin API base URL (https; http only to loopback)."""
ENV_AWS = """\
  AWS_DEFAULT_REGION    The AWS region when no option or setting gives one (else
                        AWS_REGION)."""
ENV_AGENT = """\
  OLENV_AGENT           off (or 0, no, false): neither ask nor start the agent.
  OLENV_AGENT_IDLE      Seconds an agent holding nothing valid waits before it exits
                        (default: 900).
  XDG_RUNTIME_DIR       Where the agent's socket lives (else /tmp/olenv-UID)."""
ENV_TERMINAL = """\
  NO_COLOR              Honoured: olenv prints no colour at all."""
SIGNING_IN_ENV = "\n".join((ENV_SIGN_IN, ENV_AWS, ENV_AGENT, ENV_TERMINAL))
