"""Coal chemicals by product: output, coal feed, electricity, water, CO2 and hydrogen needs.

Equations (docs/model.md, section "Coal chemicals"); products ``j ∈ PRODUCTS`` on the product
axis, all in Mt of product per year (coal-to-gas: Mt of SNG, converted from m³ with
``chemicals.coal_to_gas.density``):

* gross output ``X_j = capacity_j · utilization_j`` [Mt/yr] (precomputed for every year);
* after the water step, output ``Y_j = X_j · w_j`` with ``w_j ∈ [0, 1]`` the water scale
  factor (:func:`energysim.core.model.water.allocate_water`);
* needs per tonne: coal feed ``Y_j · c_j`` [Mt/yr raw coal], electricity ``Y_j · e_j``
  [TWh/yr], water ``Y_j · v_j`` [Mm3/yr], CO2 ``Y_j · g_j`` [Mt/yr], hydrogen requirement
  ``H_j = Y_j · h_j · 10³`` [kt/yr] (the hydrogen a plant makes from coal by the water-gas
  shift, which green hydrogen can replace);
* green-hydrogen substitution ``Z`` [kt/yr] (from
  :func:`energysim.core.model.hydrogen.allocate_hydrogen`) is bounded by the room
  ``Σ_j max(min(H_j · s_max, C_j · 10³ / coal_saved, E_j · 10³ / co2_avoided), 0)``
  (:func:`substitution_room`) and lowers the coal feed by ``Z · 10⁻³ · coal_saved`` and the
  CO2 by ``Z · 10⁻³ · co2_avoided`` (per tonne of green H2); the room keeps every product's
  net coal and CO2 ≥ 0. Electricity and water per tonne are unchanged (the electrolysis is
  counted in the hydrogen sector).

The CO2 per tonne is the plant's direct (process and on-site fuel) emission; carbon that stays
in the product is not emitted here. Emissions therefore use ``chem_co2``, not the coal feed times
a coal emission factor.

Inside this module product arrays are product-first, shape (k, n) (samples last); the engine
entry points return (n, k) transposed views.

Engine use::

    pre = precompute_chemicals(params)
    gross = gross_chemicals(pre, t)                  # before the water step
    scale = water.step_water(...)["chem_water_scale"]
    out = scaled_output(pre, t, scale)               # (n, k) Mt/yr
    Z = hydrogen.step_hydrogen(..., out)["h2_chem_substitution"]
    flows = net_chemicals(pre, t, out, Z)            # dict keyed by OUTPUTS names
"""

from __future__ import annotations

import numpy as np

from energysim.core.model import Output, same_every_year, time_major
from energysim.core.param import Param

#: Products on the ``product`` dimension.
PRODUCTS = ("olefins", "coal_to_liquids", "coal_to_gas", "ethylene_glycol", "aromatics")
PRODUCT_ZH = {
    "olefins": "煤制烯烃",
    "coal_to_liquids": "煤制油",
    "coal_to_gas": "煤制气",
    "ethylene_glycol": "煤制乙二醇",
    "aromatics": "芳烃",
}
COORDS = {"product": PRODUCTS}
#: Carbon mass fraction of each product [t C per t] (stoichiometry): olefins (CH2)n 12/14;
#: Fischer–Tropsch liquids ≈ (CH2)n with some H-rich ends, 0.85; SNG as methane 12/16;
#: ethylene glycol C2H6O2 24/62; aromatics (BTX, toluene C7H8 84/92).
CARBON_FRACTION = {
    "olefins": 12.0 / 14.0,
    "coal_to_liquids": 0.85,
    "coal_to_gas": 12.0 / 16.0,
    "ethylene_glycol": 24.0 / 62.0,
    "aromatics": 84.0 / 92.0,
}
#: Share of a coal's carbon oxidised in combustion, implied by the CO2 factor
#: (省级温室气体清单编制指南: oxidation 0.94); gasification converts nearly all of it.
COAL_OXIDATION = 0.94
#: Per-tonne intensities read for every product: (suffix, unit, English, Chinese).
INTENSITIES = (
    ("coal_per_t", "t/t", "Raw coal (feed and fuel) per tonne of", "吨产品原煤消耗(原料及燃料)"),
    ("elec_per_t", "MWh/t", "Electricity per tonne of", "吨产品用电量"),
    ("water_per_t", "m3/t", "Water withdrawn per tonne of", "吨产品取水量"),
    ("co2_per_t", "t/t", "Direct CO2 per tonne of", "吨产品直接二氧化碳排放"),
    (
        "h2_per_t",
        "t/t",
        "Hydrogen made by water-gas shift (replaceable by green H2) per tonne of",
        "吨产品变换制氢量(可由绿氢替代)",
    ),
)

