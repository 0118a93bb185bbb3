"""Run a command with the credentials in its environment.

olenv replaces itself with the command (execvpe), so the command's exit status
and the signals that reach or kill it are its own: nothing stays in between.
"""

import os
import sys

# OneLogin's secrets, as olenv reads them from its environment: no child ever needs them,
# and in CI (`olenv exec -- ./deploy.sh`) every tool the job runs would get the password.
ONELOGIN_SECRETS = ("OLENV_PASSWORD", "OLENV_CLIENT_ID", "OLENV_CLIENT_SECRET")
# Any other OLENV_ variable named like a secret goes too, whatever reads it one day.
_SECRET_WORDS = ("PASSWORD", "SECRET", "CLIENT_ID", "OTP", "TOKEN")


def carries_onelogin_secret(name: str) -> bool:
    return name in ONELOGIN_SECRETS or (
        name.startswith("OLENV_") and any(word in name for word in _SECRET_WORDS))


def child_env(credentials, base) -> dict[str, str]:
    """`base` changed by credentials.env() (Credentials, or the agent's answer on the fast path,
    which must not pay for importing the Credentials class), without OneLogin's secrets.

    Every hand-over to a process builds its environment here: exec, exec --server, a sub-shell.
    """
    env = {name: value for name, value in base.items() if not carries_onelogin_secret(name)}
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
