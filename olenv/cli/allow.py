"""olenv allow [PATH]: trust a .olenv as it is now (default: the nearest one), or a
settings file in a working tree (onelogin.sdk.json, onelogin.aws.json, accounts.yaml)."""

import os
import sys
from pathlib import Path

from olenv import dotolenv, trust
from olenv.cli import options
from olenv.errors import ConfigError
from olenv.settings import ACCOUNTS_FILE
from olenv.text import safe

USAGE = f"""\
olenv allow: trust a .olenv, or a settings file of a working tree, as it is now
(default: the nearest .olenv, here or above).

Usage:
  olenv allow [options] [<path>]

A settings file (onelogin.sdk.json, onelogin.aws.json, accounts.yaml) found in the
working tree chooses where your password goes: allowing it shows what it decides.
An edited file is refused again until it is allowed again.

Options:
  --session                           Only until you log out (without XDG_RUNTIME_DIR:
                                      until the machine restarts).
{options.PLAIN}

Environment:
  XDG_DATA_HOME         Where the allow list lives (default: ~/.local/share), in olenv/.
  XDG_RUNTIME_DIR       Where --session keeps it (else a private per-boot directory in /tmp).

Examples:
  olenv allow
  olenv allow ~/src/project --session
  olenv allow ./onelogin.aws.json
"""


def run(args) -> int:
    try:
        file = dotolenv.locate(args["<path>"])
    except ConfigError:
        folder = dotolenv.here() if args["<path>"] is None else Path(os.path.abspath(args["<path>"]))
        found = [folder / name for name in trust.SETTINGS_NAMES if (folder / name).is_file()]
        if not found:
            raise
        # A settings file is allowed by name: each one steers secrets on its own.
        raise ConfigError(f"no {dotolenv.NAME} in {trust.shown(folder)} or above it; to allow "
                          f"a settings file, name it: olenv allow {trust.shown(found[0])}") from None
    # A file olenv would refuse to read is refused now, while its author is looking.
    content = trust.read(file)
    session = bool(args["--session"])
    until = f" {trust.session_lasts()}" if session else ""
    if file.name in trust.SETTINGS_NAMES:
        lines = trusting(file, content)
        trust.record(file, trust.ALLOW, content, session=session)
        sys.stderr.write(f"olenv: allowed {trust.shown(file)}{until}; run in "
                         f"{trust.shown(file.parent)}, olenv now takes from it:\n")
        sys.stderr.write("".join(f"  {safe(line)}\n" for line in lines))
        return 0
    values = dotolenv.parse(content.decode("utf-8", "replace"), str(file))
    trust.record(file, trust.ALLOW, content, session=session)
    sys.stderr.write(f"olenv: allowed {trust.shown(file)} (profile {safe(values['profile'])})"
                     f"{until}\n")
    return 0


def trusting(file, content: bytes) -> list[str]:
    """What a settings file would decide, the keys that steer secrets first; it must parse."""
    from olenv import settings

    if file.name == ACCOUNTS_FILE:
        names = settings.read_aliases(file, content)
        return [f"account names for {len(names)} account(s) (shown in menus and profiles)"]
    data = settings.read_json(file, content)
    rows = [(key, "set" if key in ("client_id", "client_secret") else safe(data[key]))
            for key in settings.STEERING if data.get(key)]
    width = max((len(value) for _, value in rows), default=0)
    lines = [f"{key:17} {value:{width}}  ({STEERS[key]})" for key, value in rows]
    rest = sorted(set(data) - set(settings.STEERING))
    if rest:
        lines.append(f"and {', '.join(rest)}")
    return lines or ["nothing (the file sets no keys)"]


# What each key that steers a secret decides.
STEERS = {"client_id": "the OneLogin API client", "client_secret": "the OneLogin API client",
          "region": "the OneLogin region that gets your password",
          "subdomain": "the OneLogin tenant that gets your password",
          "ip": "the address OneLogin's MFA rules see",
          "keychain_service": "the OS keyring entry read as your password",
          "keychain_account": "the OS keyring entry read as your password"}
