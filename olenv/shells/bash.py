"""bash: ANSI-C quoting, so that every statement fits on one line."""

from olenv.shells.base import BARE, Shell

# Inside $'...' a backslash starts an escape and a single quote ends the word; control
# characters become \xHH so that no newline or terminal control byte is written raw.
_ESCAPES = {code: f"\\x{code:02x}" for code in (*range(0x20), 0x7F)}
_ESCAPES |= {ord("\\"): "\\\\", ord("'"): "\\'"}


class Bash(Shell):
    name = "bash"
    # The trailing `;` keeps the output usable even through an unquoted `eval $(...)`.
    set_format = "export {name}={value};"
    # -v: without it, bash removes a function of that name when no such variable exists.
    unset_format = "unset -v {name};"
    # Unexported, whatever the environment held under these names.
    hook_prelude = ("unset -v _olenv_bin _olenv_stamp _olenv_vars\n"
                    "_olenv_bin={program}\n_olenv_stamp={stamp}\n_olenv_vars=({names})\n")

    def _quote(self, value: str) -> str:
        if value and BARE.issuperset(value):
            return value
        return "$'" + value.translate(_ESCAPES) + "'"
