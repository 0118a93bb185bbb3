"""Run a command with the credentials in its environment.

olenv replaces itself with the command (execvpe), so the command's exit status
and the signals that reach or kill it are its own: nothing stays in between.
"""

import os
import sys

from olenv.credentials import Credentials
from olenv.errors import UsageError


def refuse_nesting(env, force: bool) -> None:
    profile = env.get("OLENV_PROFILE")
    if profile and not force:
        raise UsageError(f"this shell already holds olenv credentials for {profile!r}; "
                         "nesting mixes them up: pass --force to do it anyway")


def child_env(credentials: Credentials, base) -> dict[str, str]:
    env = dict(base)
    for name, value in credentials.env().items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


def run(command: list[str], credentials: Credentials, base=os.environ) -> int:
    """Exec the command; returns only when it could not be started (127 or 126)."""
    env = child_env(credentials, base)
    sys.stdout.flush()
    sys.stderr.flush()
    try:
        os.execvpe(command[0], command, env)
    except FileNotFoundError:
        sys.stderr.write(f"olenv: {command[0]}: command not found\n")
        return 127
    except (PermissionError, IsADirectoryError):
        sys.stderr.write(f"olenv: {command[0]}: permission denied (not executable)\n")
        return 126
    except OSError as exc:
        sys.stderr.write(f"olenv: {command[0]}: cannot run it ({exc.strerror})\n")
        return 126
