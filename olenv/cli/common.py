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
    cli = cli_values(args)
    if cli["password"]:
        sys.stderr.write("olenv: warning: --onelogin-password shows in `ps` and shell history; "
                         "prefer OLENV_PASSWORD or the prompt\n")
    settings = settings_module.load(cli)
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


def min_ttl(args, default: int) -> int:
    """--min-ttl: seconds the credentials must have left, else olenv signs in again."""
    value = args.get("--min-ttl")
    if value is None:
        return default
    if not value.isdigit():
        raise UsageError(f"--min-ttl {value!r} is not a number of seconds")
    return int(value)


def sign_in(args, terminal: Terminal | None = None, ttl: int = MIN_TTL,
            fresh: bool = False) -> Credentials:
    """Credentials from the agent when it holds some with more than `ttl` seconds left
    (--min-ttl overrides), else from a sign-in, which the agent then keeps."""
    from olenv.agent import session

    settings = load_settings(args)
    return session.obtain(settings, terminal or Terminal(), args, min_ttl(args, ttl), fresh)
