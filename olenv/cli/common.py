"""What every command shares: command-line values → Settings, and one sign-in."""

import sys

from olenv import settings as settings_module
from olenv.agent import MIN_TTL
from olenv.credentials import Credentials
from olenv.errors import UsageError
from olenv.terminal import Terminal

# docopt option → settings value name
OPTIONS = {
    "--config-file-path": "config_dir", "--profile": "profile",
    "--onelogin-username": "username", "--onelogin-password": "password",
    "--onelogin-app-id": "app_id", "--onelogin-subdomain": "subdomain",
    "--region": "region", "--ip": "ip", "--otp": "otp", "--mfa-device": "mfa_device",
    "--push-interval": "push_interval", "--push-timeout": "push_timeout",
    "--aws-region": "aws_region", "--aws-account-id": "aws_account_id",
    "--aws-role-name": "aws_role_name", "--duration": "duration",
    "--role-order": "role_order", "--saml-api-version": "saml_api_version",
    "--keychain-service": "keychain_service", "--keychain-account": "keychain_account",
}


def cli_values(args) -> dict:
    """What the command line gave, by settings value name (None: not given)."""
    return {name: args.get(option) or None for option, name in OPTIONS.items()}


def load_settings(args, use_keyring: bool = True) -> settings_module.Settings:
    from olenv.cli import selection

    cli = cli_values(args)
    if cli["password"]:
        sys.stderr.write("olenv: warning: --onelogin-password shows in `ps` and shell history; "
                         "prefer OLENV_PASSWORD or the prompt\n")
    # A friendly account name is looked up once the files that name accounts are read.
    named = cli["aws_account_id"]
    if named and not selection.looks_like_account_id(named):
        cli["aws_account_id"] = None
    else:
        named = None
    settings = settings_module.load(cli)
    if named:
        settings.aws_account_id = selection.account_named(settings, named)
        settings.sources["aws_account_id"] = f"command line ({named})"
    # The OS keyring only when asked for (keychain_service/keychain_account).
    if use_keyring and settings.password is None and (settings.keychain_service
                                                      or settings.keychain_account):
        from olenv import password

        settings.password = password.lookup(settings)
    return settings


def notice(args, terminal: Terminal, text: str) -> None:
    """A line saying what was done; --quiet leaves it out."""
    if not args.get("--quiet"):
        terminal.say(text)


def switching(args, terminal: Terminal, credentials: Credentials, env) -> None:
    """Inside an olenv shell (or after an export), say which credentials replace which:
    every managed variable is replaced, so nothing of the old session stays."""
    old = (env.get("OLENV_PROFILE"), env.get("OLENV_ACCOUNT_ID"), env.get("OLENV_ROLE"))
    new = (credentials.profile, credentials.account_id, credentials.role_name)
    if old[0] and old != new:
        from olenv.cli.selection import who

        notice(args, terminal, f"olenv: switching from {who(*old)} to {who(*new)}")


def min_ttl(args, default: int) -> int:
    """--min-ttl: seconds the credentials must have left, else olenv signs in again."""
    value = args.get("--min-ttl")
    if value is None:
        return default
    if not value.isdigit():
        raise UsageError(f"--min-ttl {value!r} is not a number of seconds")
    return int(value)


def sign_in(args, terminal: Terminal | None = None, ttl: int = MIN_TTL,
            fresh: bool = False, settings=None, profile_from: str | None = None) -> Credentials:
    """Credentials from the agent when it holds some with more than `ttl` seconds left
    (--min-ttl overrides), else from a sign-in, which the agent then keeps.

    A profile the settings do not define stops it first; --pick shows the role menu
    again instead of taking the role picked from it earlier. profile_from: the file that
    named the profile, when -p did not (a .olenv)."""
    from olenv.agent import session
    from olenv.cli import selection

    settings = settings or load_settings(args)
    selection.check_profile(settings, profile_from)
    return session.obtain(settings, terminal or Terminal(), args, min_ttl(args, ttl),
                          fresh or bool(args.get("--pick")))
