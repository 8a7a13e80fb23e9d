"""A plain-Python reference of the energysim model: one sample at a time, one year at a time.

The same equations as :mod:`energysim.core.engine` and :mod:`energysim.core.model` (docs/model.md),
written
the way a modeller would write them without numpy: floats, lists and ``math``, a loop over the
years inside a loop over the samples (and, for the electricity dispatch, a loop over the four
time slices of the year). It serves two purposes:

* an independent check of the vectorised engine (``tests/test_reference.py`` compares the two on
  samples of the baseline and of perturbed ensembles to a relative 1e-9);
* the yardstick of the benchmarks (``benchmarks/bench_energysim.py``): its sample-years per
  second, measured in the same session as the engine's, give the speed-up as a ratio.

Numpy is used only at the boundary (:func:`sample_values` turns one sample of a
:class:`~energysim.core.params.Params` into lists; :func:`as_arrays` turns results back into
arrays).

Usage::

    from reference import simulate_params
    out = simulate_params(params, [0, 5, 17])     # dict: output name -> (n, n_years[, k])

The power system has two modes, chosen by ``power.dispatch`` (the same for every sample and
year):

* ``1`` (dispatch): coal fills local demand and bounded exports over four time slices
  (:func:`dispatch_year`); its hours, the imports, battery cycling, surplus electrolysis and
  curtailment are outcomes;
* ``0`` (fixed hours, the model before 2026-12): coal runs ``power.coal.hours``, curtailment is
  the empirical curve of ``power.curtailment.*`` and the net export closes the balance
  (unbounded). The outputs of the dispatch keep their layout: the export bound is reported
  but not enforced, coal never runs below a minimum, and the annual curtailment and net coal
  supply are spread over the slices by the wind/solar and load profiles.

Floating-point order follows the engine where it is cheap to do so; the remaining differences
(``math.exp`` versus numpy's SIMD ``exp``, summation order of a few sums) are at the level of
rounding, far below the 1e-9 of the comparison.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence

from reference_costs import costs_of_sample

#: Products, powertrains, technologies and sectors, in the engine's order.
PRODUCTS = ("olefins", "coal_to_liquids", "coal_to_gas", "ethylene_glycol", "aromatics")
INTENSITIES = ("coal_per_t", "elec_per_t", "water_per_t", "co2_per_t", "h2_per_t")
TECHS = ("coal", "wind", "solar")
TINY = 2.2250738585072014e-308  # smallest normal float64 (numpy's finfo.tiny)
SCALE_FLOOR = 1e-30  # stocks.SCALE_FLOOR
RENORM = 1e-150  # stocks.renormalise threshold

# ---- time slices of the electricity dispatch (electricity.py, docs/model.md) ------------------
#: Slices: (heating season 15 Oct – 14 Apr, rest of the year) × (sun 07–17 h, dark 17–07 h).
SLICES = ("heating_sun", "heating_dark", "non_heating_sun", "non_heating_dark")
SEASON_DAYS = (182.0, 183.0)
DAY_HOURS = (10.0, 14.0)  # sun part, dark part [h/day]
SLICE_SEASON = (0, 0, 1, 1)  # season of every slice
SLICE_HOURS = tuple(d * h for d in SEASON_DAYS for h in DAY_HOURS)  # h_s [h]
TAU = tuple(h / 8760.0 for h in SLICE_HOURS)  # share of the year's hours τ_s
SLICE_TWH_PER_GW = tuple(h * 1e-3 for h in SLICE_HOURS)  # 1 GW over h_s hours [TWh]
SEASON_SHARE = tuple(d / 365.0 for d in SEASON_DAYS)  # share of the year's days
#: Energy shares of the year in each slice (wind, solar, load; each sums to 1).
WIND_PROFILE = (0.21, 0.34, 0.17, 0.28)
SOLAR_PROFILE = (0.44, 0.01, 0.51, 0.04)
LOAD_PROFILE = (0.21, 0.295, 0.21, 0.285)

#: Water users, in the order of ``water_use`` (reserved users first, chemicals last).
WATER_USERS = (
    "municipal",
    "agriculture",
    "industry_other",
    "power",
    "mining",
    "electrolysis",
    "chemicals",
)

Values = Mapping[str, Sequence[float]]

#: Outputs recorded every year (``co2_peak_year`` comes after the year loop).
OUTPUT_ORDER = (
    "gdp",
    "gdp_coal",
    "gdp_rest",
    "other_industry_electricity",
    "other_industry_coal",
    "buildings_electricity",
    "buildings_coal",
    "power_cap",
    "power_add",
    "power_retire",
    "power_gen",
    "power_hours",
    "generation",
    "renewable_gen_share",
    "curtailment_share",
    "curtailed_gen",
    "power_coal_tce",
    "own_use",
    "power_water",
    "storage_cap",
    "storage_add",
    "storage_retire",
    "storage_energy_cap",
    "storage_charged",
    "storage_losses",
    "storage_discharged",
    "mining_truck_fleet",
    "mining_truck_sales",
    "mining_truck_retire",
    "heavy_truck_fleet",
    "heavy_truck_sales",
    "heavy_truck_retire",
    "mining_truck_diesel_use",
    "heavy_truck_diesel_use",
    "mining_truck_elec_use",
    "heavy_truck_elec_use",
    "truck_h2_demand",
    "charging_stations_needed",
    "chem_output",
    "chem_coal_use",
    "chem_elec_use",
    "chem_water_use",
    "chem_co2",
    "chem_co2_avoided",
    "chem_h2_requirement",
    "sng_output_volume",
    "water_use",
    "water_deficit",
    "chem_water_scale",
    "electrolyser_cap",
    "h2_electrolytic_supply",
    "h2_green_supply",
    "h2_grid_supply",
    "h2_electrolytic_co2_intensity",
    "h2_grey_supply",
    "h2_truck_use",
    "h2_chem_substitution",
    "h2_other_use",
    "h2_export",
    "electrolysis_elec_use",
    "electrolysis_grid_elec_use",
    "electrolysis_water_use",
    "h2_grey_coal_use",
    "h2_grey_co2",
    "coal_output",
    "coal_local_use",
    "coal_shipments",
    "coal_imports",
    "coal_power_use",
    "coal_other_use",
    "mining_diesel",
    "mining_electricity",
    "electricity_consumption",
    "electricity_demand",
    "grid_losses",
    "electricity_export",
    "electricity_import",
    "export_bound",
    "coal_below_min",
    "curtailed_by_slice",
    "coal_gen_by_slice",
    "net_export",
    "co2",
    "co2_total",
    "co2_captured",
    "grid_co2_intensity",
    "co2_exported_electricity",
    "co2_imported_electricity",
    "co2_consumption_total",
    "energy_use_tce",
    "energy_intensity",
    "energy_use_total_control",
    "energy_intensity_control",
    "co2_intensity",
)


# ---------------------------------------------------------------------------------------------
# boundary helpers (numpy allowed here)
# ---------------------------------------------------------------------------------------------


def sample_values(params, i: int) -> dict[str, list[float]]:
    """One sample's parameters as plain lists.

    Parameters
    ----------
    params : energysim.core.params.Params
        Compiled parameters, arrays ``(n | 1, n_years)``.
    i : int
        Sample index (deterministic parameters, of sample size 1, give their only row).

    Returns
    -------
    dict of str to list of float
        Path → the ``n_years`` values of sample ``i`` [canonical units].
    """
    return {k: v[i if v.shape[0] > 1 else 0].tolist() for k, v in params.values.items()}


def as_arrays(results: list[dict[str, list]]):
    """Per-sample results → arrays ``(n, n_years[, k])`` (``(n,)`` for the peak year)."""
    import numpy as np

    return {k: np.array([r[k] for r in results], dtype=float) for k in results[0]}


def simulate_params(params, samples: Iterable[int] | None = None):
    """Run the reference on some samples of ``params`` (default all); arrays like the engine's."""
    years = [int(y) for y in params.years]
    idx = range(params.n_samples) if samples is None else samples
    return as_arrays([simulate_sample(sample_values(params, i), years) for i in idx])


