"""The role menu at a real terminal, with 500 roles: profile names beside each role, and
text that narrows the list (account id, friendly name, role, profile), a single match taken
after a confirmation. Driven through the real command, against moto's STS."""

import json

import pexpect
import pytest
from conftest import OLENV
from fakes.saml import role_value
from fakes.sts import FaultySTS

from olenv import menu
from olenv.saml import Role

PASSWORD = "correct horse"
ACCOUNTS = [f"{n:012d}" for n in range(100)]
ROLE_NAMES = ["Admin", "Billing", "Deploy", "ReadOnly", "Support"]


@pytest.fixture
def many(onelogin, env, home, moto_sts):
    """alice may take 500 roles; accounts have names and two profiles name roles."""
    onelogin.add_user("alice@example.com", PASSWORD,
                      roles=[role_value(a, r) for a in ACCOUNTS for r in ROLE_NAMES])
    (home / ".onelogin" / "accounts.yaml").write_text(
        "accounts:\n" + "".join(f"  '{a}': team-{int(a)}\n" for a in ACCOUNTS))
    aws = home / ".onelogin" / "onelogin.aws.json"
    aws.write_text(json.dumps({**json.loads(aws.read_text()), "profiles": {
        "money": {"aws_account_id": ACCOUNTS[42], "aws_role_name": "Billing"},
        "money-too": {"aws_account_id": ACCOUNTS[42], "aws_role_name": "Billing"},
        "ops": {"aws_account_id": ACCOUNTS[7], "aws_role_name": "Deploy"}}}))
    env["OLENV_PASSWORD"] = PASSWORD
    sts = FaultySTS(moto_sts, one_role=True)
    env["AWS_ENDPOINT_URL_STS"] = sts.url
    yield env, sts
    sts.stop()


def spawn(env):
    # No profile selected: the menu shows every role.
    return pexpect.spawn(OLENV[0], OLENV[1:] + ["credential-process", "--no-agent"], env=env,
                         timeout=60, encoding="utf-8", dimensions=(60, 120))


PROMPT = r"Choose an AWS role \[1-(\d+)\], or type to narrow the list: "


def finish(child) -> str:
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, child.before
    return child.before


def assumed(sts) -> str:
    return [r["RoleArn"] for r in sts.requests if "RoleArn" in r][-1]


def test_every_row_shows_its_profiles_and_a_profile_name_narrows_to_one(many):
    env, sts = many
    child = spawn(env)
    child.expect(PROMPT)
    assert child.match.group(1) == "500"
    listing = child.before
    assert " #  ACCOUNT                 ROLE      PROFILES" in listing
    assert "212)  000000000042 (team-42)  Billing   money, money-too" in listing
    assert "38)  000000000007 (team-7)   Deploy    ops" in listing
    assert "500)  000000000099 (team-99)  Support" in listing
    child.sendline("MONEY-t")  # any case, part of a profile name
    child.expect_exact("Take 000000000042 (team-42)  Billing  money, money-too? [Y/n] ")
    child.sendline("")
    output = finish(child)
    assert json.loads(output[output.index("{"):])["Version"] == 1
    assert assumed(sts) == f"arn:aws:iam::{ACCOUNTS[42]}:role/Billing"


def test_text_narrows_step_by_step_and_a_refused_match_shows_every_role_again(many):
    env, sts = many
    child = spawn(env)
    child.expect(PROMPT)
    child.sendline("team-4")  # team-4 and team-40 .. team-49: 11 accounts
    child.expect_exact("AWS roles matching 'team-4':")
    child.expect(PROMPT)
    assert child.match.group(1) == "55"
    assert "team-14" not in child.before
    child.sendline("deploy")  # narrows what is shown, not the whole list
    child.expect(PROMPT)
    assert child.match.group(1) == "11"
    assert "Admin" not in child.before and "000000000045 (team-45)  Deploy" in child.before
    child.sendline("0000045")  # part of an account id
    child.expect_exact("Take 000000000045 (team-45)  Deploy? [Y/n] ")
    child.sendline("n")
    child.expect(PROMPT)
    assert child.match.group(1) == "500"
    child.sendline("zzz")
    child.expect_exact("No AWS role matches 'zzz'; type other text, a number, or nothing to "
                       "see every role.")
    child.expect(PROMPT)
    child.sendline("501")
    child.expect_exact("Please type a number from 1 to 500, or text to look for.")
    child.expect(PROMPT)
    child.sendline("7")  # 000000000001/Billing: accounts first, then roles
    finish(child)
    assert assumed(sts) == f"arn:aws:iam::{ACCOUNTS[1]}:role/Billing"


def test_a_number_counts_in_the_narrowed_list(many):
    env, sts = many
    child = spawn(env)
    child.expect(PROMPT)
    child.sendline("readonly")
    child.expect(PROMPT)
    assert child.match.group(1) == "100"
    child.sendline("3")
    finish(child)
    assert assumed(sts) == f"arn:aws:iam::{ACCOUNTS[2]}:role/ReadOnly"


def test_an_escape_in_a_typed_answer_is_not_echoed_back_raw(many):
    env, _ = many
    child = spawn(env)
    child.expect(PROMPT)
    child.sendline("\x1b]52;c;aGk=\x07")
    child.expect_exact("No AWS role matches '\\e]52;c;aGk=\\x07'")
    child.expect(PROMPT)
    child.sendline("1")
    finish(child)


def test_matching_is_by_substring_on_every_field():
    role = Role("arn:aws:iam::123456789012:role/Deploy",
                "arn:aws:iam::123456789012:saml-provider/OneLogin")
    [entry] = menu.entries([role], aliases={"123456789012": "Payments"},
                           profiles={("123456789012", "Deploy"): ["pay-ci"]})
    assert [entry.matches(text) for text in ("5678", "payments", "PLOY", "pay-c", "nope")] == [
        True, True, True, True, False]
