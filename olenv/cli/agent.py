"""olenv agent start|stop|status: the in-memory session agent by hand."""

import sys

from olenv.agent import client, socketdir
from olenv.cli import options
from olenv.errors import OlenvError

USAGE = f"""\
olenv agent: the in-memory session agent, by hand. Every command asks it first and
starts it on demand; it holds sessions in memory only, and nothing on disk.

Usage:
  olenv agent (start | stop | status) [options]

Options:
{options.PLAIN}

Environment:
{options.ENV_AGENT}

Examples:
  olenv agent status
  olenv agent stop
"""


def run(args) -> int:
    if args["start"]:
        started = client.start()
        print("olenv: agent " + ("started" if started == "ready" else "already running")
              + f" ({socketdir.socket_path()})", file=sys.stderr)
        return 0
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
    print("\n".join(describe(reply)))
    return 0


def describe(reply: dict) -> list[str]:
    """The agent's status reply for people (olenv status shows it too): never a secret."""
    sessions = reply["sessions"]
    return [f"agent {reply['pid']} at {socketdir.socket_path()}: {len(sessions)} session(s), "
            f"{reply['assertions']} SAML assertion(s)",
            *(f"  {s['profile']:20} {s['account']} {s['role']:24} {s['region']:15} "
              f"{s['seconds_left'] // 60} min left" for s in sessions)]
