"""Plain http goes only to this machine: hosts that only look like loopback are refused.

OLENV_ONELOGIN_URL (and the other URL overrides) may use http only to a loopback
address, since the password travels in it. A host is loopback when it is
`localhost`, an IPv4 address in 127.0.0.0/8, or ::1. Any other spelling is refused
rather than resolved, the IPv4-mapped ::ffff:127.0.0.1 too: it is loopback, but
Pythons disagree on it (3.13 says yes, 3.12 no), and nobody needs it.
"""

import ipaddress

import pytest
from urllib3.util import parse_url

from olenv.errors import ConfigError
from olenv.settings import is_loopback, override_url

LOOPBACK = ["127.0.0.1", "127.255.255.254", "127.1.2.3", "localhost", "::1"]

LOOKALIKES = [
    "127.0.0.1.evil.com", "127.evil.com", "127.", "127.0.0.1.", "127.0.0.256",
    "localhost.evil.com", "localhost.", "evil-localhost", "0x7f.1", "0x7f000001",
    "2130706433", "0177.0.0.1", "127.1", "::ffff:10.0.0.1", "::ffff:127.0.0.1",
    "::ffff:7f00:1", "::2", "0.0.0.0", "::",
    "10.0.0.1", "128.0.0.1", "", " 127.0.0.1",
]


@pytest.mark.parametrize("host", LOOPBACK)
def test_loopback_hosts(host):
    assert is_loopback(host)


@pytest.mark.parametrize("host", LOOKALIKES)
def test_hosts_that_only_look_like_loopback_are_not(host):
    assert not is_loopback(host)


@pytest.mark.parametrize("url", [
    "http://127.0.0.1.evil.com/", "http://127.0.0.1.evil.com:8080", "http://localhost.evil.com",
    "http://0x7f.1:8080", "http://127.1", "http://[::ffff:10.0.0.1]:80", "http://2130706433",
    "http://[::ffff:127.0.0.1]:8080",
])
def test_a_plain_http_override_to_a_lookalike_is_refused(url):
    with pytest.raises(ConfigError, match="plain http is allowed only to a loopback address"):
        override_url("OLENV_ONELOGIN_URL", url)


@pytest.mark.parametrize("url", [
    "http://127.0.0.1@evil.com/", "http://localhost:80@evil.com", "http://x:y@127.0.0.1:80",
])
def test_credentials_in_an_override_are_refused_whatever_the_host(url):
    with pytest.raises(ConfigError):
        override_url("OLENV_ONELOGIN_URL", url)


@pytest.mark.parametrize("url", ["http://127.0.0.1:8080", "http://localhost:1",
                                 "http://[::1]:8080", "http://LOCALHOST:8080"])
def test_an_accepted_override_reaches_only_loopback(url):
    assert override_url("OLENV_ONELOGIN_URL", url) == url
    host = parse_url(url).host.strip("[]").lower()  # where urllib3 connects
    assert host == "localhost" or ipaddress.ip_address(host).is_loopback
