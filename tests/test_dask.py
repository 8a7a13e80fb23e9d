"""Scale-out: the same blocks on a dask LocalCluster (2 worker processes) give the same numbers."""

from __future__ import annotations

import numpy as np
import pytest

from energysim.execution import cluster, ensemble

N = 400


@pytest.fixture(scope="module")
def client():
    from distributed import Client, LocalCluster

    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                           dashboard_address=None)
    c = Client(cluster)
    yield c
    c.close()
    cluster.close()


def _differ(a, b) -> list[str]:
    assert set(a.data_vars) == set(b.data_vars)
    return [k for k in a.data_vars if not np.array_equal(a[k].values, b[k].values)]


def test_dask_full_results_equal_local(client):
    kw = dict(samples=N, seed=11, method="lhs", chunk_size=100, progress=False)
    local = ensemble.run("baseline", **kw)
    remote = ensemble.run("baseline", dask=client, **kw)
    assert _differ(local, remote) == []


def test_dask_streamed_summary_and_zarr_equal_local(client, tmp_path):
    import xarray as xr

    kw = dict(samples=N, seed=11, stream=True, chunk_size=128, bins=64, exact_quantiles=True,
              progress=False)
    local = ensemble.run("baseline", keep="summary", **kw)
    remote = ensemble.run("baseline", dask=client, zarr=tmp_path / "r.zarr", **kw)  # + summary
    assert _differ(local, remote) == []
    full = ensemble.run("baseline", samples=N, seed=11, progress=False)
    assert _differ(full, xr.open_zarr(tmp_path / "r.zarr").load()) == []


def test_scheduler_address(client):
    kw = dict(samples=64, seed=2, keep=["co2_total"], progress=False)
    via_address = ensemble.run("baseline", scheduler=client.scheduler.address, **kw)
    assert _differ(ensemble.run("baseline", **kw), via_address) == []


def test_unreachable_scheduler_is_one_line_error():
    from energysim.errors import ScenarioError

    with pytest.raises(ScenarioError, match="cannot reach the dask scheduler"):
        cluster.DaskExecutor(scheduler="tcp://127.0.0.1:9", timeout="1s")


def test_sensitivity_on_dask_equals_local(client):
    """The SALib design travels as its recipe; the indices are the same numbers."""
    from energysim.analysis import sensitivity

    kw = dict(outputs="co2_total@2030,coal_output@2030", method="sobol", samples=64, seed=4,
              chunk_size=200, num_resamples=20, progress=False)
    local = sensitivity.analyse_scenario("baseline", **kw)
    remote = sensitivity.analyse_scenario("baseline", dask=client, **kw)
    assert local.runs == remote.runs == 64 * (len(local.parameters) + 2)
    cols = ["S1", "ST"]
    np.testing.assert_array_equal(local.table[cols].to_numpy(), remote.table[cols].to_numpy())


def test_sweep_on_dask_equals_local(client, tmp_path):
    """The grid points travel as scenarios; every point's values are the same numbers."""
    from energysim.analysis import sweep
    from test_sweep import GRID, _write

    spec = sweep.load_sweep(_write(tmp_path, GRID % 3))
    local = sweep.run_sweep(spec, chunk_size=5, progress=False)
    remote = sweep.run_sweep(spec, chunk_size=5, dask=client, progress=False)
    assert local.values.keys() == remote.values.keys()
    for name, values in local.values.items():
        assert np.array_equal(values, remote.values[name]), name


def test_sweep_and_sensitivity_commands_take_the_scale_out_options(tmp_path, capsys,
                                                                   monkeypatch):
    from energysim import cli
    from test_sweep import GRID, _write

    monkeypatch.setattr(cluster, "SCHEDULER_TIMEOUT", "1s")

    path = _write(tmp_path, GRID % 1)
    assert cli.main(["sweep", str(path), "--workers", "0"]) == 2
    assert "invalid --workers (expected an integer ≥ 1, got 0)" in capsys.readouterr().err
    assert cli.main(["sensitivity", "--scheduler", "tcp://127.0.0.1:9", "--samples", "8",
                     "--quiet", "-o", str(tmp_path / "s")]) == 2
    err = capsys.readouterr().err.strip()
    assert "cannot reach the dask scheduler" in err and len(err.splitlines()) == 1
    assert not (tmp_path / "s").exists()
