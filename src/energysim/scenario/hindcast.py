"""Hindcast: run a scenario from an earlier base year.

``with_base_year(scenario, Y)`` returns the scenario with ``base_year`` replaced by ``Y``.
Nothing else changes, and that fixes the meaning of every value:

* *series* are defined on calendar years, so they still apply; before their first given year
  they are held flat (write the history into the series, or give a hindcast scenario that
  does, when that is not what happened);
* *initial stocks* (``*.capacity_initial``, ``*.fleet_initial``, ``storage.power_initial``)
  now mean the stocks at the end of ``Y − 1``, and ``coal.output_before_base`` the output of
  ``Y − 1``;
* *base-year flows* (``economy.gdp_base``) are values of year ``Y``;
* *growth forms* (``start`` + ``growth``) start in ``Y``.

So the base-year parameters of a hindcast are generally not those of the scenario: a
calibration fits them for ``Y`` (``energysim calibrate --holdout N``).
"""

from __future__ import annotations

import dataclasses
import numbers

from energysim.errors import ScenarioError
from energysim.scenario.loader import HISTORY_YEARS

__all__ = ["with_base_year"]


def with_base_year(scenario, year: int):
    """The scenario started in ``year`` instead of its base year.

    Parameters
    ----------
    scenario : Scenario
        A resolved scenario.
    year : int
        New base year, ``base_year − 50 ≤ year ≤ base_year`` (series may reach 50 years back).

    Returns
    -------
    Scenario
        Same parameters, ``base_year = year`` (the scenario itself when ``year`` is its base
        year).

    Raises
    ------
    ScenarioError
        For a year outside that range (key ``from_year``).
    """
    lo, hi = scenario.base_year - HISTORY_YEARS, scenario.base_year
    if isinstance(year, bool) or not isinstance(year, numbers.Integral) or not lo <= year <= hi:
        raise ScenarioError(
            f"invalid start year (expected {lo} ≤ from_year ≤ {hi}, the scenario's base year, "
            f"got {year!r})",
            key="from_year",
        )
    if int(year) == scenario.base_year:
        return scenario
    return dataclasses.replace(scenario, base_year=int(year))
