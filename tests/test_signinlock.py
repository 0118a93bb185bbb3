"""One sign-in for many callers: twenty commands that need the same session at once make
one sign-in (one push), with the agent running, not yet started, or just killed; and the
lock that does it, on its own."""

import json
import os
import signal
import subprocess
import threading

import pytest
from conftest import OLENV, run_olenv
from fakes.onelogin import FakeOneLogin
from fakes.saml import role_value

from olenv.agent import signinlock
from olenv.errors import OlenvError, SignInError

PASSWORD = "correct horse"
CALLERS = 20


@pytest.fixture
def agent_env(env):
    env.pop("OLENV_AGENT")
    env.update(OLENV_PASSWORD=PASSWORD, OLENV_AGENT_IDLE="120")
    yield env
    run_olenv(["agent", "stop"], env)


def all_at_once(env, n=CALLERS, *args):
    """n olenv runs started together, half credential-process, half export."""
    runs = [subprocess.Popen(OLENV + (["credential-process"] if i % 2 else
                                      ["export", "--format", "json"]) + list(args),
                             env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, start_new_session=True)
            for i in range(n)]
    return [(run.wait(timeout=180), *run.communicate()) for run in runs]


def access_keys(results) -> set[str]:
    keys = set()
    for status, out, err in results:
        assert status == 0, err
        reply = json.loads(out)
        keys.add(reply.get("AccessKeyId") or reply.get("AWS_ACCESS_KEY_ID"))
    return keys


@pytest.mark.parametrize("agent", ["not started yet", "running, holding nothing"])
def test_twenty_callers_make_one_sign_in(onelogin, agent_env, agent):
    onelogin.add_user("alice@example.com", PASSWORD, roles=[role_value("111111111111", "Admin")])
    if agent.startswith("running"):
        assert run_olenv(["agent", "start"], agent_env).returncode == 0
    keys = access_keys(all_at_once(agent_env))
    assert onelogin.count("saml_assertion") == 1
    assert len(keys) == 1 and keys.pop().startswith("ASIA")
    # Nothing stays behind but the agent's socket.
    assert os.listdir(os.path.join(agent_env["XDG_RUNTIME_DIR"], "olenv")) == ["agent.sock"]


def test_twenty_callers_make_one_push(onelogin, agent_env):
    user = onelogin.add_user("alice@example.com", PASSWORD, devices=[FakeOneLogin.PUSH],
                             push_after=3)
    keys = access_keys(all_at_once(agent_env, CALLERS, "--push-interval", "1"))
    assert (onelogin.count("saml_assertion"), user.pushes_sent) == (1, 1)
    assert len(keys) == 1


def test_after_the_agent_is_killed_twenty_callers_make_one_more_sign_in(onelogin, agent_env):
    onelogin.add_user("alice@example.com", PASSWORD)
    first = access_keys(all_at_once(agent_env, 1))
    status = run_olenv(["agent", "status"], agent_env)
    os.kill(int(status.stdout.split()[1]), signal.SIGKILL)
    keys = access_keys(all_at_once(agent_env))
    assert onelogin.count("saml_assertion") == 2
    assert len(keys) == 1 and keys != first


def test_killing_the_agent_with_twenty_calls_in_flight_costs_one_sign_in(onelogin, agent_env):
    onelogin.add_user("alice@example.com", PASSWORD)
    access_keys(all_at_once(agent_env, 1))
    pid = int(run_olenv(["agent", "status"], agent_env).stdout.split()[1])
    runs = [subprocess.Popen(OLENV + ["credential-process"], env=agent_env,
                             stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, start_new_session=True)
            for _ in range(CALLERS)]
    os.kill(pid, signal.SIGKILL)
    results = [(run.wait(timeout=180), *run.communicate()) for run in runs]
    access_keys(results)  # every call succeeded
    assert onelogin.count("saml_assertion") <= 2  # the first, and at most one after the kill


def test_a_denied_push_is_one_push_and_every_caller_says_why(onelogin, agent_env):
    # Denied after a few polls: by then every caller waits for the first one.
    user = onelogin.add_user("alice@example.com", PASSWORD, devices=[FakeOneLogin.PUSH],
                             push="deny", push_after=3)
    results = all_at_once(agent_env, CALLERS, "--push-interval", "1")
    assert (onelogin.count("saml_assertion"), user.pushes_sent) == (1, 1)
    for status, out, err in results:
        assert (status, out) == (1, ""), err
        assert err.splitlines()[-1].startswith("olenv: ") and "the push was denied" in err
    # The one that signed in told of the push; each of the others says why in one line.
    (signer,) = [err for _, _, err in results if "Push sent" in err]
    waiters = [err for _, _, err in results if err != signer]
    assert len(waiters) == CALLERS - 1
    for err in waiters:
        assert err.startswith("olenv: another olenv's sign-in as alice@example.com failed: "
                              "the push was denied") and err.count("\n") == 1, err


