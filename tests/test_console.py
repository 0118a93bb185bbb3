"""olenv console: the federation requests it makes and the login URL it builds,
against a fake federation endpoint; a stand-in browser records what reaches it."""

import json
import os
import socket
import subprocess
import sys
import urllib.request
from urllib.parse import parse_qs, urlsplit

import pytest
from conftest import OLENV, require, run_olenv
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


# name: (arrange(federation, env) -> extra args, exit code, the line, signs in first)
CASES = {
    "endpoint refuses the keys": (lambda f, e: setattr(f, "status", 400), 1,
                                  "refused the session's keys (HTTP 400)", True),
    "endpoint sends no token": (lambda f, e: setattr(f, "body", b"<html>oops</html>"), 1,
                                "sent no sign-in token", True),
    "endpoint sends a huge reply": (lambda f, e: setattr(
        f, "body", b'{"SigninToken": "' + b"a" * (8 << 20) + b'"}'), 1,
        "sent a reply of more than 64 KiB: not AWS's (a proxy?)", True),
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


# --- where no browser can open, the URL is printed; it never hangs ----------------------


def fake_program(directory, name: str, marker) -> str:
    """A program that only leaves a mark that it ran."""
    path = directory / name
    path.write_text(f"#!/bin/sh\ntouch {marker}\n")
    path.chmod(0o755)
    return str(path)


def graphical(env, tmp_path):
    """A display, and PATH holding only olenv's own programs: nothing to open a browser with."""
    env.update(DISPLAY=":0", PATH=str(sys.executable).rsplit("/", 1)[0])
    for name in ("BROWSER", "WAYLAND_DISPLAY", "SSH_CONNECTION", "SSH_CLIENT", "SSH_TTY"):
        env.pop(name, None)


NO_BROWSER = {
    "BROWSER names nothing": (lambda e, t: e.update(BROWSER="no-such-browser:nor-this"),
                              "BROWSER=no-such-browser:nor-this names no program found on PATH"),
    "no display": (lambda e, t: [graphical(e, t), e.pop("DISPLAY")],
                   "there is no display (DISPLAY and WAYLAND_DISPLAY are unset)"),
    "an SSH session": (lambda e, t: [graphical(e, t), e.update(SSH_CONNECTION="10.0.0.2 5 10.0.0.1 22")],
                       "this is an SSH session"),
    "a text browser and no terminal": (
        lambda e, t: e.update(BROWSER=fake_program(t, "lynx", t / "ran"), TERM="xterm"),
        "lynx is a text-mode browser and there is no terminal to run it in"),
    "no browser installed": (lambda e, t: graphical(e, t), "no web browser was found"),
}


@pytest.mark.parametrize("name", NO_BROWSER)
def test_where_no_browser_can_open_the_url_is_printed(name, alice, federation, tmp_path):
    arrange, reason = NO_BROWSER[name]
    arrange(alice, tmp_path)
    result = run_olenv(["console"], alice, timeout=30)
    assert result.returncode == 0, result.stderr
    url = result.stdout.strip()
    assert result.stdout.count("\n") == 1 and url.startswith(federation.url + "?")
    assert query(url)["SigninToken"] in federation.tokens
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("olenv: not opening a browser: "), lines
    assert reason in lines[0] and "open it yourself" in lines[0]
    assert query(url)["SigninToken"] not in result.stderr
    assert not (tmp_path / "ran").exists()  # the text browser was not started


@pytest.mark.parametrize("env, platform, interactive, chosen", [
    ({"BROWSER": "firefox"}, "linux", False, ["firefox", "%s"]),
    ({"BROWSER": "missing:firefox --new-window %s"}, "linux", False,
     ["firefox", "--new-window", "%s"]),
    ({"BROWSER": "lynx"}, "linux", True, ["lynx", "%s"]),
    ({"BROWSER": "w3m", "SSH_TTY": "/dev/pts/1"}, "linux", True, ["w3m", "%s"]),
    ({"BROWSER": "lynx"}, "linux", False, "lynx is a text-mode browser"),
    ({"BROWSER": "missing"}, "darwin", True, "BROWSER=missing names no program"),
    ({"BROWSER": "bad\x1b]52;c;x\x07"}, "linux", True, r"BROWSER=bad\e]52;c;x\x07 names"),
    ({}, "linux", True, "there is no display"),
    ({"SSH_CLIENT": "10.0.0.2 5 22", "DISPLAY": "localhost:10"}, "linux", True, "SSH session"),
    ({"SSH_CONNECTION": "x"}, "darwin", True, "SSH session"),
    ({}, "freebsd14", True, "there is no display"),
])
def test_the_choice_of_browser(env, platform, interactive, chosen):
    from olenv.console import NoBrowser, choose_browser

    def which(name):
        return f"/usr/bin/{name}" if name in ("firefox", "lynx", "w3m") else None

    if isinstance(chosen, list):
        assert choose_browser(env, platform, interactive, which).argv == chosen
    else:
        with pytest.raises(NoBrowser) as raised:
            choose_browser(env, platform, interactive, which)
        assert chosen in str(raised.value)


# --- only the user's own browser gets the sign-in -----------------------------------------

NOBODY = 65534
SYSTEM_PYTHON = "/usr/bin/python3"  # one another user may run (the venv's may sit in /root)

# Another user that read the browser's command line (/proc/PID/cmdline) fetches the URL
# first; then, unless told to stop there, the user's browser fetches it.
RACE = """\
import re, subprocess, sys, urllib.error, urllib.request
url, then = sys.argv[1], {then!r}
FETCH = '''
import re, sys, urllib.error, urllib.request
url = sys.argv[1]
if url.startswith("file://"):
    try:
        url = re.search(r'url=([^"]+)"', open(url[7:]).read()).group(1)
    except OSError as e:
        print("no read:", e.__class__.__name__)
        sys.exit()
class Stay(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args):
        return None
try:
    print("status:", urllib.request.build_opener(Stay).open(url, timeout=10).status)
except urllib.error.HTTPError as reply:
    print("status:", reply.code, reply.headers["Location"] or "")
'''
print("argv:", url)
attack = subprocess.run(["setpriv", "--reuid={nobody}", "--regid={nobody}", "--clear-groups",
                         "{python}", "-I", "-c", FETCH, url], capture_output=True, text=True, timeout=30)
print("attacker", (attack.stdout + attack.stderr).strip().splitlines()[-1])
if then == "stop":
    sys.exit(1)
mine = subprocess.run([sys.executable, "-I", "-c", FETCH, url], capture_output=True, text=True, timeout=30)
print("browser", mine.stdout.strip())
"""


def racing_browser(tmp_path, then="fetch") -> str:
    if os.getuid() != 0:
        if os.environ.get("CI"):
            pytest.fail("running a browser as another user (setpriv) needs root, as CI has")
        pytest.skip("running a browser as another user (setpriv) needs root")
    require("setpriv")
    assert os.access(SYSTEM_PYTHON, os.X_OK), f"{SYSTEM_PYTHON} is needed"
    browser = tmp_path / "browser"
    browser.write_text(f"#!{sys.executable}\n" + RACE.format(then=then, nobody=NOBODY,
                                                            python=SYSTEM_PYTHON))
    browser.chmod(0o755)
    return str(browser)


def said(stdout: str) -> dict[str, str]:
    return dict(line.split(" ", 1) for line in stdout.splitlines() if " " in line)


def test_as_root_another_user_racing_the_browser_gets_nothing(alice, federation, tmp_path):
    alice["BROWSER"] = racing_browser(tmp_path)
    result = run_olenv(["console"], alice)
    assert result.returncode == 0, result.stderr
    seen = said(result.stdout)
    assert seen["argv:"].startswith("http://127.0.0.1:")
    assert seen["attacker"] == "status: 403", seen  # refused: not the user's uid
    status, location = seen["browser"].split(" ", 2)[1:]
    assert status == "303" and query(location)["SigninToken"] in federation.tokens
    assert "opened the AWS console as" in result.stderr


def test_as_root_olenv_reports_success_only_for_the_users_own_browser(alice, federation,
                                                                      tmp_path):
    alice["BROWSER"] = racing_browser(tmp_path, then="stop")
    result = run_olenv(["console"], alice)
    assert result.returncode == 1, result.stderr
    assert said(result.stdout)["attacker"] == "status: 403"
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and "failed (exit 1): try olenv console --print" in lines[0], lines
    assert "opened" not in result.stderr
    for token in federation.tokens:
        assert token not in result.stdout + result.stderr


def test_as_root_without_proc_the_browser_is_handed_a_private_page(alice, federation, tmp_path):
    """Where no /proc tells who connects (macOS; simulated by hiding /proc in a mount
    namespace), the browser's command line holds only a file:// page that other users
    cannot read."""
    alice["BROWSER"] = racing_browser(tmp_path)
    require("unshare")
    olenv = " ".join(OLENV)
    result = subprocess.run(
        ["unshare", "--mount", "sh", "-c", f"mount -t tmpfs none /proc && exec {olenv} console"],
        env=alice, capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL,
        start_new_session=True)
    assert result.returncode == 0, result.stderr
    seen = said(result.stdout)
    page = seen["argv:"]
    assert page.startswith("file:///") and "127.0.0.1" not in page
    assert seen["attacker"] == "no read: PermissionError"
    status, location = seen["browser"].split(" ", 2)[1:]
    assert status == "303" and query(location)["SigninToken"] in federation.tokens
    assert not os.path.exists(page[7:]) and not os.path.exists(os.path.dirname(page[7:]))
    assert "opened the AWS console as" in result.stderr


# A text browser: it fetches the page, then stays on the terminal until the user quits.
TEXT_BROWSER = """\
import sys, urllib.error, urllib.request
class Stay(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args):
        return None
try:
    urllib.request.build_opener(Stay).open(sys.argv[1], timeout=10)
except urllib.error.HTTPError as reply:
    print("location:", reply.code)
sys.stdout.write("press q to quit> ")
sys.stdout.flush()
sys.stdin.readline()
print("quit")
"""


def test_at_a_terminal_a_text_browser_is_waited_for_until_it_quits(alice, tmp_path):
    import pexpect

    lynx = tmp_path / "lynx"
    lynx.write_text(f"#!{sys.executable}\n{TEXT_BROWSER}")
    lynx.chmod(0o755)
    alice["BROWSER"] = str(lynx)
    child = pexpect.spawn(OLENV[0], [*OLENV[1:], "console"], env=alice, timeout=30,
                          encoding="utf-8")
    child.expect("location: 303")
    child.expect("press q to quit> ")
    assert child.isalive()  # olenv waits for the browser, which holds the terminal
    child.sendline("q")
    child.expect("quit")
    child.expect("opened the AWS console as")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


@pytest.mark.parametrize("argv, line", [
    (["true", "%s"], "the browser did not open the sign-in page within 1 s"),
    (["false", "%s"], "the browser false failed (exit 1)"),
    (["/nonexistent/browser", "%s"], "cannot run the browser /nonexistent/browser"),
])
def test_a_browser_that_never_comes_is_not_waited_for_for_ever(argv, line):
    import time

    from olenv.console import Browser, open_in_browser
    from olenv.errors import OlenvError

    started = time.monotonic()
    with pytest.raises(OlenvError) as raised:
        open_in_browser("https://signin.aws.amazon.com/federation?x", Browser(argv[0], argv),
                        wait=1)
    assert line in str(raised.value) and "try olenv console --print" in str(raised.value)
    assert time.monotonic() - started < 30


# Opens a connection that says nothing and keeps it, then fetches the page.
SILENT_FIRST = """\
import socket, sys, urllib.error, urllib.parse, urllib.request
where = urllib.parse.urlsplit(sys.argv[1])
silent = socket.create_connection((where.hostname, where.port))
class Stay(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args):
        return None
try:
    urllib.request.build_opener(Stay).open(sys.argv[1], timeout=30)
except urllib.error.HTTPError as reply:
    sys.exit(0 if reply.code == 303 else 1)
"""


def test_a_connection_that_says_nothing_does_not_hold_the_page():
    from olenv.console import Browser, open_in_browser

    argv = [sys.executable, "-c", SILENT_FIRST, "%s"]
    open_in_browser("https://signin.aws.amazon.com/federation?x", Browser(argv[0], argv),
                    wait=30)  # returns once the browser took the page
