"""Numbers written for people: compact values and byte sizes.

Only the standard library is imported.
"""

from __future__ import annotations

import math

__all__ = ["fmt_number", "fmt_sig", "format_size"]


def fmt_number(v: float | None) -> str:
    """Compact number: 3 significant digits, no exponent for usual magnitudes.

    ``None`` and non-finite values are shown as ``"–"``.
    """
    if v is None or not math.isfinite(v):
        return "–"
    a = abs(v)
    if a >= 1000 or (a >= 100 and float(v).is_integer()):
        return f"{v:,.0f}"
    if a >= 100:
        return f"{v:.0f}"
    if a >= 10:
        return f"{v:.1f}"
    if a >= 1:
        return f"{v:.2f}"
    if a == 0:
        return "0"
    return f"{v:.3g}"


def fmt_sig(x: float | None, digits: int = 6) -> str:
    """``x`` with ``digits`` significant digits (``%g``); ``"—"`` for None or NaN."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "—"
    return f"{x:.{digits}g}"


def format_size(n: float) -> str:
    """``1234567890`` → ``"1.15 GiB"``."""
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if abs(n) < 1024 or unit == "TiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.3g} {unit}"
        n /= 1024
    return f"{n:.3g} TiB"  # pragma: no cover
