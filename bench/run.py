"""olenv's benchmark: every figure is a ratio to `python -c pass` measured in the
same run (median of several runs), because these machines are noisy.

    .venv/bin/python bench/run.py [--runs N]

It starts the test bed's fake OneLogin API and moto's STS on 127.0.0.1 and times
olenv as users run it: the console script of this environment.
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

from fakes.onelogin import FakeOneLogin  # noqa: E402

BIN = Path(sys.executable).parent


def timed(argv, env, runs):
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        result = subprocess.run(argv, env=env, stdin=subprocess.DEVNULL, capture_output=True,
                                start_new_session=True)
        samples.append(time.perf_counter() - start)
        if result.returncode != 0:
            raise SystemExit(f"{' '.join(argv)} failed: {result.stderr.decode()[-500:]}")
    return statistics.median(samples)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    runs = parser.parse_args().runs

    from moto.server import ThreadedMotoServer

    moto = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    moto.start()
    host, port = moto.get_host_and_port()
    with FakeOneLogin() as onelogin, tempfile.TemporaryDirectory() as home:
        onelogin.add_user("alice@example.com", "pw")
        settings = Path(home, ".onelogin")
        settings.mkdir()
        (settings / "onelogin.sdk.json").write_text(json.dumps(
            {"client_id": onelogin.client_id, "client_secret": onelogin.client_secret}))
        (settings / "onelogin.aws.json").write_text(json.dumps(
            {"app_id": onelogin.app_id, "subdomain": onelogin.subdomain,
             "username": "alice@example.com", "aws_region": "eu-west-1"}))
        env = {"PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}", "HOME": home,
               "OLENV_ONELOGIN_URL": onelogin.url, "OLENV_PASSWORD": "pw",
               "AWS_ENDPOINT_URL_STS": f"http://{host}:{port}", "AWS_EC2_METADATA_DISABLED": "true"}
        olenv = str(BIN / "olenv")
        floor = timed([sys.executable, "-c", "pass"], env, runs)
        rows = [
            ("python -c pass", floor),
            ("olenv --help", timed([olenv, "--help"], env, runs)),
            ("olenv credential-process (full sign-in, no MFA)",
             timed([olenv, "credential-process"], env, runs)),
            ("olenv export --shell bash (full sign-in, no MFA)",
             timed([olenv, "export", "--shell", "bash"], env, runs)),
        ]
    moto.stop()
    print(f"{'command':52} {'median ms':>10} {'× python -c pass':>17}")
    for name, seconds in rows:
        print(f"{name:52} {seconds * 1000:10.1f} {seconds / floor:17.2f}")


if __name__ == "__main__":
    main()
