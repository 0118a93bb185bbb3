"""The allow list and .olenv files: olenv allow, olenv deny, export --olenv-file, olenv hook."""

import hashlib
import os
import subprocess
import sys

import pytest
from conftest import OLENV, require, run_olenv
from fakes.saml import role_value
from fakes.sts import FaultySTS
from test_settings_trust import NOBODY, as_nobody, shared  # noqa: F401 - a fixture

from olenv import allowdirs, dotolenv, trust
from olenv.errors import ConfigError


def olenv(args, env, cwd=None):
    result = run_olenv(args, env, cwd=cwd)
    return result.returncode, result.stderr.strip()


def test_allow_records_path_and_hash_only(env, tree, home):
    env["OLENV_PASSWORD"] = "a-secret"
    assert olenv(["allow"], env, cwd=tree / "sub") == (
        0, f"olenv: allowed {tree}/.olenv (profile dev)")
    entries = list((home / ".local" / "share" / "olenv" / "allow").iterdir())
    assert len(entries) == 1
    verdict, path = entries[0].read_text().splitlines()
    assert verdict.startswith("allow ") and len(verdict.split()[1]) == 64
    assert path == f"{tree}/.olenv"
    assert oct(entries[0].parent.stat().st_mode & 0o777) == "0o700"


def test_xdg_data_home_is_honoured_unless_relative(env, tree, tmp_path, home):
    env["XDG_DATA_HOME"] = str(tmp_path / "data")
    assert olenv(["allow", str(tree)], env)[0] == 0
    assert (tmp_path / "data" / "olenv" / "allow").is_dir()
    env["XDG_DATA_HOME"] = "relative/data"
    assert olenv(["allow", str(tree)], env)[0] == 0
    assert (home / ".local" / "share" / "olenv" / "allow").is_dir()


@pytest.mark.parametrize("text, message", [
    ("", "expected a profile name, or 'profile: NAME'"),
    ("profile: [a, b]\n", "profile must be a single value"),
    ("- dev\n", "expected a profile name"),
    ("profile: dev\nrole: Admin\n", "unknown key 'role'"),
    ("profile: 'dev ops'\n", "'dev ops' is not a profile name"),
    ("profile: dev\naws_region: mars\n", "'mars' is not an AWS region"),
    ("profile: dev\naws_account_id: 12ab\n", "'12ab' is not an AWS account id"),
    ("profile: dev\naws_role_name: 'a b'\n", "'a b' is not an IAM role name"),
    ("profile: dev\nduration: 60\n", "'60' is not 900-43200 seconds"),
    ("profile: dev\nduration: 1h\n", "'1h' is not 900-43200 seconds"),
    ("profile: [dev\n", "not valid YAML (line 2)"),
])
def test_allow_refuses_a_file_olenv_could_not_use(env, tree, text, message):
    (tree / ".olenv").write_text(text)
    status, said = olenv(["allow", str(tree)], env)
    assert status == 2 and said.startswith(f"olenv: {tree}/.olenv: ") and message in said, said


def test_parse_keeps_account_ids_as_written():
    values = dotolenv.parse("profile: dev\naws_account_id: 012345670123\nduration: 900\n", "f")
    assert values == {"profile": "dev", "aws_account_id": "012345670123", "duration": "900"}
    assert dotolenv.parse("prod\n", "f") == {"profile": "prod"}
    with pytest.raises(ConfigError, match="f: expected a profile name"):
        dotolenv.parse("profile:\n", "f")


@pytest.mark.parametrize("where, message", [
    ("nowhere", "nowhere: no such file or directory"),
    (".", "no .olenv in"),
])
def test_allow_and_deny_without_a_file(env, tmp_path, where, message):
    for command in ("allow", "deny"):
        status, said = olenv([command, where], env, cwd=tmp_path)
        assert status == 2 and message in said


def test_session_allow_without_a_runtime_directory_lasts_this_boot(env, tree, tmp_path):
    env.pop("XDG_RUNTIME_DIR")
    env["TMPDIR"] = str(tmp_path)
    assert olenv(["allow", "--session", str(tree)], env) == (
        0, f"olenv: allowed {tree}/.olenv (profile dev) until the machine restarts")
    folder = tmp_path / f"olenv-{os.getuid()}-{allowdirs.boot_key()}"
    assert oct(folder.stat().st_mode & 0o777) == "0o700" and len(os.listdir(folder / "allow")) == 1
    assert "allowed until you log out" in run_olenv(["status"], env, cwd=tree).stdout
    assert olenv(["deny", str(tree)], env)[0] == 0
    assert os.listdir(folder / "allow") == []


