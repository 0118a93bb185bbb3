"""What the command line selects: profiles checked before any sign-in, accounts by their
friendly names, and a role picked from the menu never reused without a word."""

import pexpect
import pytest
from conftest import OLENV, run_olenv, write_settings
from fakes.saml import role_value
from fakes.sts import FaultySTS

# moto files every role assumed without credentials under its default account, so the
# accounts below are told apart by OLENV_ACCOUNT_ID, which olenv sets from the role ARN.
PROFILES = {"dev": {"aws_account_id": "111111111111", "aws_role_name": "Admin"},
            "prod-ro": {"aws_account_id": "222222222222", "aws_role_name": "ReadOnly"},
            "Sandbox": {"aws_account_id": "333333333333"}}
ROLES = [role_value("111111111111", "Admin"), role_value("222222222222", "ReadOnly"),
         role_value("333333333333", "Admin")]


@pytest.fixture
def alice(onelogin, env, home, moto_sts):
    sts = FaultySTS(moto_sts, one_role=True)  # moto reads a single Role value
    env["AWS_ENDPOINT_URL_STS"] = sts.url
    onelogin.add_user("alice@example.com", "correct horse", roles=ROLES)
    write_settings(home, onelogin, username="alice@example.com", aws_region="eu-west-1",
                   profiles=PROFILES)
    (home / ".onelogin" / "accounts.yaml").write_text(
        "accounts:\n  '222222222222': Production\n")
    env["OLENV_PASSWORD"] = "correct horse"
    yield env
    sts.stop()


def child_env(result) -> dict:
    assert result.returncode == 0, result.stderr
    return dict(line.split("=", 1) for line in result.stdout.splitlines() if "=" in line)


AWS_FILE = "{home}/.onelogin/onelogin.aws.json"


@pytest.mark.parametrize("command", [["exec", "--", "true"], ["export"], ["credential-process"],
                                     ["console", "--print"]])
def test_an_unknown_profile_stops_before_any_sign_in(alice, home, onelogin, command):
    result = run_olenv([command[0], "-p", "prdo-ro", *command[1:]], alice)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (f"olenv: no profile 'prdo-ro' in {AWS_FILE.format(home=home)} "
                             "(did you mean prod-ro?); known profiles: Sandbox, dev, prod-ro\n")
    assert onelogin.requests == []


def test_a_lone_role_is_not_taken_for_a_mistyped_profile(onelogin, env, home):
    onelogin.add_user("bob@example.com", "pw", roles=[role_value("123456789012", "Admin")])
    write_settings(home, onelogin, username="bob@example.com", profiles=PROFILES)
    env["OLENV_PASSWORD"] = "pw"
    result = run_olenv(["exec", "-p", "prodd", "--", "true"], env)
    assert result.returncode == 2 and "no profile 'prodd'" in result.stderr
    assert onelogin.requests == []


def test_without_profiles_any_name_goes_as_before(onelogin, env, home):
    onelogin.add_user("bob@example.com", "pw", roles=[role_value("123456789012", "Admin")])
    write_settings(home, onelogin, username="bob@example.com")
    env["OLENV_PASSWORD"] = "pw"
    assert child_env(run_olenv(["exec", "-p", "anything", "--", "env"], env))[
        "OLENV_PROFILE"] == "anything"


def test_a_dot_olenv_naming_an_unknown_profile_is_stopped_for_the_hook(alice, home, onelogin,
                                                                       tree):
    (tree / ".olenv").write_text("profile: prdo-ro\n")
    assert run_olenv(["allow", str(tree)], alice).returncode == 0
    result = run_olenv(["export", "--shell", "bash", "--olenv-file", str(tree / ".olenv")], alice)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (f"olenv: {tree}/.olenv: no profile 'prdo-ro' in "
                             f"{AWS_FILE.format(home=home)} (did you mean prod-ro?); "
                             "known profiles: Sandbox, dev, prod-ro\n")
    assert onelogin.requests == []


def test_login_writes_any_section_but_says_it_is_no_profile(alice, home):
    result = run_olenv(["login", "-p", "scratch", "--aws-account-id", "111111111111"], alice)
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines()[0] == (
        f"olenv: no profile 'scratch' in {AWS_FILE.format(home=home)}; known profiles: "
        "Sandbox, dev, prod-ro; writing section 'scratch' all the same")
    assert "[scratch]" in (home / ".aws" / "credentials").read_text()
    quiet = run_olenv(["login", "-p", "dev"], alice)
    assert quiet.returncode == 0 and "no profile" not in quiet.stderr


