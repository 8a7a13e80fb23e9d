"""results.fileio: arrays written at offsets of a file and files hashed, around the page cache
(O_DIRECT where the filesystem takes it, buffered otherwise) — the same bytes either way."""

from __future__ import annotations

import errno
import hashlib
import os

import numpy as np
import pytest

from energysim.results import fileio


@pytest.fixture(params=["direct", "buffered"])
def mode(request, monkeypatch):
    """Both paths, with a small bounce buffer so that arrays span several of them."""
    monkeypatch.setattr(fileio, "CHUNK", 2 * fileio.ALIGN)
    if request.param == "buffered":
        monkeypatch.setattr(fileio, "_open_direct", lambda path, flags: None)
    return request.param


def test_regions_land_at_their_offsets(tmp_path, mode):
    rng = np.random.default_rng(0)
    size = 20 * fileio.ALIGN
    path = tmp_path / "f.bin"
    path.write_bytes(rng.integers(0, 256, size, dtype=np.uint8).tobytes())
    expected = bytearray(path.read_bytes())
    big = rng.normal(size=(3000, 3))  # 72,000 bytes: several bounce buffers, a partial block
    regions = [
        (0, big),
        (fileio.ALIGN * 18, np.arange(5.0)),  # aligned, shorter than a block
        (fileio.ALIGN * 18 + 100, np.arange(7, dtype=np.int32)),  # not aligned: buffered
        (fileio.ALIGN * 19, np.broadcast_to(np.array([1.5, 2.5]), (40, 2))),  # broadcast view
    ]
    transposed = rng.normal(size=(4, 300)).T  # a non-contiguous view (2,400 bytes)
    regions.append((fileio.ALIGN * 19 + 700, transposed))
    for offset, arr in regions:
        raw = np.ascontiguousarray(arr).tobytes()
        expected[offset:offset + len(raw)] = raw
    fileio.write_regions(path, regions)
    assert path.read_bytes() == bytes(expected)


@pytest.mark.parametrize("size", [0, 1, 4095, 4096, 8192, 8193, 3 * 8192 + 5])
def test_sha256_equals_hashlib(tmp_path, mode, size):
    path = tmp_path / "f.bin"
    data = np.random.default_rng(size).integers(0, 256, size, dtype=np.uint8).tobytes()
    path.write_bytes(data)
    assert fileio.file_sha256(path) == (hashlib.sha256(data).hexdigest(), size)


@pytest.fixture
def direct_fds(monkeypatch):
    """Descriptors that fileio opens "with O_DIRECT" are ordinary ones recorded here, so a test
    can make the system refuse their I/O (EINVAL); small bounce buffers."""
    fds = set()

    def open_direct(path, flags):
        fd = os.open(path, flags)
        fds.add(fd)
        return fd

    monkeypatch.setattr(fileio, "CHUNK", 2 * fileio.ALIGN)
    monkeypatch.setattr(fileio, "_open_direct", open_direct)
    return fds


def _refused():
    return OSError(errno.EINVAL, "Invalid argument")


def test_direct_io_refused_midway_falls_back_to_buffered(tmp_path, monkeypatch, direct_fds):
    """A filesystem that opens with O_DIRECT but refuses the I/O (EINVAL) gets the same bytes
    and the same checksum through ordinary I/O."""
    real_pwrite, real_readv = os.pwrite, os.readv
    calls = {"pwrite": 0, "readv": 0}

    def pwrite(fd, data, offset):
        if fd in direct_fds:
            calls["pwrite"] += 1
            if calls["pwrite"] > 1:  # the first direct write works, the next is refused
                raise _refused()
        return real_pwrite(fd, data, offset)

    def readv(fd, buffers):
        if fd in direct_fds:
            calls["readv"] += 1
            if calls["readv"] > 1:
                raise _refused()
        return real_readv(fd, buffers)

    monkeypatch.setattr(os, "pwrite", pwrite)
    monkeypatch.setattr(os, "readv", readv)
    path = tmp_path / "f.bin"
    path.write_bytes(bytes(10 * fileio.ALIGN))
    arr = np.random.default_rng(1).normal(size=4000)  # 32,000 bytes: several buffers
    fileio.write_regions(path, [(0, arr)])
    data = path.read_bytes()
    assert data[:arr.nbytes] == arr.tobytes()
    assert calls["pwrite"] == 2  # refused once, then buffered for the rest
    assert fileio.file_sha256(path) == (hashlib.sha256(data).hexdigest(), len(data))
    assert calls["readv"] >= 2


def test_after_a_refused_direct_write_later_regions_go_buffered(tmp_path, monkeypatch,
                                                                direct_fds):
    real_pwrite = os.pwrite
    refusals = []

    def pwrite(fd, data, offset):
        if fd in direct_fds:
            refusals.append(offset)
            raise _refused()
        return real_pwrite(fd, data, offset)

    monkeypatch.setattr(os, "pwrite", pwrite)
    path = tmp_path / "f.bin"
    path.write_bytes(bytes(8 * fileio.ALIGN))
    a, b = np.arange(1024.0), np.arange(1024.0) + 0.5  # 8,192 bytes each, aligned offsets
    fileio.write_regions(path, [(0, a), (4 * fileio.ALIGN, b)])
    data = path.read_bytes()
    assert data[:a.nbytes] == a.tobytes()
    assert data[4 * fileio.ALIGN:4 * fileio.ALIGN + b.nbytes] == b.tobytes()
    assert refusals == [0]  # refused once; the second region never tried
