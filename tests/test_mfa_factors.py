"""Every MFA device type against the fake OneLogin: what is triggered, polled, asked for,
or refused by name; and the push timeout's fall-back to a code."""

import itertools

import pytest
from fakes.onelogin import FakeOneLogin
from test_onelogin import (
    PASSWORD,
    USER,
    Script,
    client_for,
    digest,
    finish,
    quiet,
    request_for,
    spawn,
    verify_bodies,
)

from olenv.errors import SignInError, UsageError
from olenv.onelogin.mfa import PUSH_TIMEOUT
from olenv.onelogin.mfa.push import PushFactor, VoiceFactor
from olenv.onelogin.replies import Device
from olenv.onelogin.signin import SignInRequest, sign_in
from olenv.settings import Settings

OTP, SMS, PUSH = FakeOneLogin.OTP, FakeOneLogin.SMS, FakeOneLogin.PUSH
EMAIL, VOICE, DUO, WEBAUTHN = (FakeOneLogin.EMAIL, FakeOneLogin.VOICE, FakeOneLogin.DUO,
                               FakeOneLogin.WEBAUTHN)


@pytest.fixture
def fake():
    with FakeOneLogin() as server:
        yield server


@pytest.mark.parametrize("kind, expected", [
    ("OneLogin Protect", "push"), ("OneLogin", "push"), ("OneLogin SMS", "sms"), ("SMS", "sms"),
    ("OneLogin Email", "email"), ("Email", "email"), ("OneLogin Voice", "voice"),
    ("Voice", "voice"), ("Google Authenticator", "otp"), ("Yubico YubiKey", "otp"),
    ("Duo Duo Security", "otp"), ("RSA SecurID", "otp"), ("WebAuthn", "unsupported"),
    ("Security Key", "unsupported"), ("Acme Token 3000", "unsupported"),
    ("unknown device", "unsupported"),
])
def test_device_kinds(kind, expected):
    assert Device("1", kind).kind == expected


# --- Email and Voice: triggered first ---------------------------------------------------

@pytest.mark.parametrize("version", [1, 2])
def test_email_is_sent_then_its_code_asked_for(fake, version):
    user = fake.add_user(USER, PASSWORD, devices=[EMAIL])
    terminal = Script("123456")
    assert sign_in(client_for(fake, version), request_for(fake), terminal) == user.assertions[-1]
    assert user.emails_sent == 1
    trigger, code = verify_bodies(fake)
    assert "otp_token" not in trigger and code["otp_token"] == "123456"
    assert trigger["do_not_notify"] is True and code["do_not_notify"] is True  # as the reference
    assert terminal.said == ["Email with a code sent to OneLogin Email (3333333)"]
    assert terminal.prompts == ["OTP code for OneLogin Email: "]


def test_a_wrong_email_code_asks_again_without_a_new_email(fake):
    user = fake.add_user(USER, PASSWORD, devices=[EMAIL])
    terminal = Script("000000", "123456")
    assert sign_in(client_for(fake), request_for(fake), terminal) == user.assertions[-1]
    assert user.emails_sent == 1 and user.otp_tokens_seen == ["000000", "123456"]


@pytest.mark.parametrize("version", [1, 2])
def test_voice_rings_once_then_is_polled(fake, version):
    user = fake.add_user(USER, PASSWORD, devices=[VOICE], push_after=2)
    terminal = Script(interactive=False)
    assert sign_in(client_for(fake, version), request_for(fake), terminal) == user.assertions[-1]
    assert user.calls_placed == 1 and user.pushes_sent == 0
    bodies = verify_bodies(fake)
    assert [b["do_not_notify"] for b in bodies] == [False, True, True, True]
    assert all("otp_token" not in b for b in bodies)
    assert terminal.said == ["Calling OneLogin Voice (4444444): answer it and do as it says",
                             "Waiting for the call to be answered"]  # the spinner's text


