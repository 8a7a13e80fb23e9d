"""Result sets (issue 13): one consistent set per folder, whatever happens.

* killed runs (SIGKILL at chosen points of staging and publishing, through the test hook
  ``ENERGYSIM_TEST_KILL_AT``) never leave a manifest that lies, and the next run finishes or
  cleans up what they left;
* a concurrent run into the same folder is refused with one line;
* a new set never sits beside stale files of an older one; every file carries the run id;
* Zarr replacement sets the old store aside first;
* a full disk is one line and the previous set stays intact.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import xarray  # noqa: F401  (imported first; see below)

from energysim import cli
from energysim.results.resultset import LOCK, MANIFEST, ResultSet, _Lock, recover, verify

# xarray is imported before any CLI run in this process, so `energysim run`'s `_without_dask`
# (which hides dask from xarray only in a fresh process) never does it here and the Zarr tests
# work whatever ran before them.
EXE = [sys.executable, "-m", "energysim.cli"]
SMALL = ["--end-year", "2026", "--force"]  # --force: runs of other seeds into one folder


def cli_run(out: Path, *extra: str, kill_at: str | None = None, cwd=None):
    env = {**os.environ}
    env.pop("ENERGYSIM_TEST_KILL_AT", None)
    if kill_at is not None:
        env["ENERGYSIM_TEST_KILL_AT"] = kill_at
    return subprocess.run([*EXE, "run", "-o", str(out), *SMALL, *extra], capture_output=True,
                          text=True, env=env, timeout=300, cwd=cwd)


def forked(argv: list[str], kill_at: str | None = None, wait: bool = True):
    """Run ``energysim`` in a forked child process (the modules already imported: fast), with
    the kill hook set; returns the exit status (``-9`` when it killed itself), or the pid."""
    pid = os.fork()
    if pid == 0:  # child
        code = 99
        try:
            os.environ.pop("ENERGYSIM_TEST_KILL_AT", None)
            if kill_at is not None:
                os.environ["ENERGYSIM_TEST_KILL_AT"] = kill_at
            null = os.open(os.devnull, os.O_WRONLY)
            os.dup2(null, 1)
            code = cli.main([str(a) for a in argv])
        finally:
            os._exit(code)
    return reap(pid) if wait else pid


def reap(pid: int) -> int:
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)


def hidden(folder: Path) -> list[str]:
    """Hidden leftovers (the run marker of issue 14 is expected, nothing else)."""
    return [p.name for p in folder.iterdir()
            if p.name.startswith(".") and p.name != ".energysim-run.json"]


def visible(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if not p.name.startswith("."))


def test_a_run_publishes_a_verified_set_with_the_run_id_in_every_file(tmp_path, capsys):
    import pandas as pd
    import xarray as xr
    from openpyxl import load_workbook

    out = tmp_path / "out"
    assert cli.main(["run", "-o", str(out), *SMALL]) == 0
    capsys.readouterr()
    manifest = verify(out)
    rid = manifest["run_id"]
    assert visible(out) == ["manifest.json", "results.nc", "summary.csv", "summary.xlsx"]
    assert set(manifest["files"]) == {"results.nc", "summary.csv", "summary.xlsx"}
    assert manifest["seed"] == 0 and manifest["scenario"] == "baseline"
    with xr.open_dataset(out / "results.nc") as ds:
        assert ds.attrs["run_id"] == rid
    assert set(pd.read_csv(out / "summary.csv", encoding="utf-8-sig")["run_id"]) == {rid}
    wb = load_workbook(out / "summary.xlsx", read_only=True)
    cells = [c for row in wb[wb.sheetnames[0]].values for c in row]  # the about sheet
    assert rid in cells
    assert hidden(out) == []  # no lock, no staging left


def test_a_summary_run_leaves_no_older_results_beside_it(tmp_path, capsys):
    out = tmp_path / "out"
    assert cli.main(["run", "-o", str(out), *SMALL]) == 0
    assert cli.main(["run", "-o", str(out), *SMALL, "--samples", "20", "--keep", "summary",
                     "--quiet"]) == 0
    capsys.readouterr()
    assert visible(out) == ["manifest.json", "summary.csv", "summary.nc", "summary.xlsx"]
    verify(out)


def test_zarr_replacement_sets_the_old_store_aside(tmp_path, capsys):
    import xarray as xr

    out = tmp_path / "out"
    for seed in ("1", "2"):
        assert cli.main(["run", "-o", str(out), *SMALL, "--samples", "6", "--seed", seed,
                         "--format", "zarr", "--quiet"]) == 0
    capsys.readouterr()
    rid = verify(out)["run_id"]
    with xr.open_zarr(out / "results.zarr") as z:
        assert z.attrs["run_id"] == rid and z.attrs["seed"] == 2
        assert bool(z["co2_total"].notnull().all())
    assert visible(out) == ["manifest.json", "results.zarr", "summary.csv", "summary.xlsx"]


def test_a_concurrent_run_into_the_same_folder_is_refused_with_one_line(tmp_path, capsys):
    out = tmp_path / "out"
    out.mkdir()
    holder = _Lock(out)
    holder.acquire()  # another run is writing here
    try:
        assert cli.main(["run", "-o", str(out), *SMALL]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "another energysim run is writing" in err
        assert f"pid {os.getpid()}" in err
    finally:
        holder.release()
    assert cli.main(["run", "-o", str(out), *SMALL]) == 0  # free again
    capsys.readouterr()
    verify(out)


def test_two_processes_at_once_give_one_set_and_one_refusal(tmp_path):
    out = tmp_path / "out"
    env = {**os.environ}
    env.pop("ENERGYSIM_TEST_KILL_AT", None)
    procs = [subprocess.Popen([*EXE, "run", "-o", str(out), "--samples", "40", "--seed", str(s),
                               "--end-year", "2040", "--quiet", "--force"], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, env=env) for s in (1, 2, 3)]
    results = [(p.wait(timeout=300), p.stderr.read()) for p in procs]
    assert all(code in (0, 2) for code, _ in results), results
    assert any(code == 0 for code, _ in results)
    for code, err in results:
        if code == 2:
            assert err.count("\n") == 1 and "another energysim run is writing" in err
    manifest = verify(out)  # whichever won, the folder holds exactly its set
    assert manifest["seed"] in (1, 2, 3)


KILL_POINTS = ["staged:results.nc", "staged:summary.xlsx", "committed",
               "publish:manifest-removed", "publish:results.nc", "publish:summary.csv",
               "publish:summary.xlsx", "publish:manifest"]


@pytest.mark.parametrize("point", KILL_POINTS)
def test_a_killed_run_never_leaves_a_lying_set(point, tmp_path, capsys):
    out = tmp_path / "out"
    assert cli.main(["run", "-o", str(out), *SMALL, "--seed", "1"]) == 0
    old = verify(out)
    killed = forked(["run", "-o", out, *SMALL, "--samples", "3", "--seed", "2"], kill_at=point)
    assert killed == -signal.SIGKILL
    # right after the kill: a manifest, if any, is exactly the set beside it
    if (out / MANIFEST).exists() and not list(out.glob(".staging-*/" + MANIFEST)):
        assert verify(out)["seed"] in (1, 2)
    # the next run (or recover) finishes the interrupted publish or removes its leftovers
    if point.startswith("staged:"):  # not committed: the old set is untouched
        assert verify(out)["run_id"] == old["run_id"]
    assert cli.main(["run", "-o", str(out), *SMALL, "--seed", "3"]) == 0
    new = verify(out)
    assert new["seed"] == 3
    assert hidden(out) == []


@pytest.mark.parametrize("point", ["committed", "publish:results.nc", "publish:summary.csv"])
def test_recover_rolls_a_committed_set_forward(point, tmp_path, capsys):
    out = tmp_path / "out"
    assert cli.main(["run", "-o", str(out), *SMALL, "--seed", "1"]) == 0
    assert forked(["run", "-o", out, *SMALL, "--samples", "3", "--seed", "2"],
                  kill_at=point) == -signal.SIGKILL
    with pytest.raises(Exception, match="interrupted result set"):
        verify(out)
    done = recover(out)
    assert any(d.startswith("finished") for d in done)
    manifest = verify(out)
    assert manifest["seed"] == 2 and manifest["n_samples"] == 3


def test_a_killed_zarr_replacement_never_leaves_an_empty_store(tmp_path, capsys):
    import xarray as xr

    out = tmp_path / "out"
    base = ["--samples", "6", "--format", "zarr", "--quiet"]
    assert cli.main(["run", "-o", str(out), *SMALL, *base, "--seed", "1"]) == 0
    for point in ("staged:results.zarr", "committed", "publish:results.zarr"):
        assert forked(["run", "-o", out, *SMALL, *base, "--seed", "2"],
                      kill_at=point) == -signal.SIGKILL
        leftovers = hidden(out)
        assert all(n.startswith((".staging-", LOCK, ".results.zarr.old-")) for n in leftovers)
        # whatever store is in place is complete (either the old one or the new one)
        with xr.open_zarr(out / "results.zarr") as z:
            assert bool(z["co2_total"].notnull().all())
    assert cli.main(["run", "-o", str(out), *SMALL, *base, "--seed", "3"]) == 0
    assert verify(out)["seed"] == 3


def test_temp_files_of_killed_runs_are_removed_by_the_next_run(tmp_path, capsys):
    out = tmp_path / "out"
    out.mkdir()
    (out / ".summary.csv.abc.tmp").write_text("half", encoding="utf-8")
    (out / ".staging-old").mkdir()
    (out / ".staging-old" / "results.nc").write_text("half", encoding="utf-8")
    (out / ".results.zarr.1234.tmp").mkdir()
    assert cli.main(["run", "-o", str(out), *SMALL]) == 0
    capsys.readouterr()
    assert hidden(out) == []


def test_a_failed_write_keeps_the_previous_set(tmp_path, capsys, monkeypatch):
    out = tmp_path / "out"
    assert cli.main(["run", "-o", str(out), *SMALL]) == 0
    old = verify(out)
    from energysim.results import dataset as results

    def full(*a, **k):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(results, "write_summary_xlsx", full)
    assert cli.main(["run", "-o", str(out), *SMALL, "--seed", "4"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "disk full" in err and "unchanged" in err
    assert verify(out)["run_id"] == old["run_id"]
    assert hidden(out) == []


def _unshare_ok() -> bool:
    return shutil.which("unshare") is not None and subprocess.run(
        ["unshare", "-rm", "true"], capture_output=True).returncode == 0


def test_a_full_disk_is_one_line_and_keeps_the_previous_set(tmp_path, capsys, monkeypatch):
    """A real full file system (a 2 MB tmpfs in a private mount namespace): the disk fills up
    while the new set is written, and a run larger than the free space is refused before it
    starts. (Where user namespaces are missing, the failing-writer test above covers the path.)
    """
    if not _unshare_ok():  # no user namespaces here: the disk fills up through the writer
        test_a_failed_write_keeps_the_previous_set(tmp_path, capsys, monkeypatch)
        return
    disk = tmp_path / "disk"
    disk.mkdir()
    exe = " ".join(EXE)
    fill = (f"{sys.executable} -c \"import shutil; free = shutil.disk_usage('{disk}').free; "
            f"open('{disk}/filler', 'wb').write(bytes(max(free - 60 * 1024, 0)))\"")
    script = (f"mount -t tmpfs -o size=2m tmpfs {disk} && "
              f"{exe} run -o {disk}/out --end-year 2026 > /dev/null && "
              f"cp {disk}/out/manifest.json {tmp_path}/first.json && {fill} && "
              f"{exe} run -o {disk}/out --end-year 2030 --seed 5 --force > /dev/null; echo rc=$?; "
              f"{exe} run -o {disk}/out --samples 2000 --quiet --force > /dev/null; echo rc2=$?; "
              f"{sys.executable} -c \"from energysim.results.resultset import verify; "
              f"print('kept', verify('{disk}/out')['run_id'])\"; "
              f"ls {disk}/out")
    proc = _in_ns(script)
    first = json.loads((tmp_path / "first.json").read_text(encoding="utf-8"))
    assert "rc=2" in proc.stdout and "rc2=2" in proc.stdout, (proc.stdout, proc.stderr)
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 2 and "Traceback" not in proc.stderr, proc.stderr
    assert "disk full while writing the results" in lines[0] and "unchanged" in lines[0]
    assert "not enough free disk space" in lines[1]
    assert f"kept {first['run_id']}" in proc.stdout
    assert ".staging" not in proc.stdout


def _in_ns(script: str) -> subprocess.CompletedProcess:
    env = {**os.environ}
    env.pop("ENERGYSIM_TEST_KILL_AT", None)
    return subprocess.run(["unshare", "-rm", "sh", "-c", script], capture_output=True,
                          text=True, env=env, timeout=300)


def test_result_set_api_publishes_only_on_success(tmp_path):
    out = tmp_path / "o"
    with ResultSet(out, run_id="r1", meta={"seed": 1}) as rs:
        rs.path("sweep.csv").write_text("a\n", encoding="utf-8")
    assert verify(out)["run_id"] == "r1" and rs.published == [out / "sweep.csv"]
    with pytest.raises(RuntimeError):
        with ResultSet(out, run_id="r2") as rs:
            rs.path("sweep.csv").write_text("b\n", encoding="utf-8")
            raise RuntimeError("simulation failed")
    assert verify(out)["run_id"] == "r1"
    assert (out / "sweep.csv").read_text(encoding="utf-8") == "a\n"


def test_plot_refuses_a_results_file_of_another_run(tmp_path, capsys):
    out = tmp_path / "out"
    other = tmp_path / "other"
    assert cli.main(["run", "-o", str(out), *SMALL, "--seed", "1"]) == 0
    assert cli.main(["run", "-o", str(other), *SMALL, "--seed", "2"]) == 0
    capsys.readouterr()
    png = tmp_path / "c.png"
    assert cli.main(["plot", str(out / "results.nc"), "--chart", "capacity_mix", "-o",
                     str(png)]) == 0
    shutil.copy(other / "results.nc", out / "results.nc")  # a mixed folder
    assert cli.main(["plot", str(out / "results.nc"), "--chart", "capacity_mix", "-o",
                     str(png)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "results file of another run" in err


def test_a_foreign_manifest_is_never_replaced(tmp_path, capsys):
    out = tmp_path / "project"
    out.mkdir()
    (out / MANIFEST).write_text('{"name": "my web app"}', encoding="utf-8")
    assert cli.main(["run", "-o", str(out), *SMALL]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "did not write" in err
    assert (out / MANIFEST).read_text(encoding="utf-8") == '{"name": "my web app"}'
    assert sorted(p.name for p in out.iterdir()) == [MANIFEST]


def test_a_killed_console_process_is_finished_by_the_next_one(tmp_path):
    """The same as the forked kills above, end to end through a fresh interpreter."""
    out = tmp_path / "out"
    assert cli_run(out, "--seed", "1").returncode == 0
    killed = cli_run(out, "--samples", "3", "--seed", "2", kill_at="publish:summary.csv")
    assert killed.returncode == -signal.SIGKILL
    again = cli_run(out, "--seed", "3")
    assert again.returncode == 0, again.stderr
    assert verify(out)["seed"] == 3 and hidden(out) == []
