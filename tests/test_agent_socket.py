"""The agent's socket: a safe directory or none, and only its own user may talk to it.

The tests named test_as_root_* play another local user, which takes root (chown,
setpriv): CI runs as root, and there they fail rather than skip when they cannot."""

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from conftest import OLENV, require, run_olenv
from test_agent import PASSWORD, agent_env  # noqa: F401 - a fixture

NOBODY = 65534


def need_root(why: str) -> None:
    if os.getuid() != 0:
        if os.environ.get("CI"):
            pytest.fail(f"{why} needs root, and CI runs the tests as root")
        pytest.skip(f"{why} needs root")


def attack_symlink(path):
    target = path.parent / "elsewhere"
    target.mkdir(mode=0o700)
    path.symlink_to(target)


def attack_foreign_owner(path):
    path.mkdir(mode=0o700)
    os.chown(path, NOBODY, NOBODY)


def attack_world_writable(path):
    path.mkdir()
    path.chmod(0o777)


def attack_group_writable(path):
    path.mkdir()
    path.chmod(0o770)


def attack_plain_file(path):
    path.write_text("")


ATTACKS = {"a symbolic link": (attack_symlink, "is a symbolic link"),
           "a world-writable directory": (attack_world_writable, "writable by others"),
           "a group-writable directory": (attack_group_writable, "writable by others"),
           "a file": (attack_plain_file, "is not a directory")}


@pytest.mark.parametrize("attack", sorted(ATTACKS))
def test_an_unsafe_socket_directory_is_refused(agent_env, onelogin, attack):  # noqa: F811
    refused(agent_env, onelogin, *ATTACKS[attack])


def test_as_root_another_users_socket_directory_is_refused(agent_env, onelogin):  # noqa: F811
    need_root("making a directory another user's")
    refused(agent_env, onelogin, attack_foreign_owner, f"belongs to uid {NOBODY}")


def refused(agent_env, onelogin, arrange, message):  # noqa: F811
    directory = os.path.join(agent_env["XDG_RUNTIME_DIR"], "olenv")
    arrange(Path(directory))
    before = sorted(os.listdir(agent_env["XDG_RUNTIME_DIR"]))

    started = run_olenv(["agent", "start"], agent_env)
    assert started.returncode == 2 and started.stderr.count("\n") == 1, started.stderr
    assert message in started.stderr and "refusing it" in started.stderr

    # The commands still work, without the agent, and say why in one line.
    result = run_olenv(["credential-process"], agent_env)
    assert result.returncode == 0 and json.loads(result.stdout)["Version"] == 1
    assert result.stderr.startswith("olenv: warning: not using the agent: ")
    assert result.stderr.count("\n") == 1 and message in result.stderr
    assert sorted(os.listdir(agent_env["XDG_RUNTIME_DIR"])) == before
    if os.path.isdir(directory):
        assert os.listdir(directory) == []  # no socket planted in it
    assert onelogin.count("saml_assertion") == 1


def test_the_socket_and_its_directory_are_private(agent_env):  # noqa: F811
    assert run_olenv(["agent", "start"], agent_env).returncode == 0
    directory = os.path.join(agent_env["XDG_RUNTIME_DIR"], "olenv")
    assert os.stat(directory).st_mode & 0o777 == 0o700
    assert os.stat(os.path.join(directory, "agent.sock")).st_mode & 0o777 == 0o600


@pytest.fixture
def shared_runtime(agent_env):  # noqa: F811
    """A runtime directory other users can traverse (tmp_path's parents are private)."""
    need_root("running a client as another user (setpriv)")
    require("setpriv")
    base = tempfile.mkdtemp(prefix="olenv-", dir="/tmp")
    os.chmod(base, 0o711)
    agent_env["XDG_RUNTIME_DIR"] = base
    yield agent_env
    run_olenv(["agent", "stop"], agent_env)
    shutil.rmtree(base)


def as_nobody(argv, env):
    return subprocess.run(["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups",
                           *argv], env=env, capture_output=True, text=True, timeout=60,
                          stdin=subprocess.DEVNULL, start_new_session=True)


def test_as_root_another_user_is_refused_the_directory(shared_runtime):
    export = run_olenv(["credential-process"], shared_runtime)
    assert export.returncode == 0, export.stderr
    result = as_nobody([*OLENV, "agent", "status"], {**shared_runtime, "HOME": "/nonexistent"})
    assert result.returncode == 2, result.stderr
    assert result.stderr == (f"olenv: agent directory {shared_runtime['XDG_RUNTIME_DIR']}/olenv "
                             f"belongs to uid {os.getuid()}, not to you: refusing it\n")


