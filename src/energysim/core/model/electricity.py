"""Electricity balance of the banner: dispatch over time slices, bounded exports, imports.

Equations (docs/model.md, section "Electricity dispatch"):

* the year is four time slices (:data:`SLICES`): heating season (15 Oct – 14 Apr, 182 days) and
  the rest (183 days), each split into a "sun" part (07–17 h) and a "dark" part (17–07 h);
  wind, solar and load have fixed energy shares per slice (:data:`PROFILES`, sourced
  estimates), exports and coal limits scale with the slice's hours ``τ_s = h_s / 8760``;
* final consumption ``F = mining + chemicals + electrolysis + trucks + other industry +
  buildings`` [TWh/yr]; the grid-fed part arrives at the busbar with line losses:
  ``B = F_grid / (1 − loss_share)``; load in slice ``s`` is ``B · λ_s``;
* wind and solar are must-run: ``V_s = W · ω_s + S · σ_s`` (potential after network
  curtailment); dedicated electrolysers take their electricity from it first, in proportion;
* the rest of the wind and solar meets local load first, then exports (planned corridors
  first — their renewable share — then the 蒙西 grid outlets), each bounded by its capacity ×
  maximum utilisation × ``τ_s``;
* coal fills the local deficit and the exports it may carry (all of the grid outlets, and
  ``(1 − r)/r`` times the corridor's renewable energy), between the fleet's minimum and
  maximum output ``cap · {min, max}_hours · (1 − own_use) · τ_s``; exports are cut before
  local supply when coal is at its maximum, and the rest is imported;
* surplus (renewables beyond load and exports, plus coal held at its minimum) charges storage
  (within the season's days: ``≤ power · h_s``, ``≤ energy · cycles · days/365``, and only as
  much as the discharge ``rte · charge`` can displace imports or coal above its minimum in the
  same season; discharge replaces imports, then exports cut for lack of coal, then coal above
  its minimum), then runs idle grid electrolysers (extra green hydrogen), then is curtailed
  (wind and solar); if even that is not enough, coal runs below its minimum (reported);
* balance in every slice (exact):
  ``coal_net + V_grid − curtailed + discharge + imports = B·λ + exports + charge + electrolysis``.

Plant own use ``O = own_use_share · G_c`` is inside the coal fleet's net output; grid losses
``L = B − F_grid`` (+ the loss share of surplus electrolysis). ``net_export = exports − imports``.
"""

from __future__ import annotations

import numpy as np

from energysim.core.model import Output
from energysim.core.model.kernels import use_compiled
from energysim.core.param import Param

_PSS = "power-system-sources.md"

#: Time slices of a year: (season, part of day).
SLICES = ("heating_sun", "heating_dark", "non_heating_sun", "non_heating_dark")
SLICE_ZH = {
    "heating_sun": "采暖季白天",
    "heating_dark": "采暖季夜间",
    "non_heating_sun": "非采暖季白天",
    "non_heating_dark": "非采暖季夜间",
}
#: Days of the two seasons (heating 15 Oct – 14 Apr; source: Hohhot heating season start,
#: power-system-sources.md §3; Ordos dates NOT FOUND) and hours of the four slices [h].
SEASON_DAYS = np.array([182.0, 183.0])
SLICE_HOURS = np.array([182.0 * 10, 182.0 * 14, 183.0 * 10, 183.0 * 14])
#: Energy shares of the year in each slice (each sums to 1). Estimates from the sources in
#: docs/model.md ("Time slices"): wind 55% in the heating season (IM 2022: Jan–May 42.7% of the
#: year's wind in 41.7% of the hours; 2023 Q1 48.4% of H1; 蒙西 records in November) and
#: windier at night; solar almost all in the sun part, 45% in the shorter heating days; load
#: nearly flat (industrial: 蒙西 winter week min/max supply 0.85), slightly higher in winter.
PROFILES = {
    "wind": np.array([0.21, 0.34, 0.17, 0.28]),
    "solar": np.array([0.44, 0.01, 0.51, 0.04]),
    "load": np.array([0.21, 0.295, 0.21, 0.285]),
}
_TAU = (SLICE_HOURS / 8760.0)[:, None]
_H = (SLICE_HOURS * 1e-3)[:, None]  # GW · h_s · 10^-3 = TWh
_SEASON_SHARE = (SEASON_DAYS / 365.0)[:, None]
_W, _S, _LAMBDA = (PROFILES[k][:, None] for k in ("wind", "solar", "load"))
_TINY = np.finfo(np.float64).tiny
#: Coordinates of the extra dimensions used by OUTPUTS.
COORDS = {"slice": SLICES}

