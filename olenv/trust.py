"""The allow list: which files found in a working tree may take effect, by path and content.

A `.olenv` or a settings file (onelogin.sdk.json, onelogin.aws.json,
accounts.yaml) in the current directory may come from a cloned repository, so
it counts only once the user allowed it. One small file per allowed file,
`<store>/<sha256 of its path>` (stores: olenv.allowdirs), holds the verdict,
the sha256 of path and content together, and the path: nothing secret. A file
is trusted only while both still match, so an edited or moved file, or a copy
in a freshly cloned repository, does nothing until `olenv allow`.

The path is the file's directory with symlinks resolved, then its own name:
a symlinked directory is the same tree, but a file that is itself a link
into a trusted tree is a different file, to be allowed on its own.

Every such file is read through read(): at most LIMIT bytes (SETTINGS_LIMIT for
a settings file), checked on the
open file (fstat) before a byte is read, a regular file, and owned by the user
or root. A FIFO does not hang (O_NONBLOCK), an 8 GiB file is not read.
"""

import hashlib
import os
import stat
from pathlib import Path

from olenv import allowdirs
from olenv.errors import ConfigError
from olenv.settings import ACCOUNTS_FILE, AWS_FILE, SDK_FILE

ALLOW, DENY = "allow", "deny"
# What standing() says of a file, as `olenv status` shows it.
ALLOWED, ALLOWED_SESSION = "allowed", "allowed until you log out"
NEW, CHANGED, DENIED = "not allowed", "changed since it was allowed", "denied"
TRUSTED = (ALLOWED, ALLOWED_SESSION)
# A .olenv is a few lines; this leaves room for comments.
LIMIT = 64 * 1024
# onelogin.aws.json may hold a profile per role (olenv profiles generate), about 100
# bytes each: this fits thousands, and is still read and hashed in a millisecond.
SETTINGS_LIMIT = 1024 * 1024
SETTINGS_NAMES = (SDK_FILE, AWS_FILE, ACCOUNTS_FILE)


def canonical(file: Path) -> Path:
    return Path(os.path.realpath(file.parent)) / file.name


def _digest(path: Path, content: bytes) -> str:
    return hashlib.sha256(os.fsencode(path) + b"\0" + content).hexdigest()


def _private(path: str) -> str | None:
    """Why the directory at `path` is not ours alone, or None when it is (or is missing)."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return None
    if not stat.S_ISDIR(info.st_mode):
        return "is not a directory"
    if info.st_uid != os.getuid():
        return f"belongs to uid {info.st_uid}, not to you"
    if info.st_mode & 0o077:
        return f"is open to others (mode {stat.S_IMODE(info.st_mode):o})"
    return None


def _store(session: bool = False, writing: bool = False) -> Path | None:
    """The allow list's directory; None for a per-boot one that someone else made."""
    if not session:
        return Path(allowdirs.data_store())
    store = Path(allowdirs.session_store())
    if os.path.isabs(os.environ.get("XDG_RUNTIME_DIR", "")):
        return store
    folder = str(store.parent)  # $TMPDIR/olenv-UID-BOOT: anyone may have made it first
    if writing:
        try:
            os.mkdir(folder, 0o700)
        except FileExistsError:
            pass
        except OSError as exc:
            raise ConfigError(f"cannot create {folder} for --session: {exc.strerror}") from None
    problem = _private(folder)
    if problem is None:
        return store
    if writing:
        raise ConfigError(f"{folder} {problem}: olenv keeps --session trust there only in a "
                          "directory of yours alone (set XDG_RUNTIME_DIR, or remove it)")
    return None  # entries someone else wrote are no trust of yours


def session_lasts() -> str:
    """How long `olenv allow --session` trusts a file."""
    if os.path.isabs(os.environ.get("XDG_RUNTIME_DIR", "")):
        return "until you log out"
    return "until the machine restarts"


def _entry(store: Path, path: Path) -> Path:
    return store / hashlib.sha256(os.fsencode(path)).hexdigest()


