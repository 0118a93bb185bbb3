"""The fake OneLogin API keeps to the documented paths, bodies and reply shapes.

olenv's own tests trust it, so it is checked here with plain urllib3 calls.
"""

import base64
import json

import pytest
import urllib3
from fakes.onelogin import FakeOneLogin
from fakes.saml import role_value

HTTP = urllib3.PoolManager(retries=False, timeout=5)
ADMIN = role_value("111111111111", "Admin")


def call(fake, path, body=None, *, token=None, headers=None, raw=None):
    """POST and return (status, parsed JSON or text, reply headers)."""
    sent = {"Content-Type": "application/json", **(headers or {})}
    if token:
        sent["Authorization"] = f"bearer {token}"
    data = raw if raw is not None else (None if body is None else json.dumps(body).encode())
    reply = HTTP.request("POST", fake.url + path, body=data, headers=sent)
    try:
        return reply.status, json.loads(reply.data), reply.headers
    except ValueError:
        return reply.status, reply.data.decode(), reply.headers


def get_token(fake):
    status, body, _ = call(fake, "/auth/oauth2/v2/token", {"grant_type": "client_credentials"},
                           headers={"Authorization": f"client_id:{fake.client_id}, "
                                                     f"client_secret:{fake.client_secret}"})
    assert status == 200
    return body["access_token"]


def message(v, body):
    return body["status"]["message"] if v == 1 else body["message"]


def assert_error(v, status, body, code, text):
    assert status == code
    if v == 1:
        assert body["status"]["error"] is True and body["status"]["code"] == code
        assert body["status"]["message"] == text and "data" not in body
    else:
        assert body["statusCode"] == code and body["message"] == text and body["name"]


def saml_xml(v, body):
    assert message(v, body) == "Success"
    return base64.b64decode(body["data"]).decode()


@pytest.fixture(params=[1, 2], ids=["v1", "v2"])
def v(request):
    return request.param


@pytest.fixture
def api(onelogin, v):
    """Log in and verify factors on one API version; returns (fake, login, verify)."""
    first = get_token(onelogin)

    def login(username="alice@example.com", password="s3cret", token=None, **extra):
        token = token or first
        body = {"username_or_email": username, "password": password,
                "app_id": onelogin.app_id, "subdomain": onelogin.subdomain, **extra}
        return call(onelogin, f"/api/{v}/saml_assertion", body, token=token)[:2]

    def mfa(username="alice@example.com", password="s3cret"):
        status, body = login(username, password)
        assert status == 200 and message(v, body) == "MFA is required for this user"
        return body["data"][0] if v == 1 else body

    def verify(state_token, device, otp=None, do_not_notify=True):
        body = {"app_id": int(onelogin.app_id), "device_id": str(device["device_id"]),
                "state_token": state_token, "do_not_notify": do_not_notify}
        if otp is not None:
            body["otp_token"] = otp
        return call(onelogin, f"/api/{v}/saml_assertion/verify_factor", body, token=first)[:2]

    return onelogin, login, mfa, verify


def is_pending(v, status, body):
    if v == 1:
        return status == 200 and body["status"]["type"] == "pending" and body["data"] is None
    return status == 200 and "pending" in body["message"].lower() and "data" not in body


@pytest.mark.parametrize("style", ["client_id", "basic"])
def test_token_accepts_both_header_styles_and_repeats_the_token(onelogin, style):
    if style == "basic":
        creds = base64.b64encode(f"{onelogin.client_id}:{onelogin.client_secret}".encode())
        auth = "Basic " + creds.decode()
    else:
        auth = f"client_id:{onelogin.client_id}, client_secret:{onelogin.client_secret}"
    replies = [call(onelogin, "/auth/oauth2/v2/token", {"grant_type": "client_credentials"},
                    headers={"Authorization": auth}) for _ in range(2)]
    (status, body, _), (_, again, _) = replies
    assert status == 200 and body["token_type"] == "bearer" and body["expires_in"] == 36000
    assert len(body["access_token"]) >= 32 and again["access_token"] == body["access_token"]


