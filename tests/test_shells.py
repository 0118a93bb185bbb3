"""The generated code, run by the real shells: every value must come back byte for byte."""

import os
import shlex
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from olenv import shells
from olenv.errors import UsageError

ROOT = Path(__file__).resolve().parents[1]

# Each shell evaluates the code from a file as `eval "$(olenv export)"` (or, in fish,
# `olenv export | source`) would, under its strict options, then lists its environment
# NUL-separated. The code never goes on argv: in real use it holds secrets.
RUNNERS = {
    "bash": (["bash", "--norc", "--noprofile"], 'set -eu\neval "$(cat "$OLENV_CODE")"\nenv -0\n'),
    "zsh": (["zsh", "-f"], 'setopt nounset errexit\neval "$(cat "$OLENV_CODE")"\nenv -0\n'),
    "fish": (["fish", "--no-config"], 'cat $OLENV_CODE | source\nor exit 3\nenv -0\n'),
    "sh": (["dash"], 'set -eu\neval "$(cat "$OLENV_CODE")"\nenv -0\n'),
}
SYNTAX_CHECKS = {
    "bash": ["bash", "-n"], "zsh": ["zsh", "-n"], "fish": ["fish", "--no-execute"], "sh": ["dash", "-n"],
}

NASTY = [
    "", " ", "plain", "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    "FwoGZXIvYXdzEJr//////////wEaDM+token==", "-n", "-e", "--", "-gx", "=x", "a:=ls", "~",
    "a:~", "~root", "'", "''", '"', "it's", "\\", "a\\", "\\'", "'\\", "\\x41", "\\n", "\\\\n",
    "$HOME", "${HOME}", "$(echo pwned)", "`echo pwned`", "$'x'", "$", "!", "!!", "!$", "a!b",
    "\n", "a\nb", "\r\n", "\t", "end\n\n", "\x1b[31mred", "\x08", "\x7f",
    "".join(map(chr, range(1, 32))) + "\x7f", "".join(map(chr, range(32, 127))),
    "%", "%s%n%d", "%self", "*", "?", "[a]", "{a,b}", "a b  c", " lead", "trail ", "#x",
    ";", "&&", "|", "<>", "(", ")", "; end; echo pwned", "'; echo pwned; '",
    "é", "日本語", "\u0080\u0081\u008a\u009f", "\u0085\u2028\u2029", "\ufeff", "\U0001f600",
    "\ufdd0\ufdef", "\uf600\uf6ff\uf8ff", "\U0010ffff",
]

VALUES = st.lists(
    st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\0")),
    min_size=1, max_size=20)


def run(shell, code, env=None):
    """Runs `code` in the real shell; returns (its environment, the process)."""
    with tempfile.TemporaryDirectory() as home:
        path = Path(home, "code")
        path.write_text(code, encoding="utf-8")
        command, driver = RUNNERS[shell]
        base = {"PATH": os.environ["PATH"], "HOME": home, "LC_ALL": "C.UTF-8",
                "OLENV_CODE": str(path)}
        done = subprocess.run(command, input=driver.encode(), capture_output=True,
                              env={**base, **(env or {})}, timeout=60)
    environ = dict(entry.partition(b"=")[::2] for entry in done.stdout.split(b"\0")[:-1])
    return environ, done


def check_round_trip(shell_name, values, env=None):
    shell = shells.SHELLS[shell_name]
    changes = {f"OLENV_T{i}": value for i, value in enumerate(values)}
    environ, done = run(shell_name, shell.export(changes), env)
    assert (done.returncode, done.stderr) == (0, b"")
    assert {name: environ.get(name.encode()) for name in changes} == {
        name: value.encode() for name, value in changes.items()}


@pytest.mark.parametrize("shell", RUNNERS)
@pytest.mark.parametrize("locale", ["C.UTF-8", "C"])
def test_nasty_values_come_back_exactly(shell, locale):
    check_round_trip(shell, NASTY, {"LC_ALL": locale})


@pytest.mark.parametrize("shell", RUNNERS)
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(values=VALUES)
def test_any_text_comes_back_exactly(shell, values):
    check_round_trip(shell, values)


@pytest.mark.parametrize("shell", RUNNERS)
def test_unset_removes_a_set_variable_and_ignores_a_missing_one(shell):
    code = shells.SHELLS[shell].export(
        {"OLENV_OLD": None, "OLENV_NEW": "new", "OLENV_NEVER": None})
    environ, done = run(shell, code, {"OLENV_OLD": "stale"})
    assert (done.returncode, done.stderr) == (0, b"")
    assert b"OLENV_OLD" not in environ and b"OLENV_NEVER" not in environ
    assert environ[b"OLENV_NEW"] == b"new"


