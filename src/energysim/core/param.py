"""One scenario parameter declared as data: :class:`Param`.

A leaf module: sector modules (:mod:`energysim.core.model`) declare their ``PARAMS`` with it and
the catalogue (:mod:`energysim.core.catalogue`) collects them, so neither imports the other to
get the type. Besides the standard library it imports only :mod:`energysim.units` (a leaf).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from energysim.units import dimension_of


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
        return dimension_of(self.unit)
