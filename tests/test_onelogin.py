"""OneLogin: reply reading, the HTTP client and the sign-in flow, against the fake API."""

import contextlib
import hashlib
import json
import os
import socket
import sys
import textwrap
import threading
from pathlib import Path

import pexpect
import pytest
from fakes.onelogin import FakeOneLogin

from olenv import __version__
from olenv.errors import SignInError, UsageError
from olenv.onelogin.client import OneLoginClient
from olenv.onelogin.mfa import factor_for
from olenv.onelogin.mfa.otp import OtpFactor
from olenv.onelogin.mfa.push import PushFactor
from olenv.onelogin.mfa.triggered import SmsFactor
from olenv.onelogin.replies import (
    ApiError,
    Device,
    FactorRejected,
    InvalidCredentials,
    MfaRequired,
    Pending,
    StateTokenExpired,
    Success,
    classify,
    error_for,
    message_of,
)
from olenv.onelogin.signin import SignInRequest, choose_device, sign_in
from olenv.terminal import Terminal

ROOT = Path(__file__).resolve().parent.parent
USER, PASSWORD = "alice@example.com", "correct horse battery"
OTP, PUSH, SMS = FakeOneLogin.OTP, FakeOneLogin.PUSH, FakeOneLogin.SMS


class Script(Terminal):
    """A terminal whose answers are given in advance; a callable answer is called."""

    def __init__(self, *answers, interactive=True):
        super().__init__(path="/nonexistent")
        self.answers = list(answers)
        self.prompts: list[str] = []
        self.said: list[str] = []
        self.menus: list[list[str]] = []
        self._interactive = interactive

    @property
    def interactive(self):
        return self._interactive

    def say(self, text=""):
        self.said.append(text)

    def _answer(self, prompt, what):
        self._need(what)
        self.prompts.append(prompt)
        if not self.answers:
            raise AssertionError(f"unexpected question: {prompt}")
        answer = self.answers.pop(0)
        return answer() if callable(answer) else answer

    ask = ask_secret = _answer

    def choose(self, title, rows, what):
        self.menus.append(rows)
        return int(self._answer("menu", what))

    @contextlib.contextmanager
    def spinner(self, message):
        self.said.append(message)
        yield


def quiet():
    return Script(interactive=False)


@pytest.fixture
def fake():
    with FakeOneLogin() as server:
        yield server


def client_for(fake, version=2, **kwargs):
    kwargs.setdefault("backoff", 0.001)
    kwargs.setdefault("timeout", (2, 5))
    return OneLoginClient(fake.url, fake.client_id, fake.client_secret, api_version=version,
                          **kwargs)


def request_for(fake, password=PASSWORD, **kwargs):
    kwargs.setdefault("push_interval", 0.05)
    return SignInRequest(username=USER, password=password, app_id=fake.app_id,
                         subdomain=fake.subdomain, **kwargs)


def verify_bodies(fake):
    return [r.json for r in fake.requests if r.path.endswith("/verify_factor")]


# --- replies -----------------------------------------------------------------

def test_classify_success_v1_and_v2():
    assert classify({"status": {"type": "success", "message": "Success", "error": False,
                                "code": 200}, "data": "PHNhbWw+"}) == Success("PHNhbWw+")
    assert classify({"data": "PHNhbWw+", "message": "Success"}) == Success("PHNhbWw+")
    # The assertion is a bearer credential: a repr in a log or a traceback never shows it.
    assert repr(Success("PHNhbWw+")) == "Success(saml=<hidden>)"


def test_classify_mfa_v1_and_v2():
    devices = [{"device_id": 666666, "device_type": "Google Authenticator"},
               {"device_type": "Yubico YubiKey", "device_id": 1111111}]
    mfa = {"state_token": "st", "devices": devices, "callback_url": "https://x/cb",
           "user": {"id": 88888888}}
    v1 = classify({"status": {"type": "success", "message": "MFA is required for this user",
                              "code": 200, "error": False}, "data": [mfa]})
    v2 = classify({"message": "MFA is required for this user", **mfa})
    expected = MfaRequired("st", [Device("666666", "Google Authenticator"),
                                  Device("1111111", "Yubico YubiKey")], "88888888", "https://x/cb")
    assert v1 == v2 == expected
    assert "st" not in repr(v1)