def test_a_voice_call_never_answered_ends_in_one_line(fake):
    user = fake.add_user(USER, PASSWORD, devices=[VOICE], push="never")
    with pytest.raises(SignInError) as error:
        sign_in(client_for(fake), request_for(fake, push_timeout=0.3), Script("never asked"))
    assert str(error.value) == "the call to OneLogin Voice (4444444) was not answered within 0.3 s"
    assert user.calls_placed == 1 and user.otp_tokens_seen == []


def test_an_email_or_sms_is_not_sent_when_nobody_can_type_its_code(fake):
    user = fake.add_user(USER, PASSWORD, devices=[EMAIL, SMS])
    for device, by, label in (("email", "Email", "OneLogin Email (3333333)"),
                              ("sms", "SMS", "OneLogin SMS (777777)")):
        with pytest.raises(UsageError) as error:
            sign_in(client_for(fake), request_for(fake, mfa_device=device), quiet())
        assert str(error.value) == (f"the code OneLogin would send by {by} to {label} is "
                                    "needed and there is no terminal to type it")
    assert user.emails_sent == 0 and user.sms_sent == 0 and fake.count("/verify_factor") == 0


# --- SMS: a wrong code sends a new one ---------------------------------------------------

def test_a_wrong_sms_code_sends_a_new_sms_before_asking_again(fake):
    user = fake.add_user(USER, PASSWORD, devices=[SMS])
    terminal = Script("000000", "123456")
    assert sign_in(client_for(fake), request_for(fake), terminal) == user.assertions[-1]
    assert user.sms_sent == 2
    assert [("otp_token" in b) for b in verify_bodies(fake)] == [False, True, False, True]
    assert terminal.said == [
        "SMS with a code sent to OneLogin SMS (777777)",
        "OneLogin did not accept that code; a new SMS was sent to OneLogin SMS (777777)."]


# --- Duo: a passcode ---------------------------------------------------------------------

def test_duo_is_asked_for_a_passcode_sent_as_otp_token(fake):
    user = fake.add_user(USER, PASSWORD, devices=[DUO], otp_code="975310")
    terminal = Script("975310")
    assert sign_in(client_for(fake), request_for(fake), terminal) == user.assertions[-1]
    assert terminal.prompts == ["OTP code for Duo Duo Security: "]
    [body] = verify_bodies(fake)
    assert body["otp_token"] == "975310" and body["device_id"] == "2222222"


def test_duo_takes_otp_from_the_command_line(fake):
    user = fake.add_user(USER, PASSWORD, devices=[DUO])
    assert sign_in(client_for(fake), request_for(fake, otp="123456"), quiet()) \
        == user.assertions[-1]


# --- devices olenv cannot drive: one line, exit 1, no OTP loop ---------------------------

def test_a_webauthn_only_user_gets_one_line_naming_the_device(fake):
    fake.add_user(USER, PASSWORD, devices=[WEBAUTHN])
    terminal = Script("never asked")
    with pytest.raises(SignInError) as error:
        sign_in(client_for(fake), request_for(fake), terminal)
    assert str(error.value) == ("the MFA device WebAuthn (5555555) cannot be used from a "
                                "terminal; this user has no other MFA device olenv can use")
    assert error.value.exit_code == 1
    assert terminal.prompts == [] and fake.count("/verify_factor") == 0


@pytest.mark.parametrize("wanted", ["webauthn", "5555555", "Acme"])
def test_choosing_a_device_olenv_cannot_drive_lists_the_others(fake, wanted):
    acme = {"device_id": 6060606, "device_type": "Acme Token"}
    fake.add_user(USER, PASSWORD, devices=[WEBAUTHN, acme, OTP, PUSH])
    terminal = Script("never asked")
    with pytest.raises(SignInError) as error:
        sign_in(client_for(fake), request_for(fake, mfa_device=wanted, otp="123456"), terminal)
    device = "Acme Token (6060606)" if wanted == "Acme" else "WebAuthn (5555555)"
    assert str(error.value) == (
        f"the MFA device {device} cannot be used from a terminal; choose another with "
        "--mfa-device: Google Authenticator (666666), OneLogin Protect (888888)")
    assert error.value.exit_code == 1
    assert terminal.prompts == [] and fake.count("/verify_factor") == 0


