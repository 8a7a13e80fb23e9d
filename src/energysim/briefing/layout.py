"""Page layout of the brief: text tables measured in inches and pages as stacks of blocks.

A page is a matplotlib :class:`~matplotlib.figure.Figure` of A4 size (:data:`PAGE_W` ×
:data:`PAGE_H` inches) split into a vertical stack of :class:`Block` s (text drawn on an inches
Axes, charts in sub-figures). Used by the brief (:mod:`energysim.briefing.report`) and its money
page (:mod:`energysim.briefing.money_pages`). matplotlib is imported inside the functions.
"""

from __future__ import annotations

import base64
import html
import io
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from energysim.text.labels import STATUS_TEXT

PAGE_W, PAGE_H = 8.27, 11.69  # A4 [in]
MARGIN = 0.55  # [in]
INK = "#1a1a1a"
MUTED = "#666666"
RULE = "#1f4e79"


def text_width_in(text: str, size: float) -> float:
    """Estimated width of ``text`` at ``size`` pt [in] (CJK 1 em, others ~0.56 em)."""
    em = sum(1.0 if unicodedata.east_asian_width(c) in "WF" else 0.52 for c in text)
    return em * size / 72.0


def wrap_in(text: str, width_in: float, size: float) -> list[str]:
    """Greedy wrap of mixed Chinese/Latin text to ``width_in`` inches."""
    lines: list[str] = []
    for para in str(text).split("\n"):
        line = ""
        for token in _tokens(para):
            if text_width_in(line + token, size) <= width_in or not line:
                line += token
            else:
                lines.append(line.rstrip())
                line = token.lstrip()
            while text_width_in(line.rstrip(), size) > width_in and len(line.rstrip()) > 1:
                cut = _fit(line, width_in, size)  # a word longer than the width: break it
                lines.append(line[:cut])
                line = line[cut:]
        lines.append(line.rstrip())
    return lines or [""]


def _fit(text: str, width_in: float, size: float) -> int:
    """How many leading characters of ``text`` fit in ``width_in`` (at least one)."""
    n = 1
    while n < len(text) and text_width_in(text[: n + 1], size) <= width_in:
        n += 1
    return n


def _tokens(text: str) -> list[str]:
    """Words (with their trailing space) and single CJK characters."""
    out, word = [], ""
    for c in text:
        if unicodedata.east_asian_width(c) in "WF":
            if word:
                out.append(word)
                word = ""
            out.append(c)
        elif c == " ":
            out.append(word + " ")
            word = ""
        else:
            word += c
    if word:
        out.append(word)
    return out


@dataclass
class Col:
    head: str
    width: float  # [in]
    align: str = "left"


