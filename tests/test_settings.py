"""Settings: file search, precedence, validation of everything that picks a host."""

import json

import pytest
from conftest import run_olenv

from olenv import trust
from olenv.errors import ConfigError
from olenv.settings import load, onelogin_base

SDK = {"client_id": "id", "client_secret": "secret", "region": "us"}


def layout(tmp_path, sdk=SDK, aws=None, accounts=None, where=".onelogin"):
    home = tmp_path / "home"
    folder = home / where
    folder.mkdir(parents=True, exist_ok=True)
    cwd = tmp_path / "work"
    cwd.mkdir(exist_ok=True)
    if sdk is not None:
        (folder / "onelogin.sdk.json").write_text(sdk if isinstance(sdk, str) else json.dumps(sdk))
        (folder / "onelogin.sdk.json").chmod(0o600)
    if aws is not None:
        (folder / "onelogin.aws.json").write_text(aws if isinstance(aws, str) else json.dumps(aws))
    if accounts is not None:
        (folder / "accounts.yaml").write_text(accounts)
    return home, cwd


def settings(tmp_path, cli=None, env=None, **files):
    home, cwd = layout(tmp_path, **files)
    return load(cli or {}, env=env or {}, cwd=cwd, home=home)


def test_precedence_follows_the_seed_example(tmp_path):
    aws = {"aws_region": "eu-west-1", "aws_account_id": "111111111111", "aws_role_name": "Reader",
           "profiles": {"my-account": {"aws_account_id": "333333333333", "aws_role_name": "Admin"}}}
    s = settings(tmp_path, {"profile": "my-account", "aws_account_id": "22222222"}, aws=aws)
    assert (s.aws_role_name, s.aws_account_id, s.aws_region) == ("Admin", "000022222222", "eu-west-1")
    assert s.sources["aws_role_name"].startswith("profile my-account in ")
    assert s.sources["aws_account_id"] == "command line"
    assert s.sources["aws_region"].endswith("onelogin.aws.json")
    assert s.sources["duration"] == "default" and s.duration == 3600


def test_profile_from_the_file_selects_its_section(tmp_path):
    aws = {"profile": "p", "aws_role_name": "Top", "profiles": {"p": {"aws_role_name": "FromProfile"}}}
    assert settings(tmp_path, aws=aws).aws_role_name == "FromProfile"


def test_falsy_values_do_not_count(tmp_path):
    s = settings(tmp_path, aws={"duration": 0, "username": ""})
    assert s.duration == 3600 and s.username is None


def test_config_dir_beats_cwd_beats_home(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    home, cwd = layout(tmp_path, aws={"username": "home"})
    (cwd / "onelogin.aws.json").write_text(json.dumps({"username": "cwd"}))
    other = tmp_path / "other"
    other.mkdir()
    # The current directory's file counts once allowed (the notice: test_settings_trust.py).
    assert load({}, env={}, cwd=cwd, home=home).username == "home"
    assert "is not allowed yet" in capsys.readouterr().err
    trust.record(cwd / "onelogin.aws.json", trust.ALLOW, (cwd / "onelogin.aws.json").read_bytes())
    assert load({}, env={}, cwd=cwd, home=home).username == "cwd"
    (other / "onelogin.aws.json").write_text(json.dumps({"username": "dir"}))
    assert load({"config_dir": str(other)}, env={}, cwd=cwd, home=home).username == "dir"


def test_accounts_yaml_keys_compare_as_12_digit_strings(tmp_path):
    accounts = "accounts:\n  111111111111: prod\n  '222222222222': dev\n  012345670123: old\n"
    s = settings(tmp_path, accounts=accounts)
    assert s.aliases["111111111111"] == "prod" and s.aliases["222222222222"] == "dev"
    assert s.aliases["012345670123"] == "old"


def test_env_password_and_api_credentials(tmp_path):
    s = settings(tmp_path, sdk=None, env={"OLENV_PASSWORD": "pw", "OLENV_CLIENT_ID": "i",
                                          "OLENV_CLIENT_SECRET": "s"})
    assert (s.password, s.client_id, s.client_secret) == ("pw", "i", "s")
    assert "pw" not in repr(s) and "'s'" not in repr(s)


@pytest.mark.parametrize("region, tenant, override, expected", [
    ("us", None, None, "https://api.us.onelogin.com"),
    ("eu", None, None, "https://api.eu.onelogin.com"),
    (None, "acme-corp", None, "https://acme-corp.onelogin.com"),
    ("us", None, "http://127.0.0.1:8080/", "http://127.0.0.1:8080"),
    ("us", None, "http://[::1]:8080", "http://[::1]:8080"),
    ("us", None, "https://proxy.example.com/onelogin", "https://proxy.example.com/onelogin"),
])
def test_onelogin_base(region, tenant, override, expected):
    assert onelogin_base(override, region, tenant) == expected


@pytest.mark.parametrize("region, tenant, override, message", [
    ("evil.example/x?", None, None, "is not us or eu"),
    ("US", None, None, "is not us or eu"),
    (None, "evil.com/x", None, "is not a OneLogin tenant name"),
    (None, "-x", None, "is not a OneLogin tenant name"),
    ("us", None, "http://evil.example.com", "only to a loopback"),
    ("us", None, "ftp://127.0.0.1", "is not an http(s) URL"),
    ("us", None, "https://user:pw@host.example", "credentials, query or fragment"),
    ("us", None, "https://host.example/?next=x", "credentials, query or fragment"),
])
def test_hosts_that_could_steal_the_password_are_refused(region, tenant, override, message):
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(")", r"\)")):
        onelogin_base(override, region, tenant)


