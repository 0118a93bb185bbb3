"""olenv deny [PATH]: withdraw the trust in a .olenv (default: the nearest one)."""

import sys

from olenv import dotolenv, trust


def run(args) -> int:
    file = dotolenv.locate(args["<path>"])
    trust.record(file, trust.DENY, trust.read(file))
    sys.stderr.write(f"olenv: denied {trust.shown(file)}\n")
    return 0