_REPORT = "report (zhungeer-2023-government-work-report.txt)"
_PS = "parameter-sources.md"
_TCE = 0.7143  # tce per t raw coal, parameter-sources.md (GB/T 2589)
#: SNG density used for the coal-to-gas defaults [kg/m³] (methane at 0 °C, 101.325 kPa).
SNG_DENSITY = 0.717


def _step(before: float, after: float, year: int) -> dict[int, float]:
    """A capacity series that steps from ``before`` to ``after`` in ``year`` (flat to 2060)."""
    return {2022: before, year - 1: before, year: after, 2060: after}


# default values: (capacity series, capacity source, utilization, {intensity: (value, source)})
_DEFAULTS: dict[str, tuple] = {
    "olefins": (
        _step(0.6, 1.6, 2027),
        f"assumption: ~0.6 Mt/yr of methanol-to-olefins in the 大路 park in 2022 (久泰, NOT "
        f"verified); {_REPORT}: 争取中石化煤制烯烃…百亿级项目取得突破性进展, assumed +1.0 Mt/yr "
        "operating from 2027",
        {
            "coal_per_t": (
                3.9,
                f"derived: {_PS}: GB 30180-2024 grade 2, 2,800 kgce/t including "
                f"feedstock ÷ {_TCE} tce/t raw coal",
            ),
            "elec_per_t": (1.5, "assumption: NOT FOUND; 0.5–3 MWh/t (much on-site CHP)"),
            "water_per_t": (20.0, "assumption: NOT FOUND; 10–35 m³/t reported for coal-to-olefins"),
            "co2_per_t": (
                4.7,
                "derived: carbon balance with 3.9 t raw coal per t (0.55 t C per t) less the "
                "product's 0.857 t C: ≤ 4.74 t CO2/t; the ~10 t/t commonly quoted (parameter-"
                "sources.md) would need ~6.5 t coal per t (the baseline's 5.0 t/t and 6.5 t/t "
                "also close it)",
            ),
            "h2_per_t": (
                0.125,
                "derived: methanol synthesis needs H2/CO ≈ 2 from gasifier "
                "syngas with H2/CO ≈ 0.8 → ~42 kg shift H2 per t methanol × ~3 t "
                "methanol per t olefins",
            ),
        },
    ),
    "coal_to_liquids": (
        _step(0.2, 2.2, 2028),
        f"assumption: ~0.2 Mt/yr indirect-liquefaction demonstration (伊泰, 大路, NOT verified); "
        f"{_REPORT}: 伊泰煤制油 百亿级项目, 2 Mt/yr (伊泰200万吨/年, China Calcium Carbide "
        "Industry Association news) assumed operating from 2028",
        {
            "coal_per_t": (
                5.0,
                f"{_PS}: indirect liquefaction, Ningxia 4 Mt/yr uses ~20 Mt "
                "coal/yr (chinapost.com.tw 2016-12-30)",
            ),
            "elec_per_t": (1.0, "assumption: NOT FOUND; 0.3–2 MWh/t"),
            "water_per_t": (8.0, "assumption: NOT FOUND; 5–14 m³/t for indirect liquefaction"),
            "co2_per_t": (
                6.5,
                f"assumption: {_PS}: NOT FOUND for CTL; direct liquefaction "
                "(Shenhua Ordos) 3.6 Mt for 1.08 Mt ≈ 3.3 t/t, indirect higher",
            ),
            "h2_per_t": (
                0.11,
                "derived: Fischer–Tropsch needs H2/CO ≈ 2 from syngas with "
                "H2/CO ≈ 0.7 → ~55 kmol shift H2 per t of (CH2)n",
            ),
        },
    ),
    "coal_to_gas": (
        _step(0.0, round(4.0 * SNG_DENSITY, 2), 2028),
        f"{_REPORT}: 北控煤制气 百亿级项目; 北控 40亿m³/yr in the 鄂尔多斯煤制气工业园 (准格尔, "
        f"中广网 2013); assumed operating from 2028: 4 bcm × {SNG_DENSITY} kg/m³ = 2.87 Mt/yr",
        {
            "coal_per_t": (
                4.2,
                f"derived: {_PS}: Datang Keqi 4 bcm/yr uses 12.03 Mt coal/yr → "
                f"12.03 / (4 × {SNG_DENSITY}) ≈ 4.2 t/t",
            ),
            "elec_per_t": (0.42, "assumption: NOT FOUND; ~0.3 kWh/m³ ÷ 0.717 kg/m³"),
            "water_per_t": (
                11.2,
                f"derived: {_PS}: 6–10 L water per m³ (enerdata) → 8 L/m³ ÷ {SNG_DENSITY} kg/m³",
            ),
            "co2_per_t": (5.0, "assumption: NOT FOUND; ~3.5 kg CO2 per m³ of SNG (process)"),
            "h2_per_t": (
                0.08,
                "derived (rough): methanation needs H2/CO = 3; Lurgi syngas "
                "H2/CO ≈ 2 → ~42 kg shift H2 per t CH4, doubled for other gasifiers",
            ),
        },
    ),
    "ethylene_glycol": (
        _step(0.0, 1.0, 2026),
        f"{_REPORT}: 久泰乙二醇 百亿级项目; assumption: 1.0 Mt/yr operating from 2026",
        {
            "coal_per_t": (4.0, "assumption: NOT FOUND; ~2.8 tce/t ÷ 0.7143 (2.5–6 t/t)"),
            "elec_per_t": (1.2, "assumption: NOT FOUND; 0.5–2.5 MWh/t"),
            "water_per_t": (12.0, "assumption: NOT FOUND; 8–20 m³/t"),
            "co2_per_t": (5.5, f"assumption: {_PS}: NOT FOUND; 3–8 t/t"),
            "h2_per_t": (
                0.13,
                "derived: dimethyl oxalate hydrogenation DMO + 4 H2 → EG + "
                "2 MeOH: 8 g H2 per 62 g EG",
            ),
        },
    ),
    "aromatics": (
        _step(0.0, 0.01, 2023),
        f"{_REPORT}: 久泰世界首套万吨级二氧化碳制芳烃项目开工建设 (2022), 建成投产 planned 2023 "
        "→ 0.01 Mt/yr from 2023",
        {
            "coal_per_t": (4.0, "assumption: NOT FOUND (methanol/CO2 route); 2–8 t/t"),
            "elec_per_t": (1.5, "assumption: NOT FOUND"),
            "water_per_t": (15.0, "assumption: NOT FOUND"),
            "co2_per_t": (
                3.0,
                "assumption: NOT FOUND; net of CO2 used as feed (7 CO2 + 18 H2 → "
                "C7H8 + 14 H2O uses 3.3 t CO2 per t)",
            ),
            "h2_per_t": (0.39, "derived: 7 CO2 + 18 H2 → C7H8 + 14 H2O: 36 g H2 per 92 g"),
        },
    ),
}

