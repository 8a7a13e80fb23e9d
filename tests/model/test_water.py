"""Water allocation against the cap (energysim.core.model.water)."""

import numpy as np
import pytest
from _sector_params import check_declarations, make_params
from hypothesis import given
from hypothesis import strategies as st

from energysim.core.model import chemicals as ch
from energysim.core.model import water as wa


def test_declarations():
    check_declarations(wa, "water.")
    assert wa.WATER_SECTORS[-1] == "chemicals"


def _alloc(cap, reserved, chem, inten, binding, order=None):
    return wa.allocate_water(
        np.atleast_1d(np.asarray(cap, float)),
        np.asarray(reserved, float),
        np.asarray(chem, float),
        np.asarray(inten, float),
        np.atleast_1d(np.asarray(binding, float)),
        order,
    )


def test_not_binding_reports_deficit_and_cuts_nothing():
    scale, use, deficit = _alloc(100, [[60.0], [20.0]], [[15.0], [10.0]], [[20.0], [8.0]], 0)
    np.testing.assert_allclose(scale, 1.0)
    np.testing.assert_allclose(use[:, 0], [60, 20, 25])
    np.testing.assert_allclose(deficit, [5.0])


def test_binding_cuts_most_water_intensive_first():
    # budget 100 − 70 = 30; products need 15 (20 m3/t), 10 (8 m3/t), 12 (12 m3/t)
    chem = [[15.0], [10.0], [12.0]]
    inten = [[20.0], [8.0], [12.0]]
    scale, use, deficit = _alloc(100, [[70.0]], chem, inten, 1)
    # keep the least intensive first: 10 + 12 = 22, then 8 of the 15
    np.testing.assert_allclose(scale[:, 0], [8 / 15, 1.0, 1.0])
    assert use[:, 0].sum() == pytest.approx(100.0)
    np.testing.assert_allclose(deficit, [0.0])


def test_binding_with_reserved_above_cap_stops_chemicals_and_reports_deficit():
    scale, use, deficit = _alloc(50, [[60.0]], [[15.0], [10.0]], [[20.0], [8.0]], 1)
    np.testing.assert_allclose(scale, 0.0)
    np.testing.assert_allclose(use[:, 0], [60, 0])
    np.testing.assert_allclose(deficit, [10.0])


def test_zero_water_products_are_never_cut():
    scale, _, _ = _alloc(10, [[10.0]], [[0.0], [5.0]], [[0.0], [5.0]], 1)
    np.testing.assert_allclose(scale[:, 0], [1.0, 0.0])


@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 7), per_sample_order=st.booleans())
def test_allocation_properties(seed, n, per_sample_order):
    rng = np.random.default_rng(seed)
    k = 5
    cap = rng.uniform(0, 200, n)
    reserved = rng.uniform(0, 60, (3, n))
    chem = rng.uniform(0, 40, (k, n)) * (rng.random((k, n)) > 0.2)
    inten = rng.uniform(0, 30, (k, n if per_sample_order else 1)).round(0)  # ties happen
    binding = (rng.random(n) > 0.3).astype(float)
    scale, use, deficit = _alloc(cap, reserved, chem, inten, binding)
    assert scale.shape in ((k, n), (k, 1))
    scale = np.broadcast_to(scale, (k, n))
    assert np.all(scale >= 0) and np.all(scale <= 1)
    total = use.sum(axis=0)
    res = reserved.sum(axis=0)
    np.testing.assert_allclose(use[-1], (chem * scale).sum(axis=0), rtol=1e-12)
    b = binding > 0.5
    # within the cap whenever binding and the reserved use alone fits
    fits = b & (res <= cap)
    assert np.all(total[fits] <= cap[fits] * (1 + 1e-12) + 1e-12)
    # the chemicals keep exactly min(budget, need) when binding
    keep = np.minimum(np.maximum(cap - res, 0), chem.sum(axis=0))
    np.testing.assert_allclose(use[-1][b], keep[b], rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(scale[:, ~b], 1.0)
    # order: a product is cut only if every strictly more intensive product is fully cut
    inten_b = np.broadcast_to(inten, (k, n))
    for j in range(k):
        cut = (scale[j] < 1 - 1e-12) & (chem[j] > 0)
        more = (inten_b > inten_b[j]) & (chem > 0)
        assert np.all(scale[:, cut][more[:, cut]] <= 1e-12)
    np.testing.assert_allclose(deficit, np.maximum(total - cap, 0), atol=1e-9)


def test_precomputed_order_equals_on_the_fly():
    rng = np.random.default_rng(5)
    inten = rng.uniform(0, 30, (5, 1))
    chem = rng.uniform(0, 40, (5, 4))
    args = (np.full(4, 80.0), rng.uniform(0, 60, (2, 4)), chem, inten, np.ones(4))
    a = wa.allocate_water(*args)
    b = wa.allocate_water(*args, order=wa.intensity_order(inten))
    c = wa.allocate_water(*args[:3], np.repeat(inten, 4, axis=1), args[4])
    for x, y, z in zip(a, b, c, strict=True):
        np.testing.assert_allclose(x, y)
        np.testing.assert_allclose(np.broadcast_to(x, z.shape), z)


def _step(params, n, t, power=19.0, mining=32.0, elec=0.2):
    cp = ch.precompute_chemicals(params)
    wp = wa.precompute_water(params, cp)
    f = np.full
    return wa.step_water(wp, t, ch.gross_chemicals(cp, t), f(n, power), f(n, mining), f(n, elec))


def test_step_water_default_and_binding_scenario():
    t = 2035 - 2022
    free = _step(make_params([wa.PARAMS, ch.PARAMS]), 1, t)
    assert free["water_use"].shape == (1, 7)
    assert free["water_deficit"][0] > 0  # default projects exceed the assumed cap
    bound = _step(make_params([wa.PARAMS, ch.PARAMS], {"water.cap_binding": 1.0}), 1, t)
    assert bound["water_use"].sum() == pytest.approx(200.0)
    assert bound["water_deficit"][0] == 0.0
    olefins = ch.PRODUCTS.index("olefins")  # 20 m3/t, the most water-intensive
    assert bound["chem_water_scale"][0, olefins] < 1.0
    assert np.all(np.delete(bound["chem_water_scale"][0], olefins) == 1.0)


def test_step_water_many_samples_equal_single():
    caps = np.array([150.0, 200.0, 400.0])
    over = {"water.cap": caps, "water.cap_binding": 1.0}
    ens = _step(make_params([wa.PARAMS, ch.PARAMS], over, n_samples=3), 3, 20)
    for i in range(3):
        one = _step(
            make_params([wa.PARAMS, ch.PARAMS], {**over, "water.cap": caps[i : i + 1]}), 1, 20
        )
        for k, v in one.items():
            np.testing.assert_allclose(
                np.broadcast_to(v, (1,) + v.shape[1:])[0],
                np.broadcast_to(ens[k], (3,) + ens[k].shape[1:])[i],
                err_msg=k,
            )
