"""An STS endpoint that answers with AWS's error replies when told to, and
passes every other request on to moto's real server.

moto never produces ExpiredTokenException, the MaxSessionDuration
ValidationError or AccessDenied for AssumeRoleWithSAML; this puts those exact
replies on the wire so olenv's handling is tested through botocore. Nor does it
make keys that end within a minute (it ignores DurationSeconds, and AWS's floor
is 900 s): with `lifetime`, the Expiration of what comes back is rewritten, for
watching renewals happen."""

import base64
import re
import threading
import time
import urllib.parse
import urllib.request
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

EXPIRATION = re.compile(rb"<Expiration>[^<]*</Expiration>")

ERROR = """<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error>
  <RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId>
</ErrorResponse>"""


class FaultySTS:
    def __init__(self, upstream: str, one_role: bool = False, latency: float = 0.0,
                 lifetime: float | None = None):
        """one_role: pass on only the role asked for, as moto reads a single Role value.
        latency: seconds each reply waits, as over the internet (bench --latency).
        lifetime: seconds the keys handed out live (the test may change it)."""
        self.upstream = upstream
        self.latency = latency
        self.lifetime = lifetime
        self.assumed = 0  # AssumeRoleWithSAML calls answered with keys
        self.faults: list[tuple[str, str, int]] = []
        self.requests: list[dict[str, str]] = []  # the form fields of every call
        fake = self

        class Handler(BaseHTTPRequestHandler):
            # Headers and body in one write: split writes meet delayed ACKs (~40 ms).
            wbufsize = -1
            disable_nagle_algorithm = True

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                fake.requests.append(dict(urllib.parse.parse_qsl(body.decode())))
                if fake.faults:
                    code, message, status = fake.faults.pop(0)
                    reply = ERROR.format(code=code, message=message).encode()
                else:
                    body = only_the_role_asked(body) if one_role else body
                    headers = {k: v for k, v in self.headers.items()
                               if k.lower() != "content-length"}
                    request = urllib.request.Request(fake.upstream + self.path, data=body,
                                                     headers=headers, method="POST")
                    with urllib.request.urlopen(request, timeout=30) as answer:
                        status, reply = answer.status, answer.read()
                    if b"AssumeRoleWithSAMLResponse" in reply:
                        fake.assumed += 1
                        if fake.lifetime is not None:
                            reply = EXPIRATION.sub(b"<Expiration>" + _ends(fake.lifetime)
                                                   + b"</Expiration>", reply)
                if fake.latency:
                    time.sleep(fake.latency)
                self.send_response(status)
                self.send_header("Content-Type", "text/xml")
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()

    def fail_next(self, code: str, message: str, status: int = 400, times: int = 1) -> None:
        self.faults.extend([(code, message, status)] * times)

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def _ends(lifetime: float) -> bytes:
    end = datetime.now(timezone.utc) + timedelta(seconds=lifetime)
    return end.strftime("%Y-%m-%dT%H:%M:%S.%fZ").encode()


def only_the_role_asked(body: bytes) -> bytes:
    """The request with the assertion's other Role values left out."""
    form = dict(urllib.parse.parse_qsl(body.decode()))
    if "SAMLAssertion" not in form:
        return body

    def keep(match):
        value = match.group(1)
        asked = ":role/" not in value or form["RoleArn"] in value.split(",")
        return match.group(0) if asked else ""

    xml = base64.b64decode(form["SAMLAssertion"]).decode()
    xml = re.sub(r"<saml:AttributeValue>([^<]*)</saml:AttributeValue>", keep, xml)
    form["SAMLAssertion"] = base64.b64encode(xml.encode()).decode()
    return urllib.parse.urlencode(form).encode()
