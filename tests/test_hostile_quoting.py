"""What the user controls and olenv prints as shell code (profile names, account
aliases, the directories settings come from) comes back from a real shell
exactly as it was written, whatever it holds."""

import json
import os
import subprocess
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from conftest import OLENV, require, run_olenv
from fakes.saml import role_value
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from olenv.credentials import Credentials
from olenv.handover.export import render

# Each driver evaluates olenv's code as a user would, then prints the variables
# olenv set, NUL-terminated. Values reach olenv through the environment, so the
# test itself never has to quote them.
E2E = {
    "bash": (["bash", "--norc", "--noprofile"],
             'eval "$({olenv} export $OLENV_T_ARGS "$OLENV_T_VALUE")" || exit 9\n'),
    "zsh": (["zsh", "-f"], 'eval "$({olenv} export ${{=OLENV_T_ARGS}} "$OLENV_T_VALUE")" || exit 9\n'),
    "fish": (["fish", "--no-config"],
             "{olenv} export (string split -n ' ' -- $OLENV_T_ARGS) $OLENV_T_VALUE | source; "
             "or exit 9\n"),
    "sh": (["dash"], 'eval "$({olenv} export $OLENV_T_ARGS "$OLENV_T_VALUE")" || exit 9\n'),
}
PRINT = {
    "fish": "printf '%s\\0' $OLENV_PROFILE $OLENV_ROLE $AWS_REGION\n",
    None: "printf '%s\\0' \"$OLENV_PROFILE\" \"$OLENV_ROLE\" \"$AWS_REGION\"\n",
}

NASTY_NAMES = [
    "it's", '"; rm -rf ~; echo "', "$(touch pwned)", "`touch pwned`", "a\nb", "\\", "-gx",
    "日本語 ünïcödé", "%s%n", "~root", "; end; touch pwned", "$'\\x41'", "!!", "a\tb  c ",
]


def run_in_shell(shell, env, cwd, args, value):
    command, line = E2E[shell]
    require(command[0])
    script = line.format(olenv=" ".join(OLENV)) + PRINT.get(shell, PRINT[None])
    done = subprocess.run(command, input=script.encode(), capture_output=True, timeout=60,
                          env={**env, "OLENV_T_ARGS": args, "OLENV_T_VALUE": value}, cwd=cwd,
                          start_new_session=True)
    assert done.returncode == 0, done.stderr.decode()
    assert not (Path(cwd) / "pwned").exists()
    return done.stdout.split(b"\0")[:-1]


@pytest.fixture
def alice(onelogin, env):
    onelogin.add_user("alice@example.com", "pw", roles=[role_value("123456789012", "Ops+=.@_-")])
    env["OLENV_PASSWORD"] = "pw"
    return env


@pytest.mark.parametrize("shell", sorted(E2E))
def test_profile_names_from_the_command_line(alice, tmp_path, shell):
    # Seven names per shell, every name in two shells: 28 real sign-ins.
    names = NASTY_NAMES[::2] if shell in ("bash", "sh") else NASTY_NAMES[1::2]
    for name in names:
        profile, role, region = run_in_shell(shell, alice, tmp_path, "--profile", name)
        assert (profile.decode(), role, region) == (name, b"Ops+=.@_-", b"eu-west-1")


@pytest.mark.parametrize("shell", sorted(E2E))
def test_an_account_alias_and_a_profile_from_a_nasty_directory(alice, home, tmp_path, shell):
    folder = tmp_path / "it's $(touch pwned) `x` \\ \n dir"
    folder.mkdir()
    alias = "prod'\"; $(touch pwned)\n`x` 日本"
    (folder / "accounts.yaml").write_text("accounts:\n  '123456789012': " + json.dumps(alias) + "\n")
    for name in ("onelogin.aws.json", "onelogin.sdk.json"):
        (folder / name).write_bytes((home / ".onelogin" / name).read_bytes())
    (folder / "onelogin.sdk.json").chmod(0o600)
    # From the directory itself (settings found in the current directory, once allowed)...
    for name in ("accounts.yaml", "onelogin.aws.json", "onelogin.sdk.json"):
        assert run_olenv(["allow", str(folder / name)], alice).returncode == 0
    profile, _, _ = run_in_shell(shell, alice, folder, "--shell", shell)
    assert profile.decode() == alias
    # ...and through -c DIR, with the profile taken from the file.
    aws = json.loads((folder / "onelogin.aws.json").read_text())
    (folder / "onelogin.aws.json").write_text(json.dumps({**aws, "profile": "x'$(touch pwned)"}))
    profile, _, _ = run_in_shell(shell, alice, tmp_path, "-c", str(folder))
    assert profile.decode() == "x'$(touch pwned)"


def test_dotenv_and_json_carry_the_value_exactly(alice, tmp_path):
    name = NASTY_NAMES[1] + NASTY_NAMES[4] + "$HOME"
    as_json = json.loads(run_olenv(["export", "--format", "json", "--profile", name], alice).stdout)
    assert as_json["OLENV_PROFILE"] == name
    dotenv = run_olenv(["export", "--format", "dotenv", "--profile", name], alice).stdout
    line = next(line for line in dotenv.splitlines() if line.startswith("OLENV_PROFILE="))
    # The documented escapes, read back: \\ \" \n \$.
    value = json.loads(line.split("=", 1)[1].replace("\\$", "$"))
    assert value == name


# --- thousands of values through olenv's own rendering, one shell process per batch -----

NOW = datetime.now(timezone.utc) + timedelta(hours=1)
BATCH = st.lists(st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\0"),
                         max_size=40), min_size=150, max_size=250)
RUNNERS = {
    "bash": ["bash", "--norc", "--noprofile", "-eu"], "zsh": ["zsh", "-f", "-eu"],
    "fish": ["fish", "--no-config"], "sh": ["dash", "-eu"],
}


@pytest.mark.parametrize("shell", sorted(RUNNERS))
@settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck))
@given(values=BATCH)
def test_thousands_of_profile_names_through_render(shell, values):
    code = []
    for value in values:
        credentials = Credentials("ASIAEXAMPLE", "s/e+c=", "t/o+k==", NOW, "eu-west-1",
                                  "123456789012", "Admin", value)
        code.append(render(credentials, "env", shell))
        code.append(PRINT["fish"] if shell == "fish" else PRINT[None])
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", suffix=".sh") as script:
        script.write("".join(code))
        script.flush()
        done = subprocess.run([*RUNNERS[shell], script.name], capture_output=True, timeout=120,
                              env={"PATH": os.environ["PATH"], "LC_ALL": "C.UTF-8"})
    assert (done.returncode, done.stderr) == (0, b"")
    printed = done.stdout.split(b"\0")[:-1]
    assert [p.decode() for p in printed[0::3]] == values
