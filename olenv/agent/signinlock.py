"""One sign-in at a time for each person: a lock file beside the agent's socket.

Twenty credential_process calls that find no session (terraform's providers
start together; the agent may not run yet, or was just killed) must not make
twenty sign-ins, twenty pushes. The first to take the lock signs in and leaves
the result with the agent; the others wait for it, then ask the agent.

The file is named by a hash of who signs in to which app (no secret). Its
holder removes it before letting go, so none stays behind; a waiter that then
finds its file gone knows the sign-in ended. If the sign-in was refused, the
holder first writes that one line into the file, and the waiters end with it
rather than each asking OneLogin (a wrong password tried twenty times locks
accounts). A holder that died leaves the file and its lock is released: the
next waiter takes it and signs in itself.
"""

import contextlib
import fcntl
import hashlib
import os
import time

from olenv.errors import OlenvError, SignInError

PREFIX = "signin-"
SUFFIX = ".lock"
STEP = 0.05  # seconds between two tries of a held lock
MAX_VERDICT = 4096


def path_for(directory: str, who: str) -> str:
    digest = hashlib.sha256(who.encode()).hexdigest()[:32]
    return os.path.join(directory, PREFIX + digest + SUFFIX)


@contextlib.contextmanager
def turn(directory: str, who: str, wait: float, name: str):
    """Hold the sign-in lock for `who`; yields True if another olenv held it first.

    wait: seconds to wait at most; name: the person, for the messages.
    """
    path = path_for(directory, who)
    fd, waited = _take(path, time.monotonic() + wait, wait, name)
    try:
        yield waited
    except SignInError as exc:
        os.pwrite(fd, str(exc).encode()[:MAX_VERDICT], 0)
        raise
    finally:
        # Removed while held: whoever takes the lock next sees the file is gone.
        with contextlib.suppress(OSError):
            os.unlink(path)
        os.close(fd)


def _take(path: str, deadline: float, wait: float, name: str) -> tuple[int, bool]:
    waited = False
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
        try:
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    waited = True
                    if time.monotonic() > deadline:
                        raise OlenvError(f"waited {wait:.0f} s for another olenv to sign in as "
                                         f"{name}, in vain: try again") from None
                    time.sleep(STEP)
            if _still_there(fd, path):
                return fd, waited
            verdict = os.pread(fd, MAX_VERDICT, 0).decode("utf-8", "replace")
            if verdict:
                raise SignInError(f"another olenv's sign-in as {name} failed: {verdict}")
        except BaseException:
            os.close(fd)
            raise
        os.close(fd)  # the sign-in we waited for ended well: take the next lock


def _still_there(fd: int, path: str) -> bool:
    try:
        now = os.stat(path, follow_symlinks=False)
    except FileNotFoundError:
        return False
    held = os.fstat(fd)
    return (held.st_dev, held.st_ino) == (now.st_dev, now.st_ino)
