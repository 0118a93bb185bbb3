"""The credentials file writer: one section changes, everything else stays."""

import os
import re
import stat
from datetime import datetime, timezone

import pytest

from olenv.credentials import Credentials
from olenv.errors import OlenvError, UsageError
from olenv.handover.awsfile import update, write

CREDS = Credentials("ASIANEW", "new-secret", "new-token",
                    datetime(2030, 1, 1, tzinfo=timezone.utc), "eu-west-1", "111111111111",
                    "Admin", "dev")

EXISTING = """\
# my credentials
[default]
aws_access_key_id = AKIAKEEP
aws_secret_access_key = keep-secret

[dev]
# dev account, managed by olenv
aws_access_key_id = ASIAOLD
output = json
aws_session_token = old
aws_session_token = older-duplicate

[other]
aws_access_key_id = AKIAOTHER
"""


def test_update_changes_only_its_section():
    new = update(EXISTING, "dev", {"aws_access_key_id": "ASIANEW", "aws_session_token": "t",
                                   "region": "eu-west-1"})
    assert new.startswith("# my credentials\n[default]\naws_access_key_id = AKIAKEEP\n")
    assert new.endswith("[other]\naws_access_key_id = AKIAOTHER\n")
    dev = new.split("[dev]\n")[1].split("[other]")[0]
    assert dev == ("# dev account, managed by olenv\naws_access_key_id = ASIANEW\n"
                   "output = json\naws_session_token = t\nregion = eu-west-1\n\n")


def test_update_appends_a_new_section_and_handles_no_final_newline():
    assert update("[a]\nx = 1", "b", {"k": "v"}) == "[a]\nx = 1\n\n[b]\nk = v\n"
    assert update("", "b", {"k": "v"}) == "[b]\nk = v\n"


def test_write_is_atomic_private_and_keeps_other_sections(tmp_path):
    path = tmp_path / "credentials"
    path.write_text(EXISTING)
    write(path, "dev", CREDS)
    text = path.read_text()
    assert "aws_secret_access_key = new-secret" in text and "AKIAOTHER" in text
    assert "aws_security_token = new-token" in text
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["credentials"]  # no lock file stays


def test_write_follows_a_symlink(tmp_path):
    real = tmp_path / "real"
    real.write_text("[keep]\na = b\n")
    link = tmp_path / "credentials"
    link.symlink_to(real)
    write(link, "dev", CREDS)
    assert link.is_symlink() and "ASIANEW" in real.read_text() and "[keep]" in real.read_text()


def test_write_creates_the_directory(tmp_path):
    path = tmp_path / "new" / ".aws" / "credentials"
    write(path, "default", CREDS)
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


@pytest.mark.parametrize("name", ["a]b", "a b", "", "x\ny", "dev\n"])
def test_bad_section_names_are_refused(tmp_path, name):
    with pytest.raises(UsageError, match="cannot be a credentials file section"):
        write(tmp_path / "credentials", name, CREDS)
    assert not (tmp_path / "credentials").exists()


def test_a_file_that_is_not_text_is_left_alone(tmp_path):
    path = tmp_path / "credentials"
    path.write_bytes(b"\xff\xfe[default]\n")
    with pytest.raises(Exception, match="not UTF-8 text: left as it was"):
        write(path, "dev", CREDS)
    assert path.read_bytes() == b"\xff\xfe[default]\n"


def test_a_path_that_is_a_directory_is_one_line(tmp_path):
    (tmp_path / "credentials").mkdir()
    with pytest.raises(Exception, match="cannot write .*credentials: Is a directory"):
        write(tmp_path / "credentials", "dev", CREDS)


NEW = {"aws_access_key_id": "ASIANEW", "region": "eu-west-1"}


@pytest.mark.parametrize("eol", ["\n", "\r\n", "\r"])
def test_every_byte_of_other_sections_and_each_line_ending_is_kept(eol):
    other = eol.join(["# a comment", "[keep]", "aws_access_key_id = AKIAKEEP", "odd = \u2028kept",
                      "", ""])
    mine = eol.join(["[dev]", "; mine too", "aws_access_key_id = ASIAOLD", "output = json", ""])
    new = update(other + mine, "dev", NEW)
    assert new == other + eol.join(["[dev]", "; mine too", "aws_access_key_id = ASIANEW",
                                    "output = json", "region = eu-west-1", ""])
    appended = update(other, "new", NEW)
    assert appended == other + eol.join(["[new]", "aws_access_key_id = ASIANEW",
                                         "region = eu-west-1", ""])


