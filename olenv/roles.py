"""Pick the AWS role to assume from those the SAML assertion offers.

A role is taken without asking when the assertion offers only one, or when
--aws-account-id / --aws-role-name single one out; otherwise the person picks
from a menu. Without a terminal olenv fails with the choices instead of waiting.
"""

from collections import Counter
from collections.abc import Mapping, Sequence
from itertools import repeat
from operator import add, attrgetter

from olenv.errors import SamlError, UsageError
from olenv.saml import Role
from olenv.terminal import Terminal
from olenv.text import safe

_SHOWN = 10  # choices named in a one-line error before "and N more"

_ACCOUNT, _ARN, _NAME = attrgetter("account_id"), attrgetter("arn"), attrgetter("name")
_ORDERS = {  # sort keys built in C: a menu may sort 20,000 roles
    "account": attrgetter("account_id", "name", "arn", "provider_arn"),
    "role": attrgetter("name", "account_id", "arn", "provider_arn"),
}


def choose(roles: Sequence[Role], terminal: Terminal, *, account_id: str | None = None,
           role_name: str | None = None, order: str = "account",
           aliases: Mapping[str, str] | None = None, profiles=None) -> Role:
    """The role to assume; UsageError when the request cannot be met or needs a terminal."""
    if not roles:
        raise SamlError(
            "the SAML assertion carries no AWS role: ask your OneLogin admin to assign one")
    candidates = [role for role in roles
                  if account_id in (None, role.account_id) and role_name in (None, role.name)]
    if not candidates:
        # Even a lone role is refused: credentials for another account than asked are a trap.
        raise UsageError(f"{_wanted(account_id, role_name)}; available: {_listing(roles)}")
    if len(candidates) == 1:
        return candidates[0]
    if not terminal.interactive:
        raise UsageError(
            f"{len(candidates)} AWS roles fit and there is no terminal to choose one "
            f"({_listing(candidates)}): pass --aws-account-id and --aws-role-name")
    if order not in _ORDERS:
        raise UsageError(f"unknown role order {order!r}: use account or role")
    from olenv import menu

    # profiles: (account id, role name) → profile names, or a callable giving that.
    return menu.pick(candidates, terminal, order, aliases, profiles)


def menu_rows(roles: Sequence[Role], order: str = "account",
              aliases: Mapping[str, str] | None = None) -> list[tuple[Role, str]]:
    """Roles sorted by (account, role) or (role, account), each with an aligned label."""
    if order not in _ORDERS:
        raise UsageError(f"unknown role order {order!r}: use account or role")
    ordered = sorted(roles, key=_ORDERS[order])
    aliases = aliases or {}
    # Built with C-level maps, per account where it can: a menu may hold 20,000 roles.
    accounts = {account: account + (f" ({safe(aliases[account])})" if aliases.get(account) else "")
                for account in dict.fromkeys(map(_ACCOUNT, ordered))}
    # The same role offered through two SAML providers needs the provider to tell apart.
    shared = {arn for arn, count in Counter(map(_ARN, ordered)).items() if count > 1}
    names = [safe(role.name) + (f"  (via {safe(role.provider_arn.rsplit('/', 1)[1])})"
                                if role.arn in shared else "") for role in ordered] \
        if shared else list(map(safe, map(_NAME, ordered)))
    account_width = max(map(len, accounts.values()), default=0)
    name_width = max(map(len, names), default=0)
    if order == "role":
        after = {account: "  " + label for account, label in accounts.items()}
        labels = map(add, map(str.ljust, names, repeat(name_width)),
                     map(after.__getitem__, map(_ACCOUNT, ordered)))
    else:
        before = {account: label.ljust(account_width) + "  "
                  for account, label in accounts.items()}
        labels = map(add, map(before.__getitem__, map(_ACCOUNT, ordered)), names)
    return list(zip(ordered, map(str.rstrip, labels), strict=True))


def _wanted(account_id: str | None, role_name: str | None) -> str:
    if account_id is not None and role_name is not None:
        return f"no role {role_name} in account {account_id}"
    if account_id is not None:
        return f"no role in account {account_id}"
    return f"no role named {role_name}"


def _listing(roles: Sequence[Role]) -> str:
    """`account/role` for each role, sorted, cut after a few so the error stays one line."""
    names = list(dict.fromkeys(f"{role.account_id}/{role.name}"
                               for role in sorted(roles, key=_ORDERS["account"])))
    more = len(names) - _SHOWN
    return ", ".join(names[:_SHOWN]) + (f" and {more} more" if more > 0 else "")
