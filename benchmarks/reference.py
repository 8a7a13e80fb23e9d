"""A plain-Python reference of the energysim model: one sample at a time, one year at a time.

The same equations as :mod:`energysim.engine` and :mod:`energysim.model` (docs/model.md), written
the way a modeller would write them without numpy: floats, lists and ``math``, a loop over the
years inside a loop over the samples. It serves two purposes:

* an independent check of the vectorised engine (``tests/test_reference.py`` compares the two on
  samples of the baseline and of perturbed ensembles to a relative 1e-9);
* the yardstick of the benchmarks (``benchmarks/test_benchmarks.py``): its sample-years per second,
  measured in the same session as the engine's, give the speed-up as a ratio.

Numpy is used only at the boundary (:func:`sample_values` turns one sample of a
:class:`~energysim.params.Params` into lists; :func:`as_arrays` turns results back into arrays).

Usage::

    from reference import simulate_params
    out = simulate_params(params, [0, 5, 17])     # dict: output name -> (n, n_years[, k])

Floating-point order follows the engine where it is cheap to do so; the remaining differences
(``math.exp`` versus numpy's SIMD ``exp``, summation order of a few sums) are at the level of
rounding, far below the 1e-9 of the comparison.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence

#: Products, powertrains, technologies and sectors, in the engine's order.
PRODUCTS = ("olefins", "coal_to_liquids", "coal_to_gas", "ethylene_glycol", "aromatics")
INTENSITIES = ("coal_per_t", "elec_per_t", "water_per_t", "co2_per_t", "h2_per_t")
TINY = 2.2250738585072014e-308  # smallest normal float64 (numpy's finfo.tiny)
SCALE_FLOOR = 1e-30  # stocks.SCALE_FLOOR
RENORM = 1e-150  # stocks.renormalise threshold

Values = Mapping[str, Sequence[float]]

#: Outputs recorded every year, in the order of the values in the year loop.
OUTPUT_ORDER = (
    "gdp",
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
    "h2_green_supply",
    "h2_grey_supply",
    "h2_truck_use",
    "h2_chem_substitution",
    "h2_other_use",
    "h2_export",
    "electrolysis_elec_use",
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
    "net_export",
    "co2",
    "co2_total",
    "co2_captured",
    "energy_use_tce",
    "energy_intensity",
    "co2_intensity",
)


# ---------------------------------------------------------------------------------------------
# boundary helpers (numpy allowed here)
# ---------------------------------------------------------------------------------------------


def sample_values(params, i: int) -> dict[str, list[float]]:
    """One sample's parameters as plain lists.

    Parameters
    ----------
    params : energysim.params.Params
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


def stock_path(initial, span, add, lifetime):
    """Capacity stock with vintages: ``(stock, retire)`` lists over the years."""
    L = whole_years(lifetime)
    n_pre = L
    hist = initial_vintages(initial, span, n_pre, lifetime) + list(add)
    stock, retire, c = [], [], 0.0
    for t, a in enumerate(add):
        r = hist[n_pre + t - L]
        c += a - r
        retire.append(r)
        stock.append(max(c + initial, 0.0))
    return stock, retire


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


