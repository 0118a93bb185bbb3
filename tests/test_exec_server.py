"""olenv exec --server: the command reads credentials from olenv's server on 127.0.0.1,
renewed when they near expiry, and ends exactly as the command ended."""

import json
import subprocess
import sys

import pytest
from conftest import OLENV, require, run_olenv
from fakes.saml import role_value

PASSWORD = "correct horse"
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


def test_credentials_near_expiry_are_renewed_between_two_requests(alice, onelogin):
    # Sessions last 3600 s, so with --min-ttl 4000 every request finds them too old.
    first, second = served(alice, "--min-ttl", "4000")["keys"]
    assert first["AccessKeyId"] != second["AccessKeyId"]
    assert onelogin.count("saml_assertion") == 3  # the start, then one renewal per request


def test_with_the_agent_a_renewal_reuses_the_held_assertion(alice, onelogin):
    alice.pop("OLENV_AGENT")
    try:
        first, second = served(alice, "--min-ttl", "4000")["keys"]
    finally:
        run_olenv(["agent", "stop"], alice)
    assert first["AccessKeyId"] != second["AccessKeyId"]
    assert onelogin.count("saml_assertion") == 1


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
