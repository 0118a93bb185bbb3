"""olenv password set|forget: the OneLogin password in the OS keyring, or gone from it."""

from olenv import password
from olenv.cli import options
from olenv.cli.common import load_settings, notice
from olenv.errors import UsageError
from olenv.terminal import Terminal

USAGE = f"""\
olenv password: keep the OneLogin password in the OS keyring, or remove it.

Usage:
  olenv password (set | forget) [options]

Options:
{options.PROFILE}
  -c DIR, --config-file-path=DIR      Directory holding onelogin.aws.json (then ./ and
                                      ~/.onelogin are searched).
  -u USER, --onelogin-username=USER   OneLogin username or email.
  --onelogin-password=PASSWORD        The password to store; shows in `ps`: prefer
                                      OLENV_PASSWORD or the prompt.
  --keychain-service=NAME             OS keyring service (default: onelogin).
  --keychain-account=NAME             OS keyring account (default: the username before any @).
{options.GENERAL}

Environment:
  OLENV_PASSWORD        The password to store (else it is asked for without echo).

Examples:
  olenv password set -u alice@example.com
  olenv password forget -u alice@example.com
"""


def run(args) -> int:
    settings = load_settings(args, use_keyring=False)
    terminal = Terminal()
    if not settings.keychain_account and not settings.username:
        settings.username = terminal.ask("OneLogin username: ", "the OneLogin username")
    service, account = password.entry(settings)
    where = f"the OS keyring (service {service!r}, account {account!r})"
    if args["forget"]:
        gone = password.forget(settings)
        notice(args, terminal, f"olenv: removed the OneLogin password from {where}" if gone
               else f"olenv: no OneLogin password in {where}: nothing to remove")
        return 0
    password.check()
    # From --onelogin-password or OLENV_PASSWORD, else typed without echo.
    secret = settings.password or terminal.ask_secret(
        f"OneLogin password for {settings.username or account} (kept in the OS keyring): ",
        "the OneLogin password to store")
    if not secret:
        raise UsageError("no password given: nothing stored")
    password.store(settings, secret)
    notice(args, terminal, f"olenv: stored the OneLogin password in {where}")
    if not password.configured(settings):
        notice(args, terminal, 'olenv: olenv uses it once onelogin.aws.json has '
               f'"keychain_service": "{service}" (or with --keychain-service {service})')
    return 0
