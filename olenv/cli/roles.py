"""olenv roles: every AWS account and role the sign-in offers, with friendly names."""

import json
import sys

from olenv import roles
from olenv.assertion import signed_in
from olenv.cli import options
from olenv.cli.common import load_settings
from olenv.errors import UsageError
from olenv.terminal import Terminal

USAGE = f"""\
olenv roles: list every AWS account and role the sign-in offers, with friendly names.

Usage:
  olenv roles [options]

Options:
{options.PROFILE}
{options.SETTINGS}
  --role-order                        Sort by role name, not account.
{options.SIGN_IN}
  --no-agent                          Neither ask nor start the agent (or OLENV_AGENT=off).
{options.GENERAL}
  --format=FORMAT                     What to print [choices: table, json] (default: table).

Environment:
{options.ENV_SIGN_IN}
{options.ENV_AGENT}
{options.ENV_TERMINAL}

Examples:
  olenv roles
  olenv roles --format json
"""

FORMATS = ("table", "json")


def run(args) -> int:
    form = args["--format"] or "table"
    if form not in FORMATS:
        raise UsageError(f"--format {form!r}: roles prints table or json")
    settings = load_settings(args)
    assertion = signed_in(settings, Terminal(), use_agent=not args.get("--no-agent"))
    rows = roles.menu_rows(assertion.roles, "role" if settings.role_order else "account",
                           settings.aliases)
    if form == "table":
        sys.stdout.write("".join(label + "\n" for _, label in rows))
        return 0
    listing = [{"account_id": role.account_id, "account_name": settings.aliases.get(role.account_id),
                "role_name": role.name, "role_arn": role.arn, "provider_arn": role.provider_arn}
               for role, _ in rows]
    sys.stdout.write(json.dumps(listing, indent=2) + "\n")
    return 0
