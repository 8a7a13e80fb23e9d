"""Truck fleets: mining trucks and heavy coal-haulage trucks by powertrain.

Equations (docs/model.md, section "Transport"); fleets ``f ∈ {mining_trucks, heavy_trucks}``,
powertrains ``p ∈ POWERTRAINS = (diesel, bev, fcev)`` on the last axis:

* sales shares (logistic S-curves, precomputed for every year)
  ``s_bev = ceil_bev / (1 + exp(−k_bev (year − mid_bev)))``, same for ``s_fcev``; if
  ``s_bev + s_fcev > 1`` both are scaled to sum to 1; ``s_diesel = max(1 − s_bev − s_fcev, 0)``;
* stock turnover per powertrain with vintages (:mod:`energysim.core.model.stocks`):
  ``R_p[t]`` = the sales of ``lifetime`` years earlier (pre-base vintages: the initial fleet
  spread evenly over ``existing_age_span`` years, clipped to the lifetime);
* target fleet ``F[t]``: mining trucks ``= trucks_per_coal_output[t] · Q[t−1]`` with ``Q`` the
  raw-coal output of the previous year (the coal step runs later in the year); heavy trucks
  ``F[t] = F[t−1] · (1 + fleet_growth[t])`` from ``fleet_initial``;
* sales ``S = max(F − Σ_p (N_p − R_p), 0)``, split by the sales shares; if the surviving fleet
  exceeds ``F``, nothing is sold and the excess retires early: diesel trucks first, then
  battery and fuel-cell trucks in proportion to their stocks; within a powertrain every alive
  vintage shrinks by the same fraction (normalised history, :func:`stocks.scale_stock`);
* ``N_p[t] = N_p[t−1] − R_p − E_p + S_p`` (``E`` early retirements); reported retirements are
  ``R + E``, so ``fleet[t] = fleet[t−1] + sales − retire`` exactly;
* energy per year with the end-of-year fleet (new trucks operate the whole year):
  diesel ``= N_diesel · d · (1 − a · σ)`` [kt/yr] (``d`` t diesel per truck-year, ``a`` the
  autonomous share, ``σ`` the autonomous fuel saving; mining trucks only, ``a = 0`` for heavy
  trucks), electricity ``= N_bev · e`` [TWh/yr], hydrogen ``= N_fcev · h`` [kt/yr];
* charging/swap stations needed ``= (N_bev,mining + N_bev,heavy) / trucks_per_station``.

The heavy-truck fleet depends on parameters only, so it is simulated once in
:func:`precompute_transport`; the mining fleet depends on coal output and runs in the year loop
(:func:`step_transport`). Histories are stored time-major ``(n_hist, n, 3)`` so that the one
vintage read per year is contiguous.

Engine use::

    pre = precompute_transport(params)                    # once per sample block
    state = init_transport(pre, n_samples, coal_output_before_base)
    for t in range(n_years):
        flows = step_transport(state, pre, t, coal_output_prev)   # dict keyed by OUTPUTS names
"""

from __future__ import annotations

import numpy as np

from energysim.core.model import Output, time_major
from energysim.core.model.stocks import (
    SCALE_FLOOR,
    alive_vintages,
    initial_vintages,
    retirements_time_major,
    s_curve,
    whole_years,
)
from energysim.core.param import Param

#: Powertrains on the ``powertrain`` dimension (last axis of fleet arrays).
POWERTRAINS = ("diesel", "bev", "fcev")
POWERTRAIN_ZH = {"diesel": "柴油", "bev": "纯电动(含换电)", "fcev": "氢燃料电池"}
#: Truck fleets.
FLEETS = ("mining_trucks", "heavy_trucks")
FLEET_ZH = {"mining_trucks": "矿用卡车", "heavy_trucks": "运煤重卡"}
#: Coordinates of the extra dimensions used by OUTPUTS.
COORDS = {"powertrain": POWERTRAINS}

_PS = "parameter-sources.md"
_REPORT = "report 2023 plan (zhungeer-2023-government-work-report.txt)"
_DIESEL_DENSITY = 0.84  # kg/L, GB 19147 automotive diesel 0.81–0.85 at 20 °C (midpoint used)


