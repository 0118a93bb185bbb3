"""The session agent end to end: one sign-in serves many commands and shells, nothing
stale or foreign is served, and a dead agent only costs a new sign-in."""

import json
import os
import signal
import subprocess
import time

import pytest
from conftest import OLENV, require, run_olenv
from fakes.saml import role_value

PASSWORD = "correct horse"
HEAVY = ("docopt", "boto3", "botocore", "lxml", "urllib3", "yaml", "psutil", "olenv.settings")


@pytest.fixture
def agent_env(onelogin, env):
    """olenv with the agent on, signing in as alice without MFA; the agent stops afterwards."""
    onelogin.add_user("alice@example.com", PASSWORD, roles=[role_value("111111111111", "Admin")])
    env.pop("OLENV_AGENT")
    env.update(OLENV_PASSWORD=PASSWORD, OLENV_AGENT_IDLE="120")
    yield env
    run_olenv(["agent", "stop"], env)


def sign_ins(onelogin) -> int:
    return onelogin.count("saml_assertion")


def export(env, *args):
    result = run_olenv(["export", "--shell", "bash", "--aws-account-id", "111111111111", *args],
                       env)
    assert result.returncode == 0, result.stderr
    return result


def agent_pid(env) -> int:
    status = run_olenv(["agent", "status"], env)
    assert status.returncode == 0, status.stderr
    return int(status.stdout.split()[1])


def test_ten_exports_sign_in_once_and_hits_import_nothing_heavy(agent_env, onelogin):
    first = export(agent_env)
    for _ in range(9):
        again = export({**agent_env, "PYTHONPROFILEIMPORTTIME": "1"})
        assert again.stdout == first.stdout
    assert sign_ins(onelogin) == 1
    imported = {line.split("|")[-1].strip() for line in again.stderr.splitlines()
                if line.startswith("import time:")}
    assert "olenv.cli.fast" in imported
    assert not [name for name in imported if name.split(".")[0] in HEAVY or name in HEAVY]


def test_two_shells_share_one_session(agent_env, onelogin, tmp_path):
    script = 'eval "$({olenv} export --aws-account-id 111111111111)" || exit 9\necho "$AWS_ACCESS_KEY_ID"\n'
    keys = []
    for shell in ("bash", "zsh"):
        path = tmp_path / f"script.{shell}"
        path.write_text(script.format(olenv=" ".join(OLENV)))
        result = subprocess.run([require(shell), str(path)], env=agent_env, capture_output=True,
                                text=True, timeout=60, start_new_session=True)
        assert result.returncode == 0, result.stderr
        keys.append(result.stdout.strip())
        agent_env = {k: v for k, v in agent_env.items() if k != "OLENV_PASSWORD"}
    assert keys[0] == keys[1] and keys[0].startswith("ASIA")
    assert sign_ins(onelogin) == 1  # the second shell had no password to give


def test_credential_process_signs_in_once_for_the_aws_cli(agent_env, onelogin, home):
    (home / ".aws" / "config").write_text(
        f"[profile dev]\ncredential_process = {' '.join(OLENV)} credential-process\n"
        "region = eu-west-1\n")
    for _ in range(3):
        result = subprocess.run(["aws", "sts", "get-caller-identity", "--profile", "dev"],
                                env=agent_env, capture_output=True, text=True, timeout=60,
                                start_new_session=True)
        assert result.returncode == 0, result.stderr
    assert sign_ins(onelogin) == 1


def test_credentials_with_too_little_time_left_are_not_served(agent_env, onelogin):
    first = export(agent_env)
    # Sessions last 3600 s: none can have 4000 left, so STS is asked again (through the
    # assertion the agent still holds: no second sign-in).
    second = export(agent_env, "--min-ttl", "4000")
    assert second.stdout != first.stdout and sign_ins(onelogin) == 1
    assert export(agent_env).stdout == second.stdout  # the fresh one replaced the old


