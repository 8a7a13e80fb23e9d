"""The parameter catalogue: every scenario parameter the model reads, declared as data.

One :class:`Param` per dotted path. The loader validates scenarios against it, the compiler
turns its defaults into arrays, ``energysim params`` prints it and ``docs/parameters.md`` is
generated from it. The entries themselves live in :mod:`energysim.core.sectors`.

Conventions (see docs/glossary.md):

* every parameter compiles to a float64 array of shape ``(n_samples | 1, n_years)`` in its
  canonical ``unit``; a parameter that does not vary in time is a constant series;
* annual flows have canonical units "per year" (``Mt/yr``, ``TWh/yr``); the loader also accepts
  the report's habit of writing a flow without ``/yr`` (``3.2亿吨`` for a yearly output);
* shares are fractions 0–1 with canonical unit ``""`` (dimensionless); ``7%`` is read as 0.07.
"""

from __future__ import annotations

from energysim.core.param import Param
from energysim.core.sectors import PARAMS

__all__ = ["Param", "catalogue"]


def catalogue() -> dict[str, Param]:
    """All parameters, keyed by dotted path, in the order they are declared."""
    return {p.path: p for p in PARAMS}
