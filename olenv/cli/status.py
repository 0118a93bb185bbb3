"""olenv status: what olenv sees from here, for when something looks wrong. Never a secret.

Exit status 0, or 2 when a settings file, the .olenv or the agent directory is
broken (each such problem is one line of the report).
"""

import json
import sys
from pathlib import Path

from olenv import status, trust
from olenv.cli import options
from olenv.cli.common import cli_values
from olenv.errors import UsageError
from olenv.settings import AWS_FILE
from olenv.text import safe

USAGE = f"""\
olenv status: this shell's credentials, the agent, the .olenv here and where each setting
comes from. Never a secret.

Usage:
  olenv status [options]

Exit status 0, or 2 when a settings file, the .olenv or the agent directory is broken.

Options:
{options.PROFILE}
{options.SETTINGS}
{options.ROLE}
  --no-agent                          Do not ask the agent (or OLENV_AGENT=off).
{options.GENERAL}
  --format=FORMAT                     What to print [choices: text, json] (default: text).

Environment:
  OLENV_CLIENT_ID, OLENV_CLIENT_SECRET, OLENV_ONELOGIN_URL, AWS_DEFAULT_REGION: shown as
  the source of the values they give.
{options.ENV_AGENT}
{options.ENV_TERMINAL}

Examples:
  olenv status
  olenv status -p dev --format json
"""

FORMATS = ("text", "json")


def run(args) -> int:
    form = args["--format"] or "text"
    if form not in FORMATS:
        raise UsageError(f"--format {form!r}: status prints text or json")
    report = status.gather(cli_values(args), no_agent=bool(args.get("--no-agent")))
    if form == "json":
        sys.stdout.write(json.dumps(report, indent=2) + "\n")
    else:
        sys.stdout.write("".join(safe(line) + "\n" for line in text(report)))
    return 2 if report["problems"] else 0


def text(report: dict) -> list[str]:
    return [*_shell(report["shell"]), *_agent(report["agent"]), *_olenv_file(report["olenv_file"]),
            *_settings(report["settings"]),
            *(f"warning: {line}" for line in report["warnings"]),
            *(f"problem: {line}" for line in report["problems"])]


def _shell(shell: dict) -> list[str]:
    notes = []
    if shell["profile"]:
        left = shell["minutes_left"]
        when = ("expiry unknown" if left is None else f"{left} min left" if left >= 0
                else f"expired {-left} min ago")
        line = (f"shell: {shell['profile']} ({shell['account_id']}/{shell['role']}, "
                f"{shell['region']}, {when})")
        if not shell["access_key_set"]:
            notes.append("but AWS_ACCESS_KEY_ID is not set")
    else:
        line = "shell: no olenv credentials"
        if shell["access_key_set"]:
            notes.append("AWS_ACCESS_KEY_ID is set, but not by olenv")
    if shell["aws_profile"]:
        notes.append(f"AWS_PROFILE {shell['aws_profile']} is set")
    return [line + "".join(f"; {note}" for note in notes)]


def _agent(agent: dict) -> list[str]:
    if "running" not in agent:
        return ["agent: unknown (see the problem below)"]
    off = "" if agent["used"] else " (off: commands do not ask it)"
    if not agent["running"]:
        return [f"agent: none running at {agent['socket']}{off}"]
    if "error" in agent:
        return [f"agent at {agent['socket']} refused: {agent['error']}"]
    from olenv.cli.agent import describe

    lines = describe(agent)
    return [lines[0] + off, *lines[1:]]


def _olenv_file(file: dict) -> list[str]:
    if not file.get("path"):
        return [".olenv: none here or above" if "path" in file else ".olenv: unknown"]
    line = f".olenv: {file['path']}"
    if file["profile"]:
        line += f" (profile {file['profile']})"
    if file["state"]:
        line += f": {file['state']}"
        if not file["state"].startswith("allowed"):
            line += f" (olenv allow {trust.shown(Path(file['path']).parent)})"
    return [line]


def _settings(part: dict) -> list[str]:
    files = part.get("files") or {}
    lines = ["settings files (-c DIR, else ./, else ~/.onelogin):"] if files else []
    for name, path in files.items():
        lines.append(f"  {name:18} {path or 'not found'}")
    if part.get("values") is None:
        return lines
    lines.append("settings:")
    rows = [(name, "not set" if v["value"] is None else str(v["value"]), _short(v["source"], files))
            for name, v in part["values"].items()]
    width = max(len(value) for _, value, _ in rows)
    lines += [f"  {name:15} {value:{width}}  {source}".rstrip() for name, value, source in rows]
    return lines


def _short(source: str | None, files: dict) -> str:
    """A source as people read it: the file's name, its full path being listed above."""
    aws = files.get(AWS_FILE)
    if source and source == aws:
        return f"{AWS_FILE}, top level"  # not its profile section
    for path in filter(None, files.values()):
        source = (source or "").replace(path, Path(path).name)
    return source or ""
