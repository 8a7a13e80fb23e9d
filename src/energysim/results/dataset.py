"""Results: the xarray Dataset of a run, its summaries, the indicators table and the writers.

* :func:`assemble` turns the engine's arrays into a Dataset with dims ``sample``, ``year`` (+
  ``tech``, ``sector``, ``product``, ``powertrain`` where needed); every variable carries
  ``units``, ``long_name`` and ``long_name_zh`` (from the sector modules' ``OUTPUTS``); the
  attributes hold what is needed to rerun it exactly (resolved scenario as YAML, its sha256,
  package version, seed, method, number of samples).
  Outputs that are the same for every sample are stored once and broadcast along ``sample``
  (read-only views, no copies): modify a copy (``ds.copy(deep=True)``) if you must write.
* :func:`summary` — mean, standard deviation and quantiles across samples;
* :func:`indicators` / :func:`format_indicators` — the key-indicator table in the report's units;
* writers :func:`write_netcdf`, :func:`write_summary_csv`, :func:`write_summary_xlsx`, all atomic:
  written to a temporary name in the target directory and renamed when complete, so an error
  never leaves a partial file.

xarray, pandas and XlsxWriter are imported inside the functions that need them.
"""

from __future__ import annotations

import hashlib
import io
import os
import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from energysim.core import engine
from energysim.errors import ScenarioError
from energysim.results import fileio
from energysim.text.labels import category_names, display_unit, magnitude_of, round_sig
from energysim.text.tables import text_width, year_blocks

__all__ = [
    "assemble",
    "summary",
    "indicators",
    "format_indicators",
    "write_netcdf",
    "write_summary_csv",
    "write_summary_xlsx",
    "scenario_hash",
    "atomic_path",
    "TOPICS",
]

#: Sheet (topic) of each sector module in the xlsx summary, with its Chinese name.
TOPICS = {
    "economy": "经济",
    "power": "电力",
    "storage": "储能",
    "transport": "交通",
    "chemicals": "煤化工",
    "water": "水资源",
    "hydrogen": "氢能",
    "electricity": "电力平衡",
    "coal": "煤炭",
    "emissions": "排放",
}

#: Extra dimensions in the order they appear after ``sample`` and ``year``.
CATEGORY_DIMS = ("tech", "sector", "product", "powertrain")


def _dim_order(d: str) -> tuple[int, str]:
    return (CATEGORY_DIMS.index(d) if d in CATEGORY_DIMS else len(CATEGORY_DIMS), d)


def _category_dims(ds) -> list[str]:
    """Dimensions of ``ds`` other than ``sample``, ``year`` and ``stat``, in display order."""
    return sorted((d for d in ds.dims if d not in ("sample", "year", "stat")), key=_dim_order)


def scenario_hash(yaml_text: str) -> str:
    """sha256 (hex) of a resolved scenario's YAML text."""
    return hashlib.sha256(yaml_text.encode("utf-8")).hexdigest()


def _version() -> str:
    try:
        # lazy: importlib.metadata (~20 ms) loads only when the version is asked
        from importlib.metadata import version

        return version("energysim")
    except Exception:  # pragma: no cover - not installed
        return "unknown"


# ---------------------------------------------------------------------------------------------
# assembly
# ---------------------------------------------------------------------------------------------


def assemble(
    outputs: Mapping[str, np.ndarray],
    years: Sequence[int],
    n_samples: int,
    *,
    specs: Mapping[str, Any] | None = None,
    layout: tuple[Mapping[str, tuple[str, ...]], Mapping[str, Sequence[str]]] | None = None,
    attrs: Mapping[str, Any] | None = None,
):
    """Build the results Dataset.

    Parameters
    ----------
    outputs : mapping of str to ndarray
        Engine outputs ``(n_samples | 1, n_years[, k])`` or ``(n_samples | 1,)`` (a per-sample
        scalar such as the peak year); a leading 1 broadcasts along ``sample``.
    years : sequence of int, shape (n_years,)
    n_samples : int
    specs : mapping of str to Output, optional
        Variable descriptions (default: :func:`energysim.core.engine.output_specs`).
    layout : tuple (dims, coords), optional
        Category dimensions of each output and their labels (default:
        :func:`energysim.core.engine.output_layout`).
    attrs : mapping, optional
        Dataset attributes (see :func:`run_attrs`).

    Returns
    -------
    xarray.Dataset
    """
    import xarray as xr  # lazy: xarray (~0.3 s) loads only when a Dataset is built or read


    specs = engine.output_specs() if specs is None else specs
    out_dims, coords = engine.output_layout() if layout is None else layout
    data_vars = {}
    used_dims: set[str] = set()
    order = [k for k in specs if k in outputs] + [k for k in outputs if k not in specs]
    for name in order:  # sector order, then the order each sector declares its outputs
        arr = outputs[name]
        spec = specs[name]
        if arr.ndim == 1:
            dims: tuple[str, ...] = ("sample",)
        else:
            dims = ("sample", "year", *out_dims[name])
        shape = (n_samples,) + arr.shape[1:]
        if arr.shape[0] != n_samples:
            arr = np.broadcast_to(arr, shape)
        used_dims.update(dims[2:])
        data_vars[name] = xr.Variable(
            dims,
            arr,
            attrs={
                "units": spec.unit,
                "long_name": spec.en,
                "long_name_zh": spec.zh,
                "sector": spec.sector,
            },
        )
    all_coords = {"sample": np.arange(n_samples), "year": np.asarray(years, dtype=np.int64)}
    for d in sorted(used_dims, key=_dim_order):
        all_coords[d] = np.asarray(coords[d], dtype=str)
    ds = xr.Dataset(data_vars, coords=all_coords, attrs=dict(attrs or {}))
    ds["year"].attrs.update(units="yr", long_name="year", long_name_zh="年份")
    ds["sample"].attrs.update(long_name="sample", long_name_zh="样本")
    return ds


