"""results.write_netcdf writes, with h5py directly, the file xarray's h5netcdf writer writes.

The direct writer (``results._write_netcdf4_h5py``, ~10× faster) must give a file that reads back
identically (values, dims, coordinates, attributes, variable order, fill values) to the one
``Dataset.to_netcdf(engine="h5netcdf")`` gives, and fall back to xarray for anything outside
the layout it knows.
"""

from __future__ import annotations

import h5py
import pytest
import xarray as xr

from energysim.execution import pipeline
from energysim.results import dataset as results


@pytest.fixture(scope="module")
def runs():
    return {n: pipeline.run("baseline", samples=n, seed=2) for n in (1, 3)}


def read(path):
    with xr.open_dataset(path, engine="h5netcdf") as ds:
        return ds.load()


@pytest.mark.parametrize("n", [1, 3])
def test_direct_writer_reads_back_like_xarrays_writer(runs, tmp_path, n):
    ds = runs[n]
    results.write_netcdf(ds, tmp_path / "fast.nc")
    ds.to_netcdf(tmp_path / "xr.nc", engine="h5netcdf")
    fast, ref = read(tmp_path / "fast.nc"), read(tmp_path / "xr.nc")
    xr.testing.assert_identical(fast, ref)
    xr.testing.assert_identical(fast, ds)
    assert list(fast.data_vars) == list(ref.data_vars)
    assert list(fast.coords) == list(ref.coords)
    for name in ("gdp", "power_cap", "tech", "year"):  # NaN fill for floats, none otherwise
        assert repr(fast[name].encoding.get("_FillValue")) == repr(
            ref[name].encoding.get("_FillValue")
        )
    with h5py.File(tmp_path / "fast.nc", "r") as f:  # netCDF-4 conventions netCDF-C relies on
        assert f["year"].is_scale and int(f["year"].attrs["_Netcdf4Dimid"]) == list(ds.sizes).index(
            "year"
        )
        assert f["power_cap"].dims[2][0].name == "/tech"
        assert "_NCProperties" in f.attrs


def test_direct_writer_is_used_for_results(runs, tmp_path):
    assert results._write_netcdf4_h5py(runs[1], str(tmp_path / "a.nc"))


def test_other_datasets_fall_back_to_xarray(runs, tmp_path):
    ds = runs[3].assign_coords(label=("sample", ["a", "b", "c"]))  # a non-dimension coordinate
    assert not results._write_netcdf4_h5py(ds, str(tmp_path / "x.nc"))
    results.write_netcdf(ds, tmp_path / "b.nc")
    xr.testing.assert_identical(read(tmp_path / "b.nc"), ds)
    ds2 = runs[1].copy()
    ds2.attrs["flag"] = True  # not a NetCDF attribute type the direct writer handles
    assert not results._write_netcdf4_h5py(ds2, str(tmp_path / "y.nc"))


@pytest.mark.parametrize("n", [1, 3])
def test_large_variables_written_around_the_page_cache(runs, tmp_path, monkeypatch, n):
    """With every float variable over the direct-write threshold (their place allocated by HDF5,
    their bytes written by results.fileio), the file reads back as xarray's writer's does."""
    monkeypatch.setattr(results, "DIRECT_MIN_BYTES", 1)
    monkeypatch.setattr(results, "NETCDF_BUFFER_BYTES", 0)  # not the in-memory path
    written = []
    real = results.fileio.write_regions
    monkeypatch.setattr(results.fileio, "write_regions",
                        lambda path, regions: written.append(len(regions)) or real(path, regions))
    ds = runs[n]
    results.write_netcdf(ds, tmp_path / "direct.nc")
    assert written and written[0] >= len([v for v in ds.data_vars if ds[v].dtype.kind == "f"])
    ds.to_netcdf(tmp_path / "xr.nc", engine="h5netcdf")
    fast, ref = read(tmp_path / "direct.nc"), read(tmp_path / "xr.nc")
    xr.testing.assert_identical(fast, ref)
    xr.testing.assert_identical(fast, ds)
    with h5py.File(tmp_path / "direct.nc", "r") as f:
        assert f["gdp"].id.get_offset() % results.fileio.ALIGN == 0


def test_full_disk_while_writing_large_variables_is_an_oserror(runs, tmp_path, monkeypatch):
    """The large variables' bytes are Python writes: a full disk raises OSError(ENOSPC) (one line
    in the CLI, docs/robustness.md) and no file is left behind."""
    import errno
    import os

    monkeypatch.setattr(results, "DIRECT_MIN_BYTES", 1)
    monkeypatch.setattr(results, "NETCDF_BUFFER_BYTES", 0)

    def full(*args):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "pwrite", full)
    with pytest.raises(OSError) as err:
        results.write_netcdf(runs[3], tmp_path / "r.nc")
    assert err.value.errno == errno.ENOSPC
    assert list(tmp_path.iterdir()) == []


def test_without_pwrite_hdf5_writes_the_large_variables(runs, tmp_path, monkeypatch):
    """Where results.fileio cannot run (no os.pwrite, e.g. Windows), HDF5 writes every
    variable itself, as before."""
    monkeypatch.setattr(results, "DIRECT_MIN_BYTES", 1)
    monkeypatch.setattr(results, "NETCDF_BUFFER_BYTES", 0)
    monkeypatch.setattr(results.fileio, "AVAILABLE", False)
    monkeypatch.setattr(results.fileio, "write_regions", None)  # must not be called
    results.write_netcdf(runs[3], tmp_path / "r.nc")
    xr.testing.assert_identical(read(tmp_path / "r.nc"), runs[3])