@dataclass
class Table:
    """A text table laid out in inches: wrapped cells, row heights."""

    cols: list[Col]
    rows: list[list[Any]]
    size: float = 7.0
    head_size: float = 7.0
    zebra: bool = True

    def line_h(self, size: float | None = None) -> float:
        return (size or self.size) * 1.32 / 72.0

    def _cell_lines(self, cell, col: Col) -> list[str]:
        text = cell[0] if isinstance(cell, tuple) else cell
        pad = 0.16 if isinstance(cell, tuple) else 0.0  # room for a status dot
        return wrap_in(str(text), col.width - 0.08 - pad, self.size)

    def layout(self) -> tuple[list[list[str]], list[list[list[str]]], list[float], float]:
        heads = [wrap_in(c.head, c.width - 0.08, self.head_size) for c in self.cols]
        head_h = max(len(h) for h in heads) * self.line_h(self.head_size) + 0.06
        cells = [[self._cell_lines(cell, col) for cell, col in zip(row, self.cols, strict=True)]
                 for row in self.rows]
        heights = [max(len(c) for c in row) * self.line_h() + 0.045 for row in cells]
        return heads, cells, heights, head_h

    @property
    def height(self) -> float:
        _, _, heights, head_h = self.layout()
        return head_h + sum(heights) + 0.05

    def draw(self, ax, x0: float, y0: float) -> float:
        # lazy: matplotlib (~0.2 s) loads only when drawing
        from matplotlib.patches import Rectangle

        heads, cells, heights, head_h = self.layout()
        total_w = sum(c.width for c in self.cols)
        ax.add_patch(Rectangle((x0, y0), total_w, head_h, facecolor="#e8eef5", lw=0))
        x = x0
        for col, head in zip(self.cols, heads, strict=True):
            tx = x + 0.04 if col.align == "left" else x + col.width - 0.04
            ax.text(tx, y0 + 0.03, "\n".join(head), ha=col.align, va="top",
                    fontsize=self.head_size, color=INK, linespacing=1.15)
            x += col.width
        y = y0 + head_h
        for i, (row, lines, h) in enumerate(zip(self.rows, cells, heights, strict=True)):
            if self.zebra and i % 2 == 1:
                ax.add_patch(Rectangle((x0, y), total_w, h, facecolor="#f5f5f5", lw=0))
            x = x0
            for cell, col, text in zip(row, self.cols, lines, strict=True):
                status = cell[1] if isinstance(cell, tuple) else None
                tx = x + 0.04
                if status is not None:
                    color = STATUS_TEXT[status][3]
                    ax.plot([tx + 0.05], [y + 0.025 + self.line_h() / 2.0], "o", ms=5.2,
                            color=color, mec="none")
                    tx += 0.15
                if col.align == "right" and status is None:
                    tx = x + col.width - 0.04
                ax.text(tx, y + 0.025, "\n".join(text), ha=col.align if status is None else "left",
                        va="top", fontsize=self.size, color=INK, linespacing=1.2)
                x += col.width
            y += h
        ax.plot([x0, x0 + total_w], [y, y], color="#bbbbbb", lw=0.6)
        return y + 0.05


# ---------------------------------------------------------------------------------------------
# page layout: a vertical stack of blocks
# ---------------------------------------------------------------------------------------------


@dataclass
class Block:
    height: float  # [in]
    draw: Callable  # draw(subfigure) ; text blocks get an inches Axes
    keep_with_next: bool = False  # a heading: never the last block of a page


def text_block(height: float, draw_text: Callable) -> Block:
    def draw(sf):
        ax = sf.add_axes([0, 0, 1, 1])
        ax.set_axis_off()
        ax.set_xlim(0, PAGE_W)
        ax.set_ylim(height, 0)
        draw_text(ax)

    return Block(height, draw)


def page(blocks: list[Block]):
    from matplotlib.figure import Figure  # lazy: matplotlib (~0.2 s) loads only when drawing

    fig = Figure(figsize=(PAGE_W, PAGE_H), layout="constrained")
    fig.get_layout_engine().set(w_pad=MARGIN * 0.55, h_pad=0.04, hspace=0.0, wspace=0.02)
    used = sum(b.height for b in blocks)
    rest = max(PAGE_H - used, 0.01)
    heights = [b.height for b in blocks] + [rest]
    sfs = fig.subfigures(len(heights), 1, height_ratios=heights, hspace=0.0)
    for b, sf in zip(blocks, sfs, strict=False):
        b.draw(sf)
    return fig


def chart_row(height: float, fns: list[Callable], *, share_y: bool = False,
               columns: int | None = None) -> Block:
    """Charts side by side; ``share_y``: one y-scale for all (the same quantity in several
    scenarios); ``columns``: slots in the row (a short last row keeps the others' width)."""
    def draw(sf):
        n = max(columns or len(fns), len(fns))
        parts = sf.subfigures(1, n, wspace=0.0) if n > 1 else [sf]
        for fn, part in zip(fns, np.atleast_1d(parts), strict=False):
            fn(part)
            align_title(part)
        if share_y:
            share_y_scale([part.axes[0] for part in np.atleast_1d(parts)[:len(fns)]
                           if part.axes])

    return Block(height, draw)


def share_y_scale(axes: Sequence) -> tuple[float, float] | None:
    """Give ``axes`` one y-range (the union of theirs); returns it."""
    if not axes:
        return None
    lows, highs = zip(*(ax.get_ylim() for ax in axes), strict=True)
    lim = (min(lows), max(highs))
    for ax in axes:
        ax.set_ylim(*lim)
    return lim


