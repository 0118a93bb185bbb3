"""Print the credentials for `eval "$(olenv export)"`, a .env file, or JSON.

Every managed variable is written, unset ones included, so no stale
AWS_SESSION_TOKEN or AWS_PROFILE from earlier survives the eval.
"""

import json

from olenv.credentials import Credentials
from olenv.errors import UsageError

FORMATS = ("env", "dotenv", "json")


def render(credentials: Credentials, fmt: str, shell_name: str | None) -> str:
    changes = credentials.env()
    if fmt == "env":
        from olenv import shells

        return shells.detect(shell_name).export(changes)
    if fmt == "dotenv":
        return "".join(f"{name}={_dotenv_quote(value)}\n"
                       for name, value in changes.items() if value is not None)
    if fmt == "json":
        return json.dumps({k: v for k, v in changes.items() if v is not None}, indent=2) + "\n"
    raise UsageError(f"unknown format {fmt!r}: choose {', '.join(FORMATS)}")


def _dotenv_quote(value: str) -> str:
    # Double quotes with backslash escapes, as python-dotenv and Docker Compose read them.
    escaped = (value.replace("\\", "\\\\").replace('"', '\\"')
               .replace("\n", "\\n").replace("$", "\\$"))
    return f'"{escaped}"'
