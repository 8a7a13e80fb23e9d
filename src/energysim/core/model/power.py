"""Power generation: the coal fleet (with optional CCUS), wind and solar with curtailment.

Equations (docs/model.md, section "Power"):

* capacity stocks by vintage (:mod:`energysim.core.model.stocks`):
  ``cap[t] = cap[t-1] + add[t] − retire[t]`` for ``tech ∈ {coal, wind, solar}``;
* coal generation (gross) ``G_c = cap_c · hours_c`` [TWh/yr = GW · h/yr · 10^-3];
* potential (uncurtailed) wind + solar generation ``V = Σ cap · hours`` and its share of
  potential generation ``v = V / (V + G_c)`` (this year's, so nothing is circular);
* gross curtailment ``C₀ = V · clip(base + slope · (v − ref), 0, max)``; batteries absorb part
  of it: ``S = min(relief · E_ch, C₀)`` with ``E_ch`` the energy charged into batteries
  (:mod:`energysim.core.model.storage`) and ``relief`` the share of that charging done with
  otherwise-curtailed energy; curtailed ``C = C₀ − S``, curtailment share ``k = C / V``;
* wind and solar generation ``G = cap · hours · (1 − k)``;
* monotonicity: with ``slope ≤ 2`` and ``max ≤ 0.5`` (the catalogue bounds),
  ``d C₀ / d V = k₀ + slope · v (1 − v) ≤ max + slope / 4 ≤ 1``, so more wind or solar
  capacity never lowers wind or solar generation;
* plant own use ``O = own_use_share · G_c`` (thermal 厂用电率; wind/solar own use neglected);
* coal burned [Mtce/yr] ``B = G_c · (1 − own_use_share) · heat_rate · (1 + ccus_share ·
  penalty) · 10^-3``, with ``heat_rate`` the net coal rate (供电煤耗, per kWh supplied) and
  ``ccus_share`` the share of coal generation from units with capture, which burn
  ``(1 + penalty)`` times the coal per kWh; raw coal ``= B / coal.tce_per_t``;
* CO2 captured = ``capture_rate`` × the CO2 of the coal burned in capture units
  (:mod:`energysim.core.model.emissions`);
* cooling water ``= G_c · water_per_mwh`` [Mm3/yr].
"""

from __future__ import annotations

import numpy as np

from energysim.core.model import Output
from energysim.core.param import Param

_REPORT = "report 2022 (zhungeer-2023-government-work-report.txt)"
_PS = "parameter-sources.md"

#: Generation technologies on the ``tech`` dimension of power outputs.
TECHS = ("coal", "wind", "solar")
TECH_ZH = {"coal": "煤电", "wind": "风电", "solar": "光伏"}
#: Coordinates of the extra dimensions used by OUTPUTS.
COORDS = {"tech": TECHS}


