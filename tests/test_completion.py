"""Tab completion in real bash, zsh and fish: commands, each command's own options (with
descriptions in zsh and fish), option values, and profile names from the settings, which
cost no sign-in and import no AWS, XML or HTTP code."""

import json
import os
import stat
import subprocess
import sys

import pexpect
import pytest
from conftest import OLENV, require

from olenv.cli import command, parse
from olenv.cli.completion import grammar
from olenv.cli.usage import COMMANDS

PROFILES = {"dev": {"aws_account_id": "111111111111", "aws_role_name": "Admin"},
            "prod-ro": {"aws_account_id": "222222222222", "aws_role_name": "ReadOnly"}}
HEAVY = ("boto3", "botocore", "lxml", "urllib3", "http", "keyring", "docopt")


@pytest.fixture
def shells_env(env, home, tmp_path):
    aws = home / ".onelogin" / "onelogin.aws.json"
    aws.write_text(json.dumps({**json.loads(aws.read_text()), "profiles": PROFILES,
                               "keychain_service": "onelogin"}))
    env["XDG_CONFIG_HOME"] = str(tmp_path / "xdg")  # fish: its own completions, no user's
    return env


def bash_words(line: str, env) -> list[str]:
    script = ('eval "$(olenv completion bash)"\n'
              'read -ra COMP_WORDS <<<"$LINE"; [[ $LINE == *" " ]] && COMP_WORDS+=("")\n'
              'COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); _olenv_complete\n'
              'printf "%s\\n" "${COMPREPLY[@]}"\n')
    done = subprocess.run([require("bash"), "--norc", "-c", script], env={**env, "LINE": line},
                          capture_output=True, text=True, timeout=60)
    assert done.stderr == ""
    return done.stdout.split()


def fish_lines(line: str, env) -> list[str]:
    done = subprocess.run([require("fish"), "-c", 'olenv completion fish | source; '
                           'complete -C "$LINE"'], env={**env, "LINE": line},
                          capture_output=True, text=True, timeout=60)
    assert done.stderr == ""
    return done.stdout.splitlines()


def fish_words(line: str, env) -> list[str]:
    return [entry.split("\t")[0] for entry in fish_lines(line, env)]


CASES = [
    ("olenv exec -p ", ["dev", "prod-ro"]),
    ("olenv exec --profile p", ["prod-ro"]),
    ("olenv agent forget ", ["dev", "prod-ro"]),
    ("olenv agent ", ["start", "stop", "status", "forget"]),
    ("olenv export --format ", ["env", "dotenv", "json"]),
    ("olenv list --format ", ["table", "json"]),
    ("olenv help cre", ["credential-process"]),
    ("olenv co", ["console", "configure", "completion"]),
    ("olenv list --n", ["--names", "--no-agent"]),
    ("olenv configure --aws", ["--aws-region"]),
    ("olenv profiles generate --aws-c", ["--aws-config"]),
    ("olenv exec ls --pro", []),  # exec's options end at its command
    ("olenv exec -- --pro", []),
]


@pytest.mark.parametrize("words", [bash_words, fish_words])
@pytest.mark.parametrize("line, expected", CASES)
def test_completion(shells_env, words, line, expected):
    assert sorted(words(line, shells_env)) == sorted(expected)


@pytest.mark.parametrize("words", [bash_words, fish_words])
@pytest.mark.parametrize("word", list(COMMANDS))
def test_each_command_offers_exactly_its_own_options(shells_env, words, word):
    own = {name for option in parse.spec(word, command(word).USAGE).all_options()
           for name in (option.long, option.short) if name and name != "--role_order"}
    offered = set(words(f"olenv {word} -", shells_env))
    assert offered == own


def test_fish_shows_each_options_description(shells_env):
    lines = fish_lines("olenv list --", shells_env)
    assert "--names\tOnly the profile names, one a line (for scripts and tab completion); th…" \
        in lines
    assert "--format\tWhat to print (default: table)." in lines
    assert "exec\tRun a command (or a shell) with the role's AWS_* set; nothing written." in \
        fish_lines("olenv ex", shells_env)


def test_the_command_exec_runs_completes_as_itself(shells_env):
    assert "bash" in bash_words("olenv exec -p dev ba", shells_env)
    assert "bash" in bash_words("olenv exec -- ba", shells_env)
    assert "--profile" not in bash_words("olenv exec -p dev ls --", shells_env)
    # fish hands the rest of the line to the command's own completion.
    assert "--almost-all" in fish_words("olenv exec -p dev -- ls --al", shells_env)
    assert "--almost-all" in fish_words("olenv exec ls --al", shells_env)


