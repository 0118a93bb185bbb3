"""The prompt hooks in real interactive bash, zsh and fish, driven through a pseudo-terminal:
entering, leaving and switching trees, trust, exact restore, and no process per prompt."""

import re
import shlex
import subprocess
from datetime import datetime, timezone

import pexpect
import pytest
from conftest import OLENV, require, run_olenv
from fakes.saml import role_value

SHELLS = ["bash", "zsh", "fish"]
PROMPT = "@@P@@ "
OLENV_LINE = " ".join(map(shlex.quote, OLENV))
ACCOUNT = "111111111111"
SECRETS = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN")


class Shell:
    """One interactive shell with the hook installed, its prompt reduced to PROMPT."""

    RC = {
        "bash": "PS1=%(prompt)s\nPS2=\n%(pre)s\neval \"$(%(olenv)s hook bash)\"\n",
        "zsh": "PS1=%(prompt)s\nPS2=\nunsetopt prompt_sp\n%(pre)s\neval \"$(%(olenv)s hook zsh)\"\n",
        "fish": "function fish_prompt; printf %%s %(prompt)s; end\nfunction fish_greeting; end\n"
                "%(pre)s\n%(olenv)s hook fish | source\n",
    }

    def __init__(self, kind, env, tmp, *, pre="", wrap=()):
        self.kind = kind
        require(kind)
        rc = tmp / f"rc.{kind}"
        rc.write_text(self.RC[kind] % {"prompt": shlex.quote(PROMPT), "pre": pre,
                                       "olenv": " ".join(map(shlex.quote, OLENV))})
        env = {**env, "TERM": "dumb"}
        argv = {"bash": ["bash", "--noprofile", "--rcfile", str(rc), "-i"],
                "zsh": ["zsh", "-i"],
                "fish": ["fish", "--no-config", "-i", "-C", f"source {shlex.quote(str(rc))}"]}[kind]
        if kind == "zsh":
            (tmp / ".zshrc").write_text(rc.read_text())
            env["ZDOTDIR"] = str(tmp)
        argv = [*wrap, *argv]
        self.child = pexpect.spawn(argv[0], argv[1:], env=env, cwd=str(tmp), timeout=30,
                                   encoding="utf-8", dimensions=(50, 500))
        self.child.expect_exact(PROMPT)
        self.lines = 0

    def run(self, line: str) -> str:
        """Type a command line; what the terminal showed from it until the next prompt.

        Markers printed around the line (their text differs from what is typed) find the
        output among the echo and redraws of the line; the hook's own output comes after
        the line in bash and zsh, during a cd in fish."""
        self.lines += 1
        begin, end = f"__B{self.lines}__", f"__E{self.lines}__"
        self.child.sendline(f"printf '__%s__\\n' B{self.lines}; {line}; printf '__%s__\\n' E{self.lines}")
        self.child.expect_exact(begin)
        self.child.expect_exact(end)
        shown = self.child.before
        self.child.expect_exact(PROMPT)
        lines = (shown + self.child.before).replace("\r", "").split("\n")
        # fish marks output that lacked a final newline with a ⏎ line: not the command's.
        return "\n".join(line for line in lines if line.strip(" ⏎"))

    def cd(self, path) -> str:
        return self.run(f"cd {shlex.quote(str(path))}")

    def value(self, name: str) -> str | None:
        """A variable as the shell holds it (exported or not), or None when unset."""
        if self.kind == "fish":
            line = f"if set -q {name}; printf '<%s>' \"${name}\"; else; echo '<unset>'; end"
        else:
            line = f"printf '<%s>' \"${{{name}-unset}}\""
        out = self.run(line)
        value = re.search(r"<(.*)>", out, re.S).group(1)
        return None if value == "unset" else value

    def environ(self) -> dict[str, str]:
        """The environment a child of the shell gets."""
        out = self.run("env | grep -E '^(AWS|OLENV)_' | sort")
        return dict(line.split("=", 1) for line in out.splitlines() if "=" in line)

    def close(self):
        self.child.sendline("exit")
        self.child.expect(pexpect.EOF)
        self.child.close()


def managed(environ: dict) -> dict:
    # The test bed's own settings for olenv are not what the hook manages.
    return {k: v for k, v in environ.items()
            if k not in ("AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE", "AWS_ENDPOINT_URL_STS",
                         "AWS_EC2_METADATA_DISABLED", "OLENV_ONELOGIN_URL", "OLENV_PASSWORD",
                         "OLENV_AGENT")}


