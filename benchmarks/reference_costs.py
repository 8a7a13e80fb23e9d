"""The cost accounting (energysim.core.model.costs) in plain Python: one sample, one year at a time.

Written from the equations of docs/model.md ("Costs"), independently of the vectorised code,
so that tests/test_reference.py checks the engine's cost outputs like every other output.
:func:`costs_of_sample` takes one sample's parameter values and physical results (the rows of
:func:`reference.simulate_sample`) and returns the cost outputs as lists over the years.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

TECHS = ("coal", "wind", "solar")
POWERTRAINS = ("diesel", "bev", "fcev")
PRODUCTS = ("olefins", "coal_to_liquids", "coal_to_gas", "ethylene_glycol", "aromatics")


def crf(r: float, life: float) -> float:
    """Capital recovery factor [1/yr]: the annuity paying back 1 over ``life`` years at ``r``."""
    if r < 1e-12:
        return 1.0 / life
    return r / (1.0 - (1.0 + r) ** -life)


def values_over_time(stock, adds, invest, v_before, k_before):
    """Capital value year by year; retirements leave at the stock's average unit value."""
    out = []
    v, k_prev = v_before, k_before
    for t in range(len(stock)):
        if k_prev > 0.0:
            s = min(max((stock[t] - adds[t]) / k_prev, 0.0), 1.0)
        else:
            s = 1.0
        v = v * s + invest[t]
        out.append(v)
        k_prev = stock[t]
    return out