@pytest.mark.parametrize("shell", RUNNERS)
def test_set_replaces_an_inherited_value(shell):
    environ, done = run(shell, shells.SHELLS[shell].export({"OLENV_X": "new"}), {"OLENV_X": "old"})
    assert done.returncode == 0 and environ[b"OLENV_X"] == b"new"


@pytest.mark.parametrize("shell", RUNNERS)
def test_the_output_passes_the_shells_syntax_check(shell, tmp_path):
    path = tmp_path / "code"
    path.write_text(shells.SHELLS[shell].export(
        {f"OLENV_T{i}": value for i, value in enumerate(NASTY)} | {"OLENV_GONE": None}))
    done = subprocess.run([*SYNTAX_CHECKS[shell], str(path)], capture_output=True, timeout=60)
    assert (done.returncode, done.stderr) == (0, b"")


@pytest.mark.parametrize("shell", RUNNERS)
def test_every_statement_fits_on_one_line(shell):
    changes = {f"OLENV_T{i}": value for i, value in enumerate(NASTY)} | {"OLENV_GONE": None}
    lines = shells.SHELLS[shell].export(changes).split("\n")
    assert lines[-1] == "" and len(lines) - 1 == len(changes)


# Every control byte a variable can hold (NUL cannot be), alone, together and among text.
CONTROL = [chr(code) for code in (*range(1, 0x20), 0x7F)]
CONTROL_VALUES = [*CONTROL, "".join(CONTROL), "a" + "b".join(CONTROL) + "\n", "\x1b]52;c;aGk=\x07",
                  "end\n\n", "\r\n", "%\n%s\\\n'", "-n\n", "--\x01", "\\c\n", "\\0012\n"]


@pytest.mark.parametrize("shell", RUNNERS)
def test_no_control_byte_is_ever_written_raw(shell):
    # Raw, an ESC or a BEL reaches whatever terminal shows the code (a `set -x`, a pager),
    # and a CR hides what precedes it: the only control byte is each line's end.
    changes = {f"OLENV_T{i}": value for i, value in enumerate(CONTROL_VALUES)}
    code = shells.SHELLS[shell].export(changes).encode()
    lines = code.split(b"\n")
    assert lines[-1] == b"" and len(lines) - 1 == len(changes)
    raw = sorted({byte for line in lines for byte in line if byte < 0x20 or byte == 0x7F})
    assert raw == [], f"raw control bytes {raw} in {shell} code"
    check_round_trip(shell, CONTROL_VALUES)


# A literal table of what each shell is given, beside the round trips: a change in the
# quoting shows here first, as text a person can check.
LITERAL = [
    ("bash", "AKIA/x+y=", "export V=$'AKIA/x+y=';"),
    ("bash", "plain", "export V=plain;"),
    ("bash", "", "export V=$'';"),
    ("bash", "it's \\ $HOME", "export V=$'it\\'s \\\\ $HOME';"),
    ("bash", "a\nb\x1b[0m\x7f", "export V=$'a\\x0ab\\x1b[0m\\x7f';"),
    ("zsh", "a\tb", "export V=$'a\\x09b';"),
    ("zsh", "~root", "export V=$'~root';"),
    ("fish", "plain", "set -gx V 'plain';"),
    ("fish", "", "set -gx V '';"),
    ("fish", "it's \\", "set -gx V 'it\\'s \\\\';"),
    ("fish", "a\nb\x1b", "set -gx V 'a'\\x0a'b'\\x1b;"),
    ("fish", "\x07", "set -gx V \\x07;"),
    ("sh", "plain", "export V=plain;"),
    ("sh", "it's $x", "export V='it'\\''s $x';"),
    ("sh", "a\nb", "V=$(printf %b_ 'a\\0012b'); export V=\"${V%_}\";"),
    ("sh", "-n %s\\\x1b\n", "V=$(printf %b_ '-n %s\\\\\\0033\\0012'); export V=\"${V%_}\";"),
    ("sh", "'\x7f7", "V=$(printf %b_ ''\\''\\01777'); export V=\"${V%_}\";"),
]


@pytest.mark.parametrize("shell, value, expected", LITERAL)
def test_the_quoting_table(shell, value, expected):
    assert shells.SHELLS[shell].set("V", value) == expected
    check_round_trip(shell, [value])


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish", "sh"])
def test_unset_statements(shell):
    assert shells.SHELLS[shell].unset("V") == {
        "bash": "unset -v V;", "zsh": "unset -v V;", "sh": "unset -v V;",
        "fish": "if set -qg V; set -eg V; end;"}[shell]


