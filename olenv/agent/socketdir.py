"""Where the agent's socket lives, and the checks that make the directory safe to use.

$XDG_RUNTIME_DIR/olenv/, else /tmp/olenv-$UID/. The directory must be a real
directory (not a link), owned by this user, writable by nobody else: in /tmp
anyone could have created it first, and a socket in someone else's directory
could be theirs.
"""

import os
import stat
import sys

from olenv.errors import ConfigError

SOCKET_NAME = "agent.sock"
# The longest socket path each kernel binds. Linux's sun_path holds 108 bytes, and 107
# leave room for the terminating NUL that C programs expect; macOS and the BSDs take the
# length from sun_len, so their 104 bytes may all be path. Elsewhere, the smaller of the two.
MAX_SOCKET_PATH = {"linux": 107, "darwin": 104, "freebsd": 104, "openbsd": 104, "netbsd": 104,
                   "dragonfly": 104}
OTHER_MAX_SOCKET_PATH = 103


def max_socket_path(platform: str = sys.platform) -> int:
    return next((n for name, n in MAX_SOCKET_PATH.items() if platform.startswith(name)),
                OTHER_MAX_SOCKET_PATH)


def directory(env=os.environ) -> str:
    runtime = env.get("XDG_RUNTIME_DIR")
    if runtime and os.path.isabs(runtime):
        return os.path.join(runtime, "olenv")
    return f"/tmp/olenv-{os.getuid()}"


def socket_path(env=os.environ, platform: str = sys.platform) -> str:
    path = os.path.join(directory(env), SOCKET_NAME)
    size, limit = len(os.fsencode(path)), max_socket_path(platform)
    if size > limit:
        raise ConfigError(f"the agent socket path {path} is {size} bytes, longer than the "
                          f"{limit} a unix socket takes here: set XDG_RUNTIME_DIR to a "
                          "shorter directory")
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