PARAMS: list[Param] = [
    Param(
        "power.export.grid_capacity",
        "GW",
        {2021: 6.68, 2022: 8.0, 2023: 10.64, 2026: 13.28},
        (0.0, 100.0),
        "Capacity through which the banner's power leaves for other regions over existing "
        "outlets (蒙西 grid 500 kV and the point-to-grid plants of 蒙西—天津南).",
        "现有外送通道(蒙西电网500千伏及蒙西—天津南点对网配套电厂)的外送能力。",
        "electricity",
        source=f"estimate: 2022 sized so that the 2022 fleet at 5,000 h (Jingtai II design, "
        f"{_PSS} §1) closes the balance (≈40 TWh ÷ 5,000 h = 8 GW); 2021: less the 1.32 GW of "
        "汇能长滩, whose 1000 kV line (a 蒙西—天津南 supporting project, §1) came with it in 2022; "
        "2023 + 2.64 GW for the "
        "国电建投长滩 and 京泰酸刺沟二期 units, both 蒙西—天津南 supporting plants (§1); "
        "2026 + 2.64 GW assumed for the 汇能/蒙能 units started in 2023; range ±25%",
    ),
    Param(
        "power.export.grid_max_hours",
        "h/yr",
        5000.0,
        (0.0, 8760.0),
        "Largest utilisation of the existing export outlets (energy per unit of capacity).",
        "现有外送通道的最大利用小时数。",
        "electricity",
        source=f"derived: {_PSS} §1: 蒙西—天津南 400亿 kWh ÷ 800万 kW = 5,000 h; 京泰酸刺沟二期 "
        "66亿 kWh ÷ 132万 kW = 5,000 h (design values, not measured flows)",
    ),
    Param(
        "power.export.corridor_capacity",
        "GW",
        {2022: 0.0, 2026: 0.0, 2027: 2.0},
        (0.0, 100.0),
        "The banner's share of planned UHV export corridors with a renewable-share rule "
        "(e.g. 蒙西—京津冀 ±800 kV, 2027).",
        "规划特高压外送通道(如2027年蒙西—京津冀±800千伏)中本旗可用的外送能力。",
        "electricity",
        source=f"estimate: {_PSS} §1: 蒙西—京津冀 rated 8 GW, 2027, sending end in 达拉特旗 "
        "(neighbouring banner); a quarter assumed for 准格尔旗 (range 0–4 GW)",
    ),
    Param(
        "power.export.corridor_max_hours",
        "h/yr",
        4500.0,
        (0.0, 8760.0),
        "Largest utilisation of the planned corridors.",
        "规划外送通道的最大利用小时数。",
        "electricity",
        source=f"derived: {_PSS} §1: 蒙西—京津冀 >360亿 kWh ÷ 800万 kW = 4,500 h (design)",
    ),
    Param(
        "power.export.corridor_renewable_share",
        "",
        0.6,
        (0.0, 1.0),
        "Smallest wind and solar share of the energy sent over the planned corridors.",
        "规划外送通道输送电量中新能源电量的最低占比。",
        "electricity",
        source=f"{_PSS} §1: 蒙西—京津冀 design 新能源电量占比60% (project value, not a general "
        "rule; the 50% rule for new corridors was NOT FOUND)",
    ),
]

#: Final consumers of electricity, in the order of the balance (output name suffix, en, zh).
CONSUMERS = (
    ("mining", "coal mining and washing", "煤炭采选"),
    ("chemicals", "coal chemicals", "煤化工"),
    ("electrolysis", "electrolysis (green hydrogen)", "电解水制氢"),
    ("transport", "electric trucks", "电动卡车"),
    ("other_industry", "other industry", "其他工业"),
    ("buildings", "buildings", "建筑"),
    ("storage_losses", "battery losses", "储能损耗"),
)

