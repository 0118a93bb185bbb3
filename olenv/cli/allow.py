"""olenv allow [PATH]: trust a .olenv as it is now (default: the nearest one)."""

import sys

from olenv import dotolenv, trust
from olenv.cli import options

USAGE = f"""\
olenv allow: trust a .olenv as it is now (default: the nearest one, here or above).

Usage:
  olenv allow [options] [<path>]

An edited .olenv is refused again until it is allowed again.

Options:
  --session                           Only until you log out.
{options.PLAIN}

Environment:
  XDG_DATA_HOME         Where the allow list lives (default: ~/.local/share), in olenv/.

Examples:
  olenv allow
  olenv allow ~/src/project --session
"""


def run(args) -> int:
    file = dotolenv.locate(args["<path>"])
    # A file olenv would refuse to read is refused now, while its author is looking.
    content = trust.read(file)
    values = dotolenv.parse(content.decode("utf-8", "replace"), str(file))
    session = bool(args["--session"])
    trust.record(file, trust.ALLOW, content, session=session)
    until = " until you log out" if session else ""
    sys.stderr.write(f"olenv: allowed {trust.shown(file)} (profile {values['profile']}){until}\n")
    return 0
