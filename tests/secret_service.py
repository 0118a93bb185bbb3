"""A real Secret Service for the keyring tests: gnome-keyring-daemon on a private D-Bus
session bus (dbus-run-session), its login keyring created and unlocked without a prompt."""

import os
import subprocess
import sys
import time

import pytest
from conftest import require

UNLOCK = "keyring-unlock-password"
# Prints the bus address, starts the daemon (unlocked by the password on its stdin), then
# holds the session open until the test closes our end of the pipe.
SESSION = ('echo "$DBUS_SESSION_BUS_ADDRESS"\n'
           'printf %s "$1" | gnome-keyring-daemon --unlock --components=secrets >/dev/null\n'
           "echo started\n"
           "exec cat >/dev/null\n")
# Asks the Secret Service for its default collection, as keyring's backend will.
READY = ("import secretstorage\n"
         "connection = secretstorage.dbus_init()\n"
         "assert not secretstorage.get_default_collection(connection).is_locked()\n")
LOOKUP = ("import sys, secretstorage\n"
          "connection = secretstorage.dbus_init()\n"
          "items = secretstorage.search_items(connection, {'service': sys.argv[1], "
          "'username': sys.argv[2]})\n"
          "sys.stdout.write(''.join(i.get_secret().decode() + '\\n' for i in items))\n")


@pytest.fixture
def secret_service(tmp_path):
    """The variables that point keyring at the service: DBUS_SESSION_BUS_ADDRESS."""
    require("dbus-run-session")
    require("gnome-keyring-daemon")
    home = tmp_path / "keyring-home"
    runtime = tmp_path / "keyring-run"
    home.mkdir()
    runtime.mkdir(mode=0o700)
    env = {"PATH": os.environ["PATH"], "HOME": str(home), "XDG_RUNTIME_DIR": str(runtime)}
    session = subprocess.Popen(["dbus-run-session", "--", "sh", "-c", SESSION, "sh", UNLOCK],
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env,
                               start_new_session=True)
    try:
        address = session.stdout.readline().strip()
        assert address.startswith("unix:") and session.stdout.readline().strip() == "started"
        found = {"DBUS_SESSION_BUS_ADDRESS": address}
        deadline = time.monotonic() + 30
        while subprocess.run([sys.executable, "-c", READY], env={**env, **found},
                             capture_output=True).returncode != 0:
            assert time.monotonic() < deadline, "the Secret Service did not answer"
            time.sleep(0.05)  # polling until it answers
        yield found
    finally:
        session.stdin.close()  # cat ends, the bus goes, and gnome-keyring-daemon with it
        session.wait(timeout=30)


def stored(service_env: dict, service: str, account: str) -> list[str]:
    """The secrets the Secret Service holds under keyring's attributes for service/account."""
    done = subprocess.run([sys.executable, "-c", LOOKUP, service, account],
                          env={**os.environ, **service_env}, capture_output=True, text=True,
                          timeout=30, check=True)
    return done.stdout.splitlines()


def store(service_env: dict, service: str, account: str, secret: str) -> None:
    """An entry some other program put in the user's keyring."""
    code = ("import sys, keyring\n"
            "from keyring.backends import SecretService\n"
            "SecretService.Keyring().set_password(*sys.argv[1:])\n")
    subprocess.run([sys.executable, "-c", code, service, account, secret],
                   env={**os.environ, **service_env}, check=True, timeout=30)
