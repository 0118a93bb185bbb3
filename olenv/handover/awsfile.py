"""Write one profile of the shared credentials file, on request only.

Only olenv's keys of the one section change; every other byte is kept: other
sections, comments, a UTF-8 BOM, each line's own ending (LF, CRLF or a lone CR),
a last line without one. New lines take the file's own line ending. The new
file is written beside the old one and renamed over it (atomic), with mode
0600, while an exclusive lock on the file itself is held, so parallel runs for
different profiles all land and no lock file is left behind. A symlinked file
is updated where it points, not replaced by a regular file.
"""

import fcntl
import os
import re
import stat
from contextlib import contextmanager
from pathlib import Path

from olenv import atomic, lines
from olenv.credentials import Credentials, iso
from olenv.errors import OlenvError, UsageError

# As botocore's configparser reads them (on the stripped line): a header is "[" up to the
# last "]", so "[dev] ; note" is dev and "[ dev ]" is " dev "; a key is what precedes the
# first "=" or ":", in any case. An indented line continues the value above it.
SECTION = re.compile(r"\[(.+)\]")
KEY = re.compile(r"(.*?)\s*[=:]")
COMMENT = ("#", ";")
PROFILE_NAME = re.compile(r"^[A-Za-z0-9_.@+-]+\Z")  # \Z: "$" lets a final newline through
# What botocore's configparser takes for a line end (universal newlines), and nothing else:
# str.splitlines would also split at U+2028, FF or VT, which configparser reads as text.
LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")
ENDING = re.compile(r"\r\n|\r|\n")
BOM = "\ufeff"
# O_NONBLOCK: a FIFO planted at the path must not hang the open (it is refused after).
FLAGS = os.O_RDONLY | os.O_CLOEXEC | os.O_NONBLOCK


def default_path(env=os.environ) -> Path:
    return Path(env.get("AWS_SHARED_CREDENTIALS_FILE") or "~/.aws/credentials").expanduser()


def entries(credentials: Credentials) -> dict[str, str]:
    return {
        "aws_access_key_id": credentials.access_key_id,
        "aws_secret_access_key": credentials.secret_access_key,
        "aws_session_token": credentials.session_token,
        "aws_security_token": credentials.session_token,
        "aws_session_expiration": iso(credentials.expiration),
        "region": credentials.region,
    }


def _body(line: str) -> str:
    return line.rstrip("\r\n")


def update(text: str, section: str, values: dict[str, str]) -> str:
    """Return text with `section` holding `values`; nothing else changes."""
    bom = BOM if text.startswith(BOM) else ""
    text = text[len(bom):]
    found = ENDING.search(text)
    eol = found.group(0) if found else "\n"
    rows = LINE.findall(text)
    owned = {key.lower() for key in values}

    def header(line: str) -> str | None:
        text = line.strip()
        match = None if text.startswith(COMMENT) else SECTION.match(text)
        return match.group(1) if match else None

    def key(line: str) -> str | None:
        text = line.strip()
        if line[:1].isspace() or text.startswith(COMMENT):
            return None
        match = KEY.match(text)
        return match.group(1).rstrip().lower() if match else None

    starts = [i for i, line in enumerate(rows) if header(line) == section]
    if not starts:
        if rows and not ENDING.search(rows[-1]):
            rows[-1] += eol
        gap = [eol] if rows and rows[-1].strip() else []
        new = [f"[{section}]{eol}"] + [f"{key} = {value}{eol}" for key, value in values.items()]
        return bom + "".join(rows + gap + new)
    out, pending, current = [], dict(values), None
    for i, line in enumerate(rows):
        name = header(line)
        if name is not None:
            if current == starts[0]:
                _add_pending(out, pending, eol)
            current = i if name == section else None
            out.append(line)
            continue
        name = key(line) if current is not None else None
        if name in owned:
            # botocore lowercases keys: AWS_ACCESS_KEY_ID would clash with the new value, and
            # a key olenv owns, repeated or in a repeated section, would shadow it.
            if current == starts[0] and name in pending:
                out.append(f"{name} = {pending.pop(name)}{line[len(_body(line)):] or eol}")
            continue
        out.append(line)
    if current == starts[0]:
        _add_pending(out, pending, eol)
    return bom + "".join(out)