def _fleet_params(
    fleet: str,
    *,
    lifetime: float,
    init_bev: float,
    init_fcev: float,
    curves: dict[str, tuple[float, float, float]],
    base_sales: dict[str, tuple[float, str]],
    diesel: tuple[float, str],
    elec: tuple[float, str],
    h2: tuple[float, str],
    bounds: dict[str, tuple[float, float]],
) -> list[Param]:
    p = f"transport.{fleet}"
    zh = FLEET_ZH[fleet]
    name = fleet.replace("_", " ")
    out = [
        Param(
            f"{p}.lifetime",
            "yr",
            lifetime,
            (2.0, 30.0),
            f"Service life of {name} (base-year value applies to every vintage).",
            f"{zh}服役年限(所有批次采用基年值)。",
            "transport",
            source="assumption: NOT FOUND; Chinese heavy trucks are typically replaced after "
            "8–10 yr (mandatory scrapping of heavy goods vehicles at 15 yr)",
        ),
        Param(
            f"{p}.existing_age_span",
            "yr",
            lifetime,
            (1.0, 30.0),
            f"Years over which the initial {name} fleet was bought (spread evenly; clipped "
            "to the lifetime).",
            f"初始{zh}保有量的购置年份跨度(均匀分布,不超过服役年限)。",
            "transport",
            source="assumption: a steady fleet bought evenly over one lifetime",
        ),
        Param(
            f"{p}.initial_bev_share",
            "",
            init_bev,
            (0.0, 1.0),
            f"Battery-electric share of the initial {name} fleet.",
            f"初始{zh}中纯电动车辆占比。",
            "transport",
            index=("powertrain", "bev"),
            source="assumption: NOT FOUND; a few demonstration fleets in Ordos by 2022 "
            "(China Daily Ordos 2022-12-02: 30 e-trucks)",
        ),
        Param(
            f"{p}.initial_fcev_share",
            "",
            init_fcev,
            (0.0, 1.0),
            f"Fuel-cell share of the initial {name} fleet.",
            f"初始{zh}中氢燃料电池车辆占比。",
            "transport",
            index=("powertrain", "fcev"),
            source="assumption: NOT FOUND; negligible in 2021",
        ),
    ]
    for pt, (mid, steep, ceil) in curves.items():
        ptzh = POWERTRAIN_ZH[pt]
        out += [
            Param(
                f"{p}.{pt}.sales_midpoint",
                "",
                mid,
                (2000.0, 2100.0),
                f"Calendar year in which the {pt} share of {name} sales reaches half its "
                "ceiling (S-curve midpoint).",
                f"{zh}销量中{ptzh}占比达到上限一半的年份(S曲线中点)。",
                "transport",
                index=("powertrain", pt),
                source="assumption: scenario lever; Chinese new-energy heavy-truck sales "
                "share was a few percent in 2022",
            ),
            Param(
                f"{p}.{pt}.sales_steepness",
                "1/yr",
                steep,
                (0.0, 3.0),
                f"Steepness of the S-curve of the {pt} share of {name} sales.",
                f"{zh}销量中{ptzh}占比S曲线的陡度。",
                "transport",
                index=("powertrain", pt),
                source="assumption: 0.3–0.5/yr gives a 10%→90% transition in 9–15 years",
            ),
            Param(
                f"{p}.{pt}.sales_ceiling",
                "",
                ceil,
                (0.0, 1.0),
                f"Long-run ceiling of the {pt} share of {name} sales.",
                f"{zh}销量中{ptzh}占比的长期上限。",
                "transport",
                index=("powertrain", pt),
                source="assumption: scenario lever",
            ),
            Param(
                f"{p}.{pt}.base_sales_share",
                "",
                base_sales[pt][0],
                (0.0, 1.0),
                f"Share of {pt} in the base year's {name} sales (history, the same in every "
                "scenario; the S-curve gives the shares from the next year on).",
                f"基年{zh}销量中{ptzh}占比(历史数据,各情景相同;次年起按S曲线)。",
                "transport",
                index=("powertrain", pt),
                source=base_sales[pt][1],
            ),
        ]
    b = bounds
    out += [
        Param(
            f"{p}.diesel_per_vehicle",
            "t/yr",
            diesel[0],
            b["diesel"],
            f"Diesel burned by one diesel {name[:-1]} in a year.",
            f"每辆柴油{zh}年耗柴油量。",
            "transport",
            index=("powertrain", "diesel"),
            source=diesel[1],
        ),
        Param(
            f"{p}.elec_per_vehicle",
            "MWh/yr",
            elec[0],
            b["elec"],
            f"Electricity used by one battery-electric {name[:-1]} in a year (at the charger "
            "or swap station).",
            f"每辆纯电动{zh}年用电量(充换电站计量)。",
            "transport",
            index=("powertrain", "bev"),
            source=elec[1],
        ),
        Param(
            f"{p}.h2_per_vehicle",
            "t/yr",
            h2[0],
            b["h2"],
            f"Hydrogen used by one fuel-cell {name[:-1]} in a year.",
            f"每辆氢燃料电池{zh}年耗氢量。",
            "transport",
            index=("powertrain", "fcev"),
            source=h2[1],
        ),
    ]
    return out


_MINING_DIESEL_T = 150.0
#: Source of the heavy trucks' base-year sales shares (transport.heavy_trucks.*.base_sales_share).
_HEAVY_SALES_2022 = (
    "national 2022 as a proxy (the banner's NOT FOUND): 25,152 new-energy heavy trucks "
    "registered (任诗发 2023, fx361.cc/page/2023/0515/22823234.shtml), ~94% battery-electric "
    "(H1 2022: 4,887 swap + 4,655 plug-in of 10,120; 第一商用车网 via "
    "gxyanmianban.com/product/2562.html), of ≈495,000 heavy trucks sold at home (67.2万 incl. "
    "17–18万 exported; 第一商用车网 2023-01-06)"
)
_HEAVY_DIESEL_T = round(37_300 * _DIESEL_DENSITY / 1000, 1)  # 31.3 t/yr