# ---------------------------------------------------------------------------------------------
# building blocks
# ---------------------------------------------------------------------------------------------


def whole_years(x: float, hi: int | None = None) -> int:
    """Round a duration to whole years (half to even, like ``numpy.rint``), at least 1."""
    y = max(round(x), 1)
    return y if hi is None else min(y, hi)


def initial_vintages(initial: float, span: float, n_pre: int, lifetime: float) -> list[float]:
    """The initial stock spread evenly over its last ``span`` years (≤ lifetime, ≤ n_pre)."""
    a = min(whole_years(span, n_pre), whole_years(lifetime))
    return [initial / a if j >= n_pre - a else 0.0 for j in range(n_pre)]


def stock_path(initial, span, add, lifetime, replace, start=None):
    """Capacity stock with vintages and rebuilding of retired capacity.

    A vintage retires ``L`` (the lifetime in whole years) years after it was built; a share
    ``replace[t]`` of the retirements of year ``t`` is rebuilt in the same year and becomes a
    vintage of year ``t`` (it retires, and is rebuilt, again ``L`` years later)::

        retire[t]  = built[t − L]                        (initial vintages before the base year)
        built[t]   = add[t] + replace[t] · retire[t]
        stock[t]   = max(initial + Σ_{τ≤t} (built[τ] − retire[τ]), 0)

    Parameters
    ----------
    initial, span, lifetime : float
        Stock at the end of the year before the base year, the years over which it was built,
        the lifetime [yr].
    add, replace : sequence of float
        Additions per year and the rebuilt share of the year's retirements.
    start : float, optional
        The stock the changes are added to (default ``initial``; the electrolysers start
        from the sum of their initial vintages, equal to ``initial`` up to rounding).

    Returns
    -------
    stock, retire, built : list of float
        Over the years; ``built`` are the additions including the rebuilt capacity.
    """
    L = whole_years(lifetime)
    start = initial if start is None else start
    hist = initial_vintages(initial, span, L, lifetime) + list(add)  # built by vintage
    stock, retire, c = [], [], 0.0
    for t in range(len(add)):
        r = hist[t]  # the vintage built L years before year t (history index L + t − L)
        hist[L + t] += replace[t] * r
        c += hist[L + t] - r
        retire.append(r)
        stock.append(max(c + start, 0.0))
    return stock, retire, hist[L:]


def operating(stock, built, first_year_fraction):
    """Capacity in service through each year: new capacity counts only a fraction of its first
    year, ``max(stock − (1 − f) · built, 0)`` [capacity-years]."""
    return [
        max(s - (1.0 - f) * b, 0.0)
        for s, b, f in zip(stock, built, first_year_fraction, strict=True)
    ]


def s_curve(year, midpoint, steepness, ceiling):
    """Logistic share with floor 0 (tanh form, as the engine)."""
    x = steepness * (year - midpoint)
    return 0.0 + (ceiling - 0.0) * (0.5 * (1.0 + math.tanh(0.5 * x)))


def clip(x, lo, hi):
    return min(max(x, lo), hi)


def sales_shares(year, curves) -> tuple[float, float, float]:
    """(diesel, bev, fcev) sales shares in ``year``.

    ``curves`` holds the year's ``(midpoint, steepness, ceiling)`` of the bev and fcev S-curves.
    """
    (bm, bs, bc), (fm, fs, fc) = curves
    bev = clip(s_curve(year, bm, bs, bc), 0.0, 1.0)
    fcev = clip(s_curve(year, fm, fs, fc), 0.0, 1.0)
    alt = bev + fcev
    norm = 1.0 / max(alt, 1.0) if alt > 1.0 else 1.0
    bev, fcev = bev * norm, fcev * norm
    return clip(1.0 - bev - fcev, 0.0, 1.0), bev, fcev


def curve_params(v: Values, fleet: str):
    """A fleet's S-curve parameters: per year, ``((mid, steep, ceil) bev, (…) fcev)``."""
    p = f"transport.{fleet}"
    cols = [
        v[f"{p}.{pt}.sales_{k}"]
        for pt in ("bev", "fcev")
        for k in ("midpoint", "steepness", "ceiling")
    ]
    return [((a, b, c), (d, e, f)) for a, b, c, d, e, f in zip(*cols, strict=True)]


def base_sales_shares(v: Values, fleet: str) -> tuple[float, float, float]:
    """The base year's recorded (diesel, bev, fcev) sales shares (the S-curves from the next
    year on)."""
    p = f"transport.{fleet}"
    return tuple(powertrain_split(v[f"{p}.bev.base_sales_share"][0],
                                  v[f"{p}.fcev.base_sales_share"][0]))


def initial_shares(v: Values, fleet: str) -> list[float]:
    p = f"transport.{fleet}"
    return powertrain_split(v[f"{p}.initial_bev_share"][0], v[f"{p}.initial_fcev_share"][0])


def powertrain_split(bev: float, fcev: float) -> list[float]:
    """(diesel, bev, fcev) from the two alternative shares, scaled down together above 1."""
    bev, fcev = clip(bev, 0.0, 1.0), clip(fcev, 0.0, 1.0)
    alt = bev + fcev
    norm = 1.0 / max(alt, 1.0) if alt > 1.0 else 1.0
    bev, fcev = bev * norm, fcev * norm
    return [clip(1.0 - bev - fcev, 0.0, 1.0), bev, fcev]


