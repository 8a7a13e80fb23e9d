"""Water use by sector against the banner's cap (四水四定), optionally binding on chemicals.

Equations (docs/model.md, section "Water"); sectors ``WATER_SECTORS`` on the ``sector`` axis:

* reserved (non-chemical) use ``U_r = municipal + agriculture + industry_other + power
  cooling + mining + electrolysis`` [Mm3/yr]; the first three are series parameters, power and
  mining come from the core sectors (mining water uses the previous year's coal output, power
  cooling what the engine passes), electrolysis from :mod:`energysim.core.model.hydrogen`;
* chemicals' gross water need ``W_j = X_j · v_j`` [Mm3/yr] by product ``j``;
* chemicals' budget ``B = max(cap − U_r, 0)``;
* when ``water.cap_binding`` = 1 the chemicals are scaled back, **most water-intensive product
  first** (largest ``v_j``, m³ per tonne of product): products are taken in increasing
  ``v_j`` and each keeps ``min(W_j, max(B − Σ_{i before j} W_i, 0))``; the scale factor is
  ``w_j = kept_j / W_j`` (1 when ``W_j = 0``); otherwise ``w_j = 1``;
* use by sector ``= (U_r parts, Σ_j W_j w_j)``; the deficit is the use above the cap:
  ``max(U_r − cap, 0)`` when binding (only chemicals are cut; reserved users are never cut),
  ``max(U_r + Σ W_j − cap, 0)`` otherwise.

Inside this module product and sector arrays are first-axis (k, n) / (m, n) with samples last;
:func:`step_water` returns (n, k) and (n, m) transposed views.

Engine use::

    pre = precompute_water(params, chem_pre)
    flows = step_water(pre, t, gross, power_water, mining_water, electrolysis_water)
    scale = flows["chem_water_scale"]          # (n, k), pass to chemicals and hydrogen
"""

from __future__ import annotations

import numpy as np

from energysim.core.model import Output, time_major
from energysim.core.param import Param

#: Water users on the ``sector`` dimension of ``water_use`` (reserved users first).
WATER_SECTORS = (
    "municipal",
    "agriculture",
    "industry_other",
    "power",
    "mining",
    "electrolysis",
    "chemicals",
)
WATER_SECTOR_ZH = {
    "municipal": "生活",
    "agriculture": "农业",
    "industry_other": "其他工业",
    "power": "火电",
    "mining": "煤矿",
    "electrolysis": "电解水制氢",
    "chemicals": "煤化工",
}
COORDS = {"sector": WATER_SECTORS}

_REPORT = "report (zhungeer-2023-government-work-report.txt)"

PARAMS: list[Param] = [
    Param(
        "water.cap",
        "Mm3/yr",
        200.0,
        (0.0, 5000.0),
        "Total water-use cap of the banner (四水四定 allocation).",
        "全旗用水总量控制指标(四水四定)。",
        "water",
        source=f"assumption: NOT FOUND (the banner's allocation is not published); {_REPORT}: "
        "严格落实“四水四定”要求,全面强化用水约束; wide uncertainty",
    ),
    Param(
        "water.cap_binding",
        "",
        0.0,
        (0.0, 1.0),
        "1 if the water cap is enforced by scaling back coal chemicals, 0 if only reported.",
        "用水总量约束是否对煤化工生效(1 生效,0 仅报告超用量)。",
        "water",
        source="assumption: scenario switch; a water-constrained scenario sets 1",
    ),
    Param(
        "water.municipal_use",
        "Mm3/yr",
        20.0,
        (0.0, 5000.0),
        "Domestic and public water use (towns and villages).",
        "城乡生活及公共用水量。",
        "water",
        index=("sector", "municipal"),
        source="derived: 359,184 residents (2020 census, parameter-sources.md) × 150 L per "
        "person-day (assumption) ≈ 19.7 Mm3/yr",
    ),
    Param(
        "water.agriculture_use",
        "Mm3/yr",
        60.0,
        (0.0, 5000.0),
        "Irrigation and livestock water use.",
        "农业灌溉及牲畜用水量。",
        "water",
        index=("sector", "agriculture"),
        source="assumption: NOT FOUND; wide uncertainty",
    ),
    Param(
        "water.industry_other_use",
        "Mm3/yr",
        10.0,
        (0.0, 5000.0),
        "Water use of industry other than coal mining, coal power and coal chemicals.",
        "除煤矿、火电、煤化工以外的工业用水量。",
        "water",
        index=("sector", "industry_other"),
        source="assumption: NOT FOUND",
    ),
]

OUTPUTS: list[Output] = [
    Output("water_use", "Mm3/yr", "Water use by sector", "分行业用水量", ("sector",), "water"),
    Output(
        "water_deficit",
        "Mm3/yr",
        "Water use above the cap",
        "超出用水总量指标的用水量",
        (),
        "water",
    ),
    Output(
        "chem_water_scale",
        "",
        "Share of gross coal-chemical output allowed by water",
        "水资源约束下煤化工允许产量比例",
        ("product",),
        "water",
    ),
]


