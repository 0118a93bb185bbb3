"""Run the command beside the credential server, and end as it ended.

olenv stays the parent here, so it passes on the signals a terminal does not
already deliver to the whole process group (TERM, HUP, QUIT, USR1, USR2) and
ignores Ctrl-C, which the command receives itself: a second SIGINT would make
terraform abort at once. A command killed by a signal makes olenv die of the
same signal, so the caller sees exactly what happened.
"""

import os
import signal
import subprocess
import sys

from olenv.credentials import Credentials
from olenv.handover.exec import child_env
from olenv.server.ecs import CredentialServer

FORWARDED = (signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT, signal.SIGUSR1, signal.SIGUSR2)
# Static keys would beat the server in the SDKs' chain; the relative URI would beat the full one.
STATIC = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN",
          "AWS_CREDENTIAL_EXPIRATION", "AWS_SESSION_EXPIRATION",
          "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE")


def run(command: list[str], credentials: Credentials, renew, min_ttl: int, base=os.environ) -> int:
    server = CredentialServer(credentials, renew, min_ttl).start()
    env = child_env(credentials, base)
    for name in STATIC:
        env.pop(name, None)
    env.update(AWS_CONTAINER_CREDENTIALS_FULL_URI=server.url,
               AWS_CONTAINER_AUTHORIZATION_TOKEN=server.token)
    try:
        try:
            child = subprocess.Popen(command, env=env)
        except FileNotFoundError:
            sys.stderr.write(f"olenv: {command[0]}: command not found\n")
            return 127
        except OSError as exc:
            sys.stderr.write(f"olenv: {command[0]}: cannot run it ({exc.strerror})\n")
            return 126
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        for number in FORWARDED:
            signal.signal(number, lambda sig, _frame: child.send_signal(sig))
        status = child.wait()
    finally:
        server.stop()
    if status < 0:
        if -status != signal.SIGKILL:  # the one whose disposition cannot be set (always fatal)
            signal.signal(-status, signal.SIG_DFL)
        os.kill(os.getpid(), -status)
        return 128 - status  # the signal did not kill olenv (SIGCHLD...): report it as bash does
    return status
