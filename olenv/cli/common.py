"""What every command shares: command-line values → Settings, and one sign-in."""

import sys

from olenv import settings as settings_module
from olenv.credentials import Credentials
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
}


def load_settings(args) -> settings_module.Settings:
    cli = {name: args.get(option) or None for option, name in OPTIONS.items()}
    if cli["password"]:
        sys.stderr.write("olenv: warning: --onelogin-password shows in `ps` and shell history; "
                         "prefer OLENV_PASSWORD or the prompt\n")
    return settings_module.load(cli)


def sign_in(args, terminal: Terminal | None = None) -> Credentials:
    from olenv import flow

    settings = load_settings(args)
    return flow.obtain(settings, terminal or Terminal())