_BOUNDS = {
    "coal_per_t": (0.0, 20.0),
    "elec_per_t": (0.0, 10.0),
    "water_per_t": (0.0, 100.0),
    "co2_per_t": (-5.0, 30.0),
    "h2_per_t": (0.0, 1.0),
}


def _product_params() -> list[Param]:
    out: list[Param] = []
    for prod, (cap, cap_src, intens) in _DEFAULTS.items():
        zh = PRODUCT_ZH[prod]
        name = prod.replace("_", "-")
        p = f"chemicals.{prod}"
        idx = ("product", prod)
        out.append(
            Param(
                f"{p}.capacity",
                "Mt/yr",
                cap,
                (0.0, 100.0),
                f"Operating {name} capacity in the banner (Mt of product per year).",
                f"全旗{zh}投运产能(百万吨产品/年)。",
                "chemicals",
                index=idx,
                source=cap_src,
            )
        )
        out.append(
            Param(
                f"{p}.first_year_fraction",
                "",
                0.5,
                (0.0, 1.0),
                f"Fraction of the year a {name} capacity increase operates in the year it is "
                f"added (0.5: mid-year; set from commissioning months by the project register).",
                f"{zh}新增产能投运当年的运行时间比例(0.5为年中投运;由项目库的投运月份计算)。",
                "chemicals",
                index=idx,
                source="convention: commissioning mid-year when the month is unknown "
                "(docs/projects.md)",
            )
        )
        out.append(
            Param(
                f"{p}.utilization",
                "",
                0.85,
                (0.0, 1.0),
                f"Utilization of {name} capacity (output / capacity).",
                f"{zh}产能利用率。",
                "chemicals",
                index=idx,
                source="assumption: NOT FOUND; modern coal-chemical plants run ~80–90%",
            )
        )
        for suffix, unit, en, zh_i in INTENSITIES:
            value, src = intens[suffix]
            out.append(
                Param(
                    f"{p}.{suffix}",
                    unit,
                    value,
                    _BOUNDS[suffix],
                    f"{en} {name}.",
                    f"{zh}{zh_i}。",
                    "chemicals",
                    index=idx,
                    source=src,
                )
            )
    return out


