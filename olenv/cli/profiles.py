"""olenv profiles generate: a profile per role in onelogin.aws.json (and with --aws-config
a credential_process profile for each in the AWS config file), shown before it is written."""

import functools
from pathlib import Path

from olenv import awsconfig, catalog, profiles, table
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
  --aws-config                        Also add a [profile NAME] section for every profile to
                                      the AWS config file, running olenv credential-process.

With --aws-config, every profile of onelogin.aws.json (old and new) that the AWS config
file lacks gets a section, so the AWS CLI, SDKs and tools use it by name:

  [profile dev]
  credential_process = olenv credential-process --profile dev
  region = eu-west-1

Every other byte of that file is kept; a profile it has already is left as it is.

Environment:
  AWS_CONFIG_FILE       The AWS config file (default: ~/.aws/config).
{options.ENV_SIGN_IN}
{options.ENV_AGENT}
{options.ENV_TERMINAL}

Examples:
  olenv profiles generate
  olenv profiles generate --yes
  olenv profiles generate --aws-config && aws sts get-caller-identity --profile dev
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
    aws = _aws_plan(args, settings, change.data) if args.get("--aws-config") else None
    # The change is always shown before a question; --quiet hides it only with --yes.
    say = functools.partial(notice, args, terminal) if args["--yes"] else terminal.say
    for name, entry in change.clashes.items():
        say(f"olenv: kept your profile {name!r}: {_role(entry)} is not added under that name")
    for name, why in (aws.refused.items() if aws else ()):
        say(f"olenv: no AWS config profile for '{table.cell(name)}': {why}")
    if not change.added and not (aws and aws.added):
        notice(args, terminal, f"olenv: {path} already has a profile for every role"
               + (f", and {aws.path} a section for every profile" if aws else ""))
        return 0
    if change.added:
        width = max(map(len, change.added))
        say(f"olenv: {len(change.added)} new profile(s) for {path}:")
        for name, entry in change.added.items():
            say(f"  + {name:<{width}}  {_role(entry)}")
    if aws and aws.added:
        say(f"olenv: {len(aws.added)} new section(s) for {table.cell(aws.path)}:")
        for lines in aws.added.values():
            for line in lines:
                say(f"  + {table.cell(line)}")
    targets = [(path, change.added), (aws and aws.path, aws and aws.added)]
    where = " and ".join(str(target) for target, todo in targets if todo)
    answer = "yes" if args["--yes"] else terminal.ask(f"Write them to {where}? [y/N] ", "a yes or no")
    if answer.lower() not in ("y", "yes"):
        terminal.say("olenv: nothing written")
        return 0
    if change.added:
        # Read again: an entry saved while the question was open is kept too.
        written = profiles.write(path, profiles.plan(path, new).data)
        notice(args, terminal, f"olenv: wrote {len(change.added)} profile(s) to {written}")
    if aws and aws.added:
        written = awsconfig.write(aws, args.get("--config-file-path"))
        notice(args, terminal, f"olenv: wrote {len(aws.added)} section(s) to {written}")
    return 0


def _aws_plan(args, settings, data: dict) -> awsconfig.Plan:
    """The AWS config sections for every profile of `data` (onelogin.aws.json as it will be)."""
    regions = {p.name: p.region for p in catalog.profiles(settings, data=data)}
    return awsconfig.plan(awsconfig.config_path(), regions, args.get("--config-file-path"))


def _role(entry: dict) -> str:
    return f"{entry['aws_account_id']}/{entry['aws_role_name']}"
