"""Cost of one prompt: olenv's hook against direnv's, in bash, zsh and fish, in the same run.

    .venv/bin/python bench/hooks.py [--prompts N] [--runs R]

Each shell runs its hook N times in a loop, as its prompt would (bash and zsh call
the hook function, fish emits fish_prompt); the same loop with an empty hook is
subtracted, and the median of R runs is kept. The hook texts are generated
before timing, so no olenv or direnv start-up is counted. olenv is timed:
- outside any tree (nothing changed);
- inside a tree with credentials held (the state a switch leaves, set directly:
  a prompt then only compares $PWD and checks the expiry);
- changing directory inside that tree at every prompt (the walk up, no process);
direnv in a directory with nothing to load (Debian's direnv package).
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent
OLENV = str(BIN / "olenv") if (BIN / "olenv").exists() else "olenv"

# Per shell: how to load a hook file, the loop around one prompt, and what a prompt runs.
# bash and zsh share the loop syntax and the hook's variables.
POSIX = {
    "load": 'source "{file}"',
    "loop": "for ((i = 0; i < {n}; i++)); do {body}; done",
    "olenv": "_olenv_hook", "direnv": "_direnv_hook", "empty": ":",
    "held": "_olenv_pwd=$PWD _olenv_file=$PWD/.olenv _olenv_active=1 "
            "_olenv_expires=$((EPOCHSECONDS + 3600)) _olenv_renew=$((EPOCHSECONDS + 3000))",
}
SHELLS = {
    "bash": {**POSIX, "argv": ["bash", "--norc", "--noprofile"]},
    "zsh": {**POSIX, "argv": ["zsh", "-f"]},
    "fish": {
        "argv": ["fish", "--no-config"],
        "load": 'source "{file}"',
        "loop": "for i in (seq {n}); {body}; end",
        "olenv": "emit fish_prompt", "direnv": "emit fish_prompt", "empty": "true",
        "held": "set -g _olenv_pwd $PWD; set -g _olenv_file $PWD/.olenv; set -g _olenv_active 1; "
                "set -l now (_olenv_now); set -g _olenv_expires (math $now + 3600); "
                "set -g _olenv_renew (math $now + 3000); _olenv_tick $now",
    },
}


def timed(argv, script, env, cwd) -> float:
    start = time.perf_counter()
    done = subprocess.run(argv, input=script, text=True, env=env, cwd=cwd, capture_output=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0 or done.stderr:
        raise SystemExit(f"{argv[0]} failed: {done.stderr[-500:]}")
    return elapsed


def per_prompt(shell, setup, body, n, runs, env, cwd, hook=None) -> float:
    """Microseconds one prompt adds: (loop with the hook - loop without) / n, median of runs.

    `body` may hold {hook}, which the loop without the hook replaces with an empty command."""
    spec = SHELLS[shell]
    with_hook = f"{setup}\n{spec['loop'].format(n=n, body=body.format(hook=hook))}\n"
    without = f"{spec['loop'].format(n=n, body=body.format(hook=spec['empty']))}\n"
    samples = [(timed(spec["argv"], with_hook, env, cwd) - timed(spec["argv"], without, env, cwd))
               / n * 1e6 for _ in range(runs)]
    return max(statistics.median(samples), 0.0)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prompts", type=int, default=2000, help="prompts per olenv run")
    parser.add_argument("--runs", type=int, default=5)
    options = parser.parse_args()
    direnv = shutil.which("direnv")
    if direnv is None:
        raise SystemExit("direnv is not installed (Debian: apt-get install direnv)")

    with tempfile.TemporaryDirectory() as root:
        root = Path(root)
        tree = root / "tree"
        (tree / "a" / "b" / "c").mkdir(parents=True)
        (tree / ".olenv").write_text("profile: dev\n")
        env = {"PATH": os.environ["PATH"], "HOME": str(root), "LC_ALL": "C.UTF-8",
               "XDG_CONFIG_HOME": str(root / "config"), "XDG_DATA_HOME": str(root / "data")}
        rows = []
        for shell, spec in SHELLS.items():
            if shutil.which(spec["argv"][0]) is None:
                print(f"{shell}: not installed, skipped", file=sys.stderr)
                continue
            files = {}
            for name, command in (("olenv", [OLENV, "hook", shell]), ("direnv", [direnv, "hook", shell])):
                files[name] = root / f"{name}.{shell}"
                files[name].write_text(subprocess.run(command, env=env, capture_output=True,
                                                      text=True, check=True).stdout)
            load = {name: spec["load"].format(file=file) for name, file in files.items()}
            n = options.prompts
            ours, runs = spec["olenv"], options.runs
            outside = per_prompt(shell, load["olenv"], "{hook}", n, runs, env, root, ours)
            held = f"{load['olenv']}\n{spec['held']}"
            inside = per_prompt(shell, held, "{hook}", n, runs, env, tree, ours)
            hop = "cd a/b/c; {hook}; cd ../../..; {hook}"  # the cds are in both loops
            moving = per_prompt(shell, held, hop, n // 2, runs, env, tree, ours) / 2
            theirs = per_prompt(shell, load["direnv"], "{hook}", max(n // 20, 20), runs, env,
                                root, spec["direnv"])
            rows.append((shell, outside, inside, moving, theirs))

    print("| shell | olenv, no tree (µs) | olenv, in a tree (µs) | olenv, cd in the tree (µs) "
          "| direnv (µs) | direnv / olenv in a tree |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for shell, outside, inside, moving, theirs in rows:
        ratio = f"{theirs / inside:.0f}×" if inside else "∞"
        print(f"| {shell} | {outside:.1f} | {inside:.1f} | {moving:.1f} | {theirs:.0f} | {ratio} |")


if __name__ == "__main__":
    main()