def test_exec_reuses_a_session_only_with_its_min_ttl_left(agent_env):
    def key(*args):
        result = run_olenv(["exec", *args, "--", "sh", "-c", "echo $AWS_ACCESS_KEY_ID"],
                           agent_env)
        assert result.returncode == 0, result.stderr
        return result.stdout

    first = key()
    assert key() == first  # 3600 s sessions have exec's 900 s left
    assert key("--min-ttl", "4000") != first


def test_another_region_reuses_the_held_assertion(agent_env, onelogin):
    user = onelogin.users["alice@example.com"]
    user.devices = [onelogin.OTP]
    export(agent_env, "--otp", user.otp_code)
    result = run_olenv(["export", "--shell", "bash", "--aws-region", "us-west-2"],
                       {k: v for k, v in agent_env.items() if k != "OLENV_PASSWORD"})
    assert result.returncode == 0, result.stderr
    assert "us-west-2" in result.stdout
    assert (sign_ins(onelogin), user.verify_calls) == (1, 1)  # no second password or MFA


def test_status_lists_sessions_and_no_secret(agent_env):
    keys = json.loads(run_olenv(["credential-process"], agent_env).stdout)
    status = run_olenv(["agent", "status"], agent_env)
    assert status.returncode == 0, status.stderr
    assert "111111111111" in status.stdout and "Admin" in status.stdout
    assert "eu-west-1" in status.stdout and "min left" in status.stdout
    for secret in (keys["SecretAccessKey"], keys["SessionToken"], keys["AccessKeyId"], PASSWORD):
        assert secret not in status.stdout + status.stderr


def test_the_agent_holds_no_password_and_dumps_no_core(agent_env):
    export(agent_env)
    pid = agent_pid(agent_env)
    environ = open(f"/proc/{pid}/environ", "rb").read()
    assert b"OLENV_PASSWORD" not in environ and PASSWORD.encode() not in environ
    assert b"AWS_ENDPOINT_URL_STS" not in environ
    limits = open(f"/proc/{pid}/limits").read()
    assert [line.split()[4:6] for line in limits.splitlines()
            if line.startswith("Max core file size")] == [["0", "0"]]


def test_a_killed_agent_loses_only_the_cache(agent_env, onelogin):
    first = export(agent_env)
    pid = agent_pid(agent_env)
    os.kill(pid, signal.SIGKILL)
    second = export(agent_env)  # the dead agent's socket is still there
    assert sign_ins(onelogin) == 2 and second.stdout != first.stdout
    assert agent_pid(agent_env) != pid
    assert export(agent_env).stdout == second.stdout and sign_ins(onelogin) == 2


def test_no_agent_when_turned_off(agent_env, onelogin):
    runtime = agent_env["XDG_RUNTIME_DIR"]
    assert run_olenv(["credential-process", "--no-agent"], agent_env).returncode == 0
    assert run_olenv(["credential-process"], {**agent_env, "OLENV_AGENT": "off"}).returncode == 0
    assert os.listdir(runtime) == [] and sign_ins(onelogin) == 2


def test_a_failed_sign_in_starts_no_agent_and_says_one_line(agent_env):
    result = run_olenv(["export", "--shell", "bash"], {**agent_env, "OLENV_PASSWORD": "wrong"})
    assert result.returncode == 1 and len(result.stderr.splitlines()) == 1
    assert run_olenv(["agent", "status"], agent_env).returncode == 1


def test_the_agent_exits_when_idle(agent_env):
    agent_env["OLENV_AGENT_IDLE"] = "0.3"
    started = run_olenv(["agent", "start"], agent_env)
    assert started.returncode == 0 and "agent started" in started.stderr
    deadline = time.monotonic() + 20
    while run_olenv(["agent", "status"], agent_env).returncode == 0:
        assert time.monotonic() < deadline, "the idle agent did not exit"
    assert os.listdir(os.path.join(agent_env["XDG_RUNTIME_DIR"], "olenv")) == []


