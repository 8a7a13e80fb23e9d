"""Sample blocks: how an ensemble is cut, and the C allocator tuned for block after block.

* :func:`blocks` — the ``[a, b)`` ranges of ``size`` samples (a lone last sample merged into
  the previous block, so results never depend on the block size);
* :data:`DEFAULT_CHUNK` — samples per block;
* :func:`tune_allocator` — keep freed memory for the next block (glibc).
"""

from __future__ import annotations

import os
import sys

__all__ = ["DEFAULT_CHUNK", "blocks", "tune_allocator"]


#: Samples per block (rows of 8k float64 = 64 KiB stay in the L2 cache). A block's parameters,
#: stock histories and precomputed sector arrays take ~35 kB per sample, so 8,192 keeps the
#: blocks in flight of a 100,000-sample run within the 1.5× memory budget (16,384: ~2×) at
#: the same throughput (docs/performance.md).
DEFAULT_CHUNK = 8192


def blocks(n: int, size: int) -> list[tuple[int, int]]:
    """Sample blocks ``[a, b)`` of ``size`` samples, none of a single sample when ``n ≥ 2``.

    A block of one sample would compute its reductions over short category axes (products,
    water users) in a different floating-point order than a block of several, so a lone last
    sample is merged into the previous block: results then never depend on the chunk size.
    """
    size = max(2, int(size)) if n >= 2 else 1
    blocks = [(a, min(a + size, n)) for a in range(0, n, size)]
    if len(blocks) > 1 and blocks[-1][1] - blocks[-1][0] == 1:
        blocks[-2:] = [(blocks[-2][0], n)]
    return blocks


_ALLOCATOR_TUNED = False


def tune_allocator() -> bool:
    """Keep freed memory of the C allocator for reuse instead of returning it to the system.

    A block of samples allocates and frees many temporaries of 0.1–50 MB. glibc's default
    allocator serves those above 128 KB with ``mmap`` and trims its heap when more than a few
    MB are free, so every block pays the page faults of touching fresh memory again (on the
    2-core reference machine a fault costs ~1 µs per 4 KB page: more than the arithmetic).
    This sets ``M_MMAP_THRESHOLD`` to 32 MiB and ``M_TRIM_THRESHOLD`` to 1 GiB once per process
    (glibc only; ensembles of 2,048 samples or more: the dispatch's ``(4, n)`` buffers of one
    large block pay the same page faults, ~10× its arithmetic). Memory stays bounded by the peak in
    use. It also sets ``M_ARENA_MAX`` to 1: the worker threads then share the main heap, so what one
    block frees the next block reuses, whichever thread runs it (each thread's own arena would
    grow its own heaps, and glibc unmaps a thread heap's free top, however large the trim
    threshold). On the reference VM a page touched for the first time costs a fault in the guest
    and often one in the host: measured with ``/tmp``-style A/B runs of 100,000 samples, this
    halves the page faults (213k → 97k) and the system time (docs/performance.md). The lock
    of one arena is taken a few hundred times per block: negligible against the arithmetic.
    Set the environment variable ``ENERGYSIM_TUNE_MALLOC=0`` to leave the allocator alone.

    Returns
    -------
    bool
        Whether the settings were applied (now or earlier).
    """
    global _ALLOCATOR_TUNED
    if _ALLOCATOR_TUNED:
        return True
    if os.environ.get("ENERGYSIM_TUNE_MALLOC", "1") == "0" or not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6")
        m_trim_threshold, m_mmap_threshold, m_arena_max = -1, -3, -8  # <malloc.h>
        ok = libc.mallopt(m_mmap_threshold, 32 * 1024 * 1024) == 1
        ok = ok and libc.mallopt(m_trim_threshold, 1024 * 1024 * 1024) == 1
        ok = ok and libc.mallopt(m_arena_max, 1) == 1
    except (OSError, AttributeError):  # not glibc
        return False
    _ALLOCATOR_TUNED = ok
    return ok
