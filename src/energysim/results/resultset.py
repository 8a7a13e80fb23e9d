"""Output folders and result sets: where a command writes, and how a set is published.

A *result set* is the group of files one command writes into its output folder (``run``:
``results.nc`` or ``summary.nc`` or ``results.zarr``, ``summary.csv``, ``summary.xlsx``;
``sweep``: ``sweep.csv``; ``sensitivity``: ``sensitivity.csv`` and ``tornado_*.png``), plus a
``manifest.json`` naming them. docs/robustness.md explains the rules; in short:

* **Inside the chosen root.** The default folder is ``results/<name>``, where ``<name>`` (from a
  scenario's or sweep's ``name:``) is reduced to one safe path component
  (:func:`safe_component`): ``name: ../../x`` writes to ``results/x``, never elsewhere.
* **Checked before the simulation.** :func:`prepare_output` creates the folder, takes the lock and
  refuses a file in the way, a folder under a file, a folder that cannot be written and a set
  that would not fit on the disk — one line, exit status 2, before anything is simulated.
* **One run at a time.** ``<folder>/.energysim.lock`` is held (``flock``) while a command
  writes; a second command into the same folder stops with one line. The kernel releases the
  lock when a process dies, so a killed run never blocks the next one.
* **Staged, committed, published.** Every file is first written into
  ``<folder>/.staging-<run id>/``. The manifest (run id, seed, scenario, sha256 and size of every
  file) is written there last: that is the commit point. Publishing then removes the old
  manifest, removes files of an older set that the new set does not have (a summary-mode run
  leaves no older ``results.nc`` behind), moves each file into place (a Zarr store: the old store
  is renamed aside first, then deleted), and moves the manifest last.
* **Recovery.** The next command into the folder (and :func:`recover`) finishes an interrupted
  publish (a committed staging folder is rolled forward) and deletes the leftovers of a run killed
  before its commit (staging folders, temporary files, stores set aside). So after a kill the
  folder holds either the old set or, once recovered, the whole new one; the manifest present is
  always the one of the files beside it (:func:`verify`).
* **Disk full** while staging is one line; the previous set is untouched.
* Every file carries the run id: NetCDF/Zarr attribute ``run_id``, a ``run_id`` column in the
  CSV tables, a row of the xlsx run sheet, PNG metadata, and the manifest.

Test hook: ``ENERGYSIM_TEST_KILL_AT=<point>`` sends SIGKILL to the process itself at a named
point of staging or publishing (used by tests/test_resultset_kill.py); it does nothing else.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import re
import shutil
import signal
import time
import unicodedata
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from energysim.errors import OutputError, display_path
from energysim.results import fileio
from energysim.text.numbers import format_size

__all__ = [
    "safe_component",
    "default_output",
    "prepare_output",
    "ResultSet",
    "recover",
    "verify",
    "new_run_id",
    "MANIFEST",
    "LOCK",
]

#: Name of the manifest of a published set.
MANIFEST = "manifest.json"
#: Name of the lock file of an output folder.
LOCK = ".energysim.lock"
#: Prefix of staging folders.
STAGING = ".staging-"
#: Files (glob patterns) that belong to a result set; older ones not in a new set are removed.
SET_PATTERNS = ("results.nc", "summary.nc", "results.zarr", "summary.csv", "summary.xlsx",
                "sweep.csv", "sensitivity.csv", "tornado_*.png", MANIFEST)
#: Longest folder name made from a scenario or sweep name [characters].
MAX_COMPONENT = 80
#: Free space kept in reserve beyond the estimate of a set [bytes].
SPACE_MARGIN = 2**20

_KILL_ENV = "ENERGYSIM_TEST_KILL_AT"


def _hook(point: str) -> None:
    """Test hook: SIGKILL this process at ``point`` when ``ENERGYSIM_TEST_KILL_AT`` names it."""
    if os.environ.get(_KILL_ENV) == point:
        os.kill(os.getpid(), signal.SIGKILL)


def new_run_id() -> str:
    """A fresh run id: UTC time and 8 random hex digits, e.g. ``20261204T231500Z-3f2a9c1b``."""
    return time.strftime("%Y%m%dT%H%M%SZ", time.gmtime()) + "-" + uuid.uuid4().hex[:8]


# ---------------------------------------------------------------------------------------------
# names and folders
# ---------------------------------------------------------------------------------------------

_UNSAFE = re.compile(r"[^\w.\-]+", re.UNICODE)


def safe_component(name: str, fallback: str = "scenario") -> str:
    """One safe path component from a scenario or sweep name.

    Separators, ``..``, control characters and anything but letters (any script), digits,
    ``_``, ``-`` and ``.`` become ``_``; leading dots are dropped; at most
    :data:`MAX_COMPONENT` characters. ``"../../x"`` → ``"x"``; ``"/etc"`` → ``"etc"``;
    ``"基准 情景"`` → ``"基准_情景"``; ``""`` or ``".."`` → ``fallback``.
    """
    text = unicodedata.normalize("NFC", str(name))
    parts = [q for q in re.split(r"[/\\]+", text) if q.strip(". ")]
    text = _UNSAFE.sub("_", "_".join(parts)).lstrip("._-")
    text = text[:MAX_COMPONENT].rstrip("._-")
    return text or fallback


def default_output(name: str, *sub: str, root: str | os.PathLike = "results") -> Path:
    """``results/<safe name>[/sub…]``: the default folder of a run, sweep or sensitivity."""
    return Path(root, safe_component(name), *sub)


def _fail(message: str, path: Path, hint: str | None = None) -> OutputError:
    return OutputError(message, file=display_path(path), key="--output", hint=hint)


def check_output_path(path: str | os.PathLike) -> Path:
    """Refuse, without creating anything, an output folder that cannot be a folder.

    Raises
    ------
    OutputError
        When ``path`` is an existing file, lies under a file, or has a parent that cannot be
        read.
    """
    p = Path(path)
    if p.exists() and not p.is_dir():
        raise _fail(f"output is a file (expected a folder, got an existing file {str(p)!r})", p,
                    "choose another folder with -o")
    for parent in [p, *p.parents]:
        try:
            if parent.exists():
                if not parent.is_dir():
                    raise _fail(f"output lies under a file (expected a folder, got a file "
                                f"{str(parent)!r} on the way)", p, "choose another folder with -o")
                break
        except PermissionError:
            raise _fail(f"output not reachable (expected a folder you can write, got no "
                        f"permission on {str(parent)!r})", p) from None
    return p


def _mkdir(p: Path) -> None:
    try:
        p.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise _fail("output is a file (expected a folder)", p) from None
    except NotADirectoryError:
        raise _fail("output lies under a file (expected a folder)", p) from None
    except OSError as exc:
        raise _fail(f"cannot create the output folder ({exc.strerror or exc})", p) from None


def prepare_output(path: str | os.PathLike, *, need_bytes: int = 0) -> Path:
    """Check an output folder before any simulation: create it and probe that it is writable.

    Parameters
    ----------
    path : path-like
        The output folder.
    need_bytes : int
        Estimated size of the result set [bytes]; refused when the disk has less free space
        (plus :data:`SPACE_MARGIN`).

    Returns
    -------
    pathlib.Path

    Raises
    ------
    OutputError
        One line: a file in the way, a folder under a file, no permission, a read-only file
        system, not enough free space.
    """
    p = check_output_path(path)
    _mkdir(p)
    probe = p / f".energysim-probe-{os.getpid()}-{uuid.uuid4().hex[:6]}"
    try:
        with open(probe, "wb") as fh:
            fh.write(b"ok")
    except OSError as exc:
        raise _fail(f"output folder not writable (expected a folder you can write, got "
                    f"{exc.strerror or exc})", p) from None
    finally:
        try:
            probe.unlink()
        except OSError:
            pass
    check_space(p, need_bytes)
    return p


def check_space(p: Path, need_bytes: int) -> None:
    """Refuse a set of ``need_bytes`` when the disk of ``p`` has less free space."""
    if need_bytes <= 0:
        return
    try:
        free = shutil.disk_usage(p).free
    except OSError:
        return
    if free < need_bytes + SPACE_MARGIN:
        raise _fail(f"not enough free disk space (expected about {format_size(need_bytes)} "
                    f"for the results, got {format_size(free)} free)", p,
                    "free space, choose another folder with -o, or keep less (--keep summary)")


# ---------------------------------------------------------------------------------------------
# lock
# ---------------------------------------------------------------------------------------------


class _Lock:
    """An exclusive, non-blocking ``flock`` on ``<folder>/.energysim.lock``."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / LOCK
        self.fd: int | None = None

    def acquire(self) -> None:
        import fcntl  # lazy: POSIX only

        for _ in range(20):
            try:
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            except OSError as exc:
                raise _fail(f"cannot create the lock file ({exc.strerror or exc})",
                            self.path.parent) from None
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                holder = _read_text(fd).strip() or "another process"
                os.close(fd)
                raise _fail(f"another energysim run is writing to this folder (expected no "
                            f"other run, got {holder})", self.path.parent,
                            "wait for it to finish or choose another folder with -o") from None
            # the file may have been unlinked by the previous holder between open and flock
            try:
                same = os.fstat(fd).st_ino == os.stat(self.path).st_ino
            except FileNotFoundError:
                same = False
            if same:
                os.ftruncate(fd, 0)
                os.write(fd, f"pid {os.getpid()}".encode())
                self.fd = fd
                return
            os.close(fd)
        raise _fail("cannot lock the output folder (expected a stable lock file)",
                    self.path.parent)  # pragma: no cover

    def release(self) -> None:
        if self.fd is None:
            return
        try:
            self.path.unlink()
        except OSError:
            pass
        os.close(self.fd)
        self.fd = None


