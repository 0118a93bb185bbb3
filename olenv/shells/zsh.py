"""zsh: the same statements as bash."""

from olenv.shells.bash import Bash


class Zsh(Bash):
    # zsh reads $'...' with the same escapes as bash, under every option set (`emulate sh`,
    # `setopt nounset`), and `export` there means `typeset -gx`: global even inside a hook.
    name = "zsh"
