"""What the agent keeps and for how long, on a clock the test moves."""

from datetime import datetime, timezone

import pytest

from olenv.agent.store import DROP_MARGIN, Store, credentials, record
from olenv.credentials import Credentials


class Clock:
    def __init__(self):
        self.now = 1_000_000.0

    def __call__(self):
        return self.now


def session(expires_at: float) -> dict:
    return record(Credentials("ASIAKEY", "secret", "token",
                              datetime.fromtimestamp(expires_at, timezone.utc), "eu-west-1",
                              "111111111111", "Admin", "dev"))


@pytest.fixture
def clock():
    return Clock()


def test_a_session_is_served_only_with_more_than_min_ttl_left(clock):
    store = Store(clock)
    store.put("k", session(clock.now + 3600), fast="f")
    assert store.get("k", 300)["access_key_id"] == "ASIAKEY"
    assert store.resolve("f", 300) is not None
    assert store.get("k", 3600) is None  # exactly min_ttl left is not enough
    clock.now += 3300
    assert store.get("k", 300) is None and store.get("k", 200) is not None


def test_a_session_is_dropped_before_it_expires(clock):
    store = Store(clock)
    store.put("k", session(clock.now + 3600), fast="f")
    clock.now += 3600 - DROP_MARGIN
    assert store.get("k", 0) is None and store.empty()
    assert store.aliases == {}  # the fast key went with it


def test_a_fast_key_learned_on_a_hit_finds_the_session(clock):
    store = Store(clock)
    store.put("k", session(clock.now + 3600))
    assert store.resolve("elsewhere", 0) is None
    store.get("k", 0, fast="elsewhere")
    assert store.resolve("elsewhere", 0)["role_name"] == "Admin"


def test_an_assertion_is_held_only_while_valid(clock):
    store = Store(clock)
    store.put_assertion("u", "PHNhbWw+", clock.now + 180)
    store.put_assertion("late", "PHNhbWw+", clock.now - 1)
    assert store.get_assertion("u") == "PHNhbWw+" and store.get_assertion("late") is None
    assert store.next_change() == clock.now + 180
    clock.now += 180
    assert store.get_assertion("u") is None and store.empty()


def test_status_listing_carries_no_secret(clock):
    store = Store(clock)
    store.put("k", session(clock.now + 600))
    listing = store.listing()
    assert listing == [{"profile": "dev", "account": "111111111111", "role": "Admin",
                        "region": "eu-west-1", "seconds_left": 600}]
    assert "secret" not in repr(listing) and "token" not in repr(listing)


def test_a_record_round_trips(clock):
    entry = session(clock.now + 600)
    assert record(credentials(entry)) == entry


def test_a_malformed_record_is_refused(clock):
    with pytest.raises((KeyError, TypeError)):
        Store(clock).put("k", {"access_key_id": "x"})


def test_forget_drops_one_profiles_sessions_its_fast_keys_and_every_assertion(clock):
    store = Store(clock)
    store.put("dev", session(clock.now + 3600), fast="f-dev")
    other = dict(session(clock.now + 3600), profile="prod")
    store.put("prod", other, fast="f-prod")
    store.put_assertion("alice", "PHNhbWw+", clock.now + 300)
    assert [e["profile"] for e in store.forget("dev")] == ["dev"]
    assert store.resolve("f-dev", 0) is None and store.get("dev", 0) is None
    assert store.resolve("f-prod", 0) is not None
    assert store.get_assertion("alice") is None
    assert [e["profile"] for e in store.forget()] == ["prod"] and store.empty()
