"""Everything olenv shows a person goes through one helper, olenv.text.safe: names, values,
paths and server text reach the terminal without a character it would obey."""

import json
import os
import unicodedata

import pexpect
import pytest
from conftest import OLENV, run_olenv
from fakes.saml import role_value

from olenv.text import safe

# The clipboard write (OSC 52), a screen clear, a title, C1's CSI, a forged second line.
OSC52 = "\x1b]52;c;ZWNobyBwd25lZA==\x07"
HOSTILE = f"x{OSC52}\x1b[2J\x1b]0;owned\x07\x9b31m\rolenv: ok\ny\x7f\u202e"


@pytest.mark.parametrize("raw, shown", [
    ("plain text, Zürich, 東京", "plain text, Zürich, 東京"),
    (OSC52, "\\e]52;c;ZWNobyBwd25lZA==\\x07"),
    ("a\nb\rc\td", "a\\nb\\rc\\td"),
    ("\x00\x08\x7f", "\\x00\\x08\\x7f"),
    ("\x9b31m\x85", "\\x9b31m\\x85"),  # C1: CSI and NEL
    ("\u202eevil\u2028", "\\u202eevil\\u2028"),  # a bidi override, a line separator
    ("\U000e0001", "\\U000e0001"),
    ("\uffff\U00010000", "\\uffff\U00010000"),  # the last four-digit escape; a printable one after
    (3, "3"),
])
def test_safe(raw, shown):
    assert safe(raw) == shown


def test_nothing_a_terminal_obeys_survives():
    everything = "".join(map(chr, range(0x250))) + "\u200b\u2066\ufeff"
    out = safe(everything)
    assert all(ch.isprintable() for ch in out)
    assert not any(unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") for ch in out)


def clean(text: str, tty: bool = False) -> None:
    assert "\x1b" not in text and "\x07" not in text and "\x9b" not in text, repr(text)
    assert "\u202e" not in text and (tty or "\r" not in text)  # a tty ends lines with \r\n


@pytest.fixture
def alice(onelogin, env):
    onelogin.add_user("alice@example.com", "pw", roles=[role_value("111111111111", "Admin")])
    env["OLENV_PASSWORD"] = "pw"
    return env


def test_status_shows_hostile_values_and_paths_escaped(alice, home, tmp_path):
    aws = home / ".onelogin" / "onelogin.aws.json"
    aws.write_text(json.dumps({**json.loads(aws.read_text()), "username": HOSTILE,
                               "colour" + OSC52: 1}))
    folder = tmp_path / f"dir{OSC52}"
    folder.mkdir()
    (folder / ".olenv").write_text("profile: dev\n")
    result = run_olenv(["status"], {**alice, "PWD": str(folder)}, cwd=folder)
    assert result.returncode == 0, result.stderr
    clean(result.stdout)
    assert "\\e]52;c;ZWNobyBwd25lZA==\\x07" in result.stdout
    assert len([line for line in result.stdout.splitlines() if line.startswith("olenv: ok")]) == 0


def test_allow_notices_and_errors_escape_directory_names(alice, home, tmp_path):
    folder = tmp_path / f"repo{OSC52}\nolenv: allowed everything"
    folder.mkdir()
    (folder / ".olenv").write_text("profile: dev\n")
    (folder / "onelogin.aws.json").write_text((home / ".onelogin" / "onelogin.aws.json").read_text())
    for args in (["allow", str(folder)], ["allow", str(folder / "onelogin.aws.json")],
                 ["deny", str(folder)], ["allow", str(folder / "missing")],
                 ["export", "--olenv-file", str(folder / ".olenv")]):
        result = run_olenv(args, alice)
        clean(result.stderr)
        assert not any(line.startswith("olenv: allowed everything")
                       for line in result.stderr.splitlines()), result.stderr
    # The notice the working tree's settings file gets, once changed, too.
    (folder / "onelogin.aws.json").write_text(json.dumps({"username": "u" + OSC52}))
    result = run_olenv(["credential-process"], alice, cwd=folder)
    assert result.returncode == 0, result.stderr
    assert "changed since it was allowed" in result.stderr
    clean(result.stderr)


def test_the_export_summary_escapes_a_hostile_profile(alice):
    result = run_olenv(["export", "--shell", "bash", "--aws-account-id", "111111111111",
                        "--profile", f"dev{OSC52}"], alice)
    assert result.returncode == 0, result.stderr
    clean(result.stderr)
    assert "olenv: dev\\e]52;c;ZWNobyBwd25lZA==\\x07 (111111111111/Admin, eu-west-1, " \
        in result.stderr


def test_roles_table_and_menu_escape_account_names(alice, onelogin, home):
    onelogin.users["alice@example.com"].roles.append(role_value("222222222222", "Reader"))
    (home / ".onelogin" / "accounts.yaml").write_text(
        f"accounts:\n  111111111111: {json.dumps('prod' + OSC52)}\n")
    result = run_olenv(["roles"], alice)
    assert result.returncode == 0, result.stderr
    clean(result.stdout)
    assert "prod\\e]52;c;ZWNobyBwd25lZA==\\x07" in result.stdout
    # The menu at a terminal.
    child = pexpect.spawn(OLENV[0], OLENV[1:] + ["credential-process"], env=alice, timeout=60,
                          encoding="utf-8")
    child.expect("Choose an AWS role")
    menu = child.before
    child.sendintr()
    child.expect(pexpect.EOF)
    child.close()
    assert "111111111111 (prod\\e]52;c;ZWNobyBwd25lZA==\\x07)" in menu
    clean(menu, tty=True)


def test_errors_quoting_a_file_are_escaped(alice, home):
    aws = home / ".onelogin" / "onelogin.aws.json"
    aws.write_text(json.dumps({**json.loads(aws.read_text()), "aws_region": f"eu{OSC52}"}))
    result = run_olenv(["credential-process"], alice)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "is not an AWS region" in result.stderr
    clean(result.stderr)
    assert os.path.exists(aws)
