"""The agent's fast key: it answers without reading a settings file, so anything that
changes the settings (an edit, an allow or a deny) must change the key."""

import json
import subprocess

from conftest import OLENV, require, run_olenv
from test_agent import agent_env, export, sign_ins  # noqa: F401 - a fixture


def region(result) -> str:
    return next(line for line in result.stdout.split(";")
                if line.strip().startswith("export AWS_REGION=")).split("=", 1)[1]


def test_an_edited_settings_file_is_served_fresh(agent_env, onelogin, home):  # noqa: F811
    aws = home / ".onelogin" / "onelogin.aws.json"
    assert region(export(agent_env)) == "eu-west-1"
    assert region(export(agent_env)) == "eu-west-1" and sign_ins(onelogin) == 1  # a hit
    aws.write_text(json.dumps({**json.loads(aws.read_text()), "aws_region": "ap-south-1"}))
    assert region(export(agent_env)) == "ap-south-1"
    assert region(export(agent_env)) == "ap-south-1"


def test_allow_and_deny_change_what_the_agent_serves(agent_env, home, tmp_path):  # noqa: F811
    repo = tmp_path / "repo"
    repo.mkdir()
    mine = json.loads((home / ".onelogin" / "onelogin.aws.json").read_text())
    (repo / "onelogin.aws.json").write_text(json.dumps({**mine, "aws_region": "ap-south-1"}))
    agent_env["PWD"] = str(repo)

    def here():
        result = run_olenv(["export", "--shell", "bash", "--aws-account-id", "111111111111"],
                           agent_env, cwd=repo)
        assert result.returncode == 0, result.stderr
        return region(result)

    assert here() == "eu-west-1"  # not allowed: ~/.onelogin's region
    assert here() == "eu-west-1"
    assert run_olenv(["allow", str(repo / "onelogin.aws.json")], agent_env).returncode == 0
    assert here() == "ap-south-1"
    assert run_olenv(["deny", str(repo / "onelogin.aws.json")], agent_env).returncode == 0
    assert here() == "eu-west-1"
    assert run_olenv(["allow", "--session", str(repo / "onelogin.aws.json")],
                     agent_env).returncode == 0
    assert here() == "ap-south-1"


def test_a_hit_stats_the_settings_files_and_reads_none(agent_env, home, tmp_path):  # noqa: F811
    strace = require("strace")
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "onelogin.sdk.json").write_text("{}")  # in the working tree, not allowed
    command = ["export", "--shell", "bash", "--aws-account-id", "111111111111"]
    assert run_olenv(command, agent_env, cwd=repo).returncode == 0  # the agent keeps it
    log = tmp_path / "trace"
    result = subprocess.run([strace, "-f", "-qq", "-o", str(log), "-e", "trace=%file", *OLENV,
                             *command], env=agent_env, cwd=repo, capture_output=True, text=True,
                            timeout=60, stdin=subprocess.DEVNULL, start_new_session=True)
    assert result.returncode == 0, result.stderr
    assert "not allowed yet" not in result.stderr  # a hit: the full path was not taken
    calls = [line for line in log.read_text().splitlines()
             if any(name in line for name in ("onelogin.sdk.json", "onelogin.aws.json",
                                              "accounts.yaml", '/olenv/allow"'))]
    assert calls and all("stat" in line.split("(")[0] for line in calls), calls