def test_the_boot_is_named_by_its_id_else_by_its_boot_time(tmp_path):
    import psutil

    with open(allowdirs.BOOT_ID) as file:  # Linux
        assert allowdirs.boot_key() == file.read().strip()
    # Without /proc (BSD, macOS, a container): the boot time, as sysctl kern.boottime gives it.
    assert allowdirs.boot_key(str(tmp_path / "missing")) == f"t{int(psutil.boot_time())}"
    (tmp_path / "odd").write_text("../../etc\n")
    assert allowdirs.boot_key(str(tmp_path / "odd")) == f"t{int(psutil.boot_time())}"
    env = {"TMPDIR": str(tmp_path)}
    assert allowdirs.session_store(env) == \
        f"{tmp_path}/olenv-{os.getuid()}-{allowdirs.boot_key()}/allow"
    assert allowdirs.session_store({**env, "XDG_RUNTIME_DIR": "/run/user/7"}) == \
        "/run/user/7/olenv/allow"
    assert allowdirs.per_boot({"TMPDIR": "relative"}, boot="b") == f"/tmp/olenv-{os.getuid()}-b"


def test_session_trust_falls_back_to_the_boot_time_without_proc(env, tree, tmp_path, monkeypatch):
    import psutil

    monkeypatch.setattr(allowdirs, "BOOT_ID", str(tmp_path / "no-proc"))
    monkeypatch.setattr(allowdirs.boot_key, "__defaults__", (allowdirs.BOOT_ID,))
    monkeypatch.delenv("XDG_RUNTIME_DIR", raising=False)
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    trust.record(tree / ".olenv", trust.ALLOW, b"profile: dev\n", session=True)
    assert trust.standing(tree / ".olenv", b"profile: dev\n") == trust.ALLOWED_SESSION
    assert os.listdir(tmp_path / f"olenv-{os.getuid()}-t{int(psutil.boot_time())}" / "allow")


@pytest.fixture
def alice(onelogin, env):
    onelogin.add_user("alice@example.com", "pw", roles=[role_value("111111111111", "Admin")])
    env["OLENV_PASSWORD"] = "pw"
    return env


def export(env, file):
    return run_olenv(["export", "--shell", "bash", "--olenv-file", str(file)], env)


def test_export_refuses_every_file_not_allowed_as_it_is(alice, onelogin, tree, tmp_path):
    file = tree / ".olenv"
    result = export(alice, file)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (f"olenv: {file} is not allowed yet: read it, then run  "
                             f"olenv allow {tree}\n")

    assert olenv(["allow", str(tree)], alice)[0] == 0
    file.write_text("profile: prod\n")
    assert export(alice, file).stderr.startswith(f"olenv: {file} changed since it was allowed")

    copy = tmp_path / "copy"  # the same content elsewhere: a clone is not trusted
    copy.mkdir()
    (copy / ".olenv").write_text("profile: prod\n")
    assert "is not allowed yet" in export(alice, copy / ".olenv").stderr

    assert olenv(["allow", str(tree)], alice)[0] == 0
    assert olenv(["deny"], alice, cwd=tree / "sub") == (0, f"olenv: denied {file}")
    assert export(alice, file).stderr == (f"olenv: {file} is denied: run  olenv allow {tree}"
                                          "  to use it\n")
    assert onelogin.count("saml_assertion") == 0


def test_export_takes_the_allowed_file(alice, tree, moto_sts):
    (tree / ".olenv").write_text("profile: dev\naws_region: ap-south-1\nduration: 900\n")
    assert olenv(["allow", str(tree)], alice)[0] == 0
    sts = FaultySTS(moto_sts)  # moto's expiry follows the assertion: read the request instead
    alice["AWS_ENDPOINT_URL_STS"] = sts.url
    try:
        result = export(alice, tree / ".olenv")
    finally:
        sts.stop()
    assert result.returncode == 0, result.stderr
    assert "export OLENV_PROFILE=dev;" in result.stdout
    assert "export AWS_REGION=ap-south-1;" in result.stdout
    assert "olenv: dev (111111111111/Admin, ap-south-1, " in result.stderr
    assert sts.requests[0]["DurationSeconds"] == "900"


def test_symlinks(alice, tree, tmp_path):
    assert olenv(["allow", str(tree)], alice)[0] == 0
    (tmp_path / "link").symlink_to(tree)  # a linked directory: the same file
    assert export(alice, tmp_path / "link" / ".olenv").returncode == 0
    other = tmp_path / "other"  # a file linked to a trusted one: a different file
    other.mkdir()
    (other / ".olenv").symlink_to(tree / ".olenv")
    assert "is not allowed yet" in export(alice, other / ".olenv").stderr


def test_session_allow_and_deny(alice, tree):
    assert olenv(["allow", "--session", str(tree)], alice) == (
        0, f"olenv: allowed {tree}/.olenv (profile dev) until you log out")
    assert export(alice, tree / ".olenv").returncode == 0
    assert olenv(["deny", str(tree)], alice)[0] == 0
    assert "is denied" in export(alice, tree / ".olenv").stderr
    assert not os.listdir(os.path.join(alice["XDG_RUNTIME_DIR"], "olenv", "allow"))


@pytest.mark.parametrize("shell", ["sh", "tcsh"])
def test_hook_for_an_unsupported_shell(env, shell):
    status, said = olenv(["hook", shell], env)
    assert status == 2 and said.startswith("olenv: ") and "choose bash, zsh" in said


@pytest.mark.parametrize("shell, check", [("bash", ["bash", "-n"]), ("zsh", ["zsh", "-n"]),
                                          ("fish", ["fish", "--no-execute"])])
