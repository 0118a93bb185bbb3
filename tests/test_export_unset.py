"""olenv export --unset: code that removes every variable olenv manages and nothing else,
run by the real shells after a real `eval "$(olenv export)"`."""

import os
import subprocess

import pytest
from conftest import OLENV, require, run_olenv
from fakes.saml import role_value

from olenv.credentials import MANAGED

OLENV_LINE = " ".join(OLENV)
# Each shell: its command, then a script that exports, unsets, and lists what is left. The
# hook's state is set unexported (as the hook keeps it) and printed apart from the env.
SCRIPTS = {
    "bash": (["bash", "--norc", "--noprofile"], """\
set -euo pipefail
_olenv_pwd=/kept _olenv_active=1 OLENV_MINUTES_LEFT=42
eval "$({olenv} export --profile dev)"
eval "$({olenv} export --unset)"
printf 'state=%s,%s,%s\\0' "$_olenv_pwd" "$_olenv_active" "$OLENV_MINUTES_LEFT"
env -0
"""),
    "zsh": (["zsh", "-f"], """\
setopt err_exit nounset pipefail
_olenv_pwd=/kept _olenv_active=1 OLENV_MINUTES_LEFT=42
eval "$({olenv} export --profile dev)"
eval "$({olenv} export --unset)"
printf 'state=%s,%s,%s\\0' "$_olenv_pwd" "$_olenv_active" "$OLENV_MINUTES_LEFT"
env -0
"""),
    "fish": (["fish", "--no-config"], """\
set -g _olenv_pwd /kept; set -g _olenv_active 1; set -g OLENV_MINUTES_LEFT 42
{olenv} export --profile dev | source; or exit 3
{olenv} export --unset | source; or exit 4
printf 'state=%s,%s,%s\\0' $_olenv_pwd $_olenv_active $OLENV_MINUTES_LEFT
env -0
"""),
    "sh": (["dash"], """\
set -eu
_olenv_pwd=/kept _olenv_active=1 OLENV_MINUTES_LEFT=42
eval "$({olenv} export --profile dev)"
eval "$({olenv} export --unset)"
printf 'state=%s,%s,%s\\0' "$_olenv_pwd" "$_olenv_active" "$OLENV_MINUTES_LEFT"
env -0
"""),
}
# Set before, and not olenv's: each must come through untouched.
THEIRS = {"AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE", "AWS_ENDPOINT_URL_STS",
          "AWS_EC2_METADATA_DISABLED", "AWS_PAGER", "OLENV_ONELOGIN_URL", "OLENV_AGENT", "HOME"}


@pytest.fixture
def alice(onelogin, env):
    onelogin.add_user("alice@example.com", "pw", roles=[role_value("123456789012", "Admin")])
    env["OLENV_PASSWORD"] = "pw"
    env["AWS_PAGER"] = ""
    return env


def run_script(shell, env, cwd):
    command, script = SCRIPTS[shell]
    require(command[0])
    done = subprocess.run(command, input=script.format(olenv=OLENV_LINE).encode(), env=env,
                          cwd=cwd, capture_output=True, timeout=120, start_new_session=True)
    assert done.returncode == 0, done.stderr.decode()
    state, *entries = done.stdout.split(b"\0")[:-1]
    return state.decode(), dict(entry.decode().split("=", 1) for entry in entries), done


@pytest.mark.parametrize("shell", sorted(SCRIPTS))
def test_unset_removes_what_export_set_and_nothing_else(alice, tmp_path, onelogin, shell):
    state, environ, done = run_script(shell, alice, tmp_path)
    assert onelogin.count("saml_assertion") == 1  # the export signed in; --unset did not
    assert sorted(set(MANAGED) & set(environ)) == []
    assert {name: environ.get(name) for name in THEIRS} == {name: alice[name] for name in THEIRS}
    assert "OLENV_PASSWORD" in environ  # the user's own, not one olenv sets
    assert state == "state=/kept,1,42"  # the hook's state is left alone
    # One notice, the export's summary: --unset says nothing.
    assert done.stderr.decode().count("olenv:") == 1


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish", "sh", "dash"])
def test_unset_needs_no_settings_and_removes_inherited_values(tmp_path, shell):
    # No settings, no OneLogin, no AWS: only the variables' names are needed.
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "OLENV_AGENT": "off",
           **dict.fromkeys(MANAGED, "stale"), "AWS_CONFIG_FILE": "/mine"}
    done = run_olenv(["export", "--unset", "--shell", shell], env)
    assert (done.returncode, done.stderr) == (0, "")
    assert len(done.stdout.splitlines()) == len(MANAGED)
    runner = {"bash": ["bash", "--norc", "-c"], "zsh": ["zsh", "-f", "-c"],
              "fish": ["fish", "--no-config", "-c"], "sh": ["dash", "-c"], "dash": ["dash", "-c"]}
    line = ("eval (cat $OLENV_CODE | string collect); env -0" if shell == "fish"
            else 'eval "$(cat "$OLENV_CODE")"; env -0')
    code = tmp_path / "code"
    code.write_text(done.stdout)
    ran = subprocess.run([*runner[shell], line], env={**env, "OLENV_CODE": str(code)},
                         capture_output=True, timeout=60)
    assert (ran.returncode, ran.stderr) == (0, b"")
    names = {entry.split(b"=", 1)[0].decode() for entry in ran.stdout.split(b"\0")[:-1]}
    assert set(MANAGED).isdisjoint(names) and "AWS_CONFIG_FILE" in names


def test_unset_for_the_detected_shell(tmp_path):
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "OLENV_AGENT": "off"}
    for shell, expected in (("fish", "if set -qg AWS_ACCESS_KEY_ID; set -eg AWS_ACCESS_KEY_ID; end;"),
                            ("bash", "unset -v AWS_ACCESS_KEY_ID;")):
        command = {"fish": ["fish", "--no-config", "-c", f"{OLENV_LINE} export --unset; true"],
                   "bash": ["bash", "--norc", "-c", f"{OLENV_LINE} export --unset; true"]}[shell]
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)
        assert done.stdout.splitlines()[0] == expected


@pytest.mark.parametrize("extra, named", [(["-p", "dev"], "--profile"), (["--format", "json"], "--format"),
                                          (["--olenv-file", "x"], "--olenv-file")])
def test_unset_with_an_option_of_a_sign_in_is_refused(tmp_path, extra, named):
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "OLENV_AGENT": "off"}
    done = run_olenv(["export", "--unset", *extra], env)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == f"olenv export: --unset signs in to nothing: leave out {named}\n"


def test_the_help_names_unset(tmp_path):
    done = run_olenv(["export", "--help"], {"PATH": os.environ["PATH"], "HOME": str(tmp_path)})
    assert "olenv export --unset [--shell=SHELL]" in done.stdout and "  --unset  " in done.stdout
