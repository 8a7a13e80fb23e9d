"""Battery storage: power and energy capacity by vintage, round-trip losses.

Equations (docs/model.md, section "Storage"):

* additions ``add[t] = power_add[t] + allocation_share[t] · (wind_add[t] + solar_add[t])``
  [GW/yr]: exogenous projects plus the Inner Mongolia rule that new wind and solar come with
  storage of a share of their capacity;
* power stock by vintage (:mod:`energysim.core.model.stocks`), ``cap[t] = cap[t-1] + add − retire``;
* energy capacity ``E = cap · duration`` [GWh];
* energy charged ``C = E · cycles · 10^-3`` [TWh/yr]; losses ``L = C · (1 − rte)`` [TWh/yr]
  (counted as a local electricity demand).
"""

from __future__ import annotations

from energysim.core.model import Output
from energysim.core.param import Param

_PS = "parameter-sources.md"

PARAMS: list[Param] = [
    Param(
        "storage.power_initial",
        "GW",
        0.0,
        (0.0, 50.0),
        "Battery power capacity at the end of the year before the base year.",
        "基年前一年年末电池储能功率。",
        "storage",
        source="assumption: no grid-scale battery storage in the banner before 2022 "
        "(none mentioned in the report)",
    ),
    Param(
        "storage.existing_age_span",
        "yr",
        3.0,
        (1.0, 40.0),
        "Years over which the initial storage was built (spread evenly).",
        "初始储能的建设年份跨度。",
        "storage",
        source="assumption",
    ),
    Param(
        "storage.power_add",
        "GW/yr",
        0.0,
        (0.0, 20.0),
        "Battery power added by stand-alone projects (besides the allocation rule).",
        "独立储能项目新增功率(配储规则之外)。",
        "storage",
        source="assumption: none unless a scenario sets projects",
    ),
    Param(
        "storage.allocation_share",
        "",
        0.15,
        (0.0, 2.0),
        "Battery power built per unit of new wind and solar capacity (配储比例).",
        "新增风光装机的配储比例。",
        "storage",
        source=f"{_PS}: Inner Mongolia rule ≥15% of new-energy capacity (2022-03 意见)",
    ),
    Param(
        "storage.duration",
        "h",
        4.0,
        (0.0, 24.0),
        "Energy-to-power ratio of batteries.",
        "储能时长(能量/功率)。",
        "storage",
        source=f"{_PS}: Inner Mongolia rule ≥4 h for market-based new energy (≥2 h guaranteed)",
    ),
    Param(
        "storage.lifetime",
        "yr",
        15.0,
        (1.0, 40.0),
        "Service life of battery systems.",
        "电池储能系统寿命。",
        "storage",
        source="assumption: Li-ion systems 10–15 yr (cycle-limited)",
    ),
    Param(
        "storage.round_trip_efficiency",
        "",
        0.85,
        (0.0, 1.0),
        "Round-trip efficiency of batteries (energy out / energy in).",
        "储能往返效率。",
        "storage",
        source=f"{_PS}: 80–92% for Li-ion at system level (secondary source)",
    ),
    Param(
        "storage.cycles",
        "1/yr",
        300.0,
        (0.0, 1000.0),
        "Largest number of equivalent full charge cycles per year (with dispatch, batteries "
        "cycle only as often as surplus and displaceable coal or imports allow).",
        "年最大等效满充次数(调度模式下按可消纳的富余电量和可替代的煤电或受入电量充放)。",
        "storage",
        source=f"assumption: ~0.8 cycles/day; {_PS}: IM compensation for ≤1.5 full charges/day",
    ),
    Param(
        "storage.first_year_fraction",
        "",
        0.5,
        (0.0, 1.0),
        "Share of the year that batteries added in a year operate in that year.",
        "当年新增储能在当年的平均运行时间占比。",
        "storage",
        source="assumption: connections spread over the year",
    ),
    Param(
        "storage.replace_retired",
        "",
        0.0,
        (0.0, 1.0),
        "Share of retiring battery power rebuilt in the same year.",
        "当年退役储能中重建的比例。",
        "storage",
        source="assumption: none by default; bundled scenarios rebuild",
    ),
]

OUTPUTS: list[Output] = [
    Output("storage_cap", "GW", "Battery power capacity", "储能功率", sector="storage"),
    Output("storage_add", "GW/yr", "Battery power added", "新增储能功率", sector="storage"),
    Output("storage_retire", "GW/yr", "Battery power retired", "退役储能功率", sector="storage"),
    Output("storage_energy_cap", "GWh", "Battery energy capacity", "储能容量", sector="storage"),
    Output(
        "storage_charged", "TWh/yr", "Energy charged into batteries", "储能充电量", sector="storage"
    ),
    Output(
        "storage_losses", "TWh/yr", "Battery round-trip losses", "储能损耗电量", sector="storage"
    ),
]


def storage_additions(power_add, allocation_share, vre_add):
    """Battery power added.

    Parameters
    ----------
    power_add : ndarray, shape (n | 1, ...)
        Stand-alone projects [GW/yr].
    allocation_share : ndarray, broadcastable
        Storage per new wind + solar capacity [GW/GW].
    vre_add : ndarray, broadcastable
        Wind + solar added [GW/yr].

    Returns
    -------
    ndarray
        [GW/yr].
    """
    return power_add + allocation_share * vre_add


def storage_flows(cap, duration, cycles, rte):
    """Energy capacity, energy charged and losses.

    Parameters
    ----------
    cap : ndarray
        Battery power [GW].
    duration : ndarray
        [h].
    cycles : ndarray
        Full cycles per year [1/yr].
    rte : ndarray
        Round-trip efficiency [fraction].

    Returns
    -------
    energy_cap : ndarray
        [GWh].
    charged : ndarray
        [TWh/yr].
    losses : ndarray
        [TWh/yr].
    """
    energy_cap = cap * duration
    charged = energy_cap * cycles * 1e-3
    return energy_cap, charged, charged * (1.0 - rte)
