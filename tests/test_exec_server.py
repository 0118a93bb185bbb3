"""olenv exec --server: the command reads credentials from olenv's server on 127.0.0.1,
renewed when they near expiry, and ends exactly as the command ended."""

import json
import subprocess
import sys
import time

import pytest
from conftest import OLENV, require, run_olenv
from fakes.saml import role_value

PASSWORD = "correct horse"
SHORT = 8  # seconds the short-lived keys last
# Asks the server twice, as an SDK does across a refresh, then once with a wrong token.
CLIENT = """
import json, os, urllib.error, urllib.request
url, token = os.environ["AWS_CONTAINER_CREDENTIALS_FULL_URI"], os.environ["AWS_CONTAINER_AUTHORIZATION_TOKEN"]
keys = []
for _ in range(2):
    with urllib.request.urlopen(urllib.request.Request(url, headers={"Authorization": token})) as r:
        keys.append(json.load(r))
try:
    urllib.request.urlopen(urllib.request.Request(url, headers={"Authorization": "guess"}))
except urllib.error.HTTPError as e:
    status = e.code
static = [n for n in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN") if n in os.environ]
print(json.dumps({"keys": keys, "wrong_token": status, "static": static, "url": url}))
"""


@pytest.fixture
def alice(onelogin, env):
    onelogin.add_user("alice@example.com", PASSWORD, roles=[role_value("123456789012", "Admin")])
    env["OLENV_PASSWORD"] = PASSWORD
    return env


def served(env, *args):
    result = run_olenv(["exec", "--server", *args, "--", sys.executable, "-c", CLIENT], env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_the_child_gets_a_server_not_keys(alice, onelogin):
    seen = served(alice)
    first, second = seen["keys"]
    assert first == second and first["AccessKeyId"].startswith("ASIA")
    assert set(first) == {"AccessKeyId", "SecretAccessKey", "Token", "Expiration"}
    assert seen["wrong_token"] == 403 and seen["static"] == []
    assert seen["url"].startswith("http://127.0.0.1:")
    assert onelogin.count("saml_assertion") == 1


@pytest.fixture
def short_keys(alice, moto_sts):
    """STS keys that live SHORT seconds (the test may change sts.lifetime)."""
    from fakes.sts import FaultySTS

    sts = FaultySTS(moto_sts, lifetime=SHORT)
    alice["AWS_ENDPOINT_URL_STS"] = sts.url
    yield sts
    sts.stop()


# Asks the server every `pause` seconds for `seconds` seconds, and tells what it saw.
WATCH = """
import json, os, sys, time, urllib.error, urllib.request
seconds, pause = float(sys.argv[1]), float(sys.argv[2])
url, token = os.environ["AWS_CONTAINER_CREDENTIALS_FULL_URI"], os.environ["AWS_CONTAINER_AUTHORIZATION_TOKEN"]
seen, start = [], time.monotonic()
while time.monotonic() - start < seconds:
    asked = time.time()
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers={"Authorization": token}),
                                    timeout=5) as r:
            seen.append({"at": asked, "took": time.time() - asked, "status": r.status, **json.load(r)})
    except urllib.error.HTTPError as e:
        seen.append({"at": asked, "took": time.time() - asked, "status": e.code, **json.load(e)})
    time.sleep(pause)
print(json.dumps(seen))
"""


def watch(env, seconds, pause=0.2, *args):
    result = run_olenv(["exec", "--server", *args, "--", sys.executable, "-c", WATCH,
                        str(seconds), str(pause)], env, timeout=seconds + 60)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout), result.stderr


def test_credentials_are_renewed_ahead_in_the_background(alice, onelogin, short_keys):
    seen, stderr = watch(alice, SHORT * 1.6)
    keys = list(dict.fromkeys(s["AccessKeyId"] for s in seen))
    assert len(keys) >= 2 and stderr == ""
    assert all(s["status"] == 200 for s in seen)
    # Each answer came from credentials still valid when it was given.
    for s in seen:
        assert parse_iso(s["Expiration"]) > s["at"]
    # A renewal per new key, not a sign-in per request.
    assert onelogin.count("saml_assertion") == short_keys.assumed == len(keys) < len(seen) / 4


def test_with_the_agent_a_renewal_reuses_the_held_assertion(alice, onelogin, short_keys):
    alice.pop("OLENV_AGENT")
    try:
        seen, stderr = watch(alice, SHORT * 1.6)
    finally:
        run_olenv(["agent", "stop"], alice)
    assert len({s["AccessKeyId"] for s in seen}) >= 2, stderr
    assert all(s["status"] == 200 for s in seen)
    assert onelogin.count("saml_assertion") == 1


def parse_iso(text: str) -> float:
    from datetime import datetime

    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def test_the_aws_cli_signs_its_calls_with_served_credentials(alice):
    result = run_olenv(["exec", "--server", "--", "aws", "sts", "get-caller-identity",
                        "--output", "json"], alice)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["Arn"].endswith(":assumed-role/Admin/alice@example.com")


@pytest.mark.parametrize("script, status", [("exit 0", 0), ("exit 3", 3), ("kill -TERM $$", 143),
                                            ("kill -KILL $$", 137)])