@pytest.mark.parametrize("files, cli, message", [
    ({"sdk": "{not json"}, {}, "not valid JSON"),
    ({"sdk": "[1, 2]"}, {}, "expected a JSON object"),
    ({"sdk": {"client_id": "x"}}, {}, "no OneLogin API client_id and client_secret"),
    ({"sdk": {**SDK, "region": "evil.example/"}}, {}, "is not us or eu"),
    ({"aws": {"duration": 60}}, {}, "outside 900-43200"),
    ({"aws": {"duration": "long"}}, {}, "is not a number"),
    ({}, {"duration": "50000"}, "outside 900-43200"),
    ({"aws": {"subdomain": "a.b"}}, {}, "not a OneLogin tenant name"),
    ({"aws": {"aws_account_id": "12345678901234"}}, {}, "is not an AWS account id"),
    ({"aws": {"aws_region": "mars"}}, {}, "is not an AWS region"),
    ({"aws": {"username": ["a"]}}, {}, "expected a string"),
    ({"aws": {"profiles": []}}, {}, "'profiles' must map"),
    ({"aws": {"profile": "p", "profiles": {"p": 3}}}, {}, "profile 'p' must be an object"),
    ({}, {"saml_api_version": "3"}, "must be 1 or 2"),
    ({"accounts": "accounts: [1, 2]"}, {}, "expected 'accounts:'"),
    ({"accounts": "accounts: {abc: x}"}, {}, "is not an AWS account id"),
    ({"accounts": "accounts: {: ["}, {}, "not valid YAML"),
])
def test_bad_settings_give_one_clear_line(tmp_path, files, cli, message):
    with pytest.raises(ConfigError, match=message) as caught:
        settings(tmp_path, cli, **files)
    assert "\n" not in str(caught.value)


def test_missing_config_dir_is_an_error(tmp_path):
    with pytest.raises(ConfigError, match="is not a directory"):
        settings(tmp_path, {"config_dir": str(tmp_path / "nope")})


def test_warnings_for_unknown_keys_and_a_readable_secret(tmp_path, capsys):
    home, cwd = layout(tmp_path, sdk={**SDK, "colour": "red"}, aws={"usrname": "typo"})
    (home / ".onelogin" / "onelogin.sdk.json").chmod(0o644)
    load({}, env={}, cwd=cwd, home=home)
    err = capsys.readouterr().err
    assert "unknown key 'colour'" in err and "unknown key 'usrname'" in err
    assert "readable by others: chmod 600" in err


@pytest.mark.parametrize("variables, origin", [
    ({}, "{home}/.onelogin/onelogin.sdk.json"),
    ({"OLENV_CLIENT_ID": "wrong", "OLENV_CLIENT_SECRET": "wrong"},
     "OLENV_CLIENT_ID and OLENV_CLIENT_SECRET"),
    ({"OLENV_CLIENT_SECRET": "wrong"},
     "the client id from {home}/.onelogin/onelogin.sdk.json and the secret from OLENV_CLIENT_SECRET"),
])
def test_a_rejected_api_client_names_where_it_came_from(onelogin, env, home, variables, origin):
    if not variables:  # the file's own client is the wrong one
        sdk = home / ".onelogin" / "onelogin.sdk.json"
        sdk.write_text(json.dumps({**json.loads(sdk.read_text()), "client_secret": "wrong"}))
    onelogin.add_user("alice@example.com", "pw")
    result = run_olenv(["credential-process"], {**env, "OLENV_PASSWORD": "pw", **variables})
    assert (result.returncode, result.stderr) == (
        1, "olenv: OneLogin rejected the API client id/secret (HTTP 401): check "
           f"{origin.format(home=home)}\n")
    assert onelogin.count("saml_assertion") == 0
