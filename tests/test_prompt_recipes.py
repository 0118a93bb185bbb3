"""The README's prompt recipes, as printed there, in real interactive bash, zsh and fish:
with the hook and after a plain eval of olenv export, the old prompt keeps its exit
status, and no `[dev m]` ever shows."""

import re
import shlex
from pathlib import Path

import pexpect
import pytest
from conftest import OLENV, require, run_olenv
from fakes.saml import role_value

README = Path(__file__).resolve().parents[1] / "README.md"
OLENV_LINE = " ".join(map(shlex.quote, OLENV))
MARK = "@@P@@ "
# The prompt each recipe wraps: it shows the status it was given.
OLD_PROMPT = {
    "bash": "PS1='st=$? @@P@@ '",
    "zsh": "PS1='st=%? @@P@@ '",
    "fish": "function fish_prompt; printf 'st=%s ps=%s @@P@@ ' $status \"$pipestatus\"; end",
}
HOOK = {"bash": f'eval "$({OLENV_LINE} hook bash)"', "zsh": f'eval "$({OLENV_LINE} hook zsh)"',
        "fish": f"{OLENV_LINE} hook fish | source"}
EXPORT = {"bash": 'eval "$({olenv} export {args})"', "zsh": 'eval "$({olenv} export {args})"',
          "fish": "{olenv} export {args} | source"}


def recipes() -> dict[str, str]:
    """The recipe lines of the README, by shell."""
    text = README.read_text(encoding="utf-8")
    found = {}
    for line in text.splitlines():
        for kind in ("bash", "zsh"):
            if line.endswith(f"# {kind}") and "OLENV_PROFILE" in line:
                found[kind] = line.rsplit("#", 1)[0].strip()
    fish = re.search(r"```fish\n(functions -c fish_prompt _olenv_old_prompt\n.*?)```", text, re.S)
    found["fish"] = fish.group(1)
    assert sorted(found) == ["bash", "fish", "zsh"]
    return found


class Prompted:
    """An interactive shell with the old prompt, maybe the hook, then the README's recipe."""

    def __init__(self, kind, env, tmp, *, hook):
        require(kind)
        rc = tmp / f"rc.{kind}"
        lines = [OLD_PROMPT[kind], HOOK[kind] if hook else "", recipes()[kind]]
        if kind == "fish":
            lines.insert(0, "function fish_greeting; end")
        else:
            lines.insert(0, "PS2=")
        rc.write_text("\n".join(lines) + "\n")
        env = {**env, "TERM": "dumb"}
        argv = {"bash": ["bash", "--noprofile", "--rcfile", str(rc), "-i"], "zsh": ["zsh", "-i"],
                "fish": ["fish", "--no-config", "-i", "-C", f"source {shlex.quote(str(rc))}"]}[kind]
        if kind == "zsh":
            (tmp / ".zshrc").write_text("unsetopt prompt_sp\n" + rc.read_text())
            env["ZDOTDIR"] = str(tmp)
        self.kind, self.count = kind, 0
        self.child = pexpect.spawn(argv[0], argv[1:], env=env, cwd=str(tmp), timeout=60,
                                   encoding="utf-8", dimensions=(50, 500))
        self.child.expect_exact(MARK)

    def prompt_after(self, line: str) -> tuple[str, str]:
        """The olenv part of the prompt drawn after `line`, and the status the old one showed."""
        self.count += 1
        marker = f"__M{self.count}__"
        self.child.sendline(f"echo {marker}; {line}")  # the echo of the line ends in ";"
        self.child.expect_exact(marker + "\r\n")
        self.child.expect(r"([^\r\n]*?)st=(\d+)(?: ps=[\d ]+)? @@P@@ ")
        return self.child.match.group(1).split("\r")[-1].strip(), self.child.match.group(2)

    def close(self):
        self.child.sendline("exit")
        self.child.expect(pexpect.EOF)


@pytest.fixture
def world(onelogin, env, tmp_path):
    onelogin.add_user("alice@example.com", "pw", roles=[role_value("111111111111", "Admin")])
    env["OLENV_PASSWORD"] = "pw"
    (tmp_path / "dev").mkdir()
    (tmp_path / "dev" / ".olenv").write_text("profile: dev\n")
    assert run_olenv(["allow", str(tmp_path / "dev")], env).returncode == 0
    return env


@pytest.mark.parametrize("kind", ["bash", "zsh", "fish"])
def test_the_recipe_with_the_hook(world, tmp_path, kind):
    sh = Prompted(kind, world, tmp_path, hook=True)
    assert sh.prompt_after("false") == ("", "1")  # outside a session: the old prompt alone
    assert sh.prompt_after("true") == ("", "0")
    part, status = sh.prompt_after(f"cd {shlex.quote(str(tmp_path / 'dev'))}; false")
    assert re.fullmatch(r"\[dev (59|60)m\]", part.split("\n")[-1]) and status == "1", part
    assert sh.prompt_after("true")[1] == "0"
    assert sh.prompt_after("sh -c 'exit 3'")[1] == "3"
    assert sh.prompt_after(f"cd {shlex.quote(str(tmp_path))}") == ("", "0")
    sh.close()


@pytest.mark.parametrize("kind", ["bash", "zsh", "fish"])
def test_the_recipe_after_a_plain_export(world, tmp_path, kind):
    sh = Prompted(kind, world, tmp_path, hook=False)
    export = EXPORT[kind].format(olenv=OLENV_LINE, args="--profile dev")
    part, status = sh.prompt_after(f"{export}; false")
    assert part.split("\n")[-1] == "[dev]" and status == "1", part  # never "[dev m]"
    assert sh.prompt_after("true") == ("[dev]", "0")
    unset = EXPORT[kind].format(olenv=OLENV_LINE, args="--unset")
    assert sh.prompt_after(unset) == ("", "0")
    sh.close()


def test_the_fish_recipe_keeps_a_pipelines_statuses(world, tmp_path):
    sh = Prompted("fish", world, tmp_path, hook=True)
    sh.child.sendline("echo __P__; true | false")
    sh.child.expect_exact("__P__\r\n")
    sh.child.expect(r"st=(\d+) ps=([\d ]+) @@P@@ ")
    assert sh.child.match.groups() == ("1", "0 1")
    sh.close()