def _read(store: Path | None, path: Path) -> tuple[str, str] | None:
    if store is None:
        return None
    try:
        with open(_entry(store, path), "rb") as entry:
            head = entry.read(4096).split(b"\n", 1)[0].decode("ascii", "replace")
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise ConfigError(f"{store}: cannot read the allow list ({exc.strerror})") from None
    verdict, _, digest = head.partition(" ")
    return verdict, digest


def load(file: Path, limit: int | None = None) -> tuple[bytes, os.stat_result]:
    """The content of a small file olenv is about to trust or parse, and its fstat."""
    limit = limit or (SETTINGS_LIMIT if file.name in SETTINGS_NAMES else LIMIT)
    try:
        fd = os.open(file, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC)
    except OSError as exc:
        raise ConfigError(f"{shown(file)}: cannot read it ({exc.strerror})") from None
    with os.fdopen(fd, "rb", buffering=0) as handle:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise ConfigError(f"{shown(file)} is not a regular file: olenv will not read it")
        if info.st_uid not in (os.getuid(), 0):
            raise ConfigError(f"{shown(file)} belongs to {_owner(info.st_uid)}, not to you "
                              "or root: olenv will not use it")
        if info.st_size > limit:
            raise ConfigError(f"{shown(file)} is {info.st_size} bytes: olenv reads such a "
                              f"file only up to {limit // 1024} KiB")
        try:
            content = handle.read(limit + 1)  # it may have grown since the fstat
        except OSError as exc:
            raise ConfigError(f"{shown(file)}: cannot read it ({exc.strerror})") from None
    if len(content) > limit:
        raise ConfigError(f"{shown(file)} is over {limit // 1024} KiB: olenv reads such a "
                          "file only up to that")
    return content, info


def read(file: Path, limit: int | None = None) -> bytes:
    return load(file, limit)[0]


def _owner(uid: int) -> str:
    import pwd

    try:
        return f"uid {uid} ({pwd.getpwuid(uid).pw_name})"
    except KeyError:
        return f"uid {uid}"


def shown(path: Path) -> str:
    """A path as a person can paste it back into a command, with nothing a terminal obeys."""
    import shlex

    from olenv.text import safe

    return safe(shlex.quote(str(path)))


def standing(file: Path, content: bytes) -> str:
    """What the allow list says of `file` holding `content`: one of the five above."""
    path = canonical(file)
    digest = _digest(path, content)
    found = None
    for session in (False, True):
        found = _read(_store(session), path) or found
        if found == (ALLOW, digest):
            return ALLOWED_SESSION if session else ALLOWED
    if found is None:
        return NEW
    return DENIED if found[0] == DENY else CHANGED


def refusal(file: Path, state: str, hint: str) -> str:
    """The line that says why `file` in `state` is not used, and the command that allows it."""
    if state == NEW:
        return f"{shown(file)} is not allowed yet: read it, then run  {hint}"
    if state == DENIED:
        return f"{shown(file)} is denied: run  {hint}  to use it"
    return f"{shown(file)} changed since it was allowed: read it, then run  {hint}"


def admit(file: Path) -> bytes:
    """The content of a trusted .olenv; anything else is refused with one line saying why."""
    content = read(file)
    state = standing(file, content)
    if state in TRUSTED:
        return content
    raise ConfigError(refusal(file, state, f"olenv allow {shown(file.parent)}"))


def record(file: Path, verdict: str, content: bytes, session: bool = False) -> None:
    """Allow or deny `file` holding `content`; the entry is replaced atomically."""
    from olenv import atomic

    path = canonical(file)
    store = _store(session, writing=True)
    line = f"{verdict} {_digest(path, content)}\n".encode() + os.fsencode(path) + b"\n"
    try:
        store.mkdir(mode=0o700, parents=True, exist_ok=True)
        atomic.replace(_entry(store, path), line)
    except OSError as exc:
        raise ConfigError(f"{store}: cannot write the allow list ({exc.strerror})") from None
    if verdict == DENY and not session:
        # A denial outlasts a session allow of the same file.
        try:
            session_store = _store(True)
            if session_store is not None:
                _entry(session_store, path).unlink(missing_ok=True)
        except OSError:
            pass

    from olenv import hooks

    hooks.changed()  # the prompt hook of every shell looks again at its next prompt