def test_devices_olenv_cannot_drive_are_left_out_of_the_choice(fake):
    user = fake.add_user(USER, PASSWORD, devices=[WEBAUTHN, OTP])
    # One usable device: taken without a menu, even with no terminal.
    assert sign_in(client_for(fake), request_for(fake, otp="123456"), quiet()) \
        == user.assertions[-1]
    assert verify_bodies(fake)[-1]["device_id"] == "666666"
    fake.add_user("bob@example.com", PASSWORD, devices=[WEBAUTHN, OTP, PUSH])
    terminal = Script("1", "123456")
    request = SignInRequest("bob@example.com", PASSWORD, fake.app_id, fake.subdomain)
    sign_in(client_for(fake), request, terminal)
    assert terminal.menus == [["Google Authenticator (666666)", "OneLogin Protect (888888)"]]


def test_mfa_required_with_no_device_enrolled(fake):
    fake.add_user(USER, PASSWORD, mfa_unenrolled=True)
    with pytest.raises(SignInError) as error:
        sign_in(client_for(fake), request_for(fake), quiet())
    assert str(error.value) == ("OneLogin asks for MFA but lists no device for this user: "
                                "enrol one in OneLogin first")


# --- push: spacing, timeout, fall-back ---------------------------------------------------

def test_push_polls_are_spaced_by_the_interval(fake):
    fake.add_user(USER, PASSWORD, devices=[PUSH], push_after=3)
    terminal = quiet()
    sign_in(client_for(fake), request_for(fake, push_interval=0.2), terminal)
    assert terminal.said == ["Push sent to OneLogin Protect: approve it on your phone",
                             "Waiting for the approval"]  # the spinner's text
    times = [r.at for r in fake.requests if r.path.endswith("/verify_factor")]
    assert len(times) == 5  # the trigger, then four polls
    gaps = [b - a for a, b in itertools.pairwise(times)]
    # A lower bound only: a loaded machine makes gaps longer, never shorter.
    assert min(gaps) >= 0.18, gaps


def test_no_poll_goes_out_once_the_timeout_would_pass(fake):
    user = fake.add_user(USER, PASSWORD, devices=[PUSH], push="never")
    with pytest.raises(SignInError, match="not approved within 0.5 s"):
        sign_in(client_for(fake), request_for(fake, push_interval=0.2, push_timeout=0.5),
                quiet())
    # Each poll waits an interval first and must end before the timeout: at most two.
    assert 1 <= fake.count("/verify_factor") - user.pushes_sent <= 2


def test_the_push_timeout_is_90_s_and_the_interval_2_s_by_default():
    assert PUSH_TIMEOUT == 90.0
    assert PushFactor().timeout == SignInRequest("u", "p", "1", "d").push_timeout == 90.0
    assert Settings("https://x", "id", "secret").push_timeout == 90.0
    assert PushFactor().interval == VoiceFactor().interval == 2.0
    assert SignInRequest("u", "p", "1", "d").push_interval == 2.0


@pytest.mark.parametrize("device, name", [(PUSH, "OneLogin Protect"), (VOICE, "OneLogin Voice")])
def test_a_poll_answered_with_mfa_required_again_ends_in_one_line(fake, device, name):
    fake.add_user(USER, PASSWORD, devices=[device])
    fake.fail_next("/verify_factor", 200, after=1, body={
        "state_token": "another", "message": "MFA is required for this user",
        "devices": [device]})
    with pytest.raises(SignInError) as error:
        sign_in(client_for(fake), request_for(fake), quiet())
    assert str(error.value) == f"OneLogin answered the {name} approval with MFA required again"


