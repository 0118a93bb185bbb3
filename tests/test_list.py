"""olenv list and olenv agent forget: the profiles with their live sessions, and dropping
one session or all, against the fake OneLogin and moto's STS with a real agent."""

import json

import pytest
from conftest import run_olenv
from fakes.saml import role_value
from fakes.sts import FaultySTS

PASSWORD = "correct horse"
PROFILES = {"dev": {"aws_account_id": "111111111111", "aws_role_name": "Admin"},
            "prod-ro": {"aws_account_id": 222222222222, "aws_role_name": "ReadOnly",
                        "aws_region": "us-west-2"}}
HEAVY = ("keyring", "boto3", "botocore", "lxml", "urllib3", "docopt_never")


@pytest.fixture
def alice(onelogin, env, home, moto_sts):
    onelogin.add_user("alice@example.com", PASSWORD, roles=[
        role_value("111111111111", "Admin"), role_value("222222222222", "ReadOnly")])
    aws = home / ".onelogin" / "onelogin.aws.json"
    data = json.loads(aws.read_text())
    # A keyring entry is named: list must still not read it.
    aws.write_text(json.dumps({**data, "profiles": PROFILES, "keychain_service": "onelogin"}))
    (home / ".onelogin" / "accounts.yaml").write_text("accounts:\n  111111111111: Development\n")
    env.pop("OLENV_AGENT")
    env.update(OLENV_PASSWORD=PASSWORD, OLENV_AGENT_IDLE="120")
    sts = FaultySTS(moto_sts, one_role=True)  # moto reads one Role value only
    env["AWS_ENDPOINT_URL_STS"] = sts.url
    yield env
    run_olenv(["agent", "stop"], env)
    sts.stop()


