"""olenv console: the federation requests it makes and the login URL it builds,
against a fake federation endpoint; a stand-in browser records what reaches it."""

import json
import socket
import sys
import urllib.request
from urllib.parse import parse_qs, urlsplit

import pytest
from conftest import run_olenv
from fakes.federation import FakeFederation
from fakes.saml import role_value

from olenv.console import destination, federation_endpoint

ACCOUNT = "123456789012"
HOME_EU = "https://eu-west-1.console.aws.amazon.com/console/home?region=eu-west-1"

# Prints the arguments it was started with, then fetches the URL without following
# the redirect and prints where it points, as a browser would go.
BROWSER = """\
import sys, urllib.request
print("argv:", " ".join(sys.argv[1:]))
class Stay(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args):
        return None
try:
    urllib.request.build_opener(Stay).open(sys.argv[1])
except urllib.error.HTTPError as reply:
    print("location:", reply.headers["Location"])
"""


@pytest.fixture
def federation():
    with FakeFederation() as fake:
        yield fake


@pytest.fixture
def alice(onelogin, env, federation):
    onelogin.add_user("alice@example.com", "correct horse", roles=[role_value(ACCOUNT, "Admin")])
    env["OLENV_PASSWORD"] = "correct horse"
    env["OLENV_FEDERATION_URL"] = federation.url
    return env


def query(url: str) -> dict[str, str]:
    return {key: values[-1] for key, values in parse_qs(urlsplit(url).query).items()}


def test_print_shows_a_login_url_made_from_the_session(alice, federation):
    result = run_olenv(["console", "--print"], alice)
    assert result.returncode == 0, result.stderr
    url = result.stdout.strip()
    asked = [r.query for r in federation.requests if r.query.get("Action") == "getSigninToken"]
    assert len(asked) == 1
    session = json.loads(asked[0]["Session"])
    assert session["sessionId"].startswith("ASIA") and session["sessionToken"]
    # The keys last an hour: so does the console session.
    assert 3500 <= int(asked[0]["SessionDuration"]) <= 3600
    assert url.startswith(federation.url + "?")
    login = query(url)
    assert login["Action"] == "login" and login["Issuer"] == "olenv"
    assert login["Destination"] == HOME_EU
    assert federation.tokens[login["SigninToken"]] == session
    assert login["SigninToken"] not in result.stderr and session["sessionKey"] not in result.stderr
    # The URL works: the endpoint sends the browser on to the console.
    status, headers, _ = federation.handle(urlsplit(url)._replace(scheme="", netloc="").geturl())
    assert (status, headers["Location"]) == (302, HOME_EU)


def test_the_agents_session_serves_the_console(alice, federation, onelogin):
    alice.pop("OLENV_AGENT")
    alice["OLENV_AGENT_IDLE"] = "120"
    try:
        results = [run_olenv(["console", "--print"], alice) for _ in range(2)]
    finally:
        run_olenv(["agent", "stop"], alice)
    assert [r.returncode for r in results] == [0, 0], results[-1].stderr
    sessions = {r.query["Session"] for r in federation.requests
                if r.query.get("Action") == "getSigninToken"}
    assert len(sessions) == 1 and onelogin.count("saml_assertion") == 1


@pytest.mark.parametrize("where, landing", [
    ("s3", "https://eu-west-1.console.aws.amazon.com/s3/home?region=eu-west-1"),
    ("https://console.aws.amazon.com/iam/home#/roles", "https://console.aws.amazon.com/iam/home#/roles"),
])
def test_destination(alice, where, landing):
    result = run_olenv(["console", "--print", "--destination", where], alice)
    assert result.returncode == 0, result.stderr
    assert query(result.stdout.strip())["Destination"] == landing


