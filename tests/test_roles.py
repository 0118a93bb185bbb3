"""olenv.roles: automatic picks, the menu on a real terminal, and refusals without one."""

import json
import subprocess
import sys
from pathlib import Path

import pexpect
import pytest
from fakes.saml import role_value, saml_response

from olenv.errors import SamlError, UsageError
from olenv.roles import choose, menu_rows
from olenv.saml import Role, parse
from olenv.terminal import Terminal

ROOT = Path(__file__).resolve().parent.parent
A, B = "111111111111", "222222222222"

# Runs choose() in a child; the chosen ARN goes to stdout, an olenv error to stderr.
CHILD = """
import json, sys
from olenv.errors import OlenvError
from olenv.roles import choose
from olenv.saml import Role
from olenv.terminal import Terminal

roles = [Role(*pair) for pair in json.loads(sys.argv[1])]
try:
    role = choose(roles, Terminal(), **json.loads(sys.argv[2]))
except OlenvError as error:
    print(error, file=sys.stderr)
    sys.exit(error.exit_code)
print("CHOSEN", role.arn, role.provider_arn)
"""


def role(account: str, name: str, provider: str = "OneLogin") -> Role:
    return Role(f"arn:aws:iam::{account}:role/{name}",
                f"arn:aws:iam::{account}:saml-provider/{provider}")


ROLES = [role(B, "ReadOnly"), role(A, "Dev"), role(B, "Admin"), role(A, "Admin")]


@pytest.fixture
def no_tty(tmp_path):
    """A real Terminal that found no terminal to open."""
    terminal = Terminal(str(tmp_path / "no-tty"))
    assert not terminal.interactive
    return terminal


def refused(no_tty, roles, **kwargs) -> str:
    with pytest.raises(UsageError) as caught:
        choose(roles, no_tty, **kwargs)
    message = str(caught.value)
    assert caught.value.exit_code == 2
    assert "\n" not in message and len(message) < 600
    return message


def spawn(roles, **kwargs):
    pairs = json.dumps([[r.arn, r.provider_arn] for r in roles])
    return pexpect.spawn(sys.executable, ["-c", CHILD, pairs, json.dumps(kwargs)], cwd=str(ROOT),
                         timeout=15, encoding="utf-8", dimensions=(50, 200))


# Picks that need no question


def test_a_single_role_is_taken(no_tty):
    assert choose([role(A, "Admin")], no_tty) == role(A, "Admin")


@pytest.mark.parametrize("kwargs, expected", [
    ({"account_id": A, "role_name": "Admin"}, role(A, "Admin")),
    ({"account_id": B, "role_name": "ReadOnly"}, role(B, "ReadOnly")),
    ({"role_name": "Dev"}, role(A, "Dev")),
    ({"role_name": "ReadOnly"}, role(B, "ReadOnly")),
])
def test_a_unique_match_is_taken(no_tty, kwargs, expected):
    assert choose(ROLES, no_tty, **kwargs) == expected


def test_an_account_with_one_role_is_taken(no_tty):
    assert choose([*ROLES, role("333333333333", "Ops")], no_tty,
                  account_id="333333333333") == role("333333333333", "Ops")


def test_a_single_role_matching_the_request_is_taken(no_tty):
    assert choose([role(A, "Admin")], no_tty, account_id=A, role_name="Admin") == role(A, "Admin")


# Requests that cannot be met


def test_role_missing_in_account(no_tty):
    assert refused(no_tty, ROLES, account_id=B, role_name="Dev") == (
        "no role Dev in account 222222222222; available: 111111111111/Admin, "
        "111111111111/Dev, 222222222222/Admin, 222222222222/ReadOnly")


def test_unknown_account(no_tty):
    assert refused(no_tty, ROLES, account_id="999999999999").startswith(
        "no role in account 999999999999; available: 111111111111/Admin")


def test_unknown_role_name_is_matched_exactly(no_tty):
    assert refused(no_tty, ROLES, role_name="admin").startswith(
        "no role named admin; available: ")


def test_a_single_role_in_another_account_is_not_taken(no_tty):
    assert refused(no_tty, [role(A, "Admin")], account_id=B) == (
        "no role in account 222222222222; available: 111111111111/Admin")


def test_huge_list_is_cut_in_the_error(no_tty):
    many = [role(f"{n:012d}", "Admin") for n in range(500)]
    message = refused(no_tty, many, role_name="Dev")
    assert message.endswith("000000000009/Admin and 490 more")
    assert message.count("/Admin") == 10


def test_no_roles_at_all(no_tty):
    with pytest.raises(SamlError, match="carries no AWS role"):
        choose([], no_tty)


# No terminal and more than one candidate


def test_no_terminal_lists_choices_and_the_flags(no_tty):
    message = refused(no_tty, ROLES)
    assert message == (
        "4 AWS roles fit and there is no terminal to choose one (111111111111/Admin, "
        "111111111111/Dev, 222222222222/Admin, 222222222222/ReadOnly): "
        "pass --aws-account-id and --aws-role-name")


def test_no_terminal_lists_only_the_matches(no_tty):
    message = refused(no_tty, ROLES, account_id=B)
    assert "(222222222222/Admin, 222222222222/ReadOnly)" in message
    assert A not in message