def test_mixed_line_endings_stay_as_each_line_had_them():
    text = "[keep]\r\na = 1\n[dev]\r\naws_access_key_id = OLD\r\nb = 2\r"
    assert update(text, "dev", NEW) == (
        "[keep]\r\na = 1\n[dev]\r\naws_access_key_id = ASIANEW\r\nb = 2\rregion = eu-west-1\r\n")


def test_a_bom_is_kept_and_the_first_section_still_found():
    text = "\ufeff[dev]\naws_access_key_id = OLD\n\n[keep]\na = 1"
    assert update(text, "dev", NEW) == (
        "\ufeff[dev]\naws_access_key_id = ASIANEW\nregion = eu-west-1\n\n[keep]\na = 1")
    assert update("\ufeff[keep]\na = 1\n", "new", {"k": "v"}) == "\ufeff[keep]\na = 1\n\n[new]\nk = v\n"


def test_a_last_line_without_an_ending_is_left_so_unless_olenv_adds_after_it():
    assert update("[dev]\nregion = x\n[keep]\na = 1", "dev", {"region": "y"}) == (
        "[dev]\nregion = y\n[keep]\na = 1")


def test_both_key_spellings_and_a_repeated_section_leave_one_value():
    text = ("[dev]\nAWS_ACCESS_KEY_ID = UPPER\naws_access_key_id = lower\nkeep = 1\n"
            "[other]\nAWS_ACCESS_KEY_ID = theirs\n[dev]\naws_access_key_id = again\nmore = 2\n")
    assert update(text, "dev", NEW) == (
        "[dev]\naws_access_key_id = ASIANEW\nkeep = 1\nregion = eu-west-1\n"
        "[other]\nAWS_ACCESS_KEY_ID = theirs\n[dev]\nmore = 2\n")


@pytest.mark.parametrize("eol", ["\r\n", "\r"])
def test_write_keeps_the_files_bytes_and_line_endings(tmp_path, eol):
    path = tmp_path / "credentials"
    original = ("\ufeff# mine" + eol + "[keep]" + eol + "a = 1 ; not a comment" + eol).encode()
    path.write_bytes(original)
    write(path, "dev", CREDS)
    data = path.read_bytes()
    assert data.startswith(original + eol.encode() + b"[dev]" + eol.encode())
    assert set(re.findall(rb"\r\n|\r|\n", data)) == {eol.encode()}  # every line ends as the file's
    assert sorted(p.name for p in tmp_path.iterdir()) == ["credentials"]


HOSTILE = "x\n[prod]\ncredential_process = sh -c 'touch /tmp/owned'"


@pytest.mark.parametrize("bad", [HOSTILE, "x\ry", "x\0y", "x\x1b]52;c;aGk=\x07", "x\x7f",
                                 "x\x85y", "x\u2028y", "x\u2029y"])
@pytest.mark.parametrize("field", ["secret_access_key", "session_token", "access_key_id"])
def test_a_value_with_a_control_character_is_refused_and_the_file_kept(tmp_path, bad, field):
    import dataclasses

    path = tmp_path / "credentials"
    path.write_bytes(b"[keep]\r\na = 1\r\n")
    hostile = dataclasses.replace(CREDS, **{field: bad})
    with pytest.raises(OlenvError) as raised:
        write(path, "dev", hostile)
    assert raised.value.exit_code == 1
    message = str(raised.value)
    assert "\n" not in message and bad not in message  # one line, and never the value
    assert f"aws_{field}" in message and "left as it was" in message
    assert path.read_bytes() == b"[keep]\r\na = 1\r\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["credentials"]


