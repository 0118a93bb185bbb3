"""olenv login's onelogin-aws-assume-role modes: --loop/--time renewals, -x for another role or user, and
--cache-saml, against the fake OneLogin and moto's STS, through real terminals."""

import configparser
import signal
import subprocess

import pexpect
import pytest
from conftest import OLENV, run_olenv
from fakes.onelogin import FakeOneLogin
from fakes.saml import role_value
from fakes.sts import FaultySTS

PASSWORD = "correct horse"
BOB_PASSWORD = "battery staple"
KEEP = "# mine\n[keep]\naws_access_key_id = AKIAKEEP\naws_secret_access_key = keep\n"
TWO_ROLES = [role_value("111111111111", "Admin"), role_value("222222222222", "Dev")]


@pytest.fixture
def credentials(home):
    path = home / ".aws" / "credentials"
    path.write_text(KEEP)
    return path


@pytest.fixture
def alice(onelogin, env):
    """alice without MFA, her password in the environment; the agent stops afterwards."""
    user = onelogin.add_user("alice@example.com", PASSWORD)
    env["OLENV_PASSWORD"] = PASSWORD
    yield user
    if env.get("OLENV_AGENT") != "off":
        run_olenv(["agent", "stop"], env)


def sign_ins(onelogin) -> int:
    return onelogin.count("saml_assertion")


