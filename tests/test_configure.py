"""olenv configure: asks with the current values as defaults, checks the API client by
getting a token, shows the change and writes onelogin.aws.json atomically, 0600, keeping
every other key; and a sign-in missing settings names them all in one line."""

import json
import os

import pexpect
import pytest
from conftest import OLENV, run_olenv

PASSWORD = "correct horse"
GOOD = ["configure", "--yes", "-d", "acme", "-a", "123456", "-u", "alice@example.com",
        "--aws-region", "eu-west-1"]


@pytest.fixture
def fresh(onelogin, env, home):
    """A user with only onelogin.sdk.json: the first run."""
    onelogin.add_user("alice@example.com", PASSWORD)
    aws = home / ".onelogin" / "onelogin.aws.json"
    aws.unlink()
    env["OLENV_PASSWORD"] = PASSWORD
    return aws


def spawn(args, env):
    return pexpect.spawn(OLENV[0], OLENV[1:] + args, env=env, timeout=30, encoding="utf-8")


def finish(child) -> str:
    child.expect(pexpect.EOF)
    child.close()
    return child.before


def test_a_first_sign_in_names_every_missing_setting_and_points_to_configure(fresh, env,
                                                                             onelogin):
    result = run_olenv(["credential-process"], env)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr == (
        'olenv: missing the OneLogin username (-u or "username" in onelogin.aws.json), '
        'the app id (-a or "app_id" in onelogin.aws.json), the subdomain '
        '(-d or "subdomain" in onelogin.aws.json): olenv configure saves them\n')
    assert onelogin.count("saml_assertion") == 0


def test_configure_at_a_terminal_then_a_sign_in_needs_nothing_more(fresh, env, onelogin):
    child = spawn(["configure"], env)
    for prompt, answer in (("OneLogin subdomain: ", "acme"), ("OneLogin AWS app id: ", "12x"),
                           ("OneLogin AWS app id: ", "123456"),
                           ("OneLogin username: ", "alice@example.com"),
                           ("Default AWS region: ", "eu-west-1")):
        child.expect_exact(prompt)
        child.sendline(answer)
    child.expect_exact("subdomain   acme               (new)")
    child.expect_exact(f"Write {fresh}? [Y/n] ")
    child.sendline("")
    output = finish(child)
    assert child.exitstatus == 0, output
    assert "is not digits" not in output or "try again" in output
    assert json.loads(fresh.read_text()) == {
        "subdomain": "acme", "app_id": "123456", "username": "alice@example.com",
        "aws_region": "eu-west-1"}
    assert fresh.stat().st_mode & 0o777 == 0o600
    assert onelogin.count("/token") == 1 and onelogin.count("saml_assertion") == 0
    signed = run_olenv(["credential-process"], env)
    assert signed.returncode == 0, signed.stderr
    assert json.loads(signed.stdout)["Version"] == 1


def test_current_values_are_the_defaults(onelogin, env, home):
    aws = home / ".onelogin" / "onelogin.aws.json"
    before = aws.read_bytes()
    child = spawn(["configure"], env)
    child.expect_exact(f"OneLogin subdomain [{onelogin.subdomain}]: ")
    child.sendline("")
    child.expect_exact(f"OneLogin AWS app id [{onelogin.app_id}]: ")
    child.sendline("")
    child.expect_exact("OneLogin username [alice@example.com]: ")
    child.sendline("")
    child.expect_exact("Default AWS region [eu-west-1]: ")
    child.sendline("")
    output = finish(child)
    assert child.exitstatus == 0, output
    assert "already holds these settings" in output
    assert aws.read_bytes() == before


def test_yes_with_options_keeps_every_other_key_and_makes_it_0600(onelogin, env, home):
    aws = home / ".onelogin" / "onelogin.aws.json"
    data = {"username": "old@example.com", "duration": 7200,
            "profiles": {"dev": {"aws_account_id": "111111111111", "aws_role_name": "Admin"}}}
    aws.write_text(json.dumps(data))
    aws.chmod(0o644)
    result = run_olenv(GOOD, env)
    assert result.returncode == 0, result.stderr
    assert "  username    alice@example.com  (was old@example.com)\n" in result.stderr
    assert json.loads(aws.read_text()) == {**data, "username": "alice@example.com",
                                           "subdomain": "acme", "app_id": "123456",
                                           "aws_region": "eu-west-1"}
    assert aws.stat().st_mode & 0o777 == 0o600
    assert [p for p in os.listdir(aws.parent) if p.startswith(".")] == []  # no temp file left


