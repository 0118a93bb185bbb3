"""olenv login: onelogin-aws-assume-role's classic mode, writing a profile of the credentials file.

And its other modes: --loop N writes the profile N times in all, every
--time minutes, each time signing in with the password this process holds
(OneLogin decides whether MFA is asked again); -x asks after each write for
another role (from the held assertion: no password, no MFA), another user, or
the end. --cache-saml is what the agent always does (in memory), so it only warns
when the agent is off.
"""

import math
import sys
import time
from pathlib import Path

from olenv.agent import MIN_TTL
from olenv.cli import options, selection
from olenv.cli.common import load_settings, min_ttl, notice
from olenv.credentials import iso
from olenv.errors import UsageError
from olenv.handover import awsfile
from olenv.held import HeldAssertion
from olenv.terminal import Terminal

USAGE = f"""\
olenv login: write the credentials to a profile of the shared credentials file.

Usage:
  olenv login [options] [--loop=N | --interactive]

As onelogin-aws-assume-role does: -p NAME is the section written (default: default),
and selects the onelogin.aws.json profile of that name when there is one.

Options:
  -p NAME, --profile=NAME             The credentials file section to write, and the
                                      onelogin.aws.json profile of that name if any.
{options.SETTINGS}
{options.ROLE}
{options.SIGN_IN}
{options.AGENT}
{options.GENERAL}
  -f FILE, --file=FILE                Credentials file (default: ~/.aws/credentials, or
                                      AWS_SHARED_CREDENTIALS_FILE).
  -l N, --loop=N                      Write the profile N times in all, signing in again
                                      every --time minutes (the password stays in memory).
  -t MINUTES, --time=MINUTES          Minutes between those writes, up to 720 (default: 45).
  -x, --interactive                   After each write, ask for another role (same sign-in),
                                      another user, or the end.
  --cache-saml                        Accepted for older scripts: the agent already holds
                                      the SAML assertion, in memory only.

Environment:
{options.SIGNING_IN_ENV}
  AWS_SHARED_CREDENTIALS_FILE  The credentials file when --file is not given.

Examples:
  olenv login -p dev
  olenv login -p prod --aws-account-id production --aws-role-name Admin
  olenv login -p dev --loop 8 --time 45
"""

DEFAULT_MINUTES = 45.0  # onelogin-aws-assume-role's
MAX_MINUTES = 60 * 12  # AWS's longest session: a longer wait would only renew expired keys


def run(args) -> int:
    path = Path(args["--file"]).expanduser() if args["--file"] else awsfile.default_path()
    section = args["--profile"] or "default"
    awsfile.check_section(section)  # a bad name fails before the sign-in, not after
    awsfile.check_file(path)  # and so does a file olenv could not write
    writes, minutes = _writes(args["--loop"]), _minutes(args["--time"])
    terminal = Terminal()
    if args["--interactive"] and writes > 1:
        raise UsageError("--loop and -x/--interactive do not go together: choose one")
    if args["--interactive"] and not terminal.interactive:
        raise UsageError("-x/--interactive asks what to do next on a terminal, and there is none")
    login = Login(args, load_settings(args), terminal, path)
    # onelogin-aws-assume-role's -p: the section to write, a profile or not; but say so.
    problem = args["--profile"] and selection.unknown_profile(login.settings, section)
    if problem:
        notice(args, terminal, f"olenv: {problem}; writing section {section!r} all the same")
    _warn(args, login.settings, writes, minutes)
    if writes > 1:
        return _loop(login, section, writes, minutes)
    login.write(section)
    if args["--interactive"]:
        from olenv.cli import login_next

        login_next.ask(login, section)
    return 0


class Login:
    """One run's sign-ins: the settings (with the password once typed) and the assertion
    stay in this process's memory between writes."""

    def __init__(self, args, settings, terminal: Terminal, path: Path):
        self.args, self.settings, self.terminal, self.path = args, settings, terminal, path
        self.mfa_device = settings.mfa_device  # as given: another user's devices differ
        self.memory = HeldAssertion()
        self.ttl = min_ttl(args, MIN_TTL)

    def write(self, section: str, fresh: bool = False, then: str = "") -> None:
        from olenv.agent import session

        credentials = session.obtain(self.settings, self.terminal, self.args, self.ttl,
                                     fresh or bool(self.args.get("--pick")), self.memory)
        written = awsfile.write(self.path, section, credentials)
        notice(self.args, self.terminal, f"olenv: wrote profile {section!r} to {written} "
                                         f"({credentials.account_id}/{credentials.role_name}, "
                                         f"expires {iso(credentials.expiration)}){then}")


def _loop(login: Login, section: str, writes: int, minutes: float) -> int:
    # Every write signs in, the first too: the password is then held for the renewals,
    # and a renewal is a new sign-in, as with onelogin-aws-assume-role.
    login.memory.reuse = False
    for left in range(writes - 1, -1, -1):
        then = (f"; renewing it in {minutes:g} min, {left} more "
                f"{'time' if left == 1 else 'times'} (Ctrl-C stops)") if left else ""
        login.write(section, fresh=True, then=then)
        if left:
            time.sleep(minutes * 60)  # Ctrl-C: exit 130, the file as last written
    return 0


def _writes(value: str | None) -> int:
    if value is None:
        return 1
    if not (value.isascii() and value.isdigit()) or int(value) < 1:
        raise UsageError(f"--loop {value!r} is not a whole number of writes from 1 up")
    return int(value)


def _minutes(value: str | None) -> float:
    if value is None:
        return DEFAULT_MINUTES
    try:
        minutes = float(value)
    except ValueError:
        minutes = math.nan
    if not 0 < minutes <= MAX_MINUTES:  # nan fails too
        raise UsageError(f"--time {value!r} is not a number of minutes above 0 "
                         f"and up to {MAX_MINUTES}")
    return minutes


def _warn(args, settings, writes: int, minutes: float) -> None:
    if writes > 1 and minutes * 60 > settings.duration:
        sys.stderr.write(f"olenv: warning: --time {minutes:g} min is longer than the "
                         f"{settings.duration // 60}-minute sessions: the profile will hold "
                         "expired keys before each renewal\n")
    if args["--cache-saml"]:
        from olenv.agent import client

        if not client.wanted(bool(args.get("--no-agent"))):
            sys.stderr.write("olenv: warning: --cache-saml keeps the SAML assertion in the "
                             "agent, which is off here: nothing is kept\n")