OUTPUTS: list[Output] = [
    Output(
        "electricity_consumption",
        "TWh/yr",
        "Final electricity consumption",
        "终端用电量",
        sector="electricity",
    ),
    Output(
        "electricity_demand",
        "TWh/yr",
        "Local electricity demand incl. plant own use",
        "本地用电量(含厂用电)",
        sector="electricity",
    ),
    Output("grid_losses", "TWh/yr", "Grid losses", "线损电量", sector="electricity"),
    Output(
        "electricity_export",
        "TWh/yr",
        "Electricity sent out of the banner (bounded by the outlets)",
        "外送电量",
        sector="electricity",
    ),
    Output(
        "electricity_import",
        "TWh/yr",
        "Electricity received when local demand exceeds the fleet",
        "受入电量",
        sector="electricity",
    ),
    Output(
        "export_bound",
        "TWh/yr",
        "Largest export the outlets allow (capacity × maximum hours)",
        "外送通道最大送电量",
        sector="electricity",
    ),
    Output(
        "storage_discharged",
        "TWh/yr",
        "Electricity discharged from batteries",
        "储能放电量",
        sector="electricity",
    ),
    Output(
        "coal_below_min",
        "TWh/yr",
        "Coal output forced below the fleet's minimum (nowhere else to go)",
        "煤电被迫低于最小出力的电量",
        sector="electricity",
    ),
    Output(
        "curtailed_by_slice",
        "TWh/yr",
        "Curtailed wind and solar energy by time slice",
        "分时段弃风弃光电量",
        ("slice",),
        "electricity",
    ),
    Output(
        "coal_gen_by_slice",
        "TWh/yr",
        "Net coal-power supply by time slice",
        "分时段煤电上网电量",
        ("slice",),
        "electricity",
    ),
    Output(
        "net_export",
        "TWh/yr",
        "Net electricity export to the grid (negative: import)",
        "净外送电量(负值为受入)",
        sector="electricity",
    ),
]


def grid_losses(consumption, loss_share):
    """Grid losses of the local grid.

    Parameters
    ----------
    consumption : ndarray
        Final consumption [TWh/yr].
    loss_share : ndarray, broadcastable
        Line-loss rate, losses / (consumption + losses) [fraction, < 1].

    Returns
    -------
    ndarray
        [TWh/yr].
    """
    return consumption * (loss_share / (1.0 - loss_share))


def net_export(generation, demand, losses):
    """Net export to the grid that closes the electricity balance.

    Parameters
    ----------
    generation : ndarray
        Gross generation [TWh/yr].
    demand : ndarray
        Local demand incl. own use [TWh/yr].
    losses : ndarray
        Grid losses [TWh/yr].

    Returns
    -------
    ndarray
        ``generation − demand − losses`` [TWh/yr]; negative means import.
    """
    return generation - demand - losses


def annual_total(flows: dict, key: str) -> np.ndarray:
    """A per-slice result of :func:`dispatch` summed over the slices, shape (m,) [TWh/yr].

    The compiled dispatch of ensembles returns these sums ready (``flows["totals"]``, the same
    additions in the same order); otherwise ``flows[key].sum(axis=0)``.
    """
    totals = flows.get("totals")
    return flows[key].sum(axis=0) if totals is None else totals[key]


