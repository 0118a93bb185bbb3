"""No secret in any process's argv while olenv works, and none in what it prints on
stderr, even with --debug and even when it fails."""

import json
import os
import subprocess
import threading
from pathlib import Path

import pytest
from conftest import OLENV, run_olenv
from fakes.onelogin import FakeOneLogin

PASSWORD = "pw-Zq8-secret-horse"


def every_cmdline() -> list[bytes]:
    found = []
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                found.append((proc / "cmdline").read_bytes())
            except OSError:
                pass  # it exited, or is not ours to read
    return found


def test_no_secret_in_any_argv_during_a_push_sign_in_and_exec(onelogin, env):
    user = onelogin.add_user("alice@example.com", PASSWORD, devices=[FakeOneLogin.PUSH],
                             push_after=20)
    env["OLENV_PASSWORD"] = PASSWORD
    seen: set[bytes] = set()
    process = subprocess.Popen(
        OLENV + ["exec", "--push-interval", "0.05", "--", "sh", "-c", "sleep 0.3; env"],
        env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        start_new_session=True)
    scans = 0

    def scan():
        nonlocal scans
        while process.poll() is None:
            seen.update(every_cmdline())
            scans += 1

    scanner = threading.Thread(target=scan)
    scanner.start()
    out, err = process.communicate(timeout=60)
    scanner.join()
    assert process.returncode == 0, err
    child = dict(line.split("=", 1) for line in out.decode().splitlines() if "=" in line)
    secrets = [PASSWORD, onelogin.client_secret, onelogin._access_token,
               child["AWS_SECRET_ACCESS_KEY"], child["AWS_SESSION_TOKEN"],
               user.assertions[-1][:60]] + [r.json["state_token"] for r in onelogin.requests
                                            if r.path.endswith("verify_factor")]
    assert scans > 10 and user.verify_calls > 5
    for line in seen:
        for secret in secrets:
            assert secret.encode() not in line, (secret[:8], line[:200])


def secrets_of(onelogin) -> list[str]:
    tokens = [r.json.get("state_token") for r in onelogin.requests
              if isinstance(r.json, dict) and r.json.get("state_token")]
    return [PASSWORD, "654321", onelogin.client_secret, onelogin._access_token or "unset",
            *tokens, *(a[:60] for u in onelogin.users.values() for a in u.assertions)]


@pytest.mark.parametrize("arrange", [
    "ok", "wrong otp", "sts down", "bad saml", "html", "no such role", "reset token",
])
def test_debug_output_holds_no_secret(onelogin, env, arrange):
    user = onelogin.add_user("alice@example.com", PASSWORD, devices=[FakeOneLogin.OTP],
                             otp_code="654321")
    env["OLENV_PASSWORD"] = PASSWORD
    otp = "111111" if arrange == "wrong otp" else "654321"
    args = ["credential-process", "--debug", "--otp", otp]
    if arrange == "sts down":
        env["AWS_ENDPOINT_URL_STS"] = "http://127.0.0.1:9"
    elif arrange == "bad saml":
        user.saml = "PHNhbWxwOlJlc3BvbnNl" + "A" * 10
    elif arrange == "html":
        onelogin.fail_next("/verify_factor", 502, times=10, body=f"<html>{PASSWORD}</html>")
    elif arrange == "no such role":
        args += ["--aws-role-name", "Nope"]
    elif arrange == "reset token":
        onelogin.fail_next("/token", 500, times=10)
    result = run_olenv(args, env)
    assert (result.returncode == 0) == (arrange == "ok"), result.stderr
    for secret in secrets_of(onelogin):
        assert secret not in result.stderr, secret[:8]
    if arrange == "ok":
        reply = json.loads(result.stdout)
        assert reply["SecretAccessKey"] not in result.stderr
        assert reply["SessionToken"] not in result.stderr
    assert os.environ.get("OLENV_PASSWORD") != PASSWORD
