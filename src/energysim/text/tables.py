"""Text tables that fit the terminal.

* :func:`terminal_width` — columns of the terminal (``shutil.get_terminal_size``; the
  ``COLUMNS`` variable when set; 100 when output goes to a file or pipe);
* :func:`text_width` — display width: CJK characters take two columns;
* :func:`wrapped_table` — rows of cells, the last column wrapped to what is left of the width;
* :func:`year_blocks` — a table with many year columns split into blocks of years, each block
  repeating the label column, so that no line is wider than the terminal.

Only the standard library is imported.
"""

from __future__ import annotations

import os
import shutil
import unicodedata
from collections.abc import Sequence

__all__ = ["terminal_width", "text_width", "pad", "clip", "wrapped_table", "year_blocks", "wrap"]

#: Width used when the output is not a terminal and ``COLUMNS`` is unset.
DEFAULT_WIDTH = 100
#: Never narrower than this (a table needs some room).
MIN_WIDTH = 40


def terminal_width() -> int:
    """Columns available for a line of output."""
    if os.environ.get("COLUMNS", "").isdigit():
        return max(int(os.environ["COLUMNS"]), MIN_WIDTH)
    return max(shutil.get_terminal_size((DEFAULT_WIDTH, 24)).columns, MIN_WIDTH)


def text_width(text: str) -> int:
    """Display width of ``text`` in a terminal (wide and full-width characters count 2)."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in str(text))


def pad(text: str, width: int, align: str = "<") -> str:
    """``text`` padded with spaces to ``width`` display columns (``<`` left, ``>`` right)."""
    fill = " " * max(width - text_width(text), 0)
    return fill + text if align == ">" else text + fill


def clip(text: str, width: int) -> str:
    """``text`` cut to ``width`` display columns, ending in ``…`` when cut."""
    if text_width(text) <= width:
        return text
    out = ""
    for ch in text:
        if text_width(out + ch) > width - 1:
            break
        out += ch
    return out + "…"


def wrap(text: str, width: int) -> list[str]:
    """``text`` broken into lines of at most ``width`` display columns (at spaces when it can,
    anywhere in CJK text)."""
    width = max(width, 8)
    lines: list[str] = []
    line = ""
    for word in str(text).split(" "):
        candidate = f"{line} {word}" if line else word
        if text_width(candidate) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        line = ""
        for ch in word:  # a word (or CJK run) longer than the width: break anywhere
            if text_width(line + ch) > width:
                lines.append(line)
                line = ""
            line += ch
    if line or not lines:
        lines.append(line)
    return lines


def wrapped_table(header: Sequence[str], rows: Sequence[Sequence[str]], *,
                  width: int | None = None, aligns: str | None = None) -> str:
    """Rows of text cells under a header; the last column wraps to fit ``width``.

    Parameters
    ----------
    header : sequence of str
    rows : sequence of sequence of str
    width : int, optional
        Line width (default :func:`terminal_width`).
    aligns : str, optional
        One ``<`` or ``>`` per column but the last (default all ``<``).
    """
    width = terminal_width() if width is None else width
    table = [list(map(str, header)), *[list(map(str, r)) for r in rows]]
    n = len(header)
    widths = [max(text_width(r[i]) for r in table) for i in range(n - 1)]
    aligns = aligns or "<" * (n - 1)
    while sum(widths) + 2 * (n - 2) > width and max(widths[1:] or [0]) > 6:
        j = max(range(1, n - 1), key=lambda i: widths[i])  # shorten the widest (not the key)
        widths[j] -= 1
    table = [[clip(c, widths[i]) if i < n - 1 else c for i, c in enumerate(r)] for r in table]
    indent = sum(widths) + 2 * (n - 1)
    room = width - indent
    if room < 20:  # too many fixed columns: put the last column under the row
        room, indent = width - 4, 4
        under = True
    else:
        under = False
    out = []
    for r in table:
        head = "  ".join(pad(c, w, a) for c, w, a in zip(r[:-1], widths, aligns, strict=True))
        parts = wrap(r[-1], room)
        if under:
            out.append(head.rstrip())
            out.extend(" " * indent + p for p in parts if p)
            continue
        out.append((head + "  " + parts[0]).rstrip())
        out.extend(" " * indent + p for p in parts[1:])
    return "\n".join(out)


def year_blocks(labels: Sequence[str], years: Sequence[str], cells: Sequence[Sequence[str]],
                *, width: int | None = None, footer: str | None = None) -> str:
    """A table of rows × years, split into blocks of years that fit ``width``.

    Parameters
    ----------
    labels : sequence of str
        Row labels (the first column, repeated in every block).
    years : sequence of str
        Column headers.
    cells : sequence of sequence of str
        ``cells[i][j]`` for row ``i`` and year ``j``.
    width : int, optional
        Line width (default :func:`terminal_width`).
    footer : str, optional
        A line after the last block.
    """
    width = terminal_width() if width is None else width
    label_w = max([text_width(x) for x in labels] + [0])
    col_w = [max([text_width(years[j])] + [text_width(r[j]) for r in cells]) + 2
             for j in range(len(years))]
    # labels wider than half the line go on a line of their own above their values
    own_line = label_w + 2 + (min(col_w) if col_w else 0) > width or label_w > width // 2
    lead = 2 if own_line else label_w + 2
    blocks: list[list[int]] = []
    current: list[int] = []
    used = lead
    for j, w in enumerate(col_w):
        if current and used + w > width:
            blocks.append(current)
            current, used = [], lead
        current.append(j)
        used += w
    if current:
        blocks.append(current)
    out: list[str] = []
    for b, block in enumerate(blocks):
        if b:
            out.append("")
        out.append((" " * lead + "".join(pad(years[j], col_w[j], ">") for j in block)).rstrip())
        for label, row in zip(labels, cells, strict=True):
            values = "".join(pad(row[j], col_w[j], ">") for j in block)
            if own_line:
                out.append(label)
                out.append((" " * lead + values).rstrip())
            else:
                out.append((pad(label, lead) + values).rstrip())
    if footer:
        out.append(footer)
    return "\n".join(out)