def run_attrs(
    *, scenario_name: str, scenario_yaml: str, seed: int | None, method: str, n_samples: int
) -> dict[str, Any]:
    """The Dataset attributes that let a results file be rerun exactly.

    Returns
    -------
    dict
        ``scenario``, ``scenario_yaml``, ``scenario_sha256``, ``energysim_version``, ``seed``
        (``-1`` if none), ``method``, ``n_samples``, ``Conventions``.
    """
    return {
        "title": f"energysim results: {scenario_name}",
        "scenario": scenario_name,
        "scenario_yaml": scenario_yaml,
        "scenario_sha256": scenario_hash(scenario_yaml),
        "energysim_version": _version(),
        "seed": -1 if seed is None else int(seed),
        "method": method,
        "n_samples": int(n_samples),
        "Conventions": "CF-1.8",
    }


# ---------------------------------------------------------------------------------------------
# summaries
# ---------------------------------------------------------------------------------------------


def _stat_names(quantiles: Sequence[float]) -> list[str]:
    return ["mean", "std"] + [f"p{100 * q:g}" for q in quantiles]


def _is_broadcast(arr: np.ndarray) -> bool:
    return arr.ndim >= 1 and arr.shape[0] > 1 and arr.strides[0] == 0


#: Cells per task of :func:`sample_quantiles`.
QUANTILE_COLUMNS = 8


def sample_quantiles(a: np.ndarray, q: np.ndarray, workers: int | None = None) -> np.ndarray:
    """``np.quantile(a, q, axis=0)``, equal bit for bit, computed in groups of cells on threads.

    numpy's quantile copies the values of every cell out of the sample axis and partitions
    them; over a whole ``(100000, 39, 3)`` array that copy strides through memory, while over
    :data:`QUANTILE_COLUMNS` cells at a time it stays in cache: 2.3× faster on one core, and the
    groups run in parallel (numpy releases the GIL while it partitions). Measured on 100,000
    samples × 234 cells: 1.34 s → 0.29 s on 2 cores (docs/performance.md).

    Parameters
    ----------
    a : ndarray, shape (n_samples, ...)
    q : ndarray, shape (n_q,)
        Quantiles in [0, 1].
    workers : int, optional
        Threads (default: the CPU count).

    Returns
    -------
    ndarray, shape (n_q, ...)
    """
    q = np.asarray(q, dtype=np.float64)
    n = a.shape[0]
    if a.ndim == 1:
        return np.quantile(a, q)
    flat = a.reshape(n, -1)  # the cells as columns: a view of results (sample-first, contiguous)
    cells = flat.shape[1]
    out = np.empty((len(q), cells))
    starts = range(0, cells, QUANTILE_COLUMNS)

    def group(i: int) -> None:
        out[:, i:i + QUANTILE_COLUMNS] = np.quantile(flat[:, i:i + QUANTILE_COLUMNS], q, axis=0)

    n_workers = min(len(starts), workers or os.cpu_count() or 1)
    if n_workers > 1 and n * cells >= 1 << 20:
        from concurrent.futures import ThreadPoolExecutor  # lazy: large ensembles only

        with ThreadPoolExecutor(max_workers=n_workers) as pool:
            list(pool.map(group, starts))
    else:
        for i in starts:
            group(i)
    return out.reshape((len(q),) + a.shape[1:])


def summary(ds, quantiles: Sequence[float] = (0.05, 0.5, 0.95)):
    """Mean, standard deviation and quantiles across samples.

    Parameters
    ----------
    ds : xarray.Dataset
        Results with a ``sample`` dimension.
    quantiles : sequence of float
        In (0, 1); named ``p5``, ``p50``, ``p95`` ….

    Returns
    -------
    xarray.Dataset
        Same variables without ``sample`` and with a leading ``stat`` dimension
        (``mean``, ``std``, ``p…``); attributes kept; ``std`` uses ``ddof=0``.
    """
    import xarray as xr  # lazy: xarray (~0.3 s) loads only when a Dataset is built or read

    q = np.asarray(quantiles, dtype=np.float64)
    stats = _stat_names(q)
    out = {}
    for name, var in ds.data_vars.items():
        if "sample" not in var.dims:
            out[name] = var
            continue
        v = var.transpose("sample", ...)
        arr = v.values if not _is_broadcast(v.data) else v.data
        if _is_broadcast(arr) or arr.shape[0] == 1:
            row = np.asarray(arr[0], dtype=np.float64)
            res = np.stack([row, np.zeros_like(row)] + [row] * len(q))
        else:
            a = np.asarray(arr, dtype=np.float64)
            res = np.concatenate(
                [
                    a.mean(axis=0)[None],
                    a.std(axis=0)[None],
                    sample_quantiles(a, q),
                ]
            )
        out[name] = xr.Variable(("stat",) + v.dims[1:], res, attrs=dict(var.attrs))
    coords = {k: c for k, c in ds.coords.items() if "sample" not in c.dims}
    coords["stat"] = np.asarray(stats, dtype=str)
    return xr.Dataset(out, coords=coords, attrs=dict(ds.attrs))


