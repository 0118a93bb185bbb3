"""POSIX sh (dash, ksh, mksh, ash): single quotes, the only quoting every sh has."""

from olenv.shells.base import BARE, Shell


class Posix(Shell):
    name = "sh"
    set_format = "export {name}={value};"
    unset_format = "unset -v {name};"

    def _quote(self, value: str) -> str:
        if value and BARE.issuperset(value):
            return value
        # Nothing is special inside single quotes, newlines included (the statement then
        # spans lines); a single quote itself is closed, escaped and reopened.
        return "'" + value.replace("'", "'\\''") + "'"