def _stock_params(
    tech: str, zh: str, initial, initial_src, span, add, add_src, life, life_src, hours, hours_src
) -> list[Param]:
    p = f"power.{tech}"
    return [
        Param(
            f"{p}.capacity_initial",
            "GW",
            initial,
            (0.0, 100.0),
            f"Installed {tech} capacity at the end of the year before the base year.",
            f"基年前一年年末{zh}装机容量。",
            "power",
            index=("tech", tech),
            source=initial_src,
        ),
        Param(
            f"{p}.existing_age_span",
            "yr",
            span,
            (1.0, 80.0),
            f"Years over which the initial {tech} capacity was built (spread evenly).",
            f"初始{zh}装机的建设年份跨度(均匀分布)。",
            "power",
            index=("tech", tech),
            source="assumption: even build-out over the span; clipped to the lifetime",
        ),
        Param(
            f"{p}.add",
            "GW/yr",
            add,
            (0.0, 20.0),
            f"{tech.capitalize()} capacity added and operating from the year.",
            f"当年新增并投运的{zh}装机。",
            "power",
            index=("tech", tech),
            source=add_src,
        ),
        Param(
            f"{p}.lifetime",
            "yr",
            life,
            (1.0, 80.0),
            f"Service life of {tech} capacity (base-year value applies to every vintage).",
            f"{zh}机组服役寿命(所有批次采用基年值)。",
            "power",
            index=("tech", tech),
            source=life_src,
        ),
        Param(
            f"{p}.hours",
            "h/yr",
            hours,
            (100.0, 8760.0),
            f"Full-load hours of {tech} capacity"
            + (
                " before curtailment."
                if tech != "coal"
                else " (used only with power.dispatch = 0; dispatch makes them an outcome)."
            ),
            f"{zh}利用小时数"
            + ("(弃电前)。" if tech != "coal"
               else "(仅在power.dispatch = 0时使用;调度模式下为结果)。"),
            "power",
            index=("tech", tech),
            source=hours_src,
        ),
        Param(
            f"{p}.first_year_fraction",
            "",
            0.5,
            (0.0, 1.0),
            f"Share of the year that {tech} capacity added in a year operates in that year "
            "(0.5: connected mid-year on average).",
            f"当年新增{zh}装机在当年的平均运行时间占比(0.5表示年中投运)。",
            "power",
            index=("tech", tech),
            source="assumption: connections spread over the year (issue 12 register sets it "
            "from commissioning months where known)",
        ),
        Param(
            f"{p}.replace_retired",
            "",
            0.0,
            (0.0, 1.0),
            f"Share of retiring {tech} capacity rebuilt in the same year (repowering).",
            f"当年退役{zh}装机中原址重建(更新)的比例。",
            "power",
            index=("tech", tech),
            source="assumption: none by default; bundled scenarios repower wind and solar",
        ),
    ]