def _summary_of(ds, quantiles):
    return ds if "stat" in ds.dims else summary(ds, quantiles)


def _for_writing(ds, quantiles):
    """The summary the CSV and xlsx writers show: one ``value`` per cell for a single sample
    (its mean, standard deviation and quantiles would only repeat it)."""
    summ = _summary_of(ds, quantiles)
    n = ds.sizes["sample"] if "sample" in ds.dims else summ.attrs.get("n_samples")
    if n == 1:
        summ = summ.sel(stat=["mean"]).assign_coords(stat=["value"])
    return summ


# ---------------------------------------------------------------------------------------------
# key indicators
# ---------------------------------------------------------------------------------------------


#: Indicators of the CLI table: (key, en, zh, extractor → (…, year) DataArray in its canonical
#: unit, with a ``units`` attribute). The display unit is not listed here: it is decided by
#: :func:`energysim.text.labels.display_unit` from the canonical unit and the values.
def _indicator_table() -> list[tuple[str, str, str, Callable]]:
    def var(name, **sel):
        return lambda ds: ds[name].sel(**sel) if sel else ds[name]

    def h2_output(ds):
        names = [n for n in ("h2_electrolytic_supply", "h2_grey_supply") if n in ds]
        total = sum(ds[n] for n in names)
        if hasattr(total, "attrs"):
            total.attrs["units"] = ds[names[0]].attrs.get("units", "")
        return total

    return [
        ("coal_output", "Raw coal output", "原煤产量", var("coal_output")),
        ("cap_coal", "Coal power capacity", "煤电装机", var("power_cap", tech="coal")),
        ("cap_wind", "Wind capacity", "风电装机", var("power_cap", tech="wind")),
        ("cap_solar", "Solar capacity", "光伏装机", var("power_cap", tech="solar")),
        ("cap_storage", "Battery storage power", "储能功率", var("storage_cap")),
        ("re_share", "Renewable share of generation", "新能源发电量占比",
         var("renewable_gen_share")),
        ("h2_output", "Hydrogen output", "氢气产量", h2_output),
        ("co2_total", "CO2 emissions", "二氧化碳排放", var("co2_total")),
        ("energy_intensity", "Energy intensity", "单位GDP能耗", var("energy_intensity")),
    ]


DEFAULT_INDICATOR_YEARS = (2022, 2025, 2030, 2035, 2060)


def indicators(ds, years: Iterable[int] | None = None, stat: str = "p50", *, scale_from=None):
    """Key indicators in the report's units for chosen years.

    Parameters
    ----------
    ds : xarray.Dataset
        Results (with ``sample``) or a :func:`summary`.
    years : iterable of int, optional
        Default 2022, 2025, 2030, 2035, 2060, those within the horizon (the last year is added
        when 2060 is beyond it).
    stat : str
        Summary statistic shown (``"mean"``, ``"p50"`` …).
    scale_from : xarray.Dataset, optional
        Results whose values choose the display units (default ``ds``): several scenarios
        side by side share the units of the first.

    Returns
    -------
    pandas.DataFrame
        Index: indicator key; columns ``en``, ``zh``, ``unit`` (Chinese label), one per year,
        and ``unit_en`` (the same unit's English label); a last row
        ``co2_peak_year`` gives the peak year in its first year column.
    """
    import pandas as pd  # lazy: pandas (~0.2 s) loads only for tables

    summ = _summary_of(ds, (0.05, 0.5, 0.95))
    yrs = _choose_years(summ["year"].values, years)
    records = []

    for key, en, zh, get in _indicator_table():
        try:
            da = get(summ)
        except (KeyError, TypeError):
            continue
        if not hasattr(da, "dims"):
            continue
        sizer = da if scale_from is None else get(_summary_of(scale_from, (0.05, 0.5, 0.95)))
        size = magnitude_of(sizer.sel(year=yrs).values)
        factor, unit = display_unit(da.attrs.get("units", ""), "zh", magnitude=size)
        _, unit_en = display_unit(da.attrs.get("units", ""), "en", magnitude=size)
        vals = da.sel(stat=stat, year=yrs).values * factor
        records.append(
            {
                "key": key,
                "en": en,
                "zh": zh,
                "unit": unit,
                **{int(y): float(v) for y, v in zip(yrs, vals, strict=True)},
                "unit_en": unit_en,
            }
        )
    if "co2_peak_year" in summ:
        peak = float(summ["co2_peak_year"].sel(stat=stat).values)
        records.append(
            {
                "key": "co2_peak_year",
                "en": "CO2 peak year",
                "zh": "碳排放达峰年份",
                "unit": "年",
                **{int(yrs[0]): peak},
                "unit_en": "year",
            }
        )
    return pd.DataFrame.from_records(records).set_index("key")


