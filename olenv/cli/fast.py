"""The fast path: export, exec and credential-process answered by the agent.

It reads only the options that select a session, with plain code, and asks
the agent for the finished output under the fast key (olenv.agent.keys), so a
hit imports neither docopt nor settings, boto3, lxml or any HTTP code. Anything
unusual (an option it does not know, a bad value, no agent, a miss, any
error) returns None and the full path runs, which reports errors properly and
leaves its result with the agent for next time.
"""

import os
import sys

from olenv.agent import EXEC_MIN_TTL, MIN_TTL, OFF
from olenv.agent.keys import SELECTING

COMMANDS = ("export", "exec", "credential-process")
SHORT = {"-p": "--profile", "-c": "--config-file-path", "-u": "--onelogin-username",
         "-a": "--onelogin-app-id", "-d": "--onelogin-subdomain", "-r": "--region",
         "-z": "--duration", "-q": "--quiet"}
# Options a hit does not need but may ignore: they only steer a sign-in or its output.
VALUED = {*SELECTING, "--shell", "--format", "--min-ttl", "--otp", "--mfa-device",
          "--push-interval", "--push-timeout", "--ip", "--saml-api-version"}
FLAGS = {"--force", "--debug", "--role-order", "--quiet"}
# olenv.shells' names for the shells it can write for (a test keeps the two in step).
SHELL_NAMES = {"bash": "bash", "zsh": "zsh", "fish": "fish", "sh": "sh",
               **dict.fromkeys(("dash", "ksh", "mksh", "ash"), "sh")}
# Options the usage text allows only on some commands.
ONLY = {"--force": ("exec", "export"), "--shell": ("export",), "--format": ("export",)}


def run(argv: list[str]) -> int | None:
    """The exit status of a command the agent answered, or None for the full path."""
    if not argv or argv[0] not in COMMANDS or \
            os.environ.get("OLENV_AGENT", "").strip().lower() in OFF:
        return None
    try:
        parsed = parse(argv)
        return None if parsed is None else answer(*parsed)
    except Exception:  # noqa: BLE001 - never a wrong answer: the full path decides
        return None


def parse(argv: list[str]) -> tuple[str, dict, list[str]] | None:
    command, rest = argv[0], argv[1:]
    options: dict[str, str | bool] = {}
    words: list[str] = []
    while rest:
        arg = rest.pop(0)
        if arg == "--":
            words += rest
            break
        if not arg.startswith("-") or arg == "-":
            if command != "exec":
                return None
            words = [arg, *rest]  # options end at the command, as in cli/exec.py
            break
        name, eq, value = arg.partition("=")
        if not eq and name in SHORT:
            name = SHORT[name]
        elif not eq and len(arg) > 2 and arg[:2] in SHORT and not arg.startswith("--"):
            name, value, eq = SHORT[arg[:2]], arg[2:], "="
        if name in FLAGS and not eq:
            options[name] = True
        elif name in VALUED:
            if not eq:
                if not rest:
                    return None
                value = rest.pop(0)
            options[name] = value
        else:
            return None
        if command not in ONLY.get(name, COMMANDS):
            return None
    # exec with no command (a shell), or with one PATH lacks (a profile typed as a
    # command?): the full path explains.
    if (command == "exec") != bool(words) or (words and not _runnable(words[0])):
        return None
    return command, options, words


def answer(command: str, options: dict, words: list[str]) -> int | None:
    from olenv.agent import client, keys

    ttl = options.get("--min-ttl", str(EXEC_MIN_TTL if command == "exec" else MIN_TTL))
    if not ttl.isdigit():
        return None
    request = {"op": "fast", "min_ttl": int(ttl),
               "fast": keys.fast_key({k: v for k, v in options.items() if k in SELECTING})}
    if command == "credential-process":
        request["render"] = "process"
    elif command == "exec":
        request["render"] = "env"
    else:
        fmt = options.get("--format") or "env"
        if fmt not in ("env", "dotenv", "json") or (sys.stdout.isatty() and not options.get("--force")):
            return None
        request.update(render="export", format=fmt, shell=None)
        if fmt == "env":
            request["shell"] = shell_name(options.get("--shell"))
            if request["shell"] is None:
                return None  # not a shell olenv knows: the full path says so
    reply = client.call(request)
    if not reply or not reply.get("ok") or not reply.get("found"):
        return None
    if reply.get("picked") and not options.get("--quiet"):
        from olenv.cli.selection import remembered

        who = reply["who"]
        _say(remembered(who["OLENV_PROFILE"], who["OLENV_ACCOUNT_ID"], who["OLENV_ROLE"]))
    if command == "exec":
        from olenv.handover import exec as handover

        _switching(options, reply.get("env"))
        return handover.run(words, _Held(reply["env"]))
    if command == "export":
        _switching(options, reply.get("who"))
    sys.stdout.write(reply["text"])
    sys.stdout.flush()
    if command == "export" and not options.get("--quiet"):
        _say(f"olenv: {reply['summary']}")
    return 0


def shell_name(explicit: str | None) -> str | None:
    """The name of the shell olenv.shells.detect would find, None for one it does not know.

    olenv.shells loads every shell's quoting class (≈1 ms of a ≈30 ms hit), and the agent
    renders the export itself: the parent's name settles it without them almost always.
    """
    if explicit is not None:
        return SHELL_NAMES.get(explicit)
    try:
        with open(f"/proc/{os.getppid()}/comm", "rb") as comm:
            parent = comm.read().decode("utf-8", "replace").rstrip("\n").lstrip("-")
    except OSError:
        parent = None
    if parent in SHELL_NAMES:
        return SHELL_NAMES[parent]
    from olenv import shells  # its ancestors and $SHELL

    return shells.detect().name


def _runnable(word: str) -> bool:
    """What execvp would find, looked up without shutil."""
    if "/" in word:
        return True
    return any(os.access(os.path.join(folder or ".", word), os.X_OK)
               for folder in os.environ.get("PATH", os.defpath).split(os.pathsep))


def _switching(options: dict, env: dict | None) -> None:
    """cli.common.switching's notice, from the agent's answer."""
    old = [os.environ.get(name) for name in ("OLENV_PROFILE", "OLENV_ACCOUNT_ID", "OLENV_ROLE")]
    new = [(env or {}).get(name) for name in ("OLENV_PROFILE", "OLENV_ACCOUNT_ID", "OLENV_ROLE")]
    if old[0] and old != new and not options.get("--quiet"):
        if None in new:
            raise LookupError("the agent's answer does not say whose credentials these are")
        from olenv.cli.selection import who

        _say(f"olenv: switching from {who(*old)} to {who(*new)}")


class _Held:
    """The agent's answer as handover.exec reads credentials."""

    def __init__(self, env: dict):
        self._env = env

    def env(self) -> dict:
        return self._env


def _say(text: str) -> None:
    """A notice on the terminal, else stderr, as olenv.terminal does it."""
    try:
        fd = os.open("/dev/tty", os.O_WRONLY | os.O_NOCTTY)
    except OSError:
        sys.stderr.write(text + "\n")
        return
    with open(fd, "w", encoding="utf-8", errors="replace") as tty:
        tty.write(text + "\n")
