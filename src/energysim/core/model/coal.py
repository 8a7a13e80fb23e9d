"""Coal mining: output against mine capacity, a policy cap and demand; the coal balance.

Equations (docs/model.md, section "Coal mining"):

* local use ``U = power + chemicals (net of green-H2 substitution) + other industry + buildings
  + grey-hydrogen feed`` [Mt/yr raw coal];
* output ``Q = min(capacity · max_utilization, output_cap, U + outbound_demand)``;
* shipments out ``S = max(Q − U, 0)``; imports ``M = max(U − Q, 0)``; so that
  ``Q + M = U + S`` (exactly up to rounding);
* mining energy and water: diesel ``= Q · diesel_per_t``, electricity ``= Q · electricity_per_t``,
  water ``= Q_prev · water_per_t`` (the water step runs before output is known, so it reserves
  water with the previous year's output).

Haul-truck diesel and electricity are not in ``coal.diesel_per_t``: the mining-truck fleet is
modelled in :mod:`energysim.core.model.transport`.
"""

from __future__ import annotations

import numpy as np

from energysim.core.model import Output
from energysim.core.param import Param

_REPORT = "report 2022 (zhungeer-2023-government-work-report.txt)"

PARAMS: list[Param] = [
    Param(
        "coal.mine_capacity",
        "Mt/yr",
        340.0,
        (0.0, 2000.0),
        "Approved production capacity of the banner's coal mines.",
        "全旗煤矿核定生产能力。",
        "coal",
        source=f"assumption: {_REPORT} gives output 3.2亿吨 (2022) and 稳定在3.2亿吨左右 (2023) "
        "with 持续释放优质煤炭产能; capacity set ~6% above output so output is demand-limited",
    ),
    Param(
        "coal.output_before_base",
        "Mt/yr",
        310.0,
        (0.0, 2000.0),
        "Raw-coal output of the year before the base year (sizes the base year's mining-truck "
        "fleet and mining water).",
        "基年前一年原煤产量(用于基年矿卡规模和采矿用水)。",
        "coal",
        source="assumption: the 2021 output is not in the report; Ordos output rose 2021→2022 "
        "(670 → 840 Mt sales, parameter-sources.md), so slightly below 3.2亿吨 is assumed",
    ),
    Param(
        "coal.max_utilization",
        "",
        1.0,
        (0.0, 1.5),
        "Largest share of the approved capacity that can be produced in a year.",
        "煤矿产能最大利用率。",
        "coal",
        source="assumption: mines may produce up to their approved capacity",
    ),
    Param(
        "coal.output_cap",
        "Mt/yr",
        10000.0,
        (0.0, 10000.0),
        "Policy cap on raw-coal output (the default, far above capacity, means no cap).",
        "原煤产量政策上限(默认值远高于产能,即不设上限)。",
        "coal",
        source="assumption: no policy cap unless a scenario sets one",
    ),
    Param(
        "coal.outbound_demand",
        "Mt/yr",
        {2022: 280.0, 2025: 280.0, 2030: 270.0, 2040: 220.0, 2050: 160.0, 2060: 110.0},
        (0.0, 2000.0),
        "Demand for the banner's coal from outside the banner (shipments wanted).",
        "旗外对本旗煤炭的需求(外运需求)。",
        "coal",
        source=f"assumption: 2022 value so that output ≈ 3.2亿吨 ({_REPORT}: 全年产销原煤3.2亿吨, "
        "保障了全国25个省区市煤炭供应) given local use; plateau to 2030, then a decline with "
        "national coal demand",
    ),
    Param(
        "coal.tce_per_t",
        "tce/t",
        0.7143,
        (0.2, 1.0),
        "Standard-coal equivalent of one tonne of raw coal.",
        "原煤折标准煤系数。",
        "coal",
        source="GB/T 2589 via parameter-sources.md (max.book118 table): 0.7143 kgce/kg "
        "(20,908 kJ/kg)",
    ),
    Param(
        "coal.diesel_per_t",
        "kg/t",
        0.4,
        (0.0, 20.0),
        "Diesel used by mining equipment other than haul trucks per tonne of raw coal.",
        "每吨原煤的采掘设备柴油消耗(不含矿用卡车)。",
        "coal",
        source="assumption: excavators, dozers, drills and auxiliaries of large open-pit mines; "
        "haul trucks are in transport; not published, wide uncertainty",
    ),
    Param(
        "coal.electricity_per_t",
        "kWh/t",
        12.0,
        (0.0, 200.0),
        "Electricity used by mining and washing per tonne of raw coal.",
        "每吨原煤的采选用电量。",
        "coal",
        source="assumption: national raw-coal electricity intensity ~20–25 kWh/t is mostly "
        "underground mining; large open-pit and washing lower; not published",
    ),
    Param(
        "coal.water_per_t",
        "m3/t",
        0.15,
        (0.0, 5.0),
        "Fresh water used by mining (dust suppression, washing) per tonne of raw coal.",
        "每吨原煤的生产用新水量(降尘、洗选)。",
        "coal",
        source="assumption: 0.1–0.2 m³/t for open-pit mining and washing; not published",
    ),
]

