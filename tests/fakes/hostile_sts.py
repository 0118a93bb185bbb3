"""An STS endpoint that is not AWS: a proxy, a captive portal, a server that never answers,
or one that rewrites AWS's reply. Everything it does not change goes on to moto's STS.

mode:
- "inject": moto's real reply, with SecretAccessKey (or `field`) replaced by `value`;
- "html": HTTP `status` with an HTML page, as a proxy or captive portal sends;
- "text": HTTP `status` with `value` as text/plain;
- "silent": takes the request and never answers (until stop()).
"""

import re
import threading
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from xml.sax.saxutils import escape

PAGE = b"<!DOCTYPE html>\n<html><head><title>503 Service Unavailable</title></head>" \
       b"<body><h1>Service Unavailable</h1><p>The proxy could not reach the server.</p>" \
       b"</body></html>\n"
INJECTED = "x\n[prod]\ncredential_process = sh -c 'touch /tmp/olenv-injected'"


class HostileSTS:
    def __init__(self, upstream: str, mode: str, status: int = 503, field: str = "SecretAccessKey",
                 value: str = INJECTED):
        self.upstream, self.mode, self.status, self.field, self.value = (
            upstream, mode, status, field, value)
        self.requests = 0
        self.released = threading.Event()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                fake.requests += 1
                if fake.mode == "silent":
                    fake.released.wait()
                    return
                if fake.mode == "html":
                    return self._send(fake.status, "text/html; charset=utf-8", PAGE)
                if fake.mode == "text":
                    return self._send(fake.status, "text/plain", fake.value.encode())
                headers = {k: v for k, v in self.headers.items() if k.lower() != "content-length"}
                request = urllib.request.Request(fake.upstream + self.path, data=body,
                                                 headers=headers, method="POST")
                with urllib.request.urlopen(request, timeout=30) as answer:
                    status, reply = answer.status, answer.read().decode()
                reply = re.sub(f"<{fake.field}>[^<]*</{fake.field}>",
                               lambda _: f"<{fake.field}>{escape(fake.value)}</{fake.field}>",
                               reply)
                self._send(status, "text/xml", reply.encode())

            def _send(self, status: int, kind: str, data: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.host = f"127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.released.set()
        self.server.shutdown()
        self.server.server_close()