def test_no_terminal_with_thousands_of_roles(no_tty):
    many = [role(f"{n:012d}", f"R{m}") for n in range(100) for m in range(50)]
    message = refused(no_tty, many)
    assert message.startswith("5000 AWS roles fit")
    assert "and 4990 more)" in message


def test_no_controlling_terminal_in_a_child_exits_2():
    pairs = json.dumps([[r.arn, r.provider_arn] for r in ROLES])
    done = subprocess.run([sys.executable, "-c", CHILD, pairs, "{}"], cwd=ROOT, timeout=30,
                          capture_output=True, text=True, start_new_session=True,
                          stdin=subprocess.DEVNULL)
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.strip().startswith("4 AWS roles fit and there is no terminal")
    assert done.stderr.count("\n") == 1


# The menu on a real terminal


def test_menu_on_a_terminal_sorted_by_account():
    child = spawn(ROLES, aliases={A: "prod-main"})
    child.expect("Available AWS roles:")
    child.expect(r"Choose an AWS role \[1-4\], or type to narrow the list: ")
    menu = child.before
    assert menu.index(" #  ACCOUNT                   ROLE") < menu.index(
        "1)  111111111111 (prod-main)  Admin") < menu.index(
        "2)  111111111111 (prod-main)  Dev") < menu.index(
        "3)  222222222222              Admin") < menu.index("4)  222222222222              ReadOnly")
    child.sendline("3")
    child.expect(f"CHOSEN arn:aws:iam::{B}:role/Admin arn:aws:iam::{B}:saml-provider/OneLogin")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


def test_menu_sorted_by_role_and_retried_after_a_bad_answer():
    child = spawn(ROLES, order="role")
    child.expect(r"\[1-4\], or type to narrow the list: ")
    menu = child.before
    assert menu.index("1)  Admin     111111111111") < menu.index(
        "2)  Admin     222222222222") < menu.index("3)  Dev       111111111111") < menu.index(
        "4)  ReadOnly  222222222222")
    child.sendline("9")
    child.expect_exact("Please type a number from 1 to 4, or text to look for.")
    child.expect(r"\[1-4\], or type")
    child.sendline("4")
    child.expect(f"CHOSEN arn:aws:iam::{B}:role/ReadOnly")
    child.expect(pexpect.EOF)


def test_menu_offers_only_the_matching_roles():
    child = spawn(ROLES, role_name="Admin")
    child.expect(r"Choose an AWS role \[1-2\], or type")
    assert "Dev" not in child.before and "ReadOnly" not in child.before
    child.sendline("2")
    child.expect(f"CHOSEN arn:aws:iam::{B}:role/Admin")
    child.expect(pexpect.EOF)


def test_menu_tells_providers_apart():
    child = spawn([role(A, "Admin"), role(A, "Admin", "Okta")], account_id=A, role_name="Admin")
    child.expect(r"\[1-2\], or type")
    assert "1)  111111111111  Admin (via Okta)" in child.before
    assert "2)  111111111111  Admin (via OneLogin)" in child.before
    child.sendline("1")
    child.expect(f"CHOSEN arn:aws:iam::{A}:role/Admin arn:aws:iam::{A}:saml-provider/Okta")
    child.expect(pexpect.EOF)


def test_menu_at_end_of_input_fails_cleanly():
    child = spawn(ROLES)
    child.expect(r"\[1-4\], or type")
    child.sendeof()
    child.expect("no answer for an AWS role")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 2


# Menu rows


def test_menu_rows_labels_and_order():
    rows = menu_rows(ROLES, "account", {B: "staging"})
    assert rows == [
        (role(A, "Admin"), "111111111111            Admin"),
        (role(A, "Dev"), "111111111111            Dev"),
        (role(B, "Admin"), "222222222222 (staging)  Admin"),
        (role(B, "ReadOnly"), "222222222222 (staging)  ReadOnly"),
    ]
    assert [r for r, _ in menu_rows(ROLES, "role")] == [
        role(A, "Admin"), role(B, "Admin"), role(A, "Dev"), role(B, "ReadOnly")]


def test_menu_rows_use_the_name_without_path():
    rows = menu_rows([role(A, "ops/Admin")])
    assert rows == [(role(A, "ops/Admin"), "111111111111  Admin")]


def test_unknown_order_is_a_usage_error():
    with pytest.raises(UsageError, match="^unknown role order 'name': use account or role$"):
        menu_rows(ROLES, "name")


def test_five_thousand_roles_parse_and_sort():
    values = [role_value(f"{n % 100:012d}", f"Role{n // 100:02d}") for n in range(5000)]
    roles = parse(saml_response(values)).roles
    rows = menu_rows(roles, "account", {})
    assert len(rows) == 5000
    keys = [(r.account_id, r.name) for r, _ in rows]
    assert keys == sorted(keys)
    assert rows[0][1] == "000000000000  Role00" and rows[-1][1] == "000000000099  Role49"
    by_role = [(r.name, r.account_id) for r, _ in menu_rows(roles, "role")]
    assert by_role == sorted(by_role)
