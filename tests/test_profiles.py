"""olenv profiles generate: a profile per role merged into onelogin.aws.json, shown and
confirmed first; a user's own entries and keys are never lost."""

import json

import pexpect
import pytest
from conftest import OLENV, run_olenv
from fakes.saml import role_value

from olenv.profiles import generated
from olenv.saml import Role

ROLES = [role_value("111111111111", "Admin"), role_value("111111111111", "Dev_Ops"),
         role_value("222222222222", "ReadOnly")]
MINE = {"aws_account_id": "111111111111", "aws_role_name": "Admin", "aws_region": "us-west-2"}


@pytest.fixture
def alice(onelogin, env, home):
    onelogin.add_user("alice@example.com", "correct horse", roles=ROLES)
    (home / ".onelogin" / "accounts.yaml").write_text("accounts:\n  111111111111: Prod Account\n")
    env["OLENV_PASSWORD"] = "correct horse"
    return env


@pytest.fixture
def aws_file(home):
    path = home / ".onelogin" / "onelogin.aws.json"
    data = json.loads(path.read_text())
    data["profiles"] = {"mine": MINE}
    path.write_text(json.dumps(data))
    return path


def test_yes_adds_a_profile_per_new_role_and_keeps_everything_else(alice, aws_file):
    before = json.loads(aws_file.read_text())
    result = run_olenv(["profiles", "generate", "--yes"], alice)
    assert result.returncode == 0, result.stderr
    after = json.loads(aws_file.read_text())
    assert {k: v for k, v in after.items() if k != "profiles"} == {
        k: v for k, v in before.items() if k != "profiles"}
    # 111111111111/Admin is the user's "mine" already: not added again.
    assert after["profiles"] == {
        "mine": MINE,
        "prod-account-dev-ops": {"aws_account_id": "111111111111", "aws_role_name": "Dev_Ops"},
        "222222222222-readonly": {"aws_account_id": "222222222222", "aws_role_name": "ReadOnly"},
    }
    assert "+ prod-account-dev-ops   111111111111/Dev_Ops" in result.stderr
    assert "wrote 2 profile(s)" in result.stderr and result.stdout == ""


def test_a_second_run_changes_nothing(alice, aws_file):
    assert run_olenv(["profiles", "generate", "--yes"], alice).returncode == 0
    text = aws_file.read_text()
    result = run_olenv(["profiles", "generate", "--yes"], alice)
    assert result.returncode == 0, result.stderr
    assert "already has a profile for every role" in result.stderr
    assert aws_file.read_text() == text


def test_a_users_entry_under_a_generated_name_is_kept(alice, aws_file):
    data = json.loads(aws_file.read_text())
    data["profiles"]["222222222222-readonly"] = {"aws_account_id": "333333333333",
                                                 "aws_role_name": "Other"}
    aws_file.write_text(json.dumps(data))
    result = run_olenv(["profiles", "generate", "--yes"], alice)
    assert result.returncode == 0, result.stderr
    assert "kept your profile '222222222222-readonly'" in result.stderr
    profiles = json.loads(aws_file.read_text())["profiles"]
    assert profiles["222222222222-readonly"]["aws_account_id"] == "333333333333"
    assert list(profiles) == ["mine", "222222222222-readonly", "prod-account-dev-ops"]


def test_without_a_file_one_is_made_beside_the_sdk_file(alice, home, onelogin):
    (home / ".onelogin" / "onelogin.aws.json").unlink()
    result = run_olenv(["profiles", "generate", "--yes", "-u", "alice@example.com",
                        "-a", onelogin.app_id, "-d", onelogin.subdomain], alice)
    assert result.returncode == 0, result.stderr
    path = home / ".onelogin" / "onelogin.aws.json"
    assert sorted(json.loads(path.read_text())["profiles"]) == [
        "222222222222-readonly", "prod-account-admin", "prod-account-dev-ops"]
    assert path.stat().st_mode & 0o777 == 0o600


def test_without_a_terminal_it_asks_for_yes_and_writes_nothing(alice, aws_file, onelogin):
    text = aws_file.read_text()
    result = run_olenv(["profiles", "generate"], alice)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "olenv: no terminal to confirm the change: pass --yes to write it"]
    assert aws_file.read_text() == text and onelogin.count("saml_assertion") == 0


@pytest.mark.parametrize("answer, written", [("n", False), ("y", True)])
def test_at_a_terminal_it_asks_first(alice, aws_file, answer, written):
    text = aws_file.read_text()
    child = pexpect.spawn(OLENV[0], OLENV[1:] + ["profiles", "generate"], env=alice, timeout=30,
                          encoding="utf-8")
    child.expect(r"\+ 222222222222-readonly")
    child.expect(r"\[y/N\]")
    child.sendline(answer)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert (aws_file.read_text() != text) == written


def test_a_broken_file_is_refused_before_signing_in(alice, aws_file, onelogin):
    aws_file.write_text('{"profiles": ')
    result = run_olenv(["profiles", "generate", "--yes"], alice)
    assert result.returncode == 2 and "not valid JSON" in result.stderr
    assert onelogin.count("saml_assertion") == 0
    assert aws_file.read_text() == '{"profiles": '


def test_accounts_sharing_a_name_keep_their_ids():
    roles = [Role(f"arn:aws:iam::{a}:role/Admin", f"arn:aws:iam::{a}:saml-provider/OneLogin")
             for a in ("111111111111", "222222222222", "333333333333")]
    names = generated(roles, {"111111111111": "dev", "222222222222": "dev", "333333333333": "x"})
    assert list(names) == ["111111111111-admin", "222222222222-admin", "x-admin"]


def test_quiet_with_yes_says_nothing_but_writes(alice, aws_file):
    result = run_olenv(["profiles", "generate", "--yes", "--quiet"], alice)
    assert (result.returncode, result.stderr, result.stdout) == (0, "", "")
    assert len(json.loads(aws_file.read_text())["profiles"]) == 3


@pytest.mark.parametrize("where", ["name", "role", "account"])
@pytest.mark.parametrize("bad", ["x\ny", "x\r", "\0", "\x1b[2J", "x\u2028"])
def test_a_control_character_bound_for_the_file_is_refused_and_the_file_kept(tmp_path, where, bad):
    from olenv.errors import OlenvError
    from olenv.profiles import write

    path = tmp_path / "onelogin.aws.json"
    path.write_bytes(b'{"profiles": {"mine": {"aws_role_name": "Admin"}}}\r\n')
    entry = {"aws_account_id": "111111111111", "aws_role_name": "Admin"}
    if where == "name":
        profiles = {f"dev{bad}": entry}
    else:
        profiles = {"dev": {**entry, {"role": "aws_role_name", "account": "aws_account_id"}[where]:
                            f"v{bad}"}}
    with pytest.raises(OlenvError) as raised:
        write(path, {"profiles": {"mine": {"aws_role_name": "Admin"}, **profiles}})
    assert raised.value.exit_code == 1 and "\n" not in str(raised.value)
    assert "left as it was" in str(raised.value)
    assert path.read_bytes() == b'{"profiles": {"mine": {"aws_role_name": "Admin"}}}\r\n'
    assert [p.name for p in tmp_path.iterdir()] == ["onelogin.aws.json"]
