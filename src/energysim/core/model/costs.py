"""Costs and investment: money next to energy and CO2 (issue 16).

Everything here is computed after the year loop, for all years at once, from the physical
results (capacity additions and stocks, generation, fuel burned, vehicle sales, chemical
capacity …) and the cost parameters below. Money is in **real yuan of** :data:`PRICE_YEAR`
(``energysim.units.CURRENCY_YEAR``); a cost written in a scenario with another currency year
(``"5800 元2020/kW"``) is refused. Equations (docs/model.md, section "Costs"):

* investment ``I_a[t] = add_a[t] · capex_a[t]`` for every asset ``a`` (power technologies,
  battery energy ``add · duration``, electrolysers, trucks by powertrain, charging/swap stations
  and coal-chemical plants, the latter two on the positive change of their stock), counted in
  the year the capacity starts operating [bnCNY/yr];
* capital value of the stock (vintages at their own capex, retirements at the stock's average
  unit value) ``V_a[t] = V_a[t−1] · s_a[t] + I_a[t]`` with the survival share
  ``s = (K[t] − add[t]) / K[t−1]`` (1 where ``K[t−1] = 0``) and ``V_a[−1] = K_a[−1] · capex_a[0]``;
* annualised capital ``A_a[t] = V_a[t] · CRF(r[t], L_a[t])`` with the capital recovery factor
  ``CRF(r, L) = r / (1 − (1 + r)^−L)`` (``1/L`` at ``r = 0``); a constant stock ``K`` at a
  constant capex ``c`` costs the annuity ``K · c · CRF`` every year;
* fixed O&M ``F = Σ_a K_a · fom_a``; variable O&M ``= G_coal · vom + grey H2 · non-fuel cost``;
  fuel ``= (coal for power + coal chemicals + grey H2) · coal price + diesel · diesel price``;
  CCUS ``= CO2 captured · capture cost``; export sales ``= net electricity export · export price
  + hydrogen exports · hydrogen price``;
* system cost of the banner's energy supply ``S = Σ_a A_a + F + vom + fuel + CCUS − sales``;
* levelised cost of electricity of capacity built in year ``t`` [CNY/kWh]
  ``LCOE = (capex · CRF + fom) / h + vom + fuel per kWh + CCUS per kWh`` with ``h`` the
  realised full-load hours (after curtailment), or the planned ``power.<tech>.hours`` where the
  fleet does not run; undefined (NaN) only where both are 0;
* levelised cost of hydrogen [CNY/kg]: electrolytic ``(capex · CRF + fom) · e / h + p_el · e``
  (``e`` kWh/kg, ``h`` electrolyser hours, ``p_el`` the electricity price of electrolysis);
  coal ``= non-fuel cost + coal per kg · coal price``.

Layout: year-major, samples last, as everywhere in the engine: ``(n_years, m)`` or
``(n_years, k, m)`` with ``m`` 1 (deterministic) or the number of samples.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

import numpy as np

from energysim.core.model import Output, same_every_year
from energysim.core.model.hydrogen import electrolyser_stock
from energysim.core.model.kernels import use_compiled
from energysim.core.model.power import coal_burn
from energysim.core.param import Param
from energysim.units import CURRENCY_YEAR

#: Money is in real yuan of this year (see energysim.units.CURRENCY_YEAR).
PRICE_YEAR = CURRENCY_YEAR

_CS = "calibration/costs.md"
_TM = "8 Jan 2024 China Daily on the Tsinghua Institute for Carbon Neutrality outlook"

#: Assets on the ``asset`` dimension of ``investment``.
ASSETS = (
    "coal_power",
    "wind",
    "solar",
    "storage",
    "electrolyser",
    "heavy_trucks",
    "mining_trucks",
    "charging_stations",
    "chemicals",
)
ASSET_ZH = {
    "coal_power": "煤电",
    "wind": "风电",
    "solar": "光伏",
    "storage": "储能",
    "electrolyser": "电解槽",
    "heavy_trucks": "运煤重卡",
    "mining_trucks": "矿用卡车",
    "charging_stations": "充换电站",
    "chemicals": "煤化工装置",
}
#: Hydrogen production routes on the ``route`` dimension of ``lcoh``.
ROUTES = ("electrolytic", "coal")
ROUTE_ZH = {"electrolytic": "电解水制氢", "coal": "煤制氢"}
COORDS = {"asset": ASSETS, "route": ROUTES, "tech": ("coal", "wind", "solar")}

_POWER_TECHS = ("coal", "wind", "solar")
_POWERTRAINS = ("diesel", "bev", "fcev")
_PRODUCTS = ("olefins", "coal_to_liquids", "coal_to_gas", "ethylene_glycol", "aromatics")


#: Upper bound of a cost or price without its own bounds, as a multiple of its largest sourced
#: default (issue 13, docs/robustness.md): wide enough for any scenario, narrow enough to catch
#: a unit slip (元 for 万元, per kWh for per MWh) or a typo.
COST_CEILING = 10.0


def _ceiling(default) -> float:
    """``COST_CEILING`` × the largest default value [the parameter's unit]."""
    top = max(default.values()) if isinstance(default, dict) else default
    return float(COST_CEILING * top)


def _p(path, unit, default, en, zh, source, bounds=None, index=()):
    if bounds is None:
        bounds = (0.0, _ceiling(default))
    return Param(path, unit, default, bounds, en, zh, "costs", index=index, source=source)


PARAMS: list[Param] = [
    _p(
        "costs.discount_rate",
        "1/yr",
        0.065,
        "Real discount rate of capital (annualised capital, levelised costs).",
        "资本折现率(实际,用于年化资本成本和平准化成本)。",
        f"{_CS}: China Datang hurdle 6.5% pre-tax whole-investment IRR for PV and onshore wind "
        "(2025); Huadian ≥6.5% for wind, solar and storage",
        (0.0, 0.3),
    ),
    # ---- capex -----------------------------------------------------------------------------
    _p(
        "costs.capex.coal",
        "CNY/kW",
        3800.0,
        "Overnight capex of an ultra-supercritical coal unit.",
        "超超临界煤电机组单位千瓦造价。",
        f"{_CS}: Zhejiang Liuheng 2 GW 7 bn yuan ⇒ 3,500 (2022); Guangdong Dapu 2×1000 MW "
        "≈4,000 (c. 2022); midpoint; no Ordos figure found",
        index=("tech", "coal"),
    ),
    _p(
        "costs.capex.wind",
        "CNY/kW",
        {2022: 5800.0, 2030: 4300.0, 2060: 2900.0},
        "Capex of onshore wind (whole project).",
        "陆上风电单位千瓦造价(全项目)。",
        f"{_CS}: CREEI 2021 report, open-plain onshore 5,800 (2021); 2030 and 2060 Zhu et al. "
        "2025 via the PyPSA-China-PIK literature compilation (4,300; 2,900)",
        index=("tech", "wind"),
    ),
    _p(
        "costs.capex.solar",
        "CNY/kW",
        {2022: 4130.0, 2024: 3304.0, 2030: 3170.0, 2060: 1800.0},
        "Capex of utility-scale PV (fully installed).",
        "集中式光伏单位千瓦造价(全投资)。",
        f"{_CS}: Tsinghua ICN 4.13 yuan/W fully installed (2022) and 3.17 ground-mounted (2030), "
        f"{_TM}; 2024 EPC average 3.304 yuan/W (Polaris via SMM); 2060 Sun et al. via "
        "PyPSA-China-PIK (1,800)",
        index=("tech", "solar"),
    ),
    _p(
        "costs.capex.storage",
        "CNY/kWh",
        {2025: 1000.0, 2030: 700.0, 2060: 500.0},
        "Capex of battery storage per kWh of energy capacity (EPC).",
        "电化学储能单位千瓦时造价(EPC)。",
        f"{_CS}: CNESA 2h EPC average 949.8 (Aug 2025) and 1,061.9 yuan/kWh (Oct 2025); "
        "2030 and 2060 assumption (−30%, −50%; LBNL halves 2020→2030 in PyPSA-China-PIK)",
    ),
    _p(
        "costs.capex.electrolyser",
        "CNY/kW",
        {2023: 1500.0, 2030: 750.0, 2060: 600.0},
        "Capex of alkaline electrolysers (system incl. installation).",
        "碱性电解槽制氢系统单位千瓦造价(含安装)。",
        f"{_CS}: ALK 1,350–1,500 Rmb/kW (1Q2023 procurement); Jingli 13 MW 19.55m yuan ⇒ "
        "1,504 incl. installation; 2030 halving (国际能源网: 2030年前后设备成本减半); 2060 "
        "assumption",
    ),
    *[
        _p(
            f"costs.capex.heavy_trucks.{pt}",
            "CNY/vehicle",
            default,
            f"Purchase price of a {pt} heavy truck (unsubsidised).",
            f"{zh}重卡购置价格(未计补贴)。",
            src,
            index=("powertrain", pt),
        )
        for pt, default, zh, src in (
            ("diesel", 400_000.0, "柴油", f"{_CS}: ~400,000 yuan (2025, Nikkei via reportify)"),
            ("bev", 470_000.0, "纯电动", f"{_CS}: ~470,000 yuan (2025, Nikkei via reportify)"),
            (
                "fcev",
                {2020: 1_500_000.0, 2025: 1_100_000.0},
                "氢燃料电池",
                f"{_CS}: Guohong Hydrogen (Ordos) 110万 unsubsidised, 150万 five years "
                "earlier (明报 2025-08-04); flat after 2025 (no projection found)",
            ),
        )
    ],
    *[
        _p(
            f"costs.capex.mining_trucks.{pt}",
            "CNY/vehicle",
            default,
            f"Purchase price of a {pt} wide-body mining truck.",
            f"{zh}宽体矿卡购置价格。",
            src,
            index=("powertrain", pt),
        )
        for pt, default, zh, src in (
            ("diesel", 600_000.0, "柴油", f"assumption: NOT FOUND ({_CS})"),
            (
                "bev",
                1_250_000.0,
                "纯电动",
                f"derived ({_CS}): diesel price + ~3 yr of the 25,700–35,700 USD/yr operating "
                "saving of a 105 t electric wide-body truck (payback ~3 yr, tnr-international "
                "2025) at 7.2 CNY/USD",
            ),
            ("fcev", 1_800_000.0, "氢燃料电池", f"assumption: NOT FOUND ({_CS})"),
        )
    ],
    _p(
        "costs.capex.charging_station",
        "CNY/station",
        10_000_000.0,
        "Investment per heavy-truck charging/swap station.",
        "重卡充换电站单站投资。",
        f"{_CS}: ~10 million RMB per heavy-truck swap station (vendor blog, c. 2022)",
    ),
    *[
        _p(
            f"costs.capex.chemicals.{prod}",
            "CNY/t",
            default,
            f"Investment per tonne of annual {prod.replace('_', ' ')} capacity.",
            f"{zh}吨产能投资(每吨年产能)。",
            src,
            index=("product", prod),
        )
        for prod, default, zh, src in (
            (
                "olefins",
                27_360.0,
                "煤制烯烃",
                f"{_CS}: Sinopec 大路 (准格尔旗) coal-to-olefins 238亿元 for 34+53万t/a "
                "polyolefin",
            ),
            (
                "coal_to_liquids",
                13_540.0,
                "煤制油",
                f"{_CS}: Yitai 2 Mt/yr CTL in Zhungeer, 29.1 bn yuan for 2.15 Mt/yr (c. 2016)",
            ),
            (
                "coal_to_gas",
                9_300.0,
                "煤制气",
                f"{_CS}: Ordos (准格尔) coal-to-gas park 800亿元 for 120亿m³/yr ⇒ 6.67 元 per "
                "m³/yr, × 1,395 m³/t (0.717 kg/m³); older (c. 2013)",
            ),
            ("ethylene_glycol", 10_000.0, "煤制乙二醇", f"assumption: NOT FOUND ({_CS})"),
            ("aromatics", 15_000.0, "煤制芳烃", f"assumption: NOT FOUND ({_CS})"),
        )
    ],
    _p(
        "costs.ccus.cost_per_t",
        "CNY/t",
        384.0,
        "Levelised full-chain CCUS cost per tonne of CO2 captured (capital included).",
        "CCUS全链条平准化成本(每吨捕集二氧化碳,含资本)。",
        f"{_CS}: Huaneng fleet full-chain CCS, levelised net emission-reduction cost 384 "
        "yuan/t (Liu et al., IRSM-CAS & Huaneng CERI, c. 2023)",
    ),
    # ---- O&M -------------------------------------------------------------------------------
    _p(
        "costs.fom.coal",
        "CNY/kW/yr",
        120.0,
        "Fixed O&M of coal units (excluding capital).",
        "煤电固定运维成本(不含资本)。",
        f"assumption ({_CS}): ~3% of capex; the NDRC 330 元/kW·yr standard fixed cost "
        "includes depreciation and financing",
        index=("tech", "coal"),
    ),
    _p(
        "costs.fom.wind",
        "CNY/kW/yr",
        95.0,
        "Fixed O&M of onshore wind.",
        "风电固定运维成本。",
        f"{_CS}: Wood Mackenzie China average ~13,000 USD/MW·yr (2018) at 7.2 CNY/USD; older",
        index=("tech", "wind"),
    ),
    _p(
        "costs.fom.solar",
        "CNY/kW/yr",
        50.0,
        "Fixed O&M of utility PV.",
        "光伏固定运维成本。",
        f"assumption ({_CS}): ~1.5% of capex; no China figure found",
        index=("tech", "solar"),
    ),
    _p(
        "costs.fom.storage",
        "CNY/kWh/yr",
        20.0,
        "Fixed O&M of battery storage per kWh of energy capacity.",
        "储能固定运维成本(每千瓦时容量)。",
        f"assumption ({_CS}): 2% of capex; no China figure found",
    ),
    _p(
        "costs.fom.electrolyser",
        "CNY/kW/yr",
        30.0,
        "Fixed O&M of electrolysers.",
        "电解槽固定运维成本。",
        f"assumption ({_CS}): 2% of capex",
    ),
    _p(
        "costs.fom.plant_share",
        "1/yr",
        0.03,
        "Fixed O&M of coal-chemical plants and charging stations, as a share of capex per year.",
        "煤化工装置和充换电站年固定运维成本占投资比例。",
        f"assumption ({_CS})",
        (0.0, 0.5),
    ),
    _p(
        "costs.vom.coal",
        "CNY/kWh",
        0.02,
        "Variable O&M of coal units besides fuel (per kWh generated).",
        "煤电变动运维成本(燃料以外,每千瓦时发电量)。",
        f"assumption ({_CS})",
        index=("tech", "coal"),
    ),
    _p(
        "costs.h2_coal.nonfuel_cost",
        "CNY/kg",
        3.1,
        "Non-fuel cost of coal-gasification hydrogen (capital and O&M, levelised).",
        "煤制氢非燃料成本(资本与运维,平准化)。",
        f"derived ({_CS}): CICC coal-gasification H2 10.02 yuan/kg (2023) − 10.5 kg coal/kg × "
        "0.66 yuan/kg",
    ),
    # ---- lifetimes of assets without one elsewhere ----------------------------------------
    _p(
        "costs.lifetime.charging_station",
        "yr",
        15.0,
        "Economic life of charging/swap stations (for annualised capital).",
        "充换电站经济寿命(用于年化资本)。",
        f"assumption ({_CS})",
        (1.0, 60.0),
    ),
    _p(
        "costs.lifetime.chemicals",
        "yr",
        30.0,
        "Economic life of coal-chemical plants (for annualised capital).",
        "煤化工装置经济寿命(用于年化资本)。",
        f"assumption ({_CS})",
        (1.0, 60.0),
    ),
    # ---- prices ----------------------------------------------------------------------------
    _p(
        "costs.price.coal",
        "CNY/t",
        660.0,
        "Price of raw coal at the mine (fuel and feedstock used in the banner).",
        "原煤坑口价格(旗内燃料和原料用煤)。",
        f"{_CS}: Inner Mongolia 5000–5500 kcal thermal coal, weekly monitored average 659.72 "
        "yuan/t (June 2022, IM Department of Commerce)",
    ),
    _p(
        "costs.price.diesel",
        "CNY/t",
        8370.0,
        "Price of diesel (retail, incl. taxes).",
        "柴油价格(零售,含税)。",
        f"derived ({_CS}): 0# diesel 7.03 元/升 (Xilingol, March 2025) ÷ 0.84 kg/L",
    ),
    _p(
        "costs.price.electricity_export",
        "CNY/kWh",
        0.28,
        "Price received for electricity sold to the grid (paid for electricity bought).",
        "外送电量上网电价(购入电量同价)。",
        f"assumption ({_CS}): 蒙东 coal benchmark 303.5 元/MWh; Mengxi spot Jan–Apr 2025 "
        "averages 153–344 元/MWh; the Mengxi benchmark 0.2829 was not found",
    ),
    _p(
        "costs.price.electrolysis_electricity",
        "CNY/kWh",
        0.2,
        "Price of the electricity used by electrolysers (levelised cost of hydrogen).",
        "电解制氢用电价格(用于氢气平准化成本)。",
        f"{_CS}: green-H2 cost example at 0.2 RMB/kWh (cmventure, July 2024)",
    ),
    _p(
        "costs.price.hydrogen",
        "CNY/kg",
        20.0,
        "Price received for hydrogen sold outside the banner.",
        "外销氢气价格。",
        f"{_CS}: Inner Mongolia green hydrogen 17–20 yuan/kg (March 2025); CICC green 20.53 "
        "(2023)",
    ),
]

_b = "bnCNY/yr"
OUTPUTS: list[Output] = [
    Output("investment", _b, "Investment by asset", "分类投资", ("asset",), "costs"),
    Output("investment_total", _b, "Total investment", "总投资", (), "costs"),
    Output("capital_cost", _b, "Annualised capital cost", "年化资本成本", (), "costs"),
    Output("fixed_om_cost", _b, "Fixed O&M cost", "固定运维成本", (), "costs"),
    Output(
        "variable_om_cost",
        _b,
        "Variable O&M cost (coal power; non-fuel cost of coal hydrogen)",
        "变动运维成本(煤电;煤制氢非燃料成本)",
        (),
        "costs",
    ),
    Output("fuel_cost", _b, "Fuel cost (coal and diesel)", "燃料成本(煤炭和柴油)", (), "costs"),
    Output("ccus_cost", _b, "CCUS cost", "CCUS成本", (), "costs"),
    Output(
        "export_revenue",
        _b,
        "Sales of electricity and hydrogen outside the banner",
        "外送电力和氢气收入",
        (),
        "costs",
    ),
    Output(
        "system_cost",
        _b,
        "Net cost of the banner's energy supply",
        "能源供应系统净成本",
        (),
        "costs",
    ),
    Output(
        "lcoe",
        "CNY/kWh",
        "Levelised cost of electricity of capacity built in the year",
        "当年新建机组平准化度电成本",
        ("tech",),
        "costs",
    ),
    Output(
        "lcoh",
        "CNY/kg",
        "Levelised cost of hydrogen by route",
        "分路线氢气平准化成本",
        ("route",),
        "costs",
    ),
]
#: Names of the cost outputs.
OUTPUT_NAMES = tuple(o.name for o in OUTPUTS)

#: Physical results the cost accounting reads (recorded by the engine whenever a cost output is
#: kept, and dropped again when they were not asked for).
INPUTS = (
    "power_cap",
    "power_add",
    "power_gen",
    "power_hours",
    "storage_cap",
    "storage_add",
    "electrolyser_cap",
    "h2_grey_supply",
    "h2_export",
    "heavy_truck_fleet",
    "heavy_truck_sales",
    "mining_truck_fleet",
    "mining_truck_sales",
    "charging_stations_needed",
    "coal_power_use",
    "chem_coal_use",
    "h2_grey_coal_use",
    "mining_diesel",
    "mining_truck_diesel_use",
    "heavy_truck_diesel_use",
    "co2_captured",
    "net_export",
)


# ------------------------------------------------------------------------------ engine hooks


def extra_inputs(keep: set[str] | None) -> set[str]:
    """Inputs the engine must record besides ``keep`` for the cost outputs kept.

    Parameters
    ----------
    keep : set of str or None
        The outputs asked for (None: all).

    Returns
    -------
    set of str
        Empty when no cost output is kept or everything is kept.
    """
    if keep is None or not keep & set(OUTPUT_NAMES):
        return set()
    return set(INPUTS) - keep


def record_costs(
    P: Mapping[str, np.ndarray],
    arrays: dict[str, np.ndarray],
    record: Callable[[str, np.ndarray], None],
    wants: Callable[[str], bool],
    extra: Iterable[str] = (),
) -> None:
    """The engine's after-the-loop call: compute the cost outputs and record them.

    Parameters
    ----------
    P : mapping
        Parameters, year-major ``(n_years, m)``.
    arrays : dict
        The recorded outputs (year-major), containing :data:`INPUTS` when a cost output is
        wanted; the names in ``extra`` (inputs recorded only for the costs) are removed after.
    record : callable (name, array)
        The recorder's ``whole``.
    wants : callable (name) -> bool
        Whether an output is kept.
    extra : iterable of str
    """
    if any(wants(name) for name in OUTPUT_NAMES):
        for name, value in cost_outputs(P, arrays).items():
            record(name, value)
    for name in extra:
        arrays.pop(name, None)


# ---------------------------------------------------------------------------- pure functions


def capital_recovery_factor(rate, lifetime):
    """Capital recovery factor ``r / (1 − (1 + r)^−L)`` [1/yr]; ``1/L`` where ``r = 0``.

    Parameters
    ----------
    rate : ndarray
        Discount rate [1/yr], ≥ 0.
    lifetime : ndarray
        Economic life [yr], > 0.

    Returns
    -------
    ndarray
        The constant annual payment per unit of capital [1/yr].
    """
    rate = np.asarray(rate, dtype=float)
    lifetime = np.asarray(lifetime, dtype=float)
    if (rate.ndim == lifetime.ndim == 2 and same_every_year(rate.T) and same_every_year(lifetime.T)
            and max(len(rate), len(lifetime)) > 1):
        # sampled once per run (zero stride along the years): one row, the same numbers
        shape = np.broadcast_shapes(rate.shape, lifetime.shape)
        return np.broadcast_to(capital_recovery_factor(rate[:1], lifetime[:1]), shape)
    small = rate < 1e-12
    r = np.where(small, 1.0, rate)
    crf = r / -np.expm1(-lifetime * np.log1p(r))
    return np.where(small, 1.0 / lifetime, crf)


def investment(additions, unit_cost, scale):
    """Investment ``additions · unit_cost · scale`` [bnCNY/yr] (elementwise).

    ``scale`` converts the product to bnCNY: 1e-3 for GW × CNY/kW, 1e-9 for vehicles × CNY.
    """
    return additions * unit_cost * scale


def positive_change(stock, before=None):
    """Additions of a stock known only as a level: ``max(K[t] − K[t−1], 0)``.

    Parameters
    ----------
    stock : ndarray, shape (n_years, ...)
    before : ndarray, optional
        ``K[−1]`` (default ``K[0]``: nothing is attributed to the base year).
    """
    out = np.empty_like(stock, dtype=float)
    np.subtract(stock[1:], stock[:-1], out=out[1:])
    np.subtract(stock[0], stock[0] if before is None else before, out=out[0])
    return np.maximum(out, 0.0, out=out)


def capital_value(stock, additions, invest, value_before, before=None):
    """Capital value of a stock, vintages at their own cost [bnCNY].

    ``V[t] = V[t−1] · s[t] + invest[t]`` with the survival share of last year's stock
    ``s[t] = clip((K[t] − add[t]) / K[t−1], 0, 1)`` (1 where ``K[t−1] = 0``): retirements take
    the stock's average unit value.

    Parameters
    ----------
    stock : ndarray, shape (n_years, m)
        End-of-year stock ``K`` [stock unit].
    additions : ndarray, broadcastable to ``stock``
        Stock added in the year [stock unit/yr].
    invest : ndarray, broadcastable to ``stock``
        Investment of the year [bnCNY/yr].
    value_before : ndarray, shape (m,) or scalar
        ``V[−1]``, the value of the stock before the first year [bnCNY].
    before : ndarray, optional
        ``K[−1]`` (default ``K[0] − add[0]``, clipped at 0).

    Returns
    -------
    ndarray, shape (n_years, m') [bnCNY]
    """
    stock, additions, invest = np.broadcast_arrays(stock, additions, invest)
    prev_k = np.maximum(stock[0] - additions[0], 0.0) if before is None else before
    n_years = stock.shape[0]
    shape = np.broadcast_shapes(np.shape(value_before), np.shape(prev_k), stock.shape[1:])
    if len(shape) == 1 and use_compiled(shape[0]):  # ensembles: the loop compiled
        # lazy: numba loads only for ensembles (a single run keeps its start-up time)
        from energysim.core.model.kernels import stocks as compiled

        return compiled.capital_value(stock, additions, invest, value_before, prev_k, shape[0])
    v = np.array(np.broadcast_to(value_before, shape), dtype=float)
    value = np.empty((n_years,) + shape)
    survive = np.empty(shape)
    kept = np.empty(shape)
    for t in range(n_years):
        survive.fill(1.0)
        np.subtract(stock[t], additions[t], out=kept)
        np.divide(kept, prev_k, out=survive, where=np.greater(prev_k, 0.0))
        np.minimum(survive, 1.0, out=survive)
        np.maximum(survive, 0.0, out=survive)
        np.multiply(v, survive, out=v)
        np.add(v, invest[t], out=v)
        value[t] = v
        prev_k = stock[t]
    return value


def lcoe(capex, crf, fom, hours, vom=0.0, fuel=0.0):
    """Levelised cost of electricity [CNY/kWh].

    ``(capex · crf + fom) / hours + vom + fuel``; NaN where ``hours = 0``.

    Parameters
    ----------
    capex : CNY/kW; crf : 1/yr; fom : CNY/kW/yr; hours : h/yr; vom, fuel : CNY/kWh.
    """
    hours = np.asarray(hours, dtype=float)
    fixed = capex * crf + fom  # parameters: usually narrow (sample size 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        result = _iadd(np.divide(fixed, hours), vom + fuel)
    idle = hours <= 0.0
    if idle.any():
        result[np.broadcast_to(idle, result.shape)] = np.nan
    return result


def lcoh_electrolytic(capex, crf, fom, hours, kwh_per_kg, electricity_price):
    """Levelised cost of electrolytic hydrogen [CNY/kg].

    ``(capex · crf + fom) / hours · e + p_el · e``; NaN where ``hours = 0``.

    Parameters
    ----------
    capex : CNY/kW; crf : 1/yr; fom : CNY/kW/yr; hours : h/yr; kwh_per_kg : kWh/kg;
    electricity_price : CNY/kWh.
    """
    return lcoe(capex, crf, fom, hours, electricity_price) * kwh_per_kg


def lcoh_coal(nonfuel_cost, coal_per_t, coal_price):
    """Levelised cost of coal-gasification hydrogen [CNY/kg].

    ``nonfuel + coal_per_t [t/t] · coal price [CNY/t] · 10^-3`` (t of H2 → kg).
    """
    return nonfuel_cost + coal_per_t * coal_price * 1e-3


# --------------------------------------------------------------------------- the accounting


#: Realised full-load hours below which a fleet counts as not running for its levelised cost
#: [h/yr]: the LCOE then uses the planned hours (power.<tech>.hours). A fleet dispatched to a
#: few seconds a year would otherwise get a cost per kWh that overflows to infinity.
MIN_RUN_HOURS = 1.0


def cost_outputs(P: Mapping[str, np.ndarray], o: Mapping[str, np.ndarray]) -> dict:
    """Every cost output from the parameters and the physical results.

    Parameters
    ----------
    P : mapping of str to ndarray
        Parameters, year-major ``(n_years, m)`` in canonical units.
    o : mapping of str to ndarray
        The physical results named in :data:`INPUTS`, year-major ``(n_years, [k,] m)``.

    Returns
    -------
    dict of str to ndarray
        :data:`OUTPUT_NAMES` → year-major arrays in their canonical units.

    Notes
    -----
    Quantities are computed at their own sample width (1 for deterministic ones) and widened
    only where they meet an uncertain one, so a deterministic asset costs one column.
    """
    r = P["costs.discount_rate"]
    inv: list[np.ndarray] = []  # by asset, in ASSETS order
    fom = _Total()
    capital = _Total()
    stocks: list[tuple] = []  # narrow stocks: (stock, adds, invest, V[-1], K[-1], CRF)

    def add_stock(item):
        """Capital value of a stock: narrow ones later in one pass, wide ones now (so that their
        temporaries are freed at once)."""
        if max(np.shape(x)[-1] if np.ndim(x) else 1 for x in item[:5]) == 1:
            stocks.append(item)
        else:
            capital.add(capital_value(*item[:5]) * item[5])

    def account(stock, adds, unit_cost, scale, life, before=None):
        invest = investment(adds, unit_cost, scale)
        inv.append(invest)
        k0 = np.maximum(stock[0] - adds[0], 0.0) if before is None else before
        add_stock((stock, adds, invest, k0 * unit_cost[0] * scale, k0,
                   capital_recovery_factor(r, life)))

    # power
    cap, add, gen = o["power_cap"], o["power_add"], o["power_gen"]
    for j, tech in enumerate(_POWER_TECHS):
        p = f"power.{tech}"
        account(cap[:, j], add[:, j], P[f"costs.capex.{tech}"], 1e-3, P[f"{p}.lifetime"],
                P[f"{p}.capacity_initial"][0])
        fom.add(cap[:, j] * (P[f"costs.fom.{tech}"] * 1e-3))
    # storage: energy capacity (power × duration)
    dur = P["storage.duration"]
    st_e, st_add_e = o["storage_cap"] * dur, o["storage_add"] * dur
    account(st_e, st_add_e, P["costs.capex.storage"], 1e-3, P["storage.lifetime"],
            P["storage.power_initial"][0] * dur[0])
    fom.add(st_e * (P["costs.fom.storage"] * 1e-3))
    # electrolysers: additions incl. rebuilt retirements, from the hydrogen module's stock
    # function (parameters only; the same numbers the engine's precompute uses)
    e = "hydrogen.electrolyser"
    account(o["electrolyser_cap"], _electrolyser_additions(P), P["costs.capex.electrolyser"],
            1e-3, P[f"{e}.lifetime"], P[f"{e}.capacity_initial"][0])
    fom.add(o["electrolyser_cap"] * (P["costs.fom.electrolyser"] * 1e-3))
    # trucks by powertrain: sales × price (1e-9: CNY → bnCNY)
    for fleet in ("heavy_trucks", "mining_trucks"):
        stem = fleet[:-1]  # heavy_truck / mining_truck
        fl, sales = o[f"{stem}_fleet"], o[f"{stem}_sales"]
        prices = [P[f"costs.capex.{fleet}.{pt}"] * 1e-9 for pt in _POWERTRAINS]  # bnCNY/vehicle
        invest = sales[:, 0] * prices[0]
        for k in (1, 2):
            invest = invest + sales[:, k] * prices[k]
        inv.append(invest)
        # one stock (all powertrains): retirements at the fleet's average unit value
        before = np.maximum(fl[0] - sales[0], 0.0)  # (3, m): fleet before the base year
        v0 = sum(before[k] * prices[k][0] for k in range(3))
        add_stock((fl.sum(axis=1), sales.sum(axis=1), invest, v0, before.sum(axis=0),
                   capital_recovery_factor(r, P[f"transport.{fleet}.lifetime"])))
    # charging/swap stations and coal-chemical plants: stocks known as levels
    plant_share = P["costs.fom.plant_share"]
    stations = o["charging_stations_needed"]
    st_cost = P["costs.capex.charging_station"]
    account(stations, positive_change(stations), st_cost, 1e-9,
            P["costs.lifetime.charging_station"])
    fom.add(stations * (st_cost * plant_share * 1e-9))
    chem_cap = np.stack(
        np.broadcast_arrays(*(P[f"chemicals.{k}.capacity"] for k in _PRODUCTS)), axis=1
    )
    chem_capex = np.stack(
        np.broadcast_arrays(*(P[f"costs.capex.chemicals.{k}"] for k in _PRODUCTS)), axis=1
    )
    chem_add = positive_change(chem_cap)
    # capacity added [Mt/yr] × CNY per t of capacity = 1e6 CNY/yr → 1e-3 bnCNY/yr;
    # plants valued product by product
    chem_inv = investment(chem_add, chem_capex, 1e-3)
    inv.append(chem_inv.sum(axis=1))
    chem_crf = capital_recovery_factor(r, P["costs.lifetime.chemicals"])
    for k in range(len(_PRODUCTS)):
        add_stock((chem_cap[:, k], chem_add[:, k], chem_inv[:, k],
                   chem_cap[0, k] * chem_capex[0, k] * 1e-3, chem_cap[0, k], chem_crf))
    fom.add((chem_cap * chem_capex).sum(axis=1) * (plant_share * 1e-3))
    for part in _annualised_capital(stocks):
        capital.add(part)
    capital, fixed_om = capital.value(), fom.value()

    # flows
    coal_price = P["costs.price.coal"]
    coal_bn = coal_price * 1e-3  # bnCNY per Mt
    grey = o["h2_grey_supply"]
    vom = _iadd(gen[:, 0] * P["costs.vom.coal"],
                grey * (P["costs.h2_coal.nonfuel_cost"] * 1e-3))
    coal_mt = _iadd(o["coal_power_use"] + o["chem_coal_use"], o["h2_grey_coal_use"])  # Mt/yr
    diesel_kt = _iadd(o["mining_diesel"] + o["mining_truck_diesel_use"],
                      o["heavy_truck_diesel_use"])  # kt/yr
    fuel = _iadd(coal_mt * coal_bn, diesel_kt * (P["costs.price.diesel"] * 1e-6))
    ccus_cost = o["co2_captured"] * (P["costs.ccus.cost_per_t"] * 1e-3)
    sales = _iadd(o["net_export"] * P["costs.price.electricity_export"],
                  o["h2_export"] * (P["costs.price.hydrogen"] * 1e-3))

    investment_by_asset = _stack(inv)
    investment_total = _sum(inv)
    system = _sum([capital, fixed_om, vom, fuel, ccus_cost])
    system = _iadd(system, -sales)

    # levelised costs of new capacity
    hours = o["power_hours"]
    lc = []
    for j, tech in enumerate(_POWER_TECHS):
        crf = capital_recovery_factor(r, P[f"power.{tech}.lifetime"])
        extra = 0.0
        if tech == "coal":
            # coal burned per kWh generated: the model's own coal-burn relation at 1 TWh
            burn, burn_ccus = coal_burn(
                1.0, P["power.own_use_share"], P["power.coal.heat_rate"],
                P["power.coal.ccus_share"], P["power.coal.ccus_energy_penalty"],
            )  # Mtce per TWh = 1e-3 tce/kWh
            coal_per_kwh = burn * 1e-3 / P["coal.tce_per_t"]  # t raw coal/kWh
            captured = (
                burn_ccus * 1e-3 * P["emissions.coal_co2_per_tce"]
                * P["power.coal.ccus_capture_rate"]
            )  # t CO2/kWh
            extra = (
                P["costs.vom.coal"] + coal_per_kwh * coal_price
                + captured * P["costs.ccus.cost_per_t"]
            )
        # realised hours; where the fleet does not run (none left, or dispatched to less than
        # MIN_RUN_HOURS), the planned full-load hours of the technology (power.<tech>.hours)
        h = hours[:, j]
        if not np.all(h >= MIN_RUN_HOURS):
            h = np.where(h >= MIN_RUN_HOURS, h, P[f"power.{tech}.hours"])
        lc.append(lcoe(P[f"costs.capex.{tech}"], crf, P[f"costs.fom.{tech}"], h, fuel=extra))
    lcoh = _stack([
        lcoh_electrolytic(
            P["costs.capex.electrolyser"],
            capital_recovery_factor(r, P[f"{e}.lifetime"]),
            P["costs.fom.electrolyser"],
            P[f"{e}.hours"],
            P[f"{e}.kwh_per_kg"],
            P["costs.price.electrolysis_electricity"],
        ),
        lcoh_coal(P["costs.h2_coal.nonfuel_cost"], P["hydrogen.grey.coal_per_t"], coal_price),
    ])
    return {
        "investment": investment_by_asset,
        "investment_total": investment_total,
        "capital_cost": capital,
        "fixed_om_cost": fixed_om,
        "variable_om_cost": vom,
        "fuel_cost": fuel,
        "ccus_cost": ccus_cost,
        "export_revenue": sales,
        "system_cost": system,
        "lcoe": _stack(lc),
        "lcoh": lcoh,
    }


def _annualised_capital(stocks: list[tuple]) -> list[np.ndarray]:
    """Annualised capital ``V · CRF`` of every stock [bnCNY/yr], the capital values computed in
    one pass over the years for all stocks of the same sample width (see :func:`capital_value`).

    Parameters
    ----------
    stocks : list of tuple
        ``(stock, additions, investment, value before, stock before, CRF)``, year-major
        ``(n_years, m_i)`` (the last two ``(m_i,)`` and ``(n_years, m_i)``).
    """
    out: list[np.ndarray] = []
    groups: dict[int, list[tuple]] = {}
    for item in stocks:
        width = max(np.shape(item[0])[-1], np.shape(item[1])[-1], np.shape(item[2])[-1],
                    np.shape(item[3])[-1] if np.ndim(item[3]) else 1,
                    np.shape(item[4])[-1] if np.ndim(item[4]) else 1)
        groups.setdefault(width, []).append(item)
    for width, items in groups.items():
        if width > 1:  # uncertain stocks: one at a time (no copies into a stacked array)
            for it in items:
                out.append(capital_value(it[0], it[1], it[2], it[3], it[4]) * it[5])
            continue
        cols = [np.stack(np.broadcast_arrays(*(it[i] for it in items)), axis=1)
                for i in range(3)]
        before_v, before_k = (
            np.stack(np.broadcast_arrays(*(np.atleast_1d(it[i]) for it in items)), axis=0)
            for i in (3, 4)
        )
        value = capital_value(cols[0], cols[1], cols[2], before_v, before_k)
        for j, it in enumerate(items):
            out.append(value[:, j] * it[5])
    return out


class _TimeMajorParams:
    """Year-major parameters ``(n_years, m)`` seen as :class:`energysim.core.params.Params`
    (``(m, n_years)`` views), for the sector modules' parameter-only stock functions."""

    def __init__(self, P: Mapping[str, np.ndarray]) -> None:
        self._P = P
        self.years = range(next(iter(P.values())).shape[0])

    def __getitem__(self, path: str) -> np.ndarray:
        return self._P[path].T

    def at(self, path: str, t: int) -> np.ndarray:
        return self._P[path][t]


def _electrolyser_additions(P: Mapping[str, np.ndarray]) -> np.ndarray:
    """Electrolyser capacity added per year, rebuilt retirements included [GW/yr],
    year-major ``(n_years, m)``."""
    return np.ascontiguousarray(electrolyser_stock(_TimeMajorParams(P))["add"].T)


class _Total:
    """A running sum of arrays ``(n_years, m_i)``: narrow parts (sample size 1) summed apart
    and added to the wide running total once, at the end; wide parts added in place (they must
    be temporaries the caller no longer uses)."""

    def __init__(self) -> None:
        self.narrow = None
        self.wide = None

    def add(self, part) -> None:
        if np.shape(part)[-1] == 1:
            self.narrow = np.array(part, dtype=float) if self.narrow is None else (
                self.narrow + part)
        elif self.wide is None:
            self.wide = part  # a fresh temporary of the caller: summed into in place
        else:
            self.wide = _iadd(self.wide, part)

    def value(self) -> np.ndarray:
        if self.wide is None:
            return self.narrow
        if self.narrow is None:
            return self.wide
        return _iadd(self.wide, self.narrow)


def _iadd(a: np.ndarray, b) -> np.ndarray:
    """``a + b``, in place when ``a`` (a temporary of the caller) already has the result's
    shape."""
    if np.shape(a) == np.broadcast_shapes(np.shape(a), np.shape(b)):
        a += b
        return a
    return a + b


def _stack(parts: list[np.ndarray]) -> np.ndarray:
    """``k`` arrays ``(n_years, m_i)`` → ``(n_years, k, m)`` (widths broadcast)."""
    m = max(np.shape(p)[-1] for p in parts)
    out = np.empty((np.shape(parts[0])[0], len(parts), m))
    for j, part in enumerate(parts):
        out[:, j] = part
    return out


def _sum(parts: list[np.ndarray]) -> np.ndarray:
    """Sum of arrays ``(n_years, m_i)``: the narrow ones (sample size 1) first, then the wide
    ones added in place (widths broadcast)."""
    narrow = [p for p in parts if np.shape(p)[-1] == 1]
    wide = [p for p in parts if np.shape(p)[-1] != 1]
    total = None
    for part in narrow:
        total = np.array(part, dtype=float) if total is None else total + part
    for part in wide:
        if total is None or np.shape(total)[-1] == 1:
            total = part + (0.0 if total is None else total)
        else:
            total += part
    return total
