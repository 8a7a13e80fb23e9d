"""A small fixture catalogue and a scenario-file builder for the scenario-language tests.

The tests here exercise the language, not the model: they run against this catalogue (passed
as ``catalogue=``) so that they do not change when the model's catalogue grows.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from energysim.core.catalogue import Param

PARAMS = [
    Param(
        "coal.output_cap",
        "Mt/yr",
        330.0,
        (0.0, None),
        "Policy cap on coal output.",
        "原煤产量上限。",
        "coal",
    ),
    Param(
        "coal.outbound_demand",
        "Mt/yr",
        {2022: 300.0, 2030: 280.0},
        (0.0, None),
        "Coal shipped out.",
        "外运煤炭需求。",
        "coal",
    ),
    Param(
        "power.coal.add", "GW/yr", 0.0, (0.0, None), "Coal capacity added.", "新增煤电。", "power"
    ),
    Param(
        "power.coal.heat_rate",
        "gce/kWh",
        305.0,
        (150.0, 600.0),
        "Heat rate.",
        "供电煤耗。",
        "power",
    ),
    Param("power.solar.cap", "GW", 1.0, (0.0, None), "Solar capacity.", "光伏装机。", "power"),
    Param(
        "power.solar.hours",
        "h/yr",
        1500.0,
        (0.0, 8760.0),
        "Solar hours.",
        "光伏利用小时。",
        "power",
    ),
    Param(
        "power.wind.hours", "h/yr", 2500.0, (0.0, 8760.0), "Wind hours.", "风电利用小时。", "power"
    ),
    Param("power.curtailment", "", 0.05, (0.0, 1.0), "Curtailed share.", "弃电率。", "power"),
    Param(
        "economy.gdp_base",
        "bnCNY",
        130.0,
        (0.0, None),
        "GDP in the base year.",
        "基年地区生产总值。",
        "economy",
    ),
    Param(
        "economy.gdp_growth", "", 0.05, (-0.5, 1.0), "GDP growth per year.", "GDP增速。", "economy"
    ),
    Param("economy.gdp", "bnCNY", 130.0, (0.0, 10000.0), "GDP path.", "GDP。", "economy"),
    Param(
        "hydrogen.kwh_per_kg",
        "kWh/kg",
        55.0,
        (30.0, 100.0),
        "Electrolyser use.",
        "电解槽电耗。",
        "hydrogen",
    ),
    Param(
        "transport.stations",
        "station",
        0.0,
        (0.0, None),
        "Charging stations.",
        "充换电站。",
        "transport",
    ),
]


@pytest.fixture
def cat() -> dict[str, Param]:
    """The fixture catalogue, keyed by path."""
    return {p.path: p for p in PARAMS}


@pytest.fixture
def write(tmp_path):
    """``write(name, text)`` writes a dedented scenario file under tmp_path; returns its path."""

    def _write(name: str, text: str) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    return _write


@pytest.fixture
def load(cat):
    """``load(source)`` loads a file (Path) or YAML text (str) with the fixture catalogue."""
    from energysim.scenario import load_scenario, loads_scenario

    def _load(source, **kwargs):
        if isinstance(source, Path):
            return load_scenario(source, catalogue=cat, **kwargs)
        return loads_scenario(
            textwrap.dedent(source).lstrip("\n"), file="s.yaml", catalogue=cat, **kwargs
        )

    return _load
