"""Files replaced whole or not at all: a reader, or a crash, never sees half of one."""

import os
import tempfile
from pathlib import Path


def replace(target: Path, data: bytes, mode: int = 0o600) -> None:
    """Write `data` to a private temporary file beside `target`, then rename it over it.

    The temporary file is born 0600 (mkstemp), so a secret is never readable by others,
    even for a moment; `mode` is applied before the rename. Its data reaches the disk
    (fsync) before the rename, so a crash leaves the old file or the new one, never an
    empty one; the directory is synced after, so the rename itself lasts.
    """
    fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        if mode != 0o600:
            os.chmod(temp, mode)
        os.replace(temp, target)
    except BaseException:
        os.unlink(temp)
        raise
    _sync_directory(target.parent)


def update(path: Path, data: bytes, mode: int | None = None) -> Path:
    """Replace the file at `path` (a symlink is followed, not replaced) with `data`,
    making its directory if missing; `mode` None keeps the file's own, else 0600.
    The one line of an OlenvError if that fails. The file actually written."""
    from olenv.errors import OlenvError

    target = Path(os.path.realpath(path))
    if mode is None:
        try:
            mode = target.stat().st_mode & 0o777
        except FileNotFoundError:
            mode = 0o600
    try:
        target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        replace(target, data, mode)
    except OSError as exc:
        raise OlenvError(f"cannot write {target}: {exc.strerror}") from None
    return target


def _sync_directory(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return  # not every system opens directories: the data itself is already safe
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
