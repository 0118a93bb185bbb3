"""Network faults on the way to OneLogin: each ends in one clear line and the right
exit code, retries stay bounded, and the password never leaves twice for a
request OneLogin may have seen."""

import json
import time

import pytest
from conftest import run_olenv
from fakes.faults import FaultyFront
from fakes.onelogin import FakeOneLogin
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from olenv.errors import OlenvError
from olenv.onelogin.client import OneLoginClient
from olenv.onelogin.signin import SignInRequest, sign_in
from olenv.terminal import Terminal

PASSWORD = "correct horse"
OTP = FakeOneLogin.OTP


@pytest.fixture
def front(onelogin, env):
    onelogin.add_user("alice@example.com", PASSWORD)
    env["OLENV_PASSWORD"] = PASSWORD
    with FaultyFront(onelogin.url) as front:
        env["OLENV_ONELOGIN_URL"] = front.url
        yield front


def one_line(result, status, text):
    assert result.returncode == status, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("olenv: ") and text in lines[0], result.stderr
    assert "Traceback" not in result.stderr and PASSWORD not in result.stderr
    assert not any(ch < " " for ch in lines[0])  # no escape sequence reaches the terminal
    return lines[0]


# --- faults a well-behaved server cannot make: one olenv run each --------------------

@pytest.mark.parametrize("fault, text", [
    ("reset", "the connection broke before the reply was complete"),
    ("close", "the connection broke before the reply was complete"),
    ("truncate", "a body that is not JSON"),
])
def test_a_broken_sign_in_reply_fails_without_resending_the_password(front, env, fault, text):
    front.fail_next("/saml_assertion", fault)
    one_line(run_olenv(["credential-process"], env), 1, text)
    assert front.count("/saml_assertion") == 1 and front.passwords_sent() == 1


@pytest.mark.parametrize("fault", ["reset", "close"])
def test_a_broken_token_reply_is_retried(front, env, fault):
    # The token call carries no password: trying again is safe.
    front.fail_next("/token", fault, times=2)
    result = run_olenv(["credential-process"], env)
    assert result.returncode == 0, result.stderr
    assert front.count("/token") == 3 and front.passwords_sent() == 1


def test_a_broken_token_reply_forever_is_bounded(front, env):
    front.fail_next("/token", "reset", times=100)
    one_line(run_olenv(["credential-process"], env), 1, "cannot reach OneLogin")
    assert front.count("/token") == 4 and front.passwords_sent() == 0


def test_a_reset_after_an_otp_went_out_is_not_resent(front, onelogin, env):
    # OneLogin may have spent the code before the connection broke.
    onelogin.add_user("bob@example.com", PASSWORD, devices=[OTP])
    front.fail_next("/verify_factor", "reset")
    one_line(run_olenv(["credential-process", "-u", "bob@example.com", "--otp", "123456"], env),
             1, "the connection broke before the reply was complete")
    assert front.count("/verify_factor") == 1 and front.passwords_sent() == 1


@pytest.mark.parametrize("fault", ["reset", "close"])
def test_a_reset_push_poll_is_resent_and_the_push_is_sent_once(front, onelogin, env, fault):
    bob = onelogin.add_user("bob@example.com", PASSWORD, devices=[FakeOneLogin.PUSH])
    front.fail_next("/verify_factor", fault, after=1)  # the first poll, not the trigger
    result = run_olenv(["credential-process", "-u", "bob@example.com", "--push-interval", "1"],
                       env)
    assert result.returncode == 0, result.stderr
    # The trigger, the broken poll, its resend (pending) and the approving poll.
    assert bob.pushes_sent == 1 and front.count("/verify_factor") == 4


# --- faults in well-formed replies ---------------------------------------------------

def test_429_with_retry_after_then_success(front, onelogin, env):
    user = onelogin.users["alice@example.com"]
    onelogin.fail_next("/saml_assertion", 429, headers={"Retry-After": "1"})
    result = run_olenv(["credential-process"], env)
    assert result.returncode == 0, result.stderr
    # Sent twice on the wire, but OneLogin turned the first away unread.
    assert front.count("/saml_assertion") == 2 and user.passwords_seen == 1


def test_429_for_ever_is_bounded_and_says_so(front, onelogin, env):
    # The password goes again at most once, however short the wait.
    onelogin.fail_next("/saml_assertion", 429, times=100, headers={"Retry-After": "0"})
    one_line(run_olenv(["credential-process"], env), 1,
             "OneLogin is limiting requests (HTTP 429): try again in 1 s")
    assert front.count("/saml_assertion") == 2


def test_a_retry_after_date_in_the_past_or_garbage_is_not_a_wait(front, onelogin, env):
    onelogin.fail_next("/token", 503, headers={"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"})
    onelogin.fail_next("/token", 503, headers={"Retry-After": "soon, promise"})
    result = run_olenv(["credential-process"], env)
    assert result.returncode == 0, result.stderr
    assert front.count("/token") == 3


def test_a_500_on_an_otp_is_not_resent(front, onelogin, env):
    onelogin.add_user("bob@example.com", PASSWORD, devices=[OTP])
    onelogin.fail_next("/verify_factor", 502, times=100, body="<html><h1>502</h1></html>")
    one_line(run_olenv(["credential-process", "-u", "bob@example.com", "--otp", "123456"], env),
             1, "HTTP 502")
    assert front.count("/verify_factor") == 1 and front.passwords_sent() == 1