def test_as_root_another_user_is_refused_by_the_agent_itself(shared_runtime):
    keys = json.loads(run_olenv(["credential-process"], shared_runtime).stdout)
    directory = os.path.join(shared_runtime["XDG_RUNTIME_DIR"], "olenv")
    # Loosened by hand, as a careless admin might: the peer uid check still refuses.
    os.chmod(directory, 0o711)
    os.chmod(os.path.join(directory, "agent.sock"), 0o666)
    client = (
        "import socket, sys\n"
        "s = socket.socket(socket.AF_UNIX)\n"
        f"s.connect({os.path.join(directory, 'agent.sock')!r})\n"
        "try:\n"
        "    s.sendall(b'{\"v\": 1, \"op\": \"status\"}\\n')\n"
        "except BrokenPipeError:\n"
        "    pass  # refused before it asked\n"
        "sys.stdout.write(s.recv(65536).decode())\n")
    result = as_nobody([sys.executable, "-I", "-c", client], shared_runtime)
    assert result.returncode == 0, result.stderr
    reply = json.loads(result.stdout)
    assert reply == {"v": 1, "ok": False, "error": "refused: the agent serves only its own user"}
    assert keys["SecretAccessKey"] not in result.stdout
    assert run_olenv(["agent", "status"], shared_runtime).returncode == 0  # the owner still can


# --- who is at the other end: one seam, a way per platform -------------------------------

from olenv.agent import protocol, socketdir  # noqa: E402
from olenv.errors import ConfigError  # noqa: E402


def test_on_linux_the_peer_is_told_by_so_peercred():
    check = protocol.peer_check()
    left, right = socket_pair()
    with left, right:
        assert check(left) == check(right) == os.getuid()
        assert protocol.same_user(left)


def socket_pair():
    import socket

    return socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)


class FakeSocket:
    """A socket whose getsockopt answers as macOS's kernel does."""

    def __init__(self, answer: bytes):
        self.answer, self.asked = answer, []

    def getsockopt(self, level, option, size):
        self.asked.append((level, option, size))
        return self.answer[:size]

    def fileno(self):
        return 7


def xucred(uid: int, version: int = 0) -> bytes:
    import struct

    return struct.pack("=IIh2x16I", version, uid, 1, 20, *[0] * 15)


def test_on_macos_the_peer_is_told_by_local_peercred():
    from types import SimpleNamespace

    check = protocol.peer_check(SimpleNamespace(LOCAL_PEERCRED=1), libc=False)
    sock = FakeSocket(xucred(501))
    assert check(sock) == 501
    assert sock.asked == [(0, 1, 76)]  # SOL_LOCAL, LOCAL_PEERCRED, sizeof(struct xucred)
    with pytest.raises(OSError):
        check(FakeSocket(xucred(501, version=1)))  # a layout it does not know: no uid


class FakeLibc:
    """A BSD libc's getpeereid(fd, &uid, &gid)."""

    def __init__(self, uid: int, result: int = 0):
        self.uid, self.result, self.fds = uid, result, []

    def getpeereid(self, fd, uid, gid):
        self.fds.append(fd)
        uid.contents.value, gid.contents.value = self.uid, 20
        return self.result


def test_elsewhere_the_peer_is_told_by_getpeereid():
    from types import SimpleNamespace

    libc = FakeLibc(502)
    check = protocol.peer_check(SimpleNamespace(), libc=libc)
    assert check(FakeSocket(b"")) == 502 and libc.fds == [7]
    with pytest.raises(OSError):
        protocol.peer_check(SimpleNamespace(), libc=FakeLibc(502, result=-1))(FakeSocket(b""))


def test_with_no_way_to_tell_the_peer_the_agent_is_refused():
    from types import SimpleNamespace

    with pytest.raises(ConfigError) as raised:
        protocol.peer_check(SimpleNamespace(), libc=SimpleNamespace())
    assert "no way to check which user is at the other end" in str(raised.value)
    assert "does not run unchecked" in str(raised.value)


