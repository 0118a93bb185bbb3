"""Text made safe to show a person: the one helper every display path uses.

Names, values, paths and server messages can come from a cloned repository, a
directory name or a hostile reply. Sent raw to a terminal, an ESC starts a
control sequence: OSC 52 writes the clipboard, others move the cursor, retitle
the window or hide what follows. A newline forges a second `olenv:` line.

safe() escapes every character that is not printable (C0, DEL, C1, the
Unicode format and separator characters such as bidi overrides), so what is
left is plain text and the escapes show what was there. Printable text,
accents and other scripts included, is kept as it is. Stdlib only: the fast
path may import it.
"""

_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r", "\x1b": "\\e"}


def _escape(ch: str) -> str:
    code = ord(ch)
    if ch in _NAMED:
        return _NAMED[ch]
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def safe(text) -> str:
    """`text` (anything: str() is taken) with every non-printable character escaped."""
    text = str(text)
    if text.isprintable():  # the common case: nothing to do
        return text
    return "".join(ch if ch.isprintable() else _escape(ch) for ch in text)