@pytest.mark.parametrize("name, account", [("production", "222222222222"),
                                           ("PRODUCTION", "222222222222"),
                                           ("sandbox", "333333333333"),
                                           ("111111111111", "111111111111")])
def test_an_account_is_selected_by_its_friendly_name(alice, name, account):
    result = run_olenv(["exec", "--aws-account-id", name, "--", "env"], alice)
    assert child_env(result)["OLENV_ACCOUNT_ID"] == account


def test_an_ambiguous_friendly_name_lists_its_accounts(alice, home, onelogin):
    (home / ".onelogin" / "accounts.yaml").write_text(
        "accounts:\n  '222222222222': Production\n  '444444444444': sandbox\n")
    result = run_olenv(["exec", "--aws-account-id", "Sandbox", "--", "true"], alice)
    assert (result.returncode, result.stderr) == (
        2, "olenv: --aws-account-id 'Sandbox' names more than one account: 333333333333 "
           "(profile Sandbox); 444444444444 (sandbox in accounts.yaml); pass the 12-digit id\n")
    assert onelogin.requests == []


def test_a_friendly_name_from_a_file_reaches_the_terminal_safely(alice, home):
    (home / ".onelogin" / "accounts.yaml").write_text(
        "accounts:\n  '222222222222': \"Prod\\e]52;c;bad\\a\"\n")
    result = run_olenv(["exec", "--aws-account-id", "prodd", "--", "true"], alice)
    assert result.returncode == 2 and "\x1b" not in result.stderr and "\x07" not in result.stderr


# --- a role picked from the menu -----------------------------------------------------------


@pytest.fixture
def agent_on(alice):
    alice.pop("OLENV_AGENT")
    alice["OLENV_AGENT_IDLE"] = "120"
    yield alice
    run_olenv(["agent", "stop"], alice)


def pick_from_the_menu(env, choice: str) -> None:
    child = pexpect.spawn(OLENV[0], OLENV[1:] + ["exec", "--", "true"], env=env, timeout=60,
                          encoding="utf-8")
    child.expect(r"\[1-3\]")
    child.sendline(choice)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, child.before



@pytest.mark.parametrize("command", [["exec", "--", "env"], ["export", "--shell", "bash"],
                                     ["credential-process"], ["login"]])
def test_a_remembered_pick_is_named_on_the_fast_and_full_paths(agent_on, onelogin, command):
    pick_from_the_menu(agent_on, "2")  # 222222222222/ReadOnly
    for _ in ("first", "again"):  # the fast path, if the command has one, the second time
        result = run_olenv(command, agent_on)
        assert result.returncode == 0, result.stderr
        assert result.stderr.splitlines()[0] == (
            "olenv: Production (222222222222/ReadOnly), picked from the role menu earlier; "
            "--pick shows the menu again")
    assert onelogin.count("saml_assertion") == 1


def test_pick_shows_the_menu_again(agent_on, onelogin):
    pick_from_the_menu(agent_on, "2")
    again = run_olenv(["exec", "--pick", "--", "true"], agent_on)  # no terminal for a menu
    assert again.returncode == 2 and "3 AWS roles fit" in again.stderr
    child = pexpect.spawn(OLENV[0], OLENV[1:] + ["exec", "--pick", "--", "env"], env=agent_on,
                          timeout=60, encoding="utf-8")
    child.expect(r"\[1-3\]")
    child.sendline("1")
    child.expect("OLENV_ROLE=Admin")
    child.expect(pexpect.EOF)
    child.close()
    result = run_olenv(["exec", "--", "env"], agent_on)
    assert "olenv: 111111111111 (111111111111/Admin), picked" in result.stderr
    assert onelogin.count("saml_assertion") == 1  # the held assertion served the new pick


def test_a_selected_role_is_taken_without_a_notice(agent_on):
    for _ in range(2):
        result = run_olenv(["exec", "-p", "dev", "--", "true"], agent_on)
        assert (result.returncode, result.stderr) == (0, "")
