"""olenv against OneLogin's onelogin-aws-assume-role 2.1.1, in one table.

    .venv/bin/python bench/run.py [--runs N] [--push-runs N] [--latency MS]
                                  [--roles 1000,5000,20000] [--assume-role-venv DIR]

Both tools run as users run them (their console scripts) against the test
bed's fake OneLogin API and moto's STS on 127.0.0.1, in the same run, commands
interleaved; every time is the median of several runs, and every figure that
matters is a ratio, because these machines are noisy. Peak memory is the
child's maximum resident set size. onelogin-aws-assume-role is installed from PyPI
into its own virtual environment on first use (bench/assume_role.py).

--latency MS delays every reply of OneLogin and of STS by MS milliseconds, as
over the internet. Each process row then has a network floor: the round trips
the tool made (counted at the servers) times the latency, plus `python -c pass`.
The role rows sign in with assertions of 1,000 to 20,000 roles (five a
account), the role picked by --aws-account-id and --aws-role-name, and report
what they add to a one-role sign-in.
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
from fakes.sts import FaultySTS  # noqa: E402

BIN = Path(sys.executable).parent
OLENV = str(BIN / "olenv")
USER, MFA_USER, PUSH_USER, PASSWORD = "alice@example.com", "otp@example.com", "push@example.com", "pw"
ROLES_A_ACCOUNT = 5
CHOSEN = ("100000000000", "Role0")  # the role the role rows ask for

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
os.write(int(sys.argv[1]), f"{start} {end} {usage.ru_maxrss} {os.waitstatus_to_exitcode(status)} "
                           f"{usage.ru_utime + usage.ru_stime}".encode())
"""


def measure(argv, env, on_start=None):
    """(seconds, peak RSS in MiB, stdout, end time, CPU seconds) of one run; it must succeed.
    The CPU time is the command's and its children's, not a server's or the agent's."""
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
            start, end, peak, status, cpu = report.read().split()
        out.seek(0)
        err.seek(0)
        if process.returncode != 0 or int(status) != 0:
            raise SystemExit(f"{' '.join(argv[:3])}... failed: {err.read().decode()[-800:]}")
        return (float(end) - float(start), int(peak) / 1024, out.read().decode(), float(end),
                float(cpu))


class Row:
    """A command's median time, peak memory, last stdout and round trips a run."""

    def __init__(self, samples: list, trips: list[int]):
        self.seconds = statistics.median(s[0] for s in samples)
        self.mib = max(s[1] for s in samples)
        self.stdout = samples[-1][2]
        self.trips = statistics.median(trips)
        self.cpu = statistics.median(s[4] for s in samples)


def medians(commands: dict, runs: int, trips=lambda: 0) -> dict:
    """name → Row, from name → (command, env); every command of a run before the next
    run, so a busy moment of the machine hits both tools alike. A command is an argv, or
    a function of the run's number giving one (None: not measured). trips() counts the
    requests at the servers."""
    samples = {name: [] for name in commands}
    counted = {name: [] for name in commands}
    for run in range(runs):
        for name, (argv, env) in commands.items():
            argv = argv(run) if callable(argv) else argv
            if argv is not None:
                before = trips()
                samples[name].append(measure(argv, env))
                counted[name].append(trips() - before)
    return {name: Row(got, counted[name]) if got else None for name, got in samples.items()}


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
        _, mib, _, end, _ = measure(argv, env, on_start=approver.thread.start)
        approver.thread.join()
        latencies.append(end - approver.approved_at)
        peak = max(peak, mib)
    return statistics.median(latencies), peak