PARAMS: list[Param] = [
    *_stock_params(
        "coal",
        "煤电",
        9.4,
        "assumption, to be calibrated: chosen so that the 1.32 GW added in 2022 (汇能长滩电厂) "
        "gives the report's generation growth (+14.1%): (C + 1.32)/C ≈ 1.141 ⇒ C ≈ 9.4 GW",
        20.0,
        {2022: 1.32, 2023: 2.64, 2024: 0.0, 2025: 0.0, 2026: 2.64, 2027: 0.0},
        f"{_REPORT}: 2022 新增电力装机132万千瓦 (汇能长滩电厂建成投运); 2023 确保国电建投长滩电厂、"
        "京泰酸刺沟电厂二期并网发电 (assumed 2×660 MW each); 汇能、蒙能2个新建电厂开工建设 "
        "(assumed 2×660 MW each, operating 2026); none after",
        35.0,
        "assumption: design life 30 yr, Chinese units typically retire at 30–40 yr",
        5000.0,
        "assumption: Inner Mongolia thermal units ~5,000 h/yr (CEC provincial statistics, not "
        "verified)",
    ),
    Param(
        "power.dispatch",
        "",
        1.0,
        (0.0, 1.0),
        "1: coal fills local demand and bounded exports over time slices (coal hours are an "
        "outcome); 0: coal runs power.coal.hours and exports are unbounded (before 2026-12).",
        "1:煤电按时段调度满足本地负荷和有上限的外送(利用小时数为结果);0:煤电按设定小时数运行、外送无上限"
        "(旧版)。",
        "power",
        source="model option (docs/model.md, Electricity dispatch); must be the same for every "
        "sample and year",
    ),
    Param(
        "power.coal.min_hours",
        "h/yr",
        2600.0,
        (0.0, 8760.0),
        "Smallest output of the coal fleet, as full-load hours (must-run for heat and minimum "
        "stable load of the units kept on line), spread over the year.",
        "煤电机组最小出力(供热及在网机组最低稳燃负荷),折合年利用小时数。",
        "power",
        index=("tech", "coal"),
        source="estimate: units keep 25–40% minimum output when on line (新一代煤电 plan, "
        "power-system-sources.md §2, relay) and part of the fleet can be taken off line; "
        "≈30% of capacity → 2,600 h (range 1,800–3,500 h)",
    ),
    Param(
        "power.coal.max_hours",
        "h/yr",
        7000.0,
        (0.0, 8760.0),
        "Largest output of the coal fleet, as full-load hours (availability after planned and "
        "forced outages).",
        "煤电机组最大可用出力,折合年利用小时数(扣除计划和非计划停运)。",
        "power",
        index=("tech", "coal"),
        source="estimate: planned maintenance 30–45 d/yr and forced outages of a few % (98% "
        "availability in guaranteed periods, power-system-sources.md §2) → ~80% of 8,760 h "
        "(range 6,500–7,500 h)",
    ),
    Param(
        "power.coal.heat_rate",
        "gce/kWh",
        320.0,
        (150.0, 600.0),
        "Net coal rate of the coal fleet (coal per kWh supplied, 供电煤耗).",
        "煤电机组供电煤耗。",
        "power",
        index=("tech", "coal"),
        source=f"{_PS}: local Ordos calculations use 320 gce/kWh (charlesfam mirror); China "
        "average 305.5 (2020, NDRC)",
    ),
    Param(
        "power.coal.ccus_share",
        "",
        0.0,
        (0.0, 1.0),
        "Share of coal generation from units fitted with carbon capture (CCUS).",
        "配备碳捕集(CCUS)机组的煤电发电量占比。",
        "power",
        index=("tech", "coal"),
        source="assumption: no CCUS in the base year",
    ),
    Param(
        "power.coal.ccus_capture_rate",
        "",
        0.9,
        (0.0, 1.0),
        "Share of the CO2 of units with capture that is captured.",
        "CCUS机组二氧化碳捕集率。",
        "power",
        index=("tech", "coal"),
        source="IPCC SRCCS (2005): 85–95% capture for post-combustion capture",
    ),
    Param(
        "power.coal.ccus_energy_penalty",
        "",
        0.3,
        (0.0, 1.0),
        "Extra coal per kWh supplied by a unit with capture (fraction of its net coal rate).",
        "CCUS机组单位供电量额外耗煤比例。",
        "power",
        index=("tech", "coal"),
        source="IPCC SRCCS (2005): 24–40% more fuel per kWh for supercritical PC with capture",
    ),
    Param(
        "power.coal.water_per_mwh",
        "m3/MWh",
        0.4,
        (0.0, 10.0),
        "Cooling and process water of coal plants per MWh generated.",
        "煤电单位发电量耗水量。",
        "power",
        index=("tech", "coal"),
        source="assumption: air-cooled units, GB/T 18916.1 quota ~0.1–0.13 m³/(s·GW) "
        "(≈0.36–0.47 m³/MWh); not verified",
    ),
    *_stock_params(
        "wind",
        "风电",
        0.1,
        "assumption: Ordos had 0.445 GW of wind at end-2021 (China Daily Ordos 2022-09-20); the "
        "banner's share is not published (~20% assumed)",
        8.0,
        {2022: 0.0, 2023: 1.5, 2024: 1.0},
        f"{_REPORT}: 2022 no wind/solar connected (470.5万千瓦 under way, 新增电力装机 is the coal "
        "plant); 2023 建成并网新能源装机470万千瓦以上, split assumed 1.5 GW wind / 3.2 GW solar; "
        "assumption: 1.0 GW/yr from 2024",
        25.0,
        "assumption: wind design life 20–25 yr",
        2600.0,
        f"derived: {_PS}: 蒙西 wind >2,500 h (Inner Mongolia Power Group 2023) after curtailment, "
        "divided by (1 − 0.04)",
    ),
    *_stock_params(
        "solar",
        "光伏",
        0.6,
        "assumption: Ordos had 2.87 GW of PV at end-2021 (China Daily Ordos 2022-09-20); the "
        "banner's share is not published (~20% assumed)",
        6.0,
        {2022: 0.0, 2023: 3.2, 2024: 1.5},
        f"{_REPORT}: see power.wind.add; split assumed; assumption: 1.5 GW/yr from 2024",
        30.0,
        "assumption: PV design life 25–30 yr",
        1650.0,
        f"derived: {_PS}: 蒙西 PV ~1,600 h (Inner Mongolia Power Group 2023), Ordos ~1,610 h "
        "(2020), after curtailment, divided by (1 − 0.04)",
    ),
    Param(
        "power.curtailment.base",
        "",
        0.04,
        (0.0, 0.5),
        "Curtailment share of wind and solar (before storage) at the reference share.",
        "参考风光潜在发电占比下的弃风弃光率(储能消纳前)。",
        "power",
        source="assumption: 蒙西 wind and PV utilisation rates ~95–96% around 2022 (national "
        "new-energy consumption monitoring), not verified",
    ),
    Param(
        "power.curtailment.slope",
        "",
        0.3,
        (0.0, 2.0),
        "Increase of the curtailment share per unit increase of the potential wind and solar "
        "share of generation above the reference (≤ 2 keeps generation rising with capacity).",
        "风光潜在发电占比每增加1(100%)时弃电率的增量(≤2保证发电量随装机单调增加)。",
        "power",
        source="assumption: stylised; wide uncertainty",
    ),
    Param(
        "power.curtailment.ref_share",
        "",
        0.2,
        (0.0, 1.0),
        "Potential wind and solar share of generation at which the base curtailment applies.",
        "对应基准弃电率的风光潜在发电占比。",
        "power",
        source="assumption: stylised; wide uncertainty",
    ),
    Param(
        "power.curtailment.max",
        "",
        0.3,
        (0.0, 0.5),
        "Upper bound of the curtailment share before storage.",
        "储能消纳前的弃电率上限。",
        "power",
        source="assumption",
    ),
    Param(
        "power.curtailment.storage_relief",
        "",
        0.5,
        (0.0, 1.0),
        "Share of the energy charged into batteries that is otherwise-curtailed wind and solar "
        "(it lowers curtailment).",
        "储能充电量中来自本应弃掉的风光电量的比例(用于降低弃电)。",
        "power",
        source="assumption: batteries allocated to new energy (配储) charge mostly at midday "
        "solar peaks; wide uncertainty",
    ),
    Param(
        "power.own_use_share",
        "",
        0.06,
        (0.0, 0.3),
        "Share of coal-plant gross generation used by the plants themselves (厂用电率); wind "
        "and solar own use is neglected.",
        "煤电厂用电率(风电、光伏厂用电忽略)。",
        "power",
        source="assumption: Chinese thermal plants ~5.5–6.5% (CEC statistics), air-cooled "
        "units at the upper end; not verified",
    ),
    Param(
        "power.grid_loss_share",
        "",
        0.05,
        (0.0, 0.5),
        "Grid losses as a share of electricity delivered into the local grid "
        "(losses / (consumption + losses), 线损率).",
        "本地电网线损率。",
        "power",
        source="assumption: China line-loss rate ~4.8–5.3% (NEA/CEC 2021–2022), not verified",
    ),
]