def initial_shares(v: Values, fleet: str) -> list[float]:
    p = f"transport.{fleet}"
    bev, fcev = v[f"{p}.initial_bev_share"][0], v[f"{p}.initial_fcev_share"][0]
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
        Output name (as :func:`energysim.engine.output_specs`) → list over the years of floats,
        or of lists for outputs with a category dimension; ``co2_peak_year`` is a float.
    """
    T = len(years)
    k = len(PRODUCTS)

    # ---- stocks, parameters only ------------------------------------------------------------
    cap, add, ret = {}, {}, {}
    for tech in ("coal", "wind", "solar"):
        p = f"power.{tech}"
        add[tech] = v[f"{p}.add"]
        cap[tech], ret[tech] = stock_path(
            v[f"{p}.capacity_initial"][0],
            v[f"{p}.existing_age_span"][0],
            add[tech],
            v[f"{p}.lifetime"][0],
        )
    st_add = [
        a + s * (w + p)
        for a, s, w, p in zip(
            v["storage.power_add"],
            v["storage.allocation_share"],
            add["wind"],
            add["solar"],
            strict=True,
        )
    ]
    st_cap, st_ret = stock_path(
        v["storage.power_initial"][0],
        v["storage.existing_age_span"][0],
        st_add,
        v["storage.lifetime"][0],
    )
    e = "hydrogen.electrolyser"  # the initial vintages' sum plus the cumulated changes
    e_life = whole_years(v[f"{e}.lifetime"][0])
    e_pre = initial_vintages(
        v[f"{e}.capacity_initial"][0], v[f"{e}.existing_age_span"][0], e_life, v[f"{e}.lifetime"][0]
    )
    e_add = v[f"{e}.add"]
    e_hist = e_pre + list(e_add)
    e_init = sum(e_pre)

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
    growth_h = v[f"{hv}.fleet_growth"]
    d_h, e_h, h_h = (v[f"{hv}.{x}_per_vehicle"] for x in ("diesel", "elec", "h2"))
    d_m, e_m, h_m = (v[f"{mt}.{x}_per_vehicle"] for x in ("diesel", "elec", "h2"))
    auto_share, auto_saving = v[f"{mt}.autonomous_share"], v[f"{mt}.autonomous_fuel_saving"]
    per_station = v["transport.trucks_per_station"]

    # ---- every other parameter, bound to a local name once ------------------------------------
    growth = v["economy.gdp_growth"]
    gdp_base = v["economy.gdp_base"][0]
    dem_keys = [(u, c) for u in ("other_industry", "buildings") for c in ("electricity", "coal")]
    dem_gain = [v[f"demand.{u}.{c}_gain"] for u, c in dem_keys]
    dem_base = [v[f"demand.{u}.{c}_base"][0] for u, c in dem_keys]
    dem_el = [v[f"demand.{u}.{c}_elasticity"][0] for u, c in dem_keys]
    hours = {tech: v[f"power.{tech}.hours"] for tech in ("coal", "wind", "solar")}
    own_share, heat_rate = v["power.own_use_share"], v["power.coal.heat_rate"]
    ccus_share, penalty = v["power.coal.ccus_share"], v["power.coal.ccus_energy_penalty"]
    capture, cool = v["power.coal.ccus_capture_rate"], v["power.coal.water_per_mwh"]
    c_base, c_slope, c_ref, c_max, c_relief = (
        v[f"power.curtailment.{x}"] for x in ("base", "slope", "ref_share", "max", "storage_relief")
    )
    duration, cycles, rte = (
        v[f"storage.{x}"] for x in ("duration", "cycles", "round_trip_efficiency")
    )
    loss_share = v["power.grid_loss_share"]
    chem_cap = [v[f"chemicals.{p}.capacity"] for p in PRODUCTS]
    chem_util = [v[f"chemicals.{p}.utilization"] for p in PRODUCTS]
    ints = {s: [v[f"chemicals.{p}.{s}"] for p in PRODUCTS] for s in INTENSITIES}
    coal_pt, elec_pt, water_pt, co2_pt, h2_pt = (ints[s] for s in INTENSITIES)
    saved, avoided = v["chemicals.h2_sub.coal_saved_per_t"], v["chemicals.h2_sub.co2_avoided_per_t"]
    density = v["chemicals.coal_to_gas.density"]
    gas = PRODUCTS.index("coal_to_gas")
    w_fixed = [v[f"water.{x}_use"] for x in ("municipal", "agriculture", "industry_other")]
    w_cap, w_binding = v["water.cap"], v["water.cap_binding"]
    e_hours, e_kwh, e_water = v[f"{e}.hours"], v[f"{e}.kwh_per_kg"], v[f"{e}.water_per_kg"]
    max_sub, other_h2_dem = v["hydrogen.max_substitution_share"], v["hydrogen.other_demand"]
    grey_coal_pt, grey_co2_pt = v["hydrogen.grey.coal_per_t"], v["hydrogen.grey.co2_per_t"]
    mine_cap, max_util = v["coal.mine_capacity"], v["coal.max_utilization"]
    out_cap, outbound, tce = v["coal.output_cap"], v["coal.outbound_demand"], v["coal.tce_per_t"]
    c_diesel, c_elec, c_water = (v[f"coal.{x}_per_t"] for x in ("diesel", "electricity", "water"))
    ef_coal_, ef_diesel_ = v["emissions.coal_co2_per_tce"], v["emissions.diesel_co2_per_t"]
    diesel_tce, elec_tce = v["economy.diesel_tce_per_t"], v["economy.electricity_tce_per_mwh"]

    columns: list[list] = [[] for _ in OUTPUT_ORDER]  # one list per output, in OUTPUT_ORDER
    gdp = gdp_base
    dem_cum = [1.0] * len(dem_keys)
    e_c = 0.0
    totals = []
    for t in range(T):
        # ---- economy
        if t:
            gdp = gdp * (1.0 + growth[t])
        lr = math.log(gdp / gdp_base)
        dem = []
        for i in range(len(dem_keys)):
            if t:
                dem_cum[i] *= 1.0 - dem_gain[i][t]
            dem.append(dem_cum[i] * dem_base[i] * math.exp(dem_el[i] * lr))
        oi_el, oi_coal, b_el, b_coal = dem

        # ---- power (parameters only)
        coal_gen = cap["coal"][t] * hours["coal"][t] * 1e-3
        own_use = coal_gen * own_share[t]
        b = coal_gen * (1.0 - own_share[t]) * heat_rate[t] * 1e-3
        burn_ccus = b * ccus_share[t] * (1.0 + penalty[t])
        burn = b * (1.0 - ccus_share[t]) + burn_ccus
        power_coal = burn / tce[t]
        power_water = coal_gen * cool[t]
        wind_pot = cap["wind"][t] * hours["wind"][t] * 1e-3
        solar_pot = cap["solar"][t] * hours["solar"][t] * 1e-3
        vre_pot = wind_pot + solar_pot
        st_energy = st_cap[t] * duration[t]
        st_charged = st_energy * cycles[t] * 1e-3
        st_losses = st_charged * (1.0 - rte[t])
        total_pot = vre_pot + coal_gen
        share_v = vre_pot / total_pot if total_pot > 0.0 else 0.0
        k0 = min(max(c_base[t] + c_slope[t] * (share_v - c_ref[t]), 0.0), c_max[t])
        gross_c = vre_pot * k0
        curtailed = gross_c - min(c_relief[t] * st_charged, gross_c)
        curt_share = curtailed / vre_pot if vre_pot > 0.0 else 0.0
        kept = 1.0 - curt_share
        wind_gen, solar_gen = wind_pot * kept, solar_pot * kept
        vre_gen = wind_gen + solar_gen
        generation = coal_gen + vre_gen

        # ---- transport
        heavy_target = heavy_target * (1.0 + growth_h[t])
        hf, hs, hr = heavy.step(t, heavy_target, sales_shares(years[t], curves_h[t]))
        h_diesel = hf[0] * (d_h[t] * 1.0 * 1e-3)
        h_elec = hf[1] * (e_h[t] * 1e-6)
        h_h2 = hf[2] * (h_h[t] * 1e-3)
        mf, ms, mr = mining.step(t, per_output[t] * coal_prev, sales_shares(years[t], curves_m[t]))
        m_diesel = mf[0] * (d_m[t] * (1.0 - auto_share[t] * auto_saving[t]) * 1e-3)
        m_elec = mf[1] * (e_m[t] * 1e-6)
        truck_h2 = mf[2] * (h_m[t] * 1e-3) + h_h2
        stations = (mf[1] + hf[1]) / per_station[t]

        # ---- chemicals (gross) and water
        gross = [chem_cap[j][t] * chem_util[j][t] for j in range(k)]
        chem_water = [gross[j] * water_pt[j][t] for j in range(k)]
        mining_water = coal_prev * c_water[t]
        e_c += e_add[t] - e_hist[t]  # electrolysers: history index e_life + t − lifetime
        e_cap = max(e_init + e_c, 0.0)
        green = e_cap * e_hours[t] / e_kwh[t]
        h2_elec = green * e_kwh[t] * 1e-3
        h2_water = green * e_water[t] * 1e-3
        reserved = [
            w_fixed[0][t],
            w_fixed[1][t],
            w_fixed[2][t],
            power_water,
            mining_water,
            h2_water,
        ]
        res_total = 0.0
        for r in reserved:
            res_total += r
        chem_total = 0.0
        for w in chem_water:
            chem_total += w
        budget = max(w_cap[t] - res_total, 0.0)
        binding = w_binding[t] > 0.5
        scale = [1.0] * k
        if binding and chem_total > budget:
            before = 0.0  # least water-intensive first: the most intensive are cut first
            for j in sorted(range(k), key=lambda j: water_pt[j][t]):
                scale[j] = (
                    clip(budget - before, 0.0, chem_water[j]) / chem_water[j]
                    if chem_water[j] > 0.0
                    else 1.0
                )
                before += chem_water[j]
        chem_used = 0.0
        for j in range(k):
            chem_used += chem_water[j] * scale[j]
        deficit = max(res_total - w_cap[t] if binding else res_total + chem_total - w_cap[t], 0.0)
        chem_out = [gross[j] * scale[j] for j in range(k)]

        # ---- hydrogen allocation
        room = 0.0
        for j in range(k):
            r = min(h2_pt[j][t] * 1e3 * max_sub[t], coal_pt[j][t] * 1e3 / saved[t])
            room += max(min(r, co2_pt[j][t] * 1e3 / avoided[t]), 0.0) * chem_out[j]
        other_h2 = other_h2_dem[t]
        to_trucks = min(green, truck_h2)
        rest = green - to_trucks
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

        # ---- coal balance
        other_coal = oi_coal + b_coal
        local = power_coal + chem_coal + other_coal + grey_coal
        output = min(local + outbound[t], mine_cap[t] * max_util[t], out_cap[t])
        shipments, imports = max(output - local, 0.0), max(local - output, 0.0)
        mining_diesel = output * c_diesel[t]
        mining_elec = output * c_elec[t] * 1e-3
        coal_prev = output

        # ---- electricity balance
        consumption = mining_elec + tot_elec + h2_elec + m_elec + h_elec + oi_el + b_el + st_losses
        losses = consumption * (loss_share[t] / (1.0 - loss_share[t]))
        el_demand = consumption + own_use
        net_exp = generation - el_demand - losses

        # ---- emissions and energy
        ef_coal, ef_diesel = ef_coal_[t], ef_diesel_[t] * 1e-3
        captured = burn_ccus * capture[t] * ef_coal
        co2 = [
            burn * ef_coal - captured,
            chem_co2,
            (mining_diesel + m_diesel) * ef_diesel,
            h_diesel * ef_diesel,
            grey_co2,
            other_coal * (tce[t] * ef_coal),
        ]
        total = co2[0] + co2[1] + co2[2] + co2[3] + co2[4] + co2[5]
        totals.append(total)
        energy = (
            local * tce[t]
            + (mining_diesel + m_diesel + h_diesel) * (diesel_tce[t] * 1e-3)
            + (vre_gen - net_exp) * elec_tce[t]
        )

        for column, value in zip(
            columns,
            (
                gdp,  # gdp
                oi_el,  # other_industry_electricity
                oi_coal,  # other_industry_coal
                b_el,  # buildings_electricity
                b_coal,  # buildings_coal
                [cap["coal"][t], cap["wind"][t], cap["solar"][t]],  # power_cap
                [add["coal"][t], add["wind"][t], add["solar"][t]],  # power_add
                [ret["coal"][t], ret["wind"][t], ret["solar"][t]],  # power_retire
                [coal_gen, wind_gen, solar_gen],  # power_gen
                [
                    hours["coal"][t],
                    hours["wind"][t] * kept,
                    hours["solar"][t] * kept,
                ],  # power_hours
                generation,  # generation
                vre_gen / max(vre_gen + coal_gen, TINY),  # renewable_gen_share
                curt_share,  # curtailment_share
                curtailed,  # curtailed_gen
                burn,  # power_coal_tce
                own_use,  # own_use
                power_water,  # power_water
                st_cap[t],  # storage_cap
                st_add[t],  # storage_add
                st_ret[t],  # storage_retire
                st_energy,  # storage_energy_cap
                st_charged,  # storage_charged
                st_losses,  # storage_losses
                mf,  # mining_truck_fleet
                ms,  # mining_truck_sales
                mr,  # mining_truck_retire
                hf,  # heavy_truck_fleet
                hs,  # heavy_truck_sales
                hr,  # heavy_truck_retire
                m_diesel,  # mining_truck_diesel_use
                h_diesel,  # heavy_truck_diesel_use
                m_elec,  # mining_truck_elec_use
                h_elec,  # heavy_truck_elec_use
                truck_h2,  # truck_h2_demand
                stations,  # charging_stations_needed
                chem_out,  # chem_output
                chem_coal,  # chem_coal_use
                tot_elec,  # chem_elec_use
                tot_water,  # chem_water_use
                chem_co2,  # chem_co2
                tot_co2 - chem_co2,  # chem_co2_avoided
                tot_h2 * 1e3,  # chem_h2_requirement
                chem_out[gas] * 1e3 / density[t],  # sng_output_volume
                reserved + [chem_used],  # water_use
                deficit,  # water_deficit
                scale,  # chem_water_scale
                e_cap,  # electrolyser_cap
                green,  # h2_green_supply
                grey,  # h2_grey_supply
                truck_h2,  # h2_truck_use
                subst,  # h2_chem_substitution
                other_h2,  # h2_other_use
                export,  # h2_export
                h2_elec,  # electrolysis_elec_use
                h2_water,  # electrolysis_water_use
                grey_coal,  # h2_grey_coal_use
                grey_co2,  # h2_grey_co2
                output,  # coal_output
                local,  # coal_local_use
                shipments,  # coal_shipments
                imports,  # coal_imports
                power_coal,  # coal_power_use
                other_coal,  # coal_other_use
                mining_diesel,  # mining_diesel
                mining_elec,  # mining_electricity
                consumption,  # electricity_consumption
                el_demand,  # electricity_demand
                losses,  # grid_losses
                net_exp,  # net_export
                co2,  # co2
                total,  # co2_total
                captured,  # co2_captured
                energy,  # energy_use_tce
                10.0 * energy / gdp,  # energy_intensity
                10.0 * total / gdp,  # co2_intensity
            ),
            strict=True,
        ):
            column.append(value)

    peak = 0  # first year of the largest total
    for t in range(1, T):
        if totals[t] > totals[peak]:
            peak = t
    rows = dict(zip(OUTPUT_ORDER, columns, strict=True))
    rows["co2_peak_year"] = float(years[peak])
    return rows
