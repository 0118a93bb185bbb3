"""olenv status: this shell, the agent, the .olenv here and where each setting comes from,
without a secret, without a sign-in, without starting the agent."""

import json
import os
import re
import subprocess

import pytest
from conftest import OLENV, require, run_olenv
from fakes.saml import role_value

from olenv.status import minutes_left

PASSWORD = "correct horse"
HEAVY = ("boto3", "botocore", "lxml", "urllib3")


@pytest.fixture
def alice(onelogin, env):
    onelogin.add_user("alice@example.com", PASSWORD, roles=[role_value("111111111111", "Admin")])
    env["OLENV_PASSWORD"] = PASSWORD
    return env


def status(env, *args, cwd=None, code=0):
    result = run_olenv(["status", *args], env, cwd=cwd)
    assert (result.returncode, result.stderr) == (code, ""), result.stderr
    return result.stdout


def report(env, *args, cwd=None, code=0) -> dict:
    return json.loads(status(env, "--format", "json", *args, cwd=cwd, code=code))


def assert_no_secret(text: str, *secrets: str) -> None:
    leaked = [secret for secret in secrets if secret and secret in text]
    assert not leaked, f"status printed a secret: {leaked}"


def test_no_session_no_agent_no_files(env, home, tmp_path):
    for file in (home / ".onelogin").iterdir():
        file.unlink()
    out = status(env, cwd=tmp_path)
    socket = os.path.join(env["XDG_RUNTIME_DIR"], "olenv", "agent.sock")
    assert out.splitlines()[:7] == [
        "shell: no olenv credentials",
        f"agent: none running at {socket} (off: commands do not ask it)",
        ".olenv: none here or above",
        "settings files (-c DIR, else ./, else ~/.onelogin):",
        "  onelogin.sdk.json  not found",
        "  onelogin.aws.json  not found",
        "  accounts.yaml      not found",
    ]
    assert "  client_secret   not set" in out.splitlines()
    values = report(env, cwd=tmp_path)["settings"]["values"]
    assert values["duration"] == {"value": 3600, "source": "default"}
    assert values["username"] == {"value": None, "source": None}


def test_keys_not_set_by_olenv_are_pointed_out(env, tmp_path):
    env.update(AWS_ACCESS_KEY_ID="AKIAEXAMPLE", AWS_SECRET_ACCESS_KEY="not-to-be-shown",
               AWS_PROFILE="other")
    out = status(env, cwd=tmp_path)
    assert out.splitlines()[0] == ("shell: no olenv credentials; AWS_ACCESS_KEY_ID is set, but "
                                   "not by olenv; AWS_PROFILE other is set")
    assert_no_secret(out, "AKIAEXAMPLE", "not-to-be-shown")


