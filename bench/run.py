"""olenv against OneLogin's onelogin-aws-assume-role 2.1.1, in one table.

    .venv/bin/python bench/run.py [--runs N] [--push-runs N] [--assume-role-venv DIR]

Both tools run as users run them (their console scripts) against the test
bed's fake OneLogin API and moto's STS on 127.0.0.1, in the same run, commands
interleaved; every time is the median of several runs, and every figure that
matters is a ratio, because these machines are noisy. Peak memory is the
child's maximum resident set size. onelogin-aws-assume-role is installed from PyPI
into its own virtual environment on first use (bench/assume_role.py).
"""

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))

import assume_role  # noqa: E402
import testbed  # noqa: E402
from fakes.onelogin import FakeOneLogin  # noqa: E402
from fakes.saml import role_value, saml_response  # noqa: E402

BIN = Path(sys.executable).parent
OLENV = str(BIN / "olenv")
USER, MFA_USER, PUSH_USER, PASSWORD = "alice@example.com", "otp@example.com", "push@example.com", "pw"
ROLES = 5000

OLENV_MENU = """
import sys, time
from lxml import etree  # noqa: F401 - imported before the clock, as onelogin-aws-assume-role's is
from olenv import roles, saml
text = open(sys.argv[1]).read()
start = time.perf_counter()
rows = roles.menu_rows(saml.parse(text).roles)
print(time.perf_counter() - start, len(rows))
"""
THEIR_MENU = """
import contextlib, io, sys, time, types
from aws_assume_role.accounts import process_account_and_role_choices
from aws_assume_role.saml import get_attributes
text = open(sys.argv[1]).read()
options = types.SimpleNamespace(config_file_path=None, aws_account_id=None, aws_role_name=None,
                                role_order=False)
start = time.perf_counter()
# What its main loop does with the assertion before the prompt (aws_assume_role.py).
roles = get_attributes(text)["https://aws.amazon.com/SAML/Attributes/Role"]
by_account = {}
for role in roles:
    info = role.split(",")[0].split(":")
    by_account.setdefault(info[4], {})[info[5].replace("role/", "")] = role
with contextlib.redirect_stdout(io.StringIO()):
    rows, _ = process_account_and_role_choices(by_account, {}, options)
print(time.perf_counter() - start, len(rows))
"""


# Runs the command from a small process and reports its times and peak memory: a
# child forked straight from this (large) process would count its pages in its peak.
# perf_counter is CLOCK_MONOTONIC, so the times compare with this process's.
LAUNCH = """
import os, sys, time
start = time.perf_counter()
pid = os.fork()
if pid == 0:
    os.execvp(sys.argv[2], sys.argv[2:])
_, status, usage = os.wait4(pid, 0)
end = time.perf_counter()
os.write(int(sys.argv[1]), f"{start} {end} {usage.ru_maxrss} {os.waitstatus_to_exitcode(status)}".encode())
"""


def measure(argv, env, on_start=None):
    """(seconds, peak RSS in MiB, stdout, end time) of one run; it must succeed."""
    read, write = os.pipe()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        process = subprocess.Popen([sys.executable, "-I", "-S", "-c", LAUNCH, str(write), *argv],
                                   env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=err,
                                   start_new_session=True, pass_fds=(write,))
        os.close(write)
        if on_start:
            on_start()
        process.wait()
        with os.fdopen(read, "rb") as report:
            start, end, peak, status = report.read().split()
        out.seek(0)
        err.seek(0)
        if process.returncode != 0 or int(status) != 0:
            raise SystemExit(f"{' '.join(argv[:3])}... failed: {err.read().decode()[-800:]}")
        return float(end) - float(start), int(peak) / 1024, out.read().decode(), float(end)


def medians(commands: dict, env, runs: int) -> dict:
    """name → (median seconds, max peak MiB, last stdout); commands interleaved."""
    samples = {name: [] for name in commands}
    for _ in range(runs):
        for name, argv in commands.items():
            if argv is not None:
                samples[name].append(measure(argv, env))
    return {name: (statistics.median(s[0] for s in got), max(s[1] for s in got), got[-1][2])
            if got else None for name, got in samples.items()}


class Approver:
    """Approves the push `delay` seconds after it was sent; remembers when."""

    def __init__(self, onelogin: FakeOneLogin, user, delay: float):
        self.onelogin, self.user, self.delay = onelogin, user, delay
        self.approved_at = None
        with onelogin._lock:
            user.push, user.push_after = "never", 0
            self.pushes = user.pushes_sent
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while self.user.pushes_sent == self.pushes:
            time.sleep(0.005)
        time.sleep(self.delay)
        with self.onelogin._lock:
            self.user.push = "approve"
            self.approved_at = time.perf_counter()