def many_roles(count: int) -> list[str]:
    return [role_value(f"{100000000000 + i // ROLES_A_ACCOUNT:012d}", f"Role{i % ROLES_A_ACCOUNT}")
            for i in range(count)]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--push-runs", type=int, default=3,
                        help="push approvals timed per tool (onelogin-aws-assume-role's take ~15 s each)")
    parser.add_argument("--latency", type=float, default=0.0, metavar="MS",
                        help="delay every OneLogin and STS reply by MS milliseconds")
    parser.add_argument("--roles", default="1000,5000,20000",
                        help="assertion sizes for the role rows, comma-separated ('' for none)")
    parser.add_argument("--assume-role-venv", type=Path, default=assume_role.DEFAULT_VENV)
    options = parser.parse_args()
    sizes = [int(size) for size in options.roles.split(",") if size.strip()]
    latency = options.latency / 1000
    script = assume_role.ensure(options.assume_role_venv)

    with testbed.moto_sts() as moto, FakeOneLogin() as onelogin, \
            tempfile.TemporaryDirectory() as home, \
            tempfile.TemporaryDirectory(prefix="olenv-bench-") as runtime:
        # Through the proxy always, so its requests are counted; moto reads one Role value.
        sts = FaultySTS(moto, one_role=True, latency=latency)
        onelogin.latency = latency
        onelogin.add_user(USER, PASSWORD)
        onelogin.add_user(MFA_USER, PASSWORD, devices=[FakeOneLogin.OTP])
        push_user = onelogin.add_user(PUSH_USER, PASSWORD, devices=[FakeOneLogin.PUSH])
        # Users of the agent row: a new one each run, so neither a session nor an assertion
        # the agent holds answers it, only the API token (which belongs to the API client).
        agent_users = [f"agent{n}@example.com" for n in range(options.runs + 1)]
        for name in agent_users:
            onelogin.add_user(name, PASSWORD)
        for size in [1, *sizes] if sizes else []:
            # Built once: the fake would otherwise spend the same time on it for both tools.
            onelogin.add_user(f"roles{size}@example.com", PASSWORD, saml=saml_response(
                many_roles(size), ttl=3600))
        settings = Path(home, ".onelogin")
        settings.mkdir()
        (settings / "onelogin.sdk.json").write_text(json.dumps(
            {"client_id": onelogin.client_id, "client_secret": onelogin.client_secret}))
        (settings / "onelogin.sdk.json").chmod(0o600)
        (settings / "onelogin.aws.json").write_text(json.dumps(
            {"app_id": onelogin.app_id, "subdomain": onelogin.subdomain,
             "username": USER, "aws_region": "eu-west-1"}))
        assertions = {}
        for size in sizes:
            assertions[size] = Path(home, f"assertion-{size}.b64")
            assertions[size].write_text(saml_response(many_roles(size)))
        env = {"PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}", "HOME": home,
               "OLENV_ONELOGIN_URL": onelogin.url, "OLENV_PASSWORD": PASSWORD,
               "OLENV_AGENT": "off", "XDG_RUNTIME_DIR": runtime,
               "AWS_ENDPOINT_URL_STS": sts.url, "AWS_EC2_METADATA_DISABLED": "true"}
        their_env = assume_role.environment(options.assume_role_venv, env, onelogin.url)
        their_python = str(options.assume_role_venv / "bin" / "python")
        trips = lambda: len(onelogin.requests) + len(sts.requests)  # noqa: E731
        export = [OLENV, "export", "--shell", "bash"]
        chosen = ["--aws-account-id", CHOSEN[0], "--aws-role-name", CHOSEN[1]]
        agent_env = {**env, "OLENV_AGENT": "on", "OLENV_AGENT_IDLE": "600"}
        # The first sign-in starts the agent and leaves it a session and the API token.
        agent = subprocess.run(export, env=agent_env, capture_output=True).returncode == 0 and \
            subprocess.run([OLENV, "agent", "status"], env=agent_env,
                           capture_output=True).returncode == 0

        def theirs_args(user, otp=None, *extra):
            return assume_role.sign_in_args(script, onelogin, user, PASSWORD, "eu-west-1",
                                            otp) + list(extra)

        def ours(row):
            return {
                "floor": [sys.executable, "-c", "pass"],
                "help": [OLENV, "--help"],
                "sign-in": export,
                "otp": export + ["-u", MFA_USER, "--otp", "123456"],
                **{f"roles{size}": export + ["-u", f"roles{size}@example.com"] + chosen
                   for size in [1, *sizes]},
                **{f"menu{size}": [sys.executable, "-c", OLENV_MENU, str(assertions[size])]
                   for size in sizes},
            }[row]

        rows_ours = ["floor", "help", "sign-in", "otp"] + [
            f"roles{size}" for size in ([1, *sizes] if sizes else [])] + [
            f"menu{size}" for size in sizes]
        theirs = {
            "floor": [their_python, "-c", "pass"],
            "help": [str(script), "--help"],
            "sign-in": theirs_args(USER),
            "otp": theirs_args(MFA_USER, "123456"),
            **{f"roles{size}": theirs_args(f"roles{size}@example.com", None, *chosen)
               for size in ([1, *sizes] if sizes else [])},
            **{f"menu{size}": [their_python, "-c", THEIR_MENU, str(assertions[size])]
               for size in sizes},
        }
        commands = {}
        for row in rows_ours:
            commands[("olenv", row)] = (ours(row), env)
            if row in theirs:
                commands[("theirs", row)] = (theirs[row], their_env)
            if row == "sign-in":
                commands[("olenv", "hit")] = (export if agent else None, agent_env)
                commands[("olenv", "token")] = (
                    (lambda run: export + ["-u", agent_users[run]]) if agent else None, agent_env)
        try:
            measured = medians(commands, options.runs, trips)
        finally:
            if agent:
                subprocess.run([OLENV, "agent", "stop"], env=agent_env, capture_output=True)
        olenv = {row: got for (tool, row), got in measured.items() if tool == "olenv"}
        agent_rows = {row: olenv.pop(row) for row in ("hit", "token")}
        theirs = {row: got for (tool, row), got in measured.items() if tool == "theirs"}
        # Approval comes at a random moment after the push, the same moments for both.
        delays = [random.Random(n).uniform(0.2, 3.0) for n in range(options.push_runs)]
        push_ours = push_latency(export + ["-u", PUSH_USER], env, onelogin, push_user, delays) \
            if options.push_runs else None
        push_theirs = push_latency(theirs_args(PUSH_USER), their_env, onelogin, push_user,
                                   delays) if options.push_runs else None
        sts.stop()

    report(options, olenv, agent_rows, theirs, push_ours, push_theirs, sizes, latency)