# ----------------------------------------------------------------------------- pure functions
def intensity_order(water_per_t: np.ndarray, axis: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Products in increasing water intensity, and the inverse permutation.

    Parameters
    ----------
    water_per_t : ndarray, shape (..., k, ...)
        Water per tonne of product [m3/t] along ``axis``.
    axis : int
        The product axis.

    Returns
    -------
    order, inverse : ndarray of int64, shape of ``water_per_t``
        ``take_along_axis(x, order, axis)`` sorts by increasing intensity (stable: ties keep
        the product order); ``inverse`` undoes it.
    """
    order = np.argsort(water_per_t, axis=axis, kind="stable")
    inverse = np.argsort(order, axis=axis, kind="stable")
    return order, inverse


def allocate_water(
    cap: np.ndarray,
    reserved_use: np.ndarray,
    chem_water: np.ndarray,
    water_per_t: np.ndarray,
    binding: np.ndarray,
    order: tuple[np.ndarray, np.ndarray] | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Scale chemicals back, most water-intensive first, so that water use stays within the cap.

    Parameters
    ----------
    cap : ndarray, shape (n | 1,)
        Water cap [Mm3/yr].
    reserved_use : ndarray, shape (m, n | 1)
        Use of the non-chemical sectors, never cut [Mm3/yr].
    chem_water : ndarray, shape (k, n | 1)
        Gross water need of the chemicals by product [Mm3/yr].
    water_per_t : ndarray, shape (k, n | 1)
        Water intensity by product [m3/t], the cutting order (largest first).
    binding : ndarray, shape (n | 1,)
        1 where the cap is enforced, 0 where it is only reported.
    order : tuple of ndarray, optional
        ``intensity_order(water_per_t)`` if already computed (e.g. before the year loop).

    Returns
    -------
    scale : ndarray, shape (k, n) or (k, 1)
        Share of each product's gross output kept [fraction], in [0, 1]; (k, 1) ones when
        nothing is cut in any sample.
    use : ndarray, shape (m + 1, n)
        Water use by sector, the reserved sectors then chemicals [Mm3/yr].
    deficit : ndarray, shape (n,)
        Use above the cap [Mm3/yr], ≥ 0: ``max(Σ reserved − cap, 0)`` where binding,
        ``max(Σ reserved + Σ chem − cap, 0)`` elsewhere.
    """
    reserved = reserved_use.sum(axis=0)
    chem_total = chem_water.sum(axis=0)
    k = chem_water.shape[0]
    n = max(cap.shape[0], reserved_use.shape[-1], chem_water.shape[-1], binding.shape[0])
    budget = np.maximum(cap - reserved, 0.0)
    bind = binding > 0.5
    if not bind.any() or bool(np.all(chem_total <= budget)):
        scale = np.ones((k, 1))  # nothing cut: broadcasts
    else:
        asc, inv = order if order is not None else intensity_order(water_per_t)
        w = np.broadcast_to(chem_water, (k, n))
        if asc.shape[-1] == 1:  # same order for every sample: gather rows
            ws = w[asc[:, 0]]
        else:
            ws = np.take_along_axis(w, np.broadcast_to(asc, (k, n)), axis=0)
        before = np.cumsum(ws, axis=0) - ws
        kept = np.clip(budget - before, 0.0, ws)
        with np.errstate(divide="ignore", invalid="ignore"):
            ss = np.where(ws > 0.0, kept / ws, 1.0)
        scale = (
            ss[inv[:, 0]]
            if inv.shape[-1] == 1
            else np.take_along_axis(ss, np.broadcast_to(inv, (k, n)), axis=0)
        )
        scale = np.where(bind, scale, 1.0)
    chem_used = (chem_water * scale).sum(axis=0)
    use = np.empty((reserved_use.shape[0] + 1, n))
    use[:-1] = reserved_use
    use[-1] = chem_used
    deficit = np.where(
        bind, np.maximum(reserved - cap, 0.0), np.maximum(reserved + chem_total - cap, 0.0)
    )
    return scale, use, np.broadcast_to(deficit, (n,))  # read-only when deterministic


# ------------------------------------------------------------------------ engine entry points


def precompute_water(params, chem_pre: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Water parameters time-major and the chemicals' cutting order for every year.

    Parameters
    ----------
    params : energysim.core.params.Params
        Compiled parameters (``water.*`` paths).
    chem_pre : dict
        From :func:`energysim.core.model.chemicals.precompute_chemicals` (its ``water_per_t``).

    Returns
    -------
    dict
        ``cap``, ``binding`` (n_years, n|1); ``fixed`` (n_years, 3, n|1) municipal,
        agriculture and other-industry use [Mm3/yr]; ``order``, ``inverse``
        (n_years, k, 1) int64 when the water intensities are deterministic, else None.
    """
    fixed = np.broadcast_arrays(
        params["water.municipal_use"],
        params["water.agriculture_use"],
        params["water.industry_other_use"],
    )
    wpt = chem_pre["water_per_t"]
    # a deterministic cutting order is sorted once here; a sampled one in the year loop, and
    # only in years where something must be cut
    order = intensity_order(wpt, axis=1) if wpt.shape[-1] == 1 else (None, None)
    return {
        "cap": time_major(params["water.cap"]),
        "binding": time_major(params["water.cap_binding"]),
        "fixed": np.ascontiguousarray(np.stack(fixed).transpose(2, 0, 1)),
        "order": order[0],
        "inverse": order[1],
    }


def step_water(
    pre: dict[str, np.ndarray],
    t: int,
    gross: dict[str, np.ndarray],
    power_water: np.ndarray,
    mining_water: np.ndarray,
    electrolysis_water: np.ndarray,
) -> dict[str, np.ndarray]:
    """Water allocation in year ``t``.

    Parameters
    ----------
    pre : dict
        From :func:`precompute_water`.
    t : int
        Year index.
    gross : dict
        From :func:`energysim.core.model.chemicals.gross_chemicals` (``water``, ``water_per_t``,
        shape (n|1, k)).
    power_water : ndarray, shape (n | 1,)
        Cooling water of power plants reserved this year [Mm3/yr].
    mining_water : ndarray, shape (n | 1,)
        Water of coal mining reserved this year [Mm3/yr] (previous year's output).
    electrolysis_water : ndarray, shape (n | 1,)
        Water of electrolysis this year [Mm3/yr] (``hydrogen`` precompute).

    Returns
    -------
    dict of ndarray
        ``water_use`` (n, 7) [Mm3/yr] in WATER_SECTORS order, ``water_deficit`` (n,)
        [Mm3/yr], ``chem_water_scale`` (n | 1, k) [fraction] (shape (1, k) when nothing is
        cut).
    """
    fixed = pre["fixed"][t]  # (3, n|1)
    cap = pre["cap"][t]
    binding = pre["binding"][t]
    chem_water = gross["water"].T  # (k, n|1)
    n = max(
        fixed.shape[-1],
        np.shape(power_water)[0],
        np.shape(mining_water)[0],
        np.shape(electrolysis_water)[0],
        chem_water.shape[-1],
        cap.shape[0],
        binding.shape[0],
    )
    # the reserved users go straight into the rows of the result
    use = np.empty((len(WATER_SECTORS), n))
    use[:3] = fixed
    use[3] = power_water
    use[4] = mining_water
    use[5] = electrolysis_water
    if not (binding > 0.5).any():
        # the cap is only reported: nothing is cut (:func:`allocate_water` with w = 1, the
        # same operations in the same order, without the cutting machinery)
        k = chem_water.shape[0]
        chem_total = chem_water.sum(axis=0)
        use[-1] = chem_total
        deficit = use[:-1].sum(axis=0)
        deficit += chem_total
        deficit -= cap
        np.maximum(deficit, 0.0, out=deficit)
        scale = np.ones((k, 1))
    else:
        scale, full_use, deficit = allocate_water(
            cap,
            use[:-1],
            chem_water,
            gross["water_per_t"].T,
            binding,
            order=None if pre["order"] is None else (pre["order"][t], pre["inverse"][t]),
        )
        use = full_use
    return {"water_use": use.T, "water_deficit": deficit, "chem_water_scale": scale.T}


def replace_use(
    flows: dict[str, np.ndarray], uses: dict[str, np.ndarray], cap: np.ndarray
) -> dict[str, np.ndarray]:
    """The water step's result with some users' use replaced after the allocation.

    Used with the dispatch (issue 11), when uses are only known after the water step: coal-plant
    water (with chemicals cut, less than or equal to what was reserved) and the water of
    electrolysis including surplus operation (on top of the reservation, so it may exceed the
    cap: the excess is reported as a deficit). The engine calls it every year of a dispatch
    run, so a sample's numbers never depend on the other samples of its block.

    Parameters
    ----------
    flows : dict
        From :func:`step_water`.
    uses : dict of str to ndarray, shape (n | 1,)
        User (one of :data:`WATER_SECTORS` other than ``"chemicals"``) → its use [Mm3/yr].
    cap : ndarray, shape (n | 1,)
        The water cap [Mm3/yr].

    Returns
    -------
    dict
        A new dict: ``water_use`` (n, 7) with the columns replaced and ``water_deficit``
        ``= max(Σ use − cap, 0)`` [Mm3/yr], 0 within rounding (1e-12 of the cap);
        ``chem_water_scale`` unchanged.
    """
    old = flows["water_use"]
    n = max([old.shape[0], np.shape(cap)[0]] + [np.shape(u)[0] for u in uses.values()])
    if old.shape[0] == n and old.T.flags.c_contiguous and old.flags.writeable:
        new = old.T  # the step's own (7, n) rows: replaced in place
    else:
        new = np.empty((len(WATER_SECTORS), n))
        new[...] = old.T
    for sector, use in uses.items():
        new[WATER_SECTORS.index(sector)] = use
    over = new.sum(axis=0) - cap
    deficit = np.where(over > 1e-12 * np.abs(cap), over, 0.0)
    return {**flows, "water_use": new.T, "water_deficit": deficit}
