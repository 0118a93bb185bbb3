"""The allow list: which .olenv files may take effect, by path and content.

One small file per .olenv, `$XDG_DATA_HOME/olenv/allow/<sha256 of its path>`,
holding the verdict, the sha256 of path and content together, and the path:
nothing secret. A file is trusted only while both still match, so an edited or
moved file, or a copy in a freshly cloned repository, does nothing until
`olenv allow`. `olenv allow --session` records the same under
`$XDG_RUNTIME_DIR`, which the system empties when the user logs out.

The path is the file's directory with symlinks resolved, then its own name:
a symlinked directory is the same tree, but a .olenv that is itself a link
into a trusted tree is a different file, to be allowed on its own.
"""

import hashlib
import os
import shlex
from pathlib import Path

from olenv import atomic
from olenv.errors import ConfigError, UsageError

ALLOW, DENY = "allow", "deny"
# What standing() says of a file, as `olenv status` shows it.
ALLOWED, ALLOWED_SESSION = "allowed", "allowed until you log out"
NEW, CHANGED, DENIED = "not allowed", "changed since it was allowed", "denied"


def canonical(file: Path) -> Path:
    return Path(os.path.realpath(file.parent)) / file.name


def _digest(path: Path, content: bytes) -> str:
    return hashlib.sha256(os.fsencode(path) + b"\0" + content).hexdigest()


def _store(session: bool = False) -> Path:
    if session:
        runtime = os.environ.get("XDG_RUNTIME_DIR", "")
        if not os.path.isabs(runtime):
            raise UsageError("--session needs XDG_RUNTIME_DIR (a per-login directory) to be set")
        return Path(runtime, "olenv", "allow")
    # The XDG spec: a relative value is to be ignored.
    data = os.environ.get("XDG_DATA_HOME", "")
    base = Path(data) if os.path.isabs(data) else Path.home() / ".local" / "share"
    return base / "olenv" / "allow"


def _entry(store: Path, path: Path) -> Path:
    return store / hashlib.sha256(os.fsencode(path)).hexdigest()


def _read(store: Path, path: Path) -> tuple[str, str] | None:
    try:
        head = _entry(store, path).read_bytes().split(b"\n", 1)[0].decode("ascii", "replace")
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise ConfigError(f"{store}: cannot read the allow list ({exc.strerror})") from None
    verdict, _, digest = head.partition(" ")
    return verdict, digest


def read(file: Path) -> bytes:
    try:
        return file.read_bytes()
    except OSError as exc:
        raise ConfigError(f"{file}: cannot read it ({exc.strerror})") from None


def shown(path: Path) -> str:
    """A path as a person can paste it back into a command."""
    return shlex.quote(str(path))


def standing(file: Path, content: bytes) -> str:
    """What the allow list says of `file` holding `content`: one of the five above."""
    path = canonical(file)
    digest = _digest(path, content)
    found = None
    for session in (False, True):
        try:
            found = _read(_store(session), path) or found
        except UsageError:
            continue  # no per-login directory: no session entries
        if found == (ALLOW, digest):
            return ALLOWED_SESSION if session else ALLOWED
    if found is None:
        return NEW
    return DENIED if found[0] == DENY else CHANGED


def admit(file: Path) -> bytes:
    """The content of a trusted .olenv; anything else is refused with one line saying why."""
    content = read(file)
    state = standing(file, content)
    if state in (ALLOWED, ALLOWED_SESSION):
        return content
    hint = f"olenv allow {shown(file.parent)}"
    if state == NEW:
        raise ConfigError(f"{shown(file)} is not allowed yet: read it, then run  {hint}")
    if state == DENIED:
        raise ConfigError(f"{shown(file)} is denied: run  {hint}  to use it")
    raise ConfigError(f"{shown(file)} changed since it was allowed: read it, then run  {hint}")


def record(file: Path, verdict: str, content: bytes, session: bool = False) -> None:
    """Allow or deny `file` holding `content`; the entry is replaced atomically."""
    path = canonical(file)
    store = _store(session)
    line = f"{verdict} {_digest(path, content)}\n".encode() + os.fsencode(path) + b"\n"
    try:
        store.mkdir(mode=0o700, parents=True, exist_ok=True)
        atomic.replace(_entry(store, path), line)
        if verdict == DENY and not session:
            # A denial outlasts a session allow of the same file.
            _entry(_store(True), path).unlink(missing_ok=True)
    except UsageError:
        pass  # no per-login directory: nothing was allowed there
    except OSError as exc:
        raise ConfigError(f"{store}: cannot write the allow list ({exc.strerror})") from None
    from olenv import hooks

    hooks.changed()  # the prompt hook of every shell looks again at its next prompt