@pytest.mark.parametrize("body", [
    {"status": {"type": "pending", "message": "Authentication pending on OL Protect",
                "code": 200, "error": False}, "data": None},
    {"message": "Authentication pending on OL Protect"},
    {"message": "PENDING"},
])
def test_classify_pending(body):
    assert isinstance(classify(body), Pending)


@pytest.mark.parametrize("body", [
    {}, {"message": "Something else"}, [], "text",
    {"status": {"error": True, "code": 401, "message": "Failed"}},
    {"statusCode": 401, "name": "Unauthorized", "message": "nope"},
])
def test_classify_unknown_or_error_is_none(body):
    assert classify(body) is None


@pytest.mark.parametrize("kind, expected", [
    ("OneLogin Protect", "push"), ("OneLogin", "push"), ("OneLogin SMS", "sms"), ("SMS", "sms"),
    ("Google Authenticator", "otp"), ("Yubico YubiKey", "otp"),
])
def test_device_kind(kind, expected):
    assert Device("1", kind).kind == expected


def test_message_of_both_shapes():
    assert message_of({"status": {"message": "Invalid subdomain"}}) == "Invalid subdomain"
    assert message_of({"status": {"message": {"description": "password is empty",
                                              "attribute": "password"}}}) == "password is empty"
    assert message_of({"statusCode": 401, "name": "Unauthorized",
                       "message": "User is locked. Access is unauthorized"}) \
        == "User is locked. Access is unauthorized"
    assert message_of({"statusCode": 500, "name": "InternalError"}) == "InternalError"
    assert message_of(None) == "no message"


@pytest.mark.parametrize("status, body, step, kind", [
    (401, {"status": {"error": True, "code": 401,
                      "message": "Authentication Failed: Invalid user credentials"}},
     "sign-in", InvalidCredentials),
    (400, {"statusCode": 400, "name": "BadRequest", "message": "password is empty"},
     "sign-in", InvalidCredentials),
    (401, {"statusCode": 401, "message": "State token is invalid or expired"},
     "MFA verification", StateTokenExpired),
    (401, {"status": {"message": "Failed authentication with this factor"}},
     "MFA verification", FactorRejected),
    (401, {"message": "Authentication denied"}, "MFA verification", FactorRejected),
    (401, {"message": "User is locked. Access is unauthorized"}, "sign-in", ApiError),
    (401, {"statusCode": 401, "name": "InvalidCredentials",
           "message": "Please provide valid credentials"}, "sign-in", ApiError),
])
def test_error_for(status, body, step, kind):
    error = error_for(status, body, step)
    assert type(error) is kind
    assert isinstance(error, SignInError)
    assert f"(HTTP {status})" in str(error)


def test_error_line_names_status_and_message():
    error = error_for(401, {"statusCode": 401, "name": "Unauthorized",
                            "message": "User is locked. Access is unauthorized"}, "sign-in")
    assert str(error) == ("OneLogin refused the sign-in (HTTP 401): "
                          "User is locked. Access is unauthorized")
    assert (error.status, error.message) == (401, "User is locked. Access is unauthorized")


def test_factor_for_kinds():
    assert isinstance(factor_for(Device("1", "OneLogin Protect")), PushFactor)
    assert isinstance(factor_for(Device("1", "OneLogin SMS")), SmsFactor)
    assert isinstance(factor_for(Device("1", "Google Authenticator")), OtpFactor)


# --- device choice -------------------------------------------------------------

DEVICES = [Device("666666", "Google Authenticator"), Device("888888", "OneLogin Protect"),
           Device("777777", "OneLogin SMS")]


@pytest.mark.parametrize("wanted, expected", [
    ("google", "666666"), ("PROTECT", "888888"), ("push", "888888"), ("sms", "777777"),
    ("777777", "777777"), ("888888", "888888"),
])
def test_choose_device_by_option(wanted, expected):
    assert choose_device(DEVICES, wanted, quiet()).id == expected


def test_choose_device_unknown_lists_devices():
    with pytest.raises(UsageError) as error:
        choose_device(DEVICES, "yubikey", quiet())
    assert "Google Authenticator (666666)" in str(error.value)
    assert error.value.exit_code == 2


def test_choose_device_menu_and_no_terminal():
    terminal = Script("1")
    assert choose_device(DEVICES, None, terminal).id == "888888"
    assert terminal.menus == [["Google Authenticator (666666)", "OneLogin Protect (888888)",
                               "OneLogin SMS (777777)"]]
    with pytest.raises(UsageError, match="--mfa-device"):
        choose_device(DEVICES, None, quiet())
    assert choose_device(DEVICES[:1], None, quiet()).id == "666666"


