"""The AWS console, signed in as the role: AWS's federation endpoint trades the
session's keys for a sign-in token, and a login URL carries that token to a browser.

Whoever holds the login URL is in the console for the next 15 minutes, so it is
printed only on request (or where no browser can open) and never put on a command
line: the browser is sent to a one-time page on 127.0.0.1 that redirects it there.
"""

import json
import os
import re
import shutil
import sys
import time
from datetime import datetime, timezone
from urllib.parse import urlencode, urlsplit

from olenv import background
from olenv.credentials import Credentials
from olenv.errors import OlenvError, UsageError
from olenv.settings import override_url
from olenv.text import safe

# partition → (federation endpoint, console domain), as aws-vault builds them: the landing
# page is https://<region>.<console domain>/..., in aws-cn and aws-us-gov too.
_CONSOLES = {
    "aws": ("https://signin.aws.amazon.com/federation", "console.aws.amazon.com"),
    "aws-cn": ("https://signin.amazonaws.cn/federation", "console.amazonaws.cn"),
    "aws-us-gov": ("https://signin.amazonaws-us-gov.com/federation",
                   "console.amazonaws-us-gov.com"),
}
MIN_SESSION, MAX_SESSION = 900, 43200  # what getSigninToken accepts as SessionDuration
SERVICE = re.compile(r"^[a-z0-9][a-z0-9-]*\Z")
ISSUER = "olenv"
BROWSER_WAIT = 60.0
MAX_REPLY = 64 * 1024  # a sign-in token is a few KiB: a bigger reply is not AWS's
REPLY_SECONDS = 30.0


def _partition(region: str) -> tuple[str, str]:
    from olenv import partitions

    partition = partitions.of_region(region)
    if partition not in _CONSOLES:
        raise OlenvError(f"olenv knows no AWS console sign-in for region {region} "
                         f"(partition {partition or 'unknown'}): only "
                         f"{', '.join(_CONSOLES)} have a public federation endpoint")
    return _CONSOLES[partition]


def endpoint_override(value: str | None) -> str | None:
    """OLENV_FEDERATION_URL, checked: https, or plain http to a loopback address only."""
    return override_url("OLENV_FEDERATION_URL", value) if value else None


def federation_endpoint(region: str, override: str | None = None) -> str:
    return override or _partition(region)[0]


def check_destination(where: str | None) -> None:
    if where and not SERVICE.match(where) and not (
            urlsplit(where).scheme == "https" and urlsplit(where).hostname):
        raise UsageError(f"--destination {where!r} is neither a service name (s3, ec2...) "
                         "nor an https URL")


def destination(region: str, where: str | None = None) -> str:
    """The console page to land on: its home in the region, a service's home, or an https URL."""
    check_destination(where)
    base = f"https://{region}.{_partition(region)[1]}"
    if not where:
        return f"{base}/console/home?region={region}"
    if SERVICE.match(where):
        return f"{base}/{where}/home?region={region}"
    return where


def session_duration(credentials: Credentials, now: datetime | None = None) -> int:
    """The console stays signed in as long as the keys last, within what AWS allows."""
    left = (credentials.expiration - (now or datetime.now(timezone.utc))).total_seconds()
    return int(min(MAX_SESSION, max(MIN_SESSION, left)))


def signin_token(endpoint: str, credentials: Credentials, duration: int) -> str:
    """Trade the session's keys for a sign-in token (Action=getSigninToken)."""
    import urllib3

    session = json.dumps({"sessionId": credentials.access_key_id,
                          "sessionKey": credentials.secret_access_key,
                          "sessionToken": credentials.session_token})
    host = urlsplit(endpoint).netloc
    pool = urllib3.PoolManager(retries=False, timeout=urllib3.Timeout(connect=10, read=10))
    try:
        # The keys travel in the query, as AWS documents it: errors below never show the URL.
        response = pool.request("GET", endpoint, preload_content=False, fields={
            "Action": "getSigninToken", "SessionDuration": str(duration), "Session": session})
        data = _bounded(response, host)
    except urllib3.exceptions.HTTPError:
        raise OlenvError(f"cannot reach the AWS federation endpoint at {host}") from None
    if response.status != 200:
        raise OlenvError(f"the AWS federation endpoint at {host} refused the session's keys "
                         f"(HTTP {response.status}): they may have expired; sign in again")
    try:
        token = json.loads(data).get("SigninToken")
    except (ValueError, AttributeError):
        token = None
    if not isinstance(token, str) or not token:
        raise OlenvError(f"the AWS federation endpoint at {host} sent no sign-in token")
    return token


