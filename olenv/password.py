"""The OneLogin password in the OS keyring: used only when keychain_service or
keychain_account is set, and `keyring` is imported only then.

The names follow onelogin-aws-assume-role, so a password it stored is found: a
missing service is "onelogin", a missing account the username before any "@".
They come only from trusted settings (olenv.settings leaves out a working
tree's files until allowed), so a cloned repository cannot have another
keyring entry read and sent as "the password".

Only a backend that really keeps secrets is used: the Secret Service, KWallet,
macOS's Keychain, Windows' Credential Manager or a third-party one. keyring's
null and fail backends, keyrings.alt's (its PlaintextKeyring is a base64 file
in ~/.local/share) and a chainer holding nothing better are refused with one
line; from a chainer, the best secure member is used by itself, so a password
is never read from, or written to, a plain file behind it.
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


# keyring's backends that keep nothing, and the chainer, whose members are judged instead.
_EMPTY = ("keyring.backends.fail", "keyring.backends.null")
_INSTALL = ("install and unlock a Secret Service (gnome-keyring or KeePassXC) or KWallet, "
            "or unset keychain_service/keychain_account")


def _secure(backend) -> bool:
    module = type(backend).__module__
    # keyrings.alt's own words: "alternate, possibly-insecure backends".
    return not (module in _EMPTY or module.startswith("keyrings.alt")
                or module == "keyring.backends.chainer")


def _name(backend) -> str:
    return f"{type(backend).__module__}.{type(backend).__qualname__}"


def backend(keyring):
    """The keyring backend olenv uses: one that keeps secrets, else a ConfigError."""
    from keyring.backends.chainer import ChainerBackend

    chosen = keyring.get_keyring()
    members = list(chosen.backends) if isinstance(chosen, ChainerBackend) else [chosen]
    good = [member for member in members if _secure(member)]
    if good:
        return good[0]
    plain = [_name(member) for member in members if type(member).__module__ not in _EMPTY]
    if plain:
        raise ConfigError(f"the only OS keyring here ({', '.join(plain)}) keeps the password "
                          f"in a plain file: {_INSTALL}")
    raise ConfigError(f"no OS keyring is available here (keyring found no backend): {_INSTALL}")


@contextlib.contextmanager
def _keyring(doing: str):
    try:
        import keyring
        from keyring.errors import KeyringError
    except ImportError:
        raise ConfigError("the OS keyring needs the keyring package: "
                          "pip install 'olenv[keyring]'") from None
    found = backend(keyring)
    try:
        yield found
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
