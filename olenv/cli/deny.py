"""olenv deny [PATH]: withdraw the trust in a .olenv (default: the nearest one)."""

import sys

from olenv import dotolenv, trust
from olenv.cli import options

USAGE = f"""\
olenv deny: withdraw the trust in a .olenv or a settings file (default: the nearest
.olenv, here or above).

Usage:
  olenv deny [options] [<path>]

Options:
{options.PLAIN}

Environment:
  XDG_DATA_HOME         Where the allow list lives (default: ~/.local/share), in olenv/.

Examples:
  olenv deny
  olenv deny ~/src/project
  olenv deny ./onelogin.sdk.json
"""


def run(args) -> int:
    file = dotolenv.locate(args["<path>"])
    trust.record(file, trust.DENY, trust.read(file))
    sys.stderr.write(f"olenv: denied {trust.shown(file)}\n")
    return 0
