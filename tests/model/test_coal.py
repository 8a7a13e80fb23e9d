"""Coal mining: output rule, trade that closes the balance, mining energy and water."""

import numpy as np
import pytest

from energysim.core.model import coal


def test_output_is_the_smallest_limit():
    out = coal.coal_output(
        capacity=np.array([300.0, 300.0, 300.0]),
        max_utilization=np.array([1.0]),
        output_cap=np.array([1e4, 250.0, 1e4]),
        local_use=np.array([40.0, 40.0, 40.0]),
        outbound_demand=np.array([200.0, 300.0, 300.0]),
    )
    np.testing.assert_allclose(out, [240.0, 250.0, 300.0])  # demand, cap, capacity


def test_output_does_not_modify_local_use():
    local = np.array([10.0])
    coal.coal_output(np.array([5.0]), np.array([1.0]), np.array([1e4]), local, np.array([1.0]))
    assert local[0] == 10.0


@pytest.mark.parametrize("n", [1, 7])
def test_trade_closes_the_balance(n):
    rng = np.random.default_rng(n)
    output, local = rng.uniform(0, 100, n), rng.uniform(0, 100, n)
    ship, imp = coal.coal_trade(output, local)
    assert (ship >= 0).all() and (imp >= 0).all()
    assert (np.minimum(ship, imp) == 0).all()
    np.testing.assert_allclose(output + imp, local + ship, rtol=1e-12)


def test_mining_energy_and_water_units():
    diesel, elec = coal.mining_energy(np.array([100.0]), np.array([0.5]), np.array([10.0]))
    np.testing.assert_allclose(diesel, 50.0)  # 100 Mt × 0.5 kg/t = 50 kt
    np.testing.assert_allclose(elec, 1.0)  # 100 Mt × 10 kWh/t = 1 TWh
    np.testing.assert_allclose(coal.mining_water(np.array([100.0]), np.array([0.2])), 20.0)


def test_broadcast_intensity_over_samples():
    diesel, _ = coal.mining_energy(np.array([1.0, 2.0, 3.0]), np.array([2.0]), np.array([0.0]))
    np.testing.assert_allclose(diesel, [2.0, 4.0, 6.0])
