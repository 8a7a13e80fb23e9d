"""Hydrogen: electrolysers, green supply, allocation to users, grey (coal) hydrogen.

Equations (docs/model.md, section "Hydrogen"):

* electrolyser stock with vintages (:mod:`energysim.core.model.stocks`):
  ``P[t] = P[t−1] + add[t] − retire[t]`` [GW]; it depends on parameters only and is computed
  before the year loop, like everything in the supply chain below;
* electricity at the set hours ``E = P_op · hours · 10⁻³`` [TWh/yr] (``P_op`` the operating
  capacity: new capacity counts ``first_year_fraction`` of its first year), a share
  ``dedicated_share`` from dedicated wind/solar and the rest from the grid; idle grid-connected
  capacity runs on surplus wind and solar (:mod:`energysim.core.model.electricity` dispatch);
  electrolytic supply ``G = E_total · 10³ / kWh_per_kg`` [kt/yr] (10⁹ kWh per TWh, 10⁶ kg =
  1 kt); water ``V = G · L_per_kg · 10⁻³`` [Mm3/yr];
* green hydrogen = the part made with dedicated or surplus (otherwise curtailed) wind and
  solar; grid hydrogen = the rest, with carbon intensity ``kWh_per_kg · EF_grid`` [kg/kg] at
  the banner's average generation-mix factor ``EF_grid`` [t/MWh];
* allocation in order: fuel-cell trucks ``T_g = min(G, D_trucks)``; chemicals substitution
  ``S = min(G − T_g, room)`` with ``room = Σ_j w_j · max(min(H_j · s_max, C_j · 10³ /
  coal_saved, E_j · 10³ / co2_avoided), 0)`` (``H_j, C_j, E_j`` the shift hydrogen, coal and
  CO2 of product ``j`` at its gross output, ``w_j`` the water scale factor; see
  :func:`energysim.core.model.chemicals.substitution_room`); other demand
  ``O_g = min(G − T_g − S, D_other)``; export ``X = G − T_g − S − O_g``;
* grey hydrogen (coal gasification) fills the unmet truck and other demand:
  ``Y = (D_trucks − T_g) + (D_other − O_g)`` [kt/yr], burning ``Y · coal_per_t · 10⁻³``
  [Mt/yr raw coal] and emitting ``Y · co2_per_t · 10⁻³`` [Mt/yr];
* balance (exact): ``G + Y = D_trucks + S + D_other + X``.

Engine use::

    pre = precompute_hydrogen(params, chem_pre)   # electrolysers, electricity, flexibility
    # dispatch (electricity): dedicated / grid electricity, surplus taken by idle capacity
    supply, water = electrolysis_supply(elec_total, pre["kwh_per_kg"][t], pre["water_per_kg"][t])
    flows = step_hydrogen(pre, t, truck_h2_demand, chem_output, supply)
    flows["h2_chem_substitution"]   # (n,) → chemicals.net_chemicals
"""

from __future__ import annotations

import numpy as np

from energysim.core.model import Output, time_major
from energysim.core.model.chemicals import product_sum, substitution_room
from energysim.core.model.kernels import use_compiled
from energysim.core.model.stocks import (
    history_with_pre,
    initial_vintages,
    retirements,
    whole_years,
)
from energysim.core.param import Param

_PS = "parameter-sources.md"
_REPORT = "report 2023 plan (zhungeer-2023-government-work-report.txt)"