def test_token_errors(onelogin):
    bad = {"Authorization": f"client_id:{onelogin.client_id}, client_secret:nope"}
    good = {"Authorization": f"client_id:{onelogin.client_id}, client_secret:{onelogin.client_secret}"}
    status, body, _ = call(onelogin, "/auth/oauth2/v2/token", {"grant_type": "client_credentials"},
                           headers=bad)
    assert (status, body) == (401, {"status": {"error": True, "code": 401, "type": "Unauthorized",
                                               "message": "Authentication Failure"}})
    status, body, _ = call(onelogin, "/auth/oauth2/v2/token", {"grant_type": "password"},
                           headers=good)
    assert status == 400 and body["status"]["message"] == "grant_type is incorrect/absent"


@pytest.mark.parametrize("auth", [None, "bearer wrong", "Basic abc"])
def test_saml_assertion_needs_a_bearer_token(onelogin, v, auth):
    onelogin.add_user("alice@example.com", "s3cret")
    status, body, _ = call(onelogin, f"/api/{v}/saml_assertion", {},
                           headers={"Authorization": auth} if auth else {})
    if v == 1:
        assert_error(v, status, body, 401, "Please provide valid credentials")
    else:
        assert body == {"statusCode": 401, "name": "InvalidCredentials",
                        "message": "Please provide valid credentials"}


def test_expired_access_token_is_refused(api, v):
    fake, login, _, _ = api
    fake.add_user("alice@example.com", "s3cret")
    fake.expire_access_tokens()
    assert login()[0] == 401
    assert message(v, login(token=get_token(fake))[1]) == "Success"


def test_capitalised_bearer_and_numeric_app_id_succeed(onelogin, v):
    onelogin.add_user("alice@example.com", "s3cret")
    body = {"username_or_email": "alice@example.com", "password": "s3cret",
            "app_id": int(onelogin.app_id), "subdomain": onelogin.subdomain}
    status, reply, _ = call(onelogin, f"/api/{v}/saml_assertion", body,
                            headers={"Authorization": f"Bearer {get_token(onelogin)}"})
    assert status == 200 and message(v, reply) == "Success"


def test_login_without_mfa_returns_the_assertion(api, v):
    fake, login, _, _ = api
    user = fake.add_user("alice@example.com", "s3cret", session_name="alice")
    status, body = login()
    assert status == 200
    assert set(body) == ({"status", "data"} if v == 1 else {"data", "message"})
    xml = saml_xml(v, body)
    assert ADMIN in xml and ">alice<" in xml
    assert body["data"] == user.assertions[-1]
    assert (user.saml_assertion_calls, user.passwords_seen) == (1, 1)


def test_mfa_required_shape(api, v):
    fake, login, _, _ = api
    fake.add_user("alice@example.com", "s3cret", devices=[FakeOneLogin.OTP, FakeOneLogin.PUSH])
    status, body = login()
    assert status == 200 and message(v, body) == "MFA is required for this user"
    mfa = body["data"][0] if v == 1 else body
    assert len(mfa["state_token"]) == 40
    assert mfa["devices"] == [FakeOneLogin.OTP, FakeOneLogin.PUSH]
    assert mfa["callback_url"] == f"{fake.url}/api/{v}/saml_assertion/verify_factor"
    assert mfa["user"]["email"] == "alice@example.com" and mfa["user"]["id"]


def test_ip_allow_list_skips_mfa(api, v):
    fake, login, _, _ = api
    fake.add_user("alice@example.com", "s3cret", devices=[FakeOneLogin.OTP], ip_allow="10.0.0.1")
    assert message(v, login(ip_address="10.0.0.1")[1]) == "Success"
    assert message(v, login(ip_address="10.0.0.2")[1]) == "MFA is required for this user"


@pytest.mark.parametrize("change, code, text", [
    ({"password": "wrong"}, 401, "Authentication Failed: Invalid user credentials"),
    ({"username": "bob@example.com"}, 401, "Authentication Failed: Invalid user credentials"),
    ({"password": ""}, 400, "password is empty"),
    ({"username": ""}, 400, "username is empty"),
    ({"subdomain": "other"}, 400, "Invalid subdomain"),
    ({"app_id": "999"}, 404, "App could not be found"),
])
def test_login_errors(api, v, change, code, text):
    fake, login, _, _ = api
    user = fake.add_user("alice@example.com", "s3cret")
    status, body = login(**change)
    assert_error(v, status, body, code, text)
    assert user.assertions == []


def test_locked_user(api, v):
    fake, login, _, _ = api
    fake.add_user("alice@example.com", "s3cret", locked=True)
    assert_error(v, *login(), 401, "User is locked. Access is unauthorized")