def report(options, olenv, agent_rows, theirs, push_ours, push_theirs, sizes, latency):
    floor = olenv["floor"].seconds

    def ms(seconds):
        return f"{seconds * 1000:.0f}" if seconds is not None else "n/a"

    def network_floor(row):
        return row.trips * latency + floor

    print(f"OneLogin and STS replies delayed {options.latency:g} ms; medians of {options.runs} "
          f"runs ({options.push_runs} for the push)\n")
    print("| what | olenv ms | assume-role 2.1.1 ms | olenv ÷ assume-role | round trips | "
          "floor ms | olenv ÷ floor | CPU ms | olenv MiB | assume-role MiB |")
    print("|" + "---|" * 10)

    def line(name, ours, others, trips=None, at_floor=None, mib=(None, None), cpu=""):
        ratio = f"{ours / others:.2f}" if ours is not None and others else "n/a"
        times_floor = f"{ours / at_floor:.2f}" if ours is not None and at_floor else ""
        print(f"| {name} | {ms(ours)} | {ms(others)} | {ratio} | {trips or ''} | "
              f"{ms(at_floor) if at_floor else ''} | {times_floor} | {cpu} | "
              f"{f'{mib[0]:.0f}' if mib[0] else ''} | {f'{mib[1]:.0f}' if mib[1] else ''} |")

    def process(name, ours, others):
        trips = f"{ours.trips:g}" + (f" / {others.trips:g}" if others else "") \
            if ours and (ours.trips or (others and others.trips)) else ""
        cpu = f"{ms(ours.cpu)}" + (f" / {ms(others.cpu)}" if others else "") if ours else ""
        line(name, ours.seconds if ours else None, others.seconds if others else None, trips,
             network_floor(ours) if ours else None,
             (ours.mib if ours else None, others.mib if others else None), cpu)

    process("python -c pass (each tool's venv)", olenv["floor"], theirs["floor"])
    process("--help", olenv["help"], theirs["help"])
    process("olenv export, agent hit", agent_rows["hit"], None)
    process("sign-in, no MFA", olenv["sign-in"], theirs["sign-in"])
    process("sign-in, no MFA, the agent holding the API token", agent_rows["token"],
            theirs["sign-in"])
    process("sign-in, OTP", olenv["otp"], theirs["otp"])
    if push_ours:
        line("push: approval → credentials", push_ours[0], push_theirs[0],
             mib=(push_ours[1], push_theirs[1]))
    for size in sizes:
        ours, others = olenv[f"roles{size}"], theirs[f"roles{size}"]
        added = ours.seconds - olenv["roles1"].seconds
        added_theirs = others.seconds - theirs["roles1"].seconds
        cpu = f"{ms(ours.cpu - olenv['roles1'].cpu)} / {ms(others.cpu - theirs['roles1'].cpu)}"
        line(f"{size:,} roles: added to a sign-in", added, added_theirs,
             mib=(ours.mib, others.mib), cpu=cpu)
    for size in sizes:
        ours = float(olenv[f"menu{size}"].stdout.split()[0])
        others = float(theirs[f"menu{size}"].stdout.split()[0])
        line(f"{size:,} roles: SAML parse + role menu*", ours, others,
             mib=(olenv[f"menu{size}"].mib, theirs[f"menu{size}"].mib))
    print("\nfloor: round trips × latency + olenv's python -c pass (round trips counted at the "
          "servers, olenv / assume-role); CPU: user + system time of the command, olenv / "
          "assume-role, steadier than wall time on a busy machine; * time inside the process, "
          "without start-up and imports; peak memory is the whole process's (the agent's own "
          "not counted).")


if __name__ == "__main__":
    main()
