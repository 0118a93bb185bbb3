"""CI runs every test: a skip there is a failure unless the test says why it may skip."""

import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parent

PROBE = '''
import pytest

def test_skips():
    pytest.skip("a program is missing")

@pytest.fixture
def needs_something():
    pytest.skip("a fixture's program is missing")

def test_skips_in_a_fixture(needs_something):
    pass

@pytest.mark.may_skip("only some machines have it")
def test_may_skip():
    pytest.skip("not here")

def test_passes():
    assert True
'''


def run_probe(tmp_path, ci: bool):
    (tmp_path / "test_probe.py").write_text(PROBE)
    env = {k: v for k, v in os.environ.items() if k != "CI" and not k.startswith("PYTEST_")}
    env["PYTHONPATH"] = str(HERE)
    if ci:
        env["CI"] = "true"
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           "-p", "skip_policy", "--rootdir", str(tmp_path), str(tmp_path)],
                          capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120)


def test_under_ci_an_unmarked_skip_fails_the_run(tmp_path):
    result = run_probe(tmp_path, ci=True)
    assert result.returncode == 1, result.stdout
    assert "FAILED test_probe.py::test_skips - skipped under CI" in result.stdout
    assert "ERROR test_probe.py::test_skips_in_a_fixture - skipped under CI" in result.stdout
    assert "1 failed, 1 passed, 1 skipped, 1 error" in result.stdout


def test_outside_ci_a_skip_stays_a_skip(tmp_path):
    result = run_probe(tmp_path, ci=False)
    assert result.returncode == 0, result.stdout
    assert "1 passed, 3 skipped" in result.stdout