def test_the_agent_does_not_start_where_the_peer_cannot_be_checked(agent_env, onelogin,  # noqa: F811
                                                                   tmp_path):
    # Python here without SO_PEERCRED, as on a system that has none (glibc has no getpeereid).
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text("import _socket, socket\n"
                                           "del _socket.SO_PEERCRED, socket.SO_PEERCRED\n")
    env = {**agent_env, "PYTHONPATH": str(site)}
    started = run_olenv(["agent", "start"], env)
    assert started.returncode == 1, started.stderr
    assert started.stderr.startswith("olenv: the agent did not start: this system offers no way "
                                     "to check which user"), started.stderr
    assert started.stderr.count("\n") == 1
    # Commands still work, without an agent, and say why.
    result = run_olenv(["credential-process"], env)
    assert result.returncode == 0 and json.loads(result.stdout)["Version"] == 1
    assert result.stderr.startswith("olenv: warning: not using the agent: ")
    assert "this system offers no way to check" in result.stderr and result.stderr.count("\n") == 1
    assert not os.path.exists(os.path.join(agent_env["XDG_RUNTIME_DIR"], "olenv", "agent.sock"))


@pytest.mark.parametrize("platform, limit", [("linux", 107), ("darwin", 104), ("freebsd14", 104),
                                             ("openbsd7", 104), ("sunos5", 103)])
def test_the_socket_path_limit_is_each_platforms(platform, limit, tmp_path):
    assert socketdir.max_socket_path(platform) == limit
    tail = "/olenv/" + socketdir.SOCKET_NAME

    def runtime(size):  # a runtime directory making the socket path `size` bytes long
        return "/" + "r" * (size - len(tail) - 1)

    path = socketdir.socket_path({"XDG_RUNTIME_DIR": runtime(limit)}, platform)
    assert len(path) == limit
    with pytest.raises(ConfigError) as raised:
        socketdir.socket_path({"XDG_RUNTIME_DIR": runtime(limit + 1)}, platform)
    assert f"is {limit + 1} bytes, longer than the {limit} a unix socket takes" in str(raised.value)


def test_a_socket_path_at_linuxs_limit_binds(tmp_path):
    import socket

    base = str(tmp_path)
    path = base + "/" + "s" * (107 - len(base) - 1)
    assert len(path) == 107
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(path)


def test_a_relative_runtime_directory_is_not_used():
    # The XDG spec: a relative XDG_RUNTIME_DIR is to be ignored, not joined to the cwd.
    expected = f"/tmp/olenv-{os.getuid()}"
    assert socketdir.directory({"XDG_RUNTIME_DIR": "run/user"}) == expected
    assert socketdir.directory({"XDG_RUNTIME_DIR": ""}) == expected
    assert socketdir.directory({}) == expected
    assert socketdir.directory({"XDG_RUNTIME_DIR": "/run/user/7"}) == "/run/user/7/olenv"


def test_a_socket_path_too_long_says_what_to_do():
    with pytest.raises(ConfigError) as raised:
        socketdir.socket_path({"XDG_RUNTIME_DIR": "/" + "r" * 200}, "linux")
    assert str(raised.value).endswith(
        "longer than the 107 a unix socket takes here: set XDG_RUNTIME_DIR to a shorter directory")


def test_each_refusal_of_the_directory_names_it_and_why(tmp_path):
    mine = tmp_path / "mine"
    mine.mkdir(mode=0o700)
    socketdir.check(str(mine))  # a private directory of ours passes
    (tmp_path / "link").symlink_to(mine)
    (tmp_path / "file").write_text("")
    (tmp_path / "open").mkdir()
    (tmp_path / "open").chmod(0o777)
    cases = {
        "link": "is a symbolic link: refusing it",
        "file": "is not a directory: refusing it",
        "open": "is writable by others (mode 777): refusing it",
    }
    for name, why in cases.items():
        with pytest.raises(ConfigError) as raised:
            socketdir.check(str(tmp_path / name))
        assert str(raised.value) == f"agent directory {tmp_path / name} {why}"
    with pytest.raises(ConfigError) as raised:  # a path that cannot be looked at
        socketdir.check(str(tmp_path / "file" / "below"))
    assert str(raised.value) == f"agent directory {tmp_path / 'file' / 'below'}: Not a directory"
    with pytest.raises(ConfigError) as raised:  # nor made
        socketdir.ensure({"XDG_RUNTIME_DIR": str(tmp_path / "file")})
    assert str(raised.value) == f"cannot create agent directory {tmp_path / 'file' / 'olenv'}: Not a directory"


def test_as_root_a_directory_of_another_user_is_named_with_its_owner(tmp_path):
    if os.getuid() != 0:
        pytest.skip("giving a directory to another user needs root")
    theirs = tmp_path / "theirs"
    theirs.mkdir(mode=0o700)
    os.chown(theirs, 65534, 65534)
    with pytest.raises(ConfigError) as raised:
        socketdir.check(str(theirs))
    assert str(raised.value) == f"agent directory {theirs} belongs to uid 65534, not to you: refusing it"