def dispatch(
    wind_pot,
    solar_pot,
    dedicated,
    grid_demand,
    loss_share,
    coal_min,
    coal_max,
    export_grid,
    export_corridor,
    corridor_re_share,
    storage_power,
    storage_energy,
    storage_cycles,
    rte,
    flex_power,
):
    """One year's dispatch over the four time slices, for every sample at once.

    Parameters
    ----------
    wind_pot, solar_pot : ndarray, shape (m,)
        Wind and solar energy available to the banner in the year (potential after network
        curtailment) [TWh/yr].
    dedicated : ndarray, shape (m,)
        Electricity wanted by electrolysers with dedicated wind/solar [TWh/yr].
    grid_demand : ndarray, shape (m,)
        Busbar demand of the grid-fed final consumers, losses included [TWh/yr].
    loss_share : ndarray, shape (m,)
        Line-loss rate [fraction].
    coal_min, coal_max : ndarray, shape (m,)
        Net output of the coal fleet (after own use) at its minimum and maximum hours
        [TWh/yr].
    export_grid, export_corridor : ndarray, shape (m,)
        Export bounds of the existing outlets and of the planned corridors [TWh/yr].
    corridor_re_share : ndarray, shape (m,)
        Smallest renewable share of corridor exports [fraction].
    storage_power : ndarray, shape (m,)
        Operating battery power [GW].
    storage_energy : ndarray, shape (m,)
        Battery energy capacity [GWh].
    storage_cycles : ndarray, shape (m,)
        Largest number of full cycles per year [1/yr].
    rte : ndarray, shape (m,)
        Round-trip efficiency [fraction].
    flex_power : ndarray, shape (m,)
        Idle grid-connected electrolyser power that runs on surplus [GW].

    Returns
    -------
    dict of ndarray
        Per slice, shape (4, m) [TWh/yr in the slice]: ``coal`` (net coal supply), ``vre``
        (wind and solar used: to local load, exports, storage, electrolysers and dedicated
        electrolysers), ``solar`` (the solar part of ``vre``, each slice's curtailment shared
        in proportion to output), ``curtailed``, ``exports``, ``imports``, ``charge``,
        ``discharge``,
        ``flex`` (surplus taken by electrolysers, at the busbar), ``load`` (``B · λ_s``),
        ``dedicated`` (wind and solar to dedicated electrolysers), ``below_min`` (coal output
        forced below its minimum). Annual, shape (m,): ``dedicated_served`` [TWh/yr] and
        ``busbar`` (grid demand incl. the dedicated electrolysers' shortfall) [TWh/yr].
    """
    # in-place arithmetic on (4, m) buffers: the same operations as the docstring of the
    # module, in its order, without a temporary per operation (docs/performance.md)
    m = max(np.shape(x)[0] for x in (
        wind_pot, solar_pot, dedicated, grid_demand, loss_share, coal_min, coal_max,
        export_grid, export_corridor, corridor_re_share, storage_power, storage_energy,
        storage_cycles, rte, flex_power))
    if use_compiled(m):  # ensembles: the same operations compiled (kernels/dispatch.py)
        # lazy: numba loads only for ensembles (a single run keeps its start-up time)
        from energysim.core.model.kernels import dispatch as compiled

        return compiled.dispatch(
            m,
            (wind_pot, solar_pot, dedicated, grid_demand, loss_share, coal_min, coal_max,
             export_grid, export_corridor, corridor_re_share, storage_power, storage_energy,
             storage_cycles, rte, flex_power),
            (_S, _W, _LAMBDA, _TAU, _H, _SEASON_SHARE), _TINY)
    shape = (len(SLICES), m)
    e = np.empty
    solar = np.multiply(solar_pot, _S, out=e(shape))
    vre = np.multiply(wind_pot, _W, out=e(shape))
    vre += solar
    vre_tot = wind_pot + solar_pot
    served = np.minimum(dedicated, vre_tot)
    if np.any(served > 0.0):
        ded = np.multiply(vre, served / np.maximum(vre_tot, _TINY), out=e(shape))
        vg = np.subtract(vre, ded, out=e(shape))  # wind and solar left for the grid
    else:  # no dedicated electrolysers: the same numbers without the arithmetic
        ded, vg = np.zeros(shape), vre
    busbar = grid_demand + (dedicated - served) / (1.0 - loss_share)
    load = np.multiply(busbar, _LAMBDA, out=e(shape))
    a = np.subtract(vg, load, out=e(shape))
    q = np.negative(a, out=e(shape))
    np.maximum(q, 0.0, out=q)  # local load not met by renewables
    np.maximum(a, 0.0, out=a)  # renewables after local load
    # renewables exported: the corridors first (their renewable share), then the grid outlets
    xg = np.multiply(export_grid, _TAU, out=e(shape))
    corridor = bool(np.any(export_corridor > 0.0))
    if corridor:
        xk = np.multiply(export_corridor, _TAU, out=e(shape))
        xv = np.minimum(a, xk, out=e(shape))
        np.subtract(a, xv, out=a)
        np.subtract(xk, xv, out=xk)  # corridor room left
        # coal may carry (1 − r)/r times the corridor's renewable energy (all of it, r = 0)
        r = np.asarray(corridor_re_share)
        rule = r > 0.0
        if np.any(rule):
            with np.errstate(over="ignore"):  # a tiny r gives rho = inf: coal may carry all
                rho = np.divide(1.0 - r, r, out=np.zeros(np.shape(r)), where=rule)
            carry = np.multiply(xv, rho, out=np.zeros(shape), where=xv > 0.0)  # not 0 · inf
            np.minimum(xk, carry, out=xk, where=np.broadcast_to(rule, shape))
    xv_g = np.minimum(a, xg, out=e(shape))
    np.subtract(a, xv_g, out=a)
    np.maximum(a, 0.0, out=a)  # renewables beyond load and exports (≥ 0 to rounding)
    room = np.subtract(xg, xv_g, out=xg)  # exports coal may carry
    exports = xv_g
    if corridor:
        room += xk
        exports += xv
    q += room
    nmin = np.multiply(coal_min, _TAU, out=e(shape))
    n = np.maximum(q, nmin, out=e(shape))
    np.minimum(n, coal_max * _TAU, out=n)
    short = np.subtract(q, n, out=q)  # > 0: coal at its maximum, < 0: held at its minimum
    u = np.negative(short, out=e(shape))
    np.maximum(u, 0.0, out=u)
    np.maximum(short, 0.0, out=short)
    u += a  # surplus: coal held at its minimum, renewables beyond load and exports
    exports += room  # all the room now; what is cut for lack of coal comes off below
    cut = np.minimum(short, room, out=room)  # exports are cut before local supply
    imp = np.subtract(short, cut, out=short)
    # storage: charge surplus, discharge against imports, cut exports and coal above minimum
    if np.any(storage_power > 0.0):
        p_h = storage_power * _H
        chg_pot = np.minimum(u, p_h)
        room_dis = np.subtract(n, nmin, out=nmin)
        room_dis += imp
        room_dis += cut
        np.minimum(room_dis, p_h, out=room_dis)
        cp = chg_pot[0::2] + chg_pot[1::2]
        dr = room_dis[0::2] + room_dis[1::2]
        c = np.minimum(cp, storage_energy * storage_cycles * 1e-3 * _SEASON_SHARE)
        rte_b = np.broadcast_to(rte, dr.shape)
        with np.errstate(over="ignore"):  # a tiny efficiency: no limit (inf), as intended
            lim = np.divide(dr, rte_b, out=np.zeros(dr.shape), where=rte_b > 0.0)
        np.minimum(c, lim, out=c)
        fc = np.divide(c, cp, out=np.zeros(c.shape), where=cp > 0.0)
        fd = np.divide(c * rte, dr, out=np.zeros(c.shape), where=dr > 0.0)
        np.minimum(fd, 1.0, out=fd)  # c ≤ dr / rte: 1 at most, up to rounding
        charge = chg_pot  # both slices of a season by its factor, in place
        charge.reshape(2, 2, -1)[...] *= fc[:, None, :] if fc.ndim == 2 else fc
        discharge = room_dis
        discharge.reshape(2, 2, -1)[...] *= fd[:, None, :] if fd.ndim == 2 else fd
        # the discharge replaces imports first, then restores cut exports, then lowers coal
        d_imp = np.minimum(discharge, imp)
        rest = discharge - d_imp
        d_exp = np.minimum(rest, cut)
        rest -= d_exp
        imp -= d_imp
        cut -= d_exp
        n -= rest
        u -= charge
    else:
        charge = discharge = np.zeros(shape)
    exports -= cut
    if np.any(flex_power > 0.0):
        flex = np.minimum(u, flex_power * _H)
        u -= flex
    else:
        flex = np.zeros(shape)
    curtailed = np.minimum(u, vg)
    below = np.subtract(u, curtailed, out=u)
    coal = np.subtract(n, below, out=n)
    np.maximum(coal, 0.0, out=coal)  # ≥ 0 up to rounding
    # wind and solar are curtailed in proportion to their output in the slice
    solar_used = np.divide(solar, vre, out=solar, where=vre > 0.0)  # solar's share, 0 if none
    used = np.subtract(vre, curtailed, out=vre)
    solar_used *= used
    return {
        "coal": coal,
        "vre": used,
        "solar": solar_used,
        "curtailed": curtailed,
        "exports": exports,
        "imports": imp,
        "charge": charge,
        "discharge": discharge,
        "flex": flex,
        "load": load,
        "dedicated": ded,
        "below_min": below,
        "dedicated_served": served,
        "busbar": busbar,
    }