PARAMS: list[Param] = [
    Param(
        "hydrogen.electrolyser.capacity_initial",
        "GW",
        0.0,
        (0.0, 50.0),
        "Electrolyser capacity at the end of the year before the base year.",
        "基年前一年年末电解槽装机容量。",
        "hydrogen",
        source=f"{_REPORT}: 纳日松光伏制氢 is to be put into production in 2023; none "
        "operating in 2021 assumed",
    ),
    Param(
        "hydrogen.electrolyser.existing_age_span",
        "yr",
        1.0,
        (1.0, 30.0),
        "Years over which the initial electrolyser capacity was built (spread evenly).",
        "初始电解槽装机的建设年份跨度(均匀分布)。",
        "hydrogen",
        source="assumption: recent capacity",
    ),
    Param(
        "hydrogen.electrolyser.add",
        "GW/yr",
        {2022: 0.0, 2023: 0.3, 2024: 0.0, 2060: 0.0},
        (0.0, 20.0),
        "Electrolyser capacity added and operating from the year.",
        "当年新增并投运的电解槽容量。",
        "hydrogen",
        source=f"{_REPORT}: 确保…纳日松光伏制氢等项目投产 (2023); derived: 10,000 t H2/yr × "
        "59 kWh/kg ÷ 2,000 h ≈ 0.3 GW; later additions are scenario levers",
    ),
    Param(
        "hydrogen.electrolyser.lifetime",
        "yr",
        20.0,
        (5.0, 40.0),
        "Service life of electrolyser plants (base-year value applies to every vintage).",
        "电解水制氢装置服役年限(所有批次采用基年值)。",
        "hydrogen",
        source="assumption: NOT FOUND; 20 yr plant life with stack replacements",
    ),
    Param(
        "hydrogen.electrolyser.hours",
        "h/yr",
        2000.0,
        (100.0, 8760.0),
        "Full-load hours of the electrolysers.",
        "电解槽年满负荷运行小时数。",
        "hydrogen",
        source=f"assumption: NOT FOUND; supplied by PV (~1,600 h, {_PS}) and wind (>2,500 h) "
        "with some grid electricity",
    ),
    Param(
        "hydrogen.electrolyser.first_year_fraction",
        "",
        0.5,
        (0.0, 1.0),
        "Share of the year that electrolysers added in a year operate in that year.",
        "当年新增电解槽在当年的平均运行时间占比。",
        "hydrogen",
        source="assumption: connections spread over the year",
    ),
    Param(
        "hydrogen.electrolyser.replace_retired",
        "",
        0.0,
        (0.0, 1.0),
        "Share of retiring electrolyser capacity rebuilt in the same year.",
        "当年退役电解槽中重建的比例。",
        "hydrogen",
        source="assumption: none by default; bundled scenarios rebuild",
    ),
    Param(
        "hydrogen.electrolyser.dedicated_share",
        "",
        0.8,
        (0.0, 1.0),
        "Share of the electrolysers' electricity (at their set hours) taken from dedicated "
        "wind and solar (off-grid or self-consumed); the rest comes from the grid.",
        "电解槽用电(按设定小时数)中来自配套风光(离网或自发自用)的比例,其余取自电网。",
        "hydrogen",
        source="power-system-sources.md §7: 纳日松 ~80% of its PV output to electrolysis; IM "
        "2023 batch: ≥80% of capacity dedicated to hydrogen (GEM)",
    ),
    Param(
        "hydrogen.electrolyser.surplus_uptake",
        "",
        0.5,
        (0.0, 1.0),
        "Share of the grid-connected electrolysers' idle capacity that runs on surplus wind "
        "and solar (flexible operation; extra green hydrogen).",
        "并网电解槽闲置容量中可利用富余风光电量灵活运行的比例(增产绿氢)。",
        "hydrogen",
        source="assumption: alkaline stacks run 20–100% load; half the idle capacity usable "
        "(wide uncertainty)",
    ),
    Param(
        "hydrogen.electrolyser.kwh_per_kg",
        "kWh/kg",
        59.0,
        (40.0, 90.0),
        "Electricity per kg of hydrogen, whole system.",
        "单位制氢系统电耗。",
        "hydrogen",
        source=f"{_PS}: Narisong design ≈ 59 kWh/kg (derived: 0.8 × 7.4亿kWh / 10,000 t); "
        "IRENA system range 50–78 (alkaline)",
    ),
    Param(
        "hydrogen.electrolyser.water_per_kg",
        "L/kg",
        18.0,
        (9.0, 60.0),
        "Water withdrawn per kg of hydrogen (electrolysis feed, purification, cooling).",
        "单位制氢取水量(电解、纯化及冷却)。",
        "hydrogen",
        source="assumption: stoichiometric minimum 8.9 L/kg (H2O → H2 + ½O2) plus "
        "demineralisation reject and cooling; 15–25 L/kg typical",
    ),
    Param(
        "hydrogen.max_substitution_share",
        "",
        0.3,
        (0.0, 1.0),
        "Largest share of the coal chemicals' shift hydrogen that green hydrogen can replace.",
        "绿氢可替代煤化工变换制氢的最大比例。",
        "hydrogen",
        source="assumption: NOT FOUND; limited by plant integration (scenario lever)",
    ),
    Param(
        "hydrogen.other_demand",
        "kt/yr",
        0.0,
        (0.0, 10000.0),
        "Hydrogen demand of local users other than trucks and coal chemicals.",
        "除卡车及煤化工外的本地氢需求。",
        "hydrogen",
        source="assumption: none in the base year (scenario lever)",
    ),
    Param(
        "hydrogen.grey.coal_per_t",
        "t/t",
        10.5,
        (6.0, 15.0),
        "Raw coal per tonne of grey hydrogen from coal gasification.",
        "煤气化制氢(灰氢)吨氢原煤消耗。",
        "hydrogen",
        source=f"derived: 20 t CO2 per t H2 ÷ 1.9003 t CO2 per t raw coal ({_PS}); all "
        "carbon of the coal ends as CO2",
    ),
    Param(
        "hydrogen.grey.co2_per_t",
        "t/t",
        20.0,
        (15.0, 26.0),
        "CO2 per tonne of grey hydrogen from coal gasification.",
        "煤气化制氢(灰氢)吨氢二氧化碳排放。",
        "hydrogen",
        source="IEA, The Future of Hydrogen (2019): ~19 kg CO2/kg H2 for coal gasification "
        "without CCUS; range 18–22 in Chinese studies; 20 taken",
    ),
]

