"""Every hand-over to another process: it gets the AWS credentials it asked for and none of
OneLogin's secrets (the password, the API client id and secret), whoever gave them to olenv."""

import json
import sys
from pathlib import Path

import pytest
from conftest import run_olenv
from fakes.saml import role_value

PASSWORD = "correct horse"
SECRETS = {"OLENV_PASSWORD": PASSWORD, "OLENV_CLIENT_ID": None, "OLENV_CLIENT_SECRET": None,
           "OLENV_ONELOGIN_PASSWORD": "a future spelling", "OLENV_OTP": "123456"}
# A child that prints its whole environment as JSON, and, when there is one, what the
# credential server gives it.
DUMP = """
import json, os, urllib.request
seen = {"env": dict(os.environ)}
if "AWS_CONTAINER_CREDENTIALS_FULL_URI" in os.environ:
    request = urllib.request.Request(os.environ["AWS_CONTAINER_CREDENTIALS_FULL_URI"],
        headers={"Authorization": os.environ["AWS_CONTAINER_AUTHORIZATION_TOKEN"]})
    seen["served"] = json.load(urllib.request.urlopen(request))
print(json.dumps(seen))
"""


@pytest.fixture
def alice(onelogin, env):
    """olenv given every OneLogin secret through its environment, as CI does."""
    onelogin.add_user("alice@example.com", PASSWORD, roles=[role_value("123456789012", "Admin")])
    # The API client from the environment only: the settings file's is taken away.
    sdk = Path(env["HOME"]) / ".onelogin" / "onelogin.sdk.json"
    sdk.write_text(json.dumps({"region": "us"}))
    secrets = dict(SECRETS, OLENV_CLIENT_ID=onelogin.client_id,
                   OLENV_CLIENT_SECRET=onelogin.client_secret)
    env.update(secrets)
    return env


def assert_clean(child_env: dict) -> None:
    assert child_env.get("AWS_ACCESS_KEY_ID", "ASIA").startswith("ASIA")
    assert "AWS_ACCESS_KEY_ID" in child_env or "AWS_CONTAINER_CREDENTIALS_FULL_URI" in child_env
    assert sorted(name for name in SECRETS if name in child_env) == []
    assert PASSWORD not in child_env.values()


def dumped(result) -> dict:
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_exec_hands_over_no_onelogin_secret(alice, onelogin):
    seen = dumped(run_olenv(["exec", "--", sys.executable, "-c", DUMP], alice))
    assert_clean(seen["env"])
    assert onelogin.client_secret not in seen["env"].values()
    assert onelogin.count("saml_assertion") == 1  # the secrets were really olenv's to use


def test_exec_answered_by_the_agent_hands_over_no_onelogin_secret(alice, onelogin):
    alice.pop("OLENV_AGENT")
    alice["OLENV_AGENT_IDLE"] = "60"
    try:
        first = dumped(run_olenv(["exec", "--", sys.executable, "-c", DUMP], alice))
        again = dumped(run_olenv(["exec", "--", sys.executable, "-c", DUMP], alice))
    finally:
        run_olenv(["agent", "stop"], alice)
    assert onelogin.count("saml_assertion") == 1  # the second came from the agent's fast path
    assert first["env"]["AWS_ACCESS_KEY_ID"] == again["env"]["AWS_ACCESS_KEY_ID"]
    for seen in (first, again):
        assert_clean(seen["env"])


def test_exec_server_hands_over_no_onelogin_secret(alice):
    seen = dumped(run_olenv(["exec", "--server", "--", sys.executable, "-c", DUMP], alice))
    assert_clean(seen["env"])
    assert seen["served"]["AccessKeyId"].startswith("ASIA")


def test_the_agent_a_login_starts_holds_no_onelogin_secret(alice, tmp_path):
    alice.pop("OLENV_AGENT")
    alice["OLENV_AGENT_IDLE"] = "60"
    try:
        result = run_olenv(["login", "--profile", "dev"], alice)
        assert result.returncode == 0, result.stderr
        status = run_olenv(["agent", "status"], alice)
        assert status.returncode == 0, status.stderr
        pid = int(status.stdout.split()[1])
        environ = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    finally:
        run_olenv(["agent", "stop"], alice)
    names = {entry.split(b"=", 1)[0].decode() for entry in environ if entry}
    assert names and not names & set(SECRETS)
    assert PASSWORD.encode() not in b"\0".join(environ)


def test_a_variable_olenv_does_not_own_is_left_alone(alice):
    alice.update(MY_PASSWORD="mine", OLENV_AGENT_IDLE="60", GITHUB_TOKEN="theirs")
    child = dumped(run_olenv(["exec", "--", sys.executable, "-c", DUMP], alice))["env"]
    assert (child["MY_PASSWORD"], child["GITHUB_TOKEN"], child["OLENV_AGENT_IDLE"]) == (
        "mine", "theirs", "60")



@pytest.mark.parametrize("server", [False, True], ids=["exec", "exec --server"])
def test_a_sub_shell_hands_over_no_onelogin_secret(alice, tmp_path, server):
    # `olenv exec` with no command starts $SHELL: here a "shell" that dumps its environment.
    shell = tmp_path / "dumping-shell"
    shell.write_text(f"#!{sys.executable}\n{DUMP}")
    shell.chmod(0o755)
    alice["SHELL"] = str(shell)
    seen = dumped(run_olenv(["exec", *(["--server"] if server else [])], alice))
    assert_clean(seen["env"])
    if server:
        assert seen["served"]["AccessKeyId"].startswith("ASIA")


def test_a_profile_the_credentials_replace_is_taken_away(alice):
    # AWS_PROFILE names the keys olenv replaces: left set, botocore would read that profile.
    alice.update(AWS_PROFILE="stale", AWS_DEFAULT_PROFILE="stale")
    child = dumped(run_olenv(["exec", "--", sys.executable, "-c", DUMP], alice))["env"]
    assert "AWS_PROFILE" not in child and "AWS_DEFAULT_PROFILE" not in child
    assert child["AWS_ACCESS_KEY_ID"].startswith("ASIA")


def test_the_command_gets_sigpipe_and_sigxfsz_as_a_shell_would_give_them(alice):
    # Python ignores both, and an ignored disposition survives exec: `olenv exec -- yes |
    # head` would then end in "Broken pipe" instead of quietly. grep reads its own masks
    # (a Python child would not do: Python ignores SIGPIPE again as it starts).
    result = run_olenv(["exec", "--", "grep", "^SigIgn:", "/proc/self/status"], alice)
    assert result.returncode == 0, result.stderr
    ignored = int(result.stdout.split()[1], 16)
    assert ignored & (1 << 12 | 1 << 24) == 0  # bits of SIGPIPE (13) and SIGXFSZ (25)
