"""The agent's fast path, as ratios to `python -c pass` measured in the same run.

    .venv/bin/python bench/agent.py [--runs N]

Signs in once against the test bed's fake OneLogin and moto's STS (starting an
agent in a temporary runtime directory), then times cache hits, and counts the
OneLogin sign-ins of 10 consecutive `olenv export` runs (goal: 1). The hit is
timed as users meet it too: `x=$(olenv export)` run by bash, against
`x=$(python -c pass)` in the same bash loop (goal: ≤ 1.15×).
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import testbed  # noqa: E402
from fakes.onelogin import FakeOneLogin  # noqa: E402

BIN = Path(sys.executable).parent
OLENV = str(BIN / "olenv")
GOAL = 1.15
BASH_LOOP = """
for i in $(seq {runs}); do
  a=$EPOCHREALTIME; x=$({floor}); b=$EPOCHREALTIME; x=$({hit}); c=$EPOCHREALTIME
  echo "$a $b $c"
done
"""


def run(argv, env):
    result = subprocess.run(argv, env=env, stdin=subprocess.DEVNULL, capture_output=True,
                            start_new_session=True)
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed: {result.stderr.decode()[-500:]}")


def timed(commands: dict[str, list[str]], env, runs) -> dict[str, float]:
    """Median seconds of each command, the commands interleaved so noise hits all alike."""
    samples = {name: [] for name in commands}
    for _ in range(runs):
        for name, argv in commands.items():
            start = time.perf_counter()
            run(argv, env)
            samples[name].append(time.perf_counter() - start)
    return {name: statistics.median(values) for name, values in samples.items()}


def in_bash(floor: str, hit: str, env, runs) -> tuple[float, float]:
    """Median seconds of `x=$(floor)` and `x=$(hit)`, timed by bash itself, interleaved."""
    script = BASH_LOOP.format(runs=runs, floor=floor, hit=hit)
    out = subprocess.run(["bash", "-c", script], env=env, stdin=subprocess.DEVNULL,
                         capture_output=True, text=True, check=True, start_new_session=True)
    times = [[float(t) for t in line.split()] for line in out.stdout.splitlines()]
    return (statistics.median(b - a for a, b, _ in times),
            statistics.median(c - b for _, b, c in times))


def cpu_in_bash(floor: str, hit: str, env, runs) -> tuple[float, float]:
    """Median CPU seconds (user + system) of `bash -c 'x=$(floor)'` and of the hit, bash's
    own start-up in both: steadier than wall time when the machine is busy."""
    samples = {floor: [], hit: []}
    for _ in range(runs):
        for command in samples:
            # No redirection inside $(...): bash would fork once more for it, for one side only.
            child = subprocess.Popen(["bash", "-c", f"x=$({command})"], env=env,
                                     stdin=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            _, _, usage = os.wait4(child.pid, 0)
            child.returncode = 0  # reaped above
            samples[command].append(usage.ru_utime + usage.ru_stime)
    return statistics.median(samples[floor]), statistics.median(samples[hit])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21)
    runs = parser.parse_args().runs

    with testbed.moto_sts() as sts, FakeOneLogin() as onelogin, \
            tempfile.TemporaryDirectory() as home, \
            tempfile.TemporaryDirectory(prefix="olenv-bench-") as runtime:
        onelogin.add_user("alice@example.com", "pw")
        settings = Path(home, ".onelogin")
        settings.mkdir()
        (settings / "onelogin.sdk.json").write_text(json.dumps(
            {"client_id": onelogin.client_id, "client_secret": onelogin.client_secret}))
        (settings / "onelogin.aws.json").write_text(json.dumps(
            {"app_id": onelogin.app_id, "subdomain": onelogin.subdomain,
             "username": "alice@example.com", "aws_region": "eu-west-1"}))
        env = {"PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}", "HOME": home,
               "XDG_RUNTIME_DIR": runtime, "OLENV_AGENT_IDLE": "300",
               "OLENV_ONELOGIN_URL": onelogin.url, "OLENV_PASSWORD": "pw",
               "AWS_ENDPOINT_URL_STS": sts, "AWS_EC2_METADATA_DISABLED": "true"}
        export = [OLENV, "export", "--shell", "bash"]
        try:
            for _ in range(10):
                run(export, env)
            sign_ins = onelogin.count("saml_assertion")
            shell_floor, shell_hit = in_bash(f"{sys.executable} -c pass", "olenv export", env,
                                             runs * 2)
            cpu_floor, cpu_hit = cpu_in_bash(f"{sys.executable} -c pass", "olenv export", env,
                                             runs * 2)
            times = timed({
                "python -c pass": [sys.executable, "-c", "pass"],
                "olenv export --shell bash (agent hit)": export,
                "olenv credential-process (agent hit)": [OLENV, "credential-process"],
                "olenv exec -- true (agent hit)": [OLENV, "exec", "--", "true"],
                "olenv export --shell bash --no-agent (sign-in)": export + ["--no-agent"],
            }, env, runs)
        finally:
            subprocess.run([OLENV, "agent", "stop"], env=env, capture_output=True)
    floor = times["python -c pass"]
    print(f"{'command':48} {'median ms':>10} {'× python -c pass':>17}")
    for name, seconds in times.items():
        print(f"{name:48} {seconds * 1000:10.1f} {seconds / floor:17.2f}")
    print(f"{'x=$(python -c pass), run by bash':48} {shell_floor * 1000:10.1f} {1:17.2f}")
    ratio = shell_hit / shell_floor
    print(f"{'x=$(olenv export), run by bash (agent hit)':48} {shell_hit * 1000:10.1f} "
          f"{ratio:17.2f}")
    print(f"{'  CPU of bash -c x=$(python -c pass)':48} {cpu_floor * 1000:10.1f} {1:17.2f}")
    print(f"{'  CPU of bash -c x=$(olenv export) (agent hit)':48} {cpu_hit * 1000:10.1f} "
          f"{cpu_hit / cpu_floor:17.2f}")
    print(f"\nx=$(olenv export) answered by the agent: {ratio:.2f}× x=$(python -c pass) "
          f"(goal ≤ {GOAL}×); OneLogin sign-ins for 10 consecutive exports: {sign_ins} (goal: 1)")
    return 0 if ratio <= GOAL and sign_ins == 1 else 1


if __name__ == "__main__":
    raise SystemExit(main())
