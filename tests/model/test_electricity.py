"""Electricity balance: grid losses as a line-loss rate, net export closes the balance."""

import numpy as np

from energysim.core.model import electricity


def test_loss_share_is_a_line_loss_rate():
    losses = electricity.grid_losses(np.array([95.0]), 0.05)
    np.testing.assert_allclose(losses / (95.0 + losses), 0.05)


def test_net_export_closes_balance_many_samples():
    rng = np.random.default_rng(3)
    gen, dem = rng.uniform(0, 100, 9), rng.uniform(0, 100, 9)
    losses = electricity.grid_losses(dem, np.array([0.06]))
    net = electricity.net_export(gen, dem, losses)
    np.testing.assert_allclose(gen, dem + losses + net, rtol=1e-12)
    assert (net[gen < dem] < 0).all()  # imports are negative


def test_consumers_listed():
    names = [c[0] for c in electricity.CONSUMERS]
    assert {"mining", "chemicals", "electrolysis", "transport", "storage_losses"} <= set(names)