class Fleet:
    """A truck fleet by powertrain with a normalised vintage history (uniform early retirement).

    ``hist[j][p]`` are the sales of vintage ``j`` divided by the cumulative keep-factor
    ``scale[p]`` at the time; real sizes are ``hist[j][p] · scale[p]`` (docs/model.md, Stocks).
    """

    def __init__(self, initial, shares, span, lifetime, n_pre, n_years):
        self.L = whole_years(lifetime)
        self.n_pre = n_pre
        pre = initial_vintages(initial, span, n_pre, lifetime)
        self.hist = [[x * s for s in shares] for x in pre] + [[0.0] * 3 for _ in range(n_years)]
        self.stock = [initial * s for s in shares]
        self.scale = [1.0, 1.0, 1.0]

    def step(self, t, target, shares):
        """One year: retirements, sales to ``target``, early retirement; (fleet, sales, retire)."""
        h = self.n_pre + t
        j = h - self.L
        due = [self.hist[j][p] * self.scale[p] if j >= 0 else 0.0 for p in range(3)]
        due = [min(d, s) for d, s in zip(due, self.stock, strict=True)]
        after = [s - d for s, d in zip(self.stock, due, strict=True)]
        gap = max(target, 0.0) - (after[0] + after[1] + after[2])
        grow = max(gap, 0.0)
        sales = [s * grow for s in shares]
        excess = grow - gap
        if excess == 0.0:
            new = [a + s for a, s in zip(after, sales, strict=True)]
            retire = due
        else:
            early_d = min(excess, after[0])
            rest = excess - early_d
            others = after[1] + after[2]
            frac = min(rest / max(others, TINY), 1.0)
            k0 = 1.0 - early_d / max(after[0], TINY)
            keep = [k0, 1.0 - frac, 1.0 - frac]
            surv = [a * k for a, k in zip(after, keep, strict=True)]
            new = [s + x for s, x in zip(surv, sales, strict=True)]
            retire = [d + (a - s) for d, a, s in zip(due, after, surv, strict=True)]
            for p in range(3):
                self.scale[p] = self.scale[p] * max(keep[p], SCALE_FLOOR)
                if self.scale[p] < RENORM:  # fold a tiny scale back into the history
                    for row in self.hist:
                        row[p] *= self.scale[p]
                    self.scale[p] = 1.0
        self.hist[h] = [s / k for s, k in zip(sales, self.scale, strict=True)]
        self.stock = new
        return new, sales, retire


# ---------------------------------------------------------------------------------------------
# power: the dispatch over time slices (power.dispatch = 1) and fixed hours (= 0)
# ---------------------------------------------------------------------------------------------


