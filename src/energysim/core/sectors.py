# CATALOGUE READY
"""Every parameter of the model: the concatenation of each sector module's ``PARAMS``.

The order is the sector order of the engine (docs/model.md); inside a sector, the order in which
the module declares them. Paths are unique (checked at import).
"""

from __future__ import annotations

from energysim.core.model import (
    chemicals,
    coal,
    costs,
    economy,
    electricity,
    emissions,
    hydrogen,
    power,
    storage,
    transport,
    water,
)
from energysim.core.param import Param

#: Sector modules, in engine order (docs/model.md, "Sector order inside one year").
SECTOR_MODULES = [
    economy,
    power,
    storage,
    transport,
    chemicals,
    water,
    hydrogen,
    electricity,
    coal,
    emissions,
    costs,
]

PARAMS: list[Param] = [p for module in SECTOR_MODULES for p in module.PARAMS]


def _check_unique(params: list[Param]) -> None:
    seen: set[str] = set()
    for p in params:
        if p.path in seen:
            raise ValueError(f"duplicate catalogue path {p.path!r}")
        seen.add(p.path)


_check_unique(PARAMS)