# --- the client and the sign-in, end to end --------------------------------------

@pytest.mark.parametrize("version", [1, 2])
def test_no_mfa(fake, version):
    user = fake.add_user(USER, PASSWORD)
    client = client_for(fake, version)
    assert sign_in(client, request_for(fake), quiet()) == user.assertions[-1]
    assert sign_in(client, request_for(fake), quiet()) == user.assertions[-1]
    assert fake.count("/oauth2/v2/token") == 1  # the token is fetched once
    call = [r for r in fake.requests if r.path == f"/api/{version}/saml_assertion"][0]
    assert call.json == {"username_or_email": USER, "password": PASSWORD,
                         "app_id": fake.app_id, "subdomain": fake.subdomain}
    assert call.headers["User-Agent"] == f"olenv/{__version__}"
    assert call.headers["Authorization"].startswith("bearer ")
    token = [r for r in fake.requests if r.path.endswith("/token")][0]
    assert token.headers["Authorization"] == (f"client_id:{fake.client_id}, "
                                              f"client_secret:{fake.client_secret}")
    assert token.json == {"grant_type": "client_credentials"}


def test_ip_sent_as_ip_address(fake):
    user = fake.add_user(USER, PASSWORD, devices=[OTP], ip_allow="10.1.2.3")
    assert sign_in(client_for(fake), request_for(fake, ip="10.1.2.3"), quiet()) \
        == user.assertions[-1]
    assert fake.requests[-1].json["ip_address"] == "10.1.2.3"


@pytest.mark.parametrize("version", [1, 2])
def test_otp_from_request(fake, version):
    user = fake.add_user(USER, PASSWORD, devices=[OTP])
    saml = sign_in(client_for(fake, version), request_for(fake, otp="123456"), quiet())
    assert saml == user.assertions[-1]
    [body] = verify_bodies(fake)
    assert body["app_id"] == fake.app_id and body["device_id"] == "666666"
    assert body["otp_token"] == "123456" and body["do_not_notify"] is True
    assert body["state_token"]
    assert fake.requests[-1].path == f"/api/{version}/saml_assertion/verify_factor"


def test_wrong_otp_three_times(fake):
    fake.add_user(USER, PASSWORD, devices=[OTP])
    terminal = Script("000001", "000002", "000003")
    with pytest.raises(SignInError, match="^3 wrong OTP codes: giving up$"):
        sign_in(client_for(fake), request_for(fake, otp="000000"), terminal)
    assert fake.count("/verify_factor") == 3
    assert terminal.prompts == ["OTP code for Google Authenticator: "] * 2


def test_wrong_otp_then_right(fake):
    user = fake.add_user(USER, PASSWORD, devices=[OTP])
    terminal = Script("000001", "123456")
    assert sign_in(client_for(fake), request_for(fake), terminal) == user.assertions[-1]
    assert user.otp_tokens_seen == ["000001", "123456"]


def test_wrong_otp_without_terminal_fails_at_once(fake):
    fake.add_user(USER, PASSWORD, devices=[OTP])
    with pytest.raises(FactorRejected, match=r"\(HTTP 401\): Failed authentication"):
        sign_in(client_for(fake), request_for(fake, otp="000000"), quiet())
    assert fake.count("/verify_factor") == 1


def test_otp_needed_without_terminal_names_the_device(fake):
    fake.add_user(USER, PASSWORD, devices=[OTP])
    with pytest.raises(UsageError) as error:
        sign_in(client_for(fake), request_for(fake), quiet())
    assert str(error.value) == ("the --otp code of Google Authenticator (666666) is needed "
                                "and there is no terminal to ask for it")


@pytest.mark.parametrize("version", [1, 2])
def test_push_approved_after_two_polls(fake, version):
    user = fake.add_user(USER, PASSWORD, devices=[PUSH], push_after=2)
    terminal = Script(interactive=False)
    saml = sign_in(client_for(fake, version), request_for(fake), terminal)
    assert saml == user.assertions[-1]
    assert user.pushes_sent == 1
    # One notifying call, two polls still pending, the third approved.
    assert [b["do_not_notify"] for b in verify_bodies(fake)] == [False, True, True, True]
    assert all("otp_token" not in b for b in verify_bodies(fake))
    assert "Push sent to OneLogin Protect: approve it on your phone" in terminal.said