@pytest.fixture
def world(onelogin, env, tmp_path):
    """A user of one role, and two allowed trees: dev, and prod in another region."""
    onelogin.add_user("alice@example.com", "pw", roles=[role_value(ACCOUNT, "Admin")])
    env["OLENV_PASSWORD"] = "pw"
    for name, text in (("dev", "profile: dev\n"), ("prod", "profile: prod\naws_region: us-west-2\n")):
        tree = tmp_path / name
        (tree / "sub" / "deeper").mkdir(parents=True)
        (tree / ".olenv").write_text(text)
        assert run_olenv(["allow", str(tree)], env).returncode == 0
    return env


@pytest.fixture
def shell(request, world, tmp_path):
    opened = []

    def start(kind, **kwargs):
        opened.append(Shell(kind, world, tmp_path, **kwargs))
        return opened[-1]

    yield start
    for one in opened:
        if one.child.isalive():
            one.child.close(force=True)


@pytest.mark.parametrize("kind", SHELLS)
def test_enter_switch_and_leave_restore_exactly(shell, tmp_path, kind):
    sh = shell(kind)
    before = {"bash": "export AWS_REGION=\"it's 'mine'\" AWS_PROFILE=own; OLENV_ROLE=local",
              "zsh": "export AWS_REGION=\"it's 'mine'\" AWS_PROFILE=own; OLENV_ROLE=local",
              "fish": "set -gx AWS_REGION \"it's 'mine'\"; set -gx AWS_PROFILE own; "
                      "set -g OLENV_ROLE local"}[kind]
    sh.run(before)
    outside = sh.environ()

    said = sh.cd(tmp_path / "dev" / "sub")
    assert re.search(rf"olenv: dev \({ACCOUNT}/Admin, eu-west-1, (59|60) min\)", said), said
    inside = sh.environ()
    assert (inside["OLENV_PROFILE"], inside["OLENV_ACCOUNT_ID"], inside["OLENV_ROLE"]) == (
        "dev", ACCOUNT, "Admin")
    assert inside["AWS_ACCESS_KEY_ID"].startswith("ASIA") and "AWS_PROFILE" not in inside
    assert sh.value("OLENV_MINUTES_LEFT") in ("59", "60")
    # The hook's bookkeeping: unexported, and free of the secrets it set.
    listing = sh.run("set")
    assert "_olenv_pwd" in listing and "_olenv" not in sh.run("env")
    book = [line for line in listing.splitlines() if line.startswith("_olenv")]
    assert not [line for line in book for name in SECRETS if inside[name] in line]

    assert sh.cd(tmp_path / "dev" / "sub" / "deeper") == ""  # the same tree: nothing to say
    said = sh.cd(tmp_path / "prod")
    assert f"olenv: prod ({ACCOUNT}/Admin, us-west-2" in said and "dev" not in said
    switched = sh.environ()
    assert (switched["OLENV_PROFILE"], switched["AWS_REGION"]) == ("prod", "us-west-2")
    assert switched["AWS_ACCESS_KEY_ID"] != inside["AWS_ACCESS_KEY_ID"]

    assert sh.cd(tmp_path) == ""
    assert managed(sh.environ()) == managed(outside)
    assert sh.value("AWS_REGION") == "it's 'mine'"
    assert sh.value("OLENV_ROLE") == "local"  # unexported before, unexported again
    assert "OLENV_ROLE" not in sh.environ()
    assert sh.value("OLENV_MINUTES_LEFT") is None
    sh.close()


@pytest.mark.parametrize("kind", SHELLS)
def test_nested_symlinked_and_oddly_named_trees(shell, world, tmp_path, kind):
    inner = tmp_path / "dev" / "sub" / "it's a \"dir\" $x"
    inner.mkdir()
    (inner / ".olenv").write_text("prod\n")  # only a profile name
    assert run_olenv(["allow", str(inner)], world).returncode == 0
    (tmp_path / "link").symlink_to(tmp_path / "dev")
    sh = shell(kind)
    assert "olenv: prod (" in sh.cd(inner)
    assert sh.environ()["OLENV_PROFILE"] == "prod"
    assert "olenv: dev (" in sh.cd("..")  # back in the outer tree
    assert sh.cd(tmp_path) == ""
    assert "olenv: dev (" in sh.cd(tmp_path / "link" / "sub")  # the same file, through a link
    assert sh.environ()["OLENV_PROFILE"] == "dev"
    sh.close()