PARAMS: list[Param] = [
    *_fleet_params(
        "mining_trucks",
        lifetime=8.0,
        init_bev=0.02,
        init_fcev=0.0,
        curves={"bev": (2030.0, 0.4, 0.9), "fcev": (2040.0, 0.3, 0.1)},
        base_sales={
            "bev": (0.037, "assumption: NOT FOUND for wide-body mining trucks; below the "
                    "national heavy-truck share of 2022 (4.8%, see transport.heavy_trucks.bev."
                    "base_sales_share): the value of the baseline's mining S-curve in 2022"),
            "fcev": (0.0, "assumption: no fuel-cell mining trucks sold in the banner in 2022 "
                     "(NOT FOUND)"),
        },
        diesel=(
            _MINING_DIESEL_T,
            f"{_PS}: electric mining truck (90 t, Huaneng Yimin) avoids ~150 t diesel per "
            "truck-year (derived: 15,000 t over 100 trucks; electrive.com 2025-05-20)",
        ),
        elec=(
            700.0,
            f"derived: 150 t diesel × 42.65 GJ/t × 0.35 (diesel drivetrain efficiency, "
            "assumption) / 0.85 (battery charge-to-wheel, assumption) ≈ 730 MWh; cross-check "
            f"{_PS}: 9.4 kWh/km × ~71,000 km/yr (150 t diesel at an assumed 2.5 L/km) ≈ "
            "670 MWh",
        ),
        h2=(
            37.0,
            "derived: 150 t diesel × 42.65 GJ/t × 0.35 / 0.50 (fuel-cell system efficiency, "
            "assumption) / 120 MJ/kg (H2 LHV) ≈ 37 t; NOT FOUND as a measured value",
        ),
        bounds={"diesel": (50.0, 400.0), "elec": (200.0, 2000.0), "h2": (10.0, 120.0)},
    ),
    Param(
        "transport.mining_trucks.trucks_per_coal_output",
        "vehicle*yr/Mt",
        12.0,
        (1.0, 60.0),
        "Mining trucks needed per Mt/yr of raw-coal output (haulage of coal and overburden).",
        "每百万吨原煤年产量所需矿用卡车数(含剥离物运输)。",
        "transport",
        source="assumption: NOT FOUND; order of magnitude: ~150 Mt/yr of the banner's output "
        "from open pits, stripping ~10 t of overburden per t of coal, ~0.45 Mt moved per "
        "truck-year at 150 t diesel/yr → ~3,800 trucks for 320 Mt/yr",
    ),
    Param(
        "transport.mining_trucks.autonomous_share",
        "",
        {2022: 0.0, 2030: 0.2, 2040: 0.5, 2060: 0.5},
        (0.0, 1.0),
        "Share of diesel mining trucks that drive autonomously (无人驾驶).",
        "无人驾驶柴油矿卡占比。",
        "transport",
        index=("powertrain", "diesel"),
        source=f"assumption: {_REPORT}: 推动铁辰1000台无人驾驶矿用车全部下线 is factory "
        "output, not a local fleet; a gradual roll-out is assumed",
    ),
    Param(
        "transport.mining_trucks.autonomous_fuel_saving",
        "",
        0.25,
        (0.0, 0.5),
        "Diesel saved by an autonomous mining truck relative to a manned one.",
        "无人驾驶矿卡相对有人驾驶的节油率。",
        "transport",
        index=("powertrain", "diesel"),
        source=f"{_PS}: driverless diesel mining truck 20–30% fuel saving (Xinhua, Huolinhe, "
        "2025-09-08); midpoint",
    ),
    *_fleet_params(
        "heavy_trucks",
        lifetime=8.0,
        init_bev=0.01,
        init_fcev=0.0,
        curves={"bev": (2030.0, 0.35, 0.8), "fcev": (2035.0, 0.3, 0.2)},
        base_sales={
            "bev": (0.048, "derived: 25,152 × 0.94 / 495,000 ≈ 4.8%; " + _HEAVY_SALES_2022),
            "fcev": (0.003, "derived: 25,152 × 0.06 / 495,000 ≈ 0.3%; " + _HEAVY_SALES_2022),
        },
        diesel=(
            _HEAVY_DIESEL_T,
            f"{_PS}: Ordos heavy coal e-truck avoids ~37,300 L diesel per truck-year "
            "(derived: 1.12 million L over 30 trucks, 320 days/yr; China Daily Ordos "
            f"2022-12-02) × {_DIESEL_DENSITY} kg/L (GB 19147 0.81–0.85) ≈ 31.3 t",
        ),
        elec=(
            155.0,
            "derived: 31.3 t diesel × 42.65 GJ/t × 0.35 / 0.85 ≈ 150 MWh; cross-check "
            "~1.5 kWh/km (assumption, e-truck kWh/100 km NOT FOUND) × ~106,000 km/yr "
            "(37,300 L at an assumed 35 L/100 km) ≈ 160 MWh",
        ),
        h2=(
            7.8,
            "derived: 31.3 t diesel × 42.65 GJ/t × 0.35 / 0.50 / 120 MJ/kg ≈ 7.8 t (≈ 7.3 "
            "kg/100 km over 106,000 km); NOT FOUND as a measured value",
        ),
        bounds={"diesel": (10.0, 80.0), "elec": (50.0, 400.0), "h2": (2.0, 20.0)},
    ),
    Param(
        "transport.heavy_trucks.fleet_initial",
        "vehicle",
        10_000.0,
        (0.0, 200_000.0),
        "Heavy coal-haulage trucks registered in the banner at the end of the year before "
        "the base year.",
        "基年前一年年末全旗运煤重卡保有量。",
        "transport",
        source="assumption: NOT FOUND; ~130 Mt/yr by road at ~19 kt per truck-year (35 t "
        "loads, 100 km hauls, 37,300 L diesel/yr) → ~7,000 trucks, rounded up; wide bounds",
    ),
    Param(
        "transport.heavy_trucks.fleet_growth",
        "",
        0.0,
        (-0.5, 0.5),
        "Yearly growth rate of the heavy-truck fleet (fraction per year).",
        "运煤重卡保有量年增长率。",
        "transport",
        source="assumption: constant fleet unless a scenario sets a path",
    ),
    Param(
        "transport.trucks_per_station",
        "vehicle/station",
        30.0,
        (5.0, 300.0),
        "Battery-electric trucks served by one charging or battery-swap station.",
        "每座充换电站服务的纯电动卡车数。",
        "transport",
        index=("powertrain", "bev"),
        source=f"assumption: NOT FOUND; {_REPORT}: 实施新能源重卡(矿卡)充换电站285座 (2023)",
    ),
]

