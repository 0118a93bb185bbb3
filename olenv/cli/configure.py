"""olenv configure: save the subdomain, app id, username and default region once.

It checks the API client id and secret first (by getting a token: nothing else
is sent), asks for each value with the current one as its default, shows the
change and writes onelogin.aws.json atomically, mode 0600, keeping every key it
does not ask about.
"""

import json
import os
import re
from pathlib import Path

from olenv import atomic, table
from olenv import settings as settings_module
from olenv.cli import options
from olenv.cli.common import notice
from olenv.errors import ConfigError, OlenvError, SignInError, UsageError
from olenv.terminal import Terminal

USAGE = f"""\
olenv configure: save the OneLogin subdomain, app id, username and default AWS region.

Usage:
  olenv configure [options]

Asks for each value with the current one as its default, checks the API client
id and secret by getting a token (nothing else is sent), shows the change and
writes ~/.onelogin/onelogin.aws.json (mode 0600), keeping every other key. The
API client id and secret stay in onelogin.sdk.json (or OLENV_CLIENT_ID and
OLENV_CLIENT_SECRET).

Options:
  -c DIR, --config-file-path=DIR      Write DIR/onelogin.aws.json instead.
  -d NAME, --onelogin-subdomain=NAME  OneLogin tenant subdomain (NAME.onelogin.com).
  -a ID, --onelogin-app-id=ID         ID of the OneLogin "AWS Multi Account" app.
  -u USER, --onelogin-username=USER   OneLogin username or email.
  --aws-region=REGION                 Default AWS region.
  --yes                               Write without asking: values not given as
                                      options keep their current value.
{options.GENERAL}

Environment:
  OLENV_CLIENT_ID       The OneLogin API client id (instead of onelogin.sdk.json's).
  OLENV_CLIENT_SECRET   The OneLogin API client secret (instead of onelogin.sdk.json's).
  OLENV_ONELOGIN_URL    Another OneLogin API base URL (https; http only to 127.0.0.1).

Examples:
  olenv configure
  olenv configure --yes -d acme -a 123456 -u alice@example.com --aws-region eu-west-1
"""

# (key in onelogin.aws.json, option, what it is, check, what a good value looks like)
FIELDS = (
    ("subdomain", "--onelogin-subdomain", "OneLogin subdomain", settings_module.LABEL,
     "a tenant name such as acme"),
    ("app_id", "--onelogin-app-id", "OneLogin AWS app id", re.compile(r"^[0-9]+\Z"),
     "digits"),
    ("username", "--onelogin-username", "OneLogin username", re.compile(r"^[^\s\x00-\x1f\x7f]+\Z"),
     "one word without spaces or control characters"),
    ("aws_region", "--aws-region", "Default AWS region", settings_module.AWS_REGION,
     "a region such as eu-west-1"),
)


def run(args) -> int:
    folder = Path(args.get("--config-file-path") or Path.home() / ".onelogin").expanduser()
    path = folder / settings_module.AWS_FILE
    current = _read(path)
    given = {key: args.get(option) for key, option, *_ in FIELDS if args.get(option)}
    for key, value in given.items():
        problem = _problem(key, value)
        if problem:
            raise _mine(UsageError(problem))
    terminal = Terminal()
    if not args.get("--yes") and not terminal.interactive:
        raise _mine(UsageError("no terminal to ask: pass the values as options with --yes"))
    check_client(args)
    wanted = dict(given)
    if not args.get("--yes"):
        for key, _option, what, *_ in FIELDS:
            if key not in wanted:
                wanted[key] = _ask(terminal, key, what, current.get(key))
    changes = {key: value for key, value in wanted.items()
               if value is not None and str(current.get(key, "")) != value}
    if not changes:
        notice(args, terminal, f"olenv: {table.cell(path)} already holds these settings")
        return 0
    say = (lambda text: notice(args, terminal, text)) if args.get("--yes") else terminal.say
    say(f"olenv: {table.cell(path)} will get:")
    rows = [(key, value, "(new)" if current.get(key) in (None, "") else f"(was {current[key]})")
            for key, value in changes.items()]
    for line in table.render(None, rows, indent="  "):
        say(line)
    if not args.get("--yes"):
        answer = terminal.ask(f"Write {table.cell(path)}? [Y/n] ", "a yes or no")
        if answer.lower() not in ("", "y", "yes"):
            terminal.say("olenv: nothing written")
            return 0
    written = write(path, changes)
    notice(args, terminal, f"olenv: wrote {table.cell(written)}")
    return 0


def check_client(args) -> None:
    """Get an API token with the client id and secret in use: one line if OneLogin refuses."""
    from olenv.onelogin.client import OneLoginClient

    try:
        settings = settings_module.load({"config_dir": args.get("--config-file-path")},
                                        need_client=True)
    except ConfigError as exc:
        if "no OneLogin API client_id" not in str(exc):
            raise
        raise _mine(ConfigError(
            "no OneLogin API client id and secret: put client_id and client_secret "
            f"in ~/.onelogin/{settings_module.SDK_FILE} (chmod 600), or set OLENV_CLIENT_ID and "
            "OLENV_CLIENT_SECRET, then run olenv configure again")) from None
    origin = settings.sources.get("client_secret", "settings")
    try:
        OneLoginClient(settings.base_url, settings.client_id, settings.client_secret).token()
    except SignInError as exc:
        if "rejected" not in str(exc):
            raise
        raise _mine(SignInError(f"OneLogin rejected the API client id and secret from "
                                f"{table.cell(origin)}: check them there")) from None


def _mine(error: OlenvError) -> OlenvError:
    error.command = "configure"  # shown as `olenv configure: ...`
    return error


def _read(path: Path) -> dict:
    return settings_module.read_json(path) if path.exists() else {}


def _problem(key: str, value: str) -> str | None:
    for name, option, _what, check, looks in FIELDS:
        if name == key and not check.match(value):
            return f"{option} '{table.cell(value)}' is not {looks}"
    return None


def _ask(terminal: Terminal, key: str, what: str, current) -> str | None:
    default = None if current in (None, "") else str(current)
    while True:
        shown = f" [{table.cell(default)}]" if default else ""
        answer = terminal.ask(f"{what}{shown}: ", "the " + what.replace("Default", "default"))
        if not answer:
            return default
        problem = _problem(key, answer)
        if problem is None:
            return answer
        terminal.say(f"olenv: {problem.split(' ', 1)[1]}; try again")


def write(path: Path, changes: dict) -> Path:
    """Merge into the file as it is now (an edit made meanwhile is kept), atomically, 0600."""
    data = {**_read(Path(os.path.realpath(path))), **changes}
    return atomic.update(path, (json.dumps(data, indent=2) + "\n").encode(), 0o600)
