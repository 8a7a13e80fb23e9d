"""Economy: GDP as coal value added plus the rest of the economy, and the GDP-driven demand of
other industry and buildings.

Equations (docs/model.md, section "Economy"), at constant 2022 prices [bnCNY]:

* coal value added ``C[t] = Q[t] · economy.coal_price[t] · economy.coal_value_added_share[t]
  · 10⁻³`` (``Q`` the year's raw-coal output [Mt/yr], the price in CNY/t: 1 Mt × 1 CNY/t =
  10⁻³ bnCNY) — :func:`coal_value_added`;
* the rest of the economy: ``R[0] = economy.gdp_base − C[0]`` (the residual of the report's
  base-year GDP), ``R[t] = R[t−1] · (1 + economy.gdp_growth[t])`` for t ≥ 1 (the growth rate of
  the base year itself is not used);
* ``GDP[t] = C[t] + R[t]`` (``GDP[0] = economy.gdp_base``);
* demand of a GDP-driven user ``s`` (other industry, buildings) for carrier ``c`` (electricity,
  coal)::

      D[t] = base · (G[t] / GDP[0]) ** elasticity · Π_{τ=1..t} (1 − gain[τ])

  with ``G[t] = C°[t] + R[t]`` the GDP known at the start of the year: coal value added on the
  previous year's output ``C°[t] = Q[t−1] · price[t] · share[t] · 10⁻³`` (``G[0] = GDP[0]``).
  The year's own output depends on this demand (through the coal balance), so it cannot drive
  it; with the lag there is no circle. A constant GDP elasticity times an autonomous efficiency
  (and fuel-switching) gain per year.

The rest of the economy and the efficiency gains depend on parameters only; coal value added
needs the coal balance, so GDP is completed in the engine's year loop.
"""

from __future__ import annotations

import numpy as np

from energysim.core.model import Output
from energysim.core.param import Param
from energysim.errors import ScenarioError

_REPORT = "report 2022 (zhungeer-2023-government-work-report.txt)"

#: Users whose energy demand is driven by GDP, and their Chinese names.
DEMAND_USERS = {
    "other_industry": ("other industry", "其他工业"),
    "buildings": ("buildings", "建筑"),
}
#: Carriers of the GDP-driven demand: (canonical unit, English, Chinese).
DEMAND_CARRIERS = {
    "electricity": ("TWh/yr", "electricity", "电力"),
    "coal": ("Mt/yr", "raw coal", "原煤"),
}

PARAMS: list[Param] = [
    Param(
        "economy.gdp_base",
        "bnCNY",
        130.0,
        (1.0, 10000.0),
        "Gross regional product in the base year.",
        "基年地区生产总值。",
        "economy",
        source=f"{_REPORT}: 全年地区生产总值突破1300亿元",
    ),
    Param(
        "economy.gdp_growth",
        "",
        {2022: 0.053, 2023: 0.07, 2025: 0.06, 2030: 0.05, 2040: 0.035, 2050: 0.025, 2060: 0.02},
        (-0.5, 1.0),
        "Real growth rate per year of the non-coal economy, GDP less coal value added (the "
        "base year's own rate is informational).",
        "非煤经济(地区生产总值减煤炭开采增加值)年实际增长率(基年数值仅作记录)。",
        "economy",
        source=f"{_REPORT}: 2022 增长5.3%, 2023 目标增长7%以上 (GDP; read as the non-coal "
        "economy's growth, calibration/sources.md §1.9); after 2023 assumption: gradual slowdown "
        "to 2% by 2060",
    ),
    Param(
        "economy.coal_price",
        "CNY/t",
        450.0,
        (0.0, 3000.0),
        "Average sales price of the banner's raw coal at constant 2022 prices, at which coal "
        "mining's value added enters GDP.",
        "旗内原煤平均销售价格(2022年不变价),用于计算煤炭开采增加值。",
        "economy",
        source="estimate 450 (300–660) CNY/t, calibration/sources.md §1.9: the banner's average "
        "sales price 251 元/t (Jan–Aug 2020) and the IM 5000–5500 kcal monitored average 659.72 "
        "元/t (June 2022); fuel costs use costs.price.coal, the 5000–5500 kcal spot price",
    ),
    Param(
        "economy.coal_value_added_share",
        "",
        0.42,
        (0.0, 1.0),
        "Value added of coal mining per yuan of coal sales (value-added rate).",
        "煤炭开采和洗选业增加值率(增加值占销售收入比重)。",
        "economy",
        source="estimate 0.42 (0.30–0.55), calibration/sources.md §1.9: derived from the 2018 "
        "bulletin's industrial value added 449.42 of GDP 938.18亿元 and the banner's coal sales",
    ),
    Param(
        "economy.diesel_tce_per_t",
        "tce/t",
        1.4571,
        (0.5, 3.0),
        "Standard-coal equivalent of one tonne of diesel (for energy use and intensity).",
        "柴油折标准煤系数。",
        "economy",
        source="GB/T 2589 via parameter-sources.md (max.book118 table): 1.4571 kgce/kg",
    ),
    Param(
        "economy.electricity_tce_per_mwh",
        "tce/MWh",
        0.1229,
        (0.05, 0.5),
        "Calorific-equivalent standard coal of one MWh of electricity (primary electricity and "
        "exported electricity are counted with it).",
        "电力折标准煤系数(当量值)。",
        "economy",
        source="GB/T 2589-2020 calorific equivalent 0.1229 kgce/kWh",
    ),
]