@pytest.mark.parametrize("region, endpoint, home", [
    ("us-east-1", "https://signin.aws.amazon.com/federation",
     "https://us-east-1.console.aws.amazon.com/console/home?region=us-east-1"),
    ("cn-north-1", "https://signin.amazonaws.cn/federation",
     "https://cn-north-1.console.amazonaws.cn/console/home?region=cn-north-1"),
    ("cn-northwest-1", "https://signin.amazonaws.cn/federation",
     "https://cn-northwest-1.console.amazonaws.cn/console/home?region=cn-northwest-1"),
    ("us-gov-west-1", "https://signin.amazonaws-us-gov.com/federation",
     "https://us-gov-west-1.console.amazonaws-us-gov.com/console/home?region=us-gov-west-1"),
    ("us-gov-east-1", "https://signin.amazonaws-us-gov.com/federation",
     "https://us-gov-east-1.console.amazonaws-us-gov.com/console/home?region=us-gov-east-1"),
])
def test_each_partition_has_its_own_endpoint_and_console(region, endpoint, home):
    assert (federation_endpoint(region), destination(region)) == (endpoint, home)


def test_the_browser_gets_a_one_time_local_page_not_the_token(alice, federation, tmp_path):
    browser = tmp_path / "browser"
    browser.write_text(f"#!{sys.executable}\n{BROWSER}")
    browser.chmod(0o755)
    alice["BROWSER"] = str(browser)
    result = run_olenv(["console"], alice)
    assert result.returncode == 0, result.stderr
    lines = dict(line.split(": ", 1) for line in result.stdout.splitlines())
    local = urlsplit(lines["argv"])
    assert (local.scheme, local.hostname) == ("http", "127.0.0.1")
    token = query(lines["location"])["SigninToken"]
    assert token in federation.tokens and token not in lines["argv"]
    assert query(lines["location"])["Destination"] == HOME_EU
    assert "opened the AWS console as" in result.stderr
    # One time only: the page is gone once the browser has been sent on.
    with pytest.raises(OSError):
        urllib.request.urlopen(lines["argv"], timeout=2)


def test_quiet_opens_without_a_word(alice, tmp_path):
    browser = tmp_path / "browser"
    browser.write_text(f"#!{sys.executable}\n{BROWSER}")
    browser.chmod(0o755)
    result = run_olenv(["console", "-q"], {**alice, "BROWSER": str(browser)})
    assert (result.returncode, result.stderr) == (0, "")
    assert "location: " in result.stdout


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def no_browser(env):
    env.update(BROWSER="false", PATH=str(sys.executable).rsplit("/", 1)[0])
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "TERM"):
        env.pop(name, None)


# name: (arrange(federation, env) -> extra args, exit code, the line, signs in first)
CASES = {
    "endpoint refuses the keys": (lambda f, e: setattr(f, "status", 400), 1,
                                  "refused the session's keys (HTTP 400)", True),
    "endpoint sends no token": (lambda f, e: setattr(f, "body", b"<html>oops</html>"), 1,
                                "sent no sign-in token", True),
    "endpoint down": (lambda f, e: e.update(
        OLENV_FEDERATION_URL=f"http://127.0.0.1:{closed_port()}/federation"), 1,
        "cannot reach the AWS federation endpoint", True),
    "plain http elsewhere": (lambda f, e: e.update(
        OLENV_FEDERATION_URL="http://signin.example.com/federation"), 2,
        "plain http is allowed only to a loopback address", False),
    "endpoint with a query": (lambda f, e: e.update(
        OLENV_FEDERATION_URL=e["OLENV_FEDERATION_URL"] + "?x=1"), 2,
        "credentials, query or fragment are not allowed", False),
    "bad destination": (lambda f, e: ["--destination", "http://evil.example"], 2,
                        "neither a service name", False),
    "destination ending in a newline": (lambda f, e: ["--destination", "s3\n"], 2,
                                        "neither a service name", False),
    "no browser": (lambda f, e: no_browser(e), 2, "no web browser found", True),
}


@pytest.mark.parametrize("name", CASES)
def test_failures_are_one_clear_line(name, alice, federation, onelogin, home):
    arrange, code, text, signs_in = CASES[name]
    extra = arrange(federation, alice) or []
    result = run_olenv(["console", *extra], alice)
    assert result.returncode == code, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("olenv: ") and text in lines[0], lines
    assert result.stdout == ""
    assert onelogin.count("saml_assertion") == (1 if signs_in else 0)
    assert list((home / ".aws").iterdir()) == []
    for token in federation.tokens:
        assert token not in result.stderr
