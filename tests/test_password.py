"""The OneLogin password from the OS keyring: opt-in, in the names
onelogin-aws-assume-role uses, only with a backend that keeps secrets, and clear
when there is no keyring at all.

The keyring is a real Secret Service (gnome-keyring-daemon on a private D-Bus),
started for each test; keyrings.alt is installed too, so keyring's chainer
offers its plain-text file behind the Secret Service, as on many desktops."""

import json
import os

import pexpect
import pytest
from conftest import OLENV, run_olenv
from secret_service import secret_service, store  # noqa: F401 - a fixture
from secret_service import stored as in_service

PASSWORD = "correct horse"
FILE_BACKEND = "keyrings.alt.file.PlaintextKeyring"
NO_BUS = "unix:path=/nonexistent/bus"


@pytest.fixture
def alice(onelogin, env, secret_service):  # noqa: F811
    onelogin.add_user("alice@example.com", PASSWORD)
    env.update(secret_service)
    return env


def use_keychain(home, **keys):
    path = home / ".onelogin" / "onelogin.aws.json"
    path.write_text(json.dumps({**json.loads(path.read_text()), **keys}))


def stored(env, *args):
    result = run_olenv(["password", "set", *args], {**env, "OLENV_PASSWORD": PASSWORD})
    assert result.returncode == 0, result.stderr
    return result


def one_line(result, code: int, text: str) -> None:
    assert result.returncode == code, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("olenv: ") and text in lines[0], lines
    assert PASSWORD not in result.stderr + result.stdout


def test_set_then_sign_in_with_the_stored_password(alice, onelogin, home):
    result = stored(alice)
    assert "stored the OneLogin password in the OS keyring (service 'onelogin', account 'alice')" \
        in result.stderr
    assert '"keychain_service": "onelogin"' in result.stderr  # not used until asked for
    # onelogin-aws-assume-role's names: service "onelogin", account the username before the "@".
    assert in_service(alice, "onelogin", "alice") == [PASSWORD]
    # In the Secret Service only: never in keyrings.alt's file behind it in the chain.
    assert not (home / ".local" / "share" / "python_keyring").exists()
    use_keychain(home, keychain_service="onelogin")
    result = run_olenv(["credential-process"], alice)  # no OLENV_PASSWORD, no terminal
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["Version"] == 1 and result.stderr == ""
    assert onelogin.users["alice@example.com"].passwords_seen == 1


def test_names_from_the_command_line(alice, home):
    stored(alice, "--keychain-service", "work", "--keychain-account", "al")
    result = run_olenv(["credential-process", "--keychain-account", "al",
                        "--keychain-service", "work"], alice)
    assert result.returncode == 0, result.stderr
    # Another account holds nothing: olenv says so, then needs the password some other way.
    result = run_olenv(["credential-process", "--keychain-account", "bob"], alice)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "olenv: no OneLogin password in the OS keyring for 'bob' (service 'onelogin'): "
        "olenv password set stores one",
        "olenv: the OneLogin password (or set OLENV_PASSWORD) is needed and there is no "
        "terminal to ask for it"]


def test_a_rejected_stored_password_is_not_sent_again(alice, onelogin, home):
    run_olenv(["password", "set"], {**alice, "OLENV_PASSWORD": "stale"})
    use_keychain(home, keychain_service="onelogin")
    result = run_olenv(["credential-process"], alice)
    one_line(result, 1, "credentials")
    assert onelogin.users["alice@example.com"].saml_assertion_calls == 1


def test_forget(alice, home):
    stored(alice)
    result = run_olenv(["password", "forget"], alice)
    assert result.returncode == 0 and "removed the OneLogin password" in result.stderr
    result = run_olenv(["password", "forget"], alice)
    assert result.returncode == 0 and "nothing to remove" in result.stderr
    use_keychain(home, keychain_service="onelogin")
    assert run_olenv(["credential-process"], alice).returncode == 2