def test_config_dir_on_the_line_is_where_profiles_come_from(shells_env, tmp_path):
    folder = tmp_path / "other"
    folder.mkdir()
    (folder / "onelogin.aws.json").write_text(json.dumps({"profiles": {"elsewhere": {}}}))
    line = f"olenv exec -c {folder} -p "
    assert bash_words(line, shells_env) == ["elsewhere"]
    assert fish_words(line, shells_env) == ["elsewhere"]


def zsh_tab(env, line: str, expect: str) -> str:
    zsh = pexpect.spawn(require("zsh"), ["-f", "-i"], env={**env, "TERM": "dumb"},
                        encoding="utf-8", timeout=30, dimensions=(50, 200))
    try:
        zsh.sendline('PS1="%% "; autoload -U compinit && compinit -u -D; '
                     'eval "$(olenv completion zsh)"; echo READY')
        zsh.expect("READY")
        zsh.expect("% ")
        zsh.send(line + "\t")
        zsh.expect(expect)
        return zsh.before + zsh.after
    finally:
        zsh.close(force=True)


def test_zsh_lists_a_commands_own_options_with_descriptions(shells_env):
    listing = zsh_tab(shells_env, "olenv list --", r"--no-agent +-- Do not ask the agent")
    assert "--names             -- Only the profile names" in listing
    assert "--profile" not in listing


def test_zsh_completes_profile_names_and_commands(shells_env):
    zsh_tab(shells_env, "olenv exec -p pr", r"olenv exec -p prod-ro ")
    zsh_tab(shells_env, "olenv agent forget d", r"olenv agent forget dev ")
    listing = zsh_tab(shells_env, "olenv co", r"console +-- Open the AWS console")
    assert "completion  -- Print the tab completion" in listing
    assert "configure   -- Save the subdomain" in listing


def test_a_profile_name_costs_no_sign_in_and_no_heavy_import(shells_env, onelogin, tmp_path):
    """The shells run `olenv` from PATH: a wrapper there records each run and its imports."""
    real = os.path.join(os.path.dirname(sys.executable), "olenv")
    shim = tmp_path / "shim"
    shim.mkdir()
    log = tmp_path / "log"
    (shim / "olenv").write_text(
        f'#!/bin/sh\necho "$*" >> {log}\n'
        f'PYTHONPROFILEIMPORTTIME=1 exec {" ".join(OLENV) if OLENV[0] != real else real} '
        f'"$@" 2>> {log}.imports\n')
    (shim / "olenv").chmod(stat.S_IRWXU)
    env = {**shells_env, "PATH": f"{shim}:{shells_env['PATH']}"}
    script = ('eval "$(command olenv completion bash)"; : > "$LOG"; : > "$LOG.imports"\n'
              'COMP_WORDS=(olenv exec -p ""); COMP_CWORD=3; _olenv_complete\n'
              'printf "%s\\n" "${COMPREPLY[@]}"\n')
    done = subprocess.run([require("bash"), "--norc", "-c", script],
                          env={**env, "LOG": str(log)}, capture_output=True, text=True,
                          timeout=60)
    assert done.stdout.split() == ["dev", "prod-ro"], done.stderr
    assert log.read_text() == "list --names\n"  # one run of olenv, and only that
    imported = {line.split("|")[-1].strip() for line in
                (tmp_path / "log.imports").read_text().splitlines()
                if line.startswith("import time:")}
    assert "olenv.catalog" in imported
    assert not [name for name in imported if name.split(".")[0] in HEAVY], imported
    assert onelogin.requests == []


def test_the_scripts_are_valid_in_each_shell(shells_env, tmp_path):
    for shell, check in (("bash", ["-n"]), ("zsh", ["-n"]), ("fish", ["--no-execute"])):
        text = subprocess.run([*OLENV, "completion", shell], env=shells_env,
                              capture_output=True, text=True, timeout=60).stdout
        path = tmp_path / f"completion.{shell}"
        path.write_text(text)
        done = subprocess.run([require(shell), *check, str(path)], capture_output=True,
                              text=True, timeout=60)
        assert (done.returncode, done.stderr) == (0, ""), shell


def test_the_grammar_comes_from_the_usage_text():
    g = grammar("agent", command("agent").USAGE)
    assert g["words"] == ["start", "stop", "status", "forget"]
    assert g["positional"] == "@profile"
    names = {name for names, _, _ in g["options"] for name in names}
    assert names == {"--all", "--debug", "--help", "-h"}


@pytest.mark.parametrize("words", [bash_words, fish_words])
def test_a_profile_name_is_never_run_as_code(shells_env, home, tmp_path, words):
    mark = tmp_path / "ran"
    planted = {f"$(touch {mark})": {}, f"`touch {mark}`": {}, "a b": {}}
    aws = home / ".onelogin" / "onelogin.aws.json"
    aws.write_text(json.dumps({**json.loads(aws.read_text()), "profiles": planted}))
    offered = words("olenv exec -p ", shells_env)
    assert not mark.exists()
    assert offered  # offered as text, quoted by the shell, not expanded