def test_push_denied(fake):
    user = fake.add_user(USER, PASSWORD, devices=[PUSH], push="deny")
    with pytest.raises(SignInError, match="^the push was denied$"):
        sign_in(client_for(fake), request_for(fake), quiet())
    assert user.pushes_sent == 1


def test_push_never_without_terminal(fake):
    user = fake.add_user(USER, PASSWORD, devices=[PUSH], push="never")
    with pytest.raises(SignInError, match="not approved within 0.3 s"):
        sign_in(client_for(fake), request_for(fake, push_timeout=0.3), quiet())
    assert user.pushes_sent == 1
    assert fake.count("/verify_factor") >= 3


def test_push_never_then_code_on_terminal(fake):
    user = fake.add_user(USER, PASSWORD, devices=[PUSH], push="never")
    terminal = Script("123456")
    assert sign_in(client_for(fake), request_for(fake, push_timeout=0.2), terminal) \
        == user.assertions[-1]
    assert terminal.prompts == ["OTP code for OneLogin Protect: "]


def test_push_device_with_otp_sends_no_push(fake):
    user = fake.add_user(USER, PASSWORD, devices=[PUSH])
    assert sign_in(client_for(fake), request_for(fake, otp="123456"), quiet()) \
        == user.assertions[-1]
    assert user.pushes_sent == 0


def test_sms(fake):
    user = fake.add_user(USER, PASSWORD, devices=[SMS])
    terminal = Script("123456")
    assert sign_in(client_for(fake), request_for(fake), terminal) == user.assertions[-1]
    assert user.sms_sent == 1
    assert "SMS with a code sent to OneLogin SMS (777777)" in terminal.said
    trigger, code = verify_bodies(fake)
    assert "otp_token" not in trigger and code["otp_token"] == "123456"


def test_state_token_expired_once_recovers(fake):
    user = fake.add_user(USER, PASSWORD, devices=[OTP])

    def expire_then_code():
        fake.expire_state_tokens()
        return "123456"

    terminal = Script(expire_then_code, "123456")
    assert sign_in(client_for(fake), request_for(fake), terminal) == user.assertions[-1]
    assert user.saml_assertion_calls == 2
    # The typed code was not used, and olenv says so before asking again.
    assert terminal.said == ["OneLogin did not take that code: State token is invalid or "
                             "expired. Signing in again."]
    assert user.otp_tokens_seen == ["123456"]  # the fake refused the first at the token


def test_state_token_expired_twice_gives_up(fake):
    user = fake.add_user(USER, PASSWORD, devices=[PUSH])
    fake.fail_next("/verify_factor", 401, times=2,
                   body={"statusCode": 401, "name": "Unauthorized",
                         "message": "State token is invalid or expired"})
    with pytest.raises(SignInError, match="expired twice"):
        sign_in(client_for(fake), request_for(fake), quiet())
    assert user.saml_assertion_calls == 2


def test_state_token_expired_during_push_recovers(fake):
    user = fake.add_user(USER, PASSWORD, devices=[OTP, PUSH])
    fake.fail_next("/verify_factor", 401, body={"status": {
        "error": True, "code": 401, "type": "Unauthorized",
        "message": "State token is invalid or expired"}})
    assert sign_in(client_for(fake, 1), request_for(fake, mfa_device="protect"), quiet()) \
        == user.assertions[-1]
    assert user.saml_assertion_calls == 2
    assert user.pushes_sent == 1  # the first push never reached the fake


def test_wrong_password_from_request_is_not_resent(fake):
    user = fake.add_user(USER, PASSWORD, devices=[OTP])
    terminal = Script("should not be asked")
    with pytest.raises(InvalidCredentials) as error:
        sign_in(client_for(fake), request_for(fake, password="wrong password"), terminal)
    assert str(error.value) == ("OneLogin refused the sign-in (HTTP 401): "
                                "Authentication Failed: Invalid user credentials")
    assert user.saml_assertion_calls == 1
    assert terminal.prompts == []


