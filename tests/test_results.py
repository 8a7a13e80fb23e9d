"""Results: Dataset assembly, summaries, indicators, atomic writers and the `run` command."""

from __future__ import annotations

import hashlib
import os

import numpy as np
import pytest
import xarray as xr

from energysim.cli import main
from energysim.core import engine
from energysim.errors import ScenarioError
from energysim.execution import pipeline
from energysim.results import dataset as results


@pytest.fixture(scope="module")
def ds():
    return pipeline.run(samples=5, seed=2)


def test_every_variable_describes_itself(ds):
    for name, var in ds.data_vars.items():
        for key in ("units", "long_name", "long_name_zh"):
            assert key in var.attrs, (name, key)
        assert var.attrs["long_name"] and var.attrs["long_name_zh"], name
    assert set(ds.data_vars) == set(engine.output_specs())
    assert ds["power_cap"].dims == ("sample", "year", "tech")
    assert list(ds["tech"].values) == ["coal", "wind", "solar"]
    assert ds["co2_peak_year"].dims == ("sample",)


def test_attributes_allow_an_exact_rerun(ds):
    a = ds.attrs
    assert a["scenario"] == "baseline" and a["seed"] == 2 and a["method"] == "mc"
    assert a["n_samples"] == 5 and a["energysim_version"]
    assert a["scenario_sha256"] == hashlib.sha256(a["scenario_yaml"].encode()).hexdigest()
    again = pipeline.run(samples=5, seed=2)
    xr.testing.assert_identical(ds, again)


@pytest.fixture(scope="module")
def ds_fixed_fleet(tmp_path_factory):
    """The baseline with its capacities made certain: planned project years, a fixed fleet."""
    f = tmp_path_factory.mktemp("fixed") / "fixed_fleet.yaml"
    f.write_text("extends: baseline\nprojects: {timing: planned}\nparameters:\n"
                 "  power.coal.capacity_initial: 9.2 GW\n  power.coal.lifetime: 35 yr\n"
                 "  power.wind.capacity_initial: 0.05 GW\n  power.solar.capacity_initial: 0.3 GW\n",
                 encoding="utf-8")
    return pipeline.run(str(f), samples=5, seed=2)


def test_deterministic_outputs_are_broadcast_not_copied(ds_fixed_fleet):
    cap = ds_fixed_fleet["power_cap"].data
    assert cap.shape[0] == 5 and cap.strides[0] == 0  # the same for every sample


def test_summary_statistics(ds, ds_fixed_fleet):
    s = results.summary(ds)
    assert list(s["stat"].values) == ["mean", "std", "p5", "p50", "p95"]
    assert "sample" not in s.dims
    gdp = ds["gdp"]
    np.testing.assert_allclose(s["gdp"].sel(stat="mean"), gdp.mean("sample"))
    np.testing.assert_allclose(s["gdp"].sel(stat="std"), gdp.std("sample"))
    np.testing.assert_allclose(s["gdp"].sel(stat="p95"), gdp.quantile(0.95, "sample").values)
    cap = results.summary(ds_fixed_fleet)["power_cap"]  # certain in every sample
    np.testing.assert_array_equal(cap.sel(stat="std"), 0.0)
    np.testing.assert_array_equal(cap.sel(stat="p5"), cap.sel(stat="mean"))
    assert s["gdp"].attrs["units"] == "bnCNY"


def test_indicators_in_report_units(ds):
    table = results.indicators(ds)
    assert list(table.columns[3:]) == [2022, 2025, 2030, 2035, 2060, "unit_en"]
    np.testing.assert_allclose(table.loc["coal_output", 2022], 3.2, rtol=0.01)  # 亿吨
    assert table.loc["coal_output", "unit"] == "亿吨"
    assert table.loc["cap_coal", "unit"] == "万千瓦"
    assert 2022 <= table.loc["co2_peak_year", 2022] <= 2060
    text = results.format_indicators(ds)
    assert "原煤产量 Raw coal output [亿吨]" in text and "p5–p95" in text


def test_indicator_years_outside_the_horizon_are_refused(ds):
    with pytest.raises(ScenarioError, match="indicator years outside"):
        results.indicators(ds, [2100])


