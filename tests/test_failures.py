"""Every bad input and every failure: one line on stderr, the right exit code, and
an existing credentials file left byte for byte as it was."""

import json
import socket

import pytest
from conftest import run_olenv

ORIGINAL = b"# mine\n[dev]\naws_access_key_id = AKIAKEEP\naws_secret_access_key = keep\n"


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def sdk(home, **changes):
    path = home / ".onelogin" / "onelogin.sdk.json"
    data = json.loads(path.read_text())
    data.update(changes)
    path.write_text(json.dumps(data))


def aws(home, **changes):
    path = home / ".onelogin" / "onelogin.aws.json"
    data = json.loads(path.read_text())
    data.update(changes)
    path.write_text(json.dumps(data))


OTP_DEVICE = {"device_id": 666666, "device_type": "Google Authenticator"}

# name: (arrange(onelogin, home, env) -> extra args, exit code, text in the line)
CASES = {
    "sdk file not JSON": (lambda o, h, e: (h / ".onelogin" / "onelogin.sdk.json").write_text("{"),
                          2, "not valid JSON"),
    "region redirects the password": (lambda o, h, e: sdk(h, region="evil.example/x?"), 2,
                                      "is not us or eu"),
    "tenant redirects the password": (lambda o, h, e: sdk(h, subdomain="evil.com/"), 2,
                                      "is not a OneLogin tenant name"),
    "plain http to another host": (lambda o, h, e: e.update(
        OLENV_ONELOGIN_URL="http://onelogin.example.com"), 2, "only to a loopback"),
    "no API credentials": (lambda o, h, e: (h / ".onelogin" / "onelogin.sdk.json").unlink(), 2,
                           "no OneLogin API client_id"),
    "bad duration": (lambda o, h, e: ["-z", "100"], 2, "outside 900-43200"),
    "bad account id": (lambda o, h, e: ["--aws-account-id", "x1"], 2, "not an AWS account id"),
    "bad section name": (lambda o, h, e: ["--profile", "a b"], 2, "cannot be a credentials"),
    "section name ending in a newline": (lambda o, h, e: ["--profile", "dev\n"], 2,
                                         "cannot be a credentials"),
    "unknown option": (lambda o, h, e: ["--no-such-option"], 2,
                       "login: unknown option --no-such-option (see olenv login --help)"),
    "wrong API secret": (lambda o, h, e: sdk(h, client_secret="wrong"), 1, "HTTP 401"),
    "wrong password": (lambda o, h, e: e.update(OLENV_PASSWORD="wrong"), 1, "credentials"),
    "unknown app": (lambda o, h, e: ["--onelogin-app-id", "999"], 1, "App could not be found"),
    "OneLogin down": (lambda o, h, e: e.update(
        OLENV_ONELOGIN_URL=f"http://127.0.0.1:{closed_port()}"), 1, "cannot reach OneLogin"),
    "OneLogin 500s": (lambda o, h, e: o.fail_next("token", 500, times=20), 1, "500"),
    "OneLogin HTML page": (lambda o, h, e: o.fail_next("saml_assertion", 502, times=20,
                                                       body="<html>Bad gateway</html>"), 1, "502"),
    "no such role": (lambda o, h, e: ["--aws-role-name", "Nope"], 2, "Nope"),
    "no username, no terminal": (lambda o, h, e: aws(h, username=""), 2, "username"),
}


def case(name, status, text):
    def register(arrange):
        CASES[name] = (arrange, status, text)
        return arrange
    return register


def other_user(onelogin, env, **user):
    onelogin.add_user("bob@example.com", "pw", **user)
    env["OLENV_PASSWORD"] = "pw"
    return ["-u", "bob@example.com"]


@case("locked user", 1, "locked")
def _locked(o, h, e):
    return other_user(o, e, locked=True)


@case("MFA with no terminal", 2, "no terminal")
def _mfa(o, h, e):
    return other_user(o, e, devices=[OTP_DEVICE])


@case("unknown MFA device", 2, "yubikey")
def _unknown_device(o, h, e):
    return other_user(o, e, devices=[OTP_DEVICE]) + ["--mfa-device", "yubikey"]


@case("MFA device that needs a browser", 1, "the MFA device WebAuthn (5555555) cannot be used from a terminal")
def _webauthn(o, h, e):
    return other_user(o, e, devices=[{"device_id": 5555555, "device_type": "WebAuthn"}])


@case("MFA required, no device enrolled", 1, "enrol one in OneLogin first")
def _unenrolled(o, h, e):
    return other_user(o, e, mfa_unenrolled=True)


@case("email code with no terminal", 2, "no terminal to type it")
def _email(o, h, e):
    return other_user(o, e, devices=[{"device_id": 3333333, "device_type": "OneLogin Email"}])


@case("OneLogin limiting requests", 1, "try again in 10 min")
def _limited(o, h, e):
    o.fail_next("saml_assertion", 429, headers={"X-RateLimit-Reset": "600"})


@pytest.mark.parametrize("case", sorted(CASES))
def test_failure_is_one_line_and_loses_nothing(case, onelogin, env, home):
    onelogin.add_user("alice@example.com", "correct horse")
    env["OLENV_PASSWORD"] = "correct horse"
    credentials = home / ".aws" / "credentials"
    credentials.write_bytes(ORIGINAL)
    arrange, status, text = CASES[case]
    extra = arrange(onelogin, home, env)
    extra = extra if isinstance(extra, list) else []
    profile = [] if "--profile" in extra else ["--profile", "dev"]
    result = run_olenv(["login", *profile, *extra], env)
    lines = result.stderr.splitlines()
    assert result.returncode == status, result.stderr
    assert len(lines) == 1 and lines[0].startswith(("olenv: ", "olenv login: ")), result.stderr
    assert text in lines[0]
    assert "Traceback" not in result.stderr and result.stdout == ""
    assert credentials.read_bytes() == ORIGINAL
    assert sorted(p.name for p in credentials.parent.iterdir()) == ["credentials"]
    for secret in ("correct horse", onelogin.client_secret):
        assert secret not in result.stderr


def test_a_wrong_password_is_sent_once(onelogin, env):
    user = onelogin.add_user("alice@example.com", "correct horse")
    env["OLENV_PASSWORD"] = "wrong"
    assert run_olenv(["credential-process"], env).returncode == 1
    assert onelogin.count("saml_assertion") == 1 and user.saml_assertion_calls == 1


def test_with_debug_a_traceback_is_shown(onelogin, env):
    env["OLENV_PASSWORD"] = "x"
    result = run_olenv(["credential-process", "--debug", "--aws-account-id", "abc"], env)
    assert result.returncode == 2 and "Traceback" in result.stderr


def test_unknown_command_and_usage(env):
    result = run_olenv(["frobnicate"], env)
    assert (result.returncode, result.stderr) == (
        2, "olenv: unknown command 'frobnicate' (see olenv --help)\n")
    assert run_olenv([], env).returncode == 2
    helped = run_olenv(["--help"], env)
    assert helped.returncode == 0 and "\n  exec " in helped.stdout


def test_export_with_an_unknown_shell_fails_before_signing_in(onelogin, env):
    result = run_olenv(["export", "--shell", "csh"], env)
    assert result.returncode == 2 and "unknown shell 'csh'" in result.stderr
    assert onelogin.count("saml_assertion") == 0
