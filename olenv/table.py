"""Tables for people: a header row, aligned columns, and lines that fit the terminal.

Used by `olenv list`, `olenv roles`, `olenv agent status` and the role menu, so they
all look alike. A line too wide for the terminal loses characters from its widest
shrinkable cells (marked with "…"), never whole columns; output that is not a
terminal keeps every character, since a program reads it.
"""

import os
import sys
from collections.abc import Sequence

from olenv.text import safe

GAP = "  "
MIN_WIDTH = 6  # a shrunk column keeps at least this much (or its header)
ELLIPSIS = "…"


def terminal_width(stream=None, env=os.environ) -> int | None:
    """Columns of the terminal `stream` (default stdout) is, else None: no limit.

    COLUMNS, when set to a number, wins (as it does for ls and less).
    """
    columns = env.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    stream = sys.stdout if stream is None else stream
    try:
        if stream.isatty():
            return os.get_terminal_size(stream.fileno()).columns
    except (AttributeError, OSError, ValueError):
        pass
    return None


def tty_width(env=os.environ, path: str = "/dev/tty") -> int | None:
    """Columns of the controlling terminal, where prompts and menus go (else None)."""
    columns = env.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOCTTY)
    except OSError:
        return None
    try:
        return os.get_terminal_size(fd).columns
    except OSError:
        return None
    finally:
        os.close(fd)


def cell(value) -> str:
    """A value as one line of plain text: control characters escaped (olenv.text)."""
    return "" if value is None else safe(value)


def render(header: Sequence[str] | None, rows: Sequence[Sequence], width: int | None = None,
           shrink: Sequence[int] | None = None, indent: str = "") -> list[str]:
    """The lines of a table: the header (unless None), then one line per row.

    width: the most characters a line may take (None: no limit).
    shrink: the columns that may be cut to fit, by index (default: all but the first).
    """
    table = [[cell(value) for value in row] for row in rows]
    if header is not None:
        table.insert(0, [cell(value) for value in header])
    if not table:
        return []
    count = max(map(len, table))
    table = [row + [""] * (count - len(row)) for row in table]
    widths = [max(len(row[i]) for row in table) for i in range(count)]
    if width is not None:
        _fit(widths, [len(value) for value in table[0]] if header is not None else [0] * count,
             width - len(indent) - len(GAP) * (count - 1),
             range(1, count) if shrink is None else shrink)
    return [(indent + GAP.join(_cut(value, w).ljust(w)
                               for value, w in zip(row, widths, strict=True))).rstrip()
            for row in table]


def _fit(widths: list[int], headers: list[int], room: int, shrink) -> None:
    """Take characters from the widest shrinkable column until the columns fit `room`."""
    floors = {i: min(widths[i], max(MIN_WIDTH, headers[i])) for i in shrink if i < len(widths)}
    while sum(widths) > room:
        column = max((i for i in floors if widths[i] > floors[i]), key=lambda i: widths[i],
                     default=None)
        if column is None:
            return  # as narrow as it may get: the terminal wraps the rest
        widths[column] -= 1


def _cut(value: str, width: int) -> str:
    return value if len(value) <= width else value[:max(width - 1, 0)] + ELLIPSIS
