"""olenv exec as Unix expects: options end at the command (on the full and the fast path),
no command starts a shell holding the credentials, and nesting replaces, with a word."""

import subprocess

import pexpect
import pytest
from conftest import OLENV, require, run_olenv, write_settings
from fakes.saml import role_value
from fakes.sts import FaultySTS

# moto files a role assumed without credentials under its default account.
ACCOUNT = "123456789012"
PROFILES = {"dev": {"aws_account_id": ACCOUNT, "aws_role_name": "Admin"},
            "ro": {"aws_account_id": ACCOUNT, "aws_role_name": "ReadOnly"}}


@pytest.fixture
def alice(onelogin, env, home, moto_sts):
    # moto reads a single Role value: the proxy passes on only the role asked for.
    sts = FaultySTS(moto_sts, one_role=True)
    env["AWS_ENDPOINT_URL_STS"] = sts.url
    onelogin.add_user("alice@example.com", "correct horse",
                      roles=[role_value(ACCOUNT, "Admin"), role_value(ACCOUNT, "ReadOnly")])
    write_settings(home, onelogin, username="alice@example.com", aws_region="eu-west-1",
                   profiles=PROFILES)
    env["OLENV_PASSWORD"] = "correct horse"
    yield env
    sts.stop()


@pytest.fixture
def agent_on(alice):
    alice.pop("OLENV_AGENT")
    alice["OLENV_AGENT_IDLE"] = "120"
    yield alice
    run_olenv(["agent", "stop"], alice)


def shell_line(line: str, env) -> subprocess.CompletedProcess:
    """A command line as a person types it, run by a real bash."""
    return subprocess.run([require("bash"), "-c", line], env=env, capture_output=True, text=True,
                          timeout=60, start_new_session=True, stdin=subprocess.DEVNULL)


OLENV_LINE = " ".join(OLENV)


def test_the_commands_own_options_are_its_own(alice):
    listing = shell_line(f"{OLENV_LINE} exec -p dev ls -la /", alice)
    assert listing.returncode == 0, listing.stderr
    assert listing.stdout.startswith("total ") and " .." in listing.stdout
    account = shell_line(f"{OLENV_LINE} exec -p dev aws sts get-caller-identity "
                         "--query Account --output text", alice)
    assert (account.returncode, account.stdout.strip()) == (0, ACCOUNT), account.stderr


def test_dashdash_still_ends_the_options(alice):
    result = shell_line(f"{OLENV_LINE} exec -p ro -- sh -c 'echo \"$OLENV_ROLE\" \"$1\"' x -p",
                        alice)
    assert (result.returncode, result.stdout) == (0, "ReadOnly -p\n"), result.stderr


def test_the_fast_path_agrees_on_where_options_end(agent_on, onelogin, tmp_path):
    (tmp_path / "listed").mkdir()
    (tmp_path / "listed" / ".hidden").write_text("")
    line = f"{OLENV_LINE} exec -p dev ls -la {tmp_path / 'listed'}"
    first = shell_line(line, agent_on)
    assert first.returncode == 0 and ".hidden" in first.stdout, first.stderr
    # The agent answers now: the fast path must hand ls its -la too.
    again = shell_line(f"PYTHONPROFILEIMPORTTIME=1 {line}", agent_on)
    assert again.returncode == 0 and again.stdout == first.stdout, again.stderr
    assert "olenv.cli.fast" in again.stderr and "olenv.cli.parse" not in again.stderr
    assert onelogin.count("saml_assertion") == 1


def test_a_profile_typed_as_the_command_gets_the_hint_on_the_fast_path_too(agent_on):
    # The same options but the words: the agent holds the session the fast key finds.
    assert run_olenv(["exec", "--aws-role-name", "Admin", "--", "true"], agent_on).returncode == 0
    result = run_olenv(["exec", "--aws-role-name", "Admin", "dev", "--", "true"], agent_on)
    assert (result.returncode, result.stderr) == (
        2, "olenv exec: dev is a profile, not a command: did you mean "
           "olenv exec -p dev -- true?\n")


