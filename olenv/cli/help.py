"""olenv help [COMMAND]: the help of olenv, or of one command."""

import sys

from olenv.cli import options

USAGE = f"""\
olenv help: show the help of olenv, or of one command (as olenv COMMAND --help does).

Usage:
  olenv help [options] [<command>]

Options:
{options.PLAIN}

Examples:
  olenv help
  olenv help exec
"""


def run(args) -> int:
    from olenv import cli
    from olenv.cli.usage import USAGE as OLENV

    name = args["<command>"]
    sys.stdout.write(cli.command_usage(cli.command(name, "help")) if name else OLENV)
    return 0