def _bounded(response, host: str) -> bytes:
    """The reply's body, up to MAX_REPLY bytes and REPLY_SECONDS in all (each read also
    has its own timeout), however much or however slowly a server sends."""
    import time

    deadline, data = time.monotonic() + REPLY_SECONDS, b""
    try:
        while chunk := response.read(4096):
            data += chunk
            if len(data) > MAX_REPLY:
                raise OlenvError(f"the AWS federation endpoint at {host} sent a reply of more "
                                 f"than {MAX_REPLY // 1024} KiB: not AWS's (a proxy?)")
            if time.monotonic() > deadline:
                raise OlenvError(f"the AWS federation endpoint at {host} did not finish its "
                                 f"reply within {REPLY_SECONDS:.0f} s")
    finally:
        response.release_conn()
    return data


def login_url(endpoint: str, token: str, landing: str) -> str:
    return endpoint + "?" + urlencode({"Action": "login", "Issuer": ISSUER,
                                       "Destination": landing, "SigninToken": token})


# Browsers that take over the terminal: they run in the foreground, and only with one.
TEXT_BROWSERS = {"lynx", "links", "links2", "elinks", "w3m", "www-browser", "browsh"}
SSH = ("SSH_CONNECTION", "SSH_CLIENT", "SSH_TTY")


class NoBrowser(Exception):
    """Why no browser is opened here: the URL is then printed instead."""


class Browser:
    """A browser to start: a command from BROWSER (argv, "%s" for the URL), or one that
    Python's webbrowser found."""

    def __init__(self, name: str, argv: list[str] | None = None, controller=None):
        self.name, self.argv, self.controller = name, argv, controller

    @property
    def text(self) -> bool:
        return os.path.basename(self.name) in TEXT_BROWSERS


def choose_browser(env=os.environ, platform: str = sys.platform, interactive: bool = False,
                   which=shutil.which) -> Browser:
    """The browser to open, or NoBrowser saying why none should be: BROWSER naming
    nothing usable, an SSH session, no display, a text browser with no terminal."""
    browser = _from_browser_variable(env, which) if env.get("BROWSER") else None
    if browser is None:
        if any(env.get(name) for name in SSH):
            raise NoBrowser("this is an SSH session, and a browser would open on the remote "
                            "machine")
        graphical = platform.startswith("darwin") or platform.startswith(("win", "cygwin"))
        if not graphical and not (env.get("DISPLAY") or env.get("WAYLAND_DISPLAY")):
            raise NoBrowser("there is no display (DISPLAY and WAYLAND_DISPLAY are unset)")
        import webbrowser

        try:
            controller = webbrowser.get()
        except webbrowser.Error:
            raise NoBrowser("no web browser was found") from None
        browser = Browser(str(getattr(controller, "name", "") or "browser"), controller=controller)
    if browser.text and not interactive:
        raise NoBrowser(f"{safe(browser.name)} is a text-mode browser and there is no terminal "
                        "to run it in")
    return browser


def _from_browser_variable(env, which) -> Browser:
    import shlex

    for entry in env["BROWSER"].split(os.pathsep):
        try:
            argv = shlex.split(entry)
        except ValueError:
            continue
        if argv and which(argv[0]):
            return Browser(argv[0], argv if any("%s" in a for a in argv) else [*argv, "%s"])
    raise NoBrowser(f"BROWSER={safe(env['BROWSER'])} names no program found on PATH")