def test_a_program_named_like_a_profile_still_runs(alice, tmp_path):
    (tmp_path / "bin").mkdir()
    program = tmp_path / "bin" / "dev"
    program.write_text("#!/bin/sh\necho \"dev ran as $OLENV_ROLE\"\n")
    program.chmod(0o755)
    alice["PATH"] = f"{tmp_path / 'bin'}:{alice['PATH']}"
    result = run_olenv(["exec", "--aws-role-name", "Admin", "dev"], alice)
    assert (result.returncode, result.stdout) == (0, "dev ran as Admin\n"), result.stderr


@pytest.mark.parametrize("status", [0, 7])
def test_no_command_starts_the_shell_and_its_exit_status_passes(alice, status):
    bash = require("bash")
    env = {**alice, "SHELL": bash, "PS1": "sub$ ", "HOME": alice["HOME"]}
    child = pexpect.spawn(OLENV[0], OLENV[1:] + ["exec", "-p", "dev"], env=env, timeout=60,
                          encoding="utf-8")
    child.expect(r"olenv: starting \S*bash with dev \(123456789012/Admin, (\d+) min left\); "
                 r"`exit` leaves it\r\n")
    assert 55 <= int(child.match.group(1)) <= 60
    child.sendline('echo "in:$OLENV_PROFILE:$OLENV_ROLE"')
    child.expect("in:dev:Admin")
    child.sendline(f"exit {status}")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == status


def test_no_command_and_no_shell_variable_starts_sh(alice):
    env = {k: v for k, v in alice.items() if k != "SHELL"}
    child = pexpect.spawn(OLENV[0], OLENV[1:] + ["exec", "-p", "ro"], env=env, timeout=60,
                          encoding="utf-8")
    child.expect(r"olenv: starting /bin/sh with ro \(123456789012/ReadOnly")
    child.sendline("echo \"$OLENV_ROLE\"; exit 3")
    child.expect("ReadOnly")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 3


@pytest.mark.parametrize("force", [[], ["--force"]])
def test_inside_an_olenv_shell_exec_replaces_with_a_notice(alice, onelogin, force):
    alice.update(OLENV_PROFILE="ro", OLENV_ACCOUNT_ID=ACCOUNT, OLENV_ROLE="ReadOnly",
                 AWS_SESSION_TOKEN="old-token")
    result = run_olenv(["exec", "-p", "dev", *force, "--", "sh", "-c",
                        'echo "$OLENV_PROFILE $OLENV_ROLE"; [ "$AWS_SESSION_TOKEN" != old-token ]'],
                       alice)
    assert (result.returncode, result.stdout) == (0, "dev Admin\n"), result.stderr
    assert result.stderr == ("olenv: switching from ro (123456789012/ReadOnly) to "
                             "dev (123456789012/Admin)\n")


def test_the_same_session_again_is_no_switch(alice):
    alice.update(OLENV_PROFILE="dev", OLENV_ACCOUNT_ID=ACCOUNT, OLENV_ROLE="Admin")
    result = run_olenv(["exec", "-p", "dev", "--", "true"], alice)
    assert (result.returncode, result.stderr) == (0, "")


def test_export_inside_an_olenv_shell_replaces_with_a_notice_on_both_paths(agent_on):
    agent_on.update(OLENV_PROFILE="ro", OLENV_ACCOUNT_ID=ACCOUNT, OLENV_ROLE="ReadOnly")
    for _ in ("full path", "fast path"):
        result = run_olenv(["export", "-p", "dev", "--shell", "bash"], agent_on)
        assert result.returncode == 0, result.stderr
        assert "export OLENV_PROFILE=dev" in result.stdout
        assert result.stderr.splitlines()[0] == (
            "olenv: switching from ro (123456789012/ReadOnly) to dev (123456789012/Admin)")
    quiet = run_olenv(["export", "-p", "dev", "--shell", "bash", "-q"], agent_on)
    assert (quiet.returncode, quiet.stderr) == (0, "")