def costs_of_sample(v: Mapping[str, Sequence[float]], o: Mapping, years) -> dict[str, list]:
    """Cost outputs of one sample (see module docstring)."""
    T = len(years)
    r = v["costs.discount_rate"]
    invest_by_asset = [[0.0] * 9 for _ in range(T)]
    capital = [0.0] * T
    fom = [0.0] * T

    def add_asset(j, stock, adds, unit_cost, scale, life, k_before):
        inv = [adds[t] * unit_cost[t] * scale for t in range(T)]
        vals = values_over_time(stock, adds, inv, k_before * unit_cost[0] * scale, k_before)
        for t in range(T):
            invest_by_asset[t][j] += inv[t]
            capital[t] += vals[t] * crf(r[t], life[t])

    for j, tech in enumerate(TECHS):
        stock = [o["power_cap"][t][j] for t in range(T)]
        adds = [o["power_add"][t][j] for t in range(T)]
        add_asset(j, stock, adds, v[f"costs.capex.{tech}"], 1e-3, v[f"power.{tech}.lifetime"],
                  v[f"power.{tech}.capacity_initial"][0])
        for t in range(T):
            fom[t] += stock[t] * v[f"costs.fom.{tech}"][t] * 1e-3
    dur = v["storage.duration"]
    st_e = [o["storage_cap"][t] * dur[t] for t in range(T)]
    st_a = [o["storage_add"][t] * dur[t] for t in range(T)]
    add_asset(3, st_e, st_a, v["costs.capex.storage"], 1e-3, v["storage.lifetime"],
              v["storage.power_initial"][0] * dur[0])
    for t in range(T):
        fom[t] += st_e[t] * v["costs.fom.storage"][t] * 1e-3
    e = "hydrogen.electrolyser"
    from reference import initial_vintages, stock_path, whole_years  # the model's stock rules

    e_life = v[f"{e}.lifetime"][0]
    e_pre = initial_vintages(v[f"{e}.capacity_initial"][0], v[f"{e}.existing_age_span"][0],
                             whole_years(e_life), e_life)
    _, _, e_built = stock_path(v[f"{e}.capacity_initial"][0], v[f"{e}.existing_age_span"][0],
                               v[f"{e}.add"], e_life, v[f"{e}.replace_retired"],
                               start=sum(e_pre))  # additions incl. rebuilt retirements
    add_asset(4, o["electrolyser_cap"], e_built, v["costs.capex.electrolyser"], 1e-3,
              v[f"{e}.lifetime"], v[f"{e}.capacity_initial"][0])
    for t in range(T):
        fom[t] += o["electrolyser_cap"][t] * v["costs.fom.electrolyser"][t] * 1e-3
    for j, fleet in ((5, "heavy_trucks"), (6, "mining_trucks")):
        stem = fleet[:-1]
        fl, sales = o[f"{stem}_fleet"], o[f"{stem}_sales"]
        price = [[v[f"costs.capex.{fleet}.{pt}"][t] for pt in POWERTRAINS] for t in range(T)]
        inv = [sum(sales[t][i] * price[t][i] * 1e-9 for i in range(3)) for t in range(T)]
        before = [max(fl[0][i] - sales[0][i], 0.0) for i in range(3)]
        vals = values_over_time(
            [sum(fl[t]) for t in range(T)],
            [sum(sales[t]) for t in range(T)],
            inv,
            sum(before[i] * price[0][i] for i in range(3)) * 1e-9,
            sum(before),
        )
        life = v[f"transport.{fleet}.lifetime"]
        for t in range(T):
            invest_by_asset[t][j] += inv[t]
            capital[t] += vals[t] * crf(r[t], life[t])
    share = v["costs.fom.plant_share"]
    stations = o["charging_stations_needed"]
    st_add = [0.0] + [max(stations[t] - stations[t - 1], 0.0) for t in range(1, T)]
    add_asset(7, stations, st_add, v["costs.capex.charging_station"], 1e-9,
              v["costs.lifetime.charging_station"], stations[0])
    for t in range(T):
        fom[t] += stations[t] * v["costs.capex.charging_station"][t] * share[t] * 1e-9
    for prod in PRODUCTS:
        capa = v[f"chemicals.{prod}.capacity"]
        adds = [0.0] + [max(capa[t] - capa[t - 1], 0.0) for t in range(1, T)]
        add_asset(8, capa, adds, v[f"costs.capex.chemicals.{prod}"], 1e-3,
                  v["costs.lifetime.chemicals"], capa[0])
        for t in range(T):
            fom[t] += capa[t] * v[f"costs.capex.chemicals.{prod}"][t] * share[t] * 1e-3

    out = {k: [] for k in ("investment", "investment_total", "capital_cost", "fixed_om_cost",
                           "variable_om_cost", "fuel_cost", "ccus_cost", "export_revenue",
                           "system_cost", "lcoe", "lcoh")}
    for t in range(T):
        coal_price = v["costs.price.coal"][t]
        vom = (o["power_gen"][t][0] * v["costs.vom.coal"][t]
               + o["h2_grey_supply"][t] * v["costs.h2_coal.nonfuel_cost"][t] * 1e-3)
        coal_mt = o["coal_power_use"][t] + o["chem_coal_use"][t] + o["h2_grey_coal_use"][t]
        diesel_kt = (o["mining_diesel"][t] + o["mining_truck_diesel_use"][t]
                     + o["heavy_truck_diesel_use"][t])
        fuel = coal_mt * coal_price * 1e-3 + diesel_kt * v["costs.price.diesel"][t] * 1e-6
        ccus = o["co2_captured"][t] * v["costs.ccus.cost_per_t"][t] * 1e-3
        sales = (o["net_export"][t] * v["costs.price.electricity_export"][t]
                 + o["h2_export"][t] * v["costs.price.hydrogen"][t] * 1e-3)
        # levelised costs
        lc = []
        for j, tech in enumerate(TECHS):
            h = o["power_hours"][t][j]
            if not h >= 1.0:  # the fleet does not run (< 1 h/yr): the planned hours
                h = v[f"power.{tech}.hours"][t]
            extra = 0.0
            if tech == "coal":
                own, rate = v["power.own_use_share"][t], v["power.coal.heat_rate"][t]
                ccs, pen = v["power.coal.ccus_share"][t], v["power.coal.ccus_energy_penalty"][t]
                tce_per_kwh = (1.0 - own) * rate * 1e-6  # gce/kWh → tce/kWh
                ccus_tce = tce_per_kwh * ccs * (1.0 + pen)
                tce_all = tce_per_kwh * (1.0 - ccs) + ccus_tce
                captured = (ccus_tce * v["emissions.coal_co2_per_tce"][t]
                            * v["power.coal.ccus_capture_rate"][t])
                extra = (v["costs.vom.coal"][t] + tce_all / v["coal.tce_per_t"][t] * coal_price
                         + captured * v["costs.ccus.cost_per_t"][t])
            fixed = (v[f"costs.capex.{tech}"][t] * crf(r[t], v[f"power.{tech}.lifetime"][t])
                     + v[f"costs.fom.{tech}"][t])
            lc.append(fixed / h + extra if h > 0 else math.nan)
        eh = v[f"{e}.hours"][t]
        e_fixed = (v["costs.capex.electrolyser"][t] * crf(r[t], v[f"{e}.lifetime"][t])
                   + v["costs.fom.electrolyser"][t])
        kwh = v[f"{e}.kwh_per_kg"][t]
        green = (e_fixed / eh + v["costs.price.electrolysis_electricity"][t]) * kwh if eh > 0 \
            else math.nan
        grey = v["costs.h2_coal.nonfuel_cost"][t] + v["hydrogen.grey.coal_per_t"][t] * \
            coal_price * 1e-3
        out["investment"].append(list(invest_by_asset[t]))
        out["investment_total"].append(sum(invest_by_asset[t]))
        out["capital_cost"].append(capital[t])
        out["fixed_om_cost"].append(fom[t])
        out["variable_om_cost"].append(vom)
        out["fuel_cost"].append(fuel)
        out["ccus_cost"].append(ccus)
        out["export_revenue"].append(sales)
        out["system_cost"].append(capital[t] + fom[t] + vom + fuel + ccus - sales)
        out["lcoe"].append(lc)
        out["lcoh"].append([green, grey])
    return out
