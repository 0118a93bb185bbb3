"""A full flow under `strace -f`: sign-in, the agent started and asked, the agent stopped.
Nothing may be opened for writing, created, renamed or removed outside an allow-list."""

import re
import subprocess

import pytest
from conftest import OLENV, require, run_olenv
from fakes.saml import role_value

WRITE_FLAGS = ("O_WRONLY", "O_RDWR", "O_CREAT", "O_TRUNC", "O_APPEND")
OPEN = re.compile(r'^\d+\s+(?:open|openat|openat2|creat)\((?:AT_FDCWD|\d+), "([^"]*)", ([^,)]*)')
CHANGE = re.compile(r'^\d+\s+(rename|renameat2?|unlink|unlinkat|mkdir|mkdirat|rmdir|truncate|'
                    r'link|linkat|symlink|symlinkat)\((?:AT_FDCWD, |\d+, )?"([^"]*)"')


def allowed(path: str, runtime: str) -> bool:
    return (path in ("/dev/tty", "/dev/null")
            # the agent's socket and its directory: a runtime directory (tmpfs), no data
            or path == runtime + "/olenv" or path.startswith(runtime + "/olenv/")
            # Python's bytecode cache of the code it imports: code, never data
            or "/__pycache__/" in path)


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
