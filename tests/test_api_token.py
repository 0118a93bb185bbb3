"""The OneLogin API token: fetched once a run, once a session with the agent, kept in
memory only, dropped when OneLogin refuses it and before it expires."""

import time

from conftest import run_olenv
from fakes.onelogin import FakeOneLogin
from fakes.saml import role_value
from test_agent import PASSWORD, agent_env  # noqa: F401 - a fixture

from olenv.agent.store import Store
from olenv.onelogin import client as client_module
from olenv.onelogin.client import OneLoginClient

ROLE = role_value("111111111111", "Admin")


def tokens(onelogin) -> int:
    return onelogin.count("/auth/oauth2/v2/token")


def sign_in(env, user: str):
    result = run_olenv(["export", "--shell", "bash", "-u", user], env)
    assert result.returncode == 0, result.stderr
    return result


def test_with_the_agent_a_later_sign_in_makes_one_onelogin_call(agent_env, onelogin):  # noqa: F811
    onelogin.add_user("bob@example.com", PASSWORD, roles=[ROLE])
    first = sign_in(agent_env, "alice@example.com")
    calls = len(onelogin.requests)
    sign_in(agent_env, "bob@example.com")  # no session or assertion of bob's is held
    assert [r.path for r in onelogin.requests[calls:]] == ["/api/2/saml_assertion"]
    assert tokens(onelogin) == 1
    # Nothing shows it: not the agent's status, not a notice.
    token = onelogin._access_token
    status = run_olenv(["agent", "status"], agent_env)
    assert token not in status.stdout + status.stderr + first.stdout + first.stderr


def test_a_token_onelogin_revoked_is_dropped_and_the_sign_in_goes_on(agent_env, onelogin):  # noqa: F811
    onelogin.add_user("bob@example.com", PASSWORD, roles=[ROLE])
    onelogin.add_user("carol@example.com", PASSWORD, roles=[ROLE])
    sign_in(agent_env, "alice@example.com")
    onelogin.expire_access_tokens()  # the agent still holds the old one
    sign_in(agent_env, "bob@example.com")
    assert tokens(onelogin) == 2
    bob = onelogin.users["bob@example.com"]
    assert bob.assertions and len(bob.assertions) == 1
    calls = len(onelogin.requests)
    sign_in(agent_env, "carol@example.com")  # the agent got the new token
    assert [r.path for r in onelogin.requests[calls:]] == ["/api/2/saml_assertion"]


def test_a_failed_sign_in_leaves_no_token_and_no_agent(agent_env, onelogin):  # noqa: F811
    result = run_olenv(["export", "--shell", "bash"], {**agent_env, "OLENV_PASSWORD": "wrong"})
    assert result.returncode == 1
    assert run_olenv(["agent", "status"], agent_env).returncode == 1
    sign_in(agent_env, "alice@example.com")
    assert tokens(onelogin) == 2  # the failed run's token was never kept


def test_without_an_agent_one_run_fetches_the_token_once(monkeypatch):
    monkeypatch.setattr(client_module, "_TOKENS", {})
    with FakeOneLogin() as fake:
        fake.add_user("alice@example.com", PASSWORD)
        for _ in range(3):  # as login --loop renews, each with a new client
            client = OneLoginClient(fake.url, fake.client_id, fake.client_secret)
            client.saml_assertion("alice@example.com", PASSWORD, fake.app_id, fake.subdomain)
        assert tokens(fake) == 1
        # Another secret for the same client id is tried, not hidden behind the token.
        wrong = OneLoginClient(fake.url, fake.client_id, "not-the-secret", backoff=0.001)
        try:
            wrong.token()
        except Exception as exc:  # noqa: BLE001
            assert "rejected the API client id/secret" in str(exc)
        else:
            raise AssertionError("a wrong secret was not refused")


def test_a_token_is_not_used_past_its_margin(monkeypatch):
    monkeypatch.setattr(client_module, "_TOKENS", {})
    with FakeOneLogin() as fake:
        fake.add_user("alice@example.com", PASSWORD)
        client = OneLoginClient(fake.url, fake.client_id, fake.client_secret)
        client.token()
        key = client._token_key()
        token, until = client_module._TOKENS[key]
        # OneLogin says 36000 s; olenv stops using it TOKEN_MARGIN before.
        assert 36000 - client_module.TOKEN_MARGIN - 60 < until - time.time() \
            <= 36000 - client_module.TOKEN_MARGIN
        client_module._TOKENS[key] = (token, time.time() - 1)
        OneLoginClient(fake.url, fake.client_id, fake.client_secret).token()
        assert tokens(fake) == 2


def test_the_agent_store_drops_a_token_at_its_end_and_on_request():
    now = [1000.0]
    store = Store(clock=lambda: now[0])
    store.put_token("k", "t", 1010.0)
    store.put_token("old", "t", 999.0)  # already over: not kept
    assert store.get_token("k") == ("t", 1010.0) and store.get_token("old") is None
    assert store.empty()  # a token alone keeps no agent alive
    now[0] = 1010.0
    assert store.get_token("k") is None
    store.put_token("k", "t", 2000.0)
    store.drop_token("k")
    assert store.get_token("k") is None
