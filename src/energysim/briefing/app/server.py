"""The what-if page's web server: a small Starlette (ASGI) app run by uvicorn.

Routes (all on one local address; nothing is fetched from elsewhere):

* ``GET /`` — the page (``static/index.html``); ``/static/*`` its script and style sheet;
* ``GET /vendor/plotly.min.js`` — plotly.js from the installed ``plotly`` package;
* ``GET /fonts/NotoSansSC-Regular.otf`` — the CJK font of ``pylopdf-fonts-zh-cn`` (the one the
  charts and the brief already use);
* ``GET /api/init`` — scenario, levers (:func:`energysim.briefing.app.levers.levers_for`),
  baseline answers;
* ``POST /api/run`` — ``{"values": {path: canonical value}, "kind": "det"|"ens", "token"}`` →
  answers (:class:`energysim.briefing.app.answers.Session`);
* ``POST /api/scenario`` — the same body → the child scenario YAML as a download;
* ``POST /api/brief`` — the same body plus ``"lang"`` → the brief PDF;
* ``POST /api/open`` — a scenario file's text (header ``X-Filename``, URI-encoded) → the new
  init data, or ``{"invalid": one line}`` exactly as ``energysim validate`` reports it (the page
  keeps its scenario).

Errors in a request are answered ``400 {"error": "<one line>"}``; the page shows the line and
keeps what it drew.
"""

from __future__ import annotations

import json
import socket
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from energysim.briefing.app.answers import CHILD_FILE, Session
from energysim.errors import ScenarioError

STATIC = Path(__file__).resolve().parent / "static"
#: Largest scenario file accepted by ``/api/open`` [bytes].
MAX_UPLOAD = 2_000_000


def plotly_js() -> Path:
    """plotly.min.js shipped inside the installed ``plotly`` Python package."""
    import plotly  # lazy: plotly only to locate its plotly.min.js

    return Path(plotly.__file__).resolve().parent / "package_data" / "plotly.min.js"


def cjk_font() -> Path:
    """Noto Sans SC from ``pylopdf-fonts-zh-cn`` (already a dependency for the charts)."""
    import pylopdf_fonts_zh_cn  # lazy: the font package loads only when fonts are registered

    return Path(pylopdf_fonts_zh_cn.__file__).resolve().parent / "NotoSansSC-Regular.otf"


def _error(exc: Exception, status: int = 400) -> JSONResponse:
    text = exc.one_line() if isinstance(exc, ScenarioError) else f"{type(exc).__name__}: {exc}"
    return JSONResponse({"error": text}, status_code=status)


async def _body(request: Request) -> dict[str, Any]:
    try:
        data = json.loads(await request.body() or b"{}")
    except ValueError as exc:
        raise ScenarioError(f"request is not JSON (expected an object, got {exc})",
                            key="request") from None
    if not isinstance(data, dict):
        raise ScenarioError("request is not an object (expected {\"values\": {...}})",
                            key="request")
    values = data.get("values") or {}
    if not isinstance(values, dict):
        raise ScenarioError("values is not a mapping (expected {path: number})", key="values")
    return data


def create_app(session: Session) -> Starlette:
    """The ASGI application of one :class:`Session`."""

    async def index(request: Request) -> Response:
        return FileResponse(STATIC / "index.html", media_type="text/html; charset=utf-8")

    async def vendor_plotly(request: Request) -> Response:
        return FileResponse(plotly_js(), media_type="text/javascript")

    async def font(request: Request) -> Response:
        return FileResponse(cjk_font(), media_type="font/otf",
                            headers={"Cache-Control": "max-age=86400"})

    async def init(request: Request) -> Response:
        return JSONResponse(session.init())

    async def run(request: Request) -> Response:
        try:
            data = await _body(request)
            session.check_token(data.get("token"))
            kind = data.get("kind", "det")
            if kind not in ("det", "ens"):
                raise ScenarioError(f"unknown kind (expected det or ens, got {kind!r})",
                                    key="kind")
            fn = session.deterministic if kind == "det" else session.ensemble
            return JSONResponse(await run_in_threadpool(fn, data["values"] if "values" in data
                                                        else {}))
        except ScenarioError as exc:
            return _error(exc)

    async def scenario(request: Request) -> Response:
        try:
            data = await _body(request)
            session.check_token(data.get("token"))
            values = data.get("values") or {}
            text = await run_in_threadpool(session.child_text, values)
            name = f"{session.base.scenario.name}-whatif.yaml"
        except ScenarioError as exc:
            return _error(exc)
        return Response(text.encode("utf-8"), media_type="application/x-yaml; charset=utf-8",
                        headers={"Content-Disposition":
                                 f"attachment; filename*=UTF-8''{quote(name)}"})

    async def brief(request: Request) -> Response:
        try:
            data = await _body(request)
            session.check_token(data.get("token"))
            lang = data.get("lang", "zh")
            if lang not in ("zh", "en"):
                raise ScenarioError(f"unknown language (expected zh or en, got {lang!r})",
                                    key="lang")
            pdf = await run_in_threadpool(session.brief_pdf, data.get("values") or {}, lang)
        except ScenarioError as exc:
            return _error(exc)
        return Response(pdf, media_type="application/pdf",
                        headers={"Content-Disposition": "attachment; filename=brief.pdf"})

    async def open_file(request: Request) -> Response:
        raw = await request.body()
        filename = unquote(request.headers.get("x-filename", CHILD_FILE))
        filename = Path(filename).name or CHILD_FILE
        try:
            if len(raw) > MAX_UPLOAD:
                raise ScenarioError(f"file too large (expected at most {MAX_UPLOAD} bytes, got "
                                    f"{len(raw)})", file=filename)
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise ScenarioError(f"not UTF-8 text (expected a YAML file, got bytes that "
                                    f"are not UTF-8 at offset {exc.start})",
                                    file=filename) from None
            await run_in_threadpool(session.open, text, filename)
        except ScenarioError as exc:
            # a file that does not validate is an answer, not a failed request (status 200):
            # the page shows the line; the browser logs no error
            return JSONResponse({"invalid": exc.one_line()})
        return JSONResponse(session.init())

    routes = [
        Route("/", index),
        Route("/vendor/plotly.min.js", vendor_plotly),
        Route("/fonts/NotoSansSC-Regular.otf", font),
        Route("/api/init", init),
        Route("/api/run", run, methods=["POST"]),
        Route("/api/scenario", scenario, methods=["POST"]),
        Route("/api/brief", brief, methods=["POST"]),
        Route("/api/open", open_file, methods=["POST"]),
        Mount("/static", app=StaticFiles(directory=STATIC), name="static"),
    ]
    return Starlette(routes=routes)


def serve(session: Session, host: str = "127.0.0.1", port: int = 8050, *,
          announce=print) -> None:
    """Serve the page until interrupted; ``announce`` gets the address once it listens.

    Raises
    ------
    ScenarioError
        When the address cannot be bound (port in use, unknown host): one line.
    """
    import uvicorn  # lazy: uvicorn loads only when the app is served

    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        family = infos[0][0]
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
    except OSError as exc:
        raise ScenarioError(f"cannot listen on {host}:{port} (expected a free local port, got "
                            f"{exc.strerror or exc}); choose another with --port",
                            key="--port") from None
    bound = sock.getsockname()[1]
    shown = f"[{host}]" if ":" in host else host
    config = uvicorn.Config(create_app(session), log_level="warning", lifespan="off",
                            access_log=False)
    server = uvicorn.Server(config)
    announce(f"http://{shown}:{bound}/")
    server.run(sockets=[sock])
