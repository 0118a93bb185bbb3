"""The credentials file writer: one section changes, everything else stays."""

import stat
from datetime import datetime, timezone

import pytest

from olenv.credentials import Credentials
from olenv.errors import UsageError
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
    assert sorted(p.name for p in tmp_path.iterdir()) == ["credentials", "credentials.lock"]


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
