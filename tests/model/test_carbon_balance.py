"""Issue 11: every coal-chemical product's defaults close the carbon balance (carbon in the
coal ≥ carbon in the CO2 + carbon in the product), in the catalogue and in every bundled
scenario at its central values."""

from __future__ import annotations

import numpy as np
import pytest

from energysim.analysis.compare import central_params
from energysim.core.catalogue import catalogue
from energysim.core.model import chemicals
from energysim.scenario.loader import bundled_names


def _values(default):
    return np.array(list(default.values()) if isinstance(default, dict) else [default], float)


@pytest.mark.parametrize("product", chemicals.PRODUCTS)
def test_catalogue_defaults_close_the_carbon_balance(product):
    cat = catalogue()
    coal = _values(cat[f"chemicals.{product}.coal_per_t"].default)
    co2 = _values(cat[f"chemicals.{product}.co2_per_t"].default)
    factor = (_values(cat["emissions.coal_co2_per_tce"].default)
              * _values(cat["coal.tce_per_t"].default))
    assert (chemicals.carbon_slack(coal, co2, product, factor) >= 0.0).all()


def test_bundled_scenarios_close_the_carbon_balance():
    for name in bundled_names():
        p = central_params(name)
        factor = p["emissions.coal_co2_per_tce"] * p["coal.tce_per_t"]
        for product in chemicals.PRODUCTS:
            slack = chemicals.carbon_slack(
                p[f"chemicals.{product}.coal_per_t"], p[f"chemicals.{product}.co2_per_t"],
                product, factor)
            assert (slack >= 0.0).all(), (name, product, float(np.min(slack)))


def test_a_balance_that_does_not_close_is_caught():
    # the catalogue's old olefins pair: 3.9 t coal cannot emit 10 t CO2 and make 1 t olefins
    assert chemicals.carbon_slack(3.9, 10.0, "olefins", 2.66 * 0.7143) < 0.0
