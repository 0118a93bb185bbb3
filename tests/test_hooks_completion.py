"""Tab completion: the words bash and fish offer, from the usage text."""

import subprocess

import pytest
from conftest import OLENV, require

from olenv.cli.usage import COMMANDS

CASES = [
    ("olenv ex", {"exec", "export"}),
    ("olenv hook ", {"bash", "zsh", "fish"}),
    ("olenv export --sh", {"--shell"}),
    ("olenv export --shell f", {"fish"}),
    ("olenv allow --s", {"--session"}),
    ("olenv agent s", {"start", "stop", "status"}),
]


def bash_words(line: str) -> set[str]:
    script = (f'eval "$({" ".join(OLENV)} completion bash)"\n'
              'read -ra COMP_WORDS <<<"$LINE"; [[ $LINE == *" " ]] && COMP_WORDS+=("")\n'
              'COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); _olenv_complete; printf "%s\\n" "${COMPREPLY[@]}"\n')
    done = subprocess.run([require("bash"), "--norc", "-c", script], env={"LINE": line},
                          capture_output=True, text=True, timeout=60)
    assert done.stderr == ""
    return set(done.stdout.split())


def fish_words(line: str) -> set[str]:
    script = f'{" ".join(OLENV)} completion fish | source; complete -C "$LINE"'
    done = subprocess.run([require("fish"), "--no-config", "-c", script], env={"LINE": line},
                          capture_output=True, text=True, timeout=60)
    assert done.stderr == ""
    return {word.split("\t")[0] for word in done.stdout.splitlines()}


@pytest.mark.parametrize("words", [bash_words, fish_words])
@pytest.mark.parametrize("line, expected", CASES)
def test_completion(words, line, expected):
    assert words(line) == expected


@pytest.mark.parametrize("words", [bash_words, fish_words])
def test_every_command_is_offered(words):
    assert set(COMMANDS) <= words("olenv ")


def test_no_completion_for_another_shell():
    done = subprocess.run([*OLENV, "completion", "tcsh"], capture_output=True, text=True,
                          timeout=60)
    assert (done.returncode, done.stderr) == (
        2, "olenv: no completion for 'tcsh': choose bash, zsh or fish\n")
