"""Coal chemicals (energysim.core.model.chemicals)."""

import numpy as np
import pytest
from _sector_params import check_declarations, make_params
from hypothesis import given
from hypothesis import strategies as st

from energysim.core.model import chemicals as ch

K = len(ch.PRODUCTS)


def test_declarations():
    check_declarations(ch, "chemicals.")
    pre = ch.precompute_chemicals(make_params([ch.PARAMS]))
    out = ch.net_chemicals(pre, 0, ch.scaled_output(pre, 0, np.ones((1, K))), np.zeros(1))
    assert {o.name for o in ch.OUTPUTS} == set(out)


def test_gross_output_is_capacity_times_utilization():
    params = make_params([ch.PARAMS])
    pre = ch.precompute_chemicals(params)
    years = list(params.years)
    olefins = ch.PRODUCTS.index("olefins")
    assert pre["gross"][years.index(2022), olefins, 0] == pytest.approx(0.6 * 0.85)
    assert pre["gross"][years.index(2030), olefins, 0] == pytest.approx(1.6 * 0.85)
    g = ch.gross_chemicals(pre, 0)
    np.testing.assert_allclose(g["water"], g["output"] * g["water_per_t"])


def test_needs_units_one_sample():
    out = np.array([[2.0], [1.0]])  # Mt/yr of two products
    intens = {
        "coal_per_t": np.array([[4.0], [5.0]]),
        "elec_per_t": np.array([[1.5], [1.0]]),
        "water_per_t": np.array([[20.0], [8.0]]),
        "co2_per_t": np.array([[10.0], [6.5]]),
        "h2_per_t": np.array([[0.125], [0.11]]),
    }
    n = ch.chemical_needs(out, intens)
    np.testing.assert_allclose(n["coal"][:, 0], [8.0, 5.0])  # Mt/yr
    np.testing.assert_allclose(n["elec"][:, 0], [3.0, 1.0])  # TWh/yr
    np.testing.assert_allclose(n["water"][:, 0], [40.0, 8.0])  # Mm3/yr
    np.testing.assert_allclose(n["h2"][:, 0], [250.0, 110.0])  # kt/yr


def test_sng_volume_from_mass():
    params = make_params([ch.PARAMS], overrides={"chemicals.coal_to_gas.utilization": 1.0})
    pre = ch.precompute_chemicals(params)
    t = list(params.years).index(2030)
    net = ch.net_chemicals(pre, t, ch.scaled_output(pre, t, np.ones((1, K))), np.zeros(1))
    # 2.87 Mt/yr of SNG at 0.717 kg/m3 ≈ 4 bcm/yr = 4000 Mm3/yr
    assert net["sng_output_volume"][0] == pytest.approx(2.87e3 / 0.717)


def test_substitution_room_keeps_every_product_non_negative():
    h2 = np.array([[390.0], [125.0]])  # kt/yr
    coal = np.array([[4.0], [3.9]])  # Mt/yr
    co2 = np.array([[3.0], [10.0]])
    room = ch.substitution_room(h2, coal, co2, 1.0, 11.6, 22.0)
    np.testing.assert_allclose(room[:, 0], [min(390, 4e3 / 11.6, 3e3 / 22), 125.0])
    c, e = ch.substitution_effect(coal, co2, room, 11.6, 22.0)
    assert np.all(c >= -1e-12) and np.all(e >= -1e-12)
    assert ch.substitution_room(h2, coal, -co2, 1.0, 11.6, 22.0)[0, 0] == 0.0


@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 6), frac=st.floats(0, 1))
def test_net_chemicals_balance_with_substitution(seed, n, frac):
    """Net = gross − substitution × factor; the avoided CO2 matches; nothing negative."""
    rng = np.random.default_rng(seed)
    params = make_params(
        [ch.PARAMS],
        overrides={
            "chemicals.olefins.capacity": rng.uniform(0, 5, n),
            "chemicals.aromatics.h2_per_t": rng.uniform(0, 1, n),
            "chemicals.h2_sub.coal_saved_per_t": rng.uniform(5, 16, n),
        },
        n_samples=n,
    )
    pre = ch.precompute_chemicals(params)
    t = 10
    scale = rng.uniform(0, 1, (n, K))
    out = ch.scaled_output(pre, t, scale)
    room = ch.substitution_room(
        pre["h2_per_t"][t] * 1e3,
        pre["coal_per_t"][t],
        pre["co2_per_t"][t],
        1.0,
        pre["coal_saved"][t],
        pre["co2_avoided"][t],
    )
    z = frac * (room * out.T).sum(axis=0)
    net = ch.net_chemicals(pre, t, out, z)
    gross_coal = (out.T * pre["coal_per_t"][t]).sum(axis=0)
    np.testing.assert_allclose(
        net["chem_coal_use"], gross_coal - z * 1e-3 * pre["coal_saved"][t], rtol=1e-12
    )
    np.testing.assert_allclose(net["chem_co2_avoided"], z * 22e-3, rtol=1e-9, atol=1e-12)
    assert np.all(net["chem_coal_use"] >= -1e-9) and np.all(net["chem_co2"] >= -1e-9)
    np.testing.assert_allclose(net["chem_output"], out)


def test_many_samples_equal_single_and_broadcast():
    util = np.array([0.5, 0.85, 1.0])
    params = make_params(
        [ch.PARAMS], overrides={"chemicals.olefins.utilization": util}, n_samples=3
    )
    pre = ch.precompute_chemicals(params)
    assert pre["gross"].shape[-1] == 3 and pre["coal_per_t"].shape[-1] == 1  # broadcast
    scale = np.ones((1, K))
    ens = ch.net_chemicals(pre, 20, ch.scaled_output(pre, 20, scale), np.array([5.0]))
    for i in range(3):
        one = ch.precompute_chemicals(
            make_params([ch.PARAMS], overrides={"chemicals.olefins.utilization": util[i : i + 1]})
        )
        alone = ch.net_chemicals(one, 20, ch.scaled_output(one, 20, scale), np.array([5.0]))
        for k, v in alone.items():
            np.testing.assert_allclose(v[0], ens[k][i], rtol=1e-12, err_msg=k)


def test_product_sum_deterministic_equals_per_sample():
    rng = np.random.default_rng(0)
    inten = rng.random((K, 1))
    out = rng.random((K, 7))
    np.testing.assert_allclose(
        ch.product_sum(inten, out), ch.product_sum(np.repeat(inten, 7, axis=1), out)
    )