@pytest.mark.parametrize("kind", SHELLS)
def test_a_new_file_waits_for_allow_and_deny_withdraws_it(shell, world, tmp_path, onelogin, kind):
    fresh = tmp_path / "cloned"
    fresh.mkdir()
    (fresh / ".olenv").write_text("profile: dev\n")
    sh = shell(kind)
    said = sh.cd(fresh)
    assert said == f"olenv: {fresh}/.olenv is not allowed yet: read it, then run  olenv allow {fresh}"
    assert "OLENV_PROFILE" not in sh.environ() and onelogin.count("saml_assertion") == 0
    assert sh.run("true") == ""  # said once, not at every prompt

    said = sh.run("olenv allow")
    assert f"olenv: allowed {fresh}/.olenv (profile dev)" in said
    assert "olenv: dev (" in said  # taken at the prompt right after
    assert sh.environ()["OLENV_PROFILE"] == "dev"

    said = sh.run("olenv deny")
    assert f"olenv: denied {fresh}/.olenv" in said and f"{fresh}/.olenv is denied" in said
    assert "OLENV_PROFILE" not in sh.environ()
    sh.close()


@pytest.mark.parametrize("kind", SHELLS)
def test_an_edited_file_is_blocked_until_allowed_again(shell, world, tmp_path, kind):
    sh = shell(kind)
    assert "olenv: dev (" in sh.cd(tmp_path / "dev")
    sh.cd(tmp_path)
    (tmp_path / "dev" / ".olenv").write_text("profile: prod\n")
    said = sh.cd(tmp_path / "dev")
    assert f"{tmp_path}/dev/.olenv changed since it was allowed" in said
    assert "OLENV_PROFILE" not in sh.environ()
    sh.close()


@pytest.mark.parametrize("kind", SHELLS)
def test_a_prompt_with_nothing_changed_starts_no_process(shell, tmp_path, kind):
    strace = require("strace")
    log = tmp_path / "strace.log"
    # Process creation, and stat calls so the markers below show where each step is.
    sh = shell(kind, wrap=[strace, "-f", "-qq", "-o", str(log), "-e", "trace=%process,/stat"])
    assert "olenv: dev (" in sh.cd(tmp_path / "dev")
    sh.run("test -f /olenv-mark-a")
    for _ in range(5):
        assert sh.run("true") == ""
    sh.cd("sub/deeper")  # a new directory, the same tree
    sh.cd(tmp_path / "dev")
    sh.run("test -f /olenv-mark-b")
    sh.close()
    trace = log.read_text()
    between = trace[trace.index("/olenv-mark-a"):trace.index("/olenv-mark-b")]
    assert "/.olenv" in between  # the walk happened, and was traced
    # fish's threads (highlighting, autosuggestion) are no processes: CLONE_THREAD.
    spawned = [line for line in between.splitlines()
               if re.search(r"\b(?:clone3?|v?fork|execve)\(", line) and "CLONE_THREAD" not in line]
    assert spawned == []
    assert re.search(r"execve\(\S*olenv\"", trace[:trace.index("/olenv-mark-a")])


@pytest.mark.parametrize("kind, strict", [("bash", "set -u"), ("zsh", "setopt nounset")])
def test_nounset_shells(shell, tmp_path, kind, strict):
    sh = shell(kind, pre=strict)
    assert "olenv: dev (" in sh.cd(tmp_path / "dev")
    assert sh.cd(tmp_path / "prod").startswith("olenv: prod (")
    assert sh.cd(tmp_path) == ""
    assert sh.run("true") == "" and "OLENV_PROFILE" not in sh.environ()
    sh.close()


@pytest.mark.parametrize("kind", SHELLS)
def test_the_exit_status_survives_the_hook(shell, tmp_path, kind):
    sh = shell(kind)
    status = "$status" if kind == "fish" else "$?"
    sh.child.sendline(f"cd {shlex.quote(str(tmp_path / 'dev'))}; false")
    sh.child.sendline(f"echo \"status=[{status}]\"")
    sh.child.expect(r"status=\[(\d+)\]")
    assert sh.child.match.group(1) == "1"
    sh.close()


