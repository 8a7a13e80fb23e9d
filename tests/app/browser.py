"""Headless Chromium (Debian's ``chromium`` + ``chromium-driver``) driven by Selenium, and the
`energysim app` server in a subprocess: shared by the browser tests and the latency benchmark.

No download of a browser or driver ever happens: the binaries are /usr/bin/chromium and
/usr/bin/chromedriver (``.ci/run`` installs them with apt-get). A missing browser is an error,
not a skip.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CHROMIUM = Path(os.environ.get("ENERGYSIM_CHROMIUM", "/usr/bin/chromium"))
CHROMEDRIVER = Path(os.environ.get("ENERGYSIM_CHROMEDRIVER", "/usr/bin/chromedriver"))
FLAGS = ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage", "--window-size=1500,1300")
#: Where screenshots and downloads of the browser tests are kept (a test artefact).
ARTIFACTS = Path(os.environ.get("ENERGYSIM_ARTIFACTS", "out/test-artifacts"))


class AppServer:
    """``energysim app SCENARIO --port 0`` in a subprocess; :attr:`url` once it listens."""

    def __init__(self, *args: str, cwd: str | os.PathLike | None = None, timeout: float = 60):
        cmd = [sys.executable, "-u", "-m", "energysim.cli", "app", *args, "--port", "0"]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     text=True, cwd=cwd)
        deadline = time.monotonic() + timeout
        line = ""
        while time.monotonic() < deadline:
            line = self.proc.stdout.readline()
            if line or self.proc.poll() is not None:
                break
        if "http://" not in line:
            self.stop()
            raise RuntimeError(f"energysim app did not start: {line!r} "
                               f"{self.proc.stderr.read() if self.proc.stderr else ''}")
        self.first_line = line.strip()
        self.url = line.split()[2]

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:  # pragma: no cover
                self.proc.kill()


def chromium(download_dir: Path):
    """A fresh headless Chromium (own profile dir) that logs the console and saves downloads
    to ``download_dir``.

    Raises
    ------
    RuntimeError
        When Debian's chromium or chromedriver is not installed.
    """
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not p.exists()]
    if missing:
        raise RuntimeError(f"browser tests need {', '.join(missing)} "
                           "(apt-get install -y chromium chromium-driver; .ci/run does it)")
    opts = webdriver.ChromeOptions()
    opts.binary_location = str(CHROMIUM)
    for flag in FLAGS:
        opts.add_argument(flag)
    opts.add_argument(f"--user-data-dir={tempfile.mkdtemp(prefix='energysim-chromium-')}")
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    opts.add_experimental_option("prefs", {"download.default_directory": str(download_dir),
                                           "download.prompt_for_download": False})
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=opts)
    driver.execute_cdp_cmd("Page.setDownloadBehavior",
                           {"behavior": "allow", "downloadPath": str(download_dir)})
    return driver


def wait_for(predicate, timeout: float = 30.0, what: str = "condition"):
    """Poll ``predicate()`` until truthy; its value, or TimeoutError naming ``what``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise TimeoutError(f"timed out after {timeout} s waiting for {what}")


def body_int(driver, attr: str) -> int:
    return int(driver.find_element("tag name", "body").get_attribute(attr) or 0)


def wait_file(directory: Path, name: str, timeout: float = 60.0) -> Path:
    """A downloaded file once complete (no ``.crdownload`` left)."""
    path = directory / name

    def done():
        partial = list(directory.glob("*.crdownload"))
        return path.exists() and path.stat().st_size > 0 and not partial

    wait_for(done, timeout, f"download {name}")
    return path
