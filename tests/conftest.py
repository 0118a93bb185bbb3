"""The test bed: a fake OneLogin API and moto's STS, both real servers on 127.0.0.1,
and a way to run the real `olenv` command against them."""

import json
import os
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))
pytest_plugins = ["skip_policy"]

# The installed console script when there is one (as users run it), else the module.
_SCRIPT = Path(sys.executable).parent / "olenv"
OLENV = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "olenv"]


def wait_until_up(url: str, timeout: float = 10.0) -> None:
    """Poll a server until it answers anything at all."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            urllib.request.urlopen(url, timeout=1).close()
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.02)


def require(program: str) -> str:
    """Path of a program the tests need. A laptop without it skips (and says so);
    under CI the skip is a failure (see pytest_runtest_makereport)."""
    path = shutil.which(program)
    if path is None:
        pytest.skip(f"{program} is not installed (.ci/run installs it)")
    return path


@pytest.fixture(scope="session")
def moto_sts():
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    url = f"http://{host}:{port}"
    wait_until_up(url)
    yield url
    server.stop()


@pytest.fixture
def onelogin():
    from fakes.onelogin import FakeOneLogin

    with FakeOneLogin() as fake:
        yield fake


@pytest.fixture
def home(tmp_path):
    """A fresh HOME with ~/.onelogin and ~/.aws, nothing else."""
    path = tmp_path / "home"
    (path / ".onelogin").mkdir(parents=True)
    (path / ".aws").mkdir()
    return path


def write_settings(home: Path, onelogin, **aws) -> None:
    sdk = home / ".onelogin" / "onelogin.sdk.json"
    sdk.write_text(json.dumps({"client_id": onelogin.client_id,
                               "client_secret": onelogin.client_secret, "region": "us"}))
    sdk.chmod(0o600)
    aws.setdefault("app_id", onelogin.app_id)
    aws.setdefault("subdomain", onelogin.subdomain)
    (home / ".onelogin" / "onelogin.aws.json").write_text(json.dumps(aws))


@pytest.fixture
def env(home, onelogin, moto_sts, tmp_path):
    """The environment of an olenv run against the test servers."""
    write_settings(home, onelogin, username="alice@example.com", aws_region="eu-west-1")
    keep = {k: v for k, v in os.environ.items()
            if not k.startswith(("AWS_", "OLENV_", "PYTEST_", "COV_"))}
    runtime = tmp_path / "run"  # the agent's socket directory, private to this test
    runtime.mkdir(mode=0o700)
    keep.update({
        "HOME": str(home),
        "XDG_RUNTIME_DIR": str(runtime),
        "OLENV_AGENT": "off",  # tests of the agent turn it on
        "OLENV_ONELOGIN_URL": onelogin.url,
        "AWS_ENDPOINT_URL_STS": moto_sts,
        "AWS_CONFIG_FILE": str(home / ".aws" / "config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(home / ".aws" / "credentials"),
        "AWS_EC2_METADATA_DISABLED": "true",
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
    })
    return keep


def run_olenv(args, env, *, cwd=None, timeout=60, **kwargs):
    """Run olenv with no controlling terminal (as CI and scripts do)."""
    return subprocess.run(OLENV + list(args), env=env, cwd=cwd, capture_output=True, text=True,
                          timeout=timeout, start_new_session=True, stdin=subprocess.DEVNULL,
                          **kwargs)


@pytest.fixture
def tree(tmp_path):
    """A project whose .olenv names the profile dev, with a subdirectory."""
    path = tmp_path / "project"
    (path / "sub").mkdir(parents=True)
    (path / ".olenv").write_text("profile: dev\n")
    return path