def paginate(blocks: list[Block], room: float = PAGE_H - 0.3) -> list[list[Block]]:
    """Blocks split into pages of at most ``room`` inches; a heading stays with what follows."""
    pages: list[list[Block]] = [[]]
    used = 0.0
    for i, b in enumerate(blocks):
        need = b.height
        if getattr(b, "keep_with_next", False) and i + 1 < len(blocks):
            need += blocks[i + 1].height
        if pages[-1] and used + need > room:
            pages.append([])
            used = 0.0
        pages[-1].append(b)
        used += b.height
    return pages


def align_title(sf) -> None:
    """Move a chart's figure title to the page margin (or just inside its own left edge)."""
    title = getattr(sf, "_suptitle", None)
    if title is None:
        return
    x0, _, w, _ = sf.bbox.bounds
    dpi = sf.figure.dpi
    x0, w = x0 / dpi, w / dpi
    target = MARGIN if x0 < MARGIN else x0 + 0.12
    title.set_x((target - x0) / w)
    title.set_horizontalalignment("left")


def heading(text: str, sub: str | None = None) -> Block:
    def draw(ax):
        ax.text(MARGIN, 0.24, text, fontsize=11.5, color=RULE, va="baseline")
        if sub:
            w = text_width_in(text, 11.5) + 0.15
            ax.text(MARGIN + w, 0.24, sub, fontsize=8.5, color=MUTED, va="baseline")
        ax.plot([MARGIN, PAGE_W - MARGIN], [0.31, 0.31], color=RULE, lw=0.8)

    block = text_block(0.38, draw)
    block.keep_with_next = True
    return block


def paragraph(lines: list[tuple[str, float, str]], width: float = PAGE_W - 2 * MARGIN,
               gap: float = 0.02) -> Block:
    """Lines of (text, size, colour), wrapped."""
    wrapped = [(wrap_in(t, width, s), s, c) for t, s, c in lines]
    height = sum(len(w) * s * 1.35 / 72.0 + gap for w, s, _ in wrapped) + 0.06

    def draw(ax):
        y = 0.03
        for w, s, c in wrapped:
            ax.text(MARGIN, y, "\n".join(w), fontsize=s, color=c, va="top", linespacing=1.25)
            y += len(w) * s * 1.35 / 72.0 + gap

    return text_block(height, draw)


def table_block(table: Table, note: str | None = None, *,
                 status_legend: str | None = None) -> Block:
    """A table, an optional note under it and (``status_legend=lang``) the traffic-light key."""
    note_lines = wrap_in(note, PAGE_W - 2 * MARGIN, 6.5) if note else []
    legend_h = 0.16 if status_legend else 0.0
    height = table.height + len(note_lines) * 6.5 * 1.3 / 72.0 + 0.06 + legend_h

    def draw(ax):
        y = table.draw(ax, MARGIN, 0.02)
        if status_legend:
            x = MARGIN
            for st in ("met", "at_risk", "missed"):
                zh, en, _, color = STATUS_TEXT[st]
                word = zh if status_legend == "zh" else en
                ax.plot([x + 0.05], [y + 0.07], "o", ms=5.2, color=color, mec="none")
                ax.text(x + 0.13, y + 0.07, word, fontsize=7, va="center", color=INK)
                x += 0.2 + text_width_in(word, 7) + 0.15
            y += legend_h
        if note_lines:
            ax.text(MARGIN, y + 0.01, "\n".join(note_lines), fontsize=6.5, color=MUTED,
                    va="top", linespacing=1.2)

    return text_block(height, draw)


def png_base64(fig, dpi: int) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    return base64.b64encode(buf.getvalue()).decode("ascii")


def html_table(table: Table) -> str:
    head = "".join(f"<th>{html.escape(c.head).replace(chr(10), '<br>')}</th>" for c in table.cols)
    body = []
    for row in table.rows:
        cells = []
        for cell, col in zip(row, table.cols, strict=True):
            if isinstance(cell, tuple):
                color = STATUS_TEXT[cell[1]][3]
                cells.append(f'<td><span class="dot" style="background:{color}"></span>'
                             f"{html.escape(str(cell[0]))}</td>")
            else:
                cls = ' class="num"' if col.align == "right" else ""
                cells.append(f"<td{cls}>{html.escape(str(cell))}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
