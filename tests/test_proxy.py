"""OneLogin through a proxy: HTTPS_PROXY, HTTP_PROXY and NO_PROXY (or their lower-case
forms) are read as botocore reads them for STS, and a real proxy (tinyproxy) carries
the sign-in; its log shows each request.

Loopback is proxied like any other host unless NO_PROXY names it, as botocore does:
a user who sets HTTPS_PROXY expects every request to go through it, and the one
setting covers both OneLogin and STS.
"""

import os
import socket
import subprocess
import time
from urllib.parse import urlsplit

import pytest
from conftest import require, run_olenv
from fakes.onelogin import FakeOneLogin
from fakes.tls import certificate, server_context

from olenv.onelogin.proxy import proxy_for

PASSWORD = "correct horse"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Tinyproxy:
    def __init__(self, directory, connect_ports):
        self.port = free_port()  # tinyproxy refuses Port 0
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_file = directory / "tinyproxy.log"
        conf = directory / "tinyproxy.conf"
        conf.write_text("\n".join([
            f"Port {self.port}", "Listen 127.0.0.1", "Allow 127.0.0.1", "Timeout 30",
            "MaxClients 50", "LogLevel Info", f'LogFile "{self.log_file}"',
            "DisableViaHeader Yes", *(f"ConnectPort {p}" for p in connect_ports), ""]))
        self.process = subprocess.Popen([require("tinyproxy"), "-d", "-c", str(conf)],
                                        cwd=directory, stdin=subprocess.DEVNULL,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while True:  # poll until it listens
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise RuntimeError(f"tinyproxy did not start: {self.log()}") from None
                time.sleep(0.02)

    def log(self) -> str:
        return self.log_file.read_text() if self.log_file.exists() else ""

    def requests(self) -> list[str]:
        """The request lines tinyproxy logged, e.g. 'CONNECT 127.0.0.1:4321 HTTP/1.1'."""
        return [line.split("): ", 1)[1] for line in self.log().splitlines()
                if "Request (file descriptor" in line]

    def stop(self):
        self.process.terminate()
        self.process.wait(10)


@pytest.fixture
def tls_onelogin(tmp_path):
    cert = certificate(tmp_path)
    with FakeOneLogin(tls=server_context(cert)) as fake:
        fake.cert = cert
        fake.add_user("alice@example.com", PASSWORD)
        yield fake


@pytest.fixture
def proxy_for_fakes(tmp_path, onelogin, tls_onelogin):
    ports = [int(f.url.rsplit(":", 1)[1]) for f in (onelogin, tls_onelogin)]
    proxy = Tinyproxy(tmp_path, ports)
    yield proxy
    proxy.stop()


@pytest.fixture
def signed(env):
    env["OLENV_PASSWORD"] = PASSWORD
    for name in ("HTTPS_PROXY", "HTTP_PROXY", "NO_PROXY", "ALL_PROXY"):
        env.pop(name, None)
        env.pop(name.lower(), None)
    return env


@pytest.mark.parametrize("variable", ["HTTPS_PROXY", "https_proxy"])
def test_https_onelogin_goes_through_the_proxy_by_connect(proxy_for_fakes, tls_onelogin,
                                                          signed, variable):
    signed.update({variable: proxy_for_fakes.url, "SSL_CERT_FILE": str(tls_onelogin.cert),
                   "OLENV_ONELOGIN_URL": tls_onelogin.url})
    result = run_olenv(["credential-process"], signed)
    assert result.returncode == 0, result.stderr
    target = tls_onelogin.url.removeprefix("https://")
    assert [line for line in proxy_for_fakes.requests()
            if line.startswith(f"CONNECT {target} ")], proxy_for_fakes.requests()
    assert tls_onelogin.count("/saml_assertion") == 1
    assert PASSWORD not in proxy_for_fakes.log()  # inside the tunnel, never seen by the proxy


@pytest.mark.parametrize("variable", ["HTTP_PROXY", "http_proxy"])
def test_a_loopback_onelogin_is_proxied_unless_no_proxy_says_otherwise(proxy_for_fakes,
                                                                        onelogin, signed, variable):
    onelogin.add_user("alice@example.com", PASSWORD)
    signed[variable] = proxy_for_fakes.url
    result = run_olenv(["credential-process"], signed)
    assert result.returncode == 0, result.stderr
    lines = proxy_for_fakes.requests()
    for path in ("/auth/oauth2/v2/token", "/api/2/saml_assertion"):
        assert f"POST {onelogin.url}{path} HTTP/1.1" in lines, lines


@pytest.mark.parametrize("variable, value", [
    ("NO_PROXY", "127.0.0.1"), ("no_proxy", "127.0.0.1"), ("NO_PROXY", "*"),
    ("NO_PROXY", "example.com,127.0.0.1"),
])
def test_no_proxy_bypasses_the_proxy(proxy_for_fakes, onelogin, tls_onelogin, signed,
                                     variable, value):
    onelogin.add_user("alice@example.com", PASSWORD)
    signed.update({"HTTP_PROXY": proxy_for_fakes.url, "HTTPS_PROXY": proxy_for_fakes.url,
                   variable: value})
    assert run_olenv(["credential-process"], signed).returncode == 0
    signed.update({"SSL_CERT_FILE": str(tls_onelogin.cert), "OLENV_ONELOGIN_URL": tls_onelogin.url})
    assert run_olenv(["credential-process"], signed).returncode == 0
    assert proxy_for_fakes.requests() == []
    assert onelogin.count("/saml_assertion") == tls_onelogin.count("/saml_assertion") == 1


def test_a_proxy_that_is_down_is_one_line_naming_it(onelogin, signed):
    onelogin.add_user("alice@example.com", PASSWORD)
    port = free_port()
    signed["HTTP_PROXY"] = f"http://user:proxy-secret@127.0.0.1:{port}"
    result = run_olenv(["credential-process"], signed)
    assert result.returncode == 1
    host = onelogin.url.removeprefix("http://")
    assert result.stderr == (f"olenv: cannot reach OneLogin at {host} through the proxy "
                             f"127.0.0.1:{port}: the proxy: connection refused\n")
    assert onelogin.requests == []


# --- the choice itself, beside botocore's ------------------------------------------------

ENVIRONMENTS = [
    {},
    {"HTTPS_PROXY": "http://proxy:3128"},
    {"https_proxy": "http://lower:3128", "HTTPS_PROXY": "http://upper:3128"},
    {"HTTPS_PROXY": "proxy:3128"},
    {"HTTPS_PROXY": "//proxy:3128"},
    {"HTTPS_PROXY": "http://u%40x:p%3Aw@proxy:3128"},
    {"HTTPS_PROXY": "https://proxy:3129"},  # a TLS proxy keeps its scheme
    {"HTTPS_PROXY": "http://user@proxy:3128"},  # a user without a password: no header
    {"HTTP_PROXY": "http://proxy:3128"},
    {"ALL_PROXY": "http://proxy:3128"},
    {"HTTPS_PROXY": "http://proxy:3128", "NO_PROXY": "*"},
    {"HTTPS_PROXY": "http://proxy:3128", "NO_PROXY": "onelogin.com"},
    {"HTTPS_PROXY": "http://proxy:3128", "no_proxy": ".onelogin.com"},
    {"HTTPS_PROXY": "http://proxy:3128", "NO_PROXY": "other.com, api.us.onelogin.com"},
    {"HTTPS_PROXY": "http://proxy:3128", "NO_PROXY": "nelogin.com"},
    {"HTTPS_PROXY": "http://proxy:3128", "NO_PROXY": "api.us.onelogin.com:443"},
    {"HTTPS_PROXY": "http://proxy:3128", "NO_PROXY": "127.0.0.1"},
    {"HTTP_PROXY": "http://proxy:3128", "NO_PROXY": "localhost"},
]
URLS = ["https://api.us.onelogin.com", "https://acme.onelogin.com", "http://127.0.0.1:8080",
        "https://127.0.0.1:8443", "http://localhost:8080"]


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_the_proxy_chosen_is_botocores(monkeypatch, environment):
    from botocore.httpsession import ProxyConfiguration
    from botocore.utils import get_environ_proxies

    for name in list(os.environ):
        if name.lower().endswith("_proxy"):
            monkeypatch.delenv(name)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    for url in URLS:
        config = ProxyConfiguration(proxies=get_environ_proxies(url))
        expected = config.proxy_url_for(url)
        chosen = proxy_for(url)
        if expected is None:
            assert chosen is None, (url, chosen)
            continue
        assert chosen is not None, url
        where = urlsplit(expected)
        assert chosen.url == f"{where.scheme}://{where.netloc.rpartition('@')[2]}"
        assert chosen.headers == config.proxy_headers_for(expected)
