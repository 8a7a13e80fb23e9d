"""Emissions: power CO2 with capture, peak year."""

import numpy as np

from energysim.core.model import emissions


def test_power_co2_and_capture():
    emitted, captured = emissions.power_co2(np.array([10.0]), np.array([4.0]), 0.9, 2.66)
    np.testing.assert_allclose(captured, 4.0 * 0.9 * 2.66)
    np.testing.assert_allclose(emitted + captured, 10.0 * 2.66)


def test_peak_year_per_sample():
    years = np.arange(2022, 2027)
    total = np.array([[1, 2, 3, 2, 1], [5, 4, 3, 2, 1], [1, 2, 3, 4, 5], [1, 3, 3, 1, 0]], float)
    np.testing.assert_array_equal(emissions.peak_year(total, years), [2024, 2022, 2026, 2023])


def test_one_sample_and_broadcast_factor():
    emitted, _ = emissions.power_co2(
        np.array([1.0, 2.0]), np.array([0.0]), np.array([0.9]), np.array([2.0])
    )
    np.testing.assert_allclose(emitted, [2.0, 4.0])


def test_sectors_and_factors():
    assert emissions.SECTORS[0] == "power" and len(set(emissions.SECTORS)) == 6
    by_path = {p.path: p for p in emissions.PARAMS}
    np.testing.assert_allclose(
        by_path["emissions.coal_co2_per_tce"].default, 1.9003 / 0.7143, rtol=2e-3
    )