def _add_pending(out: list[str], pending: dict[str, str], eol: str) -> None:
    """New keys go after the section's last key, before its trailing blank lines."""
    if not pending:
        return
    cut = len(out)
    while cut and not out[cut - 1].strip():
        cut -= 1
    if cut and not ENDING.search(out[cut - 1]):
        out[cut - 1] += eol  # the file's last line had no line ending
    out[cut:cut] = [f"{key} = {value}{eol}" for key, value in pending.items()]
    pending.clear()


def check_section(section: str) -> None:
    if not PROFILE_NAME.match(section):
        raise UsageError(f"profile name {section!r} cannot be a credentials file section")


def check_file(path: Path) -> Path:
    """What `write` would refuse about the file itself, found before anyone signs in."""
    target = Path(os.path.realpath(path))
    try:
        if target.exists():
            if not target.is_file():
                raise OlenvError(f"cannot write {target}: it is not a regular file", exit_code=2)
            target.read_bytes().decode("utf-8")
        folder = next(p for p in (target.parent, *target.parent.parents) if p.exists())
        if not os.access(folder, os.W_OK | os.X_OK):
            raise OlenvError(f"cannot write {target}: {folder} is not writable", exit_code=2)
    except UnicodeDecodeError:
        raise OlenvError(f"{target} is not UTF-8 text: left as it was", exit_code=2) from None
    except OSError as exc:
        raise OlenvError(f"cannot read {target}: {exc.strerror}", exit_code=2) from None
    return target


def write(path: Path, section: str, credentials: Credentials) -> Path:
    check_section(section)
    target = Path(os.path.realpath(path))
    values = entries(credentials)
    for key, value in values.items():
        lines.check(f"the {key} value for profile {section!r}", value, target)
    try:
        target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        with _locked(target) as old:
            atomic.replace(target, update(old.decode("utf-8"), section, values).encode("utf-8"))
    except UnicodeDecodeError:
        raise OlenvError(f"{target} is not UTF-8 text: left as it was", exit_code=2) from None
    except OSError as exc:
        raise OlenvError(f"cannot write {target}: {exc.strerror}") from None
    return target


@contextmanager
def _locked(target: Path):
    """The file's bytes, read under an exclusive lock on the file itself, held until the end.

    The rename puts a new file (a new inode) in place, so a writer that waited on the
    old one's lock opens the path again: the lock must be on the file the path names.
    A file created here only to lock it is removed again if nothing replaced it.
    """
    while True:
        try:
            fd, created = os.open(target, FLAGS | os.O_CREAT | os.O_EXCL, 0o600), True
        except FileExistsError:
            try:
                fd, created = os.open(target, FLAGS), False
            except FileNotFoundError:
                continue  # replaced or removed in between: open the new one
        try:
            held = os.fstat(fd)
            if not stat.S_ISREG(held.st_mode):
                raise OlenvError(f"cannot write {target}: " + (
                    "Is a directory" if stat.S_ISDIR(held.st_mode) else "it is not a regular file"),
                    exit_code=2)
            fcntl.flock(fd, fcntl.LOCK_EX)
            if not _same(target, held):
                continue  # another writer replaced it while this one waited
            with open(fd, "rb", closefd=False) as old:
                data = old.read()
            try:
                yield data
            except BaseException:
                if created and _same(target, held):
                    os.unlink(target)
                raise
            return
        finally:
            os.close(fd)


def _same(target: Path, held: os.stat_result) -> bool:
    try:
        now = os.stat(target)
    except FileNotFoundError:
        return False
    return (now.st_dev, now.st_ino) == (held.st_dev, held.st_ino)
