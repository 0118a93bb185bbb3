"""What the command line selects, checked against the settings before any sign-in:
a profile must be one that onelogin.aws.json defines, and an account may be named.
The fast path imports it for its notices: stdlib-light.
"""

from olenv.errors import UsageError


def profiles(settings) -> dict:
    """The profiles section of the onelogin.aws.json in use ({} without one)."""
    from olenv.settings import read_json

    path = settings.files.get("aws")
    found = read_json(path).get("profiles") if path else None
    return found if isinstance(found, dict) else {}


def shown(text) -> str:
    """A name from a file, as a person may see it: control characters escaped."""
    text = str(text)
    return text if text.isprintable() else repr(text)


def remembered(profile, account, role) -> str:
    """The notice of a session whose role a person picked from the menu earlier: never
    reused silently (the fast path says the same)."""
    return (f"olenv: {who(profile, account, role)}, picked from the role menu earlier; "
            "--pick shows the menu again")


def who(profile, account, role) -> str:
    """`dev (111111111111/Admin)`, from values a parent process may have set."""
    pair = f" ({shown(account)}/{shown(role)})" if account and role else ""
    return shown(profile) + pair


def _known(names, wanted: str) -> str:
    import difflib

    close = difflib.get_close_matches(wanted, list(names), 1, 0.5)
    return (f" (did you mean {shown(close[0])}?)" if close else "") + \
        f"; known profiles: {', '.join(map(shown, sorted(names)))}"


def unknown_profile(settings, name: str) -> str | None:
    """Why `name` is no profile of the settings, or None when it is one (or the settings
    define none, as onelogin-aws-assume-role allowed)."""
    defined = profiles(settings)
    if not defined or name in defined:
        return None
    return f"no profile {name!r} in {shown(settings.files['aws'])}{_known(defined, name)}"


def check_profile(settings, origin: str | None = None) -> None:
    """Stop before any sign-in when the profile asked for is not defined.

    origin: where the name came from when not from -p (a .olenv file)."""
    if not settings.profile or settings.sources.get("profile") != "command line":
        return
    problem = unknown_profile(settings, settings.profile)
    if problem:
        raise UsageError(f"{origin}: {problem}" if origin else problem)


def looks_like_account_id(value: str) -> bool:
    value = value.strip()
    return value.isascii() and value.isdigit() and len(value) <= 12


def account_named(settings, name: str) -> str:
    """The account id a friendly name stands for: an accounts.yaml name or a profile's
    name whose section picks an account, without regard to case."""
    wanted = name.strip().casefold()
    found: dict[str, list[str]] = {}
    for account, alias in settings.aliases.items():
        if str(alias).casefold() == wanted:
            found.setdefault(account, []).append(f"{alias} in accounts.yaml")
    for profile, section in profiles(settings).items():
        account = isinstance(section, dict) and section.get("aws_account_id")
        if str(profile).casefold() == wanted and account:
            found.setdefault(str(account), []).append(f"profile {profile}")
    if len(found) == 1:
        return next(iter(found))
    if found:
        listed = "; ".join(f"{shown(account)} ({shown(', '.join(why))})" for account, why in sorted(found.items()))
        raise UsageError(f"--aws-account-id {name!r} names more than one account: {listed}; "
                         "pass the 12-digit id")
    import difflib

    names = sorted({*map(str, settings.aliases.values()),
                    *(p for p, s in profiles(settings).items()
                      if isinstance(s, dict) and s.get("aws_account_id"))})
    close = difflib.get_close_matches(name, names, 1, 0.5)
    hint = f" (did you mean {shown(close[0])}?)" if close else ""
    known = f"; known names: {', '.join(map(shown, names))}" if names else \
        " (accounts.yaml names none)"
    raise UsageError(f"--aws-account-id {name!r} is not an AWS account id (12 digits), nor "
                     f"a friendly name{hint}{known}")