def test_the_exit_status_and_fatal_signals_are_the_commands(alice, script, status):
    bash = require("bash")
    line = " ".join(OLENV) + f" exec --server -- sh -c '{script}'; echo \"status=$?\""
    result = subprocess.run([bash, "-c", line], env=alice, capture_output=True, text=True,
                            timeout=60, start_new_session=True)
    assert f"status={status}" in result.stdout, result.stderr


def test_a_missing_command_is_127(alice):
    result = run_olenv(["exec", "--server", "--", "no-such-command-olenv"], alice)
    assert (result.returncode, result.stderr) == (
        127, "olenv: no-such-command-olenv: command not found\n")


@pytest.mark.parametrize("name", ["SIGTERM", "SIGKILL", "SIGINT", "SIGUSR1", "SIGHUP"])
def test_a_command_killed_by_a_signal_kills_olenv_by_the_same_signal(alice, name):
    # Read by a Python parent with waitpid, not a shell: bash's $? shows 128+N for a death
    # by signal N and for an exit with status 128+N alike.
    import os
    import signal

    number = getattr(signal, name)
    process = subprocess.Popen(
        OLENV + ["exec", "--server", "--", "sh", "-c", f"kill -{name[3:]} $$"], env=alice,
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        start_new_session=True)
    _, status = os.waitpid(process.pid, 0)
    process.returncode = -number  # reaped here: Popen must not wait for it again
    stderr = process.stderr.read().decode()
    process.stderr.close()
    assert os.WIFSIGNALED(status) and not os.WIFEXITED(status), (status, stderr)
    assert os.WTERMSIG(status) == number, stderr

# A real botocore client, as a long job runs: an STS call every `pause` seconds for
# `seconds` seconds, counting failures. botocore refreshes keys that end within
# 10 minutes before every call, so each call asks olenv's server.
BOTOCORE = """
import json, sys, time
import botocore.session
seconds, pause = float(sys.argv[1]), float(sys.argv[2])
session = botocore.session.get_session()
sts = session.create_client("sts", region_name="eu-west-1")
calls, errors, keys, start = 0, [], [], time.monotonic()
while time.monotonic() - start < seconds:
    calls += 1
    try:
        sts.get_caller_identity()
        key = session.get_credentials().get_frozen_credentials().access_key
        if key not in keys:
            keys.append(key)
    except Exception as exc:
        errors.append(f"{time.monotonic() - start:.1f}s {exc.__class__.__name__}: {exc}"[:300])
    time.sleep(pause)
print(json.dumps({"calls": calls, "errors": errors, "keys": len(keys),
                  "ran": time.monotonic() - start}))
"""


