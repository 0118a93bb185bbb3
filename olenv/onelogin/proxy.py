"""The proxy for a OneLogin URL, chosen from the environment exactly as botocore chooses
one for STS, so one set of HTTPS_PROXY / HTTP_PROXY / NO_PROXY (or their lower-case
forms) covers both.

botocore asks urllib.request: getproxies() for the proxy of the URL's scheme (lower
case wins over upper case; ALL_PROXY is not used), and proxy_bypass() on the URL's
host and port for NO_PROXY (a suffix match on names, `*` for everything). Loopback
addresses are proxied like any other unless NO_PROXY names them.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit


@dataclass(frozen=True)
class Proxy:
    url: str  # without any user:password
    headers: dict = field(default_factory=dict, repr=False)  # Proxy-Authorization, if any

    @property
    def host(self) -> str:
        return urlsplit(self.url).netloc


def proxy_for(url: str) -> Proxy | None:
    import urllib.request

    parts = urlsplit(url)
    try:
        if urllib.request.proxy_bypass(parts.netloc):
            return None
    except (TypeError, OSError):  # botocore ignores the same failures of proxy_bypass
        pass
    proxy = urllib.request.getproxies().get(parts.scheme)
    if not proxy:
        return None
    # botocore's repairs: "host:port" and "//host:port" mean an http proxy.
    if not proxy.startswith(("http:", "https:")):
        proxy = "http:" + proxy if proxy.startswith("//") else "http://" + proxy
    where = urlsplit(proxy)
    headers = {}
    if where.username and where.password:
        pair = f"{unquote(where.username)}:{unquote(where.password)}"
        headers["Proxy-Authorization"] = "Basic " + base64.b64encode(pair.encode()).decode()
    netloc = where.netloc.rpartition("@")[2]
    return Proxy(f"{where.scheme}://{netloc}", headers)