def open_in_browser(url: str, browser: Browser, wait: float = BROWSER_WAIT,
                    proc: str = "/proc") -> None:
    """Send the browser to `url` through a one-time redirect on 127.0.0.1.

    The redirect serves only the user's own uid where the kernel tells a connection's
    owner (Linux): another user who reads the browser's command line gets nothing.
    Elsewhere the command line carries no secret: the browser opens a file:// page,
    readable by this user alone, that leads to the redirect. Returns once the user's
    browser took the URL; OlenvError if it did not.
    """
    import secrets
    import tempfile
    import threading
    from http.server import BaseHTTPRequestHandler, HTTPServer

    from olenv import tcpowner

    path = "/" + secrets.token_urlsafe(24)
    served = threading.Event()
    checked = tcpowner.readable(proc)
    me = os.getuid()

    class Redirect(BaseHTTPRequestHandler):
        timeout = 5  # one at a time: a connection that says nothing must not hold the page

        def do_GET(self):
            ours = self.server.server_address
            if checked and tcpowner.owner(ours, self.client_address, proc) != me:
                self.send_error(403)  # not the user's own browser
                return
            if self.path != path or served.is_set():
                self.send_error(404)
                return
            self.send_response(303)
            self.send_header("Location", url)
            self.send_header("Cache-Control", "no-store")
            self.send_header("Referrer-Policy", "no-referrer")
            self.send_header("Content-Length", "0")
            self.end_headers()
            served.set()

        def log_message(self, *args):
            pass

    private = None
    with HTTPServer(("127.0.0.1", 0), Redirect) as server:
        background.start(server.serve_forever, 0.05)
        local = f"http://127.0.0.1:{server.server_port}{path}"
        try:
            target = local
            if not checked:
                private = tempfile.mkdtemp(prefix="olenv-console-")  # 0700
                target = _trampoline(private, local)
            _launch(browser, target, served, wait)
        finally:
            server.shutdown()
            if private:
                import shutil as files

                files.rmtree(private, ignore_errors=True)


def _trampoline(directory: str, local: str) -> str:
    """A page, 0600 in a private directory, that sends the browser on to `local`."""
    from html import escape

    page = os.path.join(directory, "aws-console.html")
    fd = os.open(page, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    with open(fd, "w", encoding="utf-8") as out:
        out.write('<!doctype html><meta charset="utf-8"><meta name="referrer" '
                  f'content="no-referrer"><meta http-equiv="refresh" content="0;url={escape(local)}">'
                  f'<title>AWS console</title><a href="{escape(local)}">Open the AWS console</a>\n')
    return "file://" + page


def _launch(browser: Browser, target: str, served, wait: float) -> None:
    """Start the browser and wait for the redirect to be taken; never for ever: a text
    browser, which the user drives, is waited for until it exits, any other for `wait`."""
    import subprocess

    def failed(why: str) -> OlenvError:
        return OlenvError(f"{why}: try olenv console --print")

    if browser.controller is not None:
        if browser.text:
            browser.controller.open(target)
        else:
            opened = []
            background.start(lambda: opened.append(browser.controller.open(target)))
            if not served.wait(wait):
                raise failed(f"the browser did not open the sign-in page within {wait:.0f} s"
                             if opened != [False] else "the browser could not be started")
        if not served.is_set():
            raise failed("the browser did not open the sign-in page")
        return
    argv = [a.replace("%s", target) for a in browser.argv]
    try:
        child = subprocess.Popen(argv, stdin=None if browser.text else subprocess.DEVNULL)
    except OSError as exc:
        raise failed(f"cannot run the browser {safe(argv[0])} ({exc.strerror})") from None
    if browser.text:
        child.wait()
    else:
        deadline = time.monotonic() + wait
        while not served.wait(0.05):
            if child.poll() not in (None, 0):
                raise failed(f"the browser {safe(argv[0])} failed (exit {child.returncode})")
            if time.monotonic() > deadline:
                raise failed(f"the browser did not open the sign-in page within {wait:.0f} s")
    if not served.is_set():
        raise failed("the browser closed without opening the sign-in page")
