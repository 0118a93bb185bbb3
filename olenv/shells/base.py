"""The interface every shell follows: quote a value, set or unset a variable."""

from collections.abc import Mapping

# Characters no supported shell treats specially anywhere in a word, so a value made only
# of them may stay bare. `=` and `~` are left out: zsh expands them after a `:` in the
# right-hand side of an assignment.
BARE = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_@%+,./:-")


class Shell:
    """Writes statements that export or remove environment variables in one shell."""

    name: str
    set_format: str  # fields {name} and {value} (already quoted)
    unset_format: str  # field {name}

    def quote(self, value: str) -> str:
        """One word that this shell reads back as exactly `value`."""
        if "\0" in value:
            raise ValueError("an environment variable cannot hold a NUL character")
        return self._quote(value)

    def set(self, name: str, value: str) -> str:
        return self.set_format.format(name=_checked(name), value=self.quote(value))

    def unset(self, name: str) -> str:
        return self.unset_format.format(name=_checked(name))

    def export(self, changes: Mapping[str, str | None]) -> str:
        """One statement per line, in order; None unsets the variable."""
        return "".join(
            (self.unset(name) if value is None else self.set(name, value)) + "\n"
            for name, value in changes.items())

    # The prompt hook: this shell's code giving the olenv program, the allow list's stamp
    # (fields {program} and {stamp}, quoted) and the managed names ({names}), then
    # shell/olenv.<name>; empty: no hook.
    hook_prelude = ""

    def hook(self, program: str, names) -> str:
        if not self.hook_prelude:
            from olenv.errors import UsageError

            raise UsageError(f"no prompt hook for {self.name}: choose bash, zsh or fish")
        from olenv.hooks import source, stamp

        prelude = self.hook_prelude.format(program=self.quote(program), stamp=self.quote(stamp()),
                                           names=" ".join(map(_checked, names)))
        return prelude + source(f"olenv.{self.name}")

    def _quote(self, value: str) -> str:
        raise NotImplementedError


def _checked(name: str) -> str:
    # Names reach the output unquoted, so anything but a plain identifier is refused.
    if not (name.isascii() and name.isidentifier()):
        raise ValueError(f"not an environment variable name: {name!r}")
    return name
