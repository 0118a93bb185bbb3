"""olenv exec: run a command with the role's credentials in its environment."""

import os

from olenv.agent import EXEC_MIN_TTL
from olenv.cli import options
from olenv.cli.common import min_ttl, sign_in
from olenv.handover import exec as handover
from olenv.terminal import Terminal

OPTIONS_FIRST = True  # options end at the command, as with env and sudo

USAGE = f"""\
olenv exec: run a command, or a shell, with the role's AWS credentials in its environment.

Usage:
  olenv exec [options] [--] [<command>...]

Nothing is written to disk, and the command's exit status and signals are its own.
Options end at the first word that is not an olenv option, so the command keeps its
own (`--` still works). With no command, exec starts $SHELL (else /bin/sh) holding the
credentials; `exit` leaves it. Inside an olenv shell, exec replaces its credentials.

Options:
{options.SIGNING_IN}
  --server                            Serve credentials to the command on 127.0.0.1
                                      (AWS_CONTAINER_CREDENTIALS_FULL_URI), renewed as they
                                      near expiry, instead of setting the keys.
  --force                             Accepted for older scripts: nesting needs it no more.

Environment:
{options.SIGNING_IN_ENV}
  SHELL                 The shell exec starts when no command is given.

Examples:
  olenv exec -p dev aws sts get-caller-identity
  olenv exec -p prod --min-ttl 3600 -- terraform apply
  olenv exec -p dev                       # a shell holding dev's credentials
"""


def run(args) -> int:
    handover.refuse_nesting(os.environ, args["--force"])
    if args["--server"]:
        return _serve(args)
    credentials = sign_in(args, ttl=EXEC_MIN_TTL)
    return handover.run(args["<command>"], credentials)


def _serve(args) -> int:
    """The command gets a credential server, not keys: they are renewed in the background,
    through the agent or a new sign-in, from --min-ttl (at most half their life) before
    they end."""
    from olenv.server import child

    terminal = Terminal()
    ttl = min_ttl(args, EXEC_MIN_TTL)
    credentials = sign_in(args, terminal, ttl)
    return child.run(args["<command>"], credentials, lambda: sign_in(args, terminal, ttl), ttl)