OUTPUTS: list[Output] = [
    Output("power_cap", "GW", "Installed generating capacity", "发电装机容量", ("tech",), "power"),
    Output("power_add", "GW/yr", "Capacity added", "新增装机", ("tech",), "power"),
    Output("power_retire", "GW/yr", "Capacity retired", "退役装机", ("tech",), "power"),
    Output("power_gen", "TWh/yr", "Gross generation", "发电量", ("tech",), "power"),
    Output(
        "power_hours",
        "h/yr",
        "Utilisation hours after curtailment",
        "实际利用小时数",
        ("tech",),
        "power",
    ),
    Output("generation", "TWh/yr", "Total gross generation", "总发电量", sector="power"),
    Output(
        "renewable_gen_share",
        "",
        "Wind and solar share of generation",
        "新能源发电量占比",
        sector="power",
    ),
    Output(
        "curtailment_share",
        "",
        "Curtailment share of wind and solar (after storage)",
        "弃风弃光率(储能消纳后)",
        sector="power",
    ),
    Output(
        "curtailed_gen", "TWh/yr", "Curtailed wind and solar energy", "弃风弃光电量", sector="power"
    ),
    Output(
        "power_coal_tce",
        "Mtce/yr",
        "Coal burned in power plants (standard coal)",
        "电厂耗煤(标准煤)",
        sector="power",
    ),
    Output("own_use", "TWh/yr", "Power-plant own use", "厂用电量", sector="power"),
    Output("power_water", "Mm3/yr", "Water used by coal plants", "煤电用水量", sector="power"),
]


