"""olenv roles: every AWS account and role the sign-in offers, with friendly names."""

import json
import sys

from olenv import catalog, menu, table
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
    order = "role" if settings.role_order else "account"
    profiles = catalog.by_role_of(settings)
    found = menu.entries(assertion.roles, order, settings.aliases, profiles)
    if form == "table":
        rows = [entry.cells(order) for entry in found]
        heading = menu.header(order)
        if not any(entry.profiles for entry in found):  # no column of nothing
            rows, heading = [row[:2] for row in rows], heading[:2]
        lines = table.render(heading, rows, table.terminal_width(), shrink=(1, 2))
        sys.stdout.write("".join(line + "\n" for line in lines))
        return 0
    listing = [{"account_id": e.role.account_id,
                "account_name": settings.aliases.get(e.role.account_id),
                "role_name": e.role.name, "role_arn": e.role.arn,
                "provider_arn": e.role.provider_arn,
                "profiles": list(profiles.get((e.role.account_id, e.role.name), ()))}
               for e in found]
    sys.stdout.write(json.dumps(listing, indent=2) + "\n")
    return 0
