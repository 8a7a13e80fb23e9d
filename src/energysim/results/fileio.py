"""Large files written and read around the page cache (``O_DIRECT``), where the system allows it.

A results.nc of a 100,000-sample ensemble holds 1.5–5 GB. Written through the page cache, every
byte first takes a fresh page of it; on a virtual machine whose host takes back free memory
(virtio-balloon free page reporting) that first touch costs a fault in the host, and writing
1.5 GB took 4.5–7.4 s of system time on the 2-core reference VM against 0.5 s with ``O_DIRECT``
(docs/performance.md). The writes must reach the disk anyway (every result file is fsynced
before it is published), so skipping the cache costs nothing elsewhere.

* :func:`write_regions` — arrays written at given offsets of an existing file (the data of the
  large NetCDF variables, whose places HDF5 allocated);
* :func:`file_sha256` — sha256 and size of a file, read the same way.

Both use a page-aligned bounce buffer; offsets and lengths that ``O_DIRECT`` cannot take (not
multiples of :data:`ALIGN`), and systems or filesystems without it, go through ordinary
buffered I/O. Errors (a full disk: ``OSError(ENOSPC)``) are ordinary Python exceptions.
"""

from __future__ import annotations

import errno
import hashlib
import mmap
import os
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor

import numpy as np

__all__ = ["AVAILABLE", "ALIGN", "CHUNK", "write_regions", "file_sha256", "hash_from"]

#: Whether :func:`write_regions` can run here (``os.pwrite``: POSIX systems; elsewhere the NetCDF
#: writer lets HDF5 write every variable itself).
AVAILABLE = hasattr(os, "pwrite")

#: Alignment of direct I/O: file offsets, lengths and memory [bytes] (the page size; a
#: multiple of every disk's logical block).
ALIGN = 4096

#: Bytes per write or read (the bounce buffer).
CHUNK = 8 << 20


def _open_direct(path: str | os.PathLike, flags: int) -> int | None:
    """A file descriptor with ``O_DIRECT``, or None where the system or filesystem refuses it."""
    direct = getattr(os, "O_DIRECT", 0)
    if not direct:
        return None
    try:
        return os.open(path, flags | direct)
    except OSError:  # EINVAL: the filesystem (tmpfs, some FUSE) does not do direct I/O
        return None


