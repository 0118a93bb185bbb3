"""OneLogin's onelogin-aws-assume-role 2.1.1, the tool olenv replaces, run for the
benchmark against the same fake OneLogin and moto.

It lives in its own virtual environment (created on first use) and is never
modified: it hard-codes https://api.<region>.onelogin.com, so a sitecustomize
put on its PYTHONPATH rewrites the four URL templates of its HTTP client, as
the module is imported, to point at the fake server. boto3 reads
AWS_ENDPOINT_URL_STS itself, so its STS calls reach moto unchanged.
"""

import os
import subprocess
import sys
from pathlib import Path

VERSION = "2.1.1"
DEFAULT_VENV = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / \
    f"olenv-bench/onelogin-aws-assume-role-{VERSION}"

SITECUSTOMIZE = '''\
import importlib.abc, importlib.util, os, sys

BASE = os.environ["OLENV_BENCH_ONELOGIN_URL"]
TEMPLATES = ("TOKEN_REQUEST_URL", "GET_SAML_ASSERTION_URL", "GET_SAML_VERIFY_FACTOR",
             "GET_OTP_DEVICES_URL")


class Url(str):
    """A URL template whose first %s (the host label) is dropped for the fake's base."""

    def __mod__(self, args):
        args = args if isinstance(args, tuple) else (args,)
        return str.__mod__(self.replace("https://%s.onelogin.com", BASE), args[1:])


class Patch(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name != "aws_assume_role.onelogin_client":
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(name)
        load = spec.loader.exec_module

        def exec_module(module):
            load(module)
            for template in TEMPLATES:
                setattr(module, template, Url(getattr(module, template)))

        spec.loader.exec_module = exec_module
        return spec


sys.meta_path.insert(0, Patch())
'''


def ensure(venv: Path = DEFAULT_VENV) -> Path:
    """onelogin-aws-assume-role's console script, installing it from PyPI the first time."""
    script = venv / "bin" / "onelogin-aws-assume-role"
    if not script.exists():
        print(f"installing onelogin-aws-assume-role=={VERSION} into {venv} ...", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(venv / "bin" / "pip"), "install", "-q",
                        f"onelogin-aws-assume-role=={VERSION}"], check=True)
    site = venv / "olenv-bench-site"
    site.mkdir(exist_ok=True)
    (site / "sitecustomize.py").write_text(SITECUSTOMIZE)
    return script


def environment(venv: Path, base_env: dict, onelogin_url: str) -> dict:
    return {**base_env, "PYTHONPATH": str(venv / "olenv-bench-site"),
            "OLENV_BENCH_ONELOGIN_URL": onelogin_url,
            # keyring is imported even when the password is given: keep it off D-Bus.
            "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring"}


def sign_in_args(script: Path, onelogin, username: str, password: str, region: str,
                 otp: str | None = None) -> list[str]:
    """A non-interactive run: every prompt answered by an option."""
    args = [str(script), "--onelogin-username", username, "--onelogin-password", password,
            "-a", onelogin.app_id, "-d", onelogin.subdomain, "--aws-region", region]
    return args + (["--otp", otp] if otp else [])
