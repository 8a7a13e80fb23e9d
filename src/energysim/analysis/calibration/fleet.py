"""The base-year coal fleet bottom-up: a unit list with commissioning dates.

The list is ``calibration/coal-fleet-units.csv`` (columns ``plant, units, unit_mw,
capacity_mw, commissioned_year, commissioned_month, verified, source, note``); its reading and
the range it gives are in calibration/sources.md §5. The report's "+14.1%" generation growth of
2022 is a *check* on the list (:func:`implied_generation_growth`), not its only identifier.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from energysim.scenario.projects import first_year_fraction


@dataclass(frozen=True)
class Unit:
    """A group of identical units commissioned together.

    Attributes
    ----------
    plant : str
    capacity : float
        [GW]
    year : int
        Commissioning year.
    month : int or None
        Commissioning month (1–12) or unknown.
    verified : bool
        Found in the stored sources (GEM pages); ``False``: unverified.
    """

    plant: str
    capacity: float
    year: int
    month: int | None
    verified: bool


def read_units(path: str | Path) -> list[Unit]:
    """The unit list [GW]."""
    with Path(path).open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    return [
        Unit(
            plant=r["plant"],
            capacity=float(r["capacity_mw"]) / 1000.0,
            year=int(r["commissioned_year"]),
            month=int(r["commissioned_month"]) if r["commissioned_month"].strip() else None,
            verified=r["verified"].strip() == "yes",
        )
        for r in rows
    ]


def capacity_end_of(units: list[Unit], year: int, *, verified_only: bool = False) -> float:
    """Capacity operating at the end of ``year`` [GW]."""
    return sum(u.capacity for u in units if u.year <= year and (u.verified or not verified_only))


def operating_capacity(units: list[Unit], year: int) -> float:
    """Capacity operating on average over ``year`` [GW]: units commissioned that year count
    with their first-year fraction (``(12.5 − month)/12``, mid-year when unknown)."""
    total = 0.0
    for u in units:
        if u.year < year:
            total += u.capacity
        elif u.year == year:
            total += u.capacity * first_year_fraction(u.month)
    return total


def implied_generation_growth(units: list[Unit], added: float, added_fraction: float,
                              year: int = 2022) -> float:
    """Generation growth of ``year`` over the year before at constant full-load hours [fraction].

    Parameters
    ----------
    units : list of Unit
        The fleet up to the end of ``year − 1``.
    added : float
        Capacity commissioned in ``year`` [GW] (2022: 汇能长滩, 1.32 GW).
    added_fraction : float
        The part of ``year`` it generated [fraction of the year].
    """
    before = operating_capacity(units, year - 1)
    now = capacity_end_of(units, year - 1) + added * added_fraction
    return now / before - 1.0
