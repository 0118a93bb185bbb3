"""Shell code that exports or removes environment variables: one class per shell.

Imported each time olenv runs from a prompt, so it loads only `os` until it has to
walk up the process tree.
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


def _running_shell() -> Shell | None:
    parent = os.getppid()
    try:
        with open(f"/proc/{parent}/comm", encoding="utf-8", errors="replace") as comm:
            shell = _by_name(comm.read().rstrip("\n"))
        if shell:
            return shell
    except OSError:
        pass  # no /proc, as on macOS: psutil asks the kernel instead
    import psutil  # ≈20 ms, so only once the cheap look at the parent has failed

    try:
        process = psutil.Process(parent)
        for _ in range(_ANCESTORS):
            shell = _by_name(process.name())
            if shell:
                return shell
            process = process.parent()
            if process is None:
                break
    except psutil.Error:
        pass  # an ancestor exited or is not ours to inspect
    return None