_pt = ("powertrain",)
OUTPUTS: list[Output] = [
    Output(
        "mining_truck_fleet",
        "vehicle",
        "Mining-truck fleet by powertrain",
        "矿用卡车保有量(按动力类型)",
        _pt,
        "transport",
    ),
    Output(
        "mining_truck_sales",
        "vehicle/yr",
        "Mining trucks bought by powertrain",
        "矿用卡车新增购置量(按动力类型)",
        _pt,
        "transport",
    ),
    Output(
        "mining_truck_retire",
        "vehicle/yr",
        "Mining trucks retired by powertrain (end of life and early)",
        "矿用卡车退役量(按动力类型,含提前退役)",
        _pt,
        "transport",
    ),
    Output(
        "heavy_truck_fleet",
        "vehicle",
        "Heavy-truck fleet by powertrain",
        "运煤重卡保有量(按动力类型)",
        _pt,
        "transport",
    ),
    Output(
        "heavy_truck_sales",
        "vehicle/yr",
        "Heavy trucks bought by powertrain",
        "运煤重卡新增购置量(按动力类型)",
        _pt,
        "transport",
    ),
    Output(
        "heavy_truck_retire",
        "vehicle/yr",
        "Heavy trucks retired by powertrain (end of life and early)",
        "运煤重卡退役量(按动力类型,含提前退役)",
        _pt,
        "transport",
    ),
    Output(
        "mining_truck_diesel_use",
        "kt/yr",
        "Diesel used by mining trucks",
        "矿用卡车柴油消费量",
        (),
        "transport",
    ),
    Output(
        "heavy_truck_diesel_use",
        "kt/yr",
        "Diesel used by heavy trucks",
        "运煤重卡柴油消费量",
        (),
        "transport",
    ),
    Output(
        "mining_truck_elec_use",
        "TWh/yr",
        "Electricity used by mining trucks",
        "矿用卡车用电量",
        (),
        "transport",
    ),
    Output(
        "heavy_truck_elec_use",
        "TWh/yr",
        "Electricity used by heavy trucks",
        "运煤重卡用电量",
        (),
        "transport",
    ),
    Output(
        "truck_h2_demand",
        "kt/yr",
        "Hydrogen demand of fuel-cell trucks",
        "氢燃料电池卡车用氢需求",
        (),
        "transport",
    ),
    Output(
        "charging_stations_needed",
        "station",
        "Charging/swap stations needed for battery-electric trucks",
        "纯电动卡车所需充换电站数量",
        (),
        "transport",
    ),
]


# ----------------------------------------------------------------------------- pure functions
# Layout: inside this module fleet arrays are powertrain-first, shape (3, n) (samples last), so
# that sums over powertrains are additions of contiguous rows; step_transport returns (n, 3)
# transposed views.


