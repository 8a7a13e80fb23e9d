"""Sector models: one module per sector, each a set of pure numpy functions.

Every sector module declares

* ``PARAMS`` : list of :class:`energysim.core.param.Param`, the parameters it reads (paths start
  with the sector's prefix, e.g. ``"hydrogen."``);
* ``OUTPUTS`` : list of :class:`Output`, the result variables it produces;

and functions of (state, parameters, year index) returning new state and flows as arrays of shape
``(n_samples,)`` or ``(n_samples, k)``; deterministic inputs broadcast from shape ``(1,)``.
The engine (:mod:`energysim.core.engine`) wires the sectors in a fixed, documented order.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Output:
    """One result variable.

    Attributes
    ----------
    name : str
        Variable name in the results Dataset (snake_case, suffixes per docs/glossary.md).
    unit : str
        Canonical unit (pint expression), stored as the ``units`` attribute.
    en, zh : str
        ``long_name`` and ``long_name_zh``.
    dims : tuple of str
        Dimensions besides ``sample`` and ``year`` (e.g. ``("product",)``), usually empty.
    sector : str
        The sector module that produces it.
    """

    name: str
    unit: str
    en: str
    zh: str
    dims: tuple[str, ...] = ()
    sector: str = ""
