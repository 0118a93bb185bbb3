"""What OneLogin's client resends, how long it waits first, and the one deadline over a
sign-in's network phase. Each rule is counted at the fake: pushes, codes, password POSTs.

Timings are lower bounds (a loaded machine only makes waits longer) or upper bounds
far above what the rule allows (a broken rule costs a minute, not a second)."""

import socket
import threading
import time

import pytest
from conftest import run_olenv
from fakes.faults import FaultyFront
from fakes.onelogin import FakeOneLogin
from test_onelogin import PASSWORD, USER, Script, client_for, quiet, request_for

from olenv.errors import SignInError
from olenv.onelogin.client import OneLoginClient
from olenv.onelogin.signin import SignInRequest, sign_in

OTP, PUSH, SMS = FakeOneLogin.OTP, FakeOneLogin.PUSH, FakeOneLogin.SMS


@pytest.fixture
def fake():
    with FakeOneLogin() as server:
        yield server


def gap(fake, suffix):
    """Seconds between the first two requests whose path ends with suffix."""
    first, second = [r.at for r in fake.requests if r.path.endswith(suffix)][:2]
    return second - first


# --- the password POST ------------------------------------------------------------------

@pytest.mark.parametrize("headers", [{"Retry-After": "1"}, {"X-RateLimit-Reset": "1"},
                                     {"Retry-After": "1", "X-RateLimit-Reset": "600"}])
def test_a_429_with_a_short_wait_resends_the_password_once_after_that_wait(fake, headers):
    user = fake.add_user(USER, PASSWORD)
    fake.fail_next("/saml_assertion", 429, headers=headers)
    assert sign_in(client_for(fake), request_for(fake), quiet()) == user.assertions[-1]
    assert fake.count("/saml_assertion") == 2 and user.passwords_seen == 1
    assert gap(fake, "/saml_assertion") >= 0.9  # the wait OneLogin asked for, not a backoff


@pytest.mark.parametrize("headers, when", [
    ({"Retry-After": "10"}, "10 s"),  # within the deadline, but not short: no resend
    ({"Retry-After": "120"}, "2 min"),
    ({"X-RateLimit-Reset": "600"}, "10 min"),
    ({"X-RateLimit-Reset": str(int(time.time()) + 3 * 3600)}, "3 h"),  # a Unix time
    ({"Retry-After": "Fri, 31 Dec 2100 23:59:59 GMT"}, "h"),
])
def test_a_429_with_a_long_wait_says_when_and_sends_nothing_more(fake, headers, when):
    fake.add_user(USER, PASSWORD)
    fake.fail_next("/saml_assertion", 429, headers=headers)
    start = time.monotonic()
    with pytest.raises(SignInError) as error:
        sign_in(client_for(fake), request_for(fake), quiet())
    assert str(error.value).startswith("OneLogin is limiting requests (HTTP 429): try again in ")
    assert str(error.value).endswith(when)
    assert fake.count("/saml_assertion") == 1
    assert time.monotonic() - start < 10  # no waiting it out


def test_a_429_without_a_wait_does_not_resend_the_password(fake):
    fake.add_user(USER, PASSWORD)
    fake.fail_next("/saml_assertion", 429)
    with pytest.raises(SignInError) as error:
        sign_in(client_for(fake, backoff=0), request_for(fake), quiet())
    assert str(error.value) == ("OneLogin is limiting requests (HTTP 429) and did not say for "
                                "how long: try again later")
    assert fake.count("/saml_assertion") == 1


def test_the_password_goes_at_most_twice_whatever_the_server_says(fake):
    fake.add_user(USER, PASSWORD)
    fake.fail_next("/saml_assertion", 429, headers={"Retry-After": "0"})
    fake.fail_next("/saml_assertion", 503, times=5, headers={"Retry-After": "0"})
    with pytest.raises(SignInError, match=r"HTTP 503\): try again in 1 s$"):
        sign_in(client_for(fake), request_for(fake), quiet())
    assert fake.count("/saml_assertion") == 2


