"""Storage: additions by allocation rule and round-trip losses."""

import numpy as np

from energysim.core.model import storage


def test_additions_allocation_rule():
    add = storage.storage_additions(np.array([[0.1, 0.0]]), 0.15, np.array([[2.0, 4.0]]))
    np.testing.assert_allclose(add, [[0.4, 0.6]])


def test_flows_units():
    energy, charged, losses = storage.storage_flows(np.array([1.0]), 4.0, 300.0, 0.85)
    np.testing.assert_allclose(energy, 4.0)  # GWh
    np.testing.assert_allclose(charged, 1.2)  # 4 GWh × 300 /yr = 1.2 TWh/yr
    np.testing.assert_allclose(losses, 1.2 * 0.15)


def test_flows_many_samples_broadcast():
    cap = np.array([0.0, 1.0, 2.0])
    energy, charged, losses = storage.storage_flows(
        cap, np.array([2.0]), 100.0, np.array([0.9, 0.8, 1.0])
    )
    np.testing.assert_allclose(losses, [0.0, 0.2 * 0.2, 0.0])
    assert (losses <= charged).all()
