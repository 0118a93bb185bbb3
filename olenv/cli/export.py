"""olenv export: print shell code (or dotenv, or JSON) that sets the credentials."""

import os
import sys

from olenv.cli import options
from olenv.cli.common import sign_in, switching
from olenv.errors import UsageError
from olenv.handover import export as handover
from olenv.terminal import Terminal

USAGE = f"""\
olenv export: print shell code (or dotenv, or JSON) that sets the role's credentials.

Usage:
  olenv export [options]
  olenv export --unset [--shell=SHELL]

The code first unsets every variable olenv manages, so nothing stale is left. Run at
a terminal, it refuses to print the keys there unless --force is given.

Options:
  --shell=SHELL                       The shell to write for: bash, zsh, fish or sh
                                      (default: detected from the parent process).
  --format=FORMAT                     What to print [choices: env, dotenv, json]
                                      (default: env).
  --force                             Print the keys even to a terminal.
  --olenv-file=FILE                   Take the profile and role from this .olenv, only if
                                      you allowed it (the prompt hook's call).
  --unset                             Print code that removes every variable olenv sets,
                                      and nothing else: no sign-in.
{options.SIGNING_IN}
{options.GENERAL}

Environment:
{options.SIGNING_IN_ENV}

Examples:
  eval "$(olenv export -p dev)"
  olenv export -p dev --shell fish | source
  olenv export -p dev --format dotenv > .env.local
  eval "$(olenv export --unset)"
"""


def run(args) -> int:
    if args.get("--unset"):
        return _unset(args)
    fmt = args["--format"] or "env"
    if fmt not in handover.FORMATS:
        raise UsageError(f"unknown format {fmt!r}: choose {', '.join(handover.FORMATS)}")
    shell = args["--shell"]
    if fmt == "env":
        from olenv import shells

        shell = shells.detect(shell).name  # an unknown --shell fails before any sign-in
    if sys.stdout.isatty() and not args["--force"]:
        raise UsageError('export prints secrets for eval: run  eval "$(olenv export)"  '
                         "(or pass --force to print them here)")
    typed = args["--profile"]
    if args["--olenv-file"]:
        from olenv import dotolenv

        dotolenv.load_into(args, args["--olenv-file"])  # refused unless allowed
    terminal = Terminal()
    credentials = sign_in(args, terminal, profile_from=None if typed else args["--olenv-file"])
    switching(args, terminal, credentials, os.environ)
    sys.stdout.write(handover.render(credentials, fmt, shell))
    sys.stdout.flush()
    terminal.say(f"olenv: {credentials.summary()}")
    return 0


# What --unset goes with: the rest choose or steer a sign-in it does not make.
_WITH_UNSET = ("--unset", "--shell", "--quiet", "--debug", "--force")


def _unset(args) -> int:
    """Code that removes every managed variable: no sign-in, no settings, no secret.
    The prompt hook's own state (_olenv_*, OLENV_MINUTES_LEFT) is not olenv's to touch here."""
    from olenv import shells
    from olenv.cli.parse import CommandLineError
    from olenv.credentials import MANAGED

    given = [key for key, value in args.items() if key.startswith("-") and value
             and key not in _WITH_UNSET]
    if given:
        raise CommandLineError("export", f"--unset signs in to nothing: leave out {given[0]}")
    sys.stdout.write(shells.detect(args["--shell"]).export(dict.fromkeys(MANAGED)))
    return 0