def test_netcdf_roundtrip_and_identical_files(tmp_path, ds):
    p1 = results.write_netcdf(ds, tmp_path / "a.nc")
    p2 = results.write_netcdf(pipeline.run(samples=5, seed=2), tmp_path / "b.nc")
    with xr.open_dataset(p1, engine="h5netcdf") as back:
        np.testing.assert_array_equal(back["power_cap"].values, ds["power_cap"].values)
        assert back["co2_total"].attrs["long_name_zh"] == "二氧化碳排放总量"
        assert back.attrs["scenario_sha256"] == ds.attrs["scenario_sha256"]
    assert p1.read_bytes() == p2.read_bytes()  # the same seed gives identical files
    assert oct(os.stat(p1).st_mode & 0o777) != "0o600"  # not left with mkstemp's mode


def test_writers_are_atomic(tmp_path, ds):
    bad = ds.copy()
    bad.attrs["unstorable"] = {"a": 1}  # NetCDF cannot store a dict attribute
    with pytest.raises((TypeError, ValueError)):
        results.write_netcdf(bad, tmp_path / "r.nc")
    assert list(tmp_path.iterdir()) == []  # neither the file nor a temporary
    (tmp_path / "r.nc").write_text("old")
    with pytest.raises((TypeError, ValueError)):
        results.write_netcdf(bad, tmp_path / "r.nc")
    assert (tmp_path / "r.nc").read_text() == "old"  # an existing file is never half-replaced


def test_summary_csv_is_tidy_in_the_reports_units(tmp_path, ds):
    import pandas as pd

    path = results.write_summary_csv(ds, tmp_path / "s.csv")
    table = pd.read_csv(path, encoding="utf-8-sig")
    assert list(table.columns[:3]) == ["variable", "指标", "indicator"]
    assert {
        "tech",
        "sector",
        "product",
        "powertrain",
        "water_sector",
        "year",
        "stat",
        "value",
        "unit",
    } <= set(table.columns)
    row = table[
        (table.variable == "power_cap")
        & (table.tech == "coal")
        & (table.year == 2022)
        & (table.stat == "mean")
    ]
    assert len(row) == 1 and row.unit.item() == "万千瓦"
    want = float(ds["power_cap"].sel(tech="coal", year=2022).mean()) * 100.0  # GW → 万千瓦
    assert row.value.item() == pytest.approx(want, rel=1e-5)  # 6 significant digits
    share = table[(table.variable == "renewable_gen_share") & (table.stat == "mean")]
    assert set(share.unit) == {"%"} and share.value.max() > 1  # percent, not a fraction
    assert not set(table.unit) & {"GW", "Mt/yr", "bnCNY", "Mm3/yr", "TWh/yr"}
    assert table[table.variable == "co2_peak_year"].year.isna().all()


def test_summary_xlsx_reads_back_with_one_header_row(tmp_path, ds):
    import pandas as pd

    path = results.write_summary_xlsx(ds, tmp_path / "s.xlsx")
    sheets = pd.read_excel(path, sheet_name=None)  # header=0: one header row per sheet
    assert list(sheets)[0] == "说明 about"
    assert {"煤炭 coal", "电力 power", "排放 emissions", "氢能 hydrogen",
            "长表 long"} <= set(sheets)
    coal = sheets["煤炭 coal"]
    assert list(coal.columns[:6]) == ["指标", "Indicator", "分类", "Category", "统计量 stat",
                                      "单位"]
    assert [int(c) for c in coal.columns[6:]] == [int(y) for y in ds["year"].values]
    row = coal[(coal["Indicator"] == "Raw coal output") & (coal["统计量 stat"] == "mean")]
    assert row["指标"].item() == "原煤产量" and row["单位"].item() == "亿吨"
    assert row[2022].item() == pytest.approx(float(ds["coal_output"].sel(year=2022).mean()) / 100,
                                             rel=1e-5)
    for name, sheet in sheets.items():  # numbers stored as numbers
        if name not in ("说明 about", "长表 long", "单值 scalars"):
            assert all(pd.api.types.is_numeric_dtype(sheet[c]) for c in sheet.columns[6:]), name
    long = sheets["长表 long"]
    assert list(long.columns) == ["variable", "指标", "分类", "year", "stat", "value", "unit"]
    assert pd.api.types.is_numeric_dtype(long["value"])
    cap = long[(long.variable == "power_cap") & (long["分类"] == "煤电") & (long.year == 2022)
               & (long.stat == "p50")]
    assert cap.value.item() == pytest.approx(
        float(ds["power_cap"].sel(tech="coal", year=2022).median()) * 100, rel=1e-5)
    pivot = long[long.stat == "mean"].pivot_table(index="指标", columns="year", values="value",
                                                  aggfunc="sum")
    assert 2060 in pivot.columns
    about = sheets["说明 about"]
    assert list(about.columns) == ["项目 item", "值 value"]
    seed = about.loc[about["项目 item"] == "随机种子 seed", "值 value"].item()
    assert isinstance(seed, (int, np.integer))  # stored as a number, not text