OUTPUTS: list[Output] = [
    Output("electrolyser_cap", "GW", "Electrolyser capacity", "电解槽装机容量", (), "hydrogen"),
    Output(
        "h2_electrolytic_supply",
        "kt/yr",
        "Hydrogen produced by electrolysis (any electricity)",
        "电解水制氢产量(不论电源)",
        (),
        "hydrogen",
    ),
    Output(
        "h2_green_supply",
        "kt/yr",
        "Green hydrogen: electrolysis on dedicated or otherwise-curtailed wind and solar",
        "绿氢产量(配套风光或消纳富余风光电解制氢)",
        (),
        "hydrogen",
    ),
    Output(
        "h2_grid_supply",
        "kt/yr",
        "Electrolytic hydrogen made with grid electricity (the banner's generation mix)",
        "电网供电电解制氢产量(按本地发电结构)",
        (),
        "hydrogen",
    ),
    Output(
        "h2_electrolytic_co2_intensity",
        "kg/kg",
        "CO2 per kg of electrolytic hydrogen at the grid's average emission factor",
        "电解氢单位碳排放(按电网平均排放因子)",
        (),
        "hydrogen",
    ),
    Output(
        "h2_grey_supply",
        "kt/yr",
        "Grey hydrogen from coal (fills unmet demand)",
        "煤制氢(灰氢)产量(补足缺口)",
        (),
        "hydrogen",
    ),
    Output(
        "h2_truck_use",
        "kt/yr",
        "Hydrogen used by fuel-cell trucks",
        "氢燃料电池卡车用氢量",
        (),
        "hydrogen",
    ),
    Output(
        "h2_chem_substitution",
        "kt/yr",
        "Green hydrogen replacing coal-chemical shift H2",
        "绿氢替代煤化工变换制氢量",
        (),
        "hydrogen",
    ),
    Output(
        "h2_other_use",
        "kt/yr",
        "Hydrogen used by other local users",
        "其他本地用户用氢量",
        (),
        "hydrogen",
    ),
    Output(
        "h2_export", "kt/yr", "Green hydrogen sold outside the banner", "外销绿氢量", (), "hydrogen"
    ),
    Output(
        "electrolysis_elec_use",
        "TWh/yr",
        "Electricity used by electrolysis (dedicated, grid and surplus)",
        "电解水制氢用电量(配套、电网及富余电量)",
        (),
        "hydrogen",
    ),
    Output(
        "electrolysis_grid_elec_use",
        "TWh/yr",
        "Electricity electrolysis takes from the grid at the generation mix",
        "电解水制氢取自电网(按发电结构)的用电量",
        (),
        "hydrogen",
    ),
    Output(
        "electrolysis_water_use",
        "Mm3/yr",
        "Water used by electrolysis",
        "电解水制氢用水量",
        (),
        "hydrogen",
    ),
    Output(
        "h2_grey_coal_use",
        "Mt/yr",
        "Raw coal gasified for grey hydrogen",
        "灰氢原煤消耗",
        (),
        "hydrogen",
    ),
    Output("h2_grey_co2", "Mt/yr", "CO2 of grey hydrogen", "灰氢二氧化碳排放", (), "hydrogen"),
]