def _choose_years(available: np.ndarray, years: Iterable[int] | None) -> list[int]:
    avail = [int(y) for y in available]
    if years is None:
        chosen = [y for y in DEFAULT_INDICATOR_YEARS if y in avail]
        if avail and avail[-1] not in chosen and avail[-1] < DEFAULT_INDICATOR_YEARS[-1]:
            chosen.append(avail[-1])
        return chosen
    chosen = [int(y) for y in years]
    missing = [y for y in chosen if y not in avail]
    if missing:
        raise ScenarioError(
            f"indicator years outside the simulated years (expected {avail[0]}–{avail[-1]}, "
            f"got {missing})",
            key="years",
        )
    return chosen


def format_indicators(ds, years: Iterable[int] | None = None, *, width: int | None = None) -> str:
    """The key-indicator table as aligned text: the median, and ``[p5–p95]`` where samples
    vary; split into blocks of years when wider than the terminal.

    Parameters
    ----------
    ds : xarray.Dataset
        Results or a summary.
    years : iterable of int, optional
        See :func:`indicators`.
    width : int, optional
        Line width (default: the terminal's, :func:`energysim.text.tables.terminal_width`).

    Returns
    -------
    str
    """
    summ = _summary_of(ds, (0.05, 0.5, 0.95))
    mid = indicators(summ, years, "p50")
    n = ds.sizes["sample"] if "sample" in ds.dims else int(ds.attrs.get("n_samples", 1))
    spread = n > 1 and {"p5", "p95"} <= set(map(str, summ["stat"].values))  # also a summary
    lo = indicators(summ, years, "p5") if spread else None
    hi = indicators(summ, years, "p95") if spread else None
    yrs = [c for c in mid.columns if isinstance(c, int)]
    labels, cells = [], []
    for key, row in mid.iterrows():
        labels.append(f"{row['zh']} {row['en']} [{row['unit']}]")
        line = []
        for y in yrs:
            v = row[y]
            if v is None or (isinstance(v, float) and np.isnan(v)):
                line.append("")
                continue
            fmt = (lambda x: f"{x:.0f}") if key == "co2_peak_year" else _fmt_value
            text = fmt(v)
            if spread:
                low, high = fmt(lo.loc[key, y]), fmt(hi.loc[key, y])
                if low != high:  # a band only where the samples differ
                    text = f"{text} [{low}–{high}]"
            line.append(text)
        cells.append(line)
    footer = f"median [p5–p95] of {n} samples" if spread else None
    return year_blocks(labels, [str(y) for y in yrs], cells, width=width, footer=footer)


def _fmt_value(v: float) -> str:
    """A table value to three significant digits (whole numbers from 1000 up)."""
    return round_sig(float(v), 3) if abs(v) < 1000 else f"{v:.0f}"


def _fmt(v: float) -> str:
    a = abs(v)
    if a >= 1000:
        return "{:.0f}"
    if a >= 10:
        return "{:.1f}"
    return "{:.2f}"


# ---------------------------------------------------------------------------------------------
# writers
# ---------------------------------------------------------------------------------------------


@contextmanager
def atomic_path(path: str | os.PathLike):
    """Yield a temporary path beside ``path``; rename it to ``path`` on success only."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    try:
        yield tmp
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp creates 0600; give the usual permissions
        os.replace(tmp, target)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def write_netcdf(ds, path: str | os.PathLike) -> Path:
    """Write every variable to NetCDF-4 (engine h5netcdf), atomically.

    Parameters
    ----------
    ds : xarray.Dataset
    path : path-like

    Returns
    -------
    pathlib.Path
        The file written.
    """
    with atomic_path(path) as tmp:
        if not _write_netcdf_buffered(ds, tmp):
            ds.to_netcdf(tmp, engine="h5netcdf")
    return Path(path)


#: Floating-point variables of this size or more [bytes] are written around the page cache
#: (:mod:`energysim.results.fileio`): their place in the file allocated by HDF5, their bytes
#: written with ``O_DIRECT``.
DIRECT_MIN_BYTES = 8 * 2**20


#: Results up to this size [bytes] are built as NetCDF in memory and written with Python's
#: file I/O (docs/robustness.md): HDF5 can crash the process when the disk fills up under it,
#: while a Python write raises ``OSError(ENOSPC)``, which becomes one line.
NETCDF_BUFFER_BYTES = 256 * 2**20


def _write_netcdf_buffered(ds, path: str) -> bool:
    """:func:`_write_netcdf4_h5py` into memory, then to ``path``; returns False if it cannot.

    Larger Datasets are written directly (their size was checked against the free space).
    """
    if ds.nbytes > NETCDF_BUFFER_BYTES:
        return _write_netcdf4_h5py(ds, path)
    buf = io.BytesIO()
    if not _write_netcdf4_h5py(ds, buf):
        return False
    with open(path, "wb") as fh:
        fh.write(buf.getbuffer())
        fh.flush()
        os.fsync(fh.fileno())
    return True


def _netcdf_attr(value: Any) -> Any:
    """An attribute value as xarray's h5netcdf writer stores it, or None if not supported."""
    if isinstance(value, str):
        return value  # variable-length UTF-8
    if isinstance(value, (bool, np.bool_)):
        return None
    if isinstance(value, (int, float, np.integer, np.floating)):
        return np.atleast_1d(np.asarray(value))
    if isinstance(value, np.ndarray) and value.ndim == 1 and value.dtype.kind in "if":
        return value
    return None