def test_typed_password_gets_one_more_chance(fake):
    user = fake.add_user(USER, PASSWORD)
    terminal = Script("wrong password", PASSWORD)
    request = request_for(fake, password=None)
    assert sign_in(client_for(fake), request, terminal) == user.assertions[-1]
    assert terminal.prompts == [f"OneLogin password for {USER}: "] * 2
    assert user.saml_assertion_calls == 2
    assert request.password == PASSWORD  # kept for a second sign-in in the same run


def test_typed_password_wrong_twice(fake):
    user = fake.add_user(USER, PASSWORD)
    terminal = Script("wrong one", "wrong two", "never asked")
    with pytest.raises(InvalidCredentials):
        sign_in(client_for(fake), request_for(fake, password=None), terminal)
    assert user.saml_assertion_calls == 2
    assert len(terminal.prompts) == 2


def test_locked_user(fake):
    user = fake.add_user(USER, PASSWORD, locked=True)
    with pytest.raises(SignInError) as error:
        sign_in(client_for(fake), request_for(fake), quiet())
    assert str(error.value) == ("OneLogin refused the sign-in (HTTP 401): "
                                "User is locked. Access is unauthorized")
    assert user.saml_assertion_calls == 1


def test_429_then_success_honours_retry_after(fake):
    user = fake.add_user(USER, PASSWORD)
    fake.fail_next("/saml_assertion", 429, headers={"Retry-After": "0"})
    client = client_for(fake, backoff=60)  # only Retry-After can make this fast
    assert sign_in(client, request_for(fake), quiet()) == user.assertions[-1]
    assert fake.count("/saml_assertion") == 2


def test_500_burst_beyond_retries(fake):
    fake.add_user(USER, PASSWORD)
    fake.fail_next("/token", 500, times=10)
    with pytest.raises(SignInError, match=r"OneLogin failed the API token request \(HTTP 500\)"):
        sign_in(client_for(fake, retries=3), request_for(fake), quiet())
    assert fake.count("/token") == 4


def test_500_on_saml_assertion_is_not_retried(fake):
    user = fake.add_user(USER, PASSWORD)
    fake.fail_next("/saml_assertion", 500)
    with pytest.raises(SignInError, match=r"failed the sign-in \(HTTP 500\)"):
        sign_in(client_for(fake), request_for(fake), quiet())
    assert user.saml_assertion_calls == 0 and fake.count("/saml_assertion") == 1


def test_503_on_saml_assertion_is_retried_once_after_a_short_wait(fake):
    user = fake.add_user(USER, PASSWORD)
    fake.fail_next("/saml_assertion", 503, headers={"Retry-After": "0"})
    assert sign_in(client_for(fake), request_for(fake), quiet()) == user.assertions[-1]
    assert fake.count("/saml_assertion") == 2
    fake.fail_next("/saml_assertion", 503, times=2, headers={"Retry-After": "0"})
    with pytest.raises(SignInError) as error:
        sign_in(client_for(fake), request_for(fake), quiet())
    assert str(error.value) == "OneLogin is unavailable (HTTP 503): try again in 1 s"
    assert fake.count("/saml_assertion") == 4  # two more, not four


def test_503_without_a_wait_on_saml_assertion_is_not_retried(fake):
    fake.add_user(USER, PASSWORD)
    fake.fail_next("/saml_assertion", 503)
    with pytest.raises(SignInError) as error:
        sign_in(client_for(fake), request_for(fake), quiet())
    assert str(error.value) == ("OneLogin is unavailable (HTTP 503) and did not say for how "
                                "long: try again later")
    assert fake.count("/saml_assertion") == 1


def test_5xx_on_an_otp_is_not_retried(fake):
    user = fake.add_user(USER, PASSWORD, devices=[OTP])
    fake.fail_next("/verify_factor", 502)
    with pytest.raises(SignInError, match=r"failed the MFA verification \(HTTP 502\)"):
        sign_in(client_for(fake), request_for(fake, otp="123456"), quiet())
    assert fake.count("/verify_factor") == 1 and user.verify_calls == 0


def test_html_body(fake):
    fake.add_user(USER, PASSWORD)
    fake.fail_next("/saml_assertion", 502, body="<html><body>Bad Gateway</body></html>")
    with pytest.raises(SignInError) as error:
        sign_in(client_for(fake), request_for(fake), quiet())
    assert str(error.value) == "OneLogin answered HTTP 502 with a body that is not JSON"


