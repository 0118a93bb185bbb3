"""olenv exec: run a command with the role's credentials in its environment."""

import os

from olenv.agent import EXEC_MIN_TTL
from olenv.cli.common import load_settings, min_ttl, sign_in
from olenv.handover import exec as handover
from olenv.terminal import Terminal


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
    from olenv.agent import session
    from olenv.server import child

    terminal = Terminal()
    ttl = min_ttl(args, EXEC_MIN_TTL)
    # One Settings for the whole run: a password typed at the start serves every renewal.
    settings = load_settings(args)

    def obtain():
        return session.obtain(settings, terminal, args, ttl)

    return child.run(args["<command>"], obtain(), obtain, ttl)
