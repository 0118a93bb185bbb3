"""fish: single quotes, with control characters written between quoted pieces."""

from olenv.shells.base import Shell

# Inside fish's single quotes only a backslash and a single quote need escaping.
_ESCAPES = {"\\": "\\\\", "'": "\\'"}


class Fish(Shell):
    name = "fish"
    set_format = "set -gx {name} {value};"
    # Global scope only: erasing a universal variable would change every fish the user runs,
    # for good. The `if` keeps the status 0 when the variable was never set.
    unset_format = "if set -qg {name}; set -eg {name}; end;"
    # -u: unexported, whatever the environment held under these names.
    hook_prelude = ("set -gu _olenv_bin {program}\nset -gu _olenv_stamp {stamp}\n"
                    "set -gu _olenv_vars {names}\n")

    def _quote(self, value: str) -> str:
        # fish joins adjacent pieces into one word: 'a'\x0a'b' is "a\nb", on one line.
        pieces, run = [], ""
        for char in value:
            if char < " " or char == "\x7f":
                if run:
                    pieces.append(f"'{run}'")
                    run = ""
                pieces.append(f"\\x{ord(char):02x}")
            else:
                run += _ESCAPES.get(char, char)
        if run or not pieces:
            pieces.append(f"'{run}'")
        return "".join(pieces)