def dispatch_year(
    wind,
    solar,
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
    """One year's electricity dispatch over the four time slices (electricity.dispatch).

    Parameters
    ----------
    wind, solar : float
        Wind and solar energy available in the year (after network curtailment) [TWh/yr].
    dedicated : float
        Electricity wanted by electrolysers on dedicated wind/solar [TWh/yr].
    grid_demand : float
        Busbar demand of the grid-fed consumers, losses included [TWh/yr].
    loss_share : float
        Line-loss rate [fraction].
    coal_min, coal_max : float
        Net coal output (after own use) at the fleet's minimum and maximum hours [TWh/yr].
    export_grid, export_corridor : float
        Export bounds of the existing outlets and of the planned corridors [TWh/yr].
    corridor_re_share : float
        Smallest wind/solar share of corridor exports [fraction].
    storage_power, storage_energy, storage_cycles, rte : float
        Operating battery power [GW], energy [GWh], largest cycles [1/yr], round-trip
        efficiency [fraction].
    flex_power : float
        Idle grid-connected electrolyser power that runs on surplus [GW].

    Returns
    -------
    dict
        Per slice (lists of 4, TWh in the slice): ``coal`` (net coal supply), ``vre`` (wind and
        solar used), ``curtailed``, ``exports``, ``imports``, ``charge``, ``discharge``,
        ``flex`` (surplus to electrolysers, at the busbar), ``below_min``, ``solar`` (the
        solar part of ``vre``); for the year:
        ``dedicated_served`` and ``busbar`` [TWh/yr].
    """
    # 1. wind and solar by slice, V_s = W·ω_s + S·σ_s; dedicated electrolysers take what they
    #    want (at most all of it) first, from every slice in proportion
    total = wind + solar
    served = min(dedicated, total)
    vre = [wind * WIND_PROFILE[s] + solar * SOLAR_PROFILE[s] for s in range(4)]
    vre_grid = [v - v * (served / max(total, TINY)) for v in vre]
    # 2. busbar demand B: the grid consumers plus the dedicated electrolysers' shortfall
    busbar = grid_demand + (dedicated - served) / (1.0 - loss_share)
    r = corridor_re_share

    coal, exports, imports, surplus = [0.0] * 4, [0.0] * 4, [0.0] * 4, [0.0] * 4
    cuts, charge_room, discharge_room = [0.0] * 4, [0.0] * 4, [0.0] * 4
    for s in range(4):
        # 3. wind and solar meet the local load first, then exports: corridors, then outlets
        load = busbar * LOAD_PROFILE[s]
        avail = vre_grid[s] - load
        re_left = max(avail, 0.0)  # renewables after local load
        deficit = max(-avail, 0.0)  # local load the renewables do not meet
        corr_bound, grid_bound = export_corridor * TAU[s], export_grid * TAU[s]
        re_corr = min(re_left, corr_bound)
        re_grid = min(re_left - re_corr, grid_bound)
        re_export = re_corr + re_grid
        # 4. coal fills the deficit and the exports it may carry, within [min, max] output
        #    (all of the outlets' rest; on the corridors at most (1 − r)/r times their
        #    renewable export, all of the rest without a renewable rule, r = 0)
        corr_room = corr_bound - re_corr
        if r > 0.0:
            corr_room = min(corr_room, re_corr * ((1.0 - r) / r))
        coal_room = corr_room + (grid_bound - re_grid)
        wanted = deficit + coal_room
        floor = coal_min * TAU[s]
        n = min(max(wanted, floor), coal_max * TAU[s])
        # coal at its maximum: exports are cut first, then the local shortfall is imported
        short = max(wanted - n, 0.0)
        cut = min(short, coal_room)
        exports[s] = re_export + (coal_room - cut)
        imports[s] = short - cut
        # surplus: coal held at its minimum beyond need, renewables beyond load and exports
        surplus[s] = max(n - wanted, 0.0) + (re_left - re_export)
        coal[s], cuts[s] = n, cut
        # batteries can charge the surplus and discharge against imports, exports cut for
        # lack of coal and coal above its minimum, each within the battery power over the
        # slice's hours
        p_h = storage_power * SLICE_TWH_PER_GW[s]
        charge_room[s] = min(surplus[s], p_h)
        discharge_room[s] = min(imports[s] + cut + (n - floor), p_h)

    # 5. storage, season by season: charge c ≤ Σ charge room, ≤ energy · cycles · days/365, and
    #    only what the discharge rte · c can use (rte · c ≤ Σ discharge room); both spread over
    #    the season's two slices in proportion to their room
    f_charge, f_discharge = [0.0, 0.0], [0.0, 0.0]
    for z in range(2):
        cp = charge_room[2 * z] + charge_room[2 * z + 1]
        dr = discharge_room[2 * z] + discharge_room[2 * z + 1]
        c = min(cp, storage_energy * storage_cycles * 1e-3 * SEASON_SHARE[z])
        c = min(c, dr / rte if rte > 0.0 else 0.0)
        f_charge[z] = c / cp if cp > 0.0 else 0.0
        f_discharge[z] = c * rte / dr if dr > 0.0 else 0.0

    out = {k: [0.0] * 4 for k in ("charge", "discharge", "flex", "curtailed", "below_min")}
    for s in range(4):
        z = SLICE_SEASON[s]
        charge = charge_room[s] * f_charge[z]
        discharge = discharge_room[s] * f_discharge[z]
        # discharge replaces imports first, then restores exports cut for lack of coal, then
        # lowers coal above its minimum
        from_imports = min(discharge, imports[s])
        to_exports = min(discharge - from_imports, cuts[s])
        u = surplus[s] - charge
        # 6. the rest of the surplus runs idle electrolysers, then wind and solar are curtailed;
        #    what is left (coal held at its minimum) forces coal below its minimum
        flex = min(u, flex_power * SLICE_TWH_PER_GW[s])
        u -= flex
        curtailed = min(u, vre_grid[s])
        below = u - curtailed
        coal[s] = coal[s] - (discharge - from_imports - to_exports) - below
        imports[s] = imports[s] - from_imports
        exports[s] = exports[s] + to_exports
        out["charge"][s], out["discharge"][s], out["flex"][s] = charge, discharge, flex
        out["curtailed"][s], out["below_min"][s] = curtailed, below
    out["coal"], out["exports"], out["imports"] = coal, exports, imports
    out["vre"] = [v - c for v, c in zip(vre, out["curtailed"], strict=True)]
    # wind and solar are curtailed in proportion to their output in the slice
    out["solar"] = [
        used * (solar * SOLAR_PROFILE[s]) / vre[s] if vre[s] > 0.0 else 0.0
        for s, used in enumerate(out["vre"])
    ]
    out["dedicated_served"], out["busbar"] = served, busbar
    return out


def sum_slices(x):
    """Sum over the four slices of the year."""
    return x[0] + x[1] + x[2] + x[3]


def fixed_hours_power(op, hours, v: Values, t: int, st_op: float):
    """Power and storage flows of year ``t`` with fixed hours (``power.dispatch`` = 0).

    Coal generation ``G_c = P_c · h_c · 10⁻³`` [TWh] on the operating capacity; wind and solar
    lose the curtailment share ``k = clip(base + slope · (v − ref), 0, max)`` of their
    potential (``v`` their share of the potential generation), less the relief of batteries
    (``storage_relief`` × energy charged, ``charged = P_st · duration · cycles · 10⁻³``).
    """
    coal_gen = op["coal"][t] * hours["coal"][t] * 1e-3
    wind_pot = op["wind"][t] * hours["wind"][t] * 1e-3
    solar_pot = op["solar"][t] * hours["solar"][t] * 1e-3
    vre_pot = wind_pot + solar_pot
    st_charged = st_op * v["storage.duration"][t] * v["storage.cycles"][t] * 1e-3
    st_losses = st_charged * (1.0 - v["storage.round_trip_efficiency"][t])
    c = "power.curtailment"
    total_pot = vre_pot + coal_gen
    share_v = vre_pot / total_pot if total_pot > 0.0 else 0.0
    k0 = v[f"{c}.base"][t] + v[f"{c}.slope"][t] * (share_v - v[f"{c}.ref_share"][t])
    k0 = min(max(k0, 0.0), v[f"{c}.max"][t])
    gross_c = vre_pot * k0
    curtailed = gross_c - min(v[f"{c}.storage_relief"][t] * st_charged, gross_c)
    curt_share = curtailed / vre_pot if vre_pot > 0.0 else 0.0
    kept = 1.0 - curt_share
    return {
        "coal_gen": coal_gen,
        "wind_pot": wind_pot,
        "solar_pot": solar_pot,
        "wind_gen": wind_pot * kept,
        "solar_gen": solar_pot * kept,
        "kept": kept,
        "curtailed": curtailed,
        "curt_share": curt_share,
        "st_charged": st_charged,
        "st_losses": st_losses,
    }


def allocate_water(cap, binding, reserved, chem_water, water_per_t):
    """The water cap: reserved users first, chemicals cut most water-intensive first.

    Returns ``(scale, chem_used, deficit)``: the share of each product's output kept, the
    chemicals' water and the use above the cap — ``max(Σ reserved − cap, 0)`` where the cap
    binds, ``max(Σ reserved + Σ chemicals − cap, 0)`` where it is only reported.
    """
    k = len(chem_water)
    res_total = 0.0
    for w in reserved:
        res_total += w
    chem_total = 0.0
    for w in chem_water:
        chem_total += w
    budget = max(cap - res_total, 0.0)
    scale = [1.0] * k
    if binding and chem_total > budget:
        before = 0.0  # least water-intensive first: the most intensive are cut first
        for j in sorted(range(k), key=lambda j: water_per_t[j]):
            w = chem_water[j]
            scale[j] = clip(budget - before, 0.0, w) / w if w > 0.0 else 1.0
            before += w
    chem_used = 0.0
    for j in range(k):
        chem_used += chem_water[j] * scale[j]
    deficit = max(res_total - cap if binding else res_total + chem_total - cap, 0.0)
    return scale, chem_used, deficit


def water_deficit(use, cap):
    """Use above the cap after a user's use was replaced: ``max(Σ use − cap, 0)``."""
    total = 0.0
    for w in use:
        total += w
    return max(total - cap, 0.0)


# ---------------------------------------------------------------------------------------------
# the model, one sample
# ---------------------------------------------------------------------------------------------


def simulate_sample(v: Values, years: Sequence[int]) -> dict[str, list]:
    """All outputs of one sample.

    Parameters
    ----------
    v : mapping of str to sequence of float
        Parameter path → its ``n_years`` values for this sample (:func:`sample_values`).
    years : sequence of int
        Calendar years.

    Returns
    -------
    dict of str to list
        Output name (as :func:`energysim.core.engine.output_specs`) → list over the years of floats,
        or of lists for outputs with a category dimension; ``co2_peak_year`` is a float.
    """
    T = len(years)
    k = len(PRODUCTS)
    switch = v["power.dispatch"]
    if any(x != switch[0] for x in switch):
        raise ValueError("power.dispatch must be the same in every year")
    dispatching = switch[0] > 0.5

    # ---- capacity stocks (parameters only): end-of-year stock and capacity in service -------
    cap, built, ret, op = {}, {}, {}, {}
    for tech in TECHS:
        p = f"power.{tech}"
        cap[tech], ret[tech], built[tech] = stock_path(
            v[f"{p}.capacity_initial"][0],
            v[f"{p}.existing_age_span"][0],
            v[f"{p}.add"],
            v[f"{p}.lifetime"][0],
            v[f"{p}.replace_retired"],
        )
        op[tech] = operating(cap[tech], built[tech], v[f"{p}.first_year_fraction"])
    # batteries: stand-alone projects plus a share of the wind and solar built (rebuilt too)
    st_add = [
        a + s * (w + p)
        for a, s, w, p in zip(
            v["storage.power_add"],
            v["storage.allocation_share"],
            built["wind"],
            built["solar"],
            strict=True,
        )
    ]
    st_cap, st_ret, st_add = stock_path(
        v["storage.power_initial"][0],
        v["storage.existing_age_span"][0],
        st_add,
        v["storage.lifetime"][0],
        v["storage.replace_retired"],
    )
    st_op = operating(st_cap, st_add, v["storage.first_year_fraction"])
    # electrolysers: the stock starts from the sum of the initial vintages
    e = "hydrogen.electrolyser"
    e_life = v[f"{e}.lifetime"][0]
    e_pre = initial_vintages(
        v[f"{e}.capacity_initial"][0], v[f"{e}.existing_age_span"][0], whole_years(e_life), e_life
    )
    e_cap, _, e_built = stock_path(
        v[f"{e}.capacity_initial"][0],
        v[f"{e}.existing_age_span"][0],
        v[f"{e}.add"],
        e_life,
        v[f"{e}.replace_retired"],
        start=sum(e_pre),
    )
    e_op = operating(e_cap, e_built, v[f"{e}.first_year_fraction"])

    # ---- truck fleets: heavy trucks (exogenous) and the mining fleet's start -----------------
    mt, hv = "transport.mining_trucks", "transport.heavy_trucks"
    life_m, life_h = v[f"{mt}.lifetime"][0], v[f"{hv}.lifetime"][0]
    n_pre = max(whole_years(life_m), whole_years(life_h), 1)
    heavy = Fleet(
        v[f"{hv}.fleet_initial"][0],
        initial_shares(v, "heavy_trucks"),
        v[f"{hv}.existing_age_span"][0],
        life_h,
        n_pre,
        T,
    )
    coal_prev = v["coal.output_before_base"][0]
    per_output = v[f"{mt}.trucks_per_coal_output"]
    mining = Fleet(
        per_output[0] * coal_prev,
        initial_shares(v, "mining_trucks"),
        v[f"{mt}.existing_age_span"][0],
        life_m,
        n_pre,
        T,
    )
    heavy_target = v[f"{hv}.fleet_initial"][0]
    curves_h, curves_m = curve_params(v, "heavy_trucks"), curve_params(v, "mining_trucks")
    base_h, base_m = base_sales_shares(v, "heavy_trucks"), base_sales_shares(v, "mining_trucks")
    growth_h = v[f"{hv}.fleet_growth"]
    d_h, e_h, h_h = (v[f"{hv}.{x}_per_vehicle"] for x in ("diesel", "elec", "h2"))
    d_m, e_m, h_m = (v[f"{mt}.{x}_per_vehicle"] for x in ("diesel", "elec", "h2"))
    auto_share, auto_saving = v[f"{mt}.autonomous_share"], v[f"{mt}.autonomous_fuel_saving"]
    per_station = v["transport.trucks_per_station"]

    # ---- every other parameter, bound to a local name once ------------------------------------
    growth = v["economy.gdp_growth"]  # of the economy other than coal mining
    gdp_base = v["economy.gdp_base"][0]
    coal_price, va_share = v["economy.coal_price"], v["economy.coal_value_added_share"]
    dem_keys = [(u, c) for u in ("other_industry", "buildings") for c in ("electricity", "coal")]
    dem_gain = [v[f"demand.{u}.{c}_gain"] for u, c in dem_keys]
    dem_base = [v[f"demand.{u}.{c}_base"][0] for u, c in dem_keys]
    dem_el = [v[f"demand.{u}.{c}_elasticity"][0] for u, c in dem_keys]
    hours = {tech: v[f"power.{tech}.hours"] for tech in TECHS}
    min_hours, max_hours = v["power.coal.min_hours"], v["power.coal.max_hours"]
    own_share, heat_rate = v["power.own_use_share"], v["power.coal.heat_rate"]
    ccus_share, penalty = v["power.coal.ccus_share"], v["power.coal.ccus_energy_penalty"]
    capture, cool = v["power.coal.ccus_capture_rate"], v["power.coal.water_per_mwh"]
    network_curt = v["power.curtailment.base"]
    xp = "power.export"
    grid_cap, grid_hours = v[f"{xp}.grid_capacity"], v[f"{xp}.grid_max_hours"]
    corr_cap, corr_hours = v[f"{xp}.corridor_capacity"], v[f"{xp}.corridor_max_hours"]
    corr_re_share = v[f"{xp}.corridor_renewable_share"]
    duration, cycles, rte = (
        v[f"storage.{x}"] for x in ("duration", "cycles", "round_trip_efficiency")
    )
    loss_share = v["power.grid_loss_share"]
    chem_cap = [v[f"chemicals.{p}.capacity"] for p in PRODUCTS]
    chem_util = [v[f"chemicals.{p}.utilization"] for p in PRODUCTS]
    chem_fyf = [v[f"chemicals.{p}.first_year_fraction"] for p in PRODUCTS]
    ints = {s: [v[f"chemicals.{p}.{s}"] for p in PRODUCTS] for s in INTENSITIES}
    coal_pt, elec_pt, water_pt, co2_pt, h2_pt = (ints[s] for s in INTENSITIES)
    saved, avoided = v["chemicals.h2_sub.coal_saved_per_t"], v["chemicals.h2_sub.co2_avoided_per_t"]
    density, feedstock = v["chemicals.coal_to_gas.density"], v["chemicals.feedstock_share"]
    gas = PRODUCTS.index("coal_to_gas")
    w_fixed = [v[f"water.{x}_use"] for x in ("municipal", "agriculture", "industry_other")]
    w_cap, w_binding = v["water.cap"], v["water.cap_binding"]
    e_hours, e_kwh, e_water = v[f"{e}.hours"], v[f"{e}.kwh_per_kg"], v[f"{e}.water_per_kg"]
    e_dedicated, e_uptake = v[f"{e}.dedicated_share"], v[f"{e}.surplus_uptake"]
    max_sub, other_h2_dem = v["hydrogen.max_substitution_share"], v["hydrogen.other_demand"]
    grey_coal_pt, grey_co2_pt = v["hydrogen.grey.coal_per_t"], v["hydrogen.grey.co2_per_t"]
    mine_cap, max_util = v["coal.mine_capacity"], v["coal.max_utilization"]
    out_cap, outbound, tce = v["coal.output_cap"], v["coal.outbound_demand"], v["coal.tce_per_t"]
    c_diesel, c_elec, c_water = (v[f"coal.{x}_per_t"] for x in ("diesel", "electricity", "water"))
    ef_coal_, ef_diesel_ = v["emissions.coal_co2_per_tce"], v["emissions.diesel_co2_per_t"]
    ef_import = v["emissions.import_co2_per_mwh"]
    diesel_tce, elec_tce = v["economy.diesel_tce_per_t"], v["economy.electricity_tce_per_mwh"]

    rows: dict[str, list] = {name: [] for name in OUTPUT_ORDER}
    gdp = gdp_base
    non_coal = 0.0  # GDP less coal value added; the residual of the base year
    dem_cum = [1.0] * len(dem_keys)
    totals = []
    re_local_base = 0.0
    for t in range(T):
        # ---- economy: the GDP-driven demands D = D₀ · Π(1 − gain) · (G/GDP₀)^ε, with G the GDP
        # known at the start of the year: the non-coal economy grown, coal value added on last
        # year's output
        if t:
            non_coal = non_coal * (1.0 + growth[t])
            gdp = coal_prev * coal_price[t] * va_share[t] * 1e-3 + non_coal
        lr = math.log(gdp / gdp_base)
        dem = []
        for i in range(len(dem_keys)):
            if t:
                dem_cum[i] *= 1.0 - dem_gain[i][t]
            dem.append(dem_cum[i] * dem_base[i] * math.exp(dem_el[i] * lr))
        oi_el, oi_coal, b_el, b_coal = dem

        # ---- transport (the mining fleet follows last year's coal output)
        heavy_target = heavy_target * (1.0 + growth_h[t])
        shares_h = base_h if t == 0 else sales_shares(years[t], curves_h[t])
        hf, hs, hr = heavy.step(t, heavy_target, shares_h)
        h_diesel = hf[0] * (d_h[t] * 1.0 * 1e-3)
        h_elec = hf[1] * (e_h[t] * 1e-6)
        h_h2 = hf[2] * (h_h[t] * 1e-3)
        shares_m = base_m if t == 0 else sales_shares(years[t], curves_m[t])
        mf, ms, mr = mining.step(t, per_output[t] * coal_prev, shares_m)
        m_diesel = mf[0] * (d_m[t] * (1.0 - auto_share[t] * auto_saving[t]) * 1e-3)
        m_elec = mf[1] * (e_m[t] * 1e-6)
        truck_h2 = mf[2] * (h_m[t] * 1e-3) + h_h2
        trucks_el = m_elec + h_elec
        stations = (mf[1] + hf[1]) / per_station[t]

        # ---- chemicals at full utilisation, and their water need; capacity added this year
        #      operates its first-year fraction (issue 12)
        gross = [(chem_cap[j][t] - (1.0 - chem_fyf[j][t])
                  * (max(chem_cap[j][t] - chem_cap[j][t - 1], 0.0) if t > 0 else 0.0))
                 * chem_util[j][t] for j in range(k)]
        chem_water = [gross[j] * water_pt[j][t] for j in range(k)]
        mining_water = coal_prev * c_water[t]

        # ---- electrolysers at their set hours: E = P_op · hours · 10⁻³ [TWh], a share from
        #      dedicated wind/solar, the rest from the grid; idle grid-connected capacity
        #      P_op · (1 − dedicated) · (1 − hours/8760) · uptake may run on surplus
        e_elec = e_op[t] * e_hours[t] * 1e-3
        h2_ded = e_elec * e_dedicated[t]
        h2_grid = e_elec * (1.0 - e_dedicated[t])
        flex_power = e_op[t] * (1.0 - e_dedicated[t]) * (1.0 - e_hours[t] / 8760.0) * e_uptake[t]
        flex_power = max(flex_power, 0.0)
        h2_base_elec = h2_ded + h2_grid
        # hydrogen G = E · 10³ / kWh_per_kg [kt], its water G · L_per_kg · 10⁻³ [Mm3]
        h2_base_water = h2_base_elec * 1e3 / e_kwh[t] * e_water[t] * 1e-3

        # ---- power: dispatch (before water, on the chemicals' gross output) or fixed hours
        net_keep = 1.0 - own_share[t]
        if dispatching:
            # network curtailment takes the share ``power.curtailment.base`` off the potential
            wind_full = op["wind"][t] * hours["wind"][t] * 1e-3
            solar_full = op["solar"][t] * hours["solar"][t] * 1e-3
            wind_pot = wind_full * (1.0 - network_curt[t])
            solar_pot = solar_full * (1.0 - network_curt[t])
            # coal between its minimum and maximum net output (after own use)
            coal_min = op["coal"][t] * min_hours[t] * 1e-3 * net_keep
            coal_max = op["coal"][t] * max(max_hours[t], min_hours[t]) * (1e-3 * net_keep)
            export_grid = grid_cap[t] * grid_hours[t] * 1e-3
            export_corr = corr_cap[t] * corr_hours[t] * 1e-3
            # mining electricity on last year's output (like the mining trucks)
            mining_elec = coal_prev * c_elec[t] * 1e-3
            grid_fixed = mining_elec + h2_grid + trucks_el + oi_el + b_el
            ls = loss_share[t]

            def run_dispatch(chem_el):
                """The dispatch with the chemicals' electricity ``chem_el``; its coal supply
                grossed up for own use ``G_c = Σ_s coal_s / (1 − own_use_share)`` and
                cooling water."""
                el = dispatch_year(
                    wind_pot,
                    solar_pot,
                    h2_ded,
                    (grid_fixed + chem_el) / (1.0 - ls),  # busbar: line losses on top
                    ls,
                    coal_min,
                    coal_max,
                    export_grid,
                    export_corr,
                    corr_re_share[t],
                    st_op[t],
                    st_op[t] * duration[t],
                    cycles[t],
                    rte[t],
                    flex_power,
                )
                gen = sum_slices(el["coal"]) / net_keep
                return el, gen, gen * cool[t]

            chem_el = 0.0
            for j in range(k):
                chem_el += elec_pt[j][t] * gross[j]
            el, coal_gen, power_water = run_dispatch(chem_el)
        else:
            pw = fixed_hours_power(op, hours, v, t, st_op[t])
            coal_gen = pw["coal_gen"]
            power_water = coal_gen * cool[t]

        # ---- water: the reserved users first, then chemicals within the cap if it binds
        reserved = [
            w_fixed[0][t],
            w_fixed[1][t],
            w_fixed[2][t],
            power_water,
            mining_water,
            h2_base_water,
        ]
        scale, chem_used, deficit = allocate_water(
            w_cap[t], w_binding[t] > 0.5, reserved, chem_water, [w[t] for w in water_pt]
        )
        water_use = reserved + [chem_used]
        chem_out = [gross[j] * scale[j] for j in range(k)]

        # ---- electrolysis: set hours plus the surplus the dispatch gave to idle capacity
        h2_water = h2_base_water
        if dispatching:
            if any(s < 1.0 for s in scale):
                # chemicals cut for water: dispatch again with their smaller electricity, and
                # the coal plants' (smaller or equal) water replaces what was reserved
                chem_el = 0.0
                for j in range(k):
                    chem_el += elec_pt[j][t] * chem_out[j]
                el, coal_gen, power_water = run_dispatch(chem_el)
                water_use[WATER_USERS.index("power")] = power_water
                deficit = water_deficit(water_use, w_cap[t])
            flex_el = sum_slices(el["flex"]) * (1.0 - ls)  # surplus at the busbar, less losses
            ded_served = el["dedicated_served"]
            h2_elec = h2_base_elec + flex_el
            green_el = ded_served + flex_el  # dedicated or otherwise-curtailed wind and solar
            grid_el = h2_base_elec - ded_served  # the rest: the grid's generation mix
            h2_supply = h2_elec * 1e3 / e_kwh[t]
            h2_water = h2_supply * e_water[t] * 1e-3
            if flex_el > 0.0:  # the surplus hydrogen's water comes on top (may exceed the cap)
                water_use[WATER_USERS.index("electrolysis")] = h2_water
                deficit = water_deficit(water_use, w_cap[t])
        else:
            h2_elec = h2_base_elec
            h2_supply = h2_elec * 1e3 / e_kwh[t]
            ded_served = min(h2_ded, pw["wind_gen"] + pw["solar_gen"])
            green_el = ded_served
            grid_el = h2_elec - ded_served

        # ---- hydrogen allocation: trucks, chemicals substitution, other users, export; grey rest
        room = 0.0
        for j in range(k):
            r = min(h2_pt[j][t] * 1e3 * max_sub[t], coal_pt[j][t] * 1e3 / saved[t])
            room += max(min(r, co2_pt[j][t] * 1e3 / avoided[t]), 0.0) * chem_out[j]
        other_h2 = other_h2_dem[t]
        to_trucks = min(h2_supply, truck_h2)
        rest = h2_supply - to_trucks
        subst = min(rest, room)
        rest = rest - subst
        to_other = min(rest, other_h2)
        export = rest - to_other
        grey = (truck_h2 - to_trucks) + (other_h2 - to_other)
        grey_coal = grey * (grey_coal_pt[t] * 1e-3)
        grey_co2 = grey * (grey_co2_pt[t] * 1e-3)

        # ---- chemicals net of green hydrogen
        tot_coal = tot_elec = tot_water = tot_co2 = tot_h2 = 0.0
        for j in range(k):
            y = chem_out[j]
            tot_coal += coal_pt[j][t] * y
            tot_elec += elec_pt[j][t] * y
            tot_water += water_pt[j][t] * y
            tot_co2 += co2_pt[j][t] * y
            tot_h2 += h2_pt[j][t] * y
        chem_coal = tot_coal - subst * 1e-3 * saved[t]
        chem_co2 = tot_co2 - subst * 1e-3 * avoided[t]

        # ---- coal plants: standard coal B = G_c (1 − own use) · heat rate · 10⁻³ [Mtce],
        #      units with capture burn (1 + penalty) more
        b = coal_gen * (1.0 - own_share[t]) * heat_rate[t] * 1e-3
        burn_ccus = b * ccus_share[t] * (1.0 + penalty[t])
        burn = b * (1.0 - ccus_share[t]) + burn_ccus
        power_coal = burn / tce[t]

        # ---- coal balance
        other_coal = oi_coal + b_coal
        local = power_coal + chem_coal + other_coal + grey_coal
        output = min(local + outbound[t], mine_cap[t] * max_util[t], out_cap[t])
        shipments, imports = max(output - local, 0.0), max(local - output, 0.0)
        mining_diesel = output * c_diesel[t]
        if not dispatching:  # fixed hours: mining electricity on this year's output
            mining_elec = output * c_elec[t] * 1e-3
        coal_prev = output
        # ---- GDP = coal value added (the year's output × price × value-added share) + non-coal
        coal_va = output * coal_price[t] * va_share[t] * 1e-3
        if t == 0:
            non_coal = gdp_base - coal_va
        else:
            gdp = coal_va + non_coal

        # ---- electricity balance
        row = {}
        if dispatching:
            # final consumption F: grid consumers, electrolysis (set hours and surplus) and
            # battery losses (charged − discharged)
            charged = sum_slices(el["charge"])
            discharged = sum_slices(el["discharge"])
            st_losses = charged - discharged
            consumption = grid_fixed + chem_el + h2_ded + flex_el + st_losses
            own_use = coal_gen * own_share[t]
            # line losses: the busbar demand less what the grid-fed consumers receive (the
            # dedicated electrolysers' shortfall is grid-fed), plus the surplus' loss share
            flex_loss = sum_slices(el["flex"]) - flex_el
            losses = el["busbar"] - (grid_fixed + chem_el + h2_ded - ded_served) + flex_loss
            el_export = sum_slices(el["exports"])
            el_import = sum_slices(el["imports"])
            net_exp = el_export - el_import
            vre_gen = sum_slices(el["vre"])
            vre_full = wind_full + solar_full
            curtailed = vre_full - vre_gen  # network and dispatch curtailment
            generation = coal_gen + vre_gen
            el_demand = consumption + own_use
            curt_share = curtailed / max(vre_full, TINY)
            solar_gen = sum_slices(el["solar"])
            gen = [coal_gen, vre_gen - solar_gen, solar_gen]
            row["power_gen"] = gen
            # hours are an outcome: generation per operating capacity
            row["power_hours"] = [g * 1e3 / max(op[tech][t], TINY)
                                  for g, tech in zip(gen, TECHS, strict=True)]
            row["export_bound"] = export_grid + export_corr
            row["coal_below_min"] = sum_slices(el["below_min"]) / net_keep
            row["curtailed_by_slice"] = el["curtailed"]
            row["coal_gen_by_slice"] = el["coal"]
        else:
            # consumption incl. battery losses, losses on all of it, net export closes the
            # balance (unbounded): exports or imports are its two signs
            charged, st_losses = pw["st_charged"], pw["st_losses"]
            discharged = charged - st_losses
            consumption = (
                mining_elec + tot_elec + h2_elec + trucks_el + oi_el + b_el + st_losses
            )
            losses = consumption * (loss_share[t] / (1.0 - loss_share[t]))
            own_use = coal_gen * own_share[t]
            el_demand = consumption + own_use
            vre_gen = pw["wind_gen"] + pw["solar_gen"]
            generation = coal_gen + vre_gen
            net_exp = generation - el_demand - losses
            el_export, el_import = max(net_exp, 0.0), max(-net_exp, 0.0)
            curtailed, curt_share = pw["curtailed"], pw["curt_share"]
            row["power_gen"] = [coal_gen, pw["wind_gen"], pw["solar_gen"]]
            row["power_hours"] = [
                hours["coal"][t],
                hours["wind"][t] * pw["kept"],
                hours["solar"][t] * pw["kept"],
            ]
            # the dispatch's outputs, for the same layout: the bound is reported, not enforced
            row["export_bound"] = (
                grid_cap[t] * grid_hours[t] + corr_cap[t] * corr_hours[t]
            ) * 1e-3
            row["coal_below_min"] = 0.0
            row["curtailed_by_slice"] = [
                (pw["wind_pot"] * WIND_PROFILE[s] + pw["solar_pot"] * SOLAR_PROFILE[s])
                * curt_share
                for s in range(4)
            ]
            row["coal_gen_by_slice"] = [(coal_gen - own_use) * LOAD_PROFILE[s] for s in range(4)]

        # ---- emissions (territorial) and the consumption-side account
        ef_coal, ef_diesel = ef_coal_[t], ef_diesel_[t] * 1e-3
        captured = burn_ccus * capture[t] * ef_coal
        co2_power = burn * ef_coal - captured
        co2 = [
            co2_power,
            chem_co2,
            (mining_diesel + m_diesel) * ef_diesel,
            h_diesel * ef_diesel,
            grey_co2,
            other_coal * (tce[t] * ef_coal),
        ]
        total = co2[0] + co2[1] + co2[2] + co2[3] + co2[4] + co2[5]
        totals.append(total)
        # the generation mix's factor EF = power CO2 / (generation − own use) [t/MWh]
        supplied = generation - own_use
        ef_grid = co2_power / max(supplied, TINY)
        co2_exp = el_export * ef_grid
        co2_imp = el_import * ef_import[t]

        # ---- energy use, and the accounts of the energy-use controls (双控): feedstock coal
        #      out of both, new local renewable electricity (above the base year) out of the
        #      total; local renewables = wind/solar less their share of what is exported
        diesel = mining_diesel + m_diesel + h_diesel
        energy = (
            local * tce[t] + diesel * (diesel_tce[t] * 1e-3) + (vre_gen - net_exp) * elec_tce[t]
        )
        feed = chem_coal * (feedstock[t] * tce[t])
        re_local = vre_gen * (1.0 - el_export / max(supplied + el_import, TINY))
        if t == 0:
            re_local_base = re_local
        new_re = max(re_local - re_local_base, 0.0)

        row.update(
            {
                "gdp": gdp,
                "gdp_coal": coal_va,
                "gdp_rest": non_coal,
                "other_industry_electricity": oi_el,
                "other_industry_coal": oi_coal,
                "buildings_electricity": b_el,
                "buildings_coal": b_coal,
                "power_cap": [cap["coal"][t], cap["wind"][t], cap["solar"][t]],
                "power_add": [built["coal"][t], built["wind"][t], built["solar"][t]],
                "power_retire": [ret["coal"][t], ret["wind"][t], ret["solar"][t]],
                "generation": generation,
                "renewable_gen_share": vre_gen / max(generation, TINY),
                "curtailment_share": curt_share,
                "curtailed_gen": curtailed,
                "power_coal_tce": burn,
                "own_use": own_use,
                "power_water": power_water,
                "storage_cap": st_cap[t],
                "storage_add": st_add[t],
                "storage_retire": st_ret[t],
                "storage_energy_cap": st_cap[t] * duration[t],
                "storage_charged": charged,
                "storage_losses": st_losses,
                "storage_discharged": discharged,
                "mining_truck_fleet": mf,
                "mining_truck_sales": ms,
                "mining_truck_retire": mr,
                "heavy_truck_fleet": hf,
                "heavy_truck_sales": hs,
                "heavy_truck_retire": hr,
                "mining_truck_diesel_use": m_diesel,
                "heavy_truck_diesel_use": h_diesel,
                "mining_truck_elec_use": m_elec,
                "heavy_truck_elec_use": h_elec,
                "truck_h2_demand": truck_h2,
                "charging_stations_needed": stations,
                "chem_output": chem_out,
                "chem_coal_use": chem_coal,
                "chem_elec_use": tot_elec,
                "chem_water_use": tot_water,
                "chem_co2": chem_co2,
                "chem_co2_avoided": tot_co2 - chem_co2,
                "chem_h2_requirement": tot_h2 * 1e3,
                "sng_output_volume": chem_out[gas] * 1e3 / density[t],
                "water_use": water_use,
                "water_deficit": deficit,
                "chem_water_scale": scale,
                "electrolyser_cap": e_cap[t],
                "h2_electrolytic_supply": h2_supply,
                "h2_green_supply": green_el * 1e3 / e_kwh[t],
                "h2_grid_supply": grid_el * 1e3 / e_kwh[t],
                # grid hydrogen's CO2 (kWh/kg · EF) spread over all electrolytic hydrogen [kg/kg]
                "h2_electrolytic_co2_intensity": (
                    grid_el * ef_grid * 1e3 / max(h2_supply, TINY) if h2_supply > 0.0 else 0.0
                ),
                "h2_grey_supply": grey,
                "h2_truck_use": truck_h2,
                "h2_chem_substitution": subst,
                "h2_other_use": other_h2,
                "h2_export": export,
                "electrolysis_elec_use": h2_elec,
                "electrolysis_grid_elec_use": grid_el,
                "electrolysis_water_use": h2_water,
                "h2_grey_coal_use": grey_coal,
                "h2_grey_co2": grey_co2,
                "coal_output": output,
                "coal_local_use": local,
                "coal_shipments": shipments,
                "coal_imports": imports,
                "coal_power_use": power_coal,
                "coal_other_use": other_coal,
                "mining_diesel": mining_diesel,
                "mining_electricity": mining_elec,
                "electricity_consumption": consumption,
                "electricity_demand": el_demand,
                "grid_losses": losses,
                "electricity_export": el_export,
                "electricity_import": el_import,
                "net_export": net_exp,
                "co2": co2,
                "co2_total": total,
                "co2_captured": captured,
                "grid_co2_intensity": ef_grid,
                "co2_exported_electricity": co2_exp,
                "co2_imported_electricity": co2_imp,
                "co2_consumption_total": total - co2_exp + co2_imp,
                "energy_use_tce": energy,
                "energy_intensity": 10.0 * energy / gdp,
                "energy_use_total_control": energy - feed - new_re * elec_tce[t],
                "energy_intensity_control": 10.0 * (energy - feed) / gdp,
                "co2_intensity": 10.0 * total / gdp,
            }
        )
        for name in OUTPUT_ORDER:
            rows[name].append(row[name])

    peak = 0  # first year of the largest total
    for t in range(1, T):
        if totals[t] > totals[peak]:
            peak = t
    rows["co2_peak_year"] = float(years[peak])
    rows.update(costs_of_sample(v, rows, years))  # issue 16: money (reference_costs.py)
    return rows
