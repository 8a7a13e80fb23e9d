"""Process-level memory choices of ensembles: huge pages on VMs with free page reporting
(energysim.execution.blocks.prefer_small_pages, docs/performance.md)."""

from __future__ import annotations

import numpy as np
import pytest

from energysim.execution import blocks

_SETTER = np._core.multiarray._set_madvise_hugepage


def _device(root, name: str, device: str, features: str) -> None:
    d = root / name
    d.mkdir()
    (d / "device").write_text(device + "\n")
    (d / "features").write_text(features + "\n")


def test_free_page_reporting_reads_the_balloon_feature_bit(tmp_path):
    _device(tmp_path, "virtio1", "0x0002", "0" * 5 + "1" + "0" * 58)  # a block device
    assert not blocks.free_page_reporting(str(tmp_path))
    _device(tmp_path, "virtio0", "0x0005", "011000" + "0" * 58)  # balloon without reporting
    assert not blocks.free_page_reporting(str(tmp_path))
    (tmp_path / "virtio0" / "features").write_text("011001" + "0" * 58 + "\n")  # bit 5
    assert blocks.free_page_reporting(str(tmp_path))
    assert not blocks.free_page_reporting(str(tmp_path / "missing"))


@pytest.fixture
def fresh_choice(monkeypatch):
    """prefer_small_pages() decides again; numpy's advice is restored afterwards."""
    before = _SETTER(True)
    _SETTER(before)
    monkeypatch.setattr(blocks, "_SMALL_PAGES", None)
    monkeypatch.delenv("NUMPY_MADVISE_HUGEPAGE", raising=False)
    yield
    _SETTER(before)


def _advice() -> bool:
    now = _SETTER(True)
    _SETTER(now)
    return now


@pytest.mark.parametrize("reporting", [True, False])
def test_small_pages_only_where_the_host_takes_free_memory(fresh_choice, monkeypatch, reporting):
    monkeypatch.delenv("ENERGYSIM_HUGEPAGES", raising=False)
    monkeypatch.setattr(blocks, "free_page_reporting", lambda: reporting)
    _SETTER(True)
    assert blocks.prefer_small_pages() is reporting
    assert _advice() is not reporting


@pytest.mark.parametrize("choice, small", [("0", True), ("1", False)])
def test_environment_overrides_the_detection(fresh_choice, monkeypatch, choice, small):
    monkeypatch.setenv("ENERGYSIM_HUGEPAGES", choice)
    monkeypatch.setattr(blocks, "free_page_reporting", lambda: not small)
    _SETTER(True)
    assert blocks.prefer_small_pages() is small
    assert _advice() is not small


def test_numpy_variable_is_respected(fresh_choice, monkeypatch):
    monkeypatch.setenv("NUMPY_MADVISE_HUGEPAGE", "1")
    monkeypatch.setenv("ENERGYSIM_HUGEPAGES", "0")
    _SETTER(True)
    assert blocks.prefer_small_pages() is False
    assert _advice() is True


_KEEP_FREED = """
import json, resource
import numpy as np
from energysim.execution import blocks, memory
assert blocks.tune_allocator()
a = np.ones(2**25)  # 256 MiB: an output array (glibc would serve it with mmap by default)
del a
held = blocks.held_free_memory()
faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
b = np.ones(2**25)  # reuses the freed memory: no fresh pages
again = resource.getrusage(resource.RUSAGE_SELF).ru_minflt - faults
del b
system, available = memory._system_available(), memory.available_memory()
blocks.release_free_memory()
print(json.dumps(dict(held=held, again=again, system=system, available=available,
                      released=blocks.held_free_memory())))
"""


@pytest.mark.skipif(blocks._glibc() is None or not hasattr(blocks._glibc(), "mallinfo2"),
                    reason="glibc ≥ 2.33 only (the allocator settings are glibc's)")
def test_freed_outputs_stay_with_the_process_for_the_next_run():
    """A freed large array stays in the heap (no munmap, no trim), so the next run reuses its
    pages without faulting them in; the budget counts it as available; release hands it back."""
    import json
    import subprocess
    import sys

    got = json.loads(subprocess.run([sys.executable, "-c", _KEEP_FREED], check=True,
                                    capture_output=True, text=True).stdout)
    assert got["held"] >= 2**28
    assert got["again"] < 1000  # 65,536 pages of 4 KiB if the memory had been returned
    assert got["available"] >= got["system"] + 2**28 - 2**24  # (system figure re-read: ±16 MiB)
    assert got["released"] < 2**24