def test_hook_and_completion_sources_are_valid(env, shell, check):
    for command in ("hook", "completion"):
        result = run_olenv([command, shell], env)
        assert result.returncode == 0, result.stderr
        checked = subprocess.run(check, input=result.stdout, text=True, capture_output=True)
        assert (checked.returncode, checked.stderr) == (0, "")


def test_as_root_another_user_cannot_plant_session_trust(alice, tree, shared):  # noqa: F811
    alice.pop("XDG_RUNTIME_DIR")
    alice["TMPDIR"] = shared
    folder = f"{shared}/olenv-{os.getuid()}-{allowdirs.boot_key()}"
    # The name is guessable (uid, boot id): another user makes it first, with an entry
    # that "allows" the .olenv they planted.
    path = os.fsencode(trust.canonical(tree / ".olenv"))
    digest = hashlib.sha256(path + b"\0" + (tree / ".olenv").read_bytes()).hexdigest()
    entry = f"{folder}/allow/{hashlib.sha256(path).hexdigest()}"
    planted = as_nobody("sh", "-c", f"mkdir -m 755 {folder} {folder}/allow && "
                        f"printf 'allow {digest}\\n%s\\n' '{path.decode()}' > {entry}")
    assert planted.returncode == 0, planted.stderr
    assert "is not allowed yet" in export(alice, tree / ".olenv").stderr
    assert olenv(["allow", "--session", str(tree)], alice) == (
        2, f"olenv: {folder} belongs to uid {NOBODY}, not to you: olenv keeps --session trust "
           "there only in a directory of yours alone (set XDG_RUNTIME_DIR, or remove it)")


def test_a_fifo_named_olenv_does_not_hang(alice, tree):
    (tree / ".olenv").unlink()
    os.mkfifo(tree / ".olenv")  # a read would wait for a writer for ever
    result = run_olenv(["export", "--shell", "bash", "--olenv-file", str(tree / ".olenv")], alice,
                       timeout=60)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == f"olenv: {tree}/.olenv is not a regular file: olenv will not read it\n"
    assert olenv(["allow", str(tree / ".olenv")], alice) == (
        2, f"olenv: {tree}/.olenv is not a regular file: olenv will not read it")


# Peak memory of a child, measured by a fresh Python that runs nothing else.
PEAK = ("import resource, subprocess, sys\n"
        "done = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
        "sys.stdout.write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))\n"
        "sys.stderr.write(done.stderr)\n")
BIG = 8 << 30


def peak_kib(argv, env, cwd=None) -> tuple[int, str]:
    done = subprocess.run([sys.executable, "-c", PEAK, *argv], env=env, cwd=cwd, text=True,
                          capture_output=True, timeout=120, stdin=subprocess.DEVNULL)
    return int(done.stdout), done.stderr


def test_a_huge_olenv_above_is_never_read(alice, tmp_path):
    huge_olenv_above(alice, str(tmp_path), "mine")


def test_as_root_a_huge_olenv_another_user_planted_is_never_read(alice, shared):  # noqa: F811
    huge_olenv_above(alice, shared, "another user's")


def huge_olenv_above(alice, above: str, owner: str) -> None:
    """An 8 GiB .olenv in a directory above the tree; the hook's cd, then olenv itself."""
    big = os.path.join(above, ".olenv")
    with open(big, "wb") as file:
        file.truncate(BIG)  # sparse: 8 GiB that take no disk
    if owner != "mine":
        os.chown(big, NOBODY, NOBODY)
    below = os.path.join(above, "project", "sub")
    os.makedirs(below)
    reason = ("is 8589934592 bytes: olenv reads such a file only up to 64 KiB" if owner == "mine"
              else f"belongs to uid {NOBODY} (nobody), not to you or root")
    # The prompt hook's cd into the tree, in a real bash.
    hook = subprocess.run(OLENV + ["hook", "bash"], env=alice, capture_output=True, text=True,
                          check=True).stdout
    script = f'{hook}\ncd {below} && _olenv_hook; echo "status $?"'
    kib, stderr = peak_kib([require("bash"), "-c", script], alice)
    assert f"olenv: {big} {reason}" in stderr, stderr
    assert kib < 150 * 1024, f"peak {kib} KiB"
    kib, stderr = peak_kib(OLENV + ["export", "--shell", "bash", "--olenv-file", big], alice)
    assert stderr.startswith(f"olenv: {big} {reason}") and kib < 150 * 1024, (kib, stderr)
    assert olenv(["allow", below], alice)[0] == 2


def test_as_root_another_users_olenv_is_refused(alice, shared):  # noqa: F811
    sub = os.path.join(shared, "sub")
    planted = as_nobody("sh", "-c", f"mkdir {sub} && echo 'profile: prod' > {shared}/.olenv")
    assert planted.returncode == 0, planted.stderr
    refused = (f"olenv: {shared}/.olenv belongs to uid {NOBODY} (nobody), not to you or root: "
               "olenv will not use it")
    assert olenv(["allow"], alice, cwd=sub) == (2, refused)
    result = export(alice, f"{shared}/.olenv")
    assert (result.returncode, result.stderr) == (2, refused + "\n")
