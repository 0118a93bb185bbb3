"""OneLogin's error replies, as real tenants send them, and what olenv makes of each: the
exact line, the exit code, and whether a typed password is asked for again.

Bodies marked "seen" were captured from real tenants in public reports; the others
are OneLogin's documented samples or, where marked, assumptions (docs/onelogin-api.md).
"""

import pytest
from fakes.onelogin import FakeOneLogin
from test_onelogin import PASSWORD, USER, Script, request_for

from olenv.errors import SignInError
from olenv.onelogin.client import OneLoginClient
from olenv.onelogin.replies import Device, error_for, message_of
from olenv.onelogin.signin import sign_in

WRONG = "Authentication Failed: Invalid user credentials"


def v1(status, message, kind="Unauthorized"):
    return {"status": {"error": True, "code": status, "type": kind, "message": message}}


def v2(status, message, name="Unauthorized"):
    return {"statusCode": status, "name": name, "message": message}


def reply(status, body, headers=None):
    def arrange(fake):
        fake.fail_next("/saml_assertion", status, body=body, headers=headers)
    return arrange


def locked(fake):
    fake.users[USER].locked = True


def unenrolled(fake):
    fake.users[USER].mfa_unenrolled = True


def unknown_app(fake):
    fake.app_id = "999999"  # the app id olenv sends is no longer the fake's


def ip_policy(fake):
    fake.deny_ip = True


def bad_client(fake):
    fake.client_secret = "rotated-secret"


# case: (arrange, API version, the line, or None when the second password signs in)
CASES = {
    "wrong password, v1": (reply(401, v1(401, WRONG)), 1, None),
    "wrong password, v2": (reply(401, v2(401, WRONG)), 2, None),
    "wrong password, v2 named InvalidCredentials": (
        reply(401, v2(401, WRONG, "InvalidCredentials")), 2, None),
    "wrong password, v1 message object": (
        reply(401, v1(401, {"description": "Invalid user credentials", "attribute": "password"})),
        1, None),
    "wrong password, the fake's own (v1)": ("wrong", 1, None),
    "wrong password, the fake's own (v2)": ("wrong", 2, None),
    "locked user": (locked, 2, "OneLogin refused the sign-in (HTTP 401): "
                                 "User is locked. Access is unauthorized"),
    "MFA required, no device enrolled": (
        unenrolled, 2, "OneLogin asks for MFA but lists no device for this user: "
                       "enrol one in OneLogin first"),
    "unknown app, v1 (seen)": (unknown_app, 1, "OneLogin refused the sign-in (HTTP 404): "
                                               "App could not be found"),
    "blank field, v1 (seen)": (reply(400, v1(400, "bad request", "bad request")), 1,
                               "OneLogin refused the sign-in (HTTP 400): bad request"),
    "IP policy, v2 (seen)": (ip_policy, 2, "OneLogin refused the sign-in (HTTP 401): You are not "
                                           "allowed to access Amazon Web Services (AWS) Multi "
                                           "Account from your current IP address"),
    "bad API client (seen)": (bad_client, 2, "OneLogin rejected the API client id/secret "
                                             "(HTTP 401): check onelogin.sdk.json"),
    "bad bearer token (documented)": (
        reply(401, v2(401, "Please provide valid credentials", "InvalidCredentials")), 2,
        "OneLogin refused the API token (HTTP 401): Please provide valid credentials"),
    "rate limited, no wait given (assumed body)": (
        reply(429, v2(429, "Too Many Requests", "TooManyRequests")), 2,
        "OneLogin is limiting requests (HTTP 429) and did not say for how long: "
        "try again later"),
    "rate limited, long wait": (
        reply(429, v2(429, "Too Many Requests", "TooManyRequests"), {"X-RateLimit-Reset": "1800"}),
        2, "OneLogin is limiting requests (HTTP 429): try again in 30 min"),
}


@pytest.mark.parametrize("case", CASES)
def test_each_real_reply_gets_its_line(case):
    arrange, version, line = CASES[case]
    with FakeOneLogin() as fake:
        user = fake.add_user(USER, PASSWORD)
        client = OneLoginClient(fake.url, fake.client_id, fake.client_secret,
                                api_version=version, backoff=0.001)
        request = request_for(fake, password=None)
        first = "not the password" if arrange == "wrong" else PASSWORD
        if arrange != "wrong":
            arrange(fake)  # after the client and request took the fake's settings
        terminal = Script(first, PASSWORD)
        if line is None:
            # A wrong password, however it is named: one more prompt, then signed in.
            assert sign_in(client, request, terminal) == user.assertions[-1]
            assert len(terminal.prompts) == 2
            assert terminal.said[0].startswith("OneLogin refused the sign-in (HTTP 401): ")
            return
        with pytest.raises(SignInError) as error:
            sign_in(client, request, terminal)
        assert str(error.value) == line
        assert error.value.exit_code == 1
        assert len(terminal.prompts) == 1  # never asked again: not a password problem
        assert PASSWORD not in str(error.value)


# --- the line itself ------------------------------------------------------------------------

@pytest.mark.parametrize("status, body, step, line", [
    (429, v2(429, "Too Many Requests", "TooManyRequests"), "MFA verification",
     "OneLogin is limiting requests (HTTP 429): Too Many Requests"),
    (502, v2(502, "Bad Gateway", "BadGateway"), "MFA verification",
     "OneLogin failed the MFA verification (HTTP 502): Bad Gateway"),
    (200, {"message": "Something else"}, "sign-in",
     "OneLogin's reply to the sign-in is not one olenv knows: Something else"),
    (201, {"message": "Something else"}, "sign-in",
     "OneLogin's reply to the sign-in is not one olenv knows: Something else"),
    (404, v1(404, "App could not be found", "not found"), "sign-in",
     "OneLogin refused the sign-in (HTTP 404): App could not be found"),
])
def test_the_line_for_each_status(status, body, step, line):
    assert str(error_for(status, body, step)) == line


def test_a_long_message_is_cut_to_200_characters_with_an_ellipsis():
    assert message_of(v2(400, "x" * 200)) == "x" * 200
    assert message_of(v2(400, "x" * 201)) == "x" * 199 + "…"
    assert Device("1", "y" * 60).name == "y" * 60
    assert Device("1", "y" * 61).name == "y" * 59 + "…"
