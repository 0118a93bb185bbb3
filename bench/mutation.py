"""Mutation testing of the modules that carry a defence: break the code on purpose,
one change at a time, and check that some test fails.

    .venv/bin/python bench/mutation.py                 # every module in DEFENCES
    .venv/bin/python bench/mutation.py olenv/atomic.py # one module
    .venv/bin/python bench/mutation.py --changed main  # the defence modules changed since main

mutmut (3.x) makes the mutants: each function of a module is rewritten into a
trampoline that runs the original or one mutant, chosen by MUTANT_UNDER_TEST.
mutmut's own runner cannot serve olenv's suite, because most tests run the real
`olenv` command (and its agent) as child processes, where mutmut neither sees
which functions ran nor switches mutants. So this driver puts the mutated copy of
the package first on PYTHONPATH, and a sitecustomize there hands every Python
process (the olenv command, the agent it starts, the test runner) the mutant under
test from a file, since the agent does not inherit the environment. Each mutant
then runs the tests that cover its module; a mutant is killed when they fail.

Mutants known to be equivalent (no test can tell them from the original) are listed
with the reason in bench/mutation-equivalent.txt and reported apart.
"""

import argparse
import ast
import difflib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EQUIVALENT = Path(__file__).with_name("mutation-equivalent.txt")

# Each module that carries a defence, with the tests that cover it.
DEFENCES = {
    "olenv/atomic.py": ["tests/test_awsfile.py", "tests/test_atomic.py"],
    "olenv/handover/awsfile.py": ["tests/test_awsfile.py"],
    "olenv/handover/exec.py": ["tests/test_child_env.py", "tests/test_handover.py"],
    "olenv/handover/export.py": ["tests/test_handover.py", "tests/test_shells.py"],
    "olenv/trust.py": ["tests/test_trust.py", "tests/test_settings_trust.py"],
    "olenv/allowdirs.py": ["tests/test_trust.py"],
    "olenv/password.py": ["tests/test_password.py"],
    "olenv/text.py": ["tests/test_text.py"],
    "olenv/dotolenv.py": ["tests/test_trust.py", "tests/test_hostile_settings.py"],
    "olenv/agent/socketdir.py": ["tests/test_agent_socket.py"],
    "olenv/agent/protocol.py": ["tests/test_agent.py", "tests/test_agent_socket.py"],
    "olenv/agent/keys.py": ["tests/test_agent_keys.py", "tests/test_agent.py"],
    "olenv/agent/server.py": ["tests/test_agent.py", "tests/test_agent_socket.py"],
    "olenv/shells/base.py": ["tests/test_shells.py", "tests/test_hostile_quoting.py"],
    "olenv/shells/posix.py": ["tests/test_shells.py", "tests/test_hostile_quoting.py"],
    "olenv/shells/bash.py": ["tests/test_shells.py", "tests/test_hostile_quoting.py"],
    "olenv/shells/zsh.py": ["tests/test_shells.py", "tests/test_hostile_quoting.py"],
    "olenv/shells/fish.py": ["tests/test_shells.py", "tests/test_hostile_quoting.py"],
    "olenv/shells/processes.py": ["tests/test_shells.py"],
    "olenv/server/ecs.py": ["tests/test_exec_server.py"],
    "olenv/server/child.py": ["tests/test_child_env.py", "tests/test_exec_server.py"],
    "olenv/sts.py": ["tests/test_sts.py"],
    "olenv/lines.py": ["tests/test_awsfile.py", "tests/test_profiles.py"],
    "olenv/saml.py": ["tests/test_saml.py", "tests/test_saml_fuzz.py", "tests/test_hostile_saml.py"],
    "olenv/settings.py": ["tests/test_settings.py", "tests/test_settings_trust.py",
                          "tests/test_loopback.py", "tests/test_hostile_settings.py"],
    "olenv/onelogin/client.py": ["tests/test_onelogin_retries.py", "tests/test_onelogin.py",
                                 "tests/test_proxy.py", "tests/test_hostile_network.py"],
    "olenv/onelogin/replies.py": ["tests/test_onelogin_errors.py", "tests/test_onelogin.py"],
    "olenv/onelogin/proxy.py": ["tests/test_proxy.py"],
    "olenv/onelogin/mfa/push.py": ["tests/test_mfa_factors.py", "tests/test_onelogin.py"],
    "olenv/onelogin/mfa/otp.py": ["tests/test_mfa_factors.py", "tests/test_onelogin.py"],
    "olenv/onelogin/mfa/triggered.py": ["tests/test_mfa_factors.py", "tests/test_onelogin.py"],
    "olenv/tcpowner.py": ["tests/test_tcpowner.py", "tests/test_console.py"],
    "olenv/agent/signinlock.py": ["tests/test_signinlock.py"],
    "olenv/server/renewal.py": ["tests/test_exec_server.py"],
}

