"""Write one profile of the shared credentials file, on request only.

Only olenv's keys of the one section change; every other section, key and
comment is kept byte for byte. The new file is written beside the old one and
renamed over it (atomic), under an exclusive lock so parallel runs for
different profiles all land, with mode 0600. A symlinked file is updated
where it points, not replaced by a regular file.
"""

import fcntl
import os
import re
from pathlib import Path

from olenv import atomic
from olenv.credentials import Credentials, iso
from olenv.errors import OlenvError, UsageError

SECTION = re.compile(r"^\s*\[\s*([^\]]+?)\s*\]\s*$")
KEY = re.compile(r"^\s*([A-Za-z0-9_.-]+)\s*[=:]")
PROFILE_NAME = re.compile(r"^[A-Za-z0-9_.@+-]+\Z")  # \Z: "$" lets a final newline through


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


def update(text: str, section: str, values: dict[str, str]) -> str:
    """Return text with `section` holding `values`; nothing else changes."""
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    start = next((i for i, line in enumerate(lines)
                  if (m := SECTION.match(line)) and m.group(1) == section), None)
    if start is None:
        gap = ["\n"] if lines and lines[-1].strip() else []
        body = [f"{key} = {value}\n" for key, value in values.items()]
        return "".join(lines + gap + [f"[{section}]\n"] + body)
    end = next((i for i in range(start + 1, len(lines)) if SECTION.match(lines[i])), len(lines))
    pending = dict(values)
    body = []
    for line in lines[start + 1:end]:
        match = KEY.match(line)
        if match and match.group(1) in values:
            key = match.group(1)
            if key in pending:
                body.append(f"{key} = {pending.pop(key)}\n")
            continue  # a duplicate of a key olenv owns would shadow the new value
        body.append(line)
    # New keys go after the section's last key, before trailing blank lines.
    cut = len(body)
    while cut and not body[cut - 1].strip():
        cut -= 1
    body[cut:cut] = [f"{key} = {value}\n" for key, value in pending.items()]
    return "".join(lines[:start + 1] + body + lines[end:])


def check_section(section: str) -> None:
    if not PROFILE_NAME.match(section):
        raise UsageError(f"profile name {section!r} cannot be a credentials file section")


def write(path: Path, section: str, credentials: Credentials) -> Path:
    check_section(section)
    target = Path(os.path.realpath(path))
    try:
        target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        with open(f"{target}.lock", "a", opener=_private) as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                old = target.read_text(encoding="utf-8")
            except FileNotFoundError:
                old = ""
            atomic.replace(target, update(old, section, entries(credentials)).encode())
    except UnicodeDecodeError:
        raise OlenvError(f"{target} is not UTF-8 text: left as it was", exit_code=2) from None
    except OSError as exc:
        raise OlenvError(f"cannot write {target}: {exc.strerror}") from None
    return target


def _private(path, flags):
    return os.open(path, flags, 0o600)