def _write_netcdf4_h5py(ds, path: str) -> bool:
    """Write a results Dataset as NetCDF-4 with h5py directly (~6× faster than via h5netcdf).

    xarray's h5netcdf writer spends ~0.6 s on a one-sample results file (≈80 variables) in
    h5netcdf's per-variable bookkeeping. This writes the same file layout directly: dimension
    coordinates as HDF5 dimension scales (``CLASS``/``NAME``, ``_Netcdf4Dimid``), variables with
    their scales attached (``DIMENSION_LIST``), ``_Netcdf4Coordinates``, ``_FillValue`` = NaN
    for floating-point variables (xarray's default encoding), creation order tracked, strings
    as variable-length UTF-8, numeric attributes as 1-element arrays and ``_NCProperties``.
    Read back with xarray, the file gives a Dataset identical to the one h5netcdf writes
    (tested); netCDF-C reads it too.

    Returns
    -------
    bool
        False, having written nothing, when the Dataset holds anything outside that simple
        layout (non-dimension coordinates, dims without coordinates, encodings, non-numpy data,
        object or unusual dtypes or attributes); the caller then uses xarray's writer.
    """
    dims = list(ds.sizes)
    if set(ds.coords) != set(dims) or ds.encoding.get("unlimited_dims"):
        return False
    attrs = {k: _netcdf_attr(v) for k, v in ds.attrs.items()}
    if any(v is None for v in attrs.values()) or "_NCProperties" in attrs:
        return False
    plan = []
    for name in [*ds.data_vars, *ds.coords]:  # xarray's order: data, then coordinates
        var = ds.variables[name]
        data = var.data
        if var.encoding or not isinstance(data, np.ndarray):
            return False
        kind = data.dtype.kind
        is_dim = name in dims
        if is_dim and var.dims != (name,):
            return False
        if kind == "U" and is_dim:
            data = data.astype(object)
        elif kind not in "if" or data.dtype.itemsize not in (4, 8):
            return False
        vattrs = {k: _netcdf_attr(v) for k, v in var.attrs.items()}
        if any(v is None for v in vattrs.values()) or "_FillValue" in vattrs:
            return False
        plan.append((name, var.dims, data, kind, vattrs))

    import h5py  # lazy: h5py (~0.15 s) loads only when a NetCDF file is written

    str_type = h5py.string_dtype("utf-8")
    # Large variables: HDF5 allocates their place (aligned, never filled) and their bytes are
    # written after it closes the file, around the page cache (results.fileio).
    direct = fileio.AVAILABLE and isinstance(path, (str, os.PathLike)) and any(
        p[3] == "f" and p[2].nbytes >= DIRECT_MIN_BYTES for p in plan)
    layout = {"alignment_threshold": DIRECT_MIN_BYTES, "alignment_interval": fileio.ALIGN} \
        if direct else {}
    regions = []
    with h5py.File(path, "w", track_order=True, **layout) as f:
        scales, attach = {}, []
        for name, vdims, data, kind, vattrs in plan:
            index = [dims.index(d) for d in vdims]
            fill = np.array([np.nan], dtype=data.dtype) if kind == "f" else None
            if kind == "U":
                dset = f.create_dataset(name, data=data, dtype=str_type, track_order=True)
            elif kind == "f" and direct and data.nbytes >= DIRECT_MIN_BYTES:
                dcpl = h5py.h5p.create(h5py.h5p.DATASET_CREATE)
                dcpl.set_alloc_time(h5py.h5d.ALLOC_TIME_EARLY)
                dset = f.create_dataset(name, shape=data.shape, dtype=data.dtype,
                                        fillvalue=fill[0], fill_time="never", dcpl=dcpl,
                                        track_order=True)
                regions.append((dset.id.get_offset(), data))
            elif kind == "f":
                dset = f.create_dataset(name, data=data, fillvalue=fill[0], track_order=True)
            else:
                dset = f.create_dataset(name, data=data, track_order=True)
            if name in dims:
                dset.make_scale(name)
                dset.attrs.create("_Netcdf4Dimid", np.int32(index[0]))
                scales[name] = dset
            else:
                attach.append((dset, vdims))
            dset.attrs.create("_Netcdf4Coordinates", np.asarray(index, dtype=np.int32))
            if kind == "f":
                dset.attrs.create("_FillValue", fill)
            for k, v in vattrs.items():
                dset.attrs[k] = v
        for dset, vdims in attach:
            for i, d in enumerate(vdims):
                dset.dims[i].attach_scale(scales[d])
        for k, v in attrs.items():
            f.attrs[k] = v
        props = f"version=2,energysim,hdf5={h5py.version.hdf5_version},h5py={h5py.__version__}"
        f.attrs.create("_NCProperties", np.bytes_(props))
    if regions:
        fileio.write_regions(path, regions)
    return True