@pytest.mark.parametrize("shell", shells.SHELLS.values(), ids=shells.SHELLS)
def test_export_keeps_the_order_given(shell):
    code = shell.export({"B": "1", "A": None, "C": "2"})
    assert code == f"{shell.set('B', '1')}\n{shell.unset('A')}\n{shell.set('C', '2')}\n"


@pytest.mark.parametrize("shell", ["bash", "zsh", "sh"])
def test_an_unquoted_eval_still_works_for_credential_values(shell, tmp_path):
    # A common mistake is `eval $(olenv export)`: the `;` after each statement saves it.
    values = {"OLENV_K": "AKIAIOSFODNN7EXAMPLE", "OLENV_S": "wJalr/K7MDENG+bPxRfiCY==",
              "OLENV_GONE": None}
    path = tmp_path / "code"
    path.write_text(shells.SHELLS[shell].export(values))
    command = RUNNERS[shell][0] + ["-c", 'eval $(cat "$1"); env -0', "x", str(path)]
    done = subprocess.run(command, capture_output=True, env={"PATH": os.environ["PATH"],
                                                              "OLENV_GONE": "old"})
    assert (done.returncode, done.stderr) == (0, b"")
    environ = done.stdout.split(b"\0")
    assert b"OLENV_K=AKIAIOSFODNN7EXAMPLE" in environ
    assert b"OLENV_S=wJalr/K7MDENG+bPxRfiCY==" in environ
    assert not any(entry.startswith(b"OLENV_GONE=") for entry in environ)


@pytest.mark.parametrize("shell", shells.SHELLS.values(), ids=shells.SHELLS)
@pytest.mark.parametrize("name", ["", "1A", "A-B", "A B", "A;B", "É", "A=B", "$A"])
def test_a_bad_variable_name_is_refused(shell, name):
    with pytest.raises(ValueError):
        shell.set(name, "x")
    with pytest.raises(ValueError):
        shell.unset(name)


@pytest.mark.parametrize("shell", shells.SHELLS.values(), ids=shells.SHELLS)
def test_a_nul_character_is_refused(shell):
    with pytest.raises(ValueError, match="NUL"):
        shell.export({"A": "x\0y"})


@pytest.mark.parametrize("name, expected", [
    ("bash", "bash"), ("zsh", "zsh"), ("fish", "fish"), ("sh", "sh"),
    ("dash", "sh"), ("ksh", "sh"), ("mksh", "sh"), ("ash", "sh"),
])
def test_get_and_an_explicit_detect_accept_the_names(name, expected):
    assert shells.get(name).name == expected
    assert shells.detect(name).name == expected


@pytest.mark.parametrize("name", ["csh", "", "Bash"])
def test_an_unknown_shell_is_a_usage_error(name):
    with pytest.raises(UsageError) as raised:
        shells.detect(name)
    assert str(raised.value) == f"unknown shell {name!r}: choose bash, zsh, fish or sh"
    assert raised.value.exit_code == 2


DETECT = "import sys; from olenv.shells import detect; print(detect().name, 'psutil' in sys.modules)"


def detect_under(command, shell_env):
    env = {"PATH": os.environ["PATH"], "PYTHONPATH": str(ROOT), **shell_env}
    done = subprocess.run(command, capture_output=True, text=True, env=env, cwd=ROOT, timeout=60)
    assert done.stderr == ""
    return done.stdout.split()


PYTHON = f"{shlex.quote(sys.executable)} -c {shlex.quote(DETECT)}"


@pytest.mark.parametrize("shell, expected", [
    ("bash", "bash"), ("zsh", "zsh"), ("fish", "fish"), ("dash", "sh"),
])
def test_detect_names_the_parent_shell_without_psutil(shell, expected):
    misleading = {"SHELL": "/bin/bash" if expected == "zsh" else "/usr/bin/zsh"}
    # `; true` keeps the shell as the parent: a lone command may be exec'd in its place.
    assert detect_under([shell, "-c", f"{PYTHON}; true"], misleading) == [expected, "False"]


@pytest.mark.parametrize("shell, expected", [
    ("bash", "bash"), ("zsh", "zsh"), ("fish", "fish"), ("dash", "sh"),
])
def test_detect_looks_past_a_wrapper(shell, expected):
    misleading = {"SHELL": "/bin/bash" if expected == "zsh" else "/usr/bin/zsh"}
    command = [shell, "-c", f"timeout 60 {PYTHON}; true"]
    assert detect_under(command, misleading)[0] == expected