PARAMS: list[Param] = [
    *_product_params(),
    Param(
        "chemicals.coal_to_gas.density",
        "kg/m3",
        SNG_DENSITY,
        (0.5, 1.0),
        "Density of synthetic natural gas, to report coal-to-gas output as a volume.",
        "煤制天然气密度(用于折算体积产量)。",
        "chemicals",
        index=("product", "coal_to_gas"),
        source="methane at 0 °C and 101.325 kPa: 0.717 kg/m³ (SNG is ≥ 96% CH4)",
    ),
    Param(
        "chemicals.h2_sub.coal_saved_per_t",
        "t/t",
        11.6,
        (5.0, 16.0),
        "Raw coal saved per tonne of green hydrogen replacing water-gas-shift hydrogen.",
        "每吨绿氢替代变换制氢节约的原煤量。",
        "chemicals",
        source=f"derived: CO + H2O → CO2 + H2 burns 6 t C per t H2 = 22 t CO2 ÷ 1.9003 t CO2 "
        f"per t raw coal ({_PS})",
    ),
    Param(
        "chemicals.h2_sub.co2_avoided_per_t",
        "t/t",
        22.0,
        (10.0, 26.0),
        "CO2 avoided per tonne of green hydrogen replacing water-gas-shift hydrogen.",
        "每吨绿氢替代变换制氢减少的二氧化碳排放。",
        "chemicals",
        source="derived: stoichiometry of the shift CO + H2O → CO2 + H2 (44/2 t CO2 per t H2)",
    ),
    Param(
        "chemicals.feedstock_share",
        "",
        0.6,
        (0.0, 1.0),
        "Share of the coal chemicals' coal used as raw material (原料用能), not as fuel or "
        "power; excluded from the energy-use controls.",
        "煤化工用煤中作为原料(原料用能)而非燃料动力的比例;能耗双控考核中扣除。",
        "chemicals",
        source="assumption: NOT FOUND for the banner; coal-to-olefins/methanol plants use "
        "~55–70% of their coal as gasifier feed (rest boiler fuel); 发改环资〔2022〕803号 defines "
        "原料用能 (power-system-sources.md §6)",
    ),
]

_pr = ("product",)
OUTPUTS: list[Output] = [
    Output(
        "chem_output",
        "Mt/yr",
        "Coal-chemical output by product (after water limits)",
        "煤化工产品产量(受水资源约束后)",
        _pr,
        "chemicals",
    ),
    Output(
        "chem_coal_use",
        "Mt/yr",
        "Raw coal used by coal chemicals (net of green H2)",
        "煤化工原煤消耗(扣除绿氢替代)",
        (),
        "chemicals",
    ),
    Output(
        "chem_elec_use",
        "TWh/yr",
        "Electricity used by coal chemicals",
        "煤化工用电量",
        (),
        "chemicals",
    ),
    Output(
        "chem_water_use", "Mm3/yr", "Water used by coal chemicals", "煤化工用水量", (), "chemicals"
    ),
    Output(
        "chem_co2",
        "Mt/yr",
        "Direct CO2 of coal chemicals (net of green H2)",
        "煤化工直接二氧化碳排放(扣除绿氢替代)",
        (),
        "chemicals",
    ),
    Output(
        "chem_co2_avoided",
        "Mt/yr",
        "CO2 avoided by green-hydrogen substitution",
        "绿氢替代减少的煤化工二氧化碳排放",
        (),
        "chemicals",
    ),
    Output(
        "chem_h2_requirement",
        "kt/yr",
        "Shift hydrogen made by coal chemicals (replaceable)",
        "煤化工变换制氢量(可替代)",
        (),
        "chemicals",
    ),
    Output(
        "sng_output_volume",
        "Mm3/yr",
        "Synthetic natural gas output (volume)",
        "煤制天然气产量(体积)",
        (),
        "chemicals",
    ),
]