def test_otp_wrong_then_right_and_state_token_is_single_use(api, v):
    fake, _, mfa, verify = api
    user = fake.add_user("alice@example.com", "s3cret", devices=[FakeOneLogin.OTP], otp_code="424242")
    state = mfa()["state_token"]
    assert_error(v, *verify(state, FakeOneLogin.OTP), 400, "OTP token blank")
    assert_error(v, *verify(state, FakeOneLogin.OTP, "000000"), 401,
                 "Failed authentication with this factor")
    status, body = verify(state, FakeOneLogin.OTP, "424242")
    assert status == 200 and ADMIN in saml_xml(v, body)
    assert_error(v, *verify(state, FakeOneLogin.OTP, "424242"), 401,
                 "State token is invalid or expired")
    assert user.otp_tokens_seen == ["000000", "424242"] and user.passwords_seen == 1


def test_sms_is_sent_then_its_code_works(api, v):
    fake, _, mfa, verify = api
    user = fake.add_user("alice@example.com", "s3cret", devices=[FakeOneLogin.SMS])
    state = mfa()["state_token"]
    assert_error(v, *verify(state, FakeOneLogin.SMS, "123456"), 401,
                 "Failed authentication with this factor")  # no SMS was sent yet
    assert is_pending(v, *verify(state, FakeOneLogin.SMS))
    assert user.sms_sent == 1
    status, body = verify(state, FakeOneLogin.SMS, "123456")
    assert status == 200 and saml_xml(v, body)


@pytest.mark.parametrize("after", [0, 2])
def test_push_is_approved_after_n_polls(api, v, after):
    fake, _, mfa, verify = api
    user = fake.add_user("alice@example.com", "s3cret", devices=[FakeOneLogin.PUSH],
                         push_after=after)
    state = mfa()["state_token"]
    assert is_pending(v, *verify(state, FakeOneLogin.PUSH))  # no push sent: never approved
    assert is_pending(v, *verify(state, FakeOneLogin.PUSH, do_not_notify=False))
    for _ in range(after):
        assert is_pending(v, *verify(state, FakeOneLogin.PUSH))
    status, body = verify(state, FakeOneLogin.PUSH)
    assert status == 200 and saml_xml(v, body)
    assert user.pushes_sent == 1


def test_push_denied_or_never_answered(api, v):
    fake, _, mfa, verify = api
    fake.add_user("alice@example.com", "s3cret", devices=[FakeOneLogin.PUSH], push="deny")
    fake.add_user("bob@example.com", "s3cret", devices=[FakeOneLogin.PUSH], push="never")
    denied, never = mfa()["state_token"], mfa("bob@example.com")["state_token"]
    for state in (denied, never):
        assert is_pending(v, *verify(state, FakeOneLogin.PUSH, do_not_notify=False))
        assert is_pending(v, *verify(state, FakeOneLogin.PUSH))
    assert_error(v, *verify(denied, FakeOneLogin.PUSH), 401, "Authentication denied")
    for _ in range(5):
        assert is_pending(v, *verify(never, FakeOneLogin.PUSH))


def test_email_is_sent_then_its_code_works(api, v):
    fake, _, mfa, verify = api
    user = fake.add_user("alice@example.com", "s3cret", devices=[FakeOneLogin.EMAIL])
    state = mfa()["state_token"]
    assert_error(v, *verify(state, FakeOneLogin.EMAIL, "123456"), 401,
                 "Failed authentication with this factor")  # no email was sent yet
    assert is_pending(v, *verify(state, FakeOneLogin.EMAIL))
    assert user.emails_sent == 1
    status, body = verify(state, FakeOneLogin.EMAIL, "123456")
    assert status == 200 and saml_xml(v, body)


def test_voice_is_a_call_then_polls(api, v):
    fake, _, mfa, verify = api
    user = fake.add_user("alice@example.com", "s3cret", devices=[FakeOneLogin.VOICE])
    state = mfa()["state_token"]
    assert is_pending(v, *verify(state, FakeOneLogin.VOICE, do_not_notify=False))
    assert is_pending(v, *verify(state, FakeOneLogin.VOICE))
    assert_error(v, *verify(state, FakeOneLogin.VOICE, "123456"), 401,
                 "Failed authentication with this factor")  # a call has no code
    status, body = verify(state, FakeOneLogin.VOICE)
    assert status == 200 and saml_xml(v, body)
    assert user.calls_placed == 1 and user.pushes_sent == 0