@pytest.mark.parametrize("kind", SHELLS)
def test_renewal_near_expiry(shell, tmp_path, kind):
    sh = shell(kind)
    sh.run("export AWS_REGION=mine" if kind != "fish" else "set -gx AWS_REGION mine")
    sh.cd(tmp_path / "dev")
    first = sh.environ()
    expiry = datetime.strptime(first["AWS_CREDENTIAL_EXPIRATION"], "%Y-%m-%dT%H:%M:%SZ")
    assert sh.value("_olenv_expires") == str(int(expiry.replace(tzinfo=timezone.utc).timestamp()))
    assert sh.run("true") == ""
    # As if the renewal time had come: the prompt after this line renews.
    assert "olenv: dev (" in sh.run("set -g _olenv_renew 1; set -g _olenv_next 0" if kind == "fish"
                                    else "_olenv_renew=1")
    renewed = sh.environ()
    assert renewed["AWS_ACCESS_KEY_ID"] != first["AWS_ACCESS_KEY_ID"]
    assert int(sh.value("_olenv_renew")) > int(datetime.now().timestamp())
    sh.cd(tmp_path)
    assert sh.environ()["AWS_REGION"] == "mine"
    sh.close()


@pytest.mark.parametrize("kind", SHELLS)
def test_ctrl_c_at_the_sign_in_is_not_asked_again_at_each_prompt(shell, tmp_path, kind):
    sh = shell(kind, pre="set -e OLENV_PASSWORD" if kind == "fish" else "unset OLENV_PASSWORD")
    sh.child.sendline(f"cd {shlex.quote(str(tmp_path / 'dev'))}")
    sh.child.expect("[Pp]assword")
    sh.child.sendintr()
    sh.child.expect("interrupted")
    assert sh.run("true") == ""
    assert "OLENV_PROFILE" not in sh.environ()
    assert sh.cd("sub") == ""
    sh.close()


@pytest.mark.parametrize("kind", ["bash", "zsh"])
def test_rc_file_export_without_a_terminal_says_one_line_and_carries_on(world, tmp_path, kind):
    world.pop("OLENV_PASSWORD")
    line = f'eval "$({" ".join(map(shlex.quote, OLENV))} export --profile dev)"; echo carried-on'
    done = subprocess.run([require(kind), "-c", line], env=world, capture_output=True, text=True,
                          timeout=60, start_new_session=True, stdin=subprocess.DEVNULL)
    assert (done.returncode, done.stdout) == (0, "carried-on\n")
    assert len(done.stderr.splitlines()) == 1 and done.stderr.startswith("olenv: ")


# --- the hook never fails and never exits the shell -------------------------------------

STRICT = {"bash": "set -euo pipefail", "zsh": "setopt err_exit nounset pipefail"}
REFUSED = "olenv: OneLogin refused the sign-in"
FAILING = [("bash", ""), ("bash", STRICT["bash"]), ("zsh", ""), ("zsh", STRICT["zsh"]), ("fish", "")]


def setting(kind: str, name: str, value: str | None) -> str:
    """The line that sets a global shell variable (exported, for a NAME in capitals)."""
    export = name.isupper()
    if kind == "fish":
        return f"set -e{'g' if value is None else ''} {name}" if value is None else \
            f"set -g{'x' if export else ''} {name} {shlex.quote(value)}"
    if value is None:
        return f"unset {name}"
    return f"{'export ' if export else ''}{name}={shlex.quote(value)}"


def alive(sh) -> bool:
    return "still-here" in sh.run("echo still-here").splitlines()