# ----------------------------------------------------------------------------- pure functions
def gross_output(capacity: np.ndarray, utilization: np.ndarray) -> np.ndarray:
    """Gross output by product [Mt/yr] = capacity [Mt/yr] × utilization [fraction].

    Parameters
    ----------
    capacity, utilization : ndarray, broadcastable, e.g. shape (k, n | 1)
        Capacity [Mt/yr] and utilization [fraction] by product.

    Returns
    -------
    ndarray
        Output [Mt/yr], the broadcast shape.
    """
    return capacity * utilization


def operating_capacity(capacity: np.ndarray, first_year_fraction: np.ndarray) -> np.ndarray:
    """Capacity operating on average over each year [Mt/yr], time-major (n_years, k, n|1).

    ``K_t − (1 − f_t) · max(K_t − K_{t−1}, 0)``: an increase of capacity operates only the
    fraction ``f_t`` [fraction of the year] of the year it is added; decreases act at once.
    The base year is taken as operating all year (its capacity is the calibrated state).

    Parameters
    ----------
    capacity : ndarray, shape (n_years, k, n | 1)
        Capacity at the end of each year [Mt/yr].
    first_year_fraction : ndarray, shape (n_years, k, n | 1)
        Operating fraction of the year's additions [fraction].
    """
    shape = np.broadcast_shapes(capacity.shape, first_year_fraction.shape)
    out = np.array(np.broadcast_to(capacity, shape))
    increase = np.diff(capacity, axis=0)
    np.maximum(increase, 0.0, out=increase)
    if not increase.any():
        return out
    increase = increase * (1.0 - first_year_fraction[1:])
    out[1:] -= increase
    return out


