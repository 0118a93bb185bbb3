"""olenv at a terminal: password, device menu, OTP, push, role menu and Ctrl-C,
driven through a real pseudo-terminal."""

import json

import pexpect
import pytest
from conftest import OLENV, require
from fakes.saml import role_value
from fakes.sts import FaultySTS

PASSWORD = "s3cret-Pass!"
OTP = {"device_id": 666666, "device_type": "Google Authenticator"}
PUSH = {"device_id": 777777, "device_type": "OneLogin Protect"}


def spawn(args, env, **kwargs):
    return pexpect.spawn(OLENV[0], OLENV[1:] + args, env=env, timeout=30, encoding="utf-8",
                         **kwargs)


def finish(child) -> str:
    child.expect(pexpect.EOF)
    child.close()
    return child.before


@pytest.fixture
def bob(onelogin, env):
    env.pop("OLENV_PASSWORD", None)
    return onelogin


def test_password_and_otp_prompts(bob, env):
    bob.add_user("bob@example.com", PASSWORD, devices=[OTP], otp_code="246810")
    child = spawn(["credential-process", "-u", "bob@example.com"], env)
    child.expect("[Pp]assword")
    child.sendline(PASSWORD)
    child.expect("OTP")
    child.sendline("000000")  # wrong first: asked again
    child.expect("OTP")
    child.sendline("246810")
    output = finish(child)
    assert child.exitstatus == 0, output
    assert json.loads(output[output.index("{"):])["Version"] == 1
    assert PASSWORD not in output


def test_device_menu_then_push_approval(bob, env):
    user = bob.add_user("bob@example.com", PASSWORD, devices=[OTP, PUSH], push_after=2)
    env["OLENV_PASSWORD"] = PASSWORD
    child = spawn(["credential-process", "-u", "bob@example.com", "--push-interval", "0.05"], env)
    child.expect("Protect")
    child.expect(r"\[1-2\]")
    child.sendline("2")
    output = finish(child)
    assert child.exitstatus == 0, output
    assert user.pushes_sent == 1
    assert '"AccessKeyId"' in output


def test_role_menu_sends_the_chosen_role_to_sts(bob, env, moto_sts):
    roles = [role_value("111111111111", "Admin"), role_value("222222222222", "Dev", reversed=True)]
    bob.add_user("bob@example.com", PASSWORD, roles=roles)
    env["OLENV_PASSWORD"] = PASSWORD
    with open(f"{env['HOME']}/.onelogin/accounts.yaml", "w") as accounts:
        accounts.write("accounts:\n  222222222222: staging\n")
    sts = FaultySTS(moto_sts)
    sts.fail_next("AccessDenied", "Not authorized to perform sts:AssumeRoleWithSAML")
    env["AWS_ENDPOINT_URL_STS"] = sts.url
    try:
        child = spawn(["credential-process", "-u", "bob@example.com"], env)
        child.expect("staging")
        child.expect(r"\[1-2\]")
        child.sendline("2")
        output = finish(child)
    finally:
        sts.stop()
    assert child.exitstatus == 1
    assert sts.requests[0]["RoleArn"] == "arn:aws:iam::222222222222:role/Dev"
    assert sts.requests[0]["PrincipalArn"] == "arn:aws:iam::222222222222:saml-provider/OneLogin"
    assert "AWS denied role Dev in account 222222222222" in output


def test_ctrl_c_at_the_password_prompt_exits_130_with_echo_back(bob, env):
    bash = require("bash")
    bob.add_user("bob@example.com", PASSWORD)
    shell = pexpect.spawn(bash, ["--norc", "--noprofile"], env={**env, "PS1": "$ "},
                          timeout=30, encoding="utf-8")
    shell.expect_exact("$ ")
    shell.sendline(" ".join(OLENV) + ' credential-process -u bob@example.com; echo "exit=$?"')
    shell.expect("[Pp]assword")
    shell.sendintr()
    shell.expect(r"exit=(\d+)")
    assert shell.match.group(1) == "130"
    shell.expect_exact("$ ")
    shell.sendline("stty -a | tr ' ' '\\n' | grep -x -- '-*echo'")
    shell.expect(r"[\r\n](-?echo)\r\n")
    assert shell.match.group(1) == "echo"
    shell.sendline("exit")
    shell.expect(pexpect.EOF)