def test_a_botocore_job_runs_through_a_failing_renewal_without_an_error(alice, onelogin,
                                                                       short_keys):
    """60 s keys renewed from 20 s before their end (--min-ttl 20, as in the report that
    botocore failed from 43 s); OneLogin answers the first renewal's requests with 503s."""
    short_keys.lifetime = 60
    job = subprocess.Popen(
        [*OLENV, "exec", "--server", "--min-ttl", "20", "--", sys.executable, "-c", BOTOCORE,
         "150", "1"], env=alice, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while short_keys.assumed == 0:  # the first sign-in, before the job starts
            assert job.poll() is None and time.monotonic() < deadline, job.communicate()
            time.sleep(0.05)
        # Three renewal attempts fail (a 503 to a request carrying the password is not
        # retried inside one attempt); the fourth, about 7 s later, lands.
        onelogin.fail_next("saml_assertion", 503, times=3)
        out, err = job.communicate(timeout=300)
    finally:
        if job.poll() is None:
            job.kill()
    assert job.returncode == 0, err
    seen = json.loads(out)
    assert seen["errors"] == [] and seen["ran"] >= 150 and seen["calls"] >= 60, seen
    assert seen["keys"] >= 3, seen  # the job went through two renewals or more
    # The failed attempts said so once, in one line, and no traceback reached the terminal.
    assert err.count("\n") == 1, err
    assert err.startswith("olenv: cannot renew the credentials yet ("), err
    assert "retrying, the current ones last until" in err
    # Renewal attempts, not requests, cost sign-ins.
    assert onelogin.count("saml_assertion") < 20 < seen["calls"]
    print(f"botocore job: {seen['ran']:.0f} s, {seen['calls']} calls, {len(seen['errors'])} "
          f"errors, {seen['keys']} keys; OneLogin saml_assertion requests: "
          f"{onelogin.count('saml_assertion')} (3 answered 503)")


def test_a_renewal_that_needs_a_person_and_has_no_terminal_says_so_once(alice, onelogin,
                                                                       short_keys):
    """MFA turns on after the start: the renewal would need an OTP, and nobody can type it.
    One line, once; the keys in service serve until their end, then a 503 says why."""
    short_keys.lifetime = 10
    job = subprocess.Popen(
        [*OLENV, "exec", "--server", "--", sys.executable, "-c", WATCH, "16", "0.25"],
        env=alice, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        stdin=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 60
    while short_keys.assumed == 0:
        assert job.poll() is None and time.monotonic() < deadline, job.communicate()
        time.sleep(0.05)
    onelogin.users["alice@example.com"].devices = [onelogin.OTP]
    out, err = job.communicate(timeout=120)
    assert job.returncode == 0, err
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("olenv: cannot renew the credentials: "), err
    assert "no terminal" in lines[0] and "keeps the current ones until" in lines[0]
    seen = json.loads(out)
    (key,) = {s["AccessKeyId"] for s in seen if s["status"] == 200}
    end = max(parse_iso(s["Expiration"]) for s in seen if s["status"] == 200)
    assert all(s["status"] == 200 for s in seen if s["at"] + s["took"] < end - 0.5)
    refused = [s for s in seen if s["status"] != 200]
    assert refused and all(s["status"] == 503 and s["at"] >= end - 0.5 for s in refused)
    assert "could not be renewed" in refused[0]["message"] and "no terminal" in refused[0]["message"]
    assert onelogin.count("saml_assertion") == 2  # the start and one attempt, not a retry loop


# Twenty requests that hang up at once (a reset, before reading the reply), then a real one.
HANG_UP = """
import json, os, socket, struct, urllib.parse, urllib.request
url, token = os.environ["AWS_CONTAINER_CREDENTIALS_FULL_URI"], os.environ["AWS_CONTAINER_AUTHORIZATION_TOKEN"]
where = urllib.parse.urlsplit(url)
for _ in range(20):
    s = socket.create_connection((where.hostname, where.port))
    s.sendall(f"GET {where.path} HTTP/1.1\\r\\nHost: x\\r\\nAuthorization: {token}\\r\\n\\r\\n".encode())
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    s.close()
for _ in range(5):  # half a request, then gone
    s = socket.create_connection((where.hostname, where.port))
    s.sendall(b"GET /credentials HTTP/1.1\\r\\nAuthori")
    s.close()
with urllib.request.urlopen(urllib.request.Request(url, headers={"Authorization": token})) as r:
    print(json.load(r)["AccessKeyId"])
"""


def test_clients_that_hang_up_are_not_errors(alice):
    result = run_olenv(["exec", "--server", "--", sys.executable, "-c", HANG_UP], alice)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("ASIA") and result.stderr == ""


@pytest.mark.parametrize("lifetime, min_ttl, starts", [
    (3600, 900, 900), (3600, 4000, 1800), (60, 900, 30), (60, 20, 20), (10, 0, 0), (-5, 900, 0)])
def test_a_renewal_starts_from_min_ttl_or_half_the_life_before_the_end(lifetime, min_ttl, starts):
    from olenv.server.renewal import lead

    assert lead(lifetime, min_ttl) == starts


@pytest.mark.parametrize("failures, left, waits", [
    (1, 3600, 1), (2, 3600, 2), (3, 3600, 4), (5, 3600, 16), (6, 3600, 30), (20, 3600, 30),
    (4, 12, 4), (4, 9, 3), (6, 2, 1), (8, float("inf"), 30)])
def test_retries_back_off_but_never_sleep_past_the_end(failures, left, waits):
    from olenv.server.renewal import pause

    assert pause(failures, left) == waits


def test_a_password_typed_at_the_start_serves_every_renewal(alice, onelogin, short_keys):
    import pexpect

    alice.pop("OLENV_PASSWORD")
    child = pexpect.spawn(OLENV[0], [*OLENV[1:], "exec", "--server", "--", sys.executable, "-c",
                                     WATCH, str(SHORT * 1.6), "0.25"],
                          env=alice, timeout=60, encoding="utf-8")
    child.expect("[Pp]assword")
    child.sendline(PASSWORD)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, child.before
    seen = json.loads(child.before.strip().splitlines()[-1])
    assert len({s["AccessKeyId"] for s in seen}) >= 2 and all(s["status"] == 200 for s in seen)
    assert onelogin.count("saml_assertion") >= 2
    assert onelogin.users["alice@example.com"].passwords_seen == onelogin.count("saml_assertion")


def test_requests_are_answered_at_once_while_a_renewal_hangs(alice, onelogin, short_keys):
    """OneLogin accepts the renewal's request and never answers: the server goes on
    answering from the keys in service, at once, until they end."""
    from fakes.faults import FaultyFront

    short_keys.lifetime = 10
    with FaultyFront(onelogin.url) as front:
        alice["OLENV_ONELOGIN_URL"] = front.url
        front.fail_next("saml_assertion", "stall", times=5, after=1)  # the start gets through
        seen, stderr = watch(alice, 9, 0.2)
    assert onelogin.count("saml_assertion") == 1 and front.count("saml_assertion") >= 2
    end = parse_iso(seen[0]["Expiration"])
    during = [s for s in seen if s["at"] < end - 0.5]
    assert len(during) >= 20 and all(s["status"] == 200 for s in during)
    # Bounds for a loaded machine, far below botocore's 2 s read timeout of old.
    assert max(s["took"] for s in during) < 1.0, sorted(s["took"] for s in during)[-3:]
