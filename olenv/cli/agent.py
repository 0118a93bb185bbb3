"""olenv agent start|stop|status|forget: the in-memory session agent by hand."""

import sys

from olenv import table
from olenv.agent import client, socketdir
from olenv.cli import options
from olenv.errors import OlenvError, UsageError

USAGE = f"""\
olenv agent: the in-memory session agent, by hand. Every command asks it first and
starts it on demand; it holds sessions in memory only, and nothing on disk. forget
drops one profile's sessions (or all) and the SAML assertions it holds, so the next
use of that profile signs in again; the agent keeps running.

Usage:
  olenv agent (start | stop | status) [options]
  olenv agent forget [options] [<profile> | --all]

forget drops one profile's sessions (or every one, --all) and the SAML assertions,
so the next use signs in again.

Options:
  --all                               forget: every session.
{options.PLAIN}

Environment:
{options.ENV_AGENT}

Examples:
  olenv agent status
  olenv agent forget prod
  olenv agent stop
"""


def run(args) -> int:
    if args["start"]:
        started = client.start()
        print("olenv: agent " + ("started" if started == "ready" else "already running")
              + f" ({socketdir.socket_path()})", file=sys.stderr)
        return 0
    if args.get("forget"):
        return forget(args.get("<profile>"), bool(args.get("--all")))
    op = "stop" if args["stop"] else "status"
    reply = client.call({"op": op})
    if reply is None:
        print("olenv: no agent is running", file=sys.stderr)
        return 0 if op == "stop" else 1
    if not reply.get("ok"):
        raise OlenvError(f"the agent refused: {reply.get('error', 'unknown reason')}")
    if op == "stop":
        print("olenv: agent stopped", file=sys.stderr)
        return 0
    print("\n".join(describe(reply, table.terminal_width())))
    return 0


def forget(profile: str | None, every: bool) -> int:
    """Drop one profile's sessions, or all, and the SAML assertions the agent holds."""
    if not every and not profile:
        held = client.call({"op": "status"})
        names = _names(held.get("sessions", [])) if held and held.get("ok") else ""
        error = UsageError("forget: name a profile or pass --all"
                           + (f" (the agent holds {names})" if names else ""))
        error.command = "agent"  # shown as `olenv agent: ...`
        raise error
    reply = client.call({"op": "forget", "all": True} if every else
                        {"op": "forget", "profile": profile})
    if reply is None:
        print("olenv: no agent is running: nothing to forget", file=sys.stderr)
        return 0
    if not reply.get("ok"):
        raise OlenvError(f"the agent refused: {reply.get('error', 'unknown reason')}")
    gone, left = reply["forgotten"], reply["sessions"]
    if profile and not gone:
        print(f"olenv: the agent held no session for '{table.cell(profile)}'"
              + (f" (it holds {_names(left)})" if left else "")
              + "; its SAML assertions are forgotten", file=sys.stderr)
        return 1
    print(f"olenv: forgot {len(gone)} session(s) and the SAML assertions"
          + (f"; {len(left)} other session(s) kept" if left else ""), file=sys.stderr)
    return 0


def _names(sessions: list[dict]) -> str:
    return ", ".join(sorted({table.cell(s["profile"]) for s in sessions}))


HEADER = ("PROFILE", "ACCOUNT", "ROLE", "REGION", "SESSION")


def describe(reply: dict, width: int | None = None) -> list[str]:
    """The agent's status reply for people (olenv status shows it too): never a secret."""
    sessions = reply["sessions"]
    first = (f"agent {reply['pid']} at {socketdir.socket_path()}: {len(sessions)} session(s), "
             f"{reply['assertions']} SAML assertion(s)")
    if not sessions:
        return [first]
    rows = [(s["profile"], s["account"], s["role"], s["region"],
             f"{s['seconds_left'] // 60} min left") for s in sessions]
    return [first, *table.render(HEADER, rows, width, shrink=(0, 2), indent="  ")]
