"""olenv completion SHELL: tab completion for bash, zsh or fish, its words taken from the
usage text so that it never lags behind a new command or option."""

import re
import sys

from olenv.cli import options
from olenv.cli.usage import COMMANDS
from olenv.errors import UsageError

USAGE = f"""\
olenv completion: print the tab completion for bash, zsh or fish.

Usage:
  olenv completion <shell> [options]

Options:
{options.PLAIN}

Examples:
  eval "$(olenv completion bash)"        # in ~/.bashrc
  olenv completion fish | source         # in ~/.config/fish/config.fish
"""

# The words, in each shell's syntax, before the completion source in shell/completions/.
PRELUDES = {
    "bash": "_olenv_commands=({commands})\n_olenv_options=({options})\n",
    "zsh": "_olenv_commands=({commands})\n_olenv_options=({options})\n",
    "fish": "set -g _olenv_commands {commands}\nset -g _olenv_options {options}\n",
}


def run(args) -> int:
    from olenv.hooks import source

    name = args["<shell>"]
    if name not in PRELUDES:
        raise UsageError(f"no completion for {name!r}: choose bash, zsh or fish")
    from olenv.cli import command

    options = sorted({option for word in COMMANDS for option in
                      re.findall(r"(?<![\w-])--[a-z][a-z-]*", command(word).USAGE)})
    prelude = PRELUDES[name].format(commands=" ".join(COMMANDS), options=" ".join(options))
    sys.stdout.write(prelude + source(f"completions/olenv.{name}"))
    return 0
