"""Run a command with the credentials in its environment.

olenv replaces itself with the command (execvpe), so the command's exit status
and the signals that reach or kill it are its own: nothing stays in between.
"""

import os
import sys

from olenv.errors import UsageError


def refuse_nesting(env, force: bool) -> None:
    profile = env.get("OLENV_PROFILE")
    if profile and not force:
        raise UsageError(f"this shell already holds olenv credentials for {profile!r}; "
                         "nesting mixes them up: pass --force to do it anyway")


def child_env(credentials, base) -> dict[str, str]:
    """`base` changed by credentials.env() (Credentials, or the agent's answer on the fast path,
    which must not pay for importing the Credentials class)."""
    env = dict(base)
    for name, value in credentials.env().items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


def run(command: list[str], credentials, base=os.environ) -> int:
    """Exec the command; returns only when it could not be started (127 or 126)."""
    env = child_env(credentials, base)
    sys.stdout.flush()
    sys.stderr.flush()
    # Python ignores SIGPIPE and SIGXFSZ, and an ignored signal stays ignored across
    # exec: `olenv exec -- yes | head` would print "Broken pipe" instead of ending quietly.
    # _signal, not signal: that one imports enum, a cost on the agent's fast path.
    import _signal

    for name in ("SIGPIPE", "SIGXFSZ"):
        if hasattr(_signal, name):
            _signal.signal(getattr(_signal, name), _signal.SIG_DFL)
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