def test_a_refused_connection_is_retried_even_for_the_password():
    # Nothing left the machine, so nothing can count towards a lockout.
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
        client = OneLoginClient(f"http://127.0.0.1:{port}", "id", "secret", backoff=0.1)
        client._token = "known"  # straight to the password POST
        start = time.monotonic()
        with pytest.raises(SignInError, match="connection refused$"):
            client.saml_assertion(USER, PASSWORD, "1", "acme")
    assert time.monotonic() - start >= 0.1 + 0.2 + 0.4 - 0.05  # three backoffs: three resends


# --- verify_factor: codes and triggers go once, polls may go again -----------------------

def test_a_push_trigger_answered_500_is_not_resent(fake):
    user = fake.add_user(USER, PASSWORD, devices=[PUSH])
    fake.fail_next("/verify_factor", 500)
    with pytest.raises(SignInError, match=r"HTTP 500"):
        sign_in(client_for(fake), request_for(fake), quiet())
    assert fake.count("/verify_factor") == 1 and user.pushes_sent == 0


@pytest.mark.parametrize("fault", ["reset", "close", "stall"])
def test_a_push_trigger_or_an_otp_is_never_resent_after_it_went_out(fake, fault):
    user = fake.add_user(USER, PASSWORD, devices=[PUSH, OTP])
    with FaultyFront(fake.url) as front:
        client = OneLoginClient(front.url, fake.client_id, fake.client_secret,
                                timeout=(2, 0.3), backoff=0.001)
        for device, otp in (("protect", None), ("google", "123456")):
            front.fail_next("/verify_factor", fault)
            request = request_for(fake, mfa_device=device, otp=otp)
            with pytest.raises(SignInError):
                sign_in(client, request, quiet())
        assert front.count("/verify_factor") == 2  # one each, none resent
    assert user.pushes_sent == 0 and user.otp_tokens_seen == []


def test_push_polls_are_resent_and_the_phone_rings_once(fake):
    user = fake.add_user(USER, PASSWORD, devices=[PUSH], push_after=2)
    fake.fail_next("/verify_factor", 502, times=2, after=2)  # the trigger and a poll pass
    assert sign_in(client_for(fake), request_for(fake), quiet()) == user.assertions[-1]
    assert user.pushes_sent == 1
    bodies = [r.json for r in fake.requests if r.path.endswith("/verify_factor")]
    assert [b["do_not_notify"] for b in bodies] == [False] + [True] * 5


def test_a_wrong_sms_code_resends_the_sms_once_not_the_code(fake):
    user = fake.add_user(USER, PASSWORD, devices=[SMS])
    terminal = Script("000000", "123456")
    fake.fail_next("/verify_factor", 429, headers={"Retry-After": "0"}, after=1)
    assert sign_in(client_for(fake), request_for(fake), terminal) == user.assertions[-1]
    # A 429 is OneLogin's "not now", said before acting: the code goes again after it.
    assert user.otp_tokens_seen == ["000000", "123456"] and user.sms_sent == 2


# --- Retry-After is the wait, not the backoff -------------------------------------------

def test_retry_after_replaces_the_backoff(fake):
    user = fake.add_user(USER, PASSWORD)
    fake.fail_next("/token", 429, headers={"Retry-After": "1"})
    client = client_for(fake, backoff=0.001)
    assert sign_in(client, request_for(fake), quiet()) == user.assertions[-1]
    assert gap(fake, "/token") >= 0.9


def test_retry_after_zero_is_not_a_long_backoff(fake):
    user = fake.add_user(USER, PASSWORD)
    fake.fail_next("/token", 503, headers={"Retry-After": "0"})
    client = client_for(fake, backoff=60)  # only Retry-After can make this quick
    start = time.monotonic()
    assert sign_in(client, request_for(fake), quiet()) == user.assertions[-1]
    assert time.monotonic() - start < 20


# --- the deadline -----------------------------------------------------------------------