_DEMAND_DEFAULTS = {
    # (user, carrier): (base, elasticity, gain, source of base)
    ("other_industry", "electricity"): (
        4.0,
        0.8,
        0.01,
        "assumption: electricity of industry other than mining, coal chemicals, electrolysis and "
        "trucks (alumina from fly ash, silicon, materials) ~4 TWh in 2022; not published",
    ),
    ("other_industry", "coal"): (
        4.0,
        0.5,
        0.015,
        "assumption: coal of other industry and heating plants ~4 Mt raw coal in 2022; not "
        "published",
    ),
    ("buildings", "electricity"): (
        0.8,
        0.6,
        0.005,
        "assumption: ~360,000 residents (2020 census 359,184) × ~2,200 kWh per head incl. "
        "commercial",
    ),
    ("buildings", "coal"): (
        0.6,
        0.0,
        0.03,
        "assumption: household and small-boiler heating coal ~0.6 Mt (report: 暖心煤 9万吨 to "
        "4.5万户; 清洁供暖改造5500户 in 2023 motivates the 3%/yr decline)",
    ),
}

for (_user, _carrier), (_base, _el, _gain, _src) in _DEMAND_DEFAULTS.items():
    _unit, _cen, _czh = DEMAND_CARRIERS[_carrier]
    _uen, _uzh = DEMAND_USERS[_user]
    _stem = f"demand.{_user}.{_carrier}"
    PARAMS += [
        Param(
            f"{_stem}_base",
            _unit,
            _base,
            (0.0, 500.0),
            f"{_uen.capitalize()} {_cen} demand in the base year.",
            f"基年{_uzh}{_czh}需求。",
            "economy",
            index=(_user, _carrier),
            source=_src,
        ),
        Param(
            f"{_stem}_elasticity",
            "",
            _el,
            (-2.0, 3.0),
            f"Elasticity of {_uen} {_cen} demand to GDP.",
            f"{_uzh}{_czh}需求对地区生产总值的弹性。",
            "economy",
            index=(_user, _carrier),
            source="assumption: typical GDP elasticities of energy demand (0–1), wide range",
        ),
        Param(
            f"{_stem}_gain",
            "",
            _gain,
            (-0.5, 0.5),
            f"Autonomous efficiency gain (and fuel switching) of {_uen} {_cen} demand per year.",
            f"{_uzh}{_czh}需求的年自主能效提升率(含燃料替代)。",
            "economy",
            index=(_user, _carrier),
            source="assumption: 0.5–3 %/yr autonomous efficiency improvement",
        ),
    ]

OUTPUTS: list[Output] = [
    Output("gdp", "bnCNY", "Gross regional product", "地区生产总值", sector="economy"),
    Output(
        "gdp_coal",
        "bnCNY",
        "GDP: value added of coal mining (output × price × value-added share)",
        "地区生产总值:煤炭开采增加值(产量×价格×增加值率)",
        sector="economy",
    ),
    Output(
        "gdp_rest",
        "bnCNY",
        "GDP: the economy other than coal mining",
        "地区生产总值:煤炭开采以外经济",
        sector="economy",
    ),
    Output(
        "energy_use_tce",
        "Mtce/yr",
        "Total energy use (standard coal equivalent, Mtce)",
        "能源消费总量(百万吨标准煤)",
        sector="economy",
    ),
    Output(
        "energy_intensity",
        "tce/(1e4 CNY)",
        "Energy use per GDP (tce per 10^4 CNY)",
        "单位地区生产总值能耗(吨标准煤/万元)",
        sector="economy",
    ),
    Output(
        "energy_use_total_control",
        "Mtce/yr",
        "Energy use, total-control account (feedstock coal and new renewable electricity "
        "excluded)",
        "能源消费量(总量考核口径,扣除原料用能和新增可再生能源电力)",
        sector="economy",
    ),
    Output(
        "energy_intensity_control",
        "tce/(1e4 CNY)",
        "Energy use per GDP, intensity-control account (feedstock coal excluded)",
        "单位地区生产总值能耗(强度考核口径,扣除原料用能)",
        sector="economy",
    ),
    Output(
        "co2_intensity",
        "t/(1e4 CNY)",
        "CO2 per GDP (tCO2 per 10^4 CNY)",
        "单位地区生产总值二氧化碳排放(吨/万元)",
        sector="economy",
    ),
]
for _user, (_uen, _uzh) in DEMAND_USERS.items():
    for _carrier, (_unit, _cen, _czh) in DEMAND_CARRIERS.items():
        OUTPUTS.append(
            Output(
                f"{_user}_{_carrier}",
                _unit,
                f"{_uen.capitalize()} {_cen} demand",
                f"{_uzh}{_czh}需求",
                sector="economy",
            )
        )


