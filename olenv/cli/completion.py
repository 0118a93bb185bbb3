"""olenv completion SHELL: tab completion for bash, zsh or fish, its words taken from the
usage text so that it never lags behind a new command or option."""

import re
import sys

from olenv.cli.usage import COMMANDS, USAGE
from olenv.errors import UsageError

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
    options = sorted(set(re.findall(r"(?<![\w-])--[a-z][a-z-]*", USAGE)))
    prelude = PRELUDES[name].format(commands=" ".join(COMMANDS), options=" ".join(options))
    sys.stdout.write(prelude + source(f"completions/olenv.{name}"))
    return 0
