"""Dispatch properties (issue 11): the balance closes per slice, bounds hold, levers move the
answer in the direction docs/model.md ("Electricity dispatch") explains."""

from __future__ import annotations

import numpy as np
import pytest
from _engine_params import ensembles, with_values
from hypothesis import assume, given
from hypothesis import strategies as st

from energysim.core import engine
from energysim.core.model import electricity

RTOL = 1e-9


@st.composite
def dispatch_inputs(draw, max_m=4, with_zeros=False, min_m=1, rte_low=0.5):
    """Random annual inputs of :func:`electricity.dispatch` for a few samples; ``with_zeros``
    puts the lower end of each range (no storage, no corridor, no dedicated electrolysis …)
    into a random share of the samples."""
    m = draw(st.integers(min_m, max_m))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    zeros = draw(st.floats(0.0, 1.0)) if with_zeros else 0.0

    def u(lo, hi):
        return np.where(rng.random(m) < zeros, lo, rng.uniform(lo, hi, m))

    coal_min = u(0, 40)
    return dict(
        wind_pot=u(0, 40), solar_pot=u(0, 60), dedicated=u(0, 10), grid_demand=u(0, 60),
        loss_share=u(0, 0.2), coal_min=coal_min, coal_max=coal_min + u(0, 60),
        export_grid=u(0, 80), export_corridor=u(0, 40), corridor_re_share=u(0, 1),
        storage_power=u(0, 5), storage_energy=u(0, 20), storage_cycles=u(0, 400),
        rte=u(rte_low, 1), flex_power=u(0, 3),
    )


@given(dispatch_inputs(max_m=40, with_zeros=True, min_m=2, rte_low=0.0))
def test_compiled_dispatch_equals_numpy(inp):
    """The ensembles' compiled dispatch (core/model/kernels/dispatch.py) returns the numpy
    function's arrays bit for bit, block-wide branches included (tests/test_kernels.py has the
    whole-model comparisons)."""
    from energysim.core.model.kernels import dispatch as compiled

    m = len(inp["wind_pot"])
    fast = compiled.dispatch(
        m, tuple(inp.values()),
        (electricity._S, electricity._W, electricity._LAMBDA, electricity._TAU, electricity._H,
         electricity._SEASON_SHARE), electricity._TINY)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ENERGYSIM_COMPILED", "0")
        plain = electricity.dispatch(**inp)
    totals = fast.pop("totals")
    assert set(plain) == set(fast)
    assert [k for k in plain if not np.array_equal(plain[k], fast[k])] == []
    for k, v in totals.items():  # the annual totals the engine reads: numpy's sums exactly
        want = electricity.annual_total(plain, k)
        assert np.array_equal(v, want) and np.array_equal(np.signbit(v), np.signbit(want)), k


@given(dispatch_inputs())
def test_slice_balance_closes_and_flows_are_bounded(inp):
    d = electricity.dispatch(**inp)
    supply = d["coal"] + d["vre"] - d["dedicated"] + d["discharge"] + d["imports"]
    sinks = d["load"] + d["exports"] + d["charge"] + d["flex"]
    scale = np.abs(supply) + np.abs(sinks) + 1.0
    np.testing.assert_array_less(np.abs(supply - sinks), RTOL * scale)
    tau = (electricity.SLICE_HOURS / 8760.0)[:, None]
    bound = (inp["export_grid"] + inp["export_corridor"]) * tau
    assert (d["exports"] <= bound * (1 + 1e-12) + 1e-12).all()
    for name in ("coal", "vre", "curtailed", "exports", "imports", "charge", "discharge", "flex"):
        assert (d[name] >= -1e-12).all(), name
    # coal within [min, max] unless forced below the minimum, which happens only when all
    # grid-available wind and solar of the slice is curtailed
    lo = inp["coal_min"] * tau
    hi = np.maximum(inp["coal_max"], inp["coal_min"]) * tau
    assert (d["coal"] <= hi * (1 + 1e-12) + 1e-12).all()
    forced = d["below_min"] > 1e-12
    assert (d["coal"][~forced] >= (lo * (1 - 1e-12) - 1e-12)[~forced]).all()
    vg = d["vre"] + d["curtailed"] - d["dedicated"]
    np.testing.assert_allclose(d["curtailed"][forced], vg[forced], rtol=1e-9, atol=1e-12)
    # storage discharges what it charged, less the round-trip losses
    np.testing.assert_allclose(
        d["discharge"].sum(axis=0), d["charge"].sum(axis=0) * inp["rte"], rtol=1e-9, atol=1e-12
    )


def _dispatch_params(params):
    """Other things equal: dispatch mode, no corridor renewable-share rule, a water cap that
    only reports, and coal output at the mines' capacity (outbound demand above it), so that
    the power plants' coal does not feed back, through next year's mining electricity and
    mining-truck fleet, into the following years (see the notes in the tests)."""
    ones = np.ones_like(params["power.dispatch"])
    return with_values(
        params,
        power__dispatch=ones,
        power__export__corridor_renewable_share=np.zeros_like(ones),
        water__cap_binding=np.zeros_like(ones),
        coal__outbound_demand=np.full_like(ones, 5000.0),
    )


