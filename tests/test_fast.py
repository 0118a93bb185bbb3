"""olenv.cli.fast: the agent's answer costs little more than starting Python.

Speed itself is measured in bench/agent.py; these pin down what the hit loads.
"""

import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import require, run_olenv
from test_agent import agent_env  # noqa: F401 - a fixture

from olenv import shells
from olenv.cli import fast

LAUNCHER = Path(__file__).resolve().parent.parent / "bin" / "olenv"
# Everything an `olenv export` answered by the agent may import beyond `python -c pass`.
HIT_MODULES = {"olenv", "olenv.cli", "olenv.cli.usage", "olenv.cli.fast", "olenv.agent",
               "olenv.agent.keys", "olenv.agent.client", "olenv.agent.protocol",
               "olenv.agent.jsonline", "olenv.agent.socketdir", "olenv.errors", "_socket",
               "_json"}


def imported(stderr: str) -> set[str]:
    return {line.split("|")[-1].strip() for line in stderr.splitlines()
            if line.startswith("import time:")}


def test_the_fast_path_knows_the_shells_olenv_shells_knows():
    assert fast.SHELL_NAMES == {name: shell.name for name, shell in shells._NAMES.items()}


@pytest.mark.parametrize("name", ["bash", "zsh", "fish", "sh", "dash", "-bash", "csh", "python3"])
def test_the_shell_name_is_the_one_olenv_shells_detects(name, tmp_path):
    # The parent's name is what decides: run the check from a process named `name`.
    code = ("import os, sys; from olenv import shells; from olenv.cli import fast; "
            "print(fast.shell_name(None), shells.detect().name)")
    link = tmp_path / name
    link.symlink_to(sys.executable)
    result = subprocess.run([str(link), "-c", f"import subprocess, sys; subprocess.run("
                             f"[{sys.executable!r}, '-c', {code!r}])"],
                            capture_output=True, text=True, env={"SHELL": "/bin/zsh"})
    ours, theirs = result.stdout.split()
    assert ours == theirs


def test_an_unknown_shell_option_is_left_to_the_full_path():
    assert fast.shell_name("csh") is None
    assert fast.shell_name("dash") == "sh"


def test_a_hit_run_by_a_shell_imports_only_what_it_needs(agent_env):  # noqa: F811
    bash = require("bash")
    assert run_olenv(["export", "--shell", "bash"], agent_env).returncode == 0
    floor = subprocess.run([sys.executable, "-c", "pass"], capture_output=True, text=True,
                           env={**agent_env, "PYTHONPROFILEIMPORTTIME": "1"})
    # olenv's launcher itself: an old setuptools installs another script (pkg_resources).
    olenv = shlex.join([sys.executable, str(LAUNCHER)])
    hit = subprocess.run([bash, "-c", f'x=$({olenv} export 2>&1 >/dev/null); printf %s "$x"'],
                         capture_output=True, text=True,
                         env={**agent_env, "PYTHONPROFILEIMPORTTIME": "1"})
    assert "olenv: 111111111111" in hit.stdout  # the agent answered
    extra = imported(hit.stdout) - imported(floor.stderr)
    assert extra <= HIT_MODULES, extra - HIT_MODULES


def test_the_launcher_imports_only_olenv_and_sys():
    # pip's console script would import `re` (≈5 ms) before olenv could answer.
    import ast

    tree = ast.parse(LAUNCHER.read_text())
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import)
                for alias in node.names}
    imported |= {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert imported == {"sys", "olenv.cli"}
    result = subprocess.run([sys.executable, str(LAUNCHER), "--version"], capture_output=True,
                            text=True)
    assert result.returncode == 0 and result.stdout.startswith("olenv ")