@pytest.mark.parametrize("login, expected", [
    ("/usr/bin/fish", "fish"), ("/bin/zsh", "zsh"), ("/bin/tcsh", "sh"), (None, "sh"),
])
def test_detect_falls_back_to_the_login_shell_then_sh(login, expected):
    # Enough wrappers that no shell is within reach of the walk up the process tree.
    wrappers = ["timeout", "60"] * (shells._ANCESTORS + 1)
    command = [*wrappers, sys.executable, "-c", DETECT]
    assert detect_under(command, {"SHELL": login} if login else {})[0] == expected


# --- where the process names come from: /proc, else ps ------------------------------------

def test_from_proc_reads_the_name_and_the_parent(tmp_path):
    from olenv.shells import processes

    with open("/proc/self/comm") as comm:
        assert processes.from_proc(os.getpid()) == (comm.read().strip(), os.getppid())
    # A name with spaces and parentheses, as /proc/PID/stat writes it unescaped.
    odd = tmp_path / "a) b (c"
    odd.write_bytes(Path(shutil.which("sleep")).read_bytes())
    odd.chmod(0o755)
    child = subprocess.Popen([str(odd), "60"])
    try:
        assert processes.from_proc(child.pid) == ("a) b (c", os.getpid())
        assert processes.from_ps()(child.pid) == ("a) b (c", os.getpid())
    finally:
        child.kill()
        child.wait()
    assert processes.from_proc(child.pid) is None  # gone
    assert processes.from_proc(-1) is None


def test_from_ps_agrees_with_proc():
    from olenv.shells import processes

    lookup = processes.from_ps()
    for pid in (os.getpid(), os.getppid()):
        assert lookup(pid) == processes.from_proc(pid)
    assert lookup(2**22 + 1) is None


PS_DETECT = ("import sys; from olenv import shells; from olenv.shells import processes; "
             "print(shells._running_shell(processes.from_ps()).name, 'psutil' in sys.modules)")


@pytest.mark.parametrize("shell, expected", [
    ("bash", "bash"), ("zsh", "zsh"), ("fish", "fish"), ("dash", "sh"),
])
def test_detect_through_ps_names_the_parent_shell(shell, expected):
    command = f"timeout 60 {shlex.quote(sys.executable)} -c {shlex.quote(PS_DETECT)}; true"
    assert detect_under([shell, "-c", command], {}) == [expected, "False"]


# ps for a machine without /proc, as the BSDs' and macOS's ps answer: every process, from
# what this test knows (the shell's pid, passed down; olenv's pid, ps's parent).
FAKE_PS = '#!/bin/sh\nprintf "%s 1 /bin/bash\\n%s %s python3\\n" "$T_SHELL" "$PPID" "$T_SHELL"\n'


@pytest.mark.parametrize("fake_ps", [True, False], ids=["ps-answers", "ps-fails-too"])
def test_olenv_export_on_a_machine_without_proc_as_root(onelogin, env, tmp_path, fake_ps):
    # A mount namespace with an empty tmpfs over /proc: olenv finds the shell through ps
    # (here a stand-in, since Linux's own ps needs /proc), or else by $SHELL; never psutil.
    if os.geteuid() != 0:
        pytest.skip("needs root, for unshare -m")
    from conftest import OLENV
    from fakes.saml import role_value

    onelogin.add_user("alice@example.com", "pw", roles=[role_value("123456789012", "Admin")])
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    if fake_ps:
        (bin_dir / "ps").write_text(FAKE_PS)
        (bin_dir / "ps").chmod(0o755)
    line = ("export T_SHELL=$$; [ ! -e /proc/self ] || exit 9; "
            f"{' '.join(map(shlex.quote, OLENV))} export -p dev; true")
    done = subprocess.run(
        ["unshare", "-m", "sh", "-c", 'mount -t tmpfs none /proc && exec bash -c "$1"', "sh", line],
        env={**env, "OLENV_PASSWORD": "pw", "SHELL": "/usr/bin/fish", "PYTHONPROFILEIMPORTTIME": "1",
             "PATH": f"{bin_dir}:{env['PATH']}"},
        capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr[-2000:]
    first = done.stdout.splitlines()[0]
    # With ps, the parent bash; without any source, the login shell, fish.
    assert first.startswith("export AWS_ACCESS_KEY_ID=" if fake_ps else "set -gx AWS_ACCESS_KEY_ID ")
    notices = [line for line in done.stderr.splitlines() if not line.startswith("import time:")]
    assert len(notices) == 1 and notices[0].startswith("olenv: dev (123456789012/Admin")
    imported = {line.split("|")[-1].strip() for line in done.stderr.splitlines()
                if line.startswith("import time:")}
    assert "psutil" not in imported
