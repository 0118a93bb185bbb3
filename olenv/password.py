"""The OneLogin password in the OS keyring: used only when keychain_service or
keychain_account is set, and `keyring` is imported only then.

The names follow onelogin-aws-assume-role, so a password it stored is found: a
missing service is "onelogin", a missing account the username before any "@".
"""

import contextlib
import sys

from olenv.errors import ConfigError, OlenvError, UsageError
from olenv.settings import Settings

DEFAULT_SERVICE = "onelogin"


def configured(settings: Settings) -> bool:
    return bool(settings.keychain_service or settings.keychain_account)


def entry(settings: Settings) -> tuple[str, str]:
    """(service, account) of the password in the keyring."""
    account = settings.keychain_account
    if not account:
        if not settings.username:
            raise UsageError("the OS keyring account is not known: set keychain_account "
                             "(or --keychain-account), or the OneLogin username")
        account = settings.username.split("@", 1)[0]
    return settings.keychain_service or DEFAULT_SERVICE, account


@contextlib.contextmanager
def _keyring(doing: str):
    try:
        import keyring
        from keyring.backends import fail
        from keyring.errors import KeyringError
    except ImportError:
        raise ConfigError("the OS keyring needs the keyring package: "
                          "pip install 'olenv[keyring]'") from None
    if isinstance(keyring.get_keyring(), fail.Keyring):
        raise ConfigError("no OS keyring is available here (keyring found no backend): "
                          "unset keychain_service/keychain_account, or install a backend")
    try:
        yield keyring
    except KeyringError as exc:
        raise OlenvError(f"the OS keyring failed {doing} ({exc.__class__.__name__})") from None


def check() -> None:
    """Fail now, before a password is typed, when there is no keyring to keep it."""
    with _keyring("to open"):
        pass


def lookup(settings: Settings) -> str | None:
    """The stored password, or None (with a notice) when there is none."""
    service, account = entry(settings)
    with _keyring("to read the password") as keyring:
        found = keyring.get_password(service, account)
    if not found:
        sys.stderr.write(f"olenv: no OneLogin password in the OS keyring for {account!r} "
                         f"(service {service!r}): olenv password set stores one\n")
    return found or None


def store(settings: Settings, password: str) -> tuple[str, str]:
    service, account = entry(settings)
    with _keyring("to store the password") as keyring:
        keyring.set_password(service, account, password)
    return service, account


def forget(settings: Settings) -> bool:
    """Remove the stored password; False when there was none."""
    service, account = entry(settings)
    with _keyring("to remove the password") as keyring:
        if keyring.get_password(service, account) is None:
            return False
        keyring.delete_password(service, account)
    return True
