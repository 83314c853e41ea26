"""Browsers, nothing to install (issue 10): a real headless Chromium opens the page that
`detente serve --web` serves, types a team's join code into the terminal the page shows, and that
tab joins the host as that team; a second tab with another team's code joins as the other.

Chromium is driven over its DevTools protocol with the `websockets` library the project already
uses: no browser driver to install. `.ci/run` installs Debian's `chromium` when it is missing;
without it the test is skipped. Screenshots of each tab are left in the test's temporary folder.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import itertools
import json
import shutil
import subprocess
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from websockets.asyncio.client import connect

from detente.engine.loader import load_scenario
from detente.engine.recorder import RecordedSession
from detente.net.codes import new_codes
from detente.net.host import Host
from detente.net.web import serving_web

STRAIT = Path(__file__).resolve().parents[2] / "scenarios" / "strait_standoff.toml"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (.ci/run installs it)")


class Tab:
    """One page of the browser, driven over the DevTools protocol."""

    def __init__(self, browser: Browser, session: str) -> None:
        self.browser, self.session = browser, session

    async def send(self, method: str, **params: Any) -> dict[str, Any]:
        return await self.browser.send(method, session=self.session, **params)

    async def screenshot(self) -> bytes:
        shot = await self.send("Page.captureScreenshot", format="png")
        return base64.b64decode(shot["data"])

    async def settled(self, seconds: float = 120) -> bytes:
        """Wait until the page's picture stops changing (the terminal has drawn its screen; a
        blinking cursor makes two pictures take turns)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        shots: list[bytes] = []
        last = b""
        while loop.time() < deadline:
            last = await self.screenshot()
            shots = [*shots[-5:], last]
            if len(shots) == 6 and len(set(shots)) <= 2 and min(map(len, shots)) > 8_000:
                return last
            await asyncio.sleep(0.3)
        (self.browser.folder / "unsettled.png").write_bytes(last)
        raise AssertionError(f"the page never settled: see {self.browser.folder}/unsettled.png")

    async def type(self, text: str) -> None:
        # A click in the terminal gives it the keyboard, as a person would.
        for kind in ("mousePressed", "mouseReleased"):
            await self.send("Input.dispatchMouseEvent", type=kind, x=400, y=300, button="left", clickCount=1)
        await self.send("Input.insertText", text=text)
        for kind in ("keyDown", "keyUp"):
            await self.send("Input.dispatchKeyEvent", type=kind, key="Enter", code="Enter",
                            windowsVirtualKeyCode=13, nativeVirtualKeyCode=13,
                            **({"text": "\r"} if kind == "keyDown" else {}))


class Browser:
    def __init__(self, ws: Any, folder: Path) -> None:
        self.ws, self.folder = ws, folder
        self.ids = itertools.count(1)
        self.waiting: dict[int, asyncio.Future[dict[str, Any]]] = {}
        self.reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        async for frame in self.ws:
            msg = json.loads(frame)
            future = self.waiting.pop(msg.get("id", -1), None)
            if future is not None and not future.done():
                if "error" in msg:
                    future.set_exception(AssertionError(msg["error"]))
                else:
                    future.set_result(msg.get("result", {}))

    async def send(self, method: str, session: str | None = None, **params: Any) -> dict[str, Any]:
        n = next(self.ids)
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self.waiting[n] = future
        await self.ws.send(json.dumps({"id": n, "method": method, "params": params,
                                       **({"sessionId": session} if session else {})}))
        return await asyncio.wait_for(future, 30)

    async def open(self, url: str) -> Tab:
        # Opened at its address (a navigation from about:blank would move the page to another
        # renderer and leave this session attached to nothing).
        target = await self.send("Target.createTarget", url=url, newWindow=True, width=1100, height=700)
        attached = await self.send("Target.attachToTarget", targetId=target["targetId"], flatten=True)
        tab = Tab(self, attached["sessionId"])
        await tab.send("Page.enable")
        return tab


@contextlib.asynccontextmanager
async def chromium(profile: Path) -> AsyncIterator[Browser]:
    proc = subprocess.Popen(
        [CHROMIUM, "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
         "--no-first-run", "--remote-debugging-port=0", f"--user-data-dir={profile}", "about:blank"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        active = profile / "DevToolsActivePort"
        for _ in range(200):
            if active.exists() and len(active.read_text().splitlines()) >= 2:
                break
            await asyncio.sleep(0.1)
        port, path = active.read_text().splitlines()[:2]
        async with connect(f"ws://127.0.0.1:{port}{path}", max_size=50 * 2**20) as ws:
            browser = Browser(ws, profile.parent)
            try:
                yield browser
            finally:
                browser.reader.cancel()
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


def joined(host: Host) -> list[str]:
    """The roles of the connections the host has welcomed."""
    return sorted(seat.role for seat in host._seats.values())


async def until(check: Any, seconds: float = 60) -> None:
    for _ in range(int(seconds * 5)):
        if check():
            return
        await asyncio.sleep(0.2)
    raise AssertionError("timed out")


async def test_two_browser_tabs_join_as_the_teams_whose_codes_they_typed(tmp_path: Path) -> None:
    codes = new_codes(["blue", "red", "green", "facilitator", "spectator"])
    with RecordedSession.create(load_scenario(STRAIT), tmp_path / "s.jsonl") as rec:
        host = Host(rec, codes)
        async with host.serving() as ws_url, serving_web(ws_url) as page, \
                chromium(tmp_path / "profile") as browser:
            blue = await browser.open(page + "/")
            asking = await blue.settled()  # the join screen asks for a code
            (tmp_path / "blue-asks.png").write_bytes(asking)
            await blue.type(codes["blue"].lower().replace("-", " "))  # as a person might type it
            await until(lambda: joined(host) == ["blue"])
            team = await blue.settled()
            (tmp_path / "blue.png").write_bytes(team)
            assert team != asking, "the tab still shows the code prompt"

            red = await browser.open(page + "/")
            await red.settled()
            await red.type(codes["red"])
            await until(lambda: joined(host) == ["blue", "red"])
            (tmp_path / "red.png").write_bytes(await red.settled())
