"""Safe YAML reading that keeps the file and line of every value.

Scenario files are parsed with PyYAML's *composer* only (no object construction), and the
node graph is turned into a tree of :class:`YNode` (value, file, line). On the way:

* only the standard YAML tags are accepted (str, int, float, bool, null, map, seq, timestamp):
  ``!!python/object`` and every other explicit tag is refused (safe loading only);
* the file must be UTF-8 (a BOM is allowed); other bytes give one line naming the line of the
  first bad byte;
* the document may hold at most :data:`MAX_NODES` nodes *after* alias expansion. The expanded
  size is computed from the composed graph with memoisation (linear in the file, bounded
  memory) before anything is expanded, so an alias bomb ("billion laughs") is refused at once;
* files larger than :data:`MAX_BYTES` are refused;
* duplicate keys in one mapping are an error (YAML itself silently keeps the last one);
* merge keys (``<<: *anchor``) are expanded as YAML 1.1 specifies.
"""

from __future__ import annotations

import datetime as _dt
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from energysim.errors import ScenarioError

#: Largest number of YAML nodes a scenario may hold after alias expansion.
MAX_NODES = 10_000
#: Largest scenario file accepted [bytes].
MAX_BYTES = 2_000_000

_STD = "tag:yaml.org,2002:"
_SCALAR_TAGS = {f"{_STD}{t}" for t in ("str", "int", "float", "bool", "null", "timestamp")}
_ALLOWED_TAGS = _SCALAR_TAGS | {f"{_STD}map", f"{_STD}seq", f"{_STD}merge"}


@dataclass(frozen=True, slots=True)
class YNode:
    """One YAML value with where it was written.

    Attributes
    ----------
    value : dict, list or scalar
        A ``dict`` of key → :class:`YNode` (keys are plain Python scalars), a ``list`` of
        :class:`YNode`, or a scalar (str, int, float, bool, None, date).
    file : str
        The file it was read from.
    line : int
        1-based line where the value starts.
    key_lines : dict or None
        For mappings: key → 1-based line of the key.
    """

    value: Any
    file: str
    line: int
    key_lines: dict | None = None

    @property
    def is_map(self) -> bool:
        return isinstance(self.value, dict)

    @property
    def is_seq(self) -> bool:
        return isinstance(self.value, list)

    def plain(self) -> Any:
        """The value with all :class:`YNode` wrappers removed."""
        if isinstance(self.value, dict):
            return {k: v.plain() for k, v in self.value.items()}
        if isinstance(self.value, list):
            return [v.plain() for v in self.value]
        return self.value


class _Loader(yaml.SafeLoader):
    """SafeLoader whose composer counts nodes (anchors included) as it goes."""

    def __init__(self, stream, file: str) -> None:
        super().__init__(stream)
        self.file = file
        self.composed = 0

    def compose_node(self, parent, index):
        self.composed += 1
        if self.composed > MAX_NODES:
            raise ScenarioError(
                f"document too large (expected at most {MAX_NODES} YAML nodes, got more)",
                file=self.file,
                line=self.peek_event().start_mark.line + 1,
            )
        return super().compose_node(parent, index)


def decode_utf8(data: bytes, file: str) -> str:
    """Decode scenario bytes strictly as UTF-8 (BOM allowed).

    Raises
    ------
    ScenarioError
        With the line of the first byte that is not UTF-8.
    """
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise ScenarioError(
            f"file is not valid UTF-8 (expected UTF-8 text, got byte 0x{data[exc.start]:02x} "
            f"at offset {exc.start})",
            file=file,
            line=line,
            key=enclosing_key(data.decode("utf-8", errors="replace"), line),
        ) from None


def read_yaml(path: str | Path, *, display: str | None = None, echo: bool = True) -> YNode:
    """Read one scenario YAML file into a :class:`YNode` tree.

    Parameters
    ----------
    path : str or Path
        The file.
    display : str, optional
        How the file is named in messages (default: ``str(path)``).
    echo : bool
        Whether error messages may quote the file's text (see :func:`parse_yaml`).
    """
    file = display if display is not None else str(path)
    try:
        data = _read_regular(path, file)
    except FileNotFoundError:
        raise ScenarioError(
            f"file not found (expected an existing scenario file, got {str(path)!r})", file=file
        ) from None
    except IsADirectoryError:
        raise ScenarioError(
            f"is a directory (expected a scenario file, got {str(path)!r})", file=file
        ) from None
    except OSError as exc:
        raise ScenarioError(f"cannot read file ({exc.strerror})", file=file) from None
    if len(data) > MAX_BYTES:
        raise ScenarioError(
            f"file too large (expected at most {MAX_BYTES} bytes, got more)", file=file
        )
    return parse_yaml(decode_utf8(data, file), file=file, echo=echo)


