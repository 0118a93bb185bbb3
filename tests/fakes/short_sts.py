"""An STS endpoint whose keys live as long as a test wants: it passes every request
on to moto's server and rewrites the Expiration of what comes back.

moto's AssumeRoleWithSAML ignores DurationSeconds (it reads the assertion's
SessionDuration, and AWS's floor is 900 s anyway), so keys that end within a
minute, for watching renewals happen, are made here."""

import re
import threading
import urllib.request
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

EXPIRATION = re.compile(rb"<Expiration>[^<]*</Expiration>")


class ShortSTS:
    def __init__(self, upstream: str, lifetime: float):
        self.upstream = upstream
        self.lifetime = lifetime
        self.assumed = 0  # AssumeRoleWithSAML calls answered
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                headers = {k: v for k, v in self.headers.items() if k.lower() != "content-length"}
                request = urllib.request.Request(fake.upstream + self.path, data=body,
                                                 headers=headers, method="POST")
                with urllib.request.urlopen(request, timeout=30) as answer:
                    status, reply = answer.status, answer.read()
                if b"AssumeRoleWithSAMLResponse" in reply:
                    fake.assumed += 1
                    end = datetime.now(timezone.utc) + timedelta(seconds=fake.lifetime)
                    stamp = end.strftime("%Y-%m-%dT%H:%M:%S.%fZ").encode()
                    reply = EXPIRATION.sub(b"<Expiration>" + stamp + b"</Expiration>", reply)
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

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