def chemical_needs(output: np.ndarray, intensity: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Needs and emissions of an output by product (before hydrogen substitution).

    Parameters
    ----------
    output : ndarray, shape (k, n | 1)
        Output by product [Mt/yr].
    intensity : dict of ndarray, each broadcastable to ``output``
        ``coal_per_t`` [t/t], ``elec_per_t`` [MWh/t], ``water_per_t`` [m3/t], ``co2_per_t``
        [t/t], ``h2_per_t`` [t/t].

    Returns
    -------
    dict of ndarray, shape of ``output``
        ``coal`` [Mt/yr], ``elec`` [TWh/yr] (Mt × MWh/t = TWh), ``water`` [Mm3/yr],
        ``co2`` [Mt/yr], ``h2`` [kt/yr].
    """
    return {
        "coal": output * intensity["coal_per_t"],
        "elec": output * intensity["elec_per_t"],
        "water": output * intensity["water_per_t"],
        "co2": output * intensity["co2_per_t"],
        "h2": output * (intensity["h2_per_t"] * 1e3),
    }


def substitution_room(
    h2: np.ndarray,
    coal: np.ndarray,
    co2: np.ndarray,
    max_share: np.ndarray,
    coal_saved_per_t: np.ndarray,
    co2_avoided_per_t: np.ndarray,
) -> np.ndarray:
    """Green hydrogen each product can take in place of its shift hydrogen [kt/yr].

    ``max(min(H · s_max, C · 10³ / coal_saved, E · 10³ / co2_avoided), 0)``: at most the
    replaceable share of the shift hydrogen, and never more than would save all the product's
    coal feed or CO2 (so the net coal and CO2 of every product stay ≥ 0). Linear in the output,
    so the room of a scaled output is the scaled room.

    Parameters
    ----------
    h2 : ndarray, shape (k, n | 1)
        Shift-hydrogen requirement [kt/yr].
    coal, co2 : ndarray, shape (k, n | 1)
        Coal feed and direct CO2 [Mt/yr].
    max_share : ndarray, broadcastable
        Largest replaceable share of the shift hydrogen [fraction].
    coal_saved_per_t, co2_avoided_per_t : ndarray, broadcastable
        Coal saved and CO2 avoided per tonne of green hydrogen [t/t], > 0.

    Returns
    -------
    ndarray, shape (k, n | 1)
        Room for substitution [kt/yr], ≥ 0.
    """
    room = np.minimum(h2 * max_share, coal * 1e3 / coal_saved_per_t)
    room = np.minimum(room, co2 * 1e3 / co2_avoided_per_t)
    return np.maximum(room, 0.0)


def substitution_effect(
    coal: np.ndarray,
    co2: np.ndarray,
    h2_substituted: np.ndarray,
    coal_saved_per_t: np.ndarray,
    co2_avoided_per_t: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Coal feed and CO2 net of green-hydrogen substitution.

    Parameters
    ----------
    coal, co2 : ndarray
        Gross coal feed and direct CO2 [Mt/yr] (by product or totals).
    h2_substituted : ndarray, broadcastable to ``coal``
        Green hydrogen replacing shift hydrogen [kt/yr], within :func:`substitution_room`.
    coal_saved_per_t, co2_avoided_per_t : ndarray, broadcastable
        Coal saved and CO2 avoided per tonne of green hydrogen [t/t].

    Returns
    -------
    coal_net, co2_net : ndarray
        ``coal − Z · 10⁻³ · coal_saved`` and ``co2 − Z · 10⁻³ · co2_avoided`` [Mt/yr]; not
        clipped: the substitution room keeps each product's net ≥ 0.
    """
    z = h2_substituted * 1e-3
    return coal - z * coal_saved_per_t, co2 - z * co2_avoided_per_t


# ------------------------------------------------------------------------ engine entry points
#: Totals computed by :func:`net_chemicals`: (name, intensity suffix, factor to the unit).
NEEDS = (
    ("coal", "coal_per_t", 1.0),  # Mt/yr
    ("elec", "elec_per_t", 1.0),  # TWh/yr
    ("water", "water_per_t", 1.0),  # Mm3/yr
    ("co2", "co2_per_t", 1.0),  # Mt/yr
    ("h2", "h2_per_t", 1e3),  # kt/yr
)


def _stack(params, suffix: str) -> np.ndarray:
    """Product params → time-major product-first array (n_years, k, n|1).

    When every product's parameter is the same in every year (drawn once per sample, or a
    constant path), one year is stacked and broadcast along the years (a zero stride: the same
    values, 1/n_years of the memory and of the arithmetic that follows on it).
    """
    arrs = [params[f"chemicals.{p}.{suffix}"] for p in PRODUCTS]
    n = max(a.shape[0] for a in arrs)
    if all(same_every_year(a) for a in arrs):
        row = np.empty((1, len(arrs), n))
        for j, a in enumerate(arrs):
            row[0, j, :] = a[:, 0]
        return np.broadcast_to(row, (arrs[0].shape[1], len(arrs), n))
    out = np.empty((arrs[0].shape[1], len(arrs), n))
    for j, a in enumerate(arrs):
        out[:, j, :] = a.T  # year-major rows: a contiguous copy (broadcast when a is (1, T))
    return out


def product_sum(intensity: np.ndarray, output: np.ndarray) -> np.ndarray:
    """``Σ_j intensity[j] · output[j]`` per sample.

    Parameters
    ----------
    intensity : ndarray, shape (k, n | 1)
        Per-tonne quantity by product.
    output : ndarray, shape (k, n | 1)
        Output by product [Mt/yr].

    Returns
    -------
    ndarray, shape (n | 1,)
    """
    # Row-by-row accumulation over products (no BLAS: a BLAS product rounds differently with
    # the number of samples in the block, which would break chunk invariance).
    return (intensity * output).sum(axis=0)


def carbon_slack(coal_per_t, co2_per_t, product: str, coal_co2_per_t):
    """Carbon balance of a product, per tonne: carbon in the coal less carbon in CO2 and product.

    Parameters
    ----------
    coal_per_t : float or ndarray
        Raw coal per tonne of product [t/t].
    co2_per_t : float or ndarray
        Direct CO2 per tonne of product [t/t].
    product : str
        One of :data:`PRODUCTS`.
    coal_co2_per_t : float or ndarray
        CO2 per tonne of raw coal burned [t/t] (``emissions.coal_co2_per_tce ·
        coal.tce_per_t``); its carbon content is ``· 12/44 / COAL_OXIDATION``.

    Returns
    -------
    float or ndarray
        ``coal · C_coal − co2 · 12/44 − C_product`` [t C per t]; ≥ 0 when the defaults close
        the balance (the rest is carbon left in ash, slag and by-products).
    """
    c_coal = coal_co2_per_t * (12.0 / 44.0) / COAL_OXIDATION
    return coal_per_t * c_coal - co2_per_t * (12.0 / 44.0) - CARBON_FRACTION[product]


def precompute_chemicals(params) -> dict[str, np.ndarray]:
    """Gross output and intensities for every year, product-first and time-major.

    Parameters
    ----------
    params : energysim.core.params.Params
        Compiled parameters (``chemicals.*`` paths).

    Returns
    -------
    dict
        ``gross`` (n_years, k, n|1) [Mt/yr]; one (n_years, k, n|1) array per intensity suffix
        (``coal_per_t`` …, canonical units); ``coal_saved``, ``co2_avoided`` [t/t] and
        ``density`` [kg/m3], (n_years, n|1).
    """
    pre = {s: _stack(params, s) for s, *_ in INTENSITIES}
    capacity = operating_capacity(_stack(params, "capacity"), _stack(params, "first_year_fraction"))
    pre["gross"] = gross_output(capacity, _stack(params, "utilization"))
    pre["coal_saved"] = time_major(params["chemicals.h2_sub.coal_saved_per_t"])
    pre["co2_avoided"] = time_major(params["chemicals.h2_sub.co2_avoided_per_t"])
    pre["density"] = time_major(params["chemicals.coal_to_gas.density"])
    return pre


def gross_chemicals(pre: dict[str, np.ndarray], t: int) -> dict[str, np.ndarray]:
    """Gross output and water need in year ``t`` (input of the water step).

    Returns
    -------
    dict of ndarray
        ``output`` (n|1, k) [Mt/yr], ``water`` (n|1, k) [Mm3/yr], ``water_per_t`` (n|1, k)
        [m3/t]; transposed views of product-first arrays.
    """
    g = pre["gross"][t]
    w = pre["water_per_t"][t]
    return {"output": g.T, "water": (g * w).T, "water_per_t": w.T}


def scaled_output(pre: dict[str, np.ndarray], t: int, scale: np.ndarray) -> np.ndarray:
    """Output by product after the water step [Mt/yr], shape (n | 1, k).

    Parameters
    ----------
    scale : ndarray, shape (n | 1, k)
        Water scale factors [fraction] (water ``chem_water_scale``).
    """
    return (pre["gross"][t] * scale.T).T


def net_chemicals(
    pre: dict[str, np.ndarray], t: int, output: np.ndarray, h2_substituted: np.ndarray
) -> dict[str, np.ndarray]:
    """Chemicals in year ``t`` after the water limit and green-hydrogen substitution.

    Parameters
    ----------
    pre : dict
        From :func:`precompute_chemicals`.
    t : int
        Year index.
    output : ndarray, shape (n | 1, k)
        Output by product after the water step [Mt/yr] (:func:`scaled_output`).
    h2_substituted : ndarray, shape (n | 1,)
        Green hydrogen replacing shift hydrogen, all products [kt/yr] (hydrogen
        ``h2_chem_substitution``).

    Returns
    -------
    dict of ndarray
        Keyed by OUTPUTS names: ``chem_output`` (n | 1, k) [Mt/yr]; ``chem_coal_use``
        [Mt/yr], ``chem_elec_use`` [TWh/yr], ``chem_water_use`` [Mm3/yr], ``chem_co2``
        [Mt/yr], ``chem_co2_avoided`` [Mt/yr], ``chem_h2_requirement`` [kt/yr],
        ``sng_output_volume`` [Mm3/yr], shape (n | 1,) (1 when everything is deterministic).
    """
    out = output.T  # (k, n|1)
    tot = {name: product_sum(pre[suffix][t], out) * f for name, suffix, f in NEEDS}
    coal, co2 = substitution_effect(
        tot["coal"], tot["co2"], h2_substituted, pre["coal_saved"][t], pre["co2_avoided"][t]
    )
    gas = PRODUCTS.index("coal_to_gas")
    return {
        "chem_output": output,
        "chem_coal_use": coal,
        "chem_elec_use": tot["elec"],
        "chem_water_use": tot["water"],
        "chem_co2": co2,
        "chem_co2_avoided": tot["co2"] - co2,
        "chem_h2_requirement": tot["h2"],
        # Mt / (kg/m3) = 10^9 m3 = 10^3 Mm3
        "sng_output_volume": out[gas] * 1e3 / pre["density"][t],
    }
