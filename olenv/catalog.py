"""The profiles the settings define, each resolved to its account, role and region.

Resolved as a sign-in with --profile NAME would resolve them (the profile's section,
then the top-level keys of onelogin.aws.json, then the environment, then the
default), but from the files alone: no sign-in, no secret, no agent. `olenv list`,
the role menu and completion read this.
"""

import os
from dataclasses import dataclass

from olenv import settings as settings_module
from olenv.errors import ConfigError


@dataclass(frozen=True)
class Profile:
    name: str
    account_id: str | None
    account_name: str | None
    role_name: str | None
    region: str
    region_source: str  # "profile" | "file" | "environment" | "default"


def profiles(settings, env=os.environ, data: dict | None = None) -> list[Profile]:
    """Every profile of the onelogin.aws.json in use (or of `data`, that file's contents
    about to be written), in the file's order."""
    path = settings.files.get("aws")
    if data is None:
        if path is None:
            return []
        data = settings_module.read_json(path)
    sections = data.get("profiles") or {}
    if not isinstance(sections, dict):
        raise ConfigError(f"{path}: 'profiles' must map profile names to objects")
    found = []
    for name, section in sections.items():
        if not isinstance(section, dict):
            raise ConfigError(f"{path}: profile {name!r} must be an object")
        where = f"profile {name} in {path}"
        account = section.get("aws_account_id") or data.get("aws_account_id") or None
        account = account and settings_module.normalise_account(account, f"{where}: aws_account_id")
        role = section.get("aws_role_name") or data.get("aws_role_name") or None
        region, source = _region(section, data, env)
        found.append(Profile(str(name), account, settings.aliases.get(account or ""),
                             None if role is None else str(role), region, source))
    return found


def _region(section: dict, data: dict, env) -> tuple[str, str]:
    for value, source in ((section.get("aws_region"), "profile"), (data.get("aws_region"), "file"),
                          (env.get("AWS_DEFAULT_REGION") or env.get("AWS_REGION"), "environment")):
        if value:
            return str(value), source
    return settings_module.DEFAULT_AWS_REGION, "default"


def by_role(found: list[Profile]) -> dict[tuple[str, str], list[str]]:
    """(account id, role name) → the names of the profiles that take that role."""
    names: dict[tuple[str, str], list[str]] = {}
    for profile in found:
        if profile.account_id and profile.role_name:
            names.setdefault((profile.account_id, profile.role_name), []).append(profile.name)
    return names


def by_role_of(settings) -> dict[tuple[str, str], list[str]]:
    """by_role of the settings' profiles; nothing when the file cannot say (the menu
    only shows these, and a sign-in must not fail for them)."""
    try:
        return by_role(profiles(settings))
    except ConfigError:
        return {}


def names(config_dir: str | None = None) -> list[str]:
    """The profile names alone, for completion at every TAB: only onelogin.aws.json is read
    (found and trusted as settings.load finds it, quietly), not the other files."""
    from pathlib import Path

    found = settings_module.find(settings_module.AWS_FILE, config_dir, Path.cwd(), Path.home(),
                                 say=lambda _: None)
    if found is None:
        return []
    sections = settings_module.read_json(*found).get("profiles") or {}
    return [str(name) for name in sections] if isinstance(sections, dict) else []