def sections(text: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser()
    parser.read_string(text)
    return parser


def spawn(args, env):
    return pexpect.spawn(OLENV[0], OLENV[1:] + args, env=env, timeout=30, encoding="utf-8")


def finish(child) -> str:
    child.expect(pexpect.EOF)
    child.close()
    return child.before


# --- --loop and --time -----------------------------------------------------------------------

@pytest.mark.parametrize("agent", ["off", "on"])
def test_loop_writes_the_profile_n_times_each_a_sign_in(alice, onelogin, env, credentials, agent):
    if agent == "on":
        env.pop("OLENV_AGENT")  # a held assertion or session must not stand in for a renewal
    result = run_olenv(["login", "--profile", "dev", "--loop", "3", "--time", "0.0005"], env)
    assert result.returncode == 0, result.stderr
    wrote = [line for line in result.stderr.splitlines() if "wrote profile 'dev'" in line]
    assert len(wrote) == 3 and sign_ins(onelogin) == 3
    assert "renewing it in 0.0005 min, 2 more times" in wrote[0]
    assert "1 more time (" in wrote[1] and "renewing" not in wrote[2]
    assert credentials.read_text().startswith(KEEP + "\n[dev]\n")
    assert sections(credentials.read_text()).sections() == ["keep", "dev"]


def test_the_seeds_short_options_loop_too(alice, onelogin, env, credentials):
    result = run_olenv(["login", "-p", "dev", "-l", "2", "-t", "0.0005"], env)
    assert result.returncode == 0, result.stderr
    assert sign_ins(onelogin) == 2
    assert sections(credentials.read_text()).sections() == ["keep", "dev"]


def test_loop_keeps_the_password_and_asks_mfa_again(onelogin, env, credentials):
    user = onelogin.add_user("alice@example.com", PASSWORD, devices=[FakeOneLogin.OTP])
    child = spawn(["login", "--profile", "dev", "--loop", "2", "--time", "0.0005",
                   "--otp", user.otp_code], env)
    child.expect("[Pp]assword")
    child.sendline(PASSWORD)
    child.expect("wrote profile 'dev'.*renewing")
    child.expect("OTP")  # --otp was spent on the first sign-in; no password prompt before this
    assert "assword" not in child.before
    first = credentials.read_text()  # the renewal waits for the code: the first write stands
    child.sendline(user.otp_code)
    output = finish(child)
    assert child.exitstatus == 0, output
    assert (user.passwords_seen, user.verify_calls) == (2, 2)
    assert user.otp_tokens_seen == [user.otp_code] * 2
    after = credentials.read_text()
    assert after != first and after.startswith(KEEP)
    keys = [sections(text)["dev"]["aws_access_key_id"] for text in (first, after)]
    assert keys[0] != keys[1]


def test_loop_keeps_the_mfa_device_chosen_from_the_menu(onelogin, env, credentials):
    user = onelogin.add_user("alice@example.com", PASSWORD,
                             devices=[FakeOneLogin.PUSH, FakeOneLogin.OTP])
    env["OLENV_PASSWORD"] = PASSWORD
    child = spawn(["login", "--profile", "dev", "--loop", "2", "--time", "0.0005"], env)
    child.expect(r"(\d+)\) Google Authenticator")
    number = child.match.group(1)
    child.expect("Choose an MFA device")
    child.sendline(number)
    child.expect("OTP")
    child.sendline(user.otp_code)
    child.expect("wrote profile 'dev'.*renewing")
    child.expect("OTP")  # the renewal goes straight to the device chosen before
    assert "Choose an MFA device" not in child.before
    child.sendline(user.otp_code)
    output = finish(child)
    assert child.exitstatus == 0, output
    assert user.verify_calls == 2 and output.count("wrote profile 'dev'") == 1


@pytest.mark.parametrize("args", [
    ["--loop", "0"], ["--loop=-1"], ["--loop", "1.5"], ["--loop", "two"], ["--loop", "²"],
    ["--time", "0"], ["--time=-5"], ["--time", "nan"], ["--time", "inf"], ["--time", "721"],
    ["--time", "soon"], ["--loop", "2", "-x"]])
def test_bad_loop_or_time_is_one_line_exit_2(alice, onelogin, env, credentials, args):
    result = run_olenv(["login", "--profile", "dev", *args], env)
    assert result.returncode == 2, result.stderr
    assert len(result.stderr.splitlines()) == 1 and result.stderr.startswith(("olenv: ", "olenv login: "))
    assert ("--loop" in result.stderr) or ("--time" in result.stderr)
    assert credentials.read_text() == KEEP and sign_ins(onelogin) == 0


def test_time_may_be_twelve_hours(alice, env):
    result = run_olenv(["login", "--loop", "1", "--time", "720"], env)
    assert result.returncode == 0, result.stderr
    assert "warning" not in result.stderr  # one write: no wait to warn of


def test_ctrl_c_while_waiting_exits_130_and_leaves_the_file(alice, onelogin, env, credentials):
    process = subprocess.Popen(OLENV + ["login", "--profile", "dev", "--loop", "2", "--time", "90"],
                               env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        lines = []
        while not any("renewing it in 90 min" in line for line in lines):
            line = process.stderr.readline()
            assert line, "".join(lines)
            lines.append(line)
        written = credentials.read_text()
        process.send_signal(signal.SIGINT)
        rest = process.stderr.read()
        assert process.wait(timeout=10) == 130
    finally:
        process.kill()
        process.wait()
    # 90 min is longer than the default 60-minute sessions: said before the first write.
    assert "warning: --time 90 min is longer than the 60-minute sessions" in lines[0]
    assert rest == "\nolenv: interrupted\n"
    assert credentials.read_text() == written and written.startswith(KEEP + "\n[dev]\n")
    assert sign_ins(onelogin) == 1


# --- -x / --interactive --------------------------------------------------------------------

@pytest.fixture
def sts(env, moto_sts):
    """STS as moto serves it, handed only the role asked for (moto reads a single one)."""
    proxy = FaultySTS(moto_sts, one_role=True)
    env["AWS_ENDPOINT_URL_STS"] = proxy.url
    yield proxy
    proxy.stop()


@pytest.fixture
def two_roles(onelogin, env, sts):
    """alice with two roles and an OTP device, typing her password."""
    env.pop("OLENV_PASSWORD", None)
    return onelogin.add_user("alice@example.com", PASSWORD, roles=TWO_ROLES,
                             devices=[FakeOneLogin.OTP])


def sign_in_at_the_terminal(child, user, role: str) -> None:
    child.expect("[Pp]assword")
    child.sendline(PASSWORD)
    child.expect("OTP")
    child.sendline(user.otp_code)
    choose(child, "Available AWS roles", role)


def choose(child, title: str, answer: str) -> None:
    child.expect(title)
    child.expect(r"\[1-\d\](, or type to narrow the list)?: ")
    child.sendline(answer)


def test_x_takes_another_role_without_a_new_sign_in(two_roles, onelogin, env, credentials):
    child = spawn(["login", "--profile", "dev", "-x"], env)
    sign_in_at_the_terminal(child, two_roles, "1")
    child.expect(r"wrote profile 'dev'.*\(111111111111/Admin")
    choose(child, "What next", "1")
    child.expect_exact("Profile to write [dev]: ")
    child.sendline("no good")
    child.expect_exact("cannot be a credentials file section")
    child.expect_exact("Profile to write [dev]: ")
    child.sendline("ops")
    choose(child, "Available AWS roles", "2")
    child.expect(r"wrote profile 'ops'.*\(222222222222/Dev")
    choose(child, "What next", "3")
    output = finish(child)
    assert child.exitstatus == 0, output
    assert (sign_ins(onelogin), two_roles.verify_calls) == (1, 1)  # no password, no MFA
    assert sections(credentials.read_text()).sections() == ["keep", "dev", "ops"]
    assert PASSWORD not in output


def test_x_another_user_signs_in_as_them(two_roles, onelogin, env, credentials):
    bob = onelogin.add_user("bob@example.com", BOB_PASSWORD,
                            roles=[role_value("333333333333", "Reader")])
    child = spawn(["login", "-x"], env)
    sign_in_at_the_terminal(child, two_roles, "2")
    child.expect(r"wrote profile 'default'.*\(222222222222/Dev")
    choose(child, "What next", "2")
    child.expect_exact("Profile to write [default]: ")
    child.sendline("bob")
    child.expect("OneLogin username: ")
    child.sendline("bob@example.com")
    child.expect("password for bob@example.com")
    child.sendline(BOB_PASSWORD)
    child.expect(r"wrote profile 'bob'.*\(333333333333/Reader")
    choose(child, "What next", "3")
    output = finish(child)
    assert child.exitstatus == 0, output
    assert (two_roles.passwords_seen, bob.passwords_seen) == (1, 1)
    assert [r.json["password"] for r in onelogin.requests
            if r.path.endswith("saml_assertion") and
            r.json["username_or_email"] == "bob@example.com"] == [BOB_PASSWORD]
    assert sections(credentials.read_text()).sections() == ["keep", "default", "bob"]


def test_x_answers_are_not_taken_for_a_username(two_roles, onelogin, env, credentials):
    child = spawn(["login", "--profile", "dev", "-x"], env)
    sign_in_at_the_terminal(child, two_roles, "1")
    child.expect("What next")
    for answer in ("n", "y", "bob@example.com", ""):
        child.expect(r"\[1-3\]: ")
        child.sendline(answer)
        child.expect("Please type a number from 1 to 3")
    child.expect(r"\[1-3\]: ")
    child.sendeof()  # the end of input ends it as quit does
    output = finish(child)
    assert child.exitstatus == 0, output
    assert {r.json["username_or_email"] for r in onelogin.requests
            if r.path.endswith("saml_assertion")} == {"alice@example.com"}
    assert sign_ins(onelogin) == 1
    assert sections(credentials.read_text()).sections() == ["keep", "dev"]


def test_x_without_a_terminal_is_a_usage_error(alice, onelogin, env, credentials):
    result = run_olenv(["login", "--profile", "dev", "-x"], env)
    assert result.returncode == 2
    assert result.stderr == ("olenv: -x/--interactive asks what to do next on a terminal, "
                             "and there is none\n")
    assert credentials.read_text() == KEEP and sign_ins(onelogin) == 0


# --- --cache-saml ----------------------------------------------------------------------------

def test_cache_saml_second_login_takes_another_role_from_the_agent(onelogin, env, home, sts,
                                                                     credentials):
    user = onelogin.add_user("alice@example.com", PASSWORD, roles=TWO_ROLES,
                             devices=[FakeOneLogin.OTP])
    env.pop("OLENV_AGENT")
    before = {p for p in home.rglob("*")}
    first = run_olenv(["login", "--cache-saml", "--profile", "admin", "--aws-role-name", "Admin",
                       "--otp", user.otp_code], {**env, "OLENV_PASSWORD": PASSWORD})
    try:
        assert first.returncode == 0, first.stderr
        # No password and no OTP to give: only the agent's assertion can serve.
        second = run_olenv(["login", "--cache-saml", "--profile", "dev",
                            "--aws-role-name", "Dev"], env)
        assert second.returncode == 0, second.stderr
    finally:
        run_olenv(["agent", "stop"], env)
    assert "222222222222/Dev" in second.stderr and "warning" not in second.stderr
    assert (sign_ins(onelogin), user.verify_calls) == (1, 1)
    assert sections(credentials.read_text()).sections() == ["keep", "admin", "dev"]
    # Nothing but the file asked for: no SAML cache on disk, no lock file beside it.
    assert {p for p in home.rglob("*")} - before == set()


def test_cache_saml_with_the_agent_off_warns_and_works(alice, env, credentials):
    result = run_olenv(["login", "--cache-saml", "--profile", "dev"], env)
    assert result.returncode == 0, result.stderr
    assert "warning: --cache-saml keeps the SAML assertion in the agent" in result.stderr
    assert sections(credentials.read_text()).sections() == ["keep", "dev"]
