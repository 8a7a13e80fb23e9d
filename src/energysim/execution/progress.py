"""Progress bars for long runs: tqdm on stderr, only where someone is watching.

:func:`progress` returns a bar with ``update(n)`` and ``close()``. The bar is real (tqdm) only
when it is enabled — by default when stderr is a terminal — and then appears only once the work
has lasted :data:`DELAY` seconds, so short runs print nothing. ``energysim … --quiet`` and
``progress=False`` in the API turn it off; output redirected to a file or a pipe never gets
one. ``update`` may be called from several threads (tqdm serialises its writes).

tqdm is imported only when a bar is shown.
"""

from __future__ import annotations

import sys
import threading

__all__ = ["progress", "enabled", "DELAY"]

#: Seconds of work before a bar appears (runs shorter than this stay silent).
DELAY = 1.0


class _Silent:
    """A bar that shows nothing (same interface as the tqdm one)."""

    def update(self, n: int = 1) -> None:
        pass

    def set_description(self, text: str) -> None:
        pass

    def close(self) -> None:
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class _Bar(_Silent):
    """A tqdm bar whose updates may come from worker threads."""

    def __init__(self, total: int, desc: str, unit: str, delay: float) -> None:
        from tqdm import tqdm  # lazy: tqdm loads only when a progress bar is shown

        self._lock = threading.Lock()
        self._bar = tqdm(total=total, desc=desc, unit=unit, unit_scale=True, delay=delay,
                         file=sys.stderr, leave=False, dynamic_ncols=True)

    def update(self, n: int = 1) -> None:
        with self._lock:
            self._bar.update(n)

    def set_description(self, text: str) -> None:
        with self._lock:
            self._bar.set_description(text)

    def close(self) -> None:
        with self._lock:
            self._bar.close()


def enabled(flag: bool | None = None) -> bool:
    """Whether to show bars: ``flag`` if given, else whether stderr is a terminal."""
    if flag is not None:
        return bool(flag)
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):  # closed or replaced stream
        return False


def progress(total: int, desc: str = "", *, unit: str = "sample", show: bool | None = None,
             delay: float = DELAY):
    """A progress bar of ``total`` units (a context manager too).

    Parameters
    ----------
    total : int
        Units of work (e.g. samples to simulate).
    desc : str
        Text before the bar.
    unit : str
    show : bool, optional
        Force on or off; default: on when stderr is a terminal.
    delay : float
        Seconds before the bar appears [s].

    Returns
    -------
    object with ``update(n)``, ``set_description(text)``, ``close()``
    """
    if not enabled(show) or total <= 0:
        return _Silent()
    return _Bar(total, desc, unit, delay)
