"""The dashboard page in headless Chromium (Debian's, never a downloaded browser)."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.dashboard.conftest import (
    PROCEDURE,
    MemoryRegistry,
    PairedDevice,
    ask,
    http_url,
    open_glasses,
)

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]  # fmt: skip
ARTIFACTS = Path(__file__).resolve().parents[2] / "out" / "test-artifacts"

pytestmark = pytest.mark.skipif(
    shutil.which(CHROMIUM) is None, reason="Debian chromium is not installed (scripts/setup)"
)


def browse(url: str, check: Callable[[Any], None], screenshot: Path | None = None) -> list[str]:
    """Open ``url`` in a fresh headless Chromium, run ``check(page)``; return console errors."""
    from playwright.sync_api import sync_playwright

    errors: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1440, "height": 1000})
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.goto(url)
            check(page)
            if screenshot is not None:
                screenshot.parent.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(screenshot), full_page=True)
        finally:
            browser.close()
    return errors


async def test_page_shows_glasses_step_and_cited_answer(gateway):
    from playwright.sync_api import expect

    glasses = await open_glasses(gateway, name="Aisle 4 glasses", step=3)
    answer = await ask(glasses, "q-1", "why did the compressor trip on high pressure")
    assert answer.citations
    audit_path = gateway.hub.audit.path

    def check(page: Any) -> None:
        row = page.locator("#sessions tbody tr[data-device='glasses-a']")
        expect(row).to_contain_text("Aisle 4 glasses")
        expect(row).to_contain_text(PROCEDURE)
        expect(row.locator("[data-step-index]")).to_have_attribute("data-step-index", "3")
        expect(row).to_contain_text("Step 4 of")  # index 3 is the fourth step, as spoken
        expect(row).to_contain_text("seen")
        feed = page.locator("#feed li").first
        expect(feed).to_contain_text("why did the compressor trip on high pressure")
        expect(feed.locator(".citations li").first).to_contain_text("HP trip · step 1")
        expect(page.locator("#kb-version")).to_have_text("test-kb-1")
        expect(page.locator("#pack-version")).to_have_text("pack-2026-12-04")
        expect(page.locator("#fingerprint")).to_have_text("sha256:ab12cd34ef56")
        expect(page.locator("#audit-verdict")).to_have_text("chain intact")
        expect(page.locator("#audit tbody tr").first).to_contain_text("answer")
        expect(page.locator("#devices-panel")).to_be_hidden()  # no registry on this gateway
        expect(page.locator("#link")).to_contain_text("live")
        page.screenshot(path=str(ARTIFACTS / "dashboard.png"), full_page=True)
        lines = audit_path.read_text(encoding="utf-8").splitlines()
        lines[1] = lines[1].replace('"hello"', '"hellO"')  # someone edits the log
        audit_path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        expect(page.locator("#audit-verdict")).to_have_text("broken at line 2")  # pushed live

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    errors = await asyncio.to_thread(browse, http_url(gateway, "/dashboard"), check)
    assert errors == []
    assert (ARTIFACTS / "dashboard.png").stat().st_size > 10_000
    await glasses.close()


async def test_revoke_button_revokes_and_disconnects(gateway):
    from playwright.sync_api import expect

    gateway.hub.devices = MemoryRegistry(
        {"glasses-a": PairedDevice("glasses-a", "Aisle 4", 1.7e9),
         "glasses-b": PairedDevice("glasses-b", "Spare", 1.7e9)}
    )  # fmt: skip
    glasses = await open_glasses(gateway)

    def check(page: Any) -> None:
        page.on("dialog", lambda dialog: dialog.accept())
        row = page.locator("#devices tbody tr[data-device='glasses-a']")
        expect(row).to_contain_text("active")
        row.get_by_role("button", name="Revoke").click()
        expect(page.locator("#devices-message")).to_have_text("glasses-a revoked and disconnected.")
        expect(row).to_contain_text("revoked")
        expect(row.get_by_role("button", name="Revoke")).to_be_disabled()
        expect(page.locator("#sessions tbody tr")).to_have_count(0)

    errors = await asyncio.to_thread(browse, http_url(gateway, "/"), check)
    assert errors == []
    assert gateway.hub.devices.devices["glasses-a"].revoked
    assert not gateway.hub.devices.devices["glasses-b"].revoked
    await asyncio.wait_for(glasses.wait_closed(), 5)