def test_start_twice_keeps_one_agent(agent_env):
    assert "agent started" in run_olenv(["agent", "start"], agent_env).stderr
    pid = agent_pid(agent_env)
    assert "already running" in run_olenv(["agent", "start"], agent_env).stderr
    assert agent_pid(agent_env) == pid
    assert run_olenv(["agent", "stop"], agent_env).stderr == "olenv: agent stopped\n"
    assert run_olenv(["agent", "stop"], agent_env).stderr == "olenv: no agent is running\n"


def test_garbage_on_the_socket_does_not_hurt_the_agent(agent_env):
    import socket

    run_olenv(["agent", "start"], agent_env)
    path = os.path.join(agent_env["XDG_RUNTIME_DIR"], "olenv", "agent.sock")
    for junk in (b"not json\n", b'{"v": 99, "op": "status"}\n', b'{"v": 1, "op": "put"}\n'):
        with socket.socket(socket.AF_UNIX) as sock:
            sock.connect(path)
            sock.sendall(junk)
            sock.shutdown(socket.SHUT_WR)
            assert b"secret" not in sock.recv(4096)
    assert run_olenv(["agent", "status"], agent_env).returncode == 0


@pytest.mark.parametrize("args", [["--quiet"], ["-q"], ["--format", "json"], ["--format=dotenv"],
                                  ["-p", "dev"], ["--profile=dev"]])
def test_the_fast_path_answers_like_the_full_path(agent_env, args):
    full = run_olenv(["export", "--shell", "bash", *args], agent_env)
    fast = run_olenv(["export", "--shell", "bash", *args, "--debug"],
                     {**agent_env, "PYTHONPROFILEIMPORTTIME": "1"})
    assert full.returncode == fast.returncode == 0, full.stderr + fast.stderr
    assert fast.stdout == full.stdout
    notices = [line for line in fast.stderr.splitlines() if not line.startswith("import time:")]
    if args[0] in ("-q", "--quiet"):
        assert notices == []
    else:  # the minutes left may have ticked between the two runs
        assert [line.rsplit(",", 1)[0] for line in notices] == [
            line.rsplit(",", 1)[0] for line in full.stderr.splitlines()]
    assert "olenv.cli.fast" in fast.stderr and "olenv.cli.parse" not in fast.stderr


@pytest.mark.parametrize("args, code, line, signs_in", [
    (["--shell", "bash", "--no-agent"], 0,
     "olenv: 111111111111 (111111111111/Admin, eu-west-1, 59 min)", True),
    (["--shell", "bash", "--bogus"], 2,
     "olenv export: unknown option --bogus (see olenv export --help)", False),
    (["--shell", "bash", "--prof", "dev"], 2,
     "olenv export: unknown option --prof (did you mean --profile?)", False),
    (["--shell", "bash", "--min-ttl", "x"], 2,
     "olenv export: --min-ttl 'x' is not a number of seconds", False),
    (["--shell", "csh"], 2, "olenv: unknown shell 'csh': choose bash, zsh, fish or sh", False),
])
def test_the_fast_path_leaves_anything_unusual_to_the_full_path(agent_env, onelogin, args, code,
                                                                line, signs_in):
    first = export(agent_env)
    result = run_olenv(["export", "--aws-account-id", "111111111111", *args],
                       {**agent_env, "PYTHONPROFILEIMPORTTIME": "1"})
    assert "olenv.cli.parse" in result.stderr  # the full path ran, and decided
    notices = [text for text in result.stderr.splitlines() if not text.startswith("import time:")]
    assert result.returncode == code
    # The minutes left may have ticked between the two runs.
    assert [text.rsplit(",", 1)[0] for text in notices] == [line.rsplit(",", 1)[0]]
    assert sign_ins(onelogin) == (2 if signs_in else 1)
    if code == 0:  # a fresh sign-in: new keys, the same shape of output
        assert result.stdout != first.stdout
        assert result.stdout.splitlines()[0].split("=")[0] == first.stdout.splitlines()[0].split("=")[0]
    else:
        assert result.stdout == ""