def test_connection_refused():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    client = OneLoginClient(f"http://127.0.0.1:{port}", "id", "secret", backoff=0.001)
    request = SignInRequest(USER, PASSWORD, "1", "acme")
    with pytest.raises(SignInError) as error:
        sign_in(client, request, quiet())
    assert str(error.value) == f"cannot reach OneLogin at 127.0.0.1:{port}: connection refused"


def test_bad_client_secret(fake):
    fake.add_user(USER, PASSWORD)
    client = OneLoginClient(fake.url, fake.client_id, "wrong-secret-value", backoff=0.001)
    with pytest.raises(SignInError) as error:
        sign_in(client, request_for(fake), quiet())
    assert str(error.value) == ("OneLogin rejected the API client id/secret (HTTP 401): "
                                "check onelogin.sdk.json")
    assert fake.count("/token") == 1


def test_mfa_device_by_type_and_id(fake):
    user = fake.add_user(USER, PASSWORD, devices=[OTP, PUSH, SMS])
    assert sign_in(client_for(fake), request_for(fake, mfa_device="protect"), quiet()) \
        == user.assertions[-1]
    assert verify_bodies(fake)[-1]["device_id"] == "888888"
    assert sign_in(client_for(fake), request_for(fake, mfa_device="666666", otp="123456"),
                   quiet()) == user.assertions[-1]
    assert verify_bodies(fake)[-1]["device_id"] == "666666"


def test_mfa_device_unknown(fake):
    fake.add_user(USER, PASSWORD, devices=[OTP, PUSH])
    with pytest.raises(UsageError) as error:
        sign_in(client_for(fake), request_for(fake, mfa_device="duo"), quiet())
    assert "OneLogin Protect (888888)" in str(error.value)
    assert fake.count("/verify_factor") == 0


def test_menu_when_several_devices(fake):
    user = fake.add_user(USER, PASSWORD, devices=[PUSH, OTP])
    terminal = Script("1", "123456")
    assert sign_in(client_for(fake), request_for(fake), terminal) == user.assertions[-1]
    assert terminal.menus == [["OneLogin Protect (888888)", "Google Authenticator (666666)"]]


def test_secrets_never_in_errors(fake):
    fake.add_user(USER, PASSWORD, devices=[OTP])
    fake.fail_next("/saml_assertion", 400, body={"statusCode": 400, "name": "BadRequest",
                                                 "message": f"bad password {PASSWORD}"})
    with pytest.raises(SignInError) as error:
        sign_in(client_for(fake), request_for(fake), quiet())
    assert PASSWORD not in str(error.value)


# --- what a stalled or broken connection does to the password ----------------------

class Stalling:
    """A server that answers the token call, then stalls or breaks on every other call."""

    def __init__(self, mode):
        self.mode, self.paths = mode, []
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.held = []
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._one, args=(conn,), daemon=True).start()

    def _one(self, conn):
        reader = conn.makefile("rb")
        while True:
            line = reader.readline()
            if not line:
                return
            path = line.split()[1].decode()
            length = 0
            while (header := reader.readline()) not in (b"\r\n", b""):
                if header.lower().startswith(b"content-length:"):
                    length = int(header.split(b":")[1])
            reader.read(length)
            self.paths.append(path)
            if path.endswith("/token"):
                body = b'{"access_token": "t"}'
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                             b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
            elif self.mode == "stall":
                self.held.append(conn)
                return
            else:  # a reset mid-reply
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"da")
                conn.close()
                return

    def close(self):
        self.sock.close()
        for conn in self.held:
            conn.close()


@pytest.mark.parametrize("mode, reason", [
    ("stall", "no answer within 0.3 s"),
    ("reset", "the connection broke before the reply was complete"),
])
def test_password_not_resent_after_read_timeout_or_reset(mode, reason):
    server = Stalling(mode)
    try:
        client = OneLoginClient(server.url, "id", "secret", timeout=(2, 0.3), backoff=0.001)
        with pytest.raises(SignInError) as error:
            sign_in(client, SignInRequest(USER, PASSWORD, "1", "acme"), quiet())
        assert str(error.value).endswith(reason)
        assert server.paths.count("/api/2/saml_assertion") == 1
        # A push trigger is not resent either; a poll, which changes nothing, is.
        with pytest.raises(SignInError):
            client.verify_factor("1", "2", "state")
        assert server.paths.count("/api/2/saml_assertion/verify_factor") == 1
        with pytest.raises(SignInError):
            client.verify_factor("1", "2", "state", poll=True)
        assert server.paths.count("/api/2/saml_assertion/verify_factor") == 5
    finally:
        server.close()


