"""olenv hook SHELL: the prompt hook for the rc file (eval "$(olenv hook bash)")."""

import os
import sys

from olenv.cli import options
from olenv.credentials import MANAGED

USAGE = f"""\
olenv hook: print the prompt hook for your shell's rc file. In a tree whose .olenv you
allowed, the shell then holds that profile's credentials.

Usage:
  olenv hook <shell> [options]

<shell> is bash, zsh or fish.

Options:
{options.PLAIN}

Examples:
  eval "$(olenv hook bash)"        # in ~/.bashrc
  eval "$(olenv hook zsh)"         # in ~/.zshrc
  olenv hook fish | source         # in ~/.config/fish/config.fish
"""


def run(args) -> int:
    from olenv import shells

    sys.stdout.write(shells.get(args["<shell>"]).hook(_program(), MANAGED))
    return 0


def _program() -> str:
    # This very script, so the hook runs the olenv that wrote it without a PATH lookup;
    # `python -m olenv` has no script of its own, and then PATH decides.
    script = sys.argv[0]
    if os.path.basename(script) == "olenv" and os.path.isfile(script):
        return os.path.abspath(script)
    return "olenv"