# ----------------------------------------------------------------------------- pure functions
def green_supply(
    capacity: np.ndarray, hours: np.ndarray, kwh_per_kg: np.ndarray, water_per_kg: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Electrolytic hydrogen and what it uses.

    Parameters
    ----------
    capacity : ndarray
        Electrolyser capacity [GW].
    hours : ndarray
        Full-load hours [h/yr].
    kwh_per_kg : ndarray
        Electricity per kg of hydrogen [kWh/kg].
    water_per_kg : ndarray
        Water per kg of hydrogen [L/kg].

    Returns
    -------
    supply : ndarray
        Green hydrogen [kt/yr] ``= capacity · hours / kwh_per_kg``.
    elec : ndarray
        Electricity [TWh/yr] ``= supply · kwh_per_kg · 10⁻³``.
    water : ndarray
        Water [Mm3/yr] ``= supply · water_per_kg · 10⁻³``.

    All arrays broadcast together.
    """
    supply = capacity * hours / kwh_per_kg
    return supply, supply * kwh_per_kg * 1e-3, supply * water_per_kg * 1e-3


def allocate_hydrogen(
    green: np.ndarray,
    truck_demand: np.ndarray,
    substitution_room: np.ndarray,
    other_demand: np.ndarray,
) -> dict[str, np.ndarray]:
    """Allocate green hydrogen: trucks, chemicals substitution, other users, export; grey rest.

    Parameters
    ----------
    green : ndarray, shape (n | 1,)
        Green hydrogen supply [kt/yr], ≥ 0.
    truck_demand : ndarray, shape (n | 1,)
        Hydrogen demand of fuel-cell trucks [kt/yr], ≥ 0.
    substitution_room : ndarray, shape (n | 1,)
        Green hydrogen the coal chemicals can take in place of shift hydrogen [kt/yr], ≥ 0
        (:func:`energysim.core.model.chemicals.substitution_room` summed over products).
    other_demand : ndarray, shape (n | 1,)
        Other local hydrogen demand [kt/yr], ≥ 0.

    Returns
    -------
    dict of ndarray, shape (n | 1,) [kt/yr]
        ``green_to_trucks``, ``substitution``, ``green_to_other``, ``export``, ``grey``;
        ``green + grey == truck_demand + substitution + other_demand + export`` to rounding,
        every term ≥ 0.
    """
    to_trucks = np.minimum(green, truck_demand)
    rest = green - to_trucks
    substitution = np.minimum(rest, substitution_room)
    rest = rest - substitution
    to_other = np.minimum(rest, other_demand)
    export = rest - to_other
    grey = (truck_demand - to_trucks) + (other_demand - to_other)
    return {
        "green_to_trucks": to_trucks,
        "substitution": substitution,
        "green_to_other": to_other,
        "export": export,
        "grey": grey,
    }


# ------------------------------------------------------------------------ engine entry points


def electrolyser_stock(params) -> dict[str, np.ndarray]:
    """Electrolyser capacity, additions and retirements for every year.

    Parameters
    ----------
    params : energysim.core.params.Params
        Compiled parameters (``hydrogen.electrolyser.*``).

    Returns
    -------
    dict
        ``cap``, ``add``, ``retire``, ``operating`` shape (n | 1, n_years) [GW, GW/yr, GW/yr,
        GW]; ``history`` (n | 1, n_pre + n_years) additions by vintage; ``n_pre``;
        ``lifetime`` (n | 1,). ``cap[:, t]`` equals the alive vintages at ``n_pre + t``;
        ``add`` includes the rebuilt share of retirements (``replace_retired``);
        ``operating = cap − (1 − first_year_fraction) · add`` is the capacity-year in service.
    """
    e = "hydrogen.electrolyser"
    life = params.at(f"{e}.lifetime", 0)
    n_years = len(params.years)
    n_pre = int(whole_years(life).max())
    pre_v = initial_vintages(
        params.at(f"{e}.capacity_initial", 0),
        params.at(f"{e}.existing_age_span", 0),
        n_pre,
        life,
    )
    add = params[f"{e}.add"]
    replace = params[f"{e}.replace_retired"]
    n = max(pre_v.shape[0], add.shape[0], life.shape[0], replace.shape[0])
    hist = history_with_pre(np.broadcast_to(pre_v, (n, n_pre)), n_years)
    hist[:, n_pre:] = add
    rebuild = bool(np.any(replace > 0.0))
    if (rebuild or np.shape(life)[0] > 1) and use_compiled(n):  # the loop below, compiled
        # lazy: numba loads only for ensembles (a single run keeps its start-up time)
        from energysim.core.model.kernels import stocks as compiled

        retire = compiled.retire_and_rebuild(
            hist.T, n_pre, whole_years(np.atleast_1d(life), 1), replace.T if rebuild else None
        ).T  # the history is updated in place through its transpose
    else:
        retire = np.empty((n, n_years))
        for t in range(n_years):  # parameters only: runs once, before the year loop
            retire[:, t] = retirements(hist, n_pre + t, life)
            if rebuild:  # a rebuilt vintage starts its own life this year
                hist[:, n_pre + t] += replace[:, t] * retire[:, t]
    add_all = hist[:, n_pre:]
    cap = pre_v.sum(axis=1, keepdims=True) + np.cumsum(add_all - retire, axis=1)
    cap = np.maximum(cap, 0.0)
    operating = cap - (1.0 - params[f"{e}.first_year_fraction"]) * add_all
    return {
        "cap": cap,
        "add": np.broadcast_to(add_all, (n, n_years)),
        "retire": retire,
        "operating": np.maximum(operating, 0.0),
        "history": hist,
        "n_pre": n_pre,
        "lifetime": life,
    }


def precompute_hydrogen(params, chem_pre: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Electrolyser stock, electricity at the set hours, and the substitution room.

    Parameters
    ----------
    params : energysim.core.params.Params
        Compiled parameters (``hydrogen.*``).
    chem_pre : dict
        From :func:`energysim.core.model.chemicals.precompute_chemicals` (per-tonne intensities and
        the substitution factors).

    Returns
    -------
    dict
        (n_years, n|1) arrays: ``electrolyser_cap`` [GW]; ``elec_dedicated`` and
        ``elec_grid`` [TWh/yr], the electricity at the set hours from dedicated wind/solar and
        from the grid (``operating · hours · 10⁻³`` split by ``dedicated_share``);
        ``flex_power`` [GW], the idle grid-connected capacity that runs on surplus
        (``operating · (1 − dedicated_share) · (1 − hours/8760) · surplus_uptake``);
        ``kwh_per_kg`` [kWh/kg], ``water_per_kg`` [L/kg], ``other_demand`` [kt/yr],
        ``grey_coal``, ``grey_co2`` [t/t]; ``room_per_t`` (n_years, k, n|1) substitution room
        per tonne of chemical output [kt H2 per Mt]; ``stock`` (the :func:`electrolyser_stock`
        dict).
    """
    e = "hydrogen.electrolyser"
    stock = electrolyser_stock(params)
    op = stock["operating"]
    hours = params[f"{e}.hours"]
    ded = params[f"{e}.dedicated_share"]
    elec = op * hours * 1e-3
    flex = op * (1.0 - ded) * (1.0 - hours / 8760.0) * params[f"{e}.surplus_uptake"]
    # the room is linear in the output: evaluate it for 1 Mt of every product
    inputs = (
        chem_pre["h2_per_t"],
        chem_pre["coal_per_t"],
        chem_pre["co2_per_t"],
        time_major(params["hydrogen.max_substitution_share"])[:, None, :],
        chem_pre["coal_saved"][:, None, :],
        chem_pre["co2_avoided"][:, None, :],
    )
    shape = np.broadcast_shapes(*(np.shape(x) for x in inputs))
    if all(x.shape[0] == 1 or x.strides[0] == 0 for x in inputs):  # the same in every year
        inputs = tuple(x[:1] for x in inputs)  # one year, broadcast (the same numbers)
    h2, coal, co2, share, saved, avoided = inputs
    room = np.broadcast_to(substitution_room(h2 * 1e3, coal, co2, share, saved, avoided), shape)
    return {
        "electrolyser_cap": time_major(stock["cap"]),
        "elec_dedicated": time_major(elec * ded),
        "elec_grid": time_major(elec * (1.0 - ded)),
        "flex_power": time_major(np.maximum(flex, 0.0)),
        "kwh_per_kg": time_major(params[f"{e}.kwh_per_kg"]),
        "water_per_kg": time_major(params[f"{e}.water_per_kg"]),
        "room_per_t": room,
        "other_demand": time_major(params["hydrogen.other_demand"]),
        "grey_coal": time_major(params["hydrogen.grey.coal_per_t"]),
        "grey_co2": time_major(params["hydrogen.grey.co2_per_t"]),
        "stock": stock,
    }


def electrolysis_supply(elec, kwh_per_kg, water_per_kg):
    """Hydrogen from an amount of electricity, and its water.

    Parameters
    ----------
    elec : ndarray
        Electricity [TWh/yr].
    kwh_per_kg : ndarray
        [kWh/kg].
    water_per_kg : ndarray
        [L/kg].

    Returns
    -------
    supply : ndarray
        ``elec · 10³ / kwh_per_kg`` [kt/yr] (10⁹ kWh / (kWh/kg) = 10⁶ t … = 10³ kt per TWh).
    water : ndarray
        ``supply · water_per_kg · 10⁻³`` [Mm3/yr].
    """
    supply = elec * 1e3 / kwh_per_kg
    return supply, supply * water_per_kg * 1e-3


def step_hydrogen(
    pre: dict[str, np.ndarray],
    t: int,
    truck_h2_demand: np.ndarray,
    chem_output: np.ndarray,
    supply: np.ndarray,
) -> dict[str, np.ndarray]:
    """Hydrogen balance in year ``t``.

    Parameters
    ----------
    pre : dict
        From :func:`precompute_hydrogen`.
    t : int
        Year index.
    truck_h2_demand : ndarray, shape (n | 1,)
        Fuel-cell truck demand [kt/yr] (transport ``truck_h2_demand``).
    chem_output : ndarray, shape (n | 1, k)
        Coal-chemical output after the water step [Mt/yr]
        (:func:`energysim.core.model.chemicals.scaled_output`).
    supply : ndarray, shape (n | 1,)
        Electrolytic hydrogen this year [kt/yr] (set hours plus surplus operation, from the
        dispatch).

    Returns
    -------
    dict of ndarray
        OUTPUTS names, shape (n | 1,): ``electrolyser_cap`` [GW], ``h2_grey_supply``,
        ``h2_truck_use``, ``h2_chem_substitution``, ``h2_other_use``, ``h2_export`` [kt/yr],
        ``h2_grey_coal_use``, ``h2_grey_co2`` [Mt/yr]. The balance
        ``supply + grey = truck + substitution + other + export`` holds after broadcasting.
    """
    other = pre["other_demand"][t]
    room = product_sum(pre["room_per_t"][t], chem_output.T)
    a = allocate_hydrogen(supply, truck_h2_demand, room, other)
    grey = a["grey"]
    return {
        "electrolyser_cap": pre["electrolyser_cap"][t],
        "h2_grey_supply": grey,
        "h2_truck_use": truck_h2_demand,
        "h2_chem_substitution": a["substitution"],
        "h2_other_use": other,
        "h2_export": a["export"],
        "h2_grey_coal_use": grey * (pre["grey_coal"][t] * 1e-3),
        "h2_grey_co2": grey * (pre["grey_co2"][t] * 1e-3),
    }
