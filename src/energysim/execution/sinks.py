"""The Zarr sink: full results written block by block into a store as jobs finish.

Nothing per sample stays in memory; the store is written under a temporary name beside the
target and renamed when complete (an old store is renamed aside first). xarray, dask.array
and zarr are imported when the store is first written.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Mapping
from pathlib import Path

import numpy as np

from energysim.results import dataset as results

__all__ = [
    "ZarrSink",
    "stamp_zarr",
]


class ZarrSink:
    """Writes the full arrays of each job into a Zarr store as jobs finish.

    The store is written under a temporary name beside the target and renamed when complete.
    """

    def __init__(self, path: str | os.PathLike, years, n: int, chunk: int, attrs: dict) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.tmp = self.path.parent / f".{self.path.name}.{os.getpid()}.tmp"
        if self.tmp.exists():
            shutil.rmtree(self.tmp)
        self.years, self.n, self.chunk, self.attrs = years, n, chunk, attrs
        self.created = False

    def _create(self, arrays: Mapping[str, np.ndarray]) -> None:
        import dask.array as da  # lazy: dask loads only for --dask/--scheduler or a Zarr store
        import xarray as xr  # lazy: xarray (~0.3 s) loads only when a Dataset is built or read

        template = results.assemble({k: v[:1] for k, v in arrays.items()}, self.years, 1,
                                    attrs=self.attrs)
        data = {}
        for name, var in template.data_vars.items():
            shape = (self.n,) + var.shape[1:]
            chunks = (min(self.chunk, self.n),) + var.shape[1:]
            data[name] = xr.Variable(var.dims, da.zeros(shape, chunks=chunks), attrs=var.attrs)
        coords = {k: c for k, c in template.coords.items() if k != "sample"}
        coords["sample"] = ("sample", np.arange(self.n), template["sample"].attrs)
        ds = xr.Dataset(data, coords=coords, attrs=template.attrs)
        ds.to_zarr(self.tmp, mode="w", compute=False, consolidated=True, zarr_format=2)
        self.created = True

    def __call__(self, a: int, b: int, arrays: Mapping[str, np.ndarray]) -> None:
        if not self.created:
            self._create(arrays)
        ds = results.assemble(arrays, self.years, b - a, attrs={})
        ds = ds.assign_coords(sample=np.arange(a, b))
        drop = [k for k in ds.variables if "sample" not in ds[k].dims]
        ds.drop_vars(drop).to_zarr(self.tmp, region={"sample": slice(a, b)}, zarr_format=2)

    def finish(self) -> Path:
        """Put the finished store in place: an old store is renamed aside first and deleted
        only once the new one is in place, so a kill never leaves a half-deleted store."""
        aside = None
        if self.path.exists():
            aside = self.path.parent / f".{self.path.name}.old-{uuid.uuid4().hex[:8]}"
            os.replace(self.path, aside)
        os.replace(self.tmp, self.path)
        if aside is not None:
            shutil.rmtree(aside, ignore_errors=True) if aside.is_dir() else aside.unlink()
        return self.path

    def abort(self) -> None:
        if self.tmp.exists():
            shutil.rmtree(self.tmp, ignore_errors=True)


def stamp_zarr(path, run_id: str) -> None:
    """Add the run id to a finished Zarr store's attributes (consolidated metadata too)."""
    import zarr  # lazy: zarr (~0.25 s) loads only for --format zarr

    group = zarr.open_group(str(path), mode="r+")
    group.attrs["run_id"] = run_id
    zarr.consolidate_metadata(str(path))