def test_duo_takes_a_passcode_and_webauthn_nothing(api, v):
    fake, _, mfa, verify = api
    fake.add_user("alice@example.com", "s3cret", devices=[FakeOneLogin.DUO, FakeOneLogin.WEBAUTHN])
    state = mfa()["state_token"]
    assert_error(v, *verify(state, FakeOneLogin.DUO), 400, "OTP token blank")
    for otp in (None, "123456"):
        assert_error(v, *verify(state, FakeOneLogin.WEBAUTHN, otp), 400,
                     "This factor cannot be verified through the API")
    status, body = verify(state, FakeOneLogin.DUO, "123456")
    assert status == 200 and saml_xml(v, body)


def test_ip_policy_and_mfa_without_a_device(api, v):
    fake, login, mfa, _ = api
    fake.add_user("alice@example.com", "s3cret", mfa_unenrolled=True)
    assert mfa()["devices"] == []
    fake.deny_ip = True
    assert_error(v, *login(), 401, "You are not allowed to access Amazon Web Services (AWS) "
                 "Multi Account from your current IP address")


def test_requests_are_timed(api):
    fake, login, _, _ = api
    fake.add_user("alice@example.com", "s3cret")
    login()
    login()
    first, second = fake.requests[-2:]
    assert 0 < first.at <= second.at


def test_protect_code_is_accepted_as_otp(api, v):
    fake, _, mfa, verify = api
    fake.add_user("alice@example.com", "s3cret", devices=[FakeOneLogin.PUSH], push="never")
    status, body = verify(mfa()["state_token"], FakeOneLogin.PUSH, "123456")
    assert status == 200 and saml_xml(v, body)


def test_state_tokens_expire(api, v):
    fake, _, mfa, verify = api
    fake.add_user("alice@example.com", "s3cret", devices=[FakeOneLogin.OTP])
    state = mfa()["state_token"]
    fake.expire_state_tokens()
    assert_error(v, *verify(state, FakeOneLogin.OTP, "123456"), 401,
                 "State token is invalid or expired")
    fake.state_token_lifetime = 0
    assert_error(v, *verify(mfa()["state_token"], FakeOneLogin.OTP, "123456"), 401,
                 "State token is invalid or expired")


def test_fail_next_bursts_then_recovers(api, v):
    fake, login, _, _ = api
    fake.add_user("alice@example.com", "s3cret")
    fake.fail_next("/saml_assertion", 429, headers={"Retry-After": "7"})
    fake.fail_next("/saml_assertion", 500, times=2)
    status, body, headers = call(fake, f"/api/{v}/saml_assertion", {})
    assert status == 429 and headers["Retry-After"] == "7"
    assert_error(v, *login(), 500, "Internal Server Error")
    assert login()[0] == 500
    assert message(v, login()[1]) == "Success"
    assert fake.count("/saml_assertion") == 4 and fake.users["alice@example.com"].passwords_seen == 1


def test_fail_next_with_an_html_page(onelogin):
    onelogin.fail_next("/token", 502, body="<html><h1>Bad Gateway</h1></html>")
    status, body, headers = call(onelogin, "/auth/oauth2/v2/token", {"grant_type": "client_credentials"})
    assert status == 502 and body.startswith("<html>")
    assert headers["Content-Type"].startswith("text/html")
    assert get_token(onelogin)


def test_unknown_path_and_non_json_body(onelogin, v):
    token = get_token(onelogin)
    assert call(onelogin, "/api/2/nope", {}, token=token)[0] == 404
    assert HTTP.request("GET", onelogin.url + "/api/1/saml_assertion").status == 404
    status, body, _ = call(onelogin, f"/api/{v}/saml_assertion", raw=b"{not json", token=token)
    assert status == 400 and message(v, body)


def test_requests_are_recorded(api):
    fake, login, _, _ = api
    fake.add_user("alice@example.com", "s3cret")
    login()
    last = fake.requests[-1]
    assert last.method == "POST" and last.path.endswith("/saml_assertion")
    assert last.headers["authorization"].startswith("bearer ")
    assert last.json["password"] == "s3cret" and json.loads(last.body) == last.json
    assert fake.count("/token") == 1