class Silent:
    """Accepts connections and never says a word."""

    def __init__(self):
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.host = f"127.0.0.1:{self.sock.getsockname()[1]}"
        self.url = f"http://{self.host}"
        self.held = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                self.held.append(self.sock.accept()[0])
            except OSError:
                return

    def close(self):
        self.sock.close()
        for conn in self.held:
            conn.close()


@pytest.fixture
def silent():
    server = Silent()
    yield server
    server.close()


def test_a_host_that_never_answers_ends_at_the_deadline(silent):
    client = OneLoginClient(silent.url, "id", "secret", deadline=1.0)  # (10, 30) s timeouts
    start = time.monotonic()
    with pytest.raises(SignInError) as error:
        sign_in(client, SignInRequest(USER, PASSWORD, "1", "acme"), quiet())
    elapsed = time.monotonic() - start
    assert str(error.value) == f"OneLogin at {silent.host} did not answer within 1 s"
    assert 0.9 <= elapsed < 8


def test_olenv_gives_up_on_a_silent_onelogin_after_30_s(silent, onelogin, env):
    env["OLENV_ONELOGIN_URL"] = silent.url
    env["OLENV_PASSWORD"] = PASSWORD
    start = time.monotonic()
    result = run_olenv(["credential-process"], env, timeout=120)
    elapsed = time.monotonic() - start
    assert result.returncode == 1
    assert result.stderr == f"olenv: OneLogin at {silent.host} did not answer within 30 s\n"
    assert 29 <= elapsed < 75  # once, over all retries (it was 124 s)


def test_time_spent_waiting_for_a_person_is_not_counted(fake):
    user = fake.add_user(USER, PASSWORD, devices=[PUSH, OTP], push_after=6)
    client = client_for(fake, deadline=1.0)
    # About 1.5 s of polling for an approval, then 1.2 s of typing: neither counts.
    assert sign_in(client, request_for(fake, mfa_device="protect", push_interval=0.25), quiet()) \
        == user.assertions[-1]

    def slow_typist():
        time.sleep(1.2)
        return "123456"

    assert sign_in(client, request_for(fake, mfa_device="google"), Script(slow_typist)) \
        == user.assertions[-1]


def test_answered_polls_are_part_of_the_wait_not_of_the_deadline(fake):
    # A slow network: every reply takes 0.1 s. Twenty polls answered "pending" take
    # 2 s of network time, more than the deadline, while the person decides.
    user = fake.add_user(USER, PASSWORD, devices=[PUSH], push_after=20)
    fake.latency = 0.1
    client = client_for(fake, deadline=1.5)
    assert sign_in(client, request_for(fake, push_interval=0.01), quiet()) == user.assertions[-1]
    assert fake.count("/verify_factor") == 22


def test_a_failing_poll_counts_towards_the_deadline(fake):
    fake.add_user(USER, PASSWORD, devices=[PUSH], push="never")
    fake.fail_next("/verify_factor", 503, times=1000, headers={"Retry-After": "0.4"}, after=1)
    client = client_for(fake, deadline=1.0)
    start = time.monotonic()
    with pytest.raises(SignInError, match=r"HTTP 503\): try again in 1 s$"):
        sign_in(client, request_for(fake, push_interval=0.01, push_timeout=60), quiet())
    assert time.monotonic() - start < 10


def test_each_sign_in_has_its_own_deadline(fake):
    user = fake.add_user(USER, PASSWORD)
    client = client_for(fake, deadline=1.5)
    for _ in range(3):
        fake.fail_next("/saml_assertion", 429, headers={"Retry-After": "0.6"})
        assert sign_in(client, request_for(fake), quiet()) == user.assertions[-1]


def test_a_wait_longer_than_the_deadline_left_is_not_started(fake):
    fake.add_user(USER, PASSWORD)
    fake.fail_next("/token", 429, headers={"Retry-After": "20"})
    client = client_for(fake, deadline=5)
    start = time.monotonic()
    with pytest.raises(SignInError) as error:
        sign_in(client, request_for(fake), quiet())
    assert str(error.value) == "OneLogin is limiting requests (HTTP 429): try again in 20 s"
    assert time.monotonic() - start < 4
