"""The role menu: a numbered table of roles with the account's friendly name and the
profiles that take each role, which typing text narrows.

An answer is a number from the list shown, or text (more digits than the list's
numbers have count as text: a part of an account id): the roles whose account id,
friendly name, role name or profile names contain it (any case) are listed
instead, and a single match is taken once the person confirms it. An empty
answer shows every role again.
"""

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from olenv import table
from olenv.saml import Role
from olenv.terminal import Terminal

HEADER = ("ACCOUNT", "ROLE", "PROFILES")

Profiles = Mapping[tuple[str, str], Sequence[str]]


@dataclass(frozen=True)
class Entry:
    role: Role
    account: str  # the id, with the friendly name in brackets when there is one
    name: str  # the role name, with its SAML provider when two providers offer it
    profiles: str  # the profile names that take it, comma-separated

    def cells(self, order: str) -> tuple[str, str, str]:
        return ((self.name, self.account, self.profiles) if order == "role"
                else (self.account, self.name, self.profiles))

    def matches(self, text: str) -> bool:
        needle = text.casefold()
        return any(needle in field.casefold()
                   for field in (self.role.account_id, self.account, self.role.name,
                                 self.profiles))


def entries(roles: Sequence[Role], order: str = "account",
            aliases: Mapping[str, str] | None = None,
            profiles: Profiles | None = None) -> list[Entry]:
    """One entry per role, sorted by (account, role) or (role, account)."""
    from olenv.roles import _ORDERS  # the sort keys roles.py builds for thousands of roles

    aliases, profiles = aliases or {}, profiles or {}
    ordered = sorted(roles, key=_ORDERS[order])
    # The same role offered through two SAML providers needs the provider to tell apart.
    shared = {arn for arn, count in Counter(role.arn for role in ordered).items() if count > 1}
    return [Entry(role,
                  role.account_id + (f" ({aliases[role.account_id]})"
                                     if aliases.get(role.account_id) else ""),
                  role.name + (f" (via {role.provider_arn.rsplit('/', 1)[1]})"
                               if role.arn in shared else ""),
                  ", ".join(profiles.get((role.account_id, role.name), ())))
            for role in ordered]


def header(order: str) -> tuple[str, str, str]:
    return ("ROLE", "ACCOUNT", "PROFILES") if order == "role" else HEADER


def pick(roles: Sequence[Role], terminal: Terminal, order: str = "account",
         aliases: Mapping[str, str] | None = None,
         profiles: Profiles | Callable[[], Profiles] | None = None) -> Role:
    """The role the person picks at the terminal."""
    if callable(profiles):
        profiles = profiles()
    every = entries(roles, order, aliases, profiles)
    shown = every
    _show(terminal, "Available AWS roles:", shown, order)
    while True:
        answer = terminal.ask(f"Choose an AWS role [1-{len(shown)}], or type to narrow the "
                              "list: ", "an AWS role")
        # A number as long as the list's numbers picks a row; more digits are text (a part
        # of an account id).
        if answer.isdigit() and len(answer) <= len(str(len(shown))):
            if 1 <= int(answer) <= len(shown):
                return shown[int(answer) - 1].role
            terminal.say(f"Please type a number from 1 to {len(shown)}, or text to look for.")
            continue
        if not answer:
            shown = every
            _show(terminal, "Available AWS roles:", shown, order)
            continue
        found = [entry for entry in shown if entry.matches(answer)]
        shown_answer = table.cell(answer)
        if not found:
            terminal.say(f"No AWS role matches '{shown_answer}'; type other text, a number, "
                         "or nothing to see every role.")
            continue
        if len(found) == 1:
            entry = found[0]
            label = "  ".join(cell for cell in entry.cells(order) if cell)
            confirm = terminal.ask(f"Take {table.cell(label)}? [Y/n] ", "a yes or no")
            if confirm.lower() in ("", "y", "yes"):
                return entry.role
            shown = every
            _show(terminal, "Available AWS roles:", shown, order)
            continue
        shown = found
        _show(terminal, f"AWS roles matching '{shown_answer}':", shown, order)


def _show(terminal: Terminal, title: str, shown: list[Entry], order: str) -> None:
    terminal.say(title)
    width = len(str(len(shown)))
    rows = [(f"{number:>{width}})", *entry.cells(order)) for number, entry in enumerate(shown, 1)]
    heading = ("#".rjust(width + 1), *header(order))
    if not any(entry.profiles for entry in shown):  # no column of nothing
        rows, heading = [row[:3] for row in rows], heading[:3]
    for line in table.render(heading, rows, table.tty_width(), shrink=(1, 2, 3), indent="  "):
        terminal.say(line)
