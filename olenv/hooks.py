"""The shell sources shipped in shell/ (installed as the package olenv.shell), and the
stamp through which every allow or deny reaches the prompt hooks of every shell."""

import os


def source(name: str) -> str:
    """The text of a hook or completion file, e.g. "olenv.bash" or "completions/_olenv"."""
    import olenv.shell

    with open(os.path.join(os.path.dirname(olenv.shell.__file__), name), encoding="utf-8") as file:
        return file.read()


def stamp() -> str:
    """The file every allow or deny rewrites, beside the allow list (olenv.trust).

    Each prompt reads it with the shell's own `read` (no process) and looks at its tree
    again when it differs from what that shell read last: an allow made in another
    terminal, or by a full path past any shell function, counts at the next prompt. A
    token, not a time, so two changes within one clock tick still differ."""
    from olenv import allowdirs

    return os.path.join(os.path.dirname(allowdirs.data_store()), "allow.stamp")


def changed() -> None:
    """Tell every prompt hook that the allow list changed."""
    from pathlib import Path

    from olenv import atomic

    path = Path(stamp())
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        atomic.replace(path, os.urandom(8).hex().encode() + b"\n")
    except OSError:
        pass  # the allow list itself was written; a shell then sees it when it next moves