@pytest.mark.parametrize("kind, strict", FAILING)
def test_no_failure_of_olenv_fails_the_hook_or_exits_the_shell(shell, world, tmp_path, onelogin,
                                                                kind, strict):
    fresh = tmp_path / "cloned"
    fresh.mkdir()
    (fresh / ".olenv").write_text("profile: dev\n")
    sh = shell(kind, pre=strict)
    dev, home = shlex.quote(str(tmp_path / "dev")), shlex.quote(str(tmp_path))

    # Not allowed: the notice, and nothing else.
    assert "is not allowed yet" in sh.cd(fresh) and alive(sh)

    # Sign-in refused: a wrong password.
    sh.run(setting(kind, "OLENV_PASSWORD", "wrong"))
    said = sh.cd(tmp_path / "dev")
    assert REFUSED in said and "dev (" not in said and alive(sh), said
    assert sh.value("OLENV_PROFILE") is None
    sh.cd(tmp_path)

    # OneLogin down: nothing listens there.
    sh.run(setting(kind, "OLENV_ONELOGIN_URL", "http://127.0.0.1:9"))
    sh.run(setting(kind, "OLENV_PASSWORD", "pw"))
    said = sh.cd(tmp_path / "dev")
    assert "cannot reach OneLogin" in said and alive(sh), said
    sh.run(setting(kind, "OLENV_ONELOGIN_URL", onelogin.url))
    sh.cd(tmp_path)

    # Ctrl-C at the password prompt.
    sh.run(setting(kind, "OLENV_PASSWORD", None))
    sh.child.sendline(f"cd {dev}")
    sh.child.expect("[Pp]assword")
    sh.child.sendintr()
    sh.child.expect("interrupted")
    sh.child.expect_exact(PROMPT)
    assert alive(sh) and sh.value("OLENV_PROFILE") is None
    sh.cd(tmp_path)

    # olenv gone from where the hook ran it.
    sh.run(setting(kind, "_olenv_bin", "/nowhere/olenv"))
    said = sh.cd(tmp_path / "dev")
    assert said == ("olenv: the prompt hook cannot run /nowhere/olenv: not found (reinstall "
                    f"olenv, or take {HOOK_LINE[kind]} out of {RC_FILE[kind]})"), said
    assert alive(sh)
    sh.run(setting(kind, "_olenv_bin", OLENV[0]))
    sh.cd(tmp_path)

    # And then it works, and a renewal that fails keeps the credentials it has.
    sh.run(setting(kind, "OLENV_PASSWORD", "pw"))
    assert "olenv: dev (" in sh.cd(tmp_path / "dev")
    held = sh.value("AWS_ACCESS_KEY_ID")
    sh.run(setting(kind, "OLENV_PASSWORD", "wrong"))
    said = sh.run("set -g _olenv_renew 1; set -g _olenv_next 0" if kind == "fish" else "_olenv_renew=1")
    assert REFUSED in said and alive(sh), said
    assert sh.value("AWS_ACCESS_KEY_ID") == held and sh.value("OLENV_PROFILE") == "dev"

    # The last minute: zero minutes left is no failure either.
    if kind == "fish":
        sh.run("set -g _olenv_expires (math (_olenv_now) + 30); set -g _olenv_renew "
               "(math (_olenv_now) + 3000); set -g _olenv_next 0")
    else:
        sh.run("_olenv_expires=$((EPOCHSECONDS + 30)) _olenv_renew=$((EPOCHSECONDS + 3000))")
    assert alive(sh) and sh.value("OLENV_MINUTES_LEFT") == "0"
    sh.run(f"cd {home}")
    assert alive(sh) and sh.value("OLENV_PROFILE") is None
    sh.close()


HOOK_LINE = {"bash": 'eval "$(olenv hook bash)"', "zsh": 'eval "$(olenv hook zsh)"',
             "fish": "olenv hook fish | source"}
RC_FILE = {"bash": "~/.bashrc", "zsh": "~/.zshrc", "fish": "config.fish"}


@pytest.mark.parametrize("kind, strict", [("bash", STRICT["bash"]), ("zsh", STRICT["zsh"]),
                                          ("bash", ""), ("zsh", "")])
def test_a_failed_status_at_the_prompt_survives_errexit_and_reaches_the_prompt(shell, tmp_path,
                                                                               kind, strict):
    # `false && true` fails without exiting an errexit shell; the hook must not turn that
    # status into an exit, and must hand it on to the prompt commands after it.
    after = {"bash": "PROMPT_COMMAND=\"${PROMPT_COMMAND};echo \\\"after=[\\$?]\\\"\"",
             "zsh": "precmd_functions+=(_t_after); _t_after() { echo \"after=[$?]\" }"}[kind]
    sh = shell(kind, pre=strict)
    sh.run(after)
    assert "olenv: dev (" in sh.cd(tmp_path / "dev")
    sh.child.sendline("false && true")
    sh.child.expect(r"after=\[(\d+)\]")
    assert sh.child.match.group(1) == "1"
    sh.child.expect_exact(PROMPT)
    assert alive(sh)
    sh.close()


# --- an allow or deny made anywhere -------------------------------------------------------

