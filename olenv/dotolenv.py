""".olenv: the profile (and, optionally, the role) a directory tree uses.

A small YAML mapping (`profile: dev`, optional aws_region, aws_account_id,
aws_role_name, duration), or a file holding only a profile name. The nearest
one up the tree from the current directory applies, and only once trusted
(olenv.trust): a cloned repository cannot switch anyone's account by itself.
"""

import os
import re
from pathlib import Path

from olenv.errors import ConfigError
from olenv.settings import AWS_REGION, MAX_DURATION, MIN_DURATION, normalise_account

NAME = ".olenv"
# .olenv key → the command-line option it stands for
OPTIONS = {"profile": "--profile", "aws_region": "--aws-region",
           "aws_account_id": "--aws-account-id", "aws_role_name": "--aws-role-name",
           "duration": "--duration"}
PROFILE = re.compile(r"^[\w.@+-]{1,128}\Z")
ROLE_NAME = re.compile(r"^[\w+=,.@-]{1,64}\Z")


def here() -> Path:
    """The current directory as the shell names it ($PWD, symlinks kept), as the hook walks it."""
    pwd = os.environ.get("PWD", "")
    try:
        if os.path.isabs(pwd) and os.path.samefile(pwd, "."):
            return Path(os.path.normpath(pwd))
    except OSError:
        pass
    return Path.cwd()


def find(start: Path) -> Path | None:
    """The nearest .olenv at or above `start`."""
    for folder in (start, *start.parents):
        candidate = folder / NAME
        if candidate.is_file():
            return candidate
    return None


def locate(path: str | None) -> Path:
    """The .olenv a command means: PATH (a file, or a directory to search up from), else the nearest."""
    start = here() if path is None else Path(os.path.abspath(path))
    if path is not None and not start.is_dir():
        if start.exists():
            return start  # a file; trust.read refuses anything but a plain one
        raise ConfigError(f"{path}: no such file or directory")
    found = find(start)
    if found is None:
        raise ConfigError(f"no {NAME} in {start} or above it")
    return found


def parse(text: str, origin: str) -> dict[str, str]:
    """The file's values, checked, keyed by .olenv key (all text, as options are)."""
    import yaml  # only when a .olenv is read: a directory change, never a plain prompt

    try:
        # BaseLoader keeps every scalar as written: no octal account ids, no `no` → False.
        data = yaml.load(text, Loader=yaml.BaseLoader)  # noqa: S506 - BaseLoader builds no objects
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark else ""
        raise ConfigError(f"{origin}: not valid YAML{where}") from None
    if isinstance(data, str):
        data = {"profile": data}
    if not isinstance(data, dict) or not data.get("profile"):
        raise ConfigError(f"{origin}: expected a profile name, or 'profile: NAME'")
    unknown = sorted(set(data) - set(OPTIONS))
    if unknown:
        raise ConfigError(f"{origin}: unknown key {unknown[0]!r} (known: {', '.join(OPTIONS)})")
    values = {}
    for key, value in data.items():
        if not isinstance(value, str):
            raise ConfigError(f"{origin}: {key} must be a single value")
        values[key] = _checked(key, value.strip(), f"{origin}: {key}")
    return values


def _checked(key: str, value: str, where: str) -> str:
    if key == "profile" and not PROFILE.match(value):
        raise ConfigError(f"{where} {value!r} is not a profile name")
    if key == "aws_region" and not AWS_REGION.match(value):
        raise ConfigError(f"{where} {value!r} is not an AWS region")
    if key == "aws_account_id":
        return normalise_account(value, where)
    if key == "aws_role_name" and not ROLE_NAME.match(value):
        raise ConfigError(f"{where} {value!r} is not an IAM role name")
    if key == "duration" and not (value.isdigit() and MIN_DURATION <= int(value) <= MAX_DURATION):
        raise ConfigError(f"{where} {value!r} is not {MIN_DURATION}-{MAX_DURATION} seconds")
    return value


def load_into(args, path: str) -> None:
    """Fill the options the command line left empty from a trusted .olenv; refuse any other."""
    from olenv import trust

    file = Path(os.path.abspath(path))
    content = trust.admit(file)
    for key, value in parse(content.decode("utf-8", "replace"), str(file)).items():
        args[OPTIONS[key]] = args.get(OPTIONS[key]) or value