def _byte_pieces(arr: np.ndarray, per: int):
    """The bytes of ``arr`` in C order as consecutive flat ``uint8`` arrays: the whole array
    when it is contiguous (no copy), else contiguous copies of blocks of rows of at most about
    ``per`` bytes (a broadcast or transposed view is never materialised whole)."""
    if arr.flags.c_contiguous or arr.ndim == 0 or arr.size == 0:
        yield np.ascontiguousarray(arr).reshape(-1).view(np.uint8)
        return
    row = arr.nbytes // arr.shape[0]
    k = max(1, per // max(row, 1))
    for i in range(0, arr.shape[0], k):
        yield np.ascontiguousarray(arr[i:i + k]).reshape(-1).view(np.uint8)


def write_regions(path: str | os.PathLike, regions: Iterable[tuple[int, np.ndarray]]) -> None:
    """Write each array's bytes (C order, any strides) at its offset of the existing file
    ``path``, then fsync.

    Parameters
    ----------
    path : path-like
    regions : iterable of (int, ndarray)
        ``(offset, array)``; offsets that are multiples of :data:`ALIGN` are written with
        ``O_DIRECT`` where possible (all but a last partial block), others buffered.
    """
    buffered = os.open(path, os.O_WRONLY)
    direct = _open_direct(path, os.O_WRONLY)
    bounce = mmap.mmap(-1, CHUNK)  # page-aligned, as O_DIRECT needs
    try:
        _write_all(buffered, direct, bounce, regions)
        if direct is not None:
            os.fsync(direct)
        os.fsync(buffered)
    finally:
        if direct is not None:
            os.close(direct)
        os.close(buffered)
        _close(bounce)


def _write_all(buffered: int, direct: int | None, bounce: mmap.mmap, regions) -> None:
    """Stream each region's bytes through the bounce buffer: full buffers (multiples of
    :data:`ALIGN`, at aligned offsets) go out with ``O_DIRECT``, a region's last partial block
    buffered; after a refused direct write, everything buffered."""
    raw = memoryview(bounce)
    refused = False
    try:
        for offset, arr in regions:
            pos = int(offset)
            fd = direct if not refused and pos % ALIGN == 0 else None
            fill = 0
            for piece in _byte_pieces(arr, CHUNK):
                i = 0
                while i < piece.size:
                    n = min(CHUNK - fill, piece.size - i)
                    raw[fill:fill + n] = piece[i:i + n]
                    fill += n
                    i += n
                    if fill == CHUNK:
                        used = _flush(raw, fill, pos, fd, buffered)
                        refused = refused or (fd is not None and used is None)
                        fd = used
                        pos += fill
                        fill = 0
            if fill:
                used = _flush(raw, fill, pos, fd, buffered)
                refused = refused or (fd is not None and used is None)
    finally:
        raw.release()


def _flush(raw: memoryview, n: int, pos: int, direct: int | None, buffered: int) -> int | None:
    """Write ``raw[:n]`` at ``pos``: its whole blocks with ``direct`` (if any), the rest
    buffered. Returns ``direct``, or None if the system refused a direct write (``EINVAL``: an
    alignment this filesystem does not take), after writing the bytes buffered."""
    whole = n - n % ALIGN if direct is not None else 0
    if whole:
        try:
            _pwrite_all(direct, raw[:whole], pos)
        except OSError as err:
            if err.errno != errno.EINVAL:
                raise
            direct, whole = None, 0
    if whole < n:
        _pwrite_all(buffered, raw[whole:n], pos + whole)
    return direct


def _close(bounce: mmap.mmap) -> None:
    """Unmap a bounce buffer; if an exception's traceback still holds a view of it, leave it to
    the garbage collector (closing would raise ``BufferError`` over the real error)."""
    try:
        bounce.close()
    except BufferError:
        pass


def _pwrite_all(fd: int, data: memoryview, offset: int) -> None:
    while len(data):
        n = os.pwrite(fd, data, offset)
        data, offset = data[n:], offset + n


def hash_from(path: str | os.PathLike, h, offset: int = 0) -> int:
    """Feed the bytes of ``path`` from ``offset`` on into the hash ``h`` (buffered reads of
    1 MB); returns how many."""
    size = 0
    with open(path, "rb") as fh:
        fh.seek(offset)
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
            size += len(block)
    return size


def file_sha256(path: str | os.PathLike) -> tuple[str, int]:
    """sha256 and size of a file [bytes], read with ``O_DIRECT`` where possible."""
    h = hashlib.sha256()
    size = 0
    fd = _open_direct(path, os.O_RDONLY)
    if fd is None:
        size = hash_from(path, h)
        return h.hexdigest(), size
    bounces = [mmap.mmap(-1, CHUNK), mmap.mmap(-1, CHUNK)]
    views = [memoryview(b) for b in bounces]
    try:
        # the next block is read (no GIL) while this one is hashed (hashlib releases it too)
        with ThreadPoolExecutor(max_workers=1) as reader:
            pending = reader.submit(os.readv, fd, [bounces[0]])
            k = 0
            while True:
                try:
                    n = pending.result()
                except OSError as err:  # EINVAL: direct reads refused here; read on buffered
                    if err.errno != errno.EINVAL:
                        raise
                    n = 0
                if n == CHUNK:
                    pending = reader.submit(os.readv, fd, [bounces[1 - k]])
                if n > 0:
                    h.update(views[k][:n])
                    size += n
                if n < CHUNK:  # the end of the file (a short read); anything after it, buffered
                    size += hash_from(path, h, size)
                    break
                k = 1 - k
    finally:
        for v in views:
            v.release()
        os.close(fd)
        for b in bounces:
            _close(b)
    return h.hexdigest(), size
