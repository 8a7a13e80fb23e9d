"""CO2 emissions by sector (territorial, production-based accounting) and the peak year.

Equations (docs/model.md, section "Emissions"):

* power: ``(B − B_ccus · capture_rate) · coal_co2_per_tce`` with ``B`` the coal burned [Mtce/yr]
  and ``B_ccus`` the part burned by units with capture; captured CO2 is reported apart;
* chemicals: the chemicals sector's own CO2 (per-tonne factors, net of green-H2 substitution);
* mining: diesel of mining equipment × ``diesel_co2_per_t``;
* transport: truck diesel × ``diesel_co2_per_t``;
* hydrogen: CO2 of grey (coal-based) hydrogen, from the hydrogen sector;
* other: coal of other industry and buildings × ``coal.tce_per_t`` × ``coal_co2_per_tce``;
* total = sum over the sectors; peak year = first year of the largest total, per sample.

Territorial account (``co2``, ``co2_total``): exported electricity's CO2 is counted here (it is
emitted here); imported electricity carries no CO2; electricity-related CO2 of consumers is
inside "power". Consumption-side account (``co2_consumption_total``): the CO2 of exported
electricity at the generation mix's factor ``EF = power CO2 / (generation − own use)`` is
moved out, and imported electricity brings ``imports · emissions.import_co2_per_mwh``:
``territorial − exported + imported = consumption-side`` (exact).
"""

from __future__ import annotations

import numpy as np

from energysim.core.model import Output
from energysim.core.param import Param

_PS = "parameter-sources.md"

#: Emitting sectors on the ``sector`` dimension of ``co2``.
SECTORS = ("power", "chemicals", "mining", "transport", "hydrogen", "other")
SECTOR_ZH = {
    "power": "电力",
    "chemicals": "煤化工",
    "mining": "煤炭开采",
    "transport": "交通运输",
    "hydrogen": "制氢(灰氢)",
    "other": "其他工业和建筑",
}
#: Coordinates of the extra dimensions used by OUTPUTS.
COORDS = {"sector": SECTORS}

PARAMS: list[Param] = [
    Param(
        "emissions.coal_co2_per_tce",
        "t/tce",
        2.66,
        (0.0, 5.0),
        "CO2 emitted per tonne of standard coal burned.",
        "每吨标准煤燃烧的二氧化碳排放。",
        "emissions",
        source=f"derived: {_PS}: 1.9003 kgCO2/kg ÷ 0.7143 kgce/kg (GB/T 2589 and 省级温室气体清单"
        "编制指南: 26.37 tC/TJ, oxidation 0.94)",
    ),
    Param(
        "emissions.diesel_co2_per_t",
        "t/t",
        3.0959,
        (0.0, 5.0),
        "CO2 emitted per tonne of diesel burned.",
        "每吨柴油燃烧的二氧化碳排放。",
        "emissions",
        source=f"{_PS}: 3.0959 kgCO2/kg (max.book118 table; IPCC default 3.186)",
    ),
    Param(
        "emissions.import_co2_per_mwh",
        "t/MWh",
        {2022: 0.6849, 2023: 0.6479},
        (0.0, 2.0),
        "CO2 factor of electricity received from the grid (provincial average), for the "
        "consumption-side account.",
        "受入电力的二氧化碳排放因子(省级电网平均),用于消费侧核算。",
        "emissions",
        source="power-system-sources.md §5: 内蒙古 provincial average 0.6849 (2022) and 0.6479 "
        "kgCO2/kWh (2023, MEE/NBS 公告2025年第47号; repository transcriptions, not verified); "
        "held at the 2023 value after (assumption)",
    ),
]

OUTPUTS: list[Output] = [
    Output(
        "co2", "Mt/yr", "CO2 emissions by sector", "分部门二氧化碳排放", ("sector",), "emissions"
    ),
    Output("co2_total", "Mt/yr", "Total CO2 emissions", "二氧化碳排放总量", sector="emissions"),
    Output("co2_captured", "Mt/yr", "CO2 captured by CCUS", "CCUS捕集二氧化碳", sector="emissions"),
    Output(
        "co2_peak_year", "yr", "Year of peak CO2 emissions", "碳排放达峰年份", sector="emissions"
    ),
    Output(
        "grid_co2_intensity",
        "t/MWh",
        "CO2 per MWh of the banner's generation mix (supplied, net of own use)",
        "本地发电结构单位供电二氧化碳排放",
        sector="emissions",
    ),
    Output(
        "co2_exported_electricity",
        "Mt/yr",
        "CO2 of the electricity sent out, at the generation mix's factor",
        "外送电量隐含二氧化碳(按本地发电结构)",
        sector="emissions",
    ),
    Output(
        "co2_imported_electricity",
        "Mt/yr",
        "CO2 of the electricity received, at the provincial grid factor",
        "受入电量隐含二氧化碳(按省级电网因子)",
        sector="emissions",
    ),
    Output(
        "co2_consumption_total",
        "Mt/yr",
        "CO2, consumption-side account (territorial − exported + imported electricity's CO2)",
        "二氧化碳排放(消费侧口径:属地排放 − 外送电隐含 + 受入电隐含)",
        sector="emissions",
    ),
]


def power_co2(burn, burn_ccus, capture_rate, co2_per_tce):
    """CO2 emitted and captured by the coal fleet.

    Parameters
    ----------
    burn : ndarray
        Coal burned [Mtce/yr].
    burn_ccus : ndarray
        Of which by units with capture [Mtce/yr].
    capture_rate : ndarray
        [fraction].
    co2_per_tce : ndarray
        [t/tce].

    Returns
    -------
    emitted : ndarray
        [Mt/yr].
    captured : ndarray
        [Mt/yr].
    """
    captured = burn_ccus * capture_rate * co2_per_tce
    return burn * co2_per_tce - captured, captured


def peak_year(total, years):
    """Calendar year of the largest total emissions (first one if tied), per sample.

    Parameters
    ----------
    total : ndarray, shape (n, n_years)
        Total CO2 [Mt/yr].
    years : ndarray, shape (n_years,)
        Calendar years.

    Returns
    -------
    ndarray of float64, shape (n,)
        The peak year [yr]; the base year means emissions never rose above their start, the
        last year means they had not yet peaked within the horizon.
    """
    return np.asarray(years, dtype=np.float64)[np.argmax(total, axis=1)]
