"""What `olenv status` reports: this shell, the agent, the .olenv here and the settings.

Gathered without a side effect and without a secret: nothing signs in, starts the
agent, asks the keyring or imports an AWS or HTTP library, because status is what
to run when something looks wrong. A missing file is reported, not a problem; a
broken one (or an unsafe agent directory) is one line in "problems".
"""

import contextlib
import io
import os
from datetime import datetime, timezone
from pathlib import Path

from olenv import settings as settings_module
from olenv.errors import OlenvError

FILES = (settings_module.SDK_FILE, settings_module.AWS_FILE, settings_module.ACCOUNTS_FILE)
# Values always shown, set or not; the rest only when something other than a default set them.
SHOWN = ("base_url", "client_id", "client_secret", "subdomain", "username", "app_id", "profile",
         "aws_region", "aws_account_id", "aws_role_name", "duration")
# Shown as "set", never as their value.
SECRET = {"client_id", "client_secret", "password", "otp"}


def gather(cli: dict, no_agent: bool = False, env=os.environ) -> dict:
    """The whole report; `cli` maps value names to command-line values, as settings.load takes."""
    report = {"shell": shell(env), "agent": {}, "olenv_file": {}, "settings": {},
              "warnings": [], "problems": []}
    steps = (("agent", lambda part: agent(part, no_agent, env)),
             ("olenv_file", olenv_file),
             ("settings", lambda part: settings(part, cli, env)))
    warnings = io.StringIO()
    with contextlib.redirect_stderr(warnings):  # settings' warnings belong in the report
        for key, step in steps:
            try:
                step(report[key])
            except OlenvError as exc:
                report["problems"].append(str(exc))
    report["warnings"] = [line.removeprefix("olenv: warning: ").removeprefix("olenv: ")
                          for line in warnings.getvalue().splitlines()]
    return report


def shell(env) -> dict:
    """The credentials this shell holds, as olenv's own variables describe them."""
    profile = env.get("OLENV_PROFILE") or None
    expiration = env.get("AWS_CREDENTIAL_EXPIRATION") or None
    return {"profile": profile, "account_id": env.get("OLENV_ACCOUNT_ID"),
            "role": env.get("OLENV_ROLE"),
            "region": env.get("AWS_DEFAULT_REGION") or env.get("AWS_REGION"),
            "expiration": expiration, "minutes_left": minutes_left(expiration),
            "access_key_set": bool(env.get("AWS_ACCESS_KEY_ID")),
            "aws_profile": env.get("AWS_PROFILE") or env.get("AWS_DEFAULT_PROFILE")}


def minutes_left(expiration: str | None, now: datetime | None = None) -> int | None:
    """Whole minutes to an ISO 8601 expiry (negative once past), or None when unreadable."""
    try:
        when = datetime.fromisoformat(expiration.replace("Z", "+00:00"))
    except (AttributeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return int((when - (now or datetime.now(timezone.utc))).total_seconds() // 60)


def agent(part: dict, no_agent: bool, env) -> None:
    """Asks a running agent what it holds; never starts one."""
    from olenv.agent import client, socketdir

    part.update(socket=socketdir.socket_path(env), used=client.wanted(no_agent, env))
    reply = client.call({"op": "status"}, env)
    part["running"] = reply is not None
    if reply is None:
        return
    if not reply.get("ok"):
        part["error"] = reply.get("error", "unknown reason")
        return
    part.update(pid=reply["pid"], sessions=reply["sessions"], assertions=reply["assertions"])


def olenv_file(part: dict) -> None:
    """The nearest .olenv, whether the allow list trusts it as it is, and its profile."""
    from olenv import dotolenv, trust

    file = dotolenv.find(dotolenv.here())
    part.update(path=file and str(file), state=None, profile=None)
    if file is None:
        return
    content = trust.read(file)
    part["state"] = trust.standing(file, content)
    part["profile"] = dotolenv.parse(content.decode("utf-8", "replace"), str(file))["profile"]


def settings(part: dict, cli: dict, env) -> None:
    """The files found, then every value in use and where it came from."""
    cwd, home = Path.cwd(), Path.home()
    part.update(files=dict.fromkeys(FILES), values=None)
    for name in FILES:
        found = settings_module.find_file(name, cli.get("config_dir"), cwd, home)
        part["files"][name] = found and str(found)
    loaded = settings_module.load(cli, env, cwd, home, need_client=False)
    sources = loaded.sources
    values = {}
    for name in (*SHOWN, *sorted(set(sources) - set(SHOWN))):
        value, source = getattr(loaded, name, None), sources.get(name)
        if name in SECRET:
            value = "set" if value else None
        elif name == "aws_region" and value is None:
            value, source = settings_module.DEFAULT_AWS_REGION, "default"
        if name in SHOWN or source not in (None, "default"):
            values[name] = {"value": value, "source": source}
    part["values"] = values