def test_xlsx_of_one_sample_rounds_to_meaningful_digits(tmp_path):
    import pandas as pd
    from openpyxl import load_workbook

    from energysim.execution.pipeline import run

    det = run("baseline")
    path = results.write_summary_xlsx(det, tmp_path / "d.xlsx")
    long = pd.read_excel(path, sheet_name="长表 long")
    assert set(long.stat) == {"value"}
    digits = long.value.dropna().map(lambda v: len(f"{v:.15g}".lstrip("-").replace(".", "")
                                                   .lstrip("0")))
    assert digits.max() <= 6  # no 0.9400000000000001
    ws = load_workbook(path, read_only=True)["煤炭 coal"]
    formats = {c.number_format for r in ws.iter_rows(min_row=2, max_row=5, min_col=7)
               for c in r}
    assert formats and "General" not in formats


def test_meaningful_zeroes_numerical_noise_of_std():
    import xarray as xr

    var = xr.DataArray(np.array([[1056.0, 3.2], [3.3e-11, 0.25], [1056.0, 3.2]]),
                       dims=("stat", "year"), coords={"stat": ["mean", "std", "p50"]})
    out = results.meaningful(var.values, var)
    assert out[1, 0] == 0.0 and out[1, 1] == 0.25
    assert results.meaningful(np.array([0.9400000000000001]))[0] == 0.94


def test_cli_run_writes_three_files_and_prints_the_table(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["run", "-o", str(out), "--samples", "2", "--seed", "1", "--end-year", "2035"]) == 0
    assert sorted(p.name for p in out.iterdir()) == [  # the set, its manifest and marker
        ".energysim-run.json", "manifest.json", "results.nc", "summary.csv", "summary.xlsx"]
    printed = capsys.readouterr().out
    assert "原煤产量 Raw coal output" in printed and "2035" in printed


def test_cli_run_bad_input_is_one_line_and_writes_nothing(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["run", "-o", str(out), "--years", "2099"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "indicator years outside" in err
    assert not out.exists()
    assert main(["run", "no-such-scenario", "-o", str(out)]) == 2
    assert not out.exists()


@pytest.mark.parametrize("shape", [(1,), (5,), (3, 4), (2000, 39), (20000, 13, 7), (600, 39, 3)])
def test_sample_quantiles_equal_numpy(shape):
    """Grouped, threaded quantiles equal numpy's over the sample axis bit for bit (NaN too)."""
    from energysim.results.dataset import sample_quantiles

    rng = np.random.default_rng(len(shape))
    a = rng.lognormal(size=shape)
    a[a > 6.0] = np.nan
    q = np.array([0.0, 0.05, 0.5, 0.95, 1.0])
    got = sample_quantiles(a, q)
    assert got.shape == (len(q),) + shape[1:]
    assert np.array_equal(got, np.quantile(a, q, axis=0), equal_nan=True)
    if a.ndim == 3:  # a transposed view (not contiguous) gives the same
        t = np.ascontiguousarray(np.moveaxis(a, 0, -1))
        assert np.array_equal(sample_quantiles(np.moveaxis(t, -1, 0), q), got, equal_nan=True)
