"""A full flow under `strace -f`: sign-in, the agent started and asked, the agent stopped.
Nothing may be opened for writing, created, renamed or removed outside an allow-list:
under the runtime directory only the agent's socket and the sign-in lock, and of
bytecode only olenv's own."""

import os
import re
import subprocess

import pytest
from conftest import OLENV, require, run_olenv
from fakes.saml import role_value

import olenv

WRITE_FLAGS = ("O_WRONLY", "O_RDWR", "O_CREAT", "O_TRUNC", "O_APPEND")
OPEN = re.compile(r'^\d+\s+(?:open|openat|openat2|creat)\((?:AT_FDCWD|\d+), "([^"]*)", ([^,)]*)')
CHANGE = re.compile(r'^\d+\s+(rename|renameat2?|unlink|unlinkat|mkdir|mkdirat|rmdir|truncate|'
                    r'link|linkat|symlink|symlinkat)\((?:AT_FDCWD, |\d+, )?"([^"]*)"')


OLENV_CODE = os.path.dirname(olenv.__file__)
# Python's bytecode cache of olenv's own modules (code, never data), written as
# NAME.cpython-XY.pyc.<id> and renamed into place, in __pycache__ directories it makes.
BYTECODE = re.compile(re.escape(OLENV_CODE) +
                      r"(?:/\w+)*/__pycache__(?:/\w+\.cpython-\d+(?:\.opt-\d)?\.pyc(?:\.\d+)?)?")


def allowed(path: str, runtime: str) -> bool:
    agent = runtime + "/olenv"
    return (path in ("/dev/tty", "/dev/null")
            # the agent's directory, its socket and the sign-in lock: nothing else, no data
            or path in (agent, agent + "/agent.sock")
            or re.fullmatch(re.escape(agent) + r"/signin-[0-9a-f]{32}\.lock", path) is not None
            or BYTECODE.fullmatch(path) is not None)


@pytest.mark.parametrize("path, ok", [
    ("RUN/olenv", True), ("RUN/olenv/agent.sock", True),
    ("RUN/olenv/signin-0123456789abcdef0123456789abcdef.lock", True),
    ("RUN/olenv/sessions.json", False), ("RUN/olenv/agent.sock.bak", False),
    ("RUN/olenv/signin-x.lock", False), ("RUN/olenv/sub/agent.sock", False), ("RUN/other", False),
    ("OLENV/agent/__pycache__", True), ("OLENV/agent/__pycache__/store.cpython-311.pyc", True),
    ("OLENV/__pycache__/flow.cpython-311.pyc.140241", True),
    ("OLENV/agent/__pycache__/sessions.json", False),
    ("OLENV/agent/__pycache__/../../x.cpython-311.pyc", False),
    ("/usr/lib/python3/dist-packages/__pycache__/x.cpython-311.pyc", False),
    ("/home/u/__pycache__/x.cpython-311.pyc", False), ("/dev/shm/x", False)])
def test_the_allow_list_holds_only_the_socket_the_lock_and_olenvs_bytecode(path, ok):
    path = path.replace("RUN", "/run/user/1000").replace("OLENV", OLENV_CODE)
    assert allowed(path, "/run/user/1000") is ok


def traced_writes(script: str, env, trace) -> list[str]:
    """Run `sh -c script` under strace -f: every write to disk outside the allow-list."""
    syscalls = ("open,openat,creat,rename,renameat,renameat2,unlink,unlinkat,mkdir,mkdirat,"
                "rmdir,truncate,link,linkat,symlink,symlinkat")
    try:
        result = subprocess.run([require("strace"), "-f", "-qq", "-o", str(trace),
                                 "-e", f"trace={syscalls}", "sh", "-c", script], env=env,
                                capture_output=True, text=True, timeout=120,
                                stdin=subprocess.DEVNULL, start_new_session=True)
    finally:
        run_olenv(["agent", "stop"], env)
    assert result.returncode == 0, result.stderr
    lines = trace.read_text().splitlines()
    assert any("/bin/olenv" in line for line in lines)  # strace saw the run
    runtime = env["XDG_RUNTIME_DIR"]
    return [line for line in lines
            if ((m := OPEN.match(line)) and any(f in m.group(2) for f in WRITE_FLAGS)
                and "= -1" not in line and not allowed(m.group(1), runtime))
            or ((m := CHANGE.match(line)) and "= -1" not in line
                and not allowed(m.group(2), runtime))]


@pytest.fixture
def alice(onelogin, env):
    onelogin.add_user("alice@example.com", "correct horse",
                      roles=[role_value("123456789012", "Admin")])
    env.pop("OLENV_AGENT")
    env.update(OLENV_PASSWORD="correct horse", OLENV_AGENT_IDLE="60")
    return env


def test_a_full_flow_writes_nothing_to_disk(alice, onelogin, tmp_path):
    olenv = " ".join(OLENV)
    # One traced shell ending with `agent stop`: strace -f returns once the agent is gone.
    script = (f"{olenv} export --shell bash && {olenv} export --shell bash && "
              f"{olenv} credential-process && {olenv} exec -- true && {olenv} agent stop")
    written = traced_writes(script, alice, tmp_path / "trace")
    assert written == [], "\n".join(written)
    assert onelogin.count("saml_assertion") == 1


def test_the_trace_catches_a_write_olenv_login_was_asked_for(alice, home, tmp_path):
    written = traced_writes(f"{' '.join(OLENV)} login --profile dev --no-agent", alice,
                            tmp_path / "trace")
    assert any(str(home / ".aws" / "credentials") in line for line in written), written