def _tidy(summ):
    """Long table rows of a summary in the report's units: (variable, 指标, indicator,
    category…, year, stat, value, unit).

    Built from the arrays directly (one column array per field; the rows of a variable in the
    C order of its dimensions, as ``DataArray.to_dataframe`` gives them): ~10× faster than one
    DataFrame per variable, which cost ~0.3 s of every ``energysim run``. Values are converted
    by :func:`display_scale` and rounded by :func:`meaningful`.
    """
    import pandas as pd  # lazy: pandas (~0.2 s) loads only for tables

    cat_cols = _category_dims(summ)
    names = ["variable", "指标", "indicator", *cat_cols, "year", "stat", "value", "unit"]
    cols: dict[str, list[np.ndarray]] = {c: [] for c in names}
    for name, var in summ.data_vars.items():
        factor, unit = display_scale(var)
        values = meaningful(np.asarray(var.values, dtype=np.float64) * factor, var)
        shape, n = values.shape, values.size
        labels = {}
        for axis, d in enumerate(var.dims):
            inner = int(np.prod(shape[axis + 1 :], dtype=np.int64))
            outer = int(np.prod(shape[:axis], dtype=np.int64))
            coord = np.asarray(summ[d].values, dtype=np.float64 if d == "year" else object)
            labels[d] = np.tile(np.repeat(coord, inner), outer)
        cols["variable"].append(np.full(n, name, dtype=object))
        cols["指标"].append(np.full(n, var.attrs.get("long_name_zh", name), dtype=object))
        cols["indicator"].append(np.full(n, var.attrs.get("long_name", name), dtype=object))
        for c in cat_cols:
            cols[c].append(labels.get(c, np.full(n, "", dtype=object)))
        cols["year"].append(labels.get("year", np.full(n, np.nan)))
        cols["stat"].append(labels.get("stat", np.full(n, "value", dtype=object)))
        cols["value"].append(values.ravel())
        cols["unit"].append(np.full(n, unit, dtype=object))
    data = {c: np.concatenate(v) if v else np.empty(0) for c, v in cols.items()}
    data["year"] = pd.array(data["year"], dtype="Int64")
    return pd.DataFrame(data, columns=names)


def display_scale(var) -> tuple[float, str]:
    """Factor and (Chinese) label of the unit a summary variable is shown in, decided by
    :func:`energysim.text.labels.display_unit` from its canonical ``units`` attribute and the size
    of its central values (summed over categories, as a chart stacks them)."""
    values = np.asarray(var.values, dtype=np.float64)
    dims = list(var.dims)
    if "stat" in dims:
        axis = dims.index("stat")
        keep = [i for i, st in enumerate(var["stat"].values) if str(st) != "std"]
        values = np.take(values, keep, axis=axis)
    cats = tuple(i for i, d in enumerate(dims) if d not in ("year", "stat"))
    if cats:
        values = values.sum(axis=cats)
    return display_unit(var.attrs.get("units", ""), "zh", magnitude=magnitude_of(values))


#: Significant digits kept in the CSV and xlsx (the model is not more precise than this).
SIGNIFICANT_DIGITS = 6


