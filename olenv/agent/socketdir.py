"""Where the agent's socket lives, and the checks that make the directory safe to use.

$XDG_RUNTIME_DIR/olenv/, else /tmp/olenv-$UID/. The directory must be a real
directory (not a link), owned by this user, writable by nobody else: in /tmp
anyone could have created it first, and a socket in someone else's directory
could be theirs.
"""

import os
import stat

from olenv.errors import ConfigError

SOCKET_NAME = "agent.sock"
# sockaddr_un holds 108 bytes with the terminating NUL.
MAX_SOCKET_PATH = 107


def directory(env=os.environ) -> str:
    runtime = env.get("XDG_RUNTIME_DIR")
    if runtime and os.path.isabs(runtime):
        return os.path.join(runtime, "olenv")
    return f"/tmp/olenv-{os.getuid()}"


def socket_path(env=os.environ) -> str:
    path = os.path.join(directory(env), SOCKET_NAME)
    if len(os.fsencode(path)) > MAX_SOCKET_PATH:
        raise ConfigError(f"the agent socket path {path} is too long for a unix socket: "
                          "set XDG_RUNTIME_DIR to a shorter directory")
    return path


def check(path: str) -> None:
    """ConfigError unless `path` is a directory of ours that nobody else can write to."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        raise
    except OSError as exc:
        raise ConfigError(f"agent directory {path}: {exc.strerror}") from None
    if stat.S_ISLNK(info.st_mode):
        raise ConfigError(f"agent directory {path} is a symbolic link: refusing it")
    if not stat.S_ISDIR(info.st_mode):
        raise ConfigError(f"agent directory {path} is not a directory: refusing it")
    if info.st_uid != os.getuid():
        raise ConfigError(f"agent directory {path} belongs to uid {info.st_uid}, "
                          "not to you: refusing it")
    if info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        raise ConfigError(f"agent directory {path} is writable by others "
                          f"(mode {stat.S_IMODE(info.st_mode):o}): refusing it")


def ensure(env=os.environ) -> str:
    """The checked directory, created 0700 if missing; its socket path."""
    path = directory(env)
    sock = socket_path(env)
    try:
        os.mkdir(path, 0o700)
    except FileExistsError:
        pass  # checked below, whoever made it
    except OSError as exc:
        raise ConfigError(f"cannot create agent directory {path}: {exc.strerror}") from None
    check(path)
    return sock
