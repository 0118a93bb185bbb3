"""olenv list: every profile of the settings, and whether the agent holds a session for it.

Reads the settings files and asks a running agent what it holds: no sign-in, no
secret (not even the keyring), and it never starts the agent.
"""

import json
import sys

from olenv import catalog, table
from olenv import settings as settings_module
from olenv.cli import options
from olenv.errors import UsageError

USAGE = f"""\
olenv list: every profile of the settings, and the session the agent holds for it.

Usage:
  olenv list [options]

Each profile of onelogin.aws.json with its account (and the name from
accounts.yaml), role and region, and the minutes left on the session the agent
holds for it. Nothing signs in, no secret is read and no agent is started.

Options:
  -c DIR, --config-file-path=DIR      Directory holding onelogin.aws.json and accounts.yaml
                                      (then ./ and ~/.onelogin are searched).
  --format=FORMAT                     What to print [choices: table, json] (default: table).
  --names                             Only the profile names, one a line (for scripts and
                                      tab completion); the agent is not asked.
  --no-agent                          Do not ask the agent what it holds.
{options.PLAIN}

Environment:
  OLENV_AGENT           off (or 0, no, false): do not ask the agent.
  AWS_DEFAULT_REGION    The region of a profile that names none (else AWS_REGION).

Examples:
  olenv list
  olenv list --format json | jq -r '.[] | select(.session) | .profile'
"""

FORMATS = ("table", "json")
HEADER = ("PROFILE", "ACCOUNT", "ROLE", "REGION", "SESSION")


def run(args) -> int:
    form = args.get("--format") or "table"
    if form not in FORMATS:
        raise UsageError(f"--format {form!r}: list prints table or json")
    if args.get("--names"):
        names = catalog.names(args.get("--config-file-path"))
        sys.stdout.write("".join(f"{table.cell(name)}\n" for name in names))
        return 0
    settings = settings_module.load({"config_dir": args.get("--config-file-path")},
                                    need_client=False)
    found = catalog.profiles(settings)
    sessions = held_sessions(bool(args.get("--no-agent")))
    rows = [dict(profile=p.name, account_id=p.account_id, account_name=p.account_name,
                 role_name=p.role_name, region=p.region,
                 session=_session(p, sessions)) for p in found]
    if form == "json":
        sys.stdout.write(json.dumps(rows, indent=2) + "\n")
        return 0
    if not rows:
        path = settings.files.get("aws")
        sys.stderr.write(f"olenv: no profiles in {table.cell(path)}: olenv profiles generate "
                         "adds one per role\n" if path else
                         "olenv: no onelogin.aws.json (looked in -c DIR, the current directory "
                         "and ~/.onelogin): olenv configure makes one\n")
        return 0
    lines = table.render(HEADER, [_cells(row) for row in rows], table.terminal_width(),
                         shrink=(1, 2))
    sys.stdout.write("".join(line + "\n" for line in lines))
    return 0


def held_sessions(no_agent: bool) -> list[dict] | None:
    """What a running agent holds (never starting one); None when no agent is asked."""
    from olenv.agent import client

    if not client.wanted(no_agent):
        return None
    reply = client.call({"op": "status"})
    return reply["sessions"] if reply and reply.get("ok") else []


def _session(profile: catalog.Profile, sessions: list[dict] | None) -> dict | None:
    """The agent's longest-lived session for this profile, as {"minutes_left": N}."""
    left = [s["seconds_left"] for s in sessions or ()
            if s["profile"] == profile.name
            and profile.account_id in (None, s["account"])
            and profile.role_name in (None, s["role"])]
    return {"minutes_left": max(left) // 60} if left else None


def _cells(row: dict) -> tuple:
    account = row["account_id"] or "?"
    if row["account_name"]:
        account += f" ({row['account_name']})"
    session = row["session"]
    return (row["profile"], account, row["role_name"] or "?", row["region"],
            f"{session['minutes_left']} min left" if session else "-")