def test_no_keyring_backend(alice, home, onelogin):
    alice["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
    use_keychain(home, keychain_service="onelogin")
    one_line(run_olenv(["credential-process"], {**alice}), 2, "no OS keyring is available here")
    one_line(run_olenv(["password", "set"], alice), 2, "no OS keyring is available here")
    one_line(run_olenv(["password", "forget"], alice), 2, "no OS keyring is available here")
    assert onelogin.count("saml_assertion") == 0


@pytest.fixture
def without_keyring(tmp_path):
    """A PYTHONPATH on which `import keyring` fails, as when the extra is not installed."""
    package = tmp_path / "nokeyring" / "keyring"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("raise ImportError('no keyring here')\n")
    return str(package.parent)


def test_without_the_keyring_package(alice, home, without_keyring):
    alice["PYTHONPATH"] = without_keyring
    alice["OLENV_PASSWORD"] = PASSWORD
    # Not asked for: keyring is never imported, so its absence does not matter.
    assert run_olenv(["credential-process"], alice).returncode == 0
    use_keychain(home, keychain_service="onelogin")
    del alice["OLENV_PASSWORD"]
    one_line(run_olenv(["credential-process"], alice), 2, "pip install 'olenv[keyring]'")


def test_set_needs_a_password(alice):
    one_line(run_olenv(["password", "set"], alice), 2,
             "the OneLogin password to store is needed and there is no terminal")


def test_the_account_needs_a_username(alice, home):
    use_keychain(home, username="")
    one_line(run_olenv(["password", "set"], alice), 2, "OneLogin username is needed")


def test_set_asks_without_echo_at_a_terminal(alice, home):
    child = pexpect.spawn(OLENV[0], OLENV[1:] + ["password", "set"], env=alice, timeout=30,
                          encoding="utf-8")
    child.expect("OneLogin password for alice@example.com")
    child.sendline(PASSWORD)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0 and PASSWORD not in child.before
    use_keychain(home, keychain_service="onelogin")
    assert run_olenv(["credential-process"], alice).returncode == 0


def test_quiet(alice):
    result = run_olenv(["password", "set", "--quiet"], {**alice, "OLENV_PASSWORD": PASSWORD})
    assert (result.returncode, result.stderr) == (0, "")
    result = run_olenv(["password", "forget", "-q"], alice)
    assert (result.returncode, result.stderr) == (0, "")


def plain_file(home):
    return home / ".local" / "share" / "python_keyring" / "keyring_pass.cfg"


@pytest.mark.parametrize("variables", [{"PYTHON_KEYRING_BACKEND": FILE_BACKEND},
                                       {"DBUS_SESSION_BUS_ADDRESS": NO_BUS}],
                         ids=["chosen", "all the chainer holds"])
def test_a_plain_text_keyring_is_refused(alice, home, onelogin, variables):
    alice.update(variables)
    refused = (f"the only OS keyring here ({FILE_BACKEND}) keeps the password in a plain file: "
               "install and unlock a Secret Service (gnome-keyring or KeePassXC) or KWallet, or "
               "unset keychain_service/keychain_account")
    one_line(run_olenv(["password", "set"], {**alice, "OLENV_PASSWORD": PASSWORD}), 2, refused)
    assert not plain_file(home).exists()
    # A password some earlier tool left there is not read either.
    plain_file(home).parent.mkdir(parents=True)
    plain_file(home).write_text("[onelogin]\nalice = Y29ycmVjdCBob3JzZQ==\n")
    use_keychain(home, keychain_service="onelogin")
    one_line(run_olenv(["credential-process"], alice), 2, refused)
    assert onelogin.count("saml_assertion") == 0


def test_a_cloned_repository_cannot_have_another_entry_read_and_sent(alice, onelogin, tmp_path):
    # The victim's git token, in the same keyring.
    store(alice, "git:https://github.com", "victim", "ghp_victims_token")
    repo = tmp_path / "clone"
    repo.mkdir()
    (repo / "onelogin.aws.json").write_text(json.dumps({
        "keychain_service": "git:https://github.com", "keychain_account": "victim",
        "username": "alice@example.com", "app_id": onelogin.app_id,
        "subdomain": onelogin.subdomain}))
    result = run_olenv(["credential-process"], alice, cwd=repo)
    assert result.returncode == 2, result.stderr
    assert "onelogin.aws.json is not allowed yet, so olenv leaves it out (it would set subdomain, " \
           "keychain_service, keychain_account)" in result.stderr
    assert "ghp_victims_token" not in repr([r.body for r in onelogin.requests])
    assert onelogin.count("saml_assertion") == 0
    assert os.listdir(repo) == ["onelogin.aws.json"]


def test_the_plain_file_behind_a_secret_service_is_never_read(alice, home, onelogin):
    # keyring's chainer would fall back to keyrings.alt's file when the Secret Service
    # has no entry: a password left (or planted) there is not used.
    plain_file(home).parent.mkdir(parents=True)
    plain_file(home).write_text("[onelogin]\nalice = Y29ycmVjdCBob3JzZQ==\n")
    use_keychain(home, keychain_service="onelogin")
    result = run_olenv(["credential-process"], alice)
    assert result.returncode == 2
    assert result.stderr.startswith("olenv: no OneLogin password in the OS keyring for 'alice'")
    assert onelogin.count("saml_assertion") == 0
