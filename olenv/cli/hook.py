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
  olenv hook --check=FILE

<shell> is bash, zsh or fish.

Options:
  --check=FILE                        Exit 0 if the .olenv FILE is allowed as it is now,
                                      else 1, printing nothing: the hook's question after
                                      an allow or deny made anywhere.
{options.PLAIN}

Examples:
  eval "$(olenv hook bash)"        # in ~/.bashrc
  eval "$(olenv hook zsh)"         # in ~/.zshrc
  olenv hook fish | source         # in ~/.config/fish/config.fish
"""


def run(args) -> int:
    if args.get("--check"):
        return _check(args["--check"])
    if not args["<shell>"]:  # the --check line has no <shell>; the usual one does
        from olenv.cli.parse import CommandLineError

        raise CommandLineError("hook", "missing <shell> (see olenv hook --help)")
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


def _check(file: str) -> int:
    """Whether the hook's credentials for `file` still stand: the same trust check as
    export --olenv-file, with no sign-in and no word (export says why, when it runs)."""
    from pathlib import Path

    from olenv import trust
    from olenv.errors import OlenvError

    try:
        trust.admit(Path(file))
    except OlenvError:
        return 1
    return 0
