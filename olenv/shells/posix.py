"""POSIX sh (dash, ksh, mksh, ash): single quotes, the only quoting every sh has."""

from olenv.shells.base import BARE, Shell, _checked

# POSIX sh has no $'...' (dash reads it as a literal "$"), so a value holding a control
# character is made by printf's %b, which reads \0ooo octal escapes in its argument: no
# control byte is ever written raw, and every statement stays on one line.
_CONTROL = frozenset(map(chr, (*range(0x20), 0x7F)))
_ESCAPES = {ord(char): f"\\0{ord(char):03o}" for char in _CONTROL} | {ord("\\"): "\\\\"}


class Posix(Shell):
    name = "sh"
    set_format = "export {name}={value};"
    unset_format = "unset -v {name};"

    def set(self, name: str, value: str) -> str:
        if _CONTROL.isdisjoint(value):
            return super().set(name, value)
        name = _checked(name)
        self.quote(value)  # refuses a NUL, which no variable can hold
        # The "_" printed last keeps a final newline from being stripped by $(...); the
        # export strips it again. Only such rare values cost the subshell of a $(...).
        made = self.quote(value.translate(_ESCAPES))
        return f'{name}=$(printf %b_ {made}); export {name}="${{{name}%_}}";'

    def _quote(self, value: str) -> str:
        if value and BARE.issuperset(value):
            return value
        # Nothing is special inside single quotes; a single quote itself is closed,
        # escaped and reopened.
        return "'" + value.replace("'", "'\\''") + "'"
