"""Shell code that exports or removes environment variables: one class per shell.

Imported each time olenv runs from a prompt, so it loads only `os`; finding the
shell reads /proc, and runs `ps` only where there is no /proc.
"""

import os

from olenv.errors import UsageError
from olenv.shells.base import Shell
from olenv.shells.bash import Bash
from olenv.shells.fish import Fish
from olenv.shells.posix import Posix
from olenv.shells.zsh import Zsh

SHELLS: dict[str, Shell] = {shell.name: shell for shell in (Bash(), Zsh(), Fish(), Posix())}
# Process names that read POSIX sh code, besides the four above.
_NAMES = {**SHELLS, **dict.fromkeys(("dash", "ksh", "mksh", "ash"), SHELLS["sh"])}
# Processes looked at from the parent up, for olenv started through env, sudo, timeout...
_ANCESTORS = 4

__all__ = ["SHELLS", "Shell", "detect", "get"]


def get(name: str) -> Shell:
    try:
        return _NAMES[name]
    except KeyError:
        raise UsageError(f"unknown shell {name!r}: choose bash, zsh, fish or sh") from None


def detect(explicit: str | None = None) -> Shell:
    """The shell named, else the one olenv runs under, else the login shell, else sh."""
    if explicit is not None:
        return get(explicit)
    login = os.path.basename(os.environ.get("SHELL", ""))
    return _running_shell() or _by_name(login) or SHELLS["sh"]


def _by_name(name: str) -> Shell | None:
    # A login shell may be named with a leading "-".
    return _NAMES.get(name.lstrip("-"))


def _running_shell(lookup=None) -> Shell | None:
    """The nearest shell among olenv's parent and its ancestors (olenv may run under env,
    sudo, timeout...), by the process names olenv.shells.processes reads."""
    from olenv.shells import processes

    lookup = lookup or processes.lookup()
    pid = os.getppid()
    for _ in range(_ANCESTORS):
        found = lookup(pid)
        if found is None:
            return None  # exited, not ours to inspect, or nothing to read it from
        name, parent = found
        shell = _by_name(name)
        if shell or parent <= 1:
            return shell
        pid = parent
    return None