def push_latency(argv, env, onelogin, user, delays) -> tuple[float, float]:
    """Median seconds from the approval to the credentials (the tool's exit), peak MiB."""
    latencies, peak = [], 0.0
    for delay in delays:
        approver = Approver(onelogin, user, delay)
        _, mib, _, end = measure(argv, env, on_start=approver.thread.start)
        approver.thread.join()
        latencies.append(end - approver.approved_at)
        peak = max(peak, mib)
    return statistics.median(latencies), peak


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--push-runs", type=int, default=3,
                        help="push approvals timed per tool (onelogin-aws-assume-role's take ~15 s each)")
    parser.add_argument("--assume-role-venv", type=Path, default=assume_role.DEFAULT_VENV)
    options = parser.parse_args()
    script = assume_role.ensure(options.assume_role_venv)

    with testbed.moto_sts() as sts, FakeOneLogin() as onelogin, \
            tempfile.TemporaryDirectory() as home, \
            tempfile.TemporaryDirectory(prefix="olenv-bench-") as runtime:
        onelogin.add_user(USER, PASSWORD)
        onelogin.add_user(MFA_USER, PASSWORD, devices=[FakeOneLogin.OTP])
        push_user = onelogin.add_user(PUSH_USER, PASSWORD, devices=[FakeOneLogin.PUSH])
        settings = Path(home, ".onelogin")
        settings.mkdir()
        (settings / "onelogin.sdk.json").write_text(json.dumps(
            {"client_id": onelogin.client_id, "client_secret": onelogin.client_secret}))
        (settings / "onelogin.sdk.json").chmod(0o600)
        (settings / "onelogin.aws.json").write_text(json.dumps(
            {"app_id": onelogin.app_id, "subdomain": onelogin.subdomain,
             "username": USER, "aws_region": "eu-west-1"}))
        assertion = Path(home, "assertion.b64")
        assertion.write_text(saml_response([role_value(f"{100000000000 + i // 10:012d}", f"Role{i}")
                                            for i in range(ROLES)]))
        env = {"PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}", "HOME": home,
               "OLENV_ONELOGIN_URL": onelogin.url, "OLENV_PASSWORD": PASSWORD,
               "OLENV_AGENT": "off", "XDG_RUNTIME_DIR": runtime,
               "AWS_ENDPOINT_URL_STS": sts, "AWS_EC2_METADATA_DISABLED": "true"}
        their_env = assume_role.environment(options.assume_role_venv, env, onelogin.url)
        their_python = str(options.assume_role_venv / "bin" / "python")
        export = [OLENV, "export", "--shell", "bash"]
        agent_env = {**env, "OLENV_AGENT": "on", "OLENV_AGENT_IDLE": "300"}
        agent = subprocess.run(export, env=agent_env, capture_output=True).returncode == 0 and \
            subprocess.run([OLENV, "agent", "status"], env=agent_env,
                           capture_output=True).returncode == 0
        try:
            olenv = medians({
                "floor": [sys.executable, "-c", "pass"],
                "help": [OLENV, "--help"],
                "sign-in": export,
                "otp": export + ["-u", MFA_USER, "--otp", "123456"],
                "menu": [sys.executable, "-c", OLENV_MENU, str(assertion)],
            }, env, options.runs)
            hit = medians({"hit": export if agent else None}, agent_env, options.runs)["hit"]
        finally:
            if agent:
                subprocess.run([OLENV, "agent", "stop"], env=agent_env, capture_output=True)
        theirs = medians({
            "floor": [their_python, "-c", "pass"],
            "help": [str(script), "--help"],
            "sign-in": assume_role.sign_in_args(script, onelogin, USER, PASSWORD, "eu-west-1"),
            "otp": assume_role.sign_in_args(script, onelogin, MFA_USER, PASSWORD, "eu-west-1", "123456"),
            "menu": [their_python, "-c", THEIR_MENU, str(assertion)],
        }, their_env, options.runs)
        # Approval comes at a random moment after the push, the same moments for both.
        delays = [random.Random(n).uniform(0.2, 3.0) for n in range(options.push_runs)]
        push_ours = push_latency(export + ["-u", PUSH_USER], env, onelogin, push_user, delays)
        push_theirs = push_latency(assume_role.sign_in_args(script, onelogin, PUSH_USER, PASSWORD,
                                                   "eu-west-1"), their_env, onelogin, push_user,
                                 delays)

    floor = olenv["floor"][0]
    rows = [
        ("python -c pass (each tool's venv)", olenv["floor"][:2], theirs["floor"][:2]),
        ("--help", olenv["help"][:2], theirs["help"][:2]),
        ("olenv export, agent hit", hit[:2] if hit else None, None),
        ("sign-in, no MFA", olenv["sign-in"][:2], theirs["sign-in"][:2]),
        ("sign-in, OTP", olenv["otp"][:2], theirs["otp"][:2]),
        ("push: approval → credentials", push_ours, push_theirs),
    ]
    menu = (float(olenv["menu"][2].split()[0]), olenv["menu"][1])
    menu_theirs = (float(theirs["menu"][2].split()[0]), theirs["menu"][1])
    rows.append((f"SAML parse + role menu, {ROLES} roles*", menu, menu_theirs))

    def ms(value):
        return f"{value[0] * 1000:.0f}" if value else "n/a"

    def mib(value):
        return f"{value[1]:.0f}" if value else "n/a"

    header = ("| what | olenv ms | × floor | assume-role 2.1.1 ms | assume-role ÷ olenv | olenv MiB | assume-role MiB |")
    print(header)
    print("|" + "---|" * 7)
    for name, ours, others in rows:
        ratio = f"{others[0] / ours[0]:.1f}×" if ours and others else "n/a"
        times_floor = f"{ours[0] / floor:.2f}" if ours and "*" not in name \
            and "push" not in name else ""
        print(f"| {name} | {ms(ours)} | {times_floor} | {ms(others)} | {ratio} | {mib(ours)} | "
              f"{mib(others)} |")
    print(f"\nmedians of {options.runs} runs ({options.push_runs} for the push); "
          f"* time inside the process, without start-up and imports (goal ≤ 100 ms: "
          f"{'met' if menu[0] <= 0.1 else 'MISSED'}); peak memory is the whole process's.")


if __name__ == "__main__":
    main()
