"""The browser front (serve --web): the page and every asset it loads come from this machine —
a workshop room may have no internet — and each tab would run `detente join` against the host."""

from __future__ import annotations

import re
import shlex
import sys
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import aiohttp

from detente.engine.loader import load_scenario
from detente.engine.recorder import RecordedSession
from detente.net.codes import new_codes
from detente.net.host import Host
from detente.net.web import join_command, local_url, serving_web

STRAIT = Path(__file__).resolve().parents[2] / "scenarios" / "strait_standoff.toml"
ASSET = re.compile(r"""(?:\b(?:src|href)\s*=\s*["']|\burl\(\s*["']?)([^"')\s]+)""")
ANY_URL = re.compile(r"""(?:https?:)?//[A-Za-z0-9.\-\[\]:]+[^\s"'<>)]*""")
CSS_COMMENT = re.compile(r"/\*.*?\*/", re.S)


async def test_the_page_and_all_it_loads_come_from_this_machine(tmp_path: Path) -> None:
    codes = new_codes(["blue", "red", "green", "facilitator", "spectator"])
    with RecordedSession.create(load_scenario(STRAIT), tmp_path / "s.jsonl") as rec:
        async with Host(rec, codes).serving() as ws_url, serving_web(ws_url) as page:
            origin = urlsplit(page)
            loaded: dict[str, str] = {}
            todo = [page + "/"]
            async with aiohttp.ClientSession() as http:
                while todo:
                    url = todo.pop()
                    if url in loaded:
                        continue
                    async with http.get(url) as response:
                        assert response.status == 200, url
                        body = await response.read()
                    kind = response.content_type
                    text = body.decode("utf-8", "replace") if not kind.startswith(("font/", "image/")) \
                        and "octet" not in kind else ""
                    loaded[url] = text
                    if url.endswith(".css") or kind == "text/css":
                        text = CSS_COMMENT.sub("", text)  # a comment loads nothing
                    for ref in ASSET.findall(text) if kind in ("text/html", "text/css") else []:
                        target = urljoin(url, ref)
                        assert urlsplit(target).netloc == origin.netloc, (url, ref)
                        todo.append(target)
                    for found in ANY_URL.findall(text) if kind != "application/javascript" else []:
                        where = urlsplit(found if "://" in found else "http:" + found).netloc
                        assert where == origin.netloc, (url, found)
                    if "javascript" in kind:
                        assert not re.search(r"https?://", text), url
    html = loaded[page + "/"]
    assert "fonts.googleapis.com" not in html and "@font-face" in html
    fetched = {urlsplit(u).path for u in loaded}
    assert {"/static/js/textual.js", "/static/css/xterm.css", "/static/images/background.png",
            "/static/fonts/RobotoMono-VariableFont_wght.ttf"} <= fetched


def test_each_tab_runs_detente_join_against_the_host_on_this_machine() -> None:
    assert shlex.split(join_command("ws://127.0.0.1:8765")) == [
        sys.executable, "-m", "detente.tui.cli", "join", "ws://127.0.0.1:8765"]
    # Over TLS with the host's own certificate, each tab trusts that certificate.
    assert shlex.split(join_command("wss://lab-pc:8765", "/etc/detente/cert.pem"))[-3:] == [
        "wss://lab-pc:8765", "--cafile", "/etc/detente/cert.pem"]
    assert local_url("ws://lab-pc:8765", "0.0.0.0") == "ws://127.0.0.1:8765"
    assert local_url("ws://192.168.1.20:8765", "192.168.1.20") == "ws://192.168.1.20:8765"


def test_serve_web_prints_the_browsers_address_and_serves_the_page(tmp_path: Path) -> None:
    import asyncio
    import signal

    from test_serve_cli import _start

    proc, out = _start("strait_standoff", "--headless", "--port", "0", "--web", "0", "--log", "s.jsonl",
                       cwd=tmp_path)
    try:
        (line,) = [x for x in out if x.startswith("Browsers: ")]
        page = line.split()[1]
        assert page.startswith("http://127.0.0.1:")

        async def fetch() -> str:
            async with aiohttp.ClientSession() as http, http.get(page + "/") as response:
                assert response.status == 200
                return await response.text()

        html = asyncio.run(fetch())
        assert "textual-terminal" in html and "googleapis" not in html
    finally:
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=20)
    assert proc.returncode == 0, err