OUTPUTS: list[Output] = [
    Output("coal_output", "Mt/yr", "Raw coal output", "原煤产量", sector="coal"),
    Output(
        "coal_local_use", "Mt/yr", "Raw coal used in the banner", "本地原煤消费量", sector="coal"
    ),
    Output(
        "coal_shipments", "Mt/yr", "Raw coal shipped out of the banner", "原煤外运量", sector="coal"
    ),
    Output(
        "coal_imports", "Mt/yr", "Raw coal brought into the banner", "原煤调入量", sector="coal"
    ),
    Output(
        "coal_power_use", "Mt/yr", "Raw coal burned in power plants", "电厂耗用原煤", sector="coal"
    ),
    Output(
        "coal_other_use",
        "Mt/yr",
        "Raw coal used by other industry and buildings",
        "其他工业和建筑耗用原煤",
        sector="coal",
    ),
    Output(
        "mining_diesel",
        "kt/yr",
        "Diesel of mining equipment (excl. haul trucks)",
        "采掘设备柴油消耗(不含矿卡)",
        sector="coal",
    ),
    Output(
        "mining_electricity",
        "TWh/yr",
        "Electricity of coal mining and washing",
        "煤炭采选用电量",
        sector="coal",
    ),
]


def coal_output(capacity, max_utilization, output_cap, local_use, outbound_demand):
    """Raw-coal output.

    Parameters
    ----------
    capacity : ndarray, shape (n | 1,)
        Mine capacity [Mt/yr].
    max_utilization : ndarray, shape (n | 1,)
        Largest usable share of capacity [fraction].
    output_cap : ndarray, shape (n | 1,)
        Policy cap [Mt/yr].
    local_use : ndarray, shape (n,)
        Coal used in the banner [Mt/yr].
    outbound_demand : ndarray, shape (n | 1,)
        Demand from outside the banner [Mt/yr].

    Returns
    -------
    ndarray, shape (n,)
        ``min(capacity · max_utilization, output_cap, local_use + outbound_demand)`` [Mt/yr].
    """
    out = local_use + outbound_demand
    np.minimum(out, capacity * max_utilization, out=out)
    np.minimum(out, output_cap, out=out)
    return out


def coal_trade(output, local_use):
    """Shipments out and imports that close the coal balance.

    Parameters
    ----------
    output : ndarray, shape (n,)
        Raw coal output [Mt/yr].
    local_use : ndarray, shape (n,)
        Coal used in the banner [Mt/yr].

    Returns
    -------
    shipments : ndarray, shape (n,)
        ``max(output − local_use, 0)`` [Mt/yr].
    imports : ndarray, shape (n,)
        ``max(local_use − output, 0)`` [Mt/yr]; ``output + imports == local_use + shipments``.
    """
    diff = output - local_use
    shipments = np.maximum(diff, 0.0)
    imports = np.maximum(-diff, 0.0)
    return shipments, imports


def mining_energy(output, diesel_per_t, electricity_per_t):
    """Diesel and electricity of mining equipment (haul trucks excluded).

    Parameters
    ----------
    output : ndarray, shape (n, ...)
        Raw coal output [Mt/yr].
    diesel_per_t : ndarray, broadcastable
        [kg/t].
    electricity_per_t : ndarray, broadcastable
        [kWh/t].

    Returns
    -------
    diesel : ndarray
        [kt/yr] (1 Mt × 1 kg/t = 1 kt).
    electricity : ndarray
        [TWh/yr] (1 Mt × 1 kWh/t = 10^9 kWh × 10^-3 = 0.001 TWh).
    """
    return output * diesel_per_t, output * electricity_per_t * 1e-3


def mining_water(output_prev, water_per_t):
    """Mining water reserved with the previous year's output.

    Parameters
    ----------
    output_prev : ndarray, shape (n,)
        Raw coal output of the previous year [Mt/yr] (base year: the base year's own output is
        not yet known, the engine passes the previous-year estimate it documents).
    water_per_t : ndarray, shape (n | 1,)
        [m3/t].

    Returns
    -------
    ndarray, shape (n,)
        [Mm3/yr] (1 Mt × 1 m³/t = 1 Mm³).
    """
    return output_prev * water_per_t
