"""Power: generation, curtailment with storage absorption, coal burned with CCUS."""

import numpy as np
import pytest

from energysim.core.model import power

CURT = dict(base=0.05, slope=0.3, ref_share=0.2, max_share=0.3, storage_relief=0.5)


def test_generation_potential_units():
    np.testing.assert_allclose(power.generation_potential(np.array([2.0]), 5000.0), 10.0)


def test_curtailment_formula_without_storage():
    curtailed, share = power.curtailment(
        np.array([40.0]), np.array([60.0]), np.array([0.0]), **CURT
    )
    k0 = 0.05 + 0.3 * (0.4 - 0.2)
    np.testing.assert_allclose(share, k0)
    np.testing.assert_allclose(curtailed, 40.0 * k0)


def test_storage_absorbs_curtailment_up_to_all_of_it():
    _, share_some = power.curtailment(np.array([40.0]), np.array([60.0]), np.array([2.0]), **CURT)
    _, share_all = power.curtailment(np.array([40.0]), np.array([60.0]), np.array([100.0]), **CURT)
    np.testing.assert_allclose(share_some, 0.11 - 0.5 * 2.0 / 40.0)  # k0 = 0.05 + 0.3·0.2
    assert share_all[0] == 0.0


def test_curtailment_bounds_and_zero_renewables():
    c, k = power.curtailment(
        np.array([0.0, 90.0, 1.0]),
        np.array([0.0, 10.0, 99.0]),
        np.array([0.0]),
        **{**CURT, "slope": 1.0},
    )
    np.testing.assert_array_equal(k[[0]], [0.0])  # no wind or solar: no NaN
    np.testing.assert_allclose(k[1], 0.3)  # capped at max
    assert k[2] == 0.0  # below the reference share: clipped at 0
    assert np.isfinite(c).all()


@pytest.mark.parametrize("slope,kmax", [(2.0, 0.5), (0.3, 0.3), (1.0, 0.5)])
def test_more_potential_never_lowers_generation(slope, kmax):
    """Within the catalogue bounds (slope ≤ 2, max ≤ 0.5) generation rises with capacity."""
    v = np.linspace(0.0, 500.0, 20001)
    c, k = power.curtailment(
        v,
        np.array([100.0]),
        np.array([3.0]),
        base=0.1,
        slope=slope,
        ref_share=0.1,
        max_share=kmax,
        storage_relief=0.5,
    )
    gen = v * (1.0 - k)
    assert (np.diff(gen) >= -1e-12).all()


def test_curtailment_many_samples_broadcast_params():
    rng = np.random.default_rng(0)
    vre, coal_gen = rng.uniform(0, 50, 6), rng.uniform(0, 50, 6)
    c, k = power.curtailment(
        vre,
        coal_gen,
        np.array([0.0]),
        base=np.array([0.05]),
        slope=rng.uniform(0, 2, 6),
        ref_share=0.2,
        max_share=0.5,
        storage_relief=0.5,
    )
    assert c.shape == k.shape == (6,)
    assert ((k >= 0) & (k <= 0.5)).all()


def test_coal_burn_units_and_ccus():
    # 10 TWh gross, 6% own use, 300 gce/kWh → 9.4 TWh × 300 g = 2.82 Mtce
    burn, ccus = power.coal_burn(np.array([10.0]), 0.06, 300.0, 0.0, 0.3)
    np.testing.assert_allclose(burn, 2.82)
    assert ccus[0] == 0.0
    burn2, ccus2 = power.coal_burn(np.array([10.0]), 0.06, 300.0, 0.5, 0.3)
    np.testing.assert_allclose(ccus2, 2.82 * 0.5 * 1.3)
    np.testing.assert_allclose(burn2, 2.82 * 0.5 + 2.82 * 0.5 * 1.3)


def test_params_bounds_make_sense():
    by_path = {p.path: p for p in power.PARAMS}
    for path, p in by_path.items():
        assert p.source, path
        if path.endswith(("capacity_initial", ".add")):
            assert p.bounds[0] == 0.0
        if path.endswith("_share"):
            assert p.bounds[0] >= 0.0 and p.bounds[1] <= 1.0
    assert by_path["power.curtailment.slope"].bounds[1] <= 4 * (
        1 - by_path["power.curtailment.max"].bounds[1]
    )
