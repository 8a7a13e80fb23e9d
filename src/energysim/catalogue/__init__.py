"""The parameter catalogue: every scenario parameter the model reads, declared as data.

One :class:`Param` per dotted path. The loader validates scenarios against it, the compiler
turns its defaults into arrays, ``energysim params`` prints it and ``docs/parameters.md`` is
generated from it. The entries themselves live in :mod:`energysim.catalogue.entries`.

Conventions (see docs/glossary.md):

* every parameter compiles to a float64 array of shape ``(n_samples | 1, n_years)`` in its
  canonical ``unit``; a parameter that does not vary in time is a constant series;
* annual flows have canonical units "per year" (``Mt/yr``, ``TWh/yr``); the loader also accepts
  the report's habit of writing a flow without ``/yr`` (``3.2亿吨`` for a yearly output);
* shares are fractions 0–1 with canonical unit ``""`` (dimensionless); ``7%`` is read as 0.07.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Param:
    """One scenario parameter.

    Attributes
    ----------
    path : str
        Dotted key path in the scenario's ``parameters:`` mapping, e.g. ``"coal.mine_capacity"``.
    unit : str
        Canonical unit, a pint expression (``"GW"``, ``"Mt/yr"``, ``"h/yr"``, ``""`` for a
        fraction). The model always receives values in this unit.
    default : Any
        Value used when no scenario sets it: a float in ``unit``, or a ``{year: float}`` mapping
        (a linear series in ``unit``). ``None`` means the scenario must set it.
    bounds : tuple of (float or None, float or None)
        Inclusive lower and upper bounds in ``unit``; ``None`` means unbounded.
    en, zh : str
        English and Chinese descriptions (one sentence each).
    sector : str
        The model module that reads it (``"economy"``, ``"coal"``, ``"power"`` …).
    index : tuple of str
        Labels of a category dimension when the parameter is one member of a family
        (informational, e.g. ``("product", "olefins")``); empty for plain parameters.
    source : str
        Where the default comes from (a key into calibration/sources.md or a short citation).
    """

    path: str
    unit: str
    default: Any
    bounds: tuple[float | None, float | None] = (None, None)
    en: str = ""
    zh: str = ""
    sector: str = ""
    index: tuple[str, ...] = field(default_factory=tuple)
    source: str = ""

    @property
    def dimension(self) -> str:
        """The pint dimensionality of ``unit`` as text, e.g. ``"[mass] / [time]"``."""
        from energysim.units import dimension_of

        return dimension_of(self.unit)


def catalogue() -> dict[str, Param]:
    """All parameters, keyed by dotted path, in the order they are declared."""
    from energysim.catalogue.entries import PARAMS

    return {p.path: p for p in PARAMS}