def test_after_a_push_timeout_the_code_goes_on_the_same_state_token(fake):
    # The state token outlives the push timeout, so the code is taken at once.
    fake.state_token_lifetime = 5.0
    user = fake.add_user(USER, PASSWORD, devices=[PUSH], push="never")
    terminal = Script("123456")
    assert sign_in(client_for(fake), request_for(fake, push_timeout=0.3), terminal) \
        == user.assertions[-1]
    assert user.saml_assertion_calls == 1 and user.pushes_sent == 1
    assert terminal.said[-1] == ("The push was not approved within 0.3 s: type the code that "
                                 "OneLogin Protect shows instead.")


def test_a_code_typed_after_the_state_token_expired_is_never_dropped_silently(fake):
    user = fake.add_user(USER, PASSWORD, devices=[PUSH], push="never")

    def too_late():
        fake.expire_state_tokens()
        return "123456"

    terminal = Script(too_late, "123456")
    assert sign_in(client_for(fake), request_for(fake, push_timeout=0.2), terminal) \
        == user.assertions[-1]
    assert ("OneLogin did not take that code: State token is invalid or expired. "
            "Signing in again.") in terminal.said
    # The person is at the keyboard: the second round asks for a code, with no new push.
    assert user.pushes_sent == 1 and user.saml_assertion_calls == 2
    assert terminal.prompts == ["OTP code for OneLogin Protect: "] * 2


# --- on a real terminal ------------------------------------------------------------------

def test_terminal_wrong_sms_code_then_a_new_sms(fake):
    user = fake.add_user(USER, PASSWORD, devices=[SMS])
    child = spawn(fake, password=PASSWORD)
    child.expect_exact("SMS with a code sent to OneLogin SMS (777777)")
    child.expect_exact("OTP code for OneLogin SMS: ")
    child.sendline("000000")
    child.expect_exact("a new SMS was sent to OneLogin SMS (777777).")
    child.expect_exact("OTP code for OneLogin SMS: ")
    child.sendline("123456")
    rest, status = finish(child)
    assert status == 0, rest
    assert f"SAML {digest(user)}" in rest
    assert user.sms_sent == 2


def test_terminal_webauthn_is_one_line_and_no_prompt(fake):
    fake.add_user(USER, PASSWORD, devices=[WEBAUTHN])
    rest, status = finish(spawn(fake, password=PASSWORD))
    assert status == 1
    assert rest.strip() == ("olenv: the MFA device WebAuthn (5555555) cannot be used from a "
                            "terminal; this user has no other MFA device olenv can use")
    assert fake.count("/verify_factor") == 0


def test_a_wrong_otp_for_a_push_device_is_asked_again_without_a_push(fake):
    user = fake.add_user(USER, PASSWORD, devices=[PUSH])
    terminal = Script("123456")
    assert sign_in(client_for(fake), request_for(fake, otp="000000"), terminal) \
        == user.assertions[-1]
    assert terminal.prompts == ["OTP code for OneLogin Protect: "]
    assert user.pushes_sent == 0 and user.otp_tokens_seen == ["000000", "123456"]


def test_a_hostile_device_type_reaches_the_terminal_as_plain_text(fake):
    hostile = {"device_id": "9\x1b[2J", "device_type": "Google Authenticator\x1b]52;c;b3duZWQ=\x07\n"
               "olenv: forged line" + "x" * 500}
    user = fake.add_user(USER, PASSWORD, devices=[hostile, OTP])
    terminal = Script("0", "123456")
    assert sign_in(client_for(fake), request_for(fake), terminal) == user.assertions[-1]
    shown = terminal.menus[0] + terminal.prompts[1:] + terminal.said
    assert shown and not any(ch < " " or ch == "\x7f" for line in shown for ch in line)
    assert all(len(line) < 120 for line in shown)
    assert terminal.menus[0][0].startswith("Google Authenticator\\e]52;c;b3duZWQ=\\x07 olenv: ")