KEEP = ["power_gen", "co2", "co2_total", "curtailed_gen", "power_hours", "coal_below_min"]


def _run(params):
    n = params.n_samples
    out = engine.simulate(params, keep=KEEP)
    return {k: np.broadcast_to(v, (n,) + v.shape[1:]) for k, v in out.items()}


@given(ensembles(max_samples=3), st.floats(1.0, 3.0), st.sampled_from(["wind", "solar"]))
def test_more_wind_or_solar_never_raises_coal_generation_or_co2(params, factor, tech):
    """Other things equal, and outside two documented exceptions (docs/model.md): a corridor
    renewable-share rule (more renewables let the corridor's supporting coal run more, the
    rule's purpose: test_corridor_rule_lets_coal_ride_along), and years in which coal was
    forced below its minimum (more wind and solar are then curtailed first, so coal returns to
    its minimum). A binding water cap is off: less power water lets cut chemicals run more."""
    base = _dispatch_params(params)
    p = f"power.{tech}"
    more = with_values(base, **{f"power__{tech}__add": base[f"{p}.add"] * factor})
    a, b = _run(base), _run(more)
    assume(not (a["coal_below_min"] > 0.0).any())
    assert (b["power_gen"][..., 0] <= a["power_gen"][..., 0] * (1 + 1e-9) + 1e-9).all()
    power_a, power_b = a["co2"][..., 0], b["co2"][..., 0]
    assert (power_b <= power_a * (1 + 1e-9) + 1e-9).all()
    tol = 1e-9 * (np.abs(a["co2_total"]) + 1.0)
    assert (b["co2_total"] <= a["co2_total"] + tol).all()


@given(ensembles(max_samples=3), st.floats(1.0, 3.0))
def test_more_export_capacity_never_lowers_coal_generation(params, factor):
    base = _dispatch_params(params)
    x = "power.export.grid_capacity"
    more = with_values(base, power__export__grid_capacity=np.minimum(base[x] * factor, 100.0))
    a, b = _run(base), _run(more)
    assert (b["power_gen"][..., 0] >= a["power_gen"][..., 0] * (1 - 1e-9) - 1e-9).all()


@given(ensembles(max_samples=3), st.floats(1.0, 4.0))
def test_more_storage_never_raises_curtailment(params, factor):
    base = _dispatch_params(params)
    more = with_values(
        base,
        storage__allocation_share=np.minimum(base["storage.allocation_share"] * factor, 2.0),
        storage__power_add=base["storage.power_add"] * factor + 0.1,
    )
    a, b = _run(base), _run(more)
    assert (b["curtailed_gen"] <= a["curtailed_gen"] * (1 + 1e-9) + 1e-9).all()


def test_corridor_rule_lets_coal_ride_along():
    """With a 60% renewable rule and no other outlet, coal exports need renewables beside."""
    inp = dict(
        wind_pot=np.array([0.0, 20.0]), solar_pot=np.zeros(2), dedicated=np.zeros(2),
        grid_demand=np.full(2, 5.0), loss_share=np.zeros(2), coal_min=np.zeros(2),
        coal_max=np.full(2, 60.0), export_grid=np.zeros(2), export_corridor=np.full(2, 30.0),
        corridor_re_share=np.full(2, 0.6), storage_power=np.zeros(2),
        storage_energy=np.zeros(2), storage_cycles=np.zeros(2), rte=np.ones(2),
        flex_power=np.zeros(2),
    )
    d = electricity.dispatch(**inp)
    coal = d["coal"].sum(axis=0)
    exports = d["exports"].sum(axis=0)
    np.testing.assert_allclose(exports[0], 0.0, atol=1e-12)  # no renewables: nothing to send
    assert coal[1] > coal[0]
    re_exported = exports[1] - (coal[1] - 5.0)
    assert re_exported / exports[1] >= 0.6 - 1e-9


def test_the_dispatch_switch_is_one_plain_value(tmp_path):
    """power.dispatch selects the model's structure: 0 or 1, never a series or distribution."""
    import pytest

    from energysim.errors import ScenarioError
    from energysim.scenario import load_scenario

    for value, expected in (("0.5", "got 0.5"), ("{dist: uniform, low: 0, high: 1}",
                                                 "got a series or distribution")):
        f = tmp_path / "s.yaml"
        f.write_text(f"name: s\nextends: baseline\nparameters:\n  power.dispatch: {value}\n",
                     encoding="utf-8")
        with pytest.raises(ScenarioError) as exc:
            load_scenario(f)
        text = str(exc.value)
        assert "\n" not in text and "s.yaml:4" in text and expected in text
    f.write_text("name: s\nextends: baseline\nparameters:\n  power.dispatch: 0\n",
                 encoding="utf-8")
    assert load_scenario(f).parameters["power.dispatch"].base.evaluate([2022], 2022)[0] == 0.0