def test_a_refused_value_creates_no_file(tmp_path):
    import dataclasses

    with pytest.raises(OlenvError):
        write(tmp_path / "credentials", "dev", dataclasses.replace(CREDS, session_token=HOSTILE))
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("case, line", [
    ("not UTF-8", "is not UTF-8 text: left as it was"),
    ("a directory", "it is not a regular file"),
])
def test_login_checks_the_file_before_asking_for_a_password(onelogin, env, home, case, line):
    from conftest import run_olenv

    onelogin.add_user("alice@example.com", "correct horse")
    env["OLENV_PASSWORD"] = "correct horse"
    path = home / ".aws" / "credentials"
    if case == "a directory":
        path.mkdir()
    else:
        path.write_bytes(b"[keep]\n\xff\xfe\n")
    result = run_olenv(["login", "--profile", "dev"], env)
    assert result.returncode == 2 and result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith("olenv: ") and line in result.stderr
    assert onelogin.requests == []  # not even the API token was asked for
    if case == "not UTF-8":
        assert path.read_bytes() == b"[keep]\n\xff\xfe\n"


def test_login_replaces_the_file_never_writes_it_in_place(onelogin, env, home, tmp_path):
    # Under strace: the credentials file is never opened for writing or truncated; a
    # temporary file beside it is renamed onto it, so a reader sees the old file or the new.
    import subprocess

    from conftest import OLENV, require

    onelogin.add_user("alice@example.com", "correct horse")
    env["OLENV_PASSWORD"] = "correct horse"
    path = home / ".aws" / "credentials"
    path.write_text("[keep]\na = 1\n")
    log = tmp_path / "strace.log"
    result = subprocess.run(
        [require("strace"), "-f", "-qq", "-o", str(log), "-e",
         "trace=open,openat,creat,truncate,rename,renameat,renameat2",
         *OLENV, "login", "--profile", "dev"],
        env=env, capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL,
        start_new_session=True)
    assert result.returncode == 0, result.stderr
    calls = log.read_text().splitlines()
    quoted = f'"{path}"'
    opened = [call for call in calls if quoted in call and re.search(r"\bopen(at)?\(", call)]
    assert opened and all("O_RDONLY" in call and "O_TRUNC" not in call for call in opened), opened
    assert not [call for call in calls if quoted in call and re.search(r"\b(creat|truncate)\(",
                                                                       call)]
    renamed = [call for call in calls if re.search(r"\brename(at2?)?\(", call) and
               call.rstrip().endswith(f"{quoted}) = 0") or f"{quoted}, 0) = 0" in call]
    temp = re.escape(str(path.parent)) + r"/\.credentials\.\w+"
    assert len(renamed) == 1 and re.search(f'"{temp}"', renamed[0]), renamed
    assert "[dev]" in path.read_text() and path.read_text().startswith("[keep]\na = 1\n")


def test_a_fifo_in_place_of_the_file_is_refused_at_once(tmp_path):
    path = tmp_path / "credentials"
    os.mkfifo(path)
    with pytest.raises(OlenvError, match="it is not a regular file"):
        write(path, "dev", CREDS)  # without O_NONBLOCK the open would wait for a writer


@pytest.mark.parametrize("text, expected", [
    ("[dev] ; a note\naws_access_key_id = OLD\n", "[dev] ; a note\naws_access_key_id = ASIANEW\n"
                                                  "region = eu-west-1\n"),
    ("[ dev ]\na = 1\n", "[ dev ]\na = 1\n\n[dev]\naws_access_key_id = ASIANEW\n"
                         "region = eu-west-1\n"),
    ("# [dev]\n[dev]\nAws_Access_Key_Id:OLD\n", "# [dev]\n[dev]\naws_access_key_id = ASIANEW\n"
                                                "region = eu-west-1\n"),
    ("[dev]\ns3 =\n  region = kept, a continuation\n",
     "[dev]\ns3 =\n  region = kept, a continuation\naws_access_key_id = ASIANEW\n"
     "region = eu-west-1\n"),
])
def test_sections_and_keys_are_found_as_botocore_reads_them(text, expected):
    import configparser

    new = update(text, "dev", NEW)
    assert new == expected
    parser = configparser.RawConfigParser()
    parser.read_string(new)  # no duplicate section or key: botocore reads it
    assert parser["dev"]["aws_access_key_id"] == "ASIANEW"
