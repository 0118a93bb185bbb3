"""Settings written by someone else (a cloned repository, a shared home): nothing in
them may send the password to another host, and nothing in them may crash olenv."""

import json
import os
import string

import pytest
import urllib3
from conftest import run_olenv
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from olenv.errors import ConfigError
from olenv.settings import load, onelogin_base

FAST = settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck))

# Text close to a host name, so the generator finds the near misses.
HOSTY = st.text(st.sampled_from(string.ascii_letters + string.digits + "-._~:/?#[]@!$&'()*+,;=%\\"
                                "\n\r\t \0\u0430\u0435\u0131\uff0e\u3002"), max_size=24)


def where_urllib3_connects(base: str) -> tuple[str, str]:
    url = urllib3.util.parse_url(base + "/api/2/saml_assertion")
    return url.scheme, url.host


@FAST
@given(region=st.one_of(st.none(), st.sampled_from(["us", "eu"]), HOSTY),
       tenant=st.one_of(st.none(), HOSTY))
def test_region_and_tenant_lead_only_to_onelogin(region, tenant):
    try:
        base = onelogin_base(None, region, tenant)
    except ConfigError as error:
        assert "\n" not in str(error)
        return
    scheme, host = where_urllib3_connects(base)
    assert scheme == "https" and host.endswith(".onelogin.com")
    label = host.removesuffix(".onelogin.com")
    assert label in ("api.us", "api.eu") or label == tenant
    assert all(ch in string.ascii_lowercase + string.digits + "-" for ch in tenant or "")


@FAST
@given(host=st.one_of(HOSTY, st.sampled_from([
    "127.0.0.1", "localhost", "[::1]", "127.0.0.1.evil.com", "localhost.evil.com", "127.1",
    "0x7f.0.0.1", "2130706433", "[::ffff:127.0.0.1]", "127.0.0.1\\@evil.com",
    "evil.com\\@127.0.0.1", "127.0.0.1:80@evil.com", "evil.com#@127.0.0.1"])),
    port=st.sampled_from(["", ":8080", ":0", ":99999", ":x"]), path=HOSTY)
def test_a_plain_http_override_reaches_only_loopback(host, port, path):
    override = f"http://{host}{port}/{path}"
    try:
        base = onelogin_base(override, None, None)
        scheme, target = where_urllib3_connects(base)
    except (ConfigError, ValueError):
        return  # refused by olenv, or a URL urllib3 would not send anything to
    assume(scheme == "http")
    assert target in ("localhost", "[::1]") or target.startswith("127."), (override, target)


@pytest.mark.parametrize("where, key, value", [
    ("sdk", "region", "us\n"), ("sdk", "region", "US"), ("sdk", "region", "eu.evil.com#"),
    ("sdk", "subdomain", "acme\n"), ("sdk", "subdomain", "acme.evil.com"),
    ("sdk", "subdomain", "acme:444"), ("sdk", "subdomain", "acme@evil"),
    ("sdk", "subdomain", "\u0430cme"), ("sdk", "subdomain", ["acme"]),
    ("aws", "subdomain", "acme\n"), ("aws", "aws_region", "eu-west-1\n"),
    ("aws", "aws_account_id", "\u0661" * 12), ("aws", "push_interval", "nan"),
    ("aws", "push_timeout", "inf"), ("aws", "duration", 1e400),
])
def test_a_bad_value_in_a_cloned_repository_is_refused_before_any_request(
        onelogin, env, tmp_path, where, key, value):
    onelogin.add_user("alice@example.com", "pw")
    env["OLENV_PASSWORD"] = "pw"
    repo = tmp_path / "repo"
    repo.mkdir()
    name = "onelogin.sdk.json" if where == "sdk" else "onelogin.aws.json"
    data = json.loads((tmp_path / "home" / ".onelogin" / name).read_text())
    data[key] = value
    (repo / name).write_text(json.dumps(data))
    (repo / name).chmod(0o600)
    # Not allowed, it is left out (test_settings_trust.py); allowed, it is checked like any.
    assert run_olenv(["allow", str(repo / name)], env).returncode == 0
    result = run_olenv(["credential-process"], env, cwd=repo)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("olenv: ") and "Traceback" not in lines[0]
    assert onelogin.requests == []


SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-10**20, 10**20),
                    st.floats(), st.text(max_size=12),
                    st.sampled_from(["us", "eu", "acme", "eu-west-1", "900", "nan", "-1",
                                     "111111111111", "0x10", "1e3", " 3600 "]))
VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=3)
                      | st.dictionaries(st.text(max_size=8), inner, max_size=3), max_leaves=6)
AWS_KEYS = ["app_id", "subdomain", "username", "profile", "duration", "aws_region",
            "aws_account_id", "aws_role_name", "push_interval", "push_timeout", "profiles",
            "keychain_service", "unknown"]


@pytest.fixture
def layout(tmp_path):
    home, cwd = tmp_path / "home", tmp_path / "cwd"
    (home / ".onelogin").mkdir(parents=True)
    cwd.mkdir()
    return home, cwd


def test_any_json_in_the_settings_files_loads_or_is_one_clear_line(layout, capsys):
    home, cwd = layout
    folder = home / ".onelogin"

    @FAST
    @given(aws=st.dictionaries(st.sampled_from(AWS_KEYS), VALUES, max_size=6),
           sdk=st.dictionaries(st.sampled_from(["client_id", "client_secret", "region", "ip",
                                                "subdomain", "extra"]), VALUES, max_size=5),
           profile=st.one_of(st.none(), st.sampled_from(["p", "q"])))
    def check(aws, sdk, profile):
        if isinstance(aws.get("profiles"), dict) or profile:
            aws.setdefault("profiles", {"p": aws.pop("profiles", {"aws_region": "eu-west-1"})})
        (folder / "onelogin.aws.json").write_text(json.dumps(aws))
        (folder / "onelogin.sdk.json").write_text(json.dumps(sdk))
        try:
            loaded = load({"profile": profile}, env={}, cwd=cwd, home=home)
        except ConfigError as error:
            assert "\n" not in str(error)
            return
        assert 900 <= loaded.duration <= 43200 and loaded.push_interval > 0
        assert loaded.push_interval < float("inf") and loaded.push_timeout < float("inf")
        assert loaded.base_url.startswith("https://") and loaded.base_url.endswith(".onelogin.com")
        capsys.readouterr()

    check()


@FAST
@given(text=st.text(max_size=80) | st.sampled_from([
    "accounts: {1: a}", "accounts: !!python/object/apply:os.system [echo]", "accounts:\n  - 1",
    "&a [*a]", "accounts: {012345670123: x, '000000000001': 2}", "accounts: {111111111111: ~}",
    "accounts: *x", "? [a]\n: b", "accounts: {[1]: a}", "%YAML 9.9\n---\n"]))
def test_any_accounts_yaml_loads_or_is_one_clear_line(tmp_path_factory, text):
    home = tmp_path_factory.getbasetemp() / "yaml-home"
    (home / ".onelogin").mkdir(parents=True, exist_ok=True)
    (home / ".onelogin" / "accounts.yaml").write_text(text)
    env = {"OLENV_CLIENT_ID": "id", "OLENV_CLIENT_SECRET": "secret"}
    try:
        loaded = load({}, env=env, cwd=home, home=home)
    except ConfigError as error:
        assert "\n" not in str(error)
        return
    for account, name in loaded.aliases.items():
        assert len(account) == 12 and account.isascii() and account.isdigit()
        assert isinstance(name, str)


def test_warnings_go_to_stderr_and_the_export_still_works(onelogin, env, home):
    onelogin.add_user("alice@example.com", "pw")
    env["OLENV_PASSWORD"] = "pw"
    sdk = home / ".onelogin" / "onelogin.sdk.json"
    sdk.write_text(json.dumps({**json.loads(sdk.read_text()), "colour": "red"}))
    sdk.chmod(0o644)
    result = run_olenv(["export", "--format", "json"], env)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["AWS_ACCESS_KEY_ID"].startswith("ASIA")
    assert "unknown key 'colour'" in result.stderr and "chmod 600" in result.stderr
    assert os.stat(sdk).st_mode & 0o777 == 0o644  # warned about, never changed