def gdp_path(gdp_base, growth):
    """A level grown from its base-year value at a rate per year: the rest of the economy
    ``R`` from ``R[0]`` (and GDP itself when coal value added grows at the same rate).

    Parameters
    ----------
    gdp_base : ndarray, shape (n | 1,)
        Base-year GDP [bnCNY].
    growth : ndarray, shape (n | 1, n_years)
        Growth rate per year [fraction/yr]; column 0 is not used.

    Returns
    -------
    ndarray, shape (n | 1, n_years)
        GDP [bnCNY]; ``GDP[:, 0] = gdp_base``.
    """
    factor = 1.0 + growth
    factor[:, 0] = 1.0  # the base year's level is given, not grown
    return gdp_base[:, None] * np.cumprod(factor, axis=1)


def coal_value_added(output, price, share):
    """Value added of coal mining [bnCNY/yr at 2022 prices].

    Parameters
    ----------
    output : ndarray or float
        Raw-coal output [Mt/yr].
    price : ndarray or float
        Average sales price [CNY/t].
    share : ndarray or float
        Value added per yuan of sales [-].

    Returns
    -------
    ndarray or float
        ``output · price · share · 10⁻³`` (1 Mt × 1 CNY/t = 10⁶ CNY = 10⁻³ bnCNY).
    """
    return output * price * share * 1e-3


def rest_of_economy_base(gdp_base, coal_va):
    """The economy other than coal mining in the base year: the residual ``GDP[0] − C[0]``
    [bnCNY].

    Raises
    ------
    ScenarioError
        If coal value added reaches the base-year GDP in any sample (the price or value-added
        share is too high for the given GDP): one line naming ``economy.coal_price``.
    """
    rest = gdp_base - coal_va
    if np.any(rest <= 0.0):
        worst = int(np.argmin(np.broadcast_to(rest, np.shape(rest))))
        va = float(np.broadcast_to(coal_va, np.shape(rest)).flat[worst])
        base = float(np.broadcast_to(gdp_base, np.shape(rest)).flat[worst])
        raise ScenarioError(
            f"coal value added reaches the base-year GDP (expected output × price × value-added "
            f"share below economy.gdp_base = {base * 10:.0f}亿元, got {va * 10:.0f}亿元)",
            key="economy.coal_price",
        )
    return rest


def elastic_demand(base, elasticity, gain, gdp_ratio_log):
    """GDP-driven demand of one user for one carrier, for every year.

    Parameters
    ----------
    base : ndarray, shape (n | 1,)
        Demand in the base year [TWh/yr or Mt/yr].
    elasticity : ndarray, shape (n | 1,)
        GDP elasticity [-] (base-year value; constant over time).
    gain : ndarray, shape (n | 1, n_years)
        Autonomous efficiency gain per year [fraction/yr]; column 0 is not used.
    gdp_ratio_log : ndarray, shape (n | 1, n_years)
        ``log(GDP[t] / GDP[0])`` [-].

    Returns
    -------
    ndarray, shape (n | 1, n_years)
        Demand [unit of ``base``].
    """
    keep = 1.0 - gain
    keep[:, 0] = 1.0
    return base[:, None] * np.exp(elasticity[:, None] * gdp_ratio_log) * np.cumprod(keep, axis=1)


def intensity(total, gdp):
    """Quantity per 10^4 CNY of GDP.

    Parameters
    ----------
    total : ndarray, shape (n, n_years)
        Energy use [Mtce/yr] or CO2 [Mt/yr].
    gdp : ndarray, shape (n | 1, n_years)
        GDP [bnCNY].

    Returns
    -------
    ndarray, shape (n, n_years)
        [t per 10^4 CNY]: 1 Mt / 1 bnCNY = 10^6 t / 10^5 (10^4 CNY) = 10 t per 10^4 CNY.
    """
    return 10.0 * total / gdp
