"""olenv exec: run a command with the role's credentials in its environment."""

import os
import shlex

from olenv.agent import EXEC_MIN_TTL
from olenv.cli import options, selection
from olenv.cli.common import load_settings, min_ttl, sign_in, switching
from olenv.cli.parse import CommandLineError
from olenv.handover import exec as handover
from olenv.terminal import Terminal

OPTIONS_FIRST = True  # options end at the command, as with env and sudo

USAGE = f"""\
olenv exec: run a command, or a shell, with the role's AWS credentials in its environment.

Usage:
  olenv exec [options] [--] [<command>...]

Nothing is written to disk, and the command's exit status and signals are its own.
Options end at the first word that is not an olenv option, so the command keeps its
own (`--` still works). With no command, exec starts $SHELL (else /bin/sh) holding the
credentials; `exit` leaves it. Inside an olenv shell, exec replaces its credentials.

Options:
  --server                            Serve credentials to the command on 127.0.0.1
                                      (AWS_CONTAINER_CREDENTIALS_FULL_URI), renewed as they
                                      near expiry, instead of setting the keys.
  --force                             Accepted for older scripts: nesting needs it no more.
{options.SIGNING_IN}
{options.GENERAL}

Environment:
{options.SIGNING_IN_ENV}
  SHELL                 The shell exec starts when no command is given.

Examples:
  olenv exec -p dev aws sts get-caller-identity
  olenv exec -p prod --min-ttl 3600 -- terraform apply
  olenv exec -p dev                       # a shell holding dev's credentials
"""


def run(args) -> int:
    # --force: once needed to nest inside an olenv shell; every managed variable is
    # replaced, so nesting mixes nothing up.
    command = args["<command>"]
    settings = load_settings(args)
    if command:
        _profile_typed_as_command(settings, command)
    terminal = Terminal()
    if args["--server"]:
        return _serve(args, terminal, settings, command)
    credentials = sign_in(args, terminal, EXEC_MIN_TTL, settings=settings)
    switching(args, terminal, credentials, os.environ)
    return handover.run(command or _subshell(terminal, credentials), credentials)


def _subshell(terminal: Terminal, credentials) -> list[str]:
    """No command: $SHELL (else /bin/sh), after one line saying what it holds. Not
    --quiet's to hide: the person must know this shell differs from the last."""
    shell = os.environ.get("SHELL") or "/bin/sh"
    terminal.say(f"olenv: starting {selection.shown(shell)} with "
                 f"{selection.shown(credentials.profile)} "
                 f"({credentials.account_id}/{credentials.role_name}, "
                 f"{credentials.minutes_left()} min left); `exit` leaves it")
    return [shell]


def _profile_typed_as_command(settings, command: list[str]) -> None:
    """`olenv exec dev -- true`, aws-vault's spelling: dev is a profile, not a program."""
    import shutil

    word = command[0]
    if "/" in word or shutil.which(word) or word not in selection.profiles(settings):
        return
    rest = command[2:] if command[1:2] == ["--"] else command[1:]
    raise CommandLineError("exec", f"{word} is a profile, not a command: did you mean "
                                   f"olenv exec -p {word} -- {shlex.join(rest) or '...'}?")


def _serve(args, terminal: Terminal, settings, command: list[str]) -> int:
    """The command gets a credential server, not keys: they are renewed in the background,
    through the agent or a new sign-in, from --min-ttl (at most half their life) before
    they end."""
    from olenv.agent import session
    from olenv.server import child

    ttl = min_ttl(args, EXEC_MIN_TTL)
    credentials = sign_in(args, terminal, ttl, settings=settings)
    switching(args, terminal, credentials, os.environ)
    command = command or _subshell(terminal, credentials)
    # Renewals keep the start's settings (a password typed then serves them all) and take
    # the same role again, never the menu.
    settings.aws_account_id, settings.aws_role_name = credentials.account_id, credentials.role_name

    def renew():
        return session.obtain(settings, terminal, args, ttl)

    return child.run(command, credentials, renew, ttl)