@pytest.mark.parametrize("kind", SHELLS)
def test_an_allow_or_deny_from_another_terminal_counts_at_the_next_prompt(shell, world, tmp_path,
                                                                          home, kind):
    fresh = tmp_path / "cloned"
    fresh.mkdir()
    (fresh / ".olenv").write_text("profile: dev\n")
    sh = shell(kind)
    assert "is not allowed yet" in sh.cd(fresh)
    assert sh.run("true") == ""
    # Another process, by the full path: no shell function of the hook's sees it.
    assert run_olenv(["allow", str(fresh)], world).returncode == 0
    said = sh.run("true")
    assert "olenv: dev (" in said and sh.value("OLENV_PROFILE") == "dev", said
    assert sh.run("true") == ""  # once: the prompt after it has nothing to do
    assert run_olenv(["deny", str(fresh)], world).returncode == 0
    said = sh.run("true")
    assert f"{fresh}/.olenv is denied" in said and sh.value("OLENV_PROFILE") is None, said
    assert sh.run("true") == ""
    # Typed in this shell, by the full path, it counts at once too.
    said = sh.run(f"{shlex.quote(OLENV[0])} allow")
    assert "olenv: dev (" in said and sh.value("OLENV_PROFILE") == "dev", said
    sh.close()


def test_every_allow_and_deny_rewrites_the_stamp(world, tmp_path, home):
    stamp = home / ".local" / "share" / "olenv" / "allow.stamp"
    seen = {stamp.read_text()}  # the world fixture allowed two trees
    for verdict in ("allow", "deny", "allow", "allow"):
        assert run_olenv([verdict, str(tmp_path / "dev")], world).returncode == 0
        seen.add(stamp.read_text())
    assert len(seen) == 5 and oct(stamp.stat().st_mode & 0o777) == "0o600"
    # The hook reads the same path olenv writes.
    assert run_olenv(["hook", "bash"], world).stdout.splitlines()[2] == f"_olenv_stamp={stamp}"


# --- inherited hook state -----------------------------------------------------------------

# Every name the hooks keep or read, and more of the kind.
STATE = ["_olenv_pwd", "_olenv_file", "_olenv_found", "_olenv_gen", "_olenv_active", "_olenv_saved",
         "_olenv_expires", "_olenv_renew", "_olenv_next", "_olenv_base", "_olenv_ok", "_olenv_bin",
         "_olenv_stamp", "_olenv_vars", "_olenv_reset", "_olenv_name", "_olenv_old_AWS_REGION",
         "_olenv_old_HOME", "_olenv_old_PATH", "OLENV_MINUTES_LEFT"]


NUMBERS = {"_olenv_expires", "_olenv_renew", "_olenv_next", "_olenv_base", "_olenv_ok",
           "_olenv_reset", "OLENV_MINUTES_LEFT"}


def hostile(tmp_path, kind):
    """Each state variable set, in the environment, to code that would leave a file behind."""
    marks = iter(range(1000))

    def code(name):
        mark = tmp_path / f"pwned-{next(marks)}"
        if name in NUMBERS:  # what arithmetic would run (the reproduced attack)
            return f"a[$(touch {mark})]"
        forms = [f"$(touch {mark})", f"`touch {mark}`", f"(touch {mark})", f"x; touch {mark}"]
        return forms[int(mark.name.split("-")[1]) % len(forms)]

    values = {name: code(name) for name in STATE}
    # And state that would make the hook restore someone else's values on leaving a tree.
    values |= {"_olenv_active": "1", "_olenv_saved": "xHOME xPATH", "_olenv_old_HOME": "/evil",
               "_olenv_old_PATH": "/evil", "_olenv_pwd": str(tmp_path / "dev"),
               "_olenv_file": str(tmp_path / "dev" / ".olenv")}
    if kind == "bash":  # an exported function of the hook's name
        values["BASH_FUNC__olenv_find%%"] = f"() {{ touch {tmp_path}/pwned-func; }}"
    # The user's own values of managed names, which leaving must give back exactly.
    values |= {"OLENV_PROFILE": f"$(touch {tmp_path}/pwned-p) a[$(touch {tmp_path}/pwned-q)]",
               "AWS_REGION": "mine"}
    return values