def sales_shares(
    years: np.ndarray,
    bev_midpoint: np.ndarray,
    bev_steepness: np.ndarray,
    bev_ceiling: np.ndarray,
    fcev_midpoint: np.ndarray,
    fcev_steepness: np.ndarray,
    fcev_ceiling: np.ndarray,
) -> np.ndarray:
    """Sales shares by powertrain from two logistic S-curves.

    Parameters
    ----------
    years : ndarray, shape (n_years,)
        Calendar years.
    bev_midpoint, fcev_midpoint : ndarray, broadcastable to (n | 1, n_years)
        S-curve midpoint [calendar year].
    bev_steepness, fcev_steepness : ndarray, broadcastable to (n | 1, n_years)
        S-curve steepness [1/yr].
    bev_ceiling, fcev_ceiling : ndarray, broadcastable to (n | 1, n_years)
        Long-run share [fraction]; the floor is 0.

    Returns
    -------
    ndarray, shape (n | 1, n_years, 3)
        Shares of (diesel, bev, fcev) [fraction]; each lies in [0, 1] and they sum to 1.
        ``bev`` and ``fcev`` are scaled down together when their sum exceeds 1.
    """
    bev = s_curve(years, bev_midpoint, bev_steepness, 0.0, bev_ceiling)
    fcev = s_curve(years, fcev_midpoint, fcev_steepness, 0.0, fcev_ceiling)
    bev, fcev = np.broadcast_arrays(np.clip(bev, 0.0, 1.0), np.clip(fcev, 0.0, 1.0))
    alt = bev + fcev
    norm = np.where(alt > 1.0, 1.0 / np.maximum(alt, 1.0), 1.0)
    bev, fcev = bev * norm, fcev * norm
    diesel = np.clip(1.0 - bev - fcev, 0.0, 1.0)
    return np.stack([diesel, bev, fcev], axis=-1)


