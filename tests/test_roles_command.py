"""olenv roles: what the sign-in offers, listed with friendly names, without STS."""

import json
import socket

import pexpect
import pytest
from conftest import OLENV, run_olenv
from fakes.saml import role_value

ROLES = [role_value("222222222222", "ReadOnly"), role_value("111111111111", "Admin"),
         role_value("222222222222", "Admin", provider="Other")]


@pytest.fixture
def alice(onelogin, env, home):
    onelogin.add_user("alice@example.com", "correct horse", roles=ROLES)
    (home / ".onelogin" / "accounts.yaml").write_text("accounts:\n  111111111111: prod\n")
    env["OLENV_PASSWORD"] = "correct horse"
    # Listing roles never calls STS: an unreachable one proves it.
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        env["AWS_ENDPOINT_URL_STS"] = f"http://127.0.0.1:{s.getsockname()[1]}"
    return env


def test_table_lists_every_role_by_account_with_names(alice):
    result = run_olenv(["roles"], alice)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "ACCOUNT              ROLE",
        "111111111111 (prod)  Admin",
        "222222222222         Admin",
        "222222222222         ReadOnly",
    ]


def test_table_names_the_profiles_of_each_role(alice, home):
    aws = home / ".onelogin" / "onelogin.aws.json"
    profiles = {"ro": {"aws_account_id": "222222222222", "aws_role_name": "ReadOnly"},
                "dev": {"aws_account_id": "111111111111", "aws_role_name": "Admin"},
                "prod": {"aws_account_id": "111111111111", "aws_role_name": "Admin"}}
    aws.write_text(json.dumps({**json.loads(aws.read_text()), "profiles": profiles}))
    result = run_olenv(["roles"], {**alice, "COLUMNS": "200"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "ACCOUNT              ROLE      PROFILES",
        "111111111111 (prod)  Admin     dev, prod",
        "222222222222         Admin",
        "222222222222         ReadOnly  ro",
    ]
    listing = json.loads(run_olenv(["roles", "--format", "json"], alice).stdout)
    assert [row["profiles"] for row in listing] == [["dev", "prod"], [], ["ro"]]


@pytest.mark.parametrize("option", ["--role-order", "--role_order"])  # onelogin-aws-assume-role's spelling too
def test_table_by_role(alice, option):
    result = run_olenv(["roles", option], alice)
    assert result.returncode == 0, result.stderr
    assert [line.split()[0] for line in result.stdout.splitlines()] == [
        "ROLE", "Admin", "Admin", "ReadOnly"]


def test_json(alice):
    result = run_olenv(["roles", "--format", "json"], alice)
    assert result.returncode == 0, result.stderr
    listing = json.loads(result.stdout)
    assert listing[0] == {
        "account_id": "111111111111", "account_name": "prod", "role_name": "Admin",
        "role_arn": "arn:aws:iam::111111111111:role/Admin",
        "provider_arn": "arn:aws:iam::111111111111:saml-provider/OneLogin", "profiles": []}
    assert [(r["account_id"], r["account_name"], r["role_name"]) for r in listing[1:]] == [
        ("222222222222", None, "Admin"), ("222222222222", None, "ReadOnly")]


@pytest.mark.parametrize("arrange, code, text, signs_in", [
    (lambda o, e: ["--format", "yaml"], 2, "roles: --format 'yaml' is not one of table, json", False),
    (lambda o, e: e.update(OLENV_PASSWORD="wrong"), 1, "credentials", True),
    (lambda o, e: o.users["alice@example.com"].roles.clear(), 1, "carries no AWS role", True),
])
def test_failures_are_one_clear_line(alice, onelogin, arrange, code, text, signs_in):
    extra = arrange(onelogin, alice) or []
    result = run_olenv(["roles", *extra], alice)
    assert result.returncode == code
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(("olenv: ", "olenv roles: ")) and text in lines[0], lines
    assert result.stdout == "" and "correct horse" not in result.stderr
    assert onelogin.count("saml_assertion") == (1 if signs_in else 0)


def test_the_agents_assertion_is_reused(alice, onelogin):
    alice.pop("OLENV_AGENT")
    alice["OLENV_AGENT_IDLE"] = "120"
    try:
        first = run_olenv(["roles"], alice)
        second = run_olenv(["roles", "--format", "json"], alice)
    finally:
        run_olenv(["agent", "stop"], alice)
    assert first.returncode == second.returncode == 0, second.stderr
    assert len(json.loads(second.stdout)) == len(first.stdout.splitlines()) - 1 == 3
    assert onelogin.count("saml_assertion") == 1


def test_version():
    from olenv import __version__

    result = run_olenv(["--version"], {"PATH": "/usr/bin:/bin"})
    assert (result.returncode, result.stdout, result.stderr) == (0, f"olenv {__version__}\n", "")


def test_no_colour_even_at_a_terminal(alice):
    # olenv writes no colour at all, so NO_COLOR has nothing left to turn off.
    child = pexpect.spawn(OLENV[0], OLENV[1:] + ["roles"], timeout=30, encoding="utf-8",
                          env={**alice, "NO_COLOR": "1", "TERM": "xterm-256color"})
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0 and "Admin" in child.before
    assert "\x1b" not in child.before
