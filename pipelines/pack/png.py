"""PNG charts through kaleido and one headless Chromium-family browser."""

from __future__ import annotations

import asyncio
import atexit
import threading
from pathlib import Path

import plotly.graph_objects as go

from pipelines.pack.charts import figure_size

PNG_NOTE_FILE = "未生成图片的说明.txt"
PNG_SCALE = 2
PNG_TIMEOUT_SECONDS = 90
INSTALL_HINT = ("以 root 身份运行 scripts/install-system-deps.sh（Debian/Ubuntu 上即 "
                "apt-get install -y chromium fonts-noto-cjk），或安装 Google Chrome，"
                "也可用环境变量 BROWSER_PATH 指明浏览器位置，然后重新物化 leaders_pack")


def find_browser() -> str | None:
    """Path of a Chromium-family browser kaleido can drive (BROWSER_PATH first), or None."""
    try:
        from choreographer.browsers.chromium import Chromium

        path = Chromium.find_browser(skip_local=False)
    except Exception:  # noqa: BLE001 - any failure to look means we have no browser to use
        return None
    return path if path and Path(path).is_file() else None


class PngWriter:
    """One headless browser for many PNGs (≈0.3 s each instead of ≈3.5 s with a browser per image).

    Not ``kaleido.start_sync_server()``: when its browser fails to start, its server thread
    dies and every later ``write_image`` waits forever (seen with a broken BROWSER_PATH).
    Here the browser runs on a private event loop and every call has a timeout, so a broken
    browser is an exception the pack reports, never a hung run.
    """

    def __init__(self, browser: str, timeout: float = PNG_TIMEOUT_SECONDS) -> None:
        self.browser = browser
        self.timeout = timeout
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._kaleido = None

    def __enter__(self) -> PngWriter:
        import kaleido

        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="gongkai-kaleido", daemon=True)
        self._thread.start()

        async def open_browser():
            k = kaleido.Kaleido(n=1, timeout=self.timeout, mathjax=False, path=self.browser)
            await k.open()
            return k

        try:
            self._kaleido = self._run(open_browser())
        except BaseException:
            self._stop_loop()
            raise
        return self

    def write(self, fig: go.Figure, path: Path) -> None:
        """Write one figure as PNG at its own size (charts.figure_size), twice the pixels."""
        width, height = figure_size(fig)
        opts = {"format": "png", "width": width, "height": height, "scale": PNG_SCALE}
        self._run(self._kaleido.write_fig(fig, path=str(path), opts=opts, cancel_on_error=True))

    def __exit__(self, *exc) -> None:
        try:
            if self._kaleido is not None:
                self._run(self._kaleido.close())
        finally:
            self._stop_loop()

    def _run(self, coro):
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(self.timeout + 30)

    def _stop_loop(self) -> None:
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=10)
            if not self._thread.is_alive():
                self._loop.close()


def png_skipped_note(reason: str) -> str:
    """The reader-facing note when PNG charts could not be made."""
    return f"未生成 PNG 图表：{reason}。网页（report.html）中的交互图表不受影响。补救办法：{INSTALL_HINT}。"


class _SharedBrowser:
    """The process's browser for PNGs: started on first use, kept for every later pack (a
    worker building many counties starts Chromium once), closed at exit."""

    def __init__(self) -> None:
        self.writer: PngWriter | None = None

    def get(self) -> tuple[PngWriter | None, str | None]:
        """The running writer, or None and why there is none."""
        if self.writer is not None:
            return self.writer, None
        browser = find_browser()
        if browser is None:
            return None, "本机未找到 Chromium 或 Chrome 浏览器"
        try:
            self.writer = PngWriter(browser).__enter__()
        except Exception as exc:  # noqa: BLE001 - any failure to start is reported, not raised
            return None, f"无法启动浏览器 {browser}（{type(exc).__name__}: {str(exc)[:200]}）"
        atexit.register(self.close)
        return self.writer, None

    def close(self) -> None:
        """Close the browser (at exit, or after it failed mid-pack)."""
        writer, self.writer = self.writer, None
        if writer is not None:
            writer.__exit__(None, None, None)


BROWSER = _SharedBrowser()