def _read_text(fd: int) -> str:
    try:
        os.lseek(fd, 0, os.SEEK_SET)
        return os.read(fd, 200).decode("utf-8", "replace")
    except OSError:
        return ""


# ---------------------------------------------------------------------------------------------
# hashing, manifest, verification
# ---------------------------------------------------------------------------------------------


def _sha256(path: Path) -> tuple[str, int]:
    """sha256 and size of a file, or of a folder (Zarr store: every file, in sorted order)."""
    if not path.is_dir():  # a file: read around the page cache (results.fileio)
        return fileio.file_sha256(path)
    h = hashlib.sha256()
    size = 0
    for f in sorted(q for q in path.rglob("*") if q.is_file()):
        h.update(str(f.relative_to(path)).encode() + b"\0")
        size += fileio.hash_from(f, h)
    return h.hexdigest(), size


def verify(folder: str | os.PathLike) -> dict:
    """Check a published set against its manifest.

    Returns
    -------
    dict
        The manifest.

    Raises
    ------
    OutputError
        No manifest, an interrupted publish, or a file missing or different from the manifest.
    """
    p = Path(folder)
    staged = [s for s in p.glob(f"{STAGING}*") if (s / MANIFEST).is_file()]
    if staged:
        raise _fail("interrupted result set (expected a published set, got a run killed while "
                    "publishing)", p, "run `energysim run` (or the same command) again into "
                    "this folder: it finishes the interrupted set first")
    try:
        manifest = json.loads((p / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise _fail(f"no result set (expected {MANIFEST}, got none)", p) from None
    except (OSError, ValueError) as exc:
        raise _fail(f"unreadable {MANIFEST} ({exc})", p) from None
    for name, info in manifest.get("files", {}).items():
        f = p / name
        if not f.exists():
            raise _fail(f"result set incomplete (expected {name}, got none)", p)
        digest, _ = _sha256(f)
        if digest != info["sha256"]:
            raise _fail(f"result set mixed (expected {name} of run {manifest['run_id']}, got "
                        "another file)", p)
    return manifest


def _check_manifest_is_ours(folder: Path) -> None:
    """Refuse a folder whose ``manifest.json`` energysim did not write (it is never replaced)."""
    path = folder / MANIFEST
    if not path.exists():
        return
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        ours = isinstance(data, dict) and "run_id" in data and isinstance(data.get("files"), dict)
    except (OSError, ValueError):
        ours = False
    if not ours:
        raise _fail(f"the folder holds a {MANIFEST} that energysim did not write (expected "
                    "an energysim output folder, got another program's file)", folder,
                    "choose another folder with -o")


def _set_members(folder: Path) -> set[str]:
    found = set()
    for pattern in SET_PATTERNS:
        found.update(q.name for q in folder.glob(pattern))
    return found


# ---------------------------------------------------------------------------------------------
# recovery and publishing
# ---------------------------------------------------------------------------------------------


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        try:
            path.unlink()
        except FileNotFoundError:
            pass


def _roll_forward(folder: Path, staging: Path) -> None:
    """Publish a committed staging folder (idempotent: finishes a publish that was killed)."""
    manifest = json.loads((staging / MANIFEST).read_text(encoding="utf-8"))
    rid = manifest["run_id"]
    names = list(manifest["files"])
    old_manifest = folder / MANIFEST
    if old_manifest.exists():
        old_manifest.unlink()  # from here until the end, no manifest claims a mixed folder
    _hook("publish:manifest-removed")
    for stale in sorted(_set_members(folder) - set(names) - {MANIFEST}):
        _remove(folder / stale)
    for name in names:
        src = staging / name
        if not src.exists():
            continue  # moved by the interrupted publish
        dst = folder / name
        if dst.is_dir() and not dst.is_symlink():
            aside = folder / f".{name}.old-{rid}"
            os.replace(dst, aside)  # the old store is set aside whole, never half-deleted
            os.replace(src, dst)
            shutil.rmtree(aside, ignore_errors=True)
        else:
            os.replace(src, dst)
        _hook(f"publish:{name}")
    os.replace(staging / MANIFEST, folder / MANIFEST)
    _hook("publish:manifest")
    shutil.rmtree(staging, ignore_errors=True)


def recover(folder: str | os.PathLike) -> list[str]:
    """Finish interrupted publishes and delete leftovers of killed runs in ``folder``.

    Call with the folder's lock held (:class:`ResultSet` does).

    Returns
    -------
    list of str
        What was done, for messages and tests.
    """
    p = Path(folder)
    done = []
    stagings = sorted(p.glob(f"{STAGING}*"), key=lambda s: s.stat().st_mtime)
    for s in stagings:
        if (s / MANIFEST).is_file():
            _roll_forward(p, s)
            done.append(f"finished {s.name}")
        else:
            shutil.rmtree(s, ignore_errors=True)
            done.append(f"removed {s.name}")
    for leftover in [*p.glob(".*.tmp"), *p.glob(".*.old-*")]:
        _remove(leftover)
        done.append(f"removed {leftover.name}")
    return done


@dataclass
class ResultSet:
    """Write a result set into a folder: staged, committed by its manifest, then published.

    Use as a context manager::

        with ResultSet(out, run_id=rid, meta={"seed": 1, "scenario": "baseline"}) as rs:
            write_netcdf(ds, rs.path("results.nc"))
            ...
        # published here (only when the block succeeded); rs.published lists the files

    Parameters
    ----------
    folder : path
        The output folder (created; checked by :func:`prepare_output`).
    run_id : str
    meta : dict
        Written into the manifest (seed, scenario, command …).
    need_bytes : int
        Size estimate for the free-space check [bytes].
    """

    folder: Path
    run_id: str
    meta: dict = field(default_factory=dict)
    need_bytes: int = 0
    published: list[Path] = field(default_factory=list)
    recovered: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.folder = Path(self.folder)
        self._lock = _Lock(self.folder)
        self.staging = self.folder / f"{STAGING}{self.run_id}"
        self._names: list[str] = []

    # -- context
    def __enter__(self) -> ResultSet:
        self._created = [d for d in [self.folder, *self.folder.parents] if not d.exists()]
        try:
            prepare_output(self.folder, need_bytes=self.need_bytes)
            self._lock.acquire()
        except BaseException:
            _remove_empty(self._created)
            raise
        try:
            _check_manifest_is_ours(self.folder)
            self.recovered = recover(self.folder)
            self.staging.mkdir()
        except BaseException:
            self._lock.release()
            _remove_empty(self._created)
            raise
        return self

    def __exit__(self, exc_type, exc, tb) -> bool:
        try:
            if exc_type is None:
                try:
                    self._commit()
                except OSError as err:
                    raise _disk_error(err, self.folder) from None
                _roll_forward(self.folder, self.staging)
                self.published = [self.folder / n for n in self._names]
                return False
            shutil.rmtree(self.staging, ignore_errors=True)
            if isinstance(exc, OSError) and not isinstance(exc, OutputError):
                raise _disk_error(exc, self.folder) from None
            return False
        finally:
            if exc_type is not None or not self.published:
                shutil.rmtree(self.staging, ignore_errors=True)
            self._lock.release()
            if not self.published:
                _remove_empty(self._created)

    # -- writing
    def path(self, name: str) -> Path:
        """Where to write member ``name`` of the set (inside the staging folder)."""
        if Path(name).name != name or name.startswith("."):
            raise ValueError(f"a set member is a plain file name, got {name!r}")
        if name not in self._names:
            self._names.append(name)
        return self.staging / name

    def adopt(self, paths: Iterable[Path]) -> None:
        """Register files a writer put into :attr:`staging` itself (``write(result, folder)``)."""
        for p in paths:
            p = Path(p)
            if p.parent != self.staging:
                raise ValueError(f"{p} is not in the staging folder {self.staging}")
            self.path(p.name)
            if p.suffix == ".png":
                stamp_png(p, self.run_id)

    def _commit(self) -> None:
        files = {}
        for name in self._names:
            f = self.staging / name
            if not f.exists():
                raise FileNotFoundError(errno.ENOENT, f"set member {name} was not written")
            _hook(f"staged:{name}")
            digest, size = _sha256(f)
            files[name] = {"sha256": digest, "bytes": size}
        manifest = {"run_id": self.run_id, **self.meta, "files": files,
                    "written_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
        tmp = self.staging / f".{MANIFEST}.tmp"
        with open(tmp, "w", encoding="utf-8") as fh:
            json.dump(manifest, fh, ensure_ascii=False, indent=1, default=str)
            fh.flush()
            os.fsync(fh.fileno())
        _fsync_tree(self.staging)
        os.replace(tmp, self.staging / MANIFEST)  # the commit point
        _hook("committed")


def _remove_empty(created: list[Path]) -> None:
    """Remove the folders a failed command created, innermost first, while they are empty (a
    failed run leaves nothing behind)."""
    for d in created:
        try:
            d.rmdir()
        except OSError:
            return


def _fsync_tree(folder: Path) -> None:
    for f in [*folder.rglob("*"), folder]:
        try:
            fd = os.open(f, os.O_RDONLY)
        except OSError:
            continue
        try:
            os.fsync(fd)
        except OSError:
            pass
        finally:
            os.close(fd)


def _disk_error(err: OSError, folder: Path) -> OutputError:
    if err.errno in (errno.ENOSPC, errno.EDQUOT):
        return _fail("disk full while writing the results (expected free space, got none "
                     "left); the previous results are unchanged", folder,
                     "free space or choose another folder with -o")
    if err.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return _fail(f"cannot write the results ({err.strerror}); the previous results are "
                     "unchanged", folder)
    return _fail(f"cannot write the results ({err.strerror or err}); the previous results are "
                 "unchanged", folder)


def stamp_png(path: Path, run_id: str) -> None:
    """Add the run id to a PNG as a text chunk (``energysim run_id``)."""
    from PIL import Image  # lazy: pillow loads only when a PNG is stamped
    from PIL.PngImagePlugin import PngInfo  # lazy: pillow loads only when a PNG is stamped

    with Image.open(path) as img:
        img.load()
        info = PngInfo()
        for k, v in img.text.items() if hasattr(img, "text") else ():
            info.add_text(k, v)
        info.add_text("energysim run_id", run_id)
        tmp = path.with_name(f".{path.name}.tmp")
        img.save(tmp, format="PNG", pnginfo=info)
    os.replace(tmp, path)