SITECUSTOMIZE = '''\
# Written by bench/mutation.py: every Python process started from here runs the
# mutant named in the file beside this one.
import os as _os
try:
    with open(_os.path.join(_os.path.dirname(__file__), "mutant-under-test")) as _f:
        _os.environ["MUTANT_UNDER_TEST"] = _f.read().strip()
except OSError:
    pass
'''


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("modules", nargs="*", help="modules to mutate (default: all of DEFENCES)")
    parser.add_argument("--changed", metavar="REV",
                        help="only the defence modules that changed since REV")
    parser.add_argument("--timeout", type=float, default=3.0,
                        help="a mutant's tests may take this many times the clean run (default 3)")
    args = parser.parse_args()
    os.chdir(ROOT)  # mutmut reads its [mutmut] settings from setup.cfg here
    modules = args.modules or list(DEFENCES)
    if args.changed:
        changed = subprocess.run(["git", "diff", "--name-only", args.changed, "--"], cwd=ROOT,
                                 capture_output=True, text=True, check=True).stdout.split()
        modules = [module for module in modules if module in changed]
    unknown = [module for module in modules if module not in DEFENCES]
    if unknown:
        parser.error(f"not a defence module: {', '.join(unknown)} (see DEFENCES)")
    equivalent = load_equivalent()
    rows = []
    for module in modules:
        rows.append(mutate(module, [t for t in DEFENCES[module] if (ROOT / t).exists()],
                           equivalent, args.timeout))
    print("\n| module | mutants | killed | survived | equivalent |\n|---|---|---|---|---|")
    for module, total, killed, survived, same in rows:
        print(f"| {module} | {total} | {killed} | {len(survived)} | {same} |")
    survivors = [name for *_, survived, _ in rows for name in survived]
    return 1 if survivors else 0


def load_equivalent() -> dict[str, str]:
    """mutant name → why no test can tell it from the original."""
    found = {}
    if EQUIVALENT.exists():
        for line in EQUIVALENT.read_text().splitlines():
            name, _, reason = line.partition(" ")
            if name and not name.startswith("#"):
                found[name] = reason.strip()
    return found


def mutate(module: str, tests: list[str], equivalent: dict[str, str], timeout: float):
    from mutmut.mutation.file_mutation import mutate_file_contents

    source = (ROOT / module).read_text()
    mutated = mutate_file_contents(module, source)
    dotted = module.removesuffix(".py").replace("/", ".").removesuffix(".__init__")
    names = [f"{dotted}.{name}" for name in mutated.mutant_names]
    with tempfile.TemporaryDirectory(prefix="olenv-mutants-") as scratch:
        top = Path(scratch)
        shutil.copytree(ROOT / "olenv", top / "olenv",
                        ignore=shutil.ignore_patterns("__pycache__"))
        shutil.copytree(ROOT / "shell", top / "olenv" / "shell")  # where `olenv hook` reads
        (top / module).write_text(mutated.code)
        (top / "sitecustomize.py").write_text(SITECUSTOMIZE)
        active = top / "mutant-under-test"
        env = {**os.environ, "PYTHONPATH": str(top), "PYTHONDONTWRITEBYTECODE": "1"}
        env.pop("CI", None)  # a skip under the driver is not a CI failure

        def run(name: str, limit: float | None) -> tuple[int, float]:
            active.write_text(name)
            start = time.monotonic()
            try:
                result = subprocess.run(
                    [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider",
                     "-p", "no:randomly", *(str(ROOT / t) for t in tests)],
                    cwd=top, env={**env, "MUTANT_UNDER_TEST": name}, timeout=limit,
                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                code = result.returncode
            except subprocess.TimeoutExpired:
                code = -1
            return code, time.monotonic() - start

        code, clean = run("", None)  # no mutant: the tests must pass as they are
        if code != 0:
            raise SystemExit(f"{module}: its tests fail without any mutant (exit {code})")
        print(f"{module}: {len(names)} mutants, tests {clean:.0f} s clean", flush=True)
        killed, survived, same = 0, [], 0
        for name in names:
            code, _ = run(name, clean * timeout + 30)
            if code != 0:
                killed += 1
            elif name in equivalent:
                same += 1
            else:
                survived.append(name)
                print(f"  SURVIVED {name}\n{diff(mutated.code, name)}", flush=True)
    return module, len(names), killed, survived, same


def diff(code: str, name: str) -> str:
    """The mutant against its original, as a unified diff of the one function."""
    function = name.rsplit(".", 1)[1]
    original = function.rsplit("__mutmut_", 1)[0] + "__mutmut_orig"
    sources = {node.name: ast.get_source_segment(code, node)
               for node in ast.walk(ast.parse(code))
               if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
               and node.name in (function, original)}
    before = sources.get(original, "").replace(original, "f").splitlines()
    after = sources.get(function, "").replace(function, "f").splitlines()
    return "\n".join("    " + line for line in difflib.unified_diff(before, after, lineterm="", n=1)
                     if not line.startswith(("---", "+++")))


if __name__ == "__main__":
    sys.exit(main())