def meaningful(values: np.ndarray, var=None) -> np.ndarray:
    """Values rounded to :data:`SIGNIFICANT_DIGITS` significant digits (0.9400000000000001 →
    0.94); a standard deviation below 1e-9 of the variable's scale (numerical noise such as
    3.3e-11 around a constant) becomes 0."""
    v = np.asarray(values, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        mag = np.where((v != 0) & np.isfinite(v), np.floor(np.log10(np.abs(v))), 0.0)
        scale = 10.0 ** (SIGNIFICANT_DIGITS - 1 - mag)
        out = np.where(np.isfinite(v), np.round(v * scale) / scale, v)
    if var is not None and "stat" in getattr(var, "dims", ()):
        stats = [str(x) for x in var["stat"].values]
        if "std" in stats:
            axis = var.dims.index("stat")
            i = stats.index("std")
            size = np.nanmax(np.abs(np.delete(out, i, axis=axis))) if len(stats) > 1 else 0.0
            std = np.take(out, i, axis=axis)
            std = np.where(np.abs(std) < 1e-9 * (size if np.isfinite(size) else 0.0), 0.0, std)
            idx = [slice(None)] * out.ndim
            idx[axis] = i
            out[tuple(idx)] = std
    return out


def with_run_id(table, run_id: str | None):
    """A table with a last column ``run_id`` (every row the same) when a run id is given, so a
    CSV names the run that wrote it (docs/robustness.md)."""
    if run_id is None:
        return table
    return table.assign(run_id=str(run_id))


def write_summary_csv(
    ds, path: str | os.PathLike, quantiles: Sequence[float] = (0.05, 0.5, 0.95)
) -> Path:
    """Write the summary as a tidy CSV, atomically.

    Columns: ``variable``, ``指标`` and ``indicator`` (Chinese and English names), one per
    category dimension present (``tech``, ``sector``, ``product``, ``powertrain``; empty where
    it does not apply), ``year``, ``stat``, ``value``, ``unit``, and ``run_id`` when the Dataset
    has that attribute. Values are in the report's
    units (``unit``: 万千瓦, 亿吨, %; :func:`display_scale`) and rounded to meaningful digits;
    the canonical units stay in results.nc. UTF-8 with BOM so that Excel shows Chinese
    correctly. A run of one sample has the single statistic ``value``.

    Parameters
    ----------
    ds : xarray.Dataset
        Results or a summary.
    path : path-like
    quantiles : sequence of float

    Returns
    -------
    pathlib.Path
    """
    table = with_run_id(_tidy(_for_writing(ds, quantiles)), ds.attrs.get("run_id"))
    with atomic_path(path) as tmp:
        table.to_csv(tmp, index=False, encoding="utf-8-sig", float_format="%.10g")
    return Path(path)


def write_summary_xlsx(
    ds, path: str | os.PathLike, quantiles: Sequence[float] = (0.05, 0.5, 0.95)
) -> Path:
    """Write the summary to an Excel workbook a planner can use, atomically.

    Sheets, each with ONE header row (``pandas.read_excel(path, sheet_name=…)`` reads it with
    the default ``header=0``):

    * ``说明 about`` — 项目 item / 值 value: scenario, title, seed, method, samples, version,
      scenario hash, and how to read the workbook;
    * one sheet per topic (``煤炭 coal`` …): 指标, Indicator, 分类, Category, 统计量 stat, 单位,
      then one column per year; one row per variable, category and statistic;
    * ``单值 scalars`` — indicators without years (CO2 peak year): 指标, Indicator, 统计量 stat,
      单位, 值 value;
    * ``长表 long`` — the long format for pivot tables: variable, 指标, indicator, categories,
      year, stat, value, unit (as summary.csv).

    Values are numbers in the report's units (:func:`display_scale`), rounded to meaningful
    digits (:func:`meaningful`), with number formats and column widths set; the canonical
    units stay in results.nc.

    Parameters
    ----------
    ds : xarray.Dataset
        Results or a summary.
    path : path-like
    quantiles : sequence of float

    Returns
    -------
    pathlib.Path
    """
    import xlsxwriter  # lazy: XlsxWriter loads only when summary.xlsx is written

    summ = _for_writing(ds, quantiles)
    with atomic_path(path) as tmp:
        # XlsxWriter: ~3× faster than openpyxl's write-only mode here (docs/dependencies.md)
        wb = xlsxwriter.Workbook(str(tmp), {"nan_inf_to_errors": True})
        formats: dict[str, Any] = {}
        _write_workbook(wb, summ, formats)
        wb.close()
    return Path(path)


def _write_workbook(wb, summ, formats: dict) -> None:
    """The sheets of :func:`write_summary_xlsx`."""
    _about_sheet(wb, summ, formats)
    years = [int(y) for y in summ["year"].values]
    scalars: list[list] = []
    for topic, zh in TOPICS.items():
        names = [n for n, v in summ.data_vars.items() if v.attrs.get("sector") == topic]
        rows = []
        for name in names:
            var = summ[name]
            factor, unit = display_scale(var)
            values = meaningful(np.asarray(var.values, dtype=np.float64) * factor, var)
            zh_name = var.attrs.get("long_name_zh", name)
            en_name = var.attrs.get("long_name", name)
            cats = [d for d in var.dims if d not in ("year", "stat")]
            stats = [str(x) for x in var["stat"].values]
            if "year" not in var.dims:
                arr = xr_transpose(var, values, ("stat", *cats))
                for j, st in enumerate(stats):
                    scalars.append([zh_name, en_name, st, unit, _cell(arr[j].ravel()[0])])
                continue
            arr = xr_transpose(var, values, ("stat", *cats, "year"))
            for idx in (np.ndindex(*arr.shape[1:-1]) if cats else [()]):
                cat_zh, cat_en = _category_label(summ, cats, idx)
                for j, st in enumerate(stats):
                    rows.append([zh_name, en_name, cat_zh, cat_en, st, unit,
                                 *(_cell(x) for x in arr[(j, *idx)])])
        if rows:
            header = ["指标", "Indicator", "分类", "Category", "统计量 stat", "单位", *years]
            _table_sheet(wb, formats, f"{zh} {topic}"[:31], header, rows, first_number_col=6)
    if scalars:
        _table_sheet(wb, formats, "单值 scalars",
                     ["指标", "Indicator", "统计量 stat", "单位", "值 value"], scalars,
                     first_number_col=4)
    header, long_rows = _long_rows(summ)
    _table_sheet(wb, formats, "长表 long", header, long_rows,
                 first_number_col=header.index("value"), number_cols=1)


def _long_rows(summ) -> tuple[list[str], list[list]]:
    """The long sheet: variable, 指标, 分类 (category names, zh), year, stat, value, unit —
    the columns a pivot table needs (summary.csv has the English names and one column per
    category dimension)."""
    long = _tidy(summ)
    cats = [c for c in _category_dims(summ) if c in long.columns]
    names = np.full(len(long), "", dtype=object)
    for c in cats:
        col = long[c].to_numpy(dtype=object)
        present = np.array([bool(x) and x == x for x in col])
        if present.any():
            labels = sorted({str(x) for x in col[present]})
            table = dict(zip(labels, category_names(c, labels, "zh"), strict=True))
            names[present] = [table[str(x)] for x in col[present]]
    year = long["year"].to_numpy(dtype=np.float64, na_value=np.nan)
    year = [None if y != y else int(y) for y in year]
    value = long["value"].to_numpy(dtype=np.float64)
    rows = [[v, z, c or None, y, st, _cell(x), u] for v, z, c, y, st, x, u in zip(
        long["variable"], long["指标"], names, year, long["stat"], value, long["unit"],
        strict=True)]
    return ["variable", "指标", "分类", "year", "stat", "value", "unit"], rows


def xr_transpose(var, values: np.ndarray, order: tuple[str, ...]) -> np.ndarray:
    """``values`` (laid out as ``var.dims``) transposed to ``order``."""
    return np.transpose(values, [var.dims.index(d) for d in order])


def _cell(x: float):
    """A number for a cell: ``None`` (empty) for NaN, an ``int`` for whole numbers."""
    x = float(x)
    if not np.isfinite(x):
        return None
    return int(x) if x.is_integer() and abs(x) < 1e15 else x


def _category_label(summ, cats: list[str], idx: tuple) -> tuple[str, str]:
    zh, en = [], []
    for c, i in zip(cats, idx, strict=True):
        label = str(summ[c].values[i])
        zh.append(category_names(c, [label], "zh")[0])
        en.append(category_names(c, [label], "en")[0])
    return " ".join(zh), " ".join(en)


def _number_format(values: Sequence) -> str:
    """Excel number format for a row: whole numbers from 1000, else about 3 significant
    digits (shown; the cell keeps 6)."""
    finite = sorted(abs(v) for v in values if isinstance(v, (int, float)) and v)
    size = float(finite[len(finite) // 2]) if finite else 0.0  # (upper) median, no numpy
    if size >= 1000:
        return "#,##0"
    if size >= 100:
        return "0"
    if size >= 10:
        return "0.0"
    if size >= 1:
        return "0.00"
    if size >= 0.01:
        return "0.000"
    return "0.00E+00" if size else "0"


def _table_sheet(wb, formats: dict, title: str, header: list, rows: list[list], *,
                 first_number_col: int, number_cols: int | None = None) -> None:
    """A sheet of one bold header row, frozen, with column widths and number formats.

    Parameters
    ----------
    wb : xlsxwriter.Workbook
    formats : dict
        Cache of the workbook's cell formats by number format.
    title : str
    header : list
    rows : list of list
        Text cells, then numbers from ``first_number_col`` (``number_cols`` of them, default
        to the end of the row), then text.
    """
    ws = wb.add_worksheet(title)
    n_text = first_number_col
    n_num = (len(header) - n_text) if number_cols is None else number_cols
    sample = rows[:200]
    for j, h in enumerate(header):
        if j < n_text or j >= n_text + n_num:
            texts = [str(h)] + [str(r[j]) for r in sample if r[j] is not None]
            width = min(max(text_width(t) for t in texts) + 2, 48)
        else:
            width = 10 if number_cols is None else 12
        ws.set_column(j, j, width)
    if "header" not in formats:
        formats["header"] = wb.add_format({"bold": True, "align": "center",
                                           "bottom": 1, "text_wrap": False})
    ws.freeze_panes(1, 2 if first_number_col >= 4 else 0)  # header row, names
    ws.write_row(0, 0, header, formats["header"])
    for i, r in enumerate(rows, start=1):
        nums = r[n_text:n_text + n_num]
        fmt = _number_format(nums)
        if fmt not in formats:
            formats[fmt] = wb.add_format({"num_format": fmt})
        for j, x in enumerate(r[:n_text]):
            if x is not None:
                ws.write_string(i, j, str(x)) if isinstance(x, str) else ws.write(i, j, x)
        for j, x in enumerate(nums, start=n_text):
            if x is not None:
                ws.write_number(i, j, x, formats[fmt])
        for j, x in enumerate(r[n_text + n_num:], start=n_text + n_num):
            if x is not None:
                ws.write(i, j, x)


def _about_sheet(wb, summ, formats: dict) -> None:
    """The first sheet: what run this is, and how to read the workbook."""
    title = _scenario_title(summ.attrs) or summ.attrs.get("title", "")
    items = [("情景 scenario", summ.attrs.get("scenario", "")), ("标题 title", title)]
    for key, label in (("seed", "随机种子 seed"), ("method", "抽样方法 method"),
                       ("n_samples", "样本数 samples"), ("energysim_version", "版本 version"),
                       ("scenario_sha256", "情景文件哈希 scenario sha256"),
                       ("run_id", "运行编号 run_id")):
        if key in summ.attrs:
            value = summ.attrs[key]
            items.append((label, int(value) if key in ("seed", "n_samples") else str(value)))
    items += [
        ("单位 units", "报告口径: 万千瓦、亿千瓦时、亿吨/万吨、亿元、亿立方米、%;"
                     "results.nc 保留标准单位 (canonical units in results.nc)"),
        ("统计量 stat", "value: 单一样本; mean/std/p5/p50/p95: 样本均值、标准差、分位数"),
    ]
    _table_sheet(wb, formats, "说明 about", ["项目 item", "值 value"],
                 [list(i) for i in items], first_number_col=2, number_cols=0)


def _scenario_title(attrs) -> str:
    """The scenario's titles (zh / en) from the YAML kept in the results, or ``""``."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml: ~10× faster
    try:
        title = (yaml.load(attrs.get("scenario_yaml") or "", Loader=loader) or {}).get("title")
    except (yaml.YAMLError, AttributeError):
        return ""
    if isinstance(title, dict):
        return " / ".join(str(title[k]) for k in ("zh", "en") if k in title)
    return str(title or "")
