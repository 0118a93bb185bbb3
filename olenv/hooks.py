"""The shell sources shipped in shell/ (installed as the package olenv.shell)."""

import os


def source(name: str) -> str:
    """The text of a hook or completion file, e.g. "olenv.bash" or "completions/_olenv"."""
    import olenv.shell

    with open(os.path.join(os.path.dirname(olenv.shell.__file__), name), encoding="utf-8") as file:
        return file.read()