def test_a_500_burst_on_push_polls_is_bounded(front, onelogin, env):
    bob = onelogin.add_user("bob@example.com", PASSWORD, devices=[FakeOneLogin.PUSH])
    onelogin.fail_next("/verify_factor", 502, times=100, body="<html><h1>502</h1></html>", after=1)
    result = run_olenv(["credential-process", "-u", "bob@example.com", "--push-interval", "1"],
                       env)
    assert result.returncode == 1
    assert result.stderr.splitlines()[-1] == ("olenv: OneLogin answered HTTP 502 with a body "
                                              "that is not JSON")
    # The trigger once, then a poll and its three resends.
    assert front.count("/verify_factor") == 5 and bob.pushes_sent == 1


def test_a_500_on_the_sign_in_is_not_retried(front, onelogin, env):
    onelogin.fail_next("/saml_assertion", 500)
    one_line(run_olenv(["credential-process"], env), 1, "HTTP 500")
    assert front.passwords_sent() == 1


def test_a_redirect_elsewhere_is_never_followed(front, onelogin, env):
    with FakeOneLogin() as elsewhere:
        onelogin.fail_next("/saml_assertion", 307,
                           headers={"Location": f"{elsewhere.url}/api/2/saml_assertion"})
        one_line(run_olenv(["credential-process"], env), 1, "HTTP 307")
        assert elsewhere.requests == [] and front.passwords_sent() == 1


@pytest.mark.parametrize("message", [
    "first line\nolenv: fake second line",
    "\x1b]0;owned\x07\x1b[2J\x1b[31mred",
    "x" * 5000,
    "\u202e\u0000\r\t",
])
def test_a_hostile_error_message_stays_one_printable_line(front, onelogin, env, message):
    onelogin.fail_next("/saml_assertion", 400, body={"statusCode": 400, "name": "BadRequest",
                                                     "message": message})
    line = one_line(run_olenv(["credential-process"], env), 1, "HTTP 400")
    assert len(line) < 400 and "\x1b" not in line


# --- slow replies: in-process, with short timeouts ----------------------------------

def quiet():
    return Terminal(path="/nonexistent")


def test_a_stalled_token_reply_is_retried_then_given_up(onelogin):
    onelogin.add_user("alice@example.com", PASSWORD)
    with FaultyFront(onelogin.url) as front:
        front.fail_next("/token", "stall", times=100)
        client = OneLoginClient(front.url, onelogin.client_id, onelogin.client_secret,
                                timeout=(2, 0.2), backoff=0.001)
        request = SignInRequest("alice@example.com", PASSWORD, onelogin.app_id, onelogin.subdomain)
        with pytest.raises(OlenvError, match=r"no answer within 0\.2 s"):
            sign_in(client, request, quiet())
        assert front.count("/token") == 4 and front.passwords_sent() == 0


def test_a_reply_trickled_past_the_timeout_is_abandoned(onelogin):
    # Each byte comes well within the read timeout, the whole reply long after it.
    onelogin.add_user("alice@example.com", PASSWORD)
    with FaultyFront(onelogin.url, trickle_gap=0.05) as front:
        front.fail_next("/saml_assertion", "trickle")
        client = OneLoginClient(front.url, onelogin.client_id, onelogin.client_secret,
                                timeout=(0.2, 0.2), backoff=0.001)
        request = SignInRequest("alice@example.com", PASSWORD, onelogin.app_id, onelogin.subdomain)
        start = time.monotonic()
        with pytest.raises(OlenvError, match="no answer within"):
            sign_in(client, request, quiet())
        assert time.monotonic() - start < 2.0  # the trickle alone takes about 3 s
        assert front.passwords_sent() == 1


# --- any JSON at all, from any endpoint ------------------------------------------------

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20)
    | st.sampled_from(["Success", "MFA is required for this user", "pending", "PHNhbWw+"]),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
        st.sampled_from(["data", "message", "status", "state_token", "devices", "access_token",
                         "statusCode", "name", "type", "error", "code", "device_id",
                         "device_type", "user"]) | st.text(max_size=5), inner, max_size=6),
    max_leaves=12)


def test_any_json_reply_is_an_answer_or_one_clean_error(onelogin):
    onelogin.add_user("alice@example.com", PASSWORD, devices=[OTP])
    client = OneLoginClient(onelogin.url, onelogin.client_id, onelogin.client_secret,
                            timeout=(2, 5), backoff=0, retries=1)
    request = SignInRequest("alice@example.com", PASSWORD, onelogin.app_id, onelogin.subdomain,
                            otp="123456")

    @settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
    @given(path=st.sampled_from(["/token", "/saml_assertion", "/verify_factor"]),
           status=st.sampled_from([200, 201, 400, 401, 404, 429, 500]), body=JSON)
    def check(path, status, body):
        client._token = None
        onelogin.fail_next(path, status, times=2, body=json.dumps(body),
                           headers={"Retry-After": "0"})
        try:
            sign_in(client, request, quiet())
        except OlenvError as error:
            assert "\n" not in str(error) and PASSWORD not in str(error)
        finally:
            onelogin._failures.clear()

    check()
