"""The `profiles` section of onelogin.aws.json, generated from the roles a sign-in offers.

One profile per role, named `<account name>-<role>` (the account id when
accounts.yaml has no name for it). A user's own entries always stay as they are:
a role some profile already takes is not added again, and a generated name a
user's entry already holds is left to the user.
"""

import json
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from olenv import atomic, lines
from olenv.saml import Role
from olenv.settings import read_json

_NOT_NAME = re.compile(r"[^a-z0-9]+")


def slug(text: str) -> str:
    return _NOT_NAME.sub("-", text.lower()).strip("-")


def generated(roles: Sequence[Role], aliases: Mapping[str, str]) -> dict[str, dict]:
    """Profile name → {aws_account_id, aws_role_name}, in account then role order."""
    wanted: dict[tuple[str, str], str] = {}
    for role in sorted(roles, key=lambda r: (r.account_id, r.name)):
        account = slug(aliases.get(role.account_id, "")) or role.account_id
        wanted.setdefault((role.account_id, role.name), f"{account}-{slug(role.name)}")
    # Two accounts with the same name: those profiles keep the account id too.
    names = list(wanted.values())
    return {(name if names.count(name) == 1 else f"{account_id}-{slug(role_name)}"):
            {"aws_account_id": account_id, "aws_role_name": role_name}
            for (account_id, role_name), name in wanted.items()}


@dataclass
class Change:
    data: dict  # the whole new file
    added: dict[str, dict] = field(default_factory=dict)
    clashes: dict[str, dict] = field(default_factory=dict)  # name: the role left out for it


def merge(data: dict, new: Mapping[str, dict]) -> Change:
    """`data` (a parsed onelogin.aws.json) with the profiles of `new` it lacks."""
    mine = dict(data.get("profiles") or {})
    taken = {(str(p.get("aws_account_id", "")).zfill(12), p.get("aws_role_name"))
             for p in mine.values() if isinstance(p, dict)}
    change = Change({**data, "profiles": mine})
    for name, entry in new.items():
        if (entry["aws_account_id"], entry["aws_role_name"]) in taken:
            continue
        if name in mine:
            change.clashes[name] = entry
        else:
            mine[name] = change.added[name] = entry
    return change


def plan(path: Path, new: Mapping[str, dict]) -> Change:
    return merge(read_json(path) if path.exists() else {}, new)


def write(path: Path, data: dict) -> Path:
    """Replace the file atomically, keeping its mode; a symlink is followed, not replaced."""
    _check(data, Path(os.path.realpath(path)))
    return atomic.update(path, (json.dumps(data, indent=2) + "\n").encode())


def _check(value, target: Path, where: str = "") -> None:
    """Every name and text bound for the file stays on one line: JSON would escape a break,
    but a profile name also becomes a credentials file section and is shown to people."""
    if isinstance(value, dict):
        for key, inner in value.items():
            lines.check(f"a key in {where or 'the top level'}", str(key), target)
            _check(inner, target, f"{where}/{key}" if where else str(key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            _check(inner, target, f"{where}[{index}]")
    elif isinstance(value, str):
        lines.check(f"the value of {where}", value, target)