def _read_regular(path: str | Path, file: str) -> bytes:
    """At most ``MAX_BYTES + 1`` bytes of a regular file; a FIFO, device or socket is refused
    without blocking (opened non-blocking, checked with ``fstat`` before reading)."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            if stat.S_ISDIR(os.fstat(fd).st_mode):
                raise IsADirectoryError(path)
            raise ScenarioError(
                f"not a regular file (expected a scenario file, got a device, pipe or socket "
                f"{str(path)!r})",
                file=file,
            )
        with os.fdopen(fd, "rb", closefd=False) as fh:
            return fh.read(MAX_BYTES + 1)
    finally:
        os.close(fd)


#: Characters refused in scenario text: C0 controls but tab, LF and CR; DEL; C1 controls;
#: surrogates; the non-characters U+FFFE and U+FFFF (YAML forbids them; a terminal may act on
#: them when an error message shows the line).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def check_printable(text: str, file: str) -> None:
    """Refuse control characters with one line naming the line, column and code point.

    Raises
    ------
    ScenarioError
    """
    m = _CONTROL.search(text)
    if m is None:
        return
    line = text.count("\n", 0, m.start()) + 1
    column = m.start() - (text.rfind("\n", 0, m.start()) + 1) + 1
    raise ScenarioError(
        f"control character U+{ord(m.group()):04X} in column {column} (expected printable "
        "text, got a control character)",
        file=file,
        line=line,
        key=enclosing_key(text, line),
    )


def parse_yaml(text: str, *, file: str = "<string>", echo: bool = True) -> YNode:
    """Parse YAML text into a :class:`YNode` tree (an empty document gives an empty mapping).

    ``echo=False`` keeps the file's text out of error messages (a parent named by
    ``extends``: its content is not the user's to see through energysim).
    """
    check_printable(text, file)
    loader = _Loader(text, file)
    loader.echo = echo
    try:
        return _parse(loader, text, file)
    except RecursionError:
        raise ScenarioError(
            "YAML nested too deeply (expected at most a few dozen levels, got more)", file=file
        ) from None
    finally:
        loader.dispose()


def _parse(loader: _Loader, text: str, file: str) -> YNode:
    try:
        root = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        # an unclosed bracket or quote is reported where it opened (where the fix goes), with
        # the line where the parser noticed; other errors where they are
        mark = exc.problem_mark or exc.context_mark
        opened = exc.context is not None and ("flow" in exc.context or "quoted" in exc.context)
        start = exc.context_mark if opened and exc.context_mark is not None else mark
        line = start.line + 1 if start is not None else None
        what = exc.problem or "invalid YAML"
        if exc.context and exc.context_mark is not None and mark is not None:
            where = f" on line {mark.line + 1}" if start is not mark else ""
            what = f"{exc.context}, {what}{where}"
        raise ScenarioError(
            f"YAML syntax error: {what} (expected valid YAML, got "
            f"{_near(text, mark) if getattr(loader, 'echo', True) else 'other text'})",
            file=file,
            line=line,
            key=enclosing_key(text, line) if line is not None else None,
        ) from None
    except yaml.YAMLError as exc:  # pragma: no cover - reader errors without marks
        raise ScenarioError(f"YAML error: {exc}", file=file) from None
    if root is None:
        return YNode({}, file, 1, {})
    expanded_size(root, file)
    return _convert(root, loader, file)


_KEY_LINE = re.compile(
    r"""^(?P<indent>[ ]*)(?:- )?(?P<key>[^\s#:'"{}\[\],&*!|>-][^#:{}\[\],]*?)\s*:(?:\s|$)"""
)


def enclosing_key(text: str, line: int) -> str | None:
    """Best-effort dotted path of the block-style keys enclosing ``line`` (1-based).

    Used only to name the place of errors found before there is a node tree (YAML syntax
    errors, bad bytes): each earlier line ``key:`` opens a level at its indentation.
    """
    stack: list[tuple[int, str]] = []
    for raw in text.splitlines()[:line]:
        m = _KEY_LINE.match(raw)
        if m is None:
            continue
        indent = len(m.group("indent"))
        while stack and stack[-1][0] >= indent:
            stack.pop()
        stack.append((indent, m.group("key").strip()))
    return ".".join(k for _, k in stack) or None


def _near(text: str, mark) -> str:
    if mark is None:
        return "end of file"
    lines = text.splitlines()
    if 0 <= mark.line < len(lines):
        snippet = lines[mark.line].strip()
        return repr(snippet if len(snippet) <= 50 else snippet[:47] + "...")
    return "end of file"


def expanded_size(root: yaml.Node, file: str) -> int:
    """Number of nodes after alias expansion, refusing more than :data:`MAX_NODES`.

    Computed bottom-up with memoisation on node identity, so a document whose expansion is
    exponential (an alias bomb) costs time linear in its composed size.
    """
    memo: dict[int, int] = {}
    on_path: set[int] = set()

    def size(node: yaml.Node, path: str) -> int:
        key = id(node)
        if key in memo:
            return memo[key]
        if key in on_path:
            raise ScenarioError(
                "recursive alias (expected a tree, got an alias to an enclosing node)",
                file=file,
                line=node.start_mark.line + 1,
                key=path or None,
            )
        on_path.add(key)
        total = 1
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                name = k.value if isinstance(k, yaml.ScalarNode) else "?"
                total += size(k, path) + size(v, _join(path, name))
                if total > MAX_NODES:
                    break
        elif isinstance(node, yaml.SequenceNode):
            for i, v in enumerate(node.value):
                total += size(v, f"{path}[{i}]")
                if total > MAX_NODES:
                    break
        on_path.discard(key)
        if total > MAX_NODES:
            raise ScenarioError(
                f"too many YAML nodes after alias expansion (expected at most {MAX_NODES}, "
                f"got more; an alias bomb?)",
                file=file,
                line=node.start_mark.line + 1,
                key=path or None,
            )
        memo[key] = total
        return total

    return size(root, "")


def _join(path: str, name) -> str:
    return f"{path}.{name}" if path else str(name)


def _convert(node: yaml.Node, loader: _Loader, file: str, path: str = "") -> YNode:
    line = node.start_mark.line + 1
    if node.tag not in _ALLOWED_TAGS:
        raise ScenarioError(
            f"YAML tag {node.tag!r} is not allowed (expected plain YAML values, got a tag that "
            f"constructs objects; only safe loading is supported)",
            file=file,
            line=line,
            key=path or None,
        )
    if isinstance(node, yaml.ScalarNode):
        if node.tag == f"{_STD}merge":
            return YNode("<<", file, line)
        value = loader.construct_object(node)
        if isinstance(value, float) and value != value:  # .nan
            raise ScenarioError(
                "NaN is not allowed (expected a number, got .nan)",
                file=file,
                line=line,
                key=path or None,
            )
        if isinstance(value, (_dt.date, _dt.datetime)):
            value = str(node.value)
        return YNode(value, file, line)
    if isinstance(node, yaml.SequenceNode):
        return YNode(
            [_convert(v, loader, file, f"{path}[{i}]") for i, v in enumerate(node.value)],
            file,
            line,
        )
    # mapping: expand merge keys (YAML 1.1) then check duplicates
    n_merged = 0
    n_merge_keys = sum(k.tag == f"{_STD}merge" for k, _ in node.value)
    if n_merge_keys:
        before = len(node.value) - n_merge_keys
        loader.flatten_mapping(node)
        n_merged = len(node.value) - before  # merged entries come first; later ones win
    out: dict = {}
    key_lines: dict = {}
    for i, (k_node, v_node) in enumerate(node.value):
        if not isinstance(k_node, yaml.ScalarNode):
            raise ScenarioError(
                "mapping key is not a scalar (expected a name or a year, got a "
                f"{'mapping' if isinstance(k_node, yaml.MappingNode) else 'list'})",
                file=file,
                line=k_node.start_mark.line + 1,
                key=path or None,
            )
        key = _convert(k_node, loader, file, path).value
        if key in out and i >= n_merged and key_lines.get(key, 0) >= 0:
            raise ScenarioError(
                f"duplicate key {key!r} (expected each key once in a mapping, got it again; "
                f"first on line {abs(key_lines[key])})",
                file=file,
                line=k_node.start_mark.line + 1,
                key=_join(path, key),
            )
        line_k = k_node.start_mark.line + 1
        # merged keys get a negative line mark so that explicit keys may override them
        key_lines[key] = -line_k if i < n_merged else line_k
        out[key] = _convert(v_node, loader, file, _join(path, key))
    key_lines = {k: abs(v) for k, v in key_lines.items()}
    return YNode(out, file, line, key_lines)