def test_a_session_exported_into_the_shell(alice, onelogin, tmp_path):
    script = tmp_path / "script.bash"
    olenv = " ".join(OLENV)
    script.write_text(f'eval "$({olenv} export --shell bash --profile dev)" || exit 9\n'
                      f"{olenv} status || exit 8\necho ---\n"
                      f"{olenv} status --format json || exit 7\necho ---\n"
                      'printf "%s\\n" "$AWS_ACCESS_KEY_ID" "$AWS_SECRET_ACCESS_KEY" '
                      '"$AWS_SESSION_TOKEN"\n')
    done = subprocess.run([require("bash"), str(script)], env=alice, capture_output=True,
                          text=True, timeout=60, start_new_session=True, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    text, raw, keys = done.stdout.split("---\n")
    secrets = keys.split()
    assert len(secrets) == 3 and secrets[0].startswith("ASIA")
    assert_no_secret(text + raw, *secrets, PASSWORD, onelogin.client_secret, onelogin.client_id)
    first = text.splitlines()[0]
    assert first in (f"shell: dev (111111111111/Admin, eu-west-1, {n} min left)" for n in (59, 60))
    shell = json.loads(raw)["shell"]
    assert {k: shell[k] for k in ("profile", "account_id", "role", "region")} == {
        "profile": "dev", "account_id": "111111111111", "role": "Admin", "region": "eu-west-1"}
    assert shell["minutes_left"] in (59, 60) and shell["access_key_set"]
    # The password and the API secret are said to be set, and where from: never shown.
    values = json.loads(raw)["settings"]["values"]
    assert values["password"] == {"value": "set", "source": "environment (OLENV_PASSWORD)"}
    assert values["client_secret"]["value"] == "set"


@pytest.fixture
def agent_env(alice):
    alice.pop("OLENV_AGENT")
    alice["OLENV_AGENT_IDLE"] = "120"
    yield alice
    run_olenv(["agent", "stop"], alice)


def test_the_agent_and_what_it_holds(agent_env, onelogin, tmp_path):
    exported = run_olenv(["export", "--format", "json", "--profile", "dev"], agent_env)
    assert exported.returncode == 0, exported.stderr
    keys = json.loads(exported.stdout)
    out = status(agent_env, cwd=tmp_path)
    listing = run_olenv(["agent", "status"], agent_env).stdout.splitlines()
    lines = out.splitlines()
    assert lines[1:4] == listing  # the same words as `olenv agent status`
    assert listing[0].endswith(": 1 session(s), 1 SAML assertion(s)")
    assert listing[1].split() == ["PROFILE", "ACCOUNT", "ROLE", "REGION", "SESSION"]
    assert listing[2].split()[:4] == ["dev", "111111111111", "Admin", "eu-west-1"]
    agent = report(agent_env, cwd=tmp_path)["agent"]
    assert agent["running"] and agent["used"] and agent["pid"] == int(listing[0].split()[1])
    session = agent["sessions"][0]
    assert {k: session[k] for k in ("profile", "account", "role", "region")} == {
        "profile": "dev", "account": "111111111111", "role": "Admin", "region": "eu-west-1"}
    assert 3500 < session["seconds_left"] <= 3600
    assert_no_secret(out + json.dumps(agent), keys["AWS_ACCESS_KEY_ID"],
                     keys["AWS_SECRET_ACCESS_KEY"], keys["AWS_SESSION_TOKEN"], PASSWORD)


def test_status_starts_no_agent_and_imports_nothing_heavy(alice, tmp_path):
    alice.pop("OLENV_AGENT")
    result = run_olenv(["status"], {**alice, "PYTHONPROFILEIMPORTTIME": "1"}, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "agent: none running at " in result.stdout
    imported = {line.split("|")[-1].strip() for line in result.stderr.splitlines()
                if line.startswith("import time:")}
    assert "olenv.status" in imported
    assert not [name for name in imported if name.split(".")[0] in HEAVY]
    assert not os.path.exists(os.path.join(alice["XDG_RUNTIME_DIR"], "olenv", "agent.sock"))
    assert run_olenv(["agent", "status"], alice).returncode == 1  # still none


def test_an_unsafe_agent_directory_is_one_problem(env, tmp_path):
    folder = os.path.join(env["XDG_RUNTIME_DIR"], "olenv")
    os.mkdir(folder)
    os.chmod(folder, 0o777)
    out = status(env, cwd=tmp_path, code=2).splitlines()
    assert out[1] == "agent: unknown (see the problem below)"
    assert out[-1] == (f"problem: agent directory {folder} is writable by others (mode 777): "
                       "refusing it")


def test_the_olenv_file_here_and_its_trust(env, tree):
    def line():
        return status(env, cwd=tree / "sub").splitlines()[2]

    file = tree / ".olenv"
    assert line() == f".olenv: {file} (profile dev): not allowed (olenv allow {tree})"
    assert run_olenv(["allow", str(tree)], env).returncode == 0
    assert line() == f".olenv: {file} (profile dev): allowed"
    file.write_text("profile: prod\n")
    assert line() == (f".olenv: {file} (profile prod): changed since it was allowed "
                      f"(olenv allow {tree})")
    assert run_olenv(["deny", str(tree)], env).returncode == 0
    assert line() == f".olenv: {file} (profile prod): denied (olenv allow {tree})"
    assert run_olenv(["allow", "--session", str(tree)], env).returncode == 0
    assert line() == f".olenv: {file} (profile prod): allowed until you log out"
    assert report(env, cwd=tree)["olenv_file"] == {
        "path": str(file), "state": "allowed until you log out", "profile": "prod"}


def test_a_broken_olenv_file_is_one_problem(env, tree):
    (tree / ".olenv").write_text("profile: dev\nrole: Admin\n")
    out = status(env, cwd=tree, code=2)
    assert f".olenv: {tree}/.olenv: not allowed (olenv allow {tree})" in out.splitlines()
    assert out.splitlines()[-1] == (f"problem: {tree}/.olenv: unknown key 'role' (known: "
                                    "profile, aws_region, aws_account_id, aws_role_name, duration)")


def rows(out: str) -> dict[str, list[str]]:
    """The lines under "settings:": value name → [value, source]."""
    table = out.split("\nsettings:\n")[1].splitlines()
    return {line.split()[0]: re.split(r"\s{2,}", line.strip())[1:] for line in table
            if line.startswith("  ")}


def test_where_each_value_comes_from(env, onelogin, home, tmp_path):
    aws = home / ".onelogin" / "onelogin.aws.json"
    aws.write_text(json.dumps({
        "app_id": onelogin.app_id, "subdomain": onelogin.subdomain, "username": "alice@example.com",
        "aws_region": "eu-west-1", "aws_role_name": "Reader",
        "profiles": {"dev": {"aws_account_id": "222222222222", "aws_role_name": "Admin"}}}))
    env["OLENV_PASSWORD"] = "pw-not-to-be-shown"
    values = report(env, "--profile", "dev", "-z", "900", cwd=tmp_path)["settings"]["values"]
    section = f"profile dev in {aws}"
    assert {name: (v["value"], v["source"]) for name, v in values.items()} == {
        "base_url": (onelogin.url, "environment (OLENV_ONELOGIN_URL)"),
        "client_id": ("set", str(home / ".onelogin" / "onelogin.sdk.json")),
        "client_secret": ("set", str(home / ".onelogin" / "onelogin.sdk.json")),
        "subdomain": (onelogin.subdomain, str(aws)),
        "username": ("alice@example.com", str(aws)),
        "app_id": (onelogin.app_id, str(aws)),
        "profile": ("dev", "command line"),
        "aws_region": ("eu-west-1", str(aws)),
        "aws_account_id": ("222222222222", section),
        "aws_role_name": ("Admin", section),
        "duration": (900, "command line"),
        "password": ("set", "environment (OLENV_PASSWORD)"),
    }
    out = status(env, "--profile", "dev", cwd=tmp_path)
    assert_no_secret(out, "pw-not-to-be-shown")
    shown = rows(out)
    assert [shown[name] for name in ("profile", "aws_region", "aws_account_id", "aws_role_name",
                                     "duration", "password")] == [
        ["dev", "command line"], ["eu-west-1", "onelogin.aws.json, top level"],
        ["222222222222", "profile dev in onelogin.aws.json"],
        ["Admin", "profile dev in onelogin.aws.json"], ["3600", "default"],
        ["set", "environment (OLENV_PASSWORD)"]]
    # Without a profile: the top level, and the environment below it.
    env["AWS_DEFAULT_REGION"] = "ap-south-1"
    aws.write_text(json.dumps({"aws_role_name": "Reader"}))
    values = report(env, cwd=tmp_path)["settings"]["values"]
    assert values["aws_role_name"] == {"value": "Reader", "source": str(aws)}
    assert values["aws_region"] == {"value": "ap-south-1", "source": "environment"}
    assert values["duration"] == {"value": 3600, "source": "default"}


def test_the_onelogin_host_and_its_source(env, home, tmp_path):
    env.pop("OLENV_ONELOGIN_URL")
    sdk = home / ".onelogin" / "onelogin.sdk.json"

    def base(*args):
        value = report(env, *args, cwd=tmp_path)["settings"]["values"]["base_url"]
        return value["value"], value["source"]

    assert base() == ("https://api.us.onelogin.com", str(sdk))
    assert base("-r", "eu") == ("https://api.eu.onelogin.com", "command line")
    sdk.write_text(json.dumps({**json.loads(sdk.read_text()), "subdomain": "acme"}))
    assert base("-r", "eu") == ("https://acme.onelogin.com", str(sdk))
    sdk.write_text(json.dumps({"client_id": "sdk-id-1", "client_secret": "sdk-secret-1"}))
    assert base() == ("https://api.us.onelogin.com", "default")
    env.update(OLENV_CLIENT_ID="from-env", OLENV_CLIENT_SECRET="also-from-env")
    out = status(env, cwd=tmp_path)
    assert "  client_id       set" in out and "environment (OLENV_CLIENT_ID)" in out
    assert_no_secret(out, "from-env", "also-from-env", "sdk-id-1", "sdk-secret-1")


@pytest.mark.parametrize("text, problem", [
    ('{"username": "a",\n "app_id": }', "not valid JSON (line 2: Expecting value)"),
    ('{"duration": 60}', "duration 60 is outside 900-43200 seconds"),
    ('{"aws_region": "mars"}', "'mars' is not an AWS region"),
])
def test_a_broken_settings_file_is_one_problem(env, home, tmp_path, text, problem):
    aws = home / ".onelogin" / "onelogin.aws.json"
    aws.write_text(text)
    out = status(env, cwd=tmp_path, code=2).splitlines()
    assert f"  onelogin.aws.json  {aws}" in out
    assert "settings:" not in out  # no values from a file olenv would refuse
    problems = [line for line in out if line.startswith("problem: ")]
    assert len(problems) == 1 and problems[0].startswith(f"problem: {aws}") and (
        problem in problems[0]), problems
    assert report(env, cwd=tmp_path, code=2)["problems"] == [problems[0].removeprefix("problem: ")]


def test_warnings_are_reported_without_failing(env, home, tmp_path):
    aws = home / ".onelogin" / "onelogin.aws.json"
    aws.write_text(json.dumps({"username": "alice@example.com", "colour": "blue"}))
    out = status(env, cwd=tmp_path).splitlines()
    assert out[-1] == f"warning: {aws}: unknown key 'colour' ignored"


def test_an_unknown_format_is_a_usage_error(env):
    result = run_olenv(["status", "--format", "yaml"], env)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == "olenv status: --format 'yaml' is not one of text, json\n"


def test_minutes_left_reads_the_expiry_as_olenv_writes_it():
    from datetime import datetime, timezone

    now = datetime(2030, 1, 1, 12, 0, tzinfo=timezone.utc)
    assert minutes_left("2030-01-01T12:45:30Z", now) == 45
    assert minutes_left("2030-01-01T11:58:00Z", now) == -2
    assert minutes_left("soon", now) is None and minutes_left(None, now) is None