# --- the lock itself ---------------------------------------------------------------


def test_the_first_holder_did_not_wait_and_leaves_nothing(tmp_path):
    with signinlock.turn(str(tmp_path), "alice", 5, "alice") as waited:
        assert not waited
        assert [p.name for p in tmp_path.iterdir()] == [
            os.path.basename(signinlock.path_for(str(tmp_path), "alice"))]
        (lock,) = tmp_path.iterdir()
        assert lock.stat().st_mode & 0o777 == 0o600 and lock.read_bytes() == b""
    assert list(tmp_path.iterdir()) == []


def test_the_name_is_a_hash_of_who_signs_in(tmp_path):
    who = json.dumps(["https://acme.onelogin.com", "acme", "alice@example.com", "123"])
    name = os.path.basename(signinlock.path_for(str(tmp_path), who))
    assert name.startswith("signin-") and name.endswith(".lock") and "alice" not in name
    assert signinlock.path_for(str(tmp_path), who + "x") != signinlock.path_for(str(tmp_path), who)


def holding(tmp_path, who="alice", fail: str | None = None):
    """A thread that holds the lock until released, then succeeds or fails."""
    taken, release = threading.Event(), threading.Event()

    def hold():
        try:
            with signinlock.turn(str(tmp_path), who, 5, who):
                taken.set()
                release.wait(10)
                if fail:
                    raise SignInError(fail)
        except SignInError:
            pass

    thread = threading.Thread(target=hold)
    thread.start()
    assert taken.wait(10)
    return thread, release


def noticing_waits(monkeypatch) -> threading.Event:
    """Set once a caller finds the lock held and starts waiting."""
    waiting, sleep = threading.Event(), signinlock.time.sleep

    def pause(seconds):
        waiting.set()
        sleep(seconds)

    monkeypatch.setattr(signinlock.time, "sleep", pause)
    return waiting


def test_a_waiter_takes_its_turn_after_the_holder(tmp_path, monkeypatch):
    thread, release = holding(tmp_path)
    order, waiting = [], noticing_waits(monkeypatch)

    def wait():
        with signinlock.turn(str(tmp_path), "alice", 10, "alice") as waited:
            order.append(waited)

    waiter = threading.Thread(target=wait)
    waiter.start()
    assert waiting.wait(10)
    release.set()
    thread.join()
    waiter.join()
    assert order == [True] and list(tmp_path.iterdir()) == []


def test_a_waiter_ends_with_the_holders_refusal(tmp_path, monkeypatch):
    thread, release = holding(tmp_path, fail="OneLogin refused the password")
    errors, waiting = [], noticing_waits(monkeypatch)

    def wait():
        try:
            with signinlock.turn(str(tmp_path), "alice", 10, "alice"):
                errors.append("it signed in itself")
        except SignInError as exc:
            errors.append(str(exc))

    waiter = threading.Thread(target=wait)
    waiter.start()
    assert waiting.wait(10)
    release.set()
    thread.join()
    waiter.join()
    assert errors == ["another olenv's sign-in as alice failed: OneLogin refused the password"]


def test_the_wait_is_bounded_and_says_so(tmp_path):
    thread, release = holding(tmp_path)
    try:
        with pytest.raises(OlenvError) as raised:
            with signinlock.turn(str(tmp_path), "alice", 0.3, "alice"):
                pass
    finally:
        release.set()
        thread.join()
    assert str(raised.value) == ("waited 0 s for another olenv to sign in as alice, in vain: "
                                 "try again")


def test_a_dead_holders_file_is_taken_over(tmp_path):
    # A holder killed by SIGKILL leaves its file, unlocked.
    path = signinlock.path_for(str(tmp_path), "alice")
    code = ("import fcntl, os, sys\n"
            f"fd = os.open({path!r}, os.O_RDWR | os.O_CREAT, 0o600)\n"
            "fcntl.flock(fd, fcntl.LOCK_EX)\nos.kill(os.getpid(), 9)\n")
    subprocess.run([os.sys.executable, "-c", code], timeout=30)
    assert os.path.exists(path)
    with signinlock.turn(str(tmp_path), "alice", 5, "alice") as waited:
        assert not waited
    assert not os.path.exists(path)


def test_other_people_do_not_wait_for_each_other(tmp_path):
    thread, release = holding(tmp_path, who="alice")
    try:
        with signinlock.turn(str(tmp_path), "bob", 0.3, "bob") as waited:
            assert not waited
    finally:
        release.set()
        thread.join()
