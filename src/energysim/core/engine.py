"""The engine: compiled parameters → year loop over the sectors → result arrays.

Data flow (docs/model.md, "Sector order inside one year")::

    Params (n | 1, n_years) ──year-major──▶ P[path] (n_years, n | 1)
      1. before the loop, all years at once (they depend on parameters only): demand
         efficiency factors; capacity stocks by vintage (coal, wind, solar, storage;
         electrolysers in the hydrogen precompute); coal generation, coal burned, cooling
         water; storage flows; wind and solar curtailment and generation; S-curves and the
         heavy-truck fleet (transport precompute); chemicals' gross output;
      2. the year loop, for t = 0 … n_years − 1: economy (GDP, demand) → transport (mining
         trucks sized on last year's coal output) → chemicals (gross) → water (other users
         reserved first; chemicals scaled back if the cap binds) → hydrogen (allocation) →
         chemicals (net of green hydrogen) → coal balance → electricity balance → emissions
         and intensities; the state carried to the next year is the coal output, the GDP and
         the truck fleets;
      3. after the loop: the peak year of CO2.

The coal balance is computed before the electricity balance within a year so that mining
electricity uses this year's output (nothing in the coal balance depends on electricity).

Layout: inside the engine every array is year-major with samples last, ``(n_years, n | 1)``
or ``(n_years, k, n | 1)``, so that one year is one contiguous block, per-year work stays in
cache and a block of samples is a plain slice ``[..., a:b]`` of a full-size array.
:func:`simulate` returns the conventional ``(n | 1, n_years[, k])`` views (transposes, no
copy). A deterministic quantity stays at sample size 1 all the way through (and is broadcast
only when the results Dataset is assembled).

Blocks: the execution layer (:mod:`energysim.execution.threads`) runs blocks of samples,
in threads where there are several, each writing into preallocated full-size arrays through
:func:`simulate_year_major`. Nothing in the model mixes samples, so a sample's result never
depends on its block. The engine knows nothing of files, scenarios, scheduling or xarray.

Performance (docs/performance.md, benchmarks/): the loop is ~170 array operations per
sample-year, written with in-place operations where that saves temporaries; every
optimisation keeps results bit for bit. ``benchmarks/reference.py`` is the same model in plain
Python, one sample and one year at a time (tests/test_reference.py checks both agree).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np

from energysim.core.catalogue import catalogue
from energysim.core.model import (
    chemicals,
    coal,
    costs,
    economy,
    electricity,
    emissions,
    hydrogen,
    power,
    stocks,
    storage,
    transport,
    water,
)
from energysim.core.model.kernels import use_compiled
from energysim.core.params import Params, interpolate
from energysim.core.sectors import SECTOR_MODULES
from energysim.errors import ScenarioError

__all__ = [
    "simulate",
    "simulate_year_major",
    "to_sample_first",
    "default_params",
    "output_specs",
    "output_layout",
    "output_coords",
    "KEY_OUTPUTS",
]

#: The outputs behind the indicator table, the balances' totals and the briefing: a light
#: ``keep`` for large ensembles (``run(..., keep="key")``).
KEY_OUTPUTS = (
    "gdp",
    "coal_output",
    "coal_local_use",
    "power_cap",
    "power_gen",
    "generation",
    "renewable_gen_share",
    "curtailment_share",
    "storage_cap",
    "net_export",
    "h2_green_supply",
    "h2_grey_supply",
    "electrolyser_cap",
    "mining_truck_fleet",
    "heavy_truck_fleet",
    "chem_output",
    "water_use",
    "water_deficit",
    "co2",
    "co2_total",
    "co2_peak_year",
    "energy_use_tce",
    "energy_intensity",
    "energy_intensity_control",
    "h2_electrolytic_supply",
    "electricity_export",
    "co2_consumption_total",
)
#: Default simulated years.
BASE_YEAR, END_YEAR = 2022, 2060


# ---------------------------------------------------------------------------------------------
# parameters
# ---------------------------------------------------------------------------------------------


def default_params(years: Iterable[int] | None = None, n_samples: int = 1) -> Params:
    """Parameters from the catalogue defaults (every parameter deterministic).

    Meant for tests and quick experiments; scenarios go through
    :func:`energysim.scenario.compile_scenario`.

    Parameters
    ----------
    years : iterable of int, optional
        Consecutive calendar years; default 2022 … 2060.
    n_samples : int
        Number of samples the Params claim (all arrays stay shaped ``(1, n_years)``).

    Returns
    -------
    Params
    """
    yrs = np.arange(BASE_YEAR, END_YEAR + 1) if years is None else np.asarray(list(years))
    yrs = yrs.astype(np.int64)
    values = {}
    for path, p in catalogue().items():
        if isinstance(p.default, Mapping):
            ks = sorted(p.default)
            row = interpolate(ks, [float(p.default[k]) for k in ks], yrs)
        else:
            row = np.full(len(yrs), float(p.default))
        values[path] = np.ascontiguousarray(row[None, :])
    return Params(years=yrs, n_samples=int(n_samples), values=values)


def _year_major(params: Params) -> dict[str, np.ndarray]:
    """Every parameter as a ``(n_years, n | 1)`` array whose rows (years) are contiguous.

    C-ordered inputs (the ``Params`` contract) are transposed into a copy; inputs whose
    transpose already has contiguous rows (Fortran-ordered arrays, or slices of them) are used
    as they are, without a copy. The engine never writes into these arrays.
    """
    out = {}
    for k, v in params.values.items():
        vt = v.T
        out[k] = (
            vt
            if (vt.shape[1] == 1 or vt.strides[1] == vt.itemsize) and v.ndim == 2
            else np.array(vt, order="C")
        )
    return out


# ---------------------------------------------------------------------------------------------
# recording outputs
# ---------------------------------------------------------------------------------------------


class _Recorder:
    """Collects year-major outputs ``(n_years, [k,] m)`` (samples last).

    Whole-horizon outputs are stored as given (or copied into ``out`` buffers); per-year values
    are written into their row of a buffer as soon as they are computed, so the loop's
    temporaries are freed every year (holding them to the end would double the memory
    traffic). ``out`` maps names to writable views, e.g. one block's columns of a full-size
    array; other outputs get buffers of their own, shaped like the values (sample size 1 for
    deterministic quantities, widened if a quantity becomes uncertain in a later year).
    """

    def __init__(self, n_years: int, keep: set[str] | None, out: Mapping[str, np.ndarray]):
        self.n_years = n_years
        self.categorical = _categorical_outputs()
        self.keep = keep
        self.out = out
        self.arrays: dict[str, np.ndarray] = {}
        self.skipped: set[str] = set()

    def wants(self, name: str) -> bool:
        return self.keep is None or name in self.keep

    def whole(self, name: str, value: np.ndarray) -> None:
        """Record an output computed for all years, ``(n_years, [k,] m)``."""
        if not self.wants(name):
            return
        buf = self.out.get(name)
        if buf is not None:
            buf[...] = value
            self.arrays[name] = buf
        else:
            self.arrays[name] = np.ascontiguousarray(value)  # computed here: no copy needed

    def year(self, t: int, values: Mapping[str, np.ndarray]) -> None:
        """Write year ``t`` of several outputs (category outputs given as ``(m, k)``)."""
        arrays = self.arrays
        categorical = self.categorical
        for name, v in values.items():
            if name in categorical:
                v = np.transpose(v)  # (m, k) → (k, m), usually a view of a (k, m) array
            buf = arrays.get(name)
            if buf is None:
                if name in self.skipped:
                    continue
                if not self.wants(name):
                    self.skipped.add(name)
                    continue
                buf = self.out.get(name)
                if buf is None:
                    buf = np.empty((self.n_years,) + np.shape(v))
                arrays[name] = buf
            try:
                buf[t] = v
            except ValueError:  # deterministic in early years, uncertain from now on: widen
                wider = np.empty((self.n_years,) + np.broadcast_shapes(buf.shape[1:], np.shape(v)))
                wider[:t] = buf[:t]
                wider[t] = v
                arrays[name] = wider

    def finish(self) -> dict[str, np.ndarray]:
        """Every recorded output (year-major)."""
        return self.arrays


# ---------------------------------------------------------------------------------------------
# building blocks
# ---------------------------------------------------------------------------------------------


def stock_path(initial, age_span, add, lifetime, replace=None):
    """A capacity stock with vintage turnover, for all years (parameters only).

    Parameters
    ----------
    initial : ndarray, shape (m,)
        Stock at the end of the year before the base year [stock unit].
    age_span : ndarray, shape (m,)
        Years over which the initial stock was built [yr] (clipped to the lifetime).
    add : ndarray, shape (n_years, m)
        Additions, operating from their year [stock unit/yr].
    lifetime : ndarray, shape (m,)
        Lifetime of every vintage [yr], rounded to whole years.
    replace : ndarray, shape (n_years, m), optional
        Share of each year's retirements rebuilt in the same year [fraction] (a rebuilt
        vintage lives its own lifetime and is retired, and rebuilt, again).

    Returns
    -------
    stock : ndarray, shape (n_years, m')
        ``stock[t] = stock[t-1] + add[t] + replace[t] · retire[t] − retire[t]`` from
        ``initial``; equals the sum of the alive vintages (clipped at 0 against rounding)
        [stock unit].
    retire : ndarray, shape (n_years, m')
        Vintages reaching their lifetime [stock unit/yr].
    history : ndarray, shape (n_pre + n_years, m')
        Additions by vintage, time-major (pre-base vintages first), rebuilt capacity
        included; the alive vintages of year ``t`` are
        ``stocks.alive_vintages(history.T, n_pre + t, lifetime)``.
    n_pre : int
        Number of pre-base-year vintages.
    """
    n_years = add.shape[0]
    n_pre = max(1, int(np.rint(np.max(lifetime))))
    pre = stocks.initial_vintages(initial, age_span, n_pre, lifetime)  # (m, n_pre)
    rebuild = replace is not None and bool(np.any(replace > 0.0))
    m = max(pre.shape[0], add.shape[1], np.shape(lifetime)[0])
    if rebuild:
        m = max(m, replace.shape[1])
    hist = np.empty((n_pre + n_years, m))
    hist[:n_pre] = pre.T
    hist[n_pre:] = add
    life = np.atleast_1d(lifetime)
    if (rebuild or life.shape[0] > 1) and use_compiled(m):  # the loops below, compiled
        # lazy: numba loads only for ensembles (a single run keeps its start-up time)
        from energysim.core.model.kernels import stocks as compiled

        retire = compiled.retire_and_rebuild(hist, n_pre, stocks.whole_years(life, 1),
                                             replace if rebuild else None)
        if rebuild:
            add = hist[n_pre:]
    elif rebuild:  # a rebuilt vintage retires again: year by year
        retire = np.empty((n_years, m))
        for t in range(n_years):
            retire[t] = stocks.retirements_time_major(hist, n_pre + t, life)
            hist[n_pre + t] += replace[t] * retire[t]
        add = hist[n_pre:]
    elif life.shape[0] == 1:  # one lifetime: the retirements are the history shifted by it
        L = max(1, int(np.rint(life[0])))
        retire = np.ascontiguousarray(
            np.broadcast_to(hist[n_pre - L : n_pre - L + n_years], (n_years, m))
        )
    else:
        retire = np.empty((n_years, m))
        for t in range(n_years):
            retire[t] = stocks.retirements_time_major(hist, n_pre + t, life)
    stock = stocks.running_total(add - retire)
    stock += initial
    np.maximum(stock, 0.0, out=stock)
    return stock, retire, hist, n_pre


def _share(part, rest):
    """``part / (part + rest)`` for ``part, rest ≥ 0``; 0 where both are 0."""
    return part / np.maximum(part + rest, _TINY)


_TINY = np.finfo(np.float64).tiny


def _power_flows(
    cap_coal,
    cap_wind,
    cap_solar,
    hours_coal,
    hours_wind,
    hours_solar,
    own_share,
    heat_rate,
    ccus_share,
    ccus_penalty,
    tce,
    water_per_mwh,
    st_cap,
    duration,
    cycles,
    rte,
    c_base,
    c_slope,
    c_ref,
    c_max,
    c_relief,
):
    """Power and storage flows of all years, ``(n_years, m)`` arrays.

    Everything here depends on parameters and capacity stocks only (docs/model.md, Power and
    Storage), so it is computed before the year loop, for all years at once (elementwise; one
    numpy call per quantity). Units as in :mod:`energysim.core.model.power`.

    Returns
    -------
    dict of ndarray
        Coal generation, own use, coal burned (total and by units with capture) and raw coal,
        cooling water, storage energy capacity, charging and losses, curtailment, wind and
        solar generation, total generation and the renewable share.
    """
    coal_gen = power.generation_potential(cap_coal, hours_coal)
    burn, burn_ccus = power.coal_burn(coal_gen, own_share, heat_rate, ccus_share, ccus_penalty)
    st_energy, st_charged, st_losses = storage.storage_flows(st_cap, duration, cycles, rte)
    wind_pot = power.generation_potential(cap_wind, hours_wind)
    solar_pot = power.generation_potential(cap_solar, hours_solar)
    curtailed, curt_share = power.curtailment(
        wind_pot + solar_pot, coal_gen, st_charged, c_base, c_slope, c_ref, c_max, c_relief
    )
    kept = 1.0 - curt_share
    wind_gen = wind_pot * kept
    solar_gen = solar_pot * kept
    vre_gen = wind_gen + solar_gen
    generation = coal_gen + vre_gen
    return {
        "coal_gen": coal_gen,
        "own_use": coal_gen * own_share,
        "burn": burn,
        "burn_ccus": burn_ccus,
        "power_coal": burn / tce,
        "power_water": coal_gen * water_per_mwh,
        "st_energy": st_energy,
        "st_charged": st_charged,
        "st_losses": st_losses,
        "curtailed": curtailed,
        "curt_share": curt_share,
        "kept": kept,
        "wind_gen": wind_gen,
        "solar_gen": solar_gen,
        "vre_gen": vre_gen,
        "generation": generation,
        # = _share(vre_gen, coal_gen): vre_gen + coal_gen is the generation (a + b = b + a)
        "renewable_gen_share": vre_gen / np.maximum(generation, _TINY),
    }


_SLICE_W = electricity.PROFILES["wind"][:, None]
_SLICE_S = electricity.PROFILES["solar"][:, None]

#: Recorded power/storage outputs: output name → key of :func:`_power_flows`.
_POWER_OUTPUTS = {
    "storage_energy_cap": "st_energy",
    "storage_charged": "st_charged",
    "storage_losses": "st_losses",
    "power_coal_tce": "burn",
    "own_use": "own_use",
    "power_water": "power_water",
    "coal_power_use": "power_coal",
    "curtailment_share": "curt_share",
    "curtailed_gen": "curtailed",
    "generation": "generation",
    "renewable_gen_share": "renewable_gen_share",
}


#: Outputs of the sectors helper's step functions that the engine records from their
#: precomputed whole-horizon arrays instead of per year (they depend on parameters only).
_FROM_PRE = {
    "transport": (
        "heavy_truck_fleet",
        "heavy_truck_sales",
        "heavy_truck_retire",
        "heavy_truck_diesel_use",
        "heavy_truck_elec_use",
    ),
}


# ---------------------------------------------------------------------------------------------
# the model
# ---------------------------------------------------------------------------------------------


def _dispatch_mode(P: Mapping[str, np.ndarray]) -> bool:
    """Whether the scenario dispatches coal (``power.dispatch`` = 1) or runs fixed hours (0).

    Raises
    ------
    ScenarioError
        If the switch differs between samples or years (it selects the model's structure).
    """
    switch = P["power.dispatch"]
    if switch.size > 1 and np.ptp(switch) != 0.0:
        raise ScenarioError(
            "must be the same for every sample and year (expected 0 or 1, got a varying value)",
            key="power.dispatch",
        )
    return bool(switch.flat[0] > 0.5)


def _hours(gen: np.ndarray, cap: np.ndarray) -> np.ndarray:
    """Full-load hours ``gen · 10³ / cap`` [h/yr] of a generation [TWh/yr] on a capacity [GW];
    0 where nothing is in service."""
    gen, cap = np.broadcast_arrays(gen, cap)
    return np.divide(gen * 1e3, cap, out=np.zeros(gen.shape), where=cap > 0.0)


def _operating(stock: np.ndarray, add: np.ndarray, first_year: np.ndarray) -> np.ndarray:
    """Capacity-years in service: the stock less the part of this year's additions not yet
    operating, ``stock − (1 − first_year_fraction) · add`` [stock unit]."""
    return np.maximum(stock - (1.0 - first_year) * add, 0.0)


def _simulate(
    params: Params, keep: set[str] | None = None, out: Mapping[str, np.ndarray] | None = None
) -> dict[str, np.ndarray]:
    """The model for one block of samples; year-major outputs ``(n_years, [k,] m)``."""
    P = _year_major(params)
    years = np.asarray(params.years)
    T = len(years)
    n = params.n_samples
    rec = _Recorder(T, keep, out or {})
    dispatching = _dispatch_mode(P)
    cost_extra = costs.extra_inputs(keep)  # issue 16: what the cost accounting reads is recorded
    if cost_extra:
        rec.keep = keep | cost_extra
    # the sectors' precompute functions read Params ``(n | 1, n_years)``; give them views of
    # the year-major copies (Fortran-ordered, same values and shapes) so that their own
    # time-major transposes are free instead of a second strided copy of every parameter
    params = Params(years=params.years, n_samples=n, values={k: v.T for k, v in P.items()})

    # ---- 1. parameters only, all years at once ---------------------------------------------
    # economy: the cumulative efficiency gains of GDP-driven demand
    gdp_growth = P["economy.gdp_growth"]  # of the rest of the economy (GDP less coal)
    gdp_base = P["economy.gdp_base"][0]
    coal_price, coal_va_share = P["economy.coal_price"], P["economy.coal_value_added_share"]
    # (other industry, buildings) × (electricity, coal) stacked on one axis: (n_years, 4, w)
    dem_keys = [(u, c) for u in economy.DEMAND_USERS for c in economy.DEMAND_CARRIERS]
    dem_coef, dem_el = [], []
    for u, c in dem_keys:
        stem = f"demand.{u}.{c}"
        keepf = 1.0 - P[f"{stem}_gain"]
        keepf[0] = 1.0
        dem_coef.append(np.cumprod(keepf, axis=0) * P[f"{stem}_base"][0])
        dem_el.append(P[f"{stem}_elasticity"][0])
    dem_coef = _stack_axis1(dem_coef)
    dem_el = np.stack(np.broadcast_arrays(*dem_el))  # (4, w)

    # capacity stocks (end of year) and the capacity operating through the year
    cap, add, retire, op = {}, {}, {}, {}
    for tech in power.TECHS:
        p = f"power.{tech}"
        cap[tech], retire[tech], hist, n_pre = stock_path(
            P[f"{p}.capacity_initial"][0],
            P[f"{p}.existing_age_span"][0],
            P[f"{p}.add"],
            P[f"{p}.lifetime"][0],
            P[f"{p}.replace_retired"],
        )
        add[tech] = hist[n_pre:]
        op[tech] = _operating(cap[tech], add[tech], P[f"{p}.first_year_fraction"])
    st_add = storage.storage_additions(
        P["storage.power_add"], P["storage.allocation_share"], add["wind"] + add["solar"]
    )
    st_cap, st_retire, st_hist, st_pre = stock_path(
        P["storage.power_initial"][0],
        P["storage.existing_age_span"][0],
        st_add,
        P["storage.lifetime"][0],
        P["storage.replace_retired"],
    )
    st_add = st_hist[st_pre:]
    st_op = _operating(st_cap, st_add, P["storage.first_year_fraction"])
    for name, v in (
        ("storage_cap", st_cap),
        ("storage_add", st_add),
        ("storage_retire", st_retire),
    ):
        rec.whole(name, v)
    for name, parts in (("power_cap", cap), ("power_add", add), ("power_retire", retire)):
        if rec.wants(name):
            rec.whole(name, _parts(*(parts[tech] for tech in power.TECHS)))
    hours = [P[f"power.{tech}.hours"] for tech in power.TECHS]
    own_share = P["power.own_use_share"]
    heat_rate, ccus_share = P["power.coal.heat_rate"], P["power.coal.ccus_share"]
    ccus_penalty, water_mwh = P["power.coal.ccus_energy_penalty"], P["power.coal.water_per_mwh"]
    duration = P["storage.duration"]
    rec.whole("storage_energy_cap", st_cap * duration)
    # export outlets [TWh/yr]: enforced by the dispatch, reported in both modes
    x = "power.export"
    export_grid = P[f"{x}.grid_capacity"] * P[f"{x}.grid_max_hours"] * 1e-3
    export_corr = P[f"{x}.corridor_capacity"] * P[f"{x}.corridor_max_hours"] * 1e-3
    rec.whole("export_bound", export_grid + export_corr)
    if not dispatching:  # fixed hours (before 2026-12): flows from parameters and stocks only
        pw = _power_flows(
            op["coal"],
            op["wind"],
            op["solar"],
            *hours,
            own_share,
            heat_rate,
            ccus_share,
            ccus_penalty,
            P["coal.tce_per_t"],
            water_mwh,
            st_op,
            duration,
            P["storage.cycles"],
            P["storage.round_trip_efficiency"],
            *(
                P[f"power.curtailment.{k}"]
                for k in ("base", "slope", "ref_share", "max", "storage_relief")
            ),
        )
        for name, key in _POWER_OUTPUTS.items():
            if name != "storage_energy_cap":
                rec.whole(name, pw[key])
        if rec.wants("power_gen"):
            rec.whole("power_gen", _parts(pw["coal_gen"], pw["wind_gen"], pw["solar_gen"]))
        if rec.wants("power_hours"):
            rec.whole(
                "power_hours", _parts(hours[0], hours[1] * pw["kept"], hours[2] * pw["kept"])
            )
        power_water = pw["power_water"]
        # dispatch outputs, for the same layout of results: the annual flows are spread over
        # the slices by their profiles
        rec.whole("coal_below_min", np.zeros((T, 1)))
        vre_pot = (
            power.generation_potential(op["wind"], hours[1])[:, None, :] * _SLICE_W
            + power.generation_potential(op["solar"], hours[2])[:, None, :] * _SLICE_S
        )
        rec.whole(
            "curtailed_by_slice",
            vre_pot * pw["curt_share"][:, None, :],
        )
        rec.whole(
            "coal_gen_by_slice",
            (pw["coal_gen"] - pw["own_use"])[:, None, :] * electricity.PROFILES["load"][:, None],
        )
    else:  # dispatch: what the year loop needs, for all years at once
        net_keep = 1.0 - own_share
        c_base = 1.0 - P["power.curtailment.base"]  # network curtailment only
        wind_full = op["wind"] * hours[1] * 1e-3
        solar_full = op["solar"] * hours[2] * 1e-3
        wind_pot, solar_pot = wind_full * c_base, solar_full * c_base
        vre_full = wind_full + solar_full
        coal_min = op["coal"] * P["power.coal.min_hours"] * 1e-3 * net_keep
        coal_max = op["coal"] * np.maximum(P["power.coal.max_hours"], P["power.coal.min_hours"])
        coal_max = coal_max * (1e-3 * net_keep)
        re_share = P["power.export.corridor_renewable_share"]
        st_energy_op = st_op * duration
        cycles, rte = P["storage.cycles"], P["storage.round_trip_efficiency"]
        tce_t = P["coal.tce_per_t"]

    # sectors with their own precomputation
    tpre = transport.precompute_transport(params)
    cpre = chemicals.precompute_chemicals(params)
    wpre = water.precompute_water(params, cpre)
    hpre = hydrogen.precompute_hydrogen(params, cpre)
    for name in _FROM_PRE["transport"]:
        rec.whole(name, tpre[name])  # powertrain-first (n_years, 3, m), samples last like ours
    rec.whole("electrolyser_cap", hpre["electrolyser_cap"])
    h2_ded, h2_grid, h2_flex = hpre["elec_dedicated"], hpre["elec_grid"], hpre["flex_power"]
    h2_kwh, h2_lkg = hpre["kwh_per_kg"], hpre["water_per_kg"]
    skip = set(_FROM_PRE["transport"]) | {"electrolyser_cap"}

    # per-year parameters used in the loop
    mine_cap, util, out_cap, outbound = (
        P[f"coal.{k}"]
        for k in ("mine_capacity", "max_utilization", "output_cap", "outbound_demand")
    )
    tce, diesel_pt, elec_pt, water_pt = (
        P[f"coal.{k}"] for k in ("tce_per_t", "diesel_per_t", "electricity_per_t", "water_per_t")
    )
    loss_share = P["power.grid_loss_share"]
    capture = P["power.coal.ccus_capture_rate"]
    ef_coal = P["emissions.coal_co2_per_tce"]
    ef_import = P["emissions.import_co2_per_mwh"]
    ef_diesel = P["emissions.diesel_co2_per_t"] * 1e-3  # t/t, applied to kt → Mt
    diesel_tce = P["economy.diesel_tce_per_t"] * 1e-3
    elec_tce = P["economy.electricity_tce_per_mwh"]
    feedstock = P["chemicals.feedstock_share"]

    # ---- 2. state before the base year ------------------------------------------------------
    coal_prev = P["coal.output_before_base"][0]
    tstate = transport.init_transport(tpre, n, coal_prev)
    gdp = gdp_base
    rest = None  # the economy other than coal mining, from the end of the base year on
    peak_total = peak_year = re_local_base = None

    # ---- 3. the year loop -------------------------------------------------------------------
    for t in range(T):
        year = years[t]
        # economy: demand on the GDP known at the start of the year, coal value added on last
        # year's output (docs/model.md, "Economy"; the year's output depends on this demand)
        if t:
            rest = rest * (1.0 + gdp_growth[t])
            gdp = economy.coal_value_added(coal_prev, coal_price[t], coal_va_share[t]) + rest
        lr = np.log(gdp / gdp_base)
        dem = dem_el * lr  # (4, m): the four GDP-driven demands at once
        np.exp(dem, out=dem)
        dem = dem * dem_coef[t]
        oi_el, oi_coal, b_el, b_coal = dem
        # transport (mining fleet on last year's coal output)
        tr = transport.step_transport(tstate, tpre, t, coal_prev)
        # chemicals before water; water reserves the other users first
        gross = chemicals.gross_chemicals(cpre, t)
        mining_water = coal.mining_water(coal_prev, water_pt[t])
        h2_base_elec = h2_ded[t] + h2_grid[t]
        h2_base_water = electrolysis_water = hydrogen.electrolysis_supply(
            h2_base_elec, h2_kwh[t], h2_lkg[t]
        )[1]
        trucks_el = tr["mining_truck_elec_use"] + tr["heavy_truck_elec_use"]
        if dispatching:
            # electricity before water: mining electricity on last year's output (like the
            # mining trucks), chemicals at their output before any water cut
            mining_elec_d = coal_prev * elec_pt[t] * 1e-3
            grid_fixed = mining_elec_d + h2_grid[t] + trucks_el + oi_el + b_el
            ls = loss_share[t]

            def run_dispatch(chem_elec):
                el = electricity.dispatch(
                    wind_pot[t], solar_pot[t], h2_ded[t], (grid_fixed + chem_elec) / (1.0 - ls),
                    ls, coal_min[t], coal_max[t], export_grid[t], export_corr[t], re_share[t],
                    st_op[t], st_energy_op[t], cycles[t], rte[t], h2_flex[t],
                )
                coal_gen = electricity.annual_total(el, "coal") / net_keep[t]
                return el, coal_gen, coal_gen * water_mwh[t]

            chem_el = chemicals.product_sum(cpre["elec_per_t"][t], gross["output"].T)
            el, coal_gen, power_water_t = run_dispatch(chem_el)
        else:
            power_water_t = power_water[t]
        wa = water.step_water(wpre, t, gross, power_water_t, mining_water, h2_base_water)
        chem_out = chemicals.scaled_output(cpre, t, wa["chem_water_scale"])
        if dispatching:
            if np.any(wa["chem_water_scale"] < 1.0):  # chemicals cut: their electricity too
                chem_el = chemicals.product_sum(cpre["elec_per_t"][t], chem_out.T)
                el, coal_gen, power_water_t = run_dispatch(chem_el)
            # electrolysis: set hours (dedicated + grid) plus surplus taken by idle capacity
            flex_el = electricity.annual_total(el, "flex") * (1.0 - ls)
            ded_served = el["dedicated_served"]
            h2_elec = h2_base_elec + flex_el
            h2_green_el = ded_served + flex_el
            h2_grid_el = h2_base_elec - ded_served
            h2_supply, electrolysis_water = hydrogen.electrolysis_supply(
                h2_elec, h2_kwh[t], h2_lkg[t]
            )
            # coal-plant water after the final dispatch; the surplus hydrogen's water on top
            wa = water.replace_use(
                wa, {"power": power_water_t, "electrolysis": electrolysis_water}, wpre["cap"][t]
            )
        else:
            h2_elec = h2_base_elec
            h2_supply = hydrogen.electrolysis_supply(h2_elec, h2_kwh[t], h2_lkg[t])[0]
            ded_served = np.minimum(h2_ded[t], pw["vre_gen"][t])
            h2_green_el = ded_served
            h2_grid_el = h2_elec - ded_served
        # hydrogen allocation, then chemicals net of green-hydrogen substitution
        hy = hydrogen.step_hydrogen(hpre, t, tr["truck_h2_demand"], chem_out, h2_supply)
        ch = chemicals.net_chemicals(cpre, t, chem_out, hy["h2_chem_substitution"])
        # power plants' coal
        if dispatching:
            burn, burn_ccus = power.coal_burn(
                coal_gen, own_share[t], heat_rate[t], ccus_share[t], ccus_penalty[t]
            )
            power_coal = burn / tce_t[t]
        else:
            burn, burn_ccus, power_coal = pw["burn"][t], pw["burn_ccus"][t], pw["power_coal"][t]
        # coal balance
        other_coal = oi_coal + b_coal
        local = power_coal + ch["chem_coal_use"] + other_coal + hy["h2_grey_coal_use"]
        output = coal.coal_output(mine_cap[t], util[t], out_cap[t], local, outbound[t])
        shipments, imports = coal.coal_trade(output, local)
        mining_diesel, mining_elec = coal.mining_energy(output, diesel_pt[t], elec_pt[t])
        coal_prev = output
        # GDP = coal value added of the year's output + the rest (the residual of the base year)
        coal_va = economy.coal_value_added(output, coal_price[t], coal_va_share[t])
        if t:
            gdp = coal_va + rest
        else:
            rest = economy.rest_of_economy_base(gdp_base, coal_va)
        # electricity balance
        if dispatching:
            mining_elec = mining_elec_d
            flex_loss = electricity.annual_total(el, "flex") - flex_el
            charged = electricity.annual_total(el, "charge")
            discharged = electricity.annual_total(el, "discharge")
            st_losses = charged - discharged
            # final consumption, battery losses included (as electricity.CONSUMERS lists them)
            consumption = grid_fixed + chem_el + h2_ded[t] + flex_el + st_losses
            own_use = coal_gen * own_share[t]
            # line losses: busbar demand less what the grid-fed consumers receive, and the
            # loss share of the surplus electrolysis
            losses = el["busbar"] - (grid_fixed + chem_el + h2_ded[t] - ded_served) + flex_loss
            exports = electricity.annual_total(el, "exports")
            el_imports = electricity.annual_total(el, "imports")
            net_exp = exports - el_imports
            wind_used = electricity.annual_total(el, "vre")
            curtailed = vre_full[t] - wind_used
            vre_gen = wind_used
            generation = coal_gen + vre_gen
            el_demand = consumption + own_use
            curt_share = curtailed / np.maximum(vre_full[t], _TINY)
            row_power = {
                "power_coal_tce": burn,
                "own_use": own_use,
                "power_water": power_water_t,
                "coal_power_use": power_coal,
                "curtailment_share": curt_share,
                "curtailed_gen": curtailed,
                "generation": generation,
                "renewable_gen_share": vre_gen / np.maximum(generation, _TINY),
                "storage_charged": charged,
                "storage_losses": st_losses,
                "storage_discharged": discharged,
                "coal_below_min": electricity.annual_total(el, "below_min") / net_keep[t],
                "curtailed_by_slice": el["curtailed"].T,
                "coal_gen_by_slice": el["coal"].T,
            }
            if rec.wants("power_gen"):
                solar_gen = electricity.annual_total(el, "solar")
                row_power["power_gen"] = np.stack(
                    np.broadcast_arrays(coal_gen, vre_gen - solar_gen, solar_gen), axis=-1
                )
            if rec.wants("power_hours"):
                solar_gen = electricity.annual_total(el, "solar")
                row_power["power_hours"] = np.stack(
                    np.broadcast_arrays(
                        *(
                            _hours(gen, op[tech][t])
                            for gen, tech in (
                                (coal_gen, "coal"),
                                (vre_gen - solar_gen, "wind"),
                                (solar_gen, "solar"),
                            )
                        )
                    ),
                    axis=-1,
                )
        else:
            consumption = (
                mining_elec + ch["chem_elec_use"] + h2_elec + trucks_el + oi_el + b_el
                + pw["st_losses"][t]
            )
            losses = electricity.grid_losses(consumption, loss_share[t])
            own_use = pw["own_use"][t]
            el_demand = consumption + own_use
            generation, vre_gen = pw["generation"][t], pw["vre_gen"][t]
            net_exp = electricity.net_export(generation, el_demand, losses)
            exports, el_imports = np.maximum(net_exp, 0.0), np.maximum(-net_exp, 0.0)
            discharged = pw["st_charged"][t] - pw["st_losses"][t]
            row_power = {"storage_discharged": discharged}
        # emissions (mining trucks count as mining, heavy trucks as transport)
        ef_c = ef_coal[t]
        co2_power, captured = emissions.power_co2(burn, burn_ccus, capture[t], ef_c)
        co2_mining = (mining_diesel + tr["mining_truck_diesel_use"]) * ef_diesel[t]
        co2_transport = tr["heavy_truck_diesel_use"] * ef_diesel[t]
        co2_other = other_coal * (tce[t] * ef_c)
        parts = (co2_power, ch["chem_co2"], co2_mining, co2_transport, hy["h2_grey_co2"], co2_other)
        co2 = np.empty((len(parts), max(np.shape(p)[0] for p in parts)))  # (sector, m)
        for j, part in enumerate(parts):
            co2[j] = part
        total = co2.sum(axis=0)  # row by row, in sector order (as p0 + p1 + … + p5)
        # peak year: the first year of the largest total (a running arg-max)
        if t == 0:
            peak_total, peak_year = total, np.full(np.shape(total), float(year))
        else:
            higher = total > peak_total
            if higher.any():
                peak_total = np.maximum(peak_total, total)
                peak_year = np.where(higher, float(year), peak_year)
        # the consumption-side account: electricity trade at the generation mix's factor
        supplied = generation - own_use
        ef_grid = co2_power / np.maximum(supplied, _TINY)
        co2_exp = exports * ef_grid
        co2_imp = el_imports * ef_import[t]
        diesel = mining_diesel + tr["mining_truck_diesel_use"] + tr["heavy_truck_diesel_use"]
        energy = local * tce[t] + diesel * diesel_tce[t] + (vre_gen - net_exp) * elec_tce[t]
        # energy-use controls: feedstock coal out of both, new local renewables out of the total
        feed = ch["chem_coal_use"] * (feedstock[t] * tce[t])
        re_local = vre_gen * (1.0 - exports / np.maximum(supplied + el_imports, _TINY))
        if t == 0:
            re_local_base = re_local
        new_re = np.maximum(re_local - re_local_base, 0.0)
        h2_total = np.maximum(h2_supply, _TINY)

        row = {name: v for name, v in tr.items() if name not in skip}
        row.update(ch)
        row.update(wa)
        row.update((name, v) for name, v in hy.items() if name not in skip)
        row.update(row_power)
        row.update(
            {
                "gdp": gdp,
                "gdp_coal": coal_va,
                "gdp_rest": rest,
                "other_industry_electricity": oi_el,
                "other_industry_coal": oi_coal,
                "buildings_electricity": b_el,
                "buildings_coal": b_coal,
                "coal_output": output,
                "coal_local_use": local,
                "coal_shipments": shipments,
                "coal_imports": imports,
                "coal_other_use": other_coal,
                "mining_diesel": mining_diesel,
                "mining_electricity": mining_elec,
                "electricity_consumption": consumption,
                "electricity_demand": el_demand,
                "grid_losses": losses,
                "net_export": net_exp,
                "electricity_export": exports,
                "electricity_import": el_imports,
                "h2_electrolytic_supply": h2_supply,
                "h2_green_supply": h2_green_el * 1e3 / h2_kwh[t],
                "h2_grid_supply": h2_grid_el * 1e3 / h2_kwh[t],
                "h2_electrolytic_co2_intensity": np.where(
                    h2_supply > 0.0, h2_grid_el * ef_grid * 1e3 / h2_total, 0.0
                ),
                "electrolysis_elec_use": h2_elec,
                "electrolysis_grid_elec_use": h2_grid_el,
                "electrolysis_water_use": electrolysis_water,
                "co2": co2.T,
                "co2_total": total,
                "co2_captured": captured,
                "grid_co2_intensity": ef_grid,
                "co2_exported_electricity": co2_exp,
                "co2_imported_electricity": co2_imp,
                "co2_consumption_total": total - co2_exp + co2_imp,
                "energy_use_tce": energy,
                "energy_intensity": economy.intensity(energy, gdp),
                "energy_use_total_control": energy - feed - new_re * elec_tce[t],
                "energy_intensity_control": economy.intensity(energy - feed, gdp),
                "co2_intensity": economy.intensity(total, gdp),
            }
        )
        rec.year(t, row)

    # ---- 4. after the loop ------------------------------------------------------------------
    arrays = rec.finish()
    rec.whole("co2_peak_year", peak_year)

    # ---- 5. costs and investment (issue 16; model/costs.py): from the recorded results ------
    costs.record_costs(P, arrays, rec.whole, rec.wants, cost_extra)
    # ---- end of costs -----------------------------------------------------------------------
    return arrays


def _stack_axis1(arrays: list[np.ndarray]) -> np.ndarray:
    """``k`` arrays ``(n_years, w_i)`` → one ``(n_years, k, w)`` array (broadcast widths)."""
    return np.stack(np.broadcast_arrays(*arrays), axis=1)


def _parts(*parts: np.ndarray) -> np.ndarray:
    """``k`` arrays ``(n_years, m_i)`` → one ``(n_years, k, m)`` array."""
    m = max(p.shape[1] for p in parts)
    out = np.empty((parts[0].shape[0], len(parts), m))
    for j, p in enumerate(parts):
        out[:, j] = p
    return out


def to_sample_first(a: np.ndarray) -> np.ndarray:
    """``(n_years, [k,] m)`` → ``(m, n_years[, k])`` view; ``(m,)`` unchanged."""
    if a.ndim == 3:
        return a.transpose(2, 0, 1)
    return a.T


def simulate(params: Params, *, keep: Iterable[str] | None = None) -> dict[str, np.ndarray]:
    """Run the model on one block of samples.

    Parameters
    ----------
    params : Params
        Compiled parameters, arrays ``(n_samples | 1, n_years)`` in canonical units.
    keep : iterable of str, optional
        Names of the outputs to return (default: all, see :func:`output_specs`).

    Returns
    -------
    dict of str to ndarray
        Output name → ``(n_samples | 1, n_years)`` or ``(n_samples | 1, n_years, k)``
        (``(n_samples | 1,)`` for ``co2_peak_year``) in the output's canonical unit. A leading
        size of 1 means the output is the same for every sample (it broadcasts).
    """
    arrays = _simulate(params, None if keep is None else set(keep))
    return {k: to_sample_first(v) for k, v in arrays.items()}


def simulate_year_major(params: Params, keep: set[str] | None = None,
                        out: Mapping[str, np.ndarray] | None = None) -> dict[str, np.ndarray]:
    """The model for one block of samples, outputs year-major ``(n_years, [k,] m)``.

    The entry of the block runners (:mod:`energysim.execution.threads`): outputs named in
    ``out`` are written into those preallocated ``(n_years, [k,] m)`` views instead of new
    arrays; :func:`to_sample_first` gives the conventional layout without a copy.
    """
    return _simulate(params, keep, out)


# ---------------------------------------------------------------------------------------------
# outputs and the ensemble driver
# ---------------------------------------------------------------------------------------------


def _categorical_outputs() -> frozenset[str]:
    """Names of the outputs with a category dimension (``tech``, ``product`` …)."""
    global _CATEGORICAL
    if _CATEGORICAL is None:
        _CATEGORICAL = frozenset(k for k, o in output_specs().items() if o.dims)
    return _CATEGORICAL


_CATEGORICAL: frozenset[str] | None = None


def _sector_modules():
    return SECTOR_MODULES


def output_specs() -> dict[str, Any]:
    """Every result variable: name → :class:`energysim.core.model.Output`, in sector order."""
    return {o.name: o for m in _sector_modules() for o in m.OUTPUTS}


#: The module whose ``COORDS`` define each standard category dimension.
_DIM_OWNERS = {
    "tech": "power",
    "sector": "emissions",
    "product": "chemicals",
    "powertrain": "transport",
}


def output_layout() -> tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]]:
    """Category dimensions of every output and the labels of every dimension.

    A module that uses a standard dimension name (``tech``, ``sector``, ``product``,
    ``powertrain``) with labels other than those of the dimension's owner (power, emissions,
    chemicals, transport) gets its own dimension ``<module>_<dim>`` instead, e.g. the water
    users of ``water_use`` are on ``water_sector`` while ``co2`` is on ``sector``.

    Returns
    -------
    dims : dict of str to tuple of str
        Output name → its dimensions besides ``sample`` and ``year``.
    coords : dict of str to tuple of str
        Dimension name → labels.
    """
    modules = {m.__name__.rsplit(".", 1)[-1]: m for m in _sector_modules()}
    coords = {
        d: tuple(modules[owner].COORDS[d]) for d, owner in _DIM_OWNERS.items() if owner in modules
    }
    dims: dict[str, tuple[str, ...]] = {}
    for mname, m in modules.items():
        mcoords = getattr(m, "COORDS", {})
        for o in m.OUTPUTS:
            named = []
            for d in o.dims:
                labels = tuple(mcoords[d]) if d in mcoords else coords[d]
                if coords.get(d, labels) != labels:
                    d = f"{mname}_{d}"
                coords.setdefault(d, labels)
                named.append(d)
            dims[o.name] = tuple(named)
    return dims, coords


def output_coords() -> dict[str, tuple[str, ...]]:
    """Labels of the category dimensions (see :func:`output_layout`)."""
    return output_layout()[1]


