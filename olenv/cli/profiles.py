"""olenv profiles generate: a profile per role in onelogin.aws.json, shown before it is written."""

import functools
from pathlib import Path

from olenv import profiles
from olenv.assertion import signed_in
from olenv.cli import options
from olenv.cli.common import load_settings, notice
from olenv.errors import UsageError
from olenv.settings import AWS_FILE
from olenv.terminal import Terminal

USAGE = f"""\
olenv profiles generate: add a profile per role to onelogin.aws.json, shown before it is written.

Usage:
  olenv profiles generate [options]

Options:
{options.PROFILE}
{options.SETTINGS}
{options.SIGN_IN}
  --no-agent                          Neither ask nor start the agent (or OLENV_AGENT=off).
{options.GENERAL}
  --yes                               Write without asking.

Environment:
{options.ENV_SIGN_IN}
{options.ENV_AGENT}
{options.ENV_TERMINAL}

Examples:
  olenv profiles generate
  olenv profiles generate --yes
"""


def run(args) -> int:
    settings = load_settings(args)
    # The file olenv reads, else a new one beside onelogin.sdk.json.
    folder = settings.files["sdk"].parent if "sdk" in settings.files else Path.home() / ".onelogin"
    path = settings.files.get("aws") or folder / AWS_FILE
    terminal = Terminal()
    if not args["--yes"] and not terminal.interactive:  # found out before signing in
        raise UsageError("no terminal to confirm the change: pass --yes to write it")
    assertion = signed_in(settings, terminal, use_agent=not args.get("--no-agent"))
    new = profiles.generated(assertion.roles, settings.aliases)
    change = profiles.plan(path, new)
    # The change is always shown before a question; --quiet hides it only with --yes.
    say = functools.partial(notice, args, terminal) if args["--yes"] else terminal.say
    for name, entry in change.clashes.items():
        say(f"olenv: kept your profile {name!r}: {_role(entry)} is not added under that name")
    if not change.added:
        notice(args, terminal, f"olenv: {path} already has a profile for every role")
        return 0
    width = max(map(len, change.added))
    say(f"olenv: {len(change.added)} new profile(s) for {path}:")
    for name, entry in change.added.items():
        say(f"  + {name:<{width}}  {_role(entry)}")
    answer = "yes" if args["--yes"] else terminal.ask(f"Write them to {path}? [y/N] ", "a yes or no")
    if answer.lower() not in ("y", "yes"):
        terminal.say("olenv: nothing written")
        return 0
    # Read again: an entry saved while the question was open is kept too.
    written = profiles.write(path, profiles.plan(path, new).data)
    notice(args, terminal, f"olenv: wrote {len(change.added)} profile(s) to {written}")
    return 0


def _role(entry: dict) -> str:
    return f"{entry['aws_account_id']}/{entry['aws_role_name']}"
