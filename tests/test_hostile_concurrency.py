"""Ten `olenv login` runs at once on one credentials file: every section lands whole,
and what was there before is kept byte for byte."""

import configparser
import subprocess

from conftest import OLENV

ORIGINAL = ("# my comment, kept\n[keep]\naws_access_key_id = AKIAKEEP\n"
            "aws_secret_access_key = keep ; odd = but mine\n\n[p3]\n# a comment in a section\n"
            "aws_access_key_id = OLD\nregion = us-west-2\nextra = kept\n")


def test_ten_concurrent_logins_all_land(onelogin, env, home):
    onelogin.add_user("alice@example.com", "pw")
    env["OLENV_PASSWORD"] = "pw"
    credentials = home / ".aws" / "credentials"
    credentials.write_text(ORIGINAL)
    runs = [subprocess.Popen(OLENV + ["login", "--profile", f"p{n}"], env=env,
                             stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, start_new_session=True)
            for n in range(10)]
    results = [(run.wait(timeout=120), *run.communicate()) for run in runs]
    assert all(status == 0 for status, _, _ in results), results
    text = credentials.read_text()
    assert text.startswith(ORIGINAL.split("[p3]")[0])
    parser = configparser.ConfigParser(interpolation=None, inline_comment_prefixes=None)
    parser.read_string(text)  # a duplicate section or key would raise here
    assert set(parser.sections()) == {"keep"} | {f"p{n}" for n in range(10)}
    assert dict(parser["keep"]) == {"aws_access_key_id": "AKIAKEEP",
                                    "aws_secret_access_key": "keep ; odd = but mine"}
    for n in range(10):
        section = parser[f"p{n}"]
        assert section["aws_access_key_id"].startswith("ASIA")
        assert section["aws_session_token"] == section["aws_security_token"]
        assert section["region"] == "eu-west-1"
    assert parser["p3"]["extra"] == "kept" and "# a comment in a section" in text
    assert (credentials.stat().st_mode & 0o777) == 0o600
    # Nothing stays beside it: no temporary file, and no lock file (the lock is on the file).
    assert sorted(p.name for p in credentials.parent.iterdir()) == ["credentials"]
