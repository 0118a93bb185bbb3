"""olenv exec: run a command with the role's credentials in its environment."""

import os

from olenv.cli.common import sign_in
from olenv.handover import exec as handover


def run(args) -> int:
    handover.refuse_nesting(os.environ, args["--force"])
    credentials = sign_in(args)
    return handover.run(args["<command>"], credentials)