def test_config_dir_is_where_it_writes(onelogin, env, home, tmp_path):
    folder = tmp_path / "conf"
    folder.mkdir()
    result = run_olenv([*GOOD, "-c", str(folder)], env)
    assert result.returncode == 0, result.stderr
    assert json.loads((folder / "onelogin.aws.json").read_text())["subdomain"] == "acme"


@pytest.mark.parametrize("arrange, code, line", [
    (lambda env, sdk: sdk.write_text(json.dumps({"client_id": "test-client-id",
                                                 "client_secret": "wrong"})), 1,
     "olenv configure: OneLogin rejected the API client id and secret from {sdk}: "
     "check them there"),
    (lambda env, sdk: env.update(OLENV_CLIENT_ID="test-client-id", OLENV_CLIENT_SECRET="wrong"),
     1, "olenv configure: OneLogin rejected the API client id and secret from environment "
        "(OLENV_CLIENT_SECRET): check them there"),
    (lambda env, sdk: sdk.unlink(), 2,
     "olenv configure: no OneLogin API client id and secret: put client_id and client_secret "
     "in ~/.onelogin/onelogin.sdk.json (chmod 600), or set OLENV_CLIENT_ID and "
     "OLENV_CLIENT_SECRET, then run olenv configure again"),
])
def test_a_bad_api_client_is_one_line_and_nothing_is_written(onelogin, env, home, arrange,
                                                             code, line):
    sdk = home / ".onelogin" / "onelogin.sdk.json"
    aws = home / ".onelogin" / "onelogin.aws.json"
    before = aws.read_bytes()
    arrange(env, sdk)
    result = run_olenv(GOOD, env)
    assert (result.returncode, result.stderr) == (code, line.format(sdk=sdk) + "\n")
    assert aws.read_bytes() == before and "wrong" not in result.stderr


@pytest.mark.parametrize("args, line", [
    (["--yes", "-d", "evil.com"], "--onelogin-subdomain 'evil.com' is not a tenant name such as acme"),
    (["--yes", "-a", "12 3"], "--onelogin-app-id '12 3' is not digits"),
    (["--yes", "-u", "a\x1b]52;c;aGk=\x07b"],
     "--onelogin-username 'a\\e]52;c;aGk=\\x07b' is not one word without spaces or control "
     "characters"),
    (["--yes", "--aws-region", "eu-west"], "--aws-region 'eu-west' is not a region such as eu-west-1"),
    (["-d", "acme"], "no terminal to ask: pass the values as options with --yes"),
])
def test_a_bad_value_is_one_line_before_anything_is_sent(onelogin, env, home, args, line):
    aws = home / ".onelogin" / "onelogin.aws.json"
    before = aws.read_bytes()
    result = run_olenv(["configure", *args], env)
    assert (result.returncode, result.stderr) == (2, f"olenv configure: {line}\n")
    assert aws.read_bytes() == before and onelogin.requests == []


def test_answering_no_writes_nothing(onelogin, env, home):
    aws = home / ".onelogin" / "onelogin.aws.json"
    before = aws.read_bytes()
    child = spawn(["configure", "-d", "other", "-a", "1", "-u", "bob", "--aws-region",
                   "us-west-2"], env)
    child.expect_exact("[Y/n] ")
    child.sendline("n")
    output = finish(child)
    assert child.exitstatus == 0 and "nothing written" in output
    assert aws.read_bytes() == before


def test_end_of_input_at_a_question_writes_nothing(onelogin, env, home):
    aws = home / ".onelogin" / "onelogin.aws.json"
    before = aws.read_bytes()
    child = spawn(["configure", "-d", "other", "-a", "1", "-u", "bob"], env)
    child.expect_exact("Default AWS region [eu-west-1]: ")
    child.sendeof()
    output = finish(child)
    assert child.exitstatus == 2
    assert "no answer for the default AWS region" in output
    assert aws.read_bytes() == before