def fleet_turnover(
    stock: np.ndarray,
    retire_due: np.ndarray,
    target: np.ndarray,
    shares: np.ndarray,
    sales_out: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """One year of fleet turnover: end-of-life retirements, sales to the target, early retirement.

    Parameters
    ----------
    stock : ndarray, shape (3, n)
        Fleet by powertrain (diesel, bev, fcev) at the end of the previous year [vehicle].
    retire_due : ndarray, shape (3, n | 1)
        Vehicles reaching the end of their life this year [vehicle/yr] (capped at ``stock``).
    target : ndarray, shape (n | 1,)
        Fleet needed at the end of this year [vehicle]; negative values count as 0.
    shares : ndarray, shape (3, n | 1)
        Sales shares [fraction], summing to 1 over the first axis.
    sales_out : ndarray, shape (3, n), optional
        Where to write the sales (e.g. the fleet history's row of this year).

    Returns
    -------
    new_stock : ndarray, shape (3, n)
        Fleet at the end of the year [vehicle]; sums to ``max(target, 0)`` (up to rounding).
    sales : ndarray, shape (3, n)
        Vehicles bought [vehicle/yr], ≥ 0.
    retire : ndarray, shape (3, n)
        End-of-life plus early retirements [vehicle/yr], ≥ 0;
        ``new_stock = stock + sales − retire``.
    keep : ndarray, shape (3, n) or None
        Fraction of the surviving vintages kept after early retirement [fraction]; multiply a
        normalised history's scale by it. ``None`` when nothing retires early.

    Notes
    -----
    Early retirement (survivors above target): diesel first, then battery and fuel-cell trucks
    in proportion to their stocks.
    """
    due = np.minimum(retire_due, stock)
    after = stock - due
    gap = after[0] + after[1]
    gap += after[2]
    np.subtract(np.maximum(target, 0.0), gap, out=gap)
    grow = np.maximum(gap, 0.0)
    sales = np.multiply(shares, grow, out=sales_out)
    excess = np.subtract(grow, gap, out=grow)  # grow − gap (grow is not used below)
    if not excess.any():
        after += sales
        return after, sales, due, None
    early_d = np.minimum(excess, after[0])
    rest = excess - early_d
    others = after[1] + after[2]
    tiny = np.finfo(np.float64).tiny
    frac = np.minimum(rest / np.maximum(others, tiny), 1.0)  # others = 0 ⇒ rest = 0
    keep = np.empty_like(after)
    keep[0] = 1.0 - early_d / np.maximum(after[0], tiny)  # after = 0 ⇒ early = 0
    keep[1] = 1.0 - frac
    keep[2] = keep[1]
    survivors = after * keep
    # due + (after − survivors), not stock − survivors: the latter rounds differently when
    # another sample in the block retires early, breaking chunk invariance.
    return survivors + sales, sales, due + (after - survivors), keep


def vehicle_energy(
    fleet: np.ndarray,
    diesel_per_vehicle: np.ndarray,
    elec_per_vehicle: np.ndarray,
    h2_per_vehicle: np.ndarray,
    diesel_factor: np.ndarray | float = 1.0,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Yearly energy use of a fleet by powertrain.

    Parameters
    ----------
    fleet : ndarray, shape (3, n | 1)
        Vehicles (diesel, bev, fcev) [vehicle].
    diesel_per_vehicle : ndarray, shape (n | 1,)
        Diesel per diesel vehicle-year [t/yr].
    elec_per_vehicle : ndarray, shape (n | 1,)
        Electricity per battery-electric vehicle-year [MWh/yr].
    h2_per_vehicle : ndarray, shape (n | 1,)
        Hydrogen per fuel-cell vehicle-year [t/yr].
    diesel_factor : ndarray, shape (n | 1,), optional
        Multiplier on diesel use, ``1 − autonomous_share · fuel_saving`` [fraction].

    Returns
    -------
    diesel : ndarray, shape (n | 1,)
        Diesel use [kt/yr].
    elec : ndarray, shape (n | 1,)
        Electricity use [TWh/yr].
    h2 : ndarray, shape (n | 1,)
        Hydrogen use [kt/yr].
    """
    diesel = fleet[0] * (diesel_per_vehicle * diesel_factor * 1e-3)
    elec = fleet[1] * (elec_per_vehicle * 1e-6)
    h2 = fleet[2] * (h2_per_vehicle * 1e-3)
    return diesel, elec, h2


def stations_needed(bev_trucks: np.ndarray, trucks_per_station: np.ndarray) -> np.ndarray:
    """Charging/swap stations needed [station] = battery-electric trucks / trucks per station.

    Parameters
    ----------
    bev_trucks : ndarray, shape (n | 1,)
        Battery-electric trucks of all fleets [vehicle].
    trucks_per_station : ndarray, shape (n | 1,)
        Trucks one station serves [vehicle/station], > 0.

    Returns
    -------
    ndarray, shape (n | 1,)
        Stations needed [station] (continuous; round up for planning).
    """
    return bev_trucks / trucks_per_station


# ----------------------------------------------------------------------- fleets with vintages
def init_fleet(
    fleet_initial: np.ndarray,
    initial_shares: np.ndarray,
    age_span: np.ndarray,
    lifetime: np.ndarray,
    n_pre: int,
    n_years: int,
    n: int,
) -> dict[str, np.ndarray]:
    """State of one fleet at the end of the year before the base year.

    Parameters
    ----------
    fleet_initial : ndarray, shape (n | 1,)
        Initial fleet [vehicle].
    initial_shares : ndarray, shape (3, n | 1)
        Powertrain shares of the initial fleet [fraction], summing to 1.
    age_span, lifetime : ndarray, shape (n | 1,)
        Build-out span and lifetime [yr].
    n_pre : int
        Pre-base history columns (≥ the largest rounded lifetime).
    n_years : int
        Model years.
    n : int
        Number of samples to allocate (the state is always full size).

    Returns
    -------
    dict
        ``stock`` (3, n) [vehicle]; ``hist`` (n_pre + n_years, 3, n) normalised sales by
        vintage, time-major; ``scale`` (3, n) scale of the normalised history (starts at 1).
    """
    pre = initial_vintages(fleet_initial, age_span, n_pre, lifetime)  # (n|1, n_pre)
    hist = np.zeros((n_pre + n_years, 3, n))
    hist[:n_pre] = pre.T[:, None, :] * initial_shares[None, :, :]
    stock = np.broadcast_to(np.atleast_1d(fleet_initial) * initial_shares, (3, n)).copy()
    # "scaled": whether any vintage was ever retired early (while not, the scale is exactly
    # 1 and multiplying or dividing by it can be skipped: x · 1 = x / 1 = x)
    return {"stock": stock, "hist": hist, "scale": np.ones((3, n)), "scaled": False}


def step_fleet(
    state: dict[str, np.ndarray],
    h: int,
    lifetime: np.ndarray,
    target: np.ndarray,
    shares: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Advance one fleet by one year; updates ``state`` in place.

    Parameters
    ----------
    state : dict
        From :func:`init_fleet`; ``stock``, ``hist[h]`` and ``scale`` are updated.
    h : int
        History index of the year (``n_pre + t``).
    lifetime : ndarray, shape (n | 1,)
        Lifetime [yr].
    target : ndarray, shape (n | 1,)
        Fleet needed at the end of the year [vehicle].
    shares : ndarray, shape (3, n | 1)
        Sales shares [fraction].

    Returns
    -------
    fleet, sales, retire : ndarray, shape (3, n)
        End-of-year fleet [vehicle], sales and retirements [vehicle/yr].
    """
    scale = state["scale"]
    scaled = state.get("scaled", True)
    hist = state["hist"]
    life = np.atleast_1d(lifetime)
    if life.shape[0] == 1:  # one lifetime: the retiring vintage is one row of the history
        j = h - max(1, int(np.rint(life[0])))
        # unscaled, the history row itself (fleet_turnover does not write into it)
        due = np.zeros(hist.shape[1:]) if j < 0 else hist[j] * scale if scaled else hist[j]
    else:
        due = retirements_time_major(hist, h, life)
        if scaled:
            due *= scale
    # unscaled, the sales go straight into this year's history row (sales / 1 = sales)
    out = None if scaled or hist[h].shape != state["stock"].shape else hist[h]
    new_stock, sales, retire, keep = fleet_turnover(state["stock"], due, target, shares, out)
    if keep is not None:
        scale = scale * np.maximum(keep, SCALE_FLOOR)
        if out is not None:  # the history row holds the sales: move them out first
            sales = sales.copy()
        renormalise_t(hist, scale)
        state["scale"] = scale
        state["scaled"] = scaled = True
    if scaled:
        np.divide(sales, scale, out=hist[h])
    elif out is None:
        hist[h] = sales
    state["stock"] = new_stock
    return new_stock, sales, retire


def renormalise_t(hist_t: np.ndarray, scale: np.ndarray, threshold: float = 1e-150) -> None:
    """:func:`stocks.renormalise` for a time-major history ``(n_hist, 3, n)``, in place."""
    low = scale < threshold
    if low.any():
        hist_t[:, low] *= scale[low]
        scale[low] = 1.0


def fleet_alive(state: dict[str, np.ndarray], h: int, lifetime: np.ndarray) -> np.ndarray:
    """Real (de-normalised) alive vintages at index ``h``, shape (n, 3, n_hist) (for tests).

    Their sum over the last axis equals ``state["stock"].T`` after :func:`step_fleet` at ``h``.
    """
    hist = np.transpose(state["hist"], (2, 1, 0))  # (n, 3, n_hist)
    return alive_vintages(hist, h, lifetime) * state["scale"].T[..., None]


# ------------------------------------------------------------------------ engine entry points


def _shares_for(params, fleet: str) -> np.ndarray:
    """Sales shares ``(n_years, 3, n|1)``: the base year's recorded shares
    (``<pt>.base_sales_share``, the same in every scenario), then the S-curves."""
    p = f"transport.{fleet}"
    sh = sales_shares(
        params.years,
        params[f"{p}.bev.sales_midpoint"],
        params[f"{p}.bev.sales_steepness"],
        params[f"{p}.bev.sales_ceiling"],
        params[f"{p}.fcev.sales_midpoint"],
        params[f"{p}.fcev.sales_steepness"],
        params[f"{p}.fcev.sales_ceiling"],
    )  # (n|1, n_years, 3)
    out = np.ascontiguousarray(np.transpose(sh, (1, 2, 0)))  # (n_years, 3, n|1)
    base = powertrain_shares(params.at(f"{p}.bev.base_sales_share", 0),
                            params.at(f"{p}.fcev.base_sales_share", 0))  # (3, n|1)
    if base.shape[-1] > out.shape[-1]:
        out = np.ascontiguousarray(np.broadcast_to(out, out.shape[:2] + base.shape[-1:]))
    out[0] = base
    return out


def powertrain_shares(bev: np.ndarray, fcev: np.ndarray) -> np.ndarray:
    """Shares (diesel, bev, fcev) ``(3, n|1)`` from the battery-electric and fuel-cell shares
    [fraction]; the two are scaled down together when their sum exceeds 1 (as the S-curves)."""
    bev, fcev = np.broadcast_arrays(np.clip(bev, 0.0, 1.0), np.clip(fcev, 0.0, 1.0))
    alt = bev + fcev
    norm = np.where(alt > 1.0, 1.0 / np.maximum(alt, 1.0), 1.0)
    bev, fcev = bev * norm, fcev * norm
    return np.stack([np.clip(1.0 - bev - fcev, 0.0, 1.0), bev, fcev])


def _initial_shares(params, fleet: str) -> np.ndarray:
    """Powertrain shares of the initial fleet, shape (3, n|1)."""
    p = f"transport.{fleet}"
    return powertrain_shares(params.at(f"{p}.initial_bev_share", 0),
                             params.at(f"{p}.initial_fcev_share", 0))


def precompute_transport(params) -> dict[str, np.ndarray]:
    """Everything that depends only on parameters, run once per sample block.

    Computes the sales-share S-curves of both fleets, simulates the heavy-truck fleet over all
    years (it does not depend on the rest of the model) and gathers the mining-truck
    parameters time-major.

    Parameters
    ----------
    params : energysim.core.params.Params
        Compiled parameters (``transport.*`` paths).

    Returns
    -------
    dict
        Time-major arrays (first axis = year) and base-year constants; pass it unchanged to
        :func:`init_transport` and :func:`step_transport`. Heavy-truck results are stored
        powertrain-first, shape (n_years, 3, n_h) and (n_years, n_h), ``n_h`` = 1 when their
        parameters are deterministic.
    """
    n_years = len(params.years)
    m, hv = "transport.mining_trucks", "transport.heavy_trucks"
    life_m = params.at(f"{m}.lifetime", 0)
    life_h = params.at(f"{hv}.lifetime", 0)
    n_pre = int(max(whole_years(life_m).max(), whole_years(life_h).max(), 1))
    pre: dict[str, np.ndarray] = {
        "n_pre": n_pre,
        "n_years": n_years,
        "mining_shares": _shares_for(params, "mining_trucks"),
        "mining_lifetime": life_m,
        "mining_span": params.at(f"{m}.existing_age_span", 0),
        "mining_initial_shares": _initial_shares(params, "mining_trucks"),
        "mining_per_output": time_major(params[f"{m}.trucks_per_coal_output"]),
        "mining_diesel": time_major(params[f"{m}.diesel_per_vehicle"]),
        "mining_elec": time_major(params[f"{m}.elec_per_vehicle"]),
        "mining_h2": time_major(params[f"{m}.h2_per_vehicle"]),
        "mining_diesel_factor": time_major(
            1.0 - params[f"{m}.autonomous_share"] * params[f"{m}.autonomous_fuel_saving"]
        ),
        "trucks_per_station": time_major(params["transport.trucks_per_station"]),
    }
    # heavy trucks: exogenous fleet, simulated here once
    shares_h = _shares_for(params, "heavy_trucks")
    growth = time_major(params[f"{hv}.fleet_growth"])
    init = params.at(f"{hv}.fleet_initial", 0)
    span_h = params.at(f"{hv}.existing_age_span", 0)
    ish = _initial_shares(params, "heavy_trucks")
    d_h, e_h, h_h = (time_major(params[f"{hv}.{k}_per_vehicle"]) for k in ("diesel", "elec", "h2"))
    n_h = max(
        a.shape[-1]
        for a in (shares_h[0], growth[0], init, span_h, life_h, ish, d_h[0], e_h[0], h_h[0])
    )
    state = init_fleet(init, ish, span_h, life_h, n_pre, n_years, n_h)
    fleet = np.empty((n_years, 3, n_h))
    sales = np.empty((n_years, 3, n_h))
    retire = np.empty((n_years, 3, n_h))
    target = np.broadcast_to(init, (n_h,)).astype(np.float64)
    for t in range(n_years):
        target = target * (1.0 + growth[t])
        fleet[t], sales[t], retire[t] = step_fleet(state, n_pre + t, life_h, target, shares_h[t])
    diesel, elec, h2 = vehicle_energy(np.moveaxis(fleet, 1, 0), d_h, e_h, h_h)
    pre.update(
        heavy_truck_fleet=fleet,
        heavy_truck_sales=sales,
        heavy_truck_retire=retire,
        heavy_truck_diesel_use=diesel,
        heavy_truck_elec_use=elec,
        heavy_truck_h2_demand=h2,
    )
    return pre


def init_transport(
    pre: dict[str, np.ndarray], n_samples: int, coal_output_before_base: np.ndarray
) -> dict[str, dict[str, np.ndarray]]:
    """Initial state of the mining-truck fleet.

    The initial fleet is ``trucks_per_coal_output[base year] · Q₋₁`` so that it is consistent
    with the sizing rule (no spurious sales or early retirements in the base year).

    Parameters
    ----------
    pre : dict
        From :func:`precompute_transport`.
    n_samples : int
        Samples in the block.
    coal_output_before_base : ndarray, shape (n | 1,)
        Raw-coal output of ``base_year − 1`` [Mt/yr] (the output the base year's mining fleet
        is sized on).

    Returns
    -------
    dict
        ``{"mining": fleet state}`` (see :func:`init_fleet`), updated in place by
        :func:`step_transport`.
    """
    init = pre["mining_per_output"][0] * coal_output_before_base
    return {
        "mining": init_fleet(
            init,
            pre["mining_initial_shares"],
            pre["mining_span"],
            pre["mining_lifetime"],
            pre["n_pre"],
            pre["n_years"],
            n_samples,
        )
    }


def step_transport(
    state: dict[str, dict[str, np.ndarray]],
    pre: dict[str, np.ndarray],
    t: int,
    coal_output_prev: np.ndarray,
) -> dict[str, np.ndarray]:
    """Year ``t`` of both truck fleets (mining fleet simulated, heavy fleet read from ``pre``).

    Parameters
    ----------
    state : dict
        From :func:`init_transport`; updated in place.
    pre : dict
        From :func:`precompute_transport`.
    t : int
        Year index (0 = base year).
    coal_output_prev : ndarray, shape (n | 1,)
        Raw-coal output of the previous year [Mt/yr] (for ``t = 0``: ``base_year − 1``).

    Returns
    -------
    dict of ndarray
        Keyed by the OUTPUTS names: ``*_fleet``, ``*_sales``, ``*_retire`` shape (n | 1, 3)
        [vehicle, vehicle/yr] (transposed views of powertrain-first arrays);
        ``mining_truck_diesel_use``, ``heavy_truck_diesel_use`` [kt/yr],
        ``mining_truck_elec_use``, ``heavy_truck_elec_use`` [TWh/yr], ``truck_h2_demand``
        [kt/yr], ``charging_stations_needed`` [station], shape (n | 1,). Heavy-truck arrays
        have a leading 1 when their parameters are deterministic: broadcast when storing.
        Do not modify the returned arrays (some are views of the state or of ``pre``).
    """
    ms = state["mining"]
    target = pre["mining_per_output"][t] * coal_output_prev
    fleet, sales, retire = step_fleet(
        ms, pre["n_pre"] + t, pre["mining_lifetime"], target, pre["mining_shares"][t]
    )
    diesel, elec, h2 = vehicle_energy(
        fleet,
        pre["mining_diesel"][t],
        pre["mining_elec"][t],
        pre["mining_h2"][t],
        pre["mining_diesel_factor"][t],
    )
    hf = pre["heavy_truck_fleet"][t]
    return {
        "mining_truck_fleet": fleet.T,
        "mining_truck_sales": sales.T,
        "mining_truck_retire": retire.T,
        "heavy_truck_fleet": hf.T,
        "heavy_truck_sales": pre["heavy_truck_sales"][t].T,
        "heavy_truck_retire": pre["heavy_truck_retire"][t].T,
        "mining_truck_diesel_use": diesel,
        "heavy_truck_diesel_use": pre["heavy_truck_diesel_use"][t],
        "mining_truck_elec_use": elec,
        "heavy_truck_elec_use": pre["heavy_truck_elec_use"][t],
        "truck_h2_demand": h2 + pre["heavy_truck_h2_demand"][t],
        "charging_stations_needed": stations_needed(fleet[1] + hf[1], pre["trucks_per_station"][t]),
    }
