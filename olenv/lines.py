"""Values bound for a file olenv writes: each must stay on its one line.

A line break in a value written to ~/.aws/credentials starts a line of its own
choosing: `x\\n[prod]\\ncredential_process = sh -c ...` in a hostile STS reply
would add a profile that botocore runs. Every control character is refused, not
just CR and LF (NUL, ESC, and the Unicode line and paragraph separators too).
"""

import unicodedata

from olenv.errors import OlenvError


def unsafe(value: str) -> str | None:
    """The first character that cannot be written on one line, as a code like U+000A."""
    for char in value:
        if unicodedata.category(char) in ("Cc", "Zl", "Zp"):
            return f"U+{ord(char):04X}"
    return None


def check(what: str, value: str, target) -> None:
    """Refuse `value` (never shown: it may be a secret) with one line naming `what`."""
    found = unsafe(value)
    if found:
        raise OlenvError(f"{what} holds a line break or control character ({found}): "
                         f"{target} left as it was")