@pytest.mark.parametrize("kind", SHELLS)
def test_inherited_hook_state_is_never_run_nor_kept(world, tmp_path, kind):
    env = {**world, **hostile(tmp_path, kind)}
    sh = Shell(kind, env, tmp_path)
    ran = lambda: sorted(path.name for path in tmp_path.glob("pwned*"))  # noqa: E731
    try:
        sh.run("true")
        assert ran() == []
        assert "_olenv" not in sh.run("env") and "OLENV_MINUTES_LEFT" not in sh.run("env")
        assert "olenv: dev (" in sh.cd(tmp_path / "dev")  # entered afresh, not "already there"
        assert sh.value("OLENV_PROFILE") == "dev" and sh.value("OLENV_MINUTES_LEFT") in ("59", "60")
        sh.run("true")
        assert sh.cd(tmp_path) == ""
        after = sh.environ()
        assert (after["OLENV_PROFILE"], after["AWS_REGION"]) == (env["OLENV_PROFILE"], "mine")
        assert sh.value("HOME") == world["HOME"] and sh.value("PATH").split(":")[0] != "/evil"
        assert "_olenv" not in sh.run("env")
        sh.close()
    finally:
        if sh.child.isalive():
            sh.child.close(force=True)
    assert ran() == []


@pytest.mark.parametrize("kind, strict", FAILING)
def test_loading_the_hook_again_keeps_this_shells_own_state(shell, world, tmp_path, kind, strict):
    # A re-read rc file: the hook is added once, and the state it holds is its own, kept.
    sh = shell(kind, pre=strict)
    sh.run("set -gx AWS_REGION mine" if kind == "fish" else "export AWS_REGION=mine")
    assert "olenv: dev (" in sh.cd(tmp_path / "dev")
    held = sh.value("AWS_ACCESS_KEY_ID")
    again = f"{OLENV_LINE} hook fish | source" if kind == "fish" else HOOK_LINE[kind].replace(
        "olenv", OLENV_LINE, 1)
    assert sh.run(again) == "" and sh.run(again) == ""
    assert sh.run("true") == "" and sh.value("AWS_ACCESS_KEY_ID") == held
    hooks = {"bash": "printf '<%s>' \"${PROMPT_COMMAND[*]}\"",
             "zsh": "printf '<%s>' \"$precmd_functions $chpwd_functions\"",
             "fish": "functions --handlers-type variable | string match -q '*_olenv_hook*'; "
                     "and echo '<_olenv_hook>'"}[kind]
    assert re.search(r"<(.*)>", sh.run(hooks)).group(1).count("_olenv_hook") == (
        2 if kind == "zsh" else 1)
    assert sh.cd(tmp_path) == "" and sh.value("AWS_REGION") == "mine"
    sh.close()


@pytest.mark.parametrize("kind", SHELLS)
def test_an_allow_elsewhere_that_changes_nothing_here_costs_nothing(shell, world, tmp_path,
                                                                    onelogin, kind):
    other = tmp_path / "other"
    other.mkdir()
    (other / ".olenv").write_text("profile: prod\n")
    fresh = tmp_path / "cloned"
    fresh.mkdir()
    (fresh / ".olenv").write_text("profile: dev\n")
    sh = shell(kind)
    assert "olenv: dev (" in sh.cd(tmp_path / "dev")
    signed_in = onelogin.count("saml_assertion")
    held = sh.value("AWS_ACCESS_KEY_ID")
    for verdict in ("allow", "deny"):
        assert run_olenv([verdict, str(other)], world).returncode == 0
        assert sh.run("true") == ""  # the .olenv here stands: no new sign-in, no word
    assert onelogin.count("saml_assertion") == signed_in and sh.value("AWS_ACCESS_KEY_ID") == held
    # Nor is the notice of a file not allowed said again.
    assert "is not allowed yet" in sh.cd(fresh)
    assert run_olenv(["allow", str(other)], world).returncode == 0
    assert sh.run("true") == ""
    sh.close()


def test_hook_check_answers_by_status_alone(world, tmp_path):
    dev = tmp_path / "dev" / ".olenv"
    check = lambda path: run_olenv(["hook", f"--check={path}"], world)  # noqa: E731
    done = check(dev)
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
    dev.write_text("profile: prod\n")  # edited: no longer the file allowed
    assert (check(dev).returncode, check(dev).stdout, check(dev).stderr) == (1, "", "")
    assert check(tmp_path / "nowhere" / ".olenv").returncode == 1
    assert run_olenv(["deny", str(tmp_path / "prod")], world).returncode == 0
    assert check(tmp_path / "prod" / ".olenv").returncode == 1