# --- on a real terminal -------------------------------------------------------------

CHILD = textwrap.dedent("""
    import hashlib, json, sys
    from olenv.errors import OlenvError
    from olenv.onelogin.client import OneLoginClient
    from olenv.onelogin.signin import SignInRequest, sign_in
    from olenv.terminal import Terminal
    cfg = json.loads(sys.argv[1])
    client = OneLoginClient(cfg["url"], cfg["client_id"], cfg["client_secret"], backoff=0.001)
    try:
        saml = sign_in(client, SignInRequest(**cfg["request"]), Terminal())
    except OlenvError as error:
        print("olenv:", error)
        sys.exit(error.exit_code)
    print("SAML", hashlib.sha256(saml.encode()).hexdigest())
""")


def spawn(fake, **request):
    request = {"username": USER, "password": None, "app_id": fake.app_id,
               "subdomain": fake.subdomain, "push_interval": 0.05, **request}
    cfg = {"url": fake.url, "client_id": fake.client_id, "client_secret": fake.client_secret,
           "request": request}
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return pexpect.spawn(sys.executable, ["-c", CHILD, json.dumps(cfg)], env=env,
                         encoding="utf-8", timeout=20)


def finish(child):
    child.expect(pexpect.EOF)
    child.close()
    return child.before, child.exitstatus


def digest(user):
    return hashlib.sha256(user.assertions[-1].encode()).hexdigest()


def test_terminal_password_menu_and_otp(fake):
    user = fake.add_user(USER, PASSWORD, devices=[PUSH, OTP], otp_code="424242")
    child = spawn(fake)
    child.expect_exact(f"OneLogin password for {USER}: ")
    child.sendline(PASSWORD)
    child.expect_exact("Choose an MFA device [1-2]: ")
    seen = child.before
    child.sendline("2")
    child.expect_exact("OTP code for Google Authenticator: ")
    child.sendline("424242")
    rest, status = finish(child)
    assert status == 0, rest
    assert f"SAML {digest(user)}" in rest
    assert "Google Authenticator (666666)" in seen
    assert PASSWORD not in seen + rest and "424242" not in rest


def test_terminal_wrong_password_once_then_right(fake):
    user = fake.add_user(USER, PASSWORD)
    child = spawn(fake)
    child.expect_exact(f"OneLogin password for {USER}: ")
    child.sendline("first wrong guess")
    child.expect_exact("Invalid user credentials")
    child.expect_exact(f"OneLogin password for {USER}: ")
    child.sendline(PASSWORD)
    rest, status = finish(child)
    assert status == 0, rest
    assert f"SAML {digest(user)}" in rest
    assert user.saml_assertion_calls == 2


def test_terminal_wrong_password_twice(fake):
    user = fake.add_user(USER, PASSWORD)
    child = spawn(fake)
    child.expect_exact(f"OneLogin password for {USER}: ")
    child.sendline("first wrong guess")
    child.expect_exact(f"OneLogin password for {USER}: ")
    child.sendline("second wrong guess")
    rest, status = finish(child)
    assert status == 1
    assert "olenv: OneLogin refused the sign-in (HTTP 401)" in rest
    assert "wrong guess" not in rest
    assert user.saml_assertion_calls == 2


def test_terminal_push_timeout_falls_back_to_code(fake):
    user = fake.add_user(USER, PASSWORD, devices=[PUSH], push="never")
    child = spawn(fake, password=PASSWORD, push_timeout=0.3)
    child.expect_exact("Push sent to OneLogin Protect: approve it on your phone")
    child.expect_exact("OTP code for OneLogin Protect: ")
    child.sendline("123456")
    rest, status = finish(child)
    assert status == 0, rest
    assert f"SAML {digest(user)}" in rest
    assert user.pushes_sent == 1


def test_terminal_wrong_otp_three_times(fake):
    fake.add_user(USER, PASSWORD, devices=[OTP])
    child = spawn(fake, password=PASSWORD)
    for code in ("000001", "000002", "000003"):
        child.expect_exact("OTP code for Google Authenticator: ")
        child.sendline(code)
    rest, status = finish(child)
    assert status == 1
    assert "olenv: 3 wrong OTP codes: giving up" in rest
    assert "00000" not in rest