def take(env, profile):
    result = run_olenv(["credential-process", "-p", profile], env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def imported(stderr: str) -> set[str]:
    return {line.split("|")[-1].strip() for line in stderr.splitlines()
            if line.startswith("import time:")}


def test_list_shows_every_profile_and_the_agents_sessions(alice, onelogin):
    take(alice, "dev")
    requests = len(onelogin.requests)
    # No password given: a keyring lookup would be the only way to one.
    quiet = {k: v for k, v in alice.items() if k != "OLENV_PASSWORD"}
    result = run_olenv(["list"], {**quiet, "PYTHONPROFILEIMPORTTIME": "1"})
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["PROFILE", "ACCOUNT", "ROLE", "REGION", "SESSION"]
    assert lines[1].split()[:5] == ["dev", "111111111111", "(Development)", "Admin", "eu-west-1"]
    assert lines[1].endswith(" min left") and int(lines[1].split()[-3]) in (58, 59)
    assert lines[2].split() == ["prod-ro", "222222222222", "ReadOnly", "us-west-2", "-"]
    # No sign-in, no keyring, no AWS or HTTP code.
    assert len(onelogin.requests) == requests
    modules = imported(result.stderr)
    assert "olenv.catalog" in modules
    assert not [m for m in modules if m.split(".")[0] in HEAVY], modules


def test_list_json(alice):
    take(alice, "prod-ro")
    result = run_olenv(["list", "--format", "json"], alice)
    assert result.returncode == 0, result.stderr
    listing = json.loads(result.stdout)
    assert listing[0] == {"profile": "dev", "account_id": "111111111111",
                          "account_name": "Development", "role_name": "Admin",
                          "region": "eu-west-1", "session": None}
    assert listing[1]["profile"] == "prod-ro" and listing[1]["account_id"] == "222222222222"
    assert listing[1]["session"]["minutes_left"] in (58, 59)


def test_list_without_an_agent_starts_none(alice):
    result = run_olenv(["list"], alice)
    assert result.returncode == 0, result.stderr
    assert [line.split()[-1] for line in result.stdout.splitlines()[1:]] == ["-", "-"]
    assert run_olenv(["agent", "status"], alice).returncode == 1  # still none running


def test_list_names_for_scripts(alice):
    result = run_olenv(["list", "--names"], alice)
    assert (result.returncode, result.stdout) == (0, "dev\nprod-ro\n")


@pytest.mark.parametrize("arrange, code, text", [
    (lambda aws: aws.write_text('{"profiles": '), 2, "not valid JSON"),
    (lambda aws: aws.write_text('{"profiles": {"dev": 3}}'), 2, "profile 'dev' must be an object"),
    (lambda aws: aws.write_text('{"profiles": {"dev": {"aws_account_id": "12x"}}}'), 2,
     "is not an AWS account id"),
])
def test_a_broken_file_is_one_line(alice, home, arrange, code, text):
    arrange(home / ".onelogin" / "onelogin.aws.json")
    result = run_olenv(["list"], alice)
    assert result.returncode == code and result.stdout == ""
    [line] = result.stderr.splitlines()
    assert line.startswith("olenv: ") and text in line


def test_no_profiles_says_how_to_add_them(alice, home):
    (home / ".onelogin" / "onelogin.aws.json").write_text("{}")
    result = run_olenv(["list"], alice)
    assert (result.returncode, result.stdout) == (0, "")
    assert "olenv profiles generate" in result.stderr


def test_a_bad_format_is_refused(alice):
    result = run_olenv(["list", "--format", "yaml"], alice)
    assert (result.returncode, result.stderr) == (
        2, "olenv list: --format 'yaml' is not one of table, json\n")


def test_forget_one_profile_drops_its_session_and_the_assertion(alice, onelogin):
    take(alice, "dev")
    take(alice, "prod-ro")
    assert onelogin.count("saml_assertion") == 1  # the second role reused the assertion
    result = run_olenv(["agent", "forget", "dev"], alice)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ("olenv: forgot 1 session(s) and the SAML assertions; "
                             "1 other session(s) kept\n")
    sessions = {row["profile"]: row["session"]
                for row in json.loads(run_olenv(["list", "--format", "json"], alice).stdout)}
    assert sessions["dev"] is None and sessions["prod-ro"] is not None
    take(alice, "prod-ro")  # kept: no sign-in
    assert onelogin.count("saml_assertion") == 1
    take(alice, "dev")  # forgotten, and no assertion left to reuse: a new sign-in
    assert onelogin.count("saml_assertion") == 2


def test_forget_all(alice, onelogin):
    take(alice, "dev")
    take(alice, "prod-ro")
    result = run_olenv(["agent", "forget", "--all"], alice)
    assert (result.returncode, result.stderr) == (
        0, "olenv: forgot 2 session(s) and the SAML assertions\n")
    status = run_olenv(["agent", "status"], alice)
    assert "0 session(s), 0 SAML assertion(s)" in status.stdout  # the agent itself stays
    take(alice, "dev")
    assert onelogin.count("saml_assertion") == 2


def test_forget_a_profile_it_does_not_hold(alice):
    take(alice, "dev")
    result = run_olenv(["agent", "forget", "prdo"], alice)
    assert result.returncode == 1
    assert result.stderr == ("olenv: the agent held no session for 'prdo' (it holds dev); "
                             "its SAML assertions are forgotten\n")


def test_forget_needs_a_profile_or_all(alice):
    take(alice, "dev")
    result = run_olenv(["agent", "forget"], alice)
    assert (result.returncode, result.stderr) == (
        2, "olenv agent: forget: name a profile or pass --all (the agent holds dev)\n")


def test_forget_without_an_agent(alice):
    result = run_olenv(["agent", "forget", "--all"], alice)
    assert (result.returncode, result.stderr) == (
        0, "olenv: no agent is running: nothing to forget\n")


def test_status_has_a_header_row(alice):
    take(alice, "dev")
    lines = run_olenv(["agent", "status"], alice).stdout.splitlines()
    assert lines[1].split() == ["PROFILE", "ACCOUNT", "ROLE", "REGION", "SESSION"]
    assert lines[2].split()[:4] == ["dev", "111111111111", "Admin", "eu-west-1"]


def test_list_fits_a_narrow_terminal(alice):
    result = run_olenv(["list"], {**alice, "COLUMNS": "50"})
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert max(map(len, lines)) <= 50
    assert [line.split()[0] for line in lines] == ["PROFILE", "dev", "prod-ro"]
    assert "…" in lines[1]  # the account's name is cut, not the profile


def test_names_leave_out_a_working_trees_file_not_allowed(alice, tmp_path):
    clone = tmp_path / "clone"
    clone.mkdir()
    (clone / "onelogin.aws.json").write_text('{"profiles": {"planted": {}}}')
    result = run_olenv(["list", "--names"], alice, cwd=clone)
    assert (result.returncode, result.stdout, result.stderr) == (0, "dev\nprod-ro\n", "")
