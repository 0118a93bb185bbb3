"""The AWS console, signed in as the role: AWS's federation endpoint trades the
session's keys for a sign-in token, and a login URL carries that token to a browser.

Whoever holds the login URL is in the console for the next 15 minutes, so it is
printed only on request and never put on a command line: the browser is sent to
a one-time page on 127.0.0.1 that redirects it there.
"""

import json
import re
from datetime import datetime, timezone
from urllib.parse import urlencode, urlsplit

from olenv import background
from olenv.credentials import Credentials
from olenv.errors import OlenvError, UsageError
from olenv.settings import override_url

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
    pool = urllib3.PoolManager(retries=False, timeout=urllib3.Timeout(connect=10, read=30))
    try:
        # The keys travel in the query, as AWS documents it: errors below never show the URL.
        response = pool.request("GET", endpoint, fields={
            "Action": "getSigninToken", "SessionDuration": str(duration), "Session": session})
    except urllib3.exceptions.HTTPError:
        raise OlenvError(f"cannot reach the AWS federation endpoint at {host}") from None
    if response.status != 200:
        raise OlenvError(f"the AWS federation endpoint at {host} refused the session's keys "
                         f"(HTTP {response.status}): they may have expired; sign in again")
    try:
        token = json.loads(response.data).get("SigninToken")
    except (ValueError, AttributeError):
        token = None
    if not isinstance(token, str) or not token:
        raise OlenvError(f"the AWS federation endpoint at {host} sent no sign-in token")
    return token


def login_url(endpoint: str, token: str, landing: str) -> str:
    return endpoint + "?" + urlencode({"Action": "login", "Issuer": ISSUER,
                                       "Destination": landing, "SigninToken": token})


def open_in_browser(url: str, wait: float = BROWSER_WAIT) -> None:
    """Open `url` through a one-time redirect on 127.0.0.1, so no command line carries it."""
    import secrets
    import threading
    import webbrowser
    from http.server import BaseHTTPRequestHandler, HTTPServer

    path = "/" + secrets.token_urlsafe(24)
    served = threading.Event()

    class Redirect(BaseHTTPRequestHandler):
        def do_GET(self):
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

    with HTTPServer(("127.0.0.1", 0), Redirect) as server:
        background.start(server.serve_forever, 0.05)
        try:
            # A text-mode browser runs in the foreground: the redirect is served meanwhile.
            if not webbrowser.open(f"http://127.0.0.1:{server.server_port}{path}"):
                raise UsageError("no web browser found: run olenv console --print "
                                 "and open the URL yourself")
            if not served.wait(wait):
                raise OlenvError(f"the browser did not open the sign-in page within {wait:.0f} s: "
                                 "try olenv console --print")
        finally:
            server.shutdown()
