"""Economy: GDP path and GDP-driven demand (one sample, many samples, broadcast)."""

import numpy as np
import pytest

from energysim.core.model import economy


def test_gdp_path_one_sample():
    gdp = economy.gdp_path(np.array([100.0]), np.array([[0.9, 0.1, 0.05]]))
    np.testing.assert_allclose(gdp, [[100.0, 110.0, 115.5]])  # base-year rate unused


def test_gdp_path_many_samples_and_broadcast_base():
    growth = np.array([[0.0, 0.1, 0.1], [0.0, -0.1, 0.0]])
    gdp = economy.gdp_path(np.array([100.0]), growth)  # deterministic base broadcasts
    assert gdp.shape == (2, 3)
    np.testing.assert_allclose(gdp[:, -1], [121.0, 90.0])


def test_gdp_path_does_not_modify_input():
    growth = np.array([[0.5, 0.1]])
    economy.gdp_path(np.array([1.0]), growth)
    assert growth[0, 0] == 0.5


def test_elastic_demand_formula():
    base, el = np.array([2.0]), np.array([0.5])
    gain = np.array([[0.9, 0.1, 0.1]])
    log_ratio = np.log(np.array([[1.0, 1.21, 4.0]]))
    d = economy.elastic_demand(base, el, gain, log_ratio)
    np.testing.assert_allclose(d, [[2.0, 2.0 * 1.1 * 0.9, 2.0 * 2.0 * 0.81]])


@pytest.mark.parametrize("n", [1, 5])
def test_elastic_demand_samples(n):
    rng = np.random.default_rng(n)
    base = rng.uniform(1, 2, n)
    el = np.array([0.7])  # broadcast
    gain = np.zeros((1, 4))
    ratio = rng.uniform(1, 2, (n, 4))
    ratio[:, 0] = 1.0
    d = economy.elastic_demand(base, el, gain, np.log(ratio))
    np.testing.assert_allclose(d, base[:, None] * ratio**0.7)


def test_intensity_units():
    # 1 Mt per 1 bnCNY = 10 t per 10^4 CNY
    np.testing.assert_allclose(economy.intensity(np.array([[13.0]]), np.array([[130.0]])), 1.0)


def test_params_have_sources_and_bilingual_text():
    for p in economy.PARAMS:
        assert p.source and p.en and p.zh and p.sector == "economy"