def generation_potential(cap, hours):
    """Generation before curtailment.

    Parameters
    ----------
    cap : ndarray, shape (n | 1, ...)
        Capacity [GW].
    hours : ndarray, broadcastable
        Full-load hours [h/yr].

    Returns
    -------
    ndarray
        [TWh/yr] (GW × h/yr = GWh/yr = 10^-3 TWh/yr).
    """
    return cap * hours * 1e-3


def curtailment(vre_pot, coal_gen, charged, base, slope, ref_share, max_share, storage_relief):
    """Curtailed wind and solar energy after battery absorption, and the curtailment share.

    Parameters
    ----------
    vre_pot : ndarray
        Potential (uncurtailed) wind + solar generation [TWh/yr].
    coal_gen : ndarray
        Coal generation [TWh/yr].
    charged : ndarray
        Energy charged into batteries [TWh/yr].
    base, slope, ref_share, max_share, storage_relief : ndarray
        Parameters ``power.curtailment.*`` [fraction, fraction per fraction, fraction,
        fraction, fraction]. All arrays broadcast together.

    Returns
    -------
    curtailed : ndarray
        ``C₀ − min(relief · charged, C₀)`` with
        ``C₀ = vre_pot · clip(base + slope · (v − ref), 0, max)`` and
        ``v = vre_pot / (vre_pot + coal_gen)`` [TWh/yr].
    share : ndarray
        ``curtailed / vre_pot`` (0 where there is no wind or solar) [fraction].
    """
    # In-place operations on arrays of the broadcast shape (few temporaries): the same
    # operations, in the same order, as the formulas above.
    shape = np.broadcast_shapes(
        *map(
            np.shape,
            (vre_pot, coal_gen, charged, base, slope, ref_share, max_share, storage_relief),
        )
    )
    total = vre_pot + coal_gen
    k = np.zeros(shape)
    np.divide(vre_pot, total, out=k, where=total > 0.0)  # v, 0 where nothing is generated
    k -= ref_share
    k *= slope
    k += base
    np.maximum(k, 0.0, out=k)
    np.minimum(k, max_share, out=k)  # k0
    k *= vre_pot  # gross curtailment C0
    curtailed = np.subtract(k, np.minimum(storage_relief * charged, k), out=k)
    share = np.zeros(shape)
    np.divide(curtailed, vre_pot, out=share, where=vre_pot > 0.0)
    return curtailed, share


def coal_burn(coal_gen, own_use_share, heat_rate, ccus_share, ccus_penalty):
    """Standard coal burned by the coal fleet, and the part burned by units with capture.

    Parameters
    ----------
    coal_gen : ndarray
        Gross coal generation [TWh/yr].
    own_use_share : ndarray
        Plant own-use share [fraction].
    heat_rate : ndarray
        Net coal rate [gce/kWh supplied].
    ccus_share : ndarray
        Share of coal generation from units with capture [fraction].
    ccus_penalty : ndarray
        Extra coal per kWh of units with capture [fraction].

    Returns
    -------
    total : ndarray
        Coal burned [Mtce/yr] (TWh × gce/kWh = 10^9 g·10^-6 … = 10^-3 Mtce).
    ccus : ndarray
        Of which burned by units with capture [Mtce/yr].
    """
    base = coal_gen * (1.0 - own_use_share) * heat_rate * 1e-3
    if np.ndim(ccus_share) and np.shape(ccus_share)[-1] == 1 and not np.any(ccus_share):
        # no capture anywhere (a deterministic 0): the formula below gives exactly this
        # (x · 0 = 0, x · (1 − 0) + 0 = x for the finite, non-negative x here)
        return base, np.zeros(np.shape(ccus_share))
    ccus = base * ccus_share * (1.0 + ccus_penalty)
    return base * (1.0 - ccus_share) + ccus, ccus
