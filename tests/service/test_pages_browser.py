"""The counter-staff page and the KPI dashboard in a real Chromium (Debian package) via Playwright."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn

from service.app import create_app
from service.components import Components
from tests.service.conftest import make_settings
from tests.service.redis_server import free_port

pytestmark = pytest.mark.slow

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def base_url(components: Components) -> Iterator[str]:
    """A real HTTP server on 127.0.0.1 (uvicorn in a thread) around the shared components."""
    port = free_port()
    config = uvicorn.Config(
        create_app(make_settings(), components=components), host="127.0.0.1", port=port, log_level="warning"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError("test server did not start")
        time.sleep(0.1)
    yield url
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.fail("Chromium is expected at /usr/bin/chromium (Debian: apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.mark.parametrize("width", [1280, 375])
def test_search_as_you_type_open_procedure_see_related(browser, base_url: str, width: int, tmp_path) -> None:
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto(base_url + "/")
    page.locator("#q").press_sequentially("dang ky khai sinh", delay=30)
    link = page.locator("#results a[href='/thu-tuc/1.001193']")
    link.wait_for(timeout=10_000)
    assert "khai sinh" in link.inner_text().lower()
    # Nothing sideways at phone width.
    assert page.evaluate("document.documentElement.scrollWidth") <= width + 1

    link.click()
    page.wait_for_url("**/thu-tuc/1.001193")
    assert "khai sinh" in page.locator("h1").inner_text().lower()
    assert page.locator("table.channels tbody tr").count() >= 1
    assert page.locator("ul.documents li").count() >= 1
    suggestions = page.locator("#suggestions li")
    assert suggestions.count() >= 1
    assert suggestions.first.locator(".reason").inner_text().strip()
    assert page.locator("#bundles .bundle").count() >= 1
    related = page.locator("#suggestions li a, #bundles .bundle a")
    related_codes = {href.rsplit("/", 1)[-1] for href in related.evaluate_all("els => els.map(e => e.href)")}
    assert related_codes - {"1.001193"}
    assert page.evaluate("document.documentElement.scrollWidth") <= width + 1
    page.screenshot(path=str(tmp_path / f"procedure-{width}.png"), full_page=True)

    page.locator("a.button", has_text="In danh sách").click()
    page.wait_for_url("**/thu-tuc/1.001193/in")
    assert page.locator("ul.tick li").count() >= 1
    page.close()


def test_filters_narrow_the_results(browser, base_url: str) -> None:
    page = browser.new_page()
    page.goto(base_url + "/")
    page.locator("#fully_online").check()
    page.select_option("#level", "cấp tỉnh")
    page.locator("#q").press_sequentially("cap lai the can cuoc", delay=20)
    page.locator("#results li").first.wait_for(timeout=10_000)
    metas = page.locator("#results li .meta").all_inner_texts()
    assert metas and all("cấp tỉnh" in m and "toàn trình" in m for m in metas)
    page.close()


def test_dashboard_renders_live_numbers(browser, base_url: str) -> None:
    for outcome, reason in [("accepted", None), ("declined", "already_done"), ("declined", "not_needed")]:
        body = {"suggestion": "1.001193", "outcome": outcome, **({"reason": reason} if reason else {})}
        assert httpx.post(base_url + "/v1/feedback", json=body).status_code == 202
    expected = httpx.get(base_url + "/v1/kpi").json()
    page = browser.new_page(viewport={"width": 375, "height": 800})
    page.goto(base_url + "/dashboard")
    online = next(t for t in expected["targets"] if t["id"] == "procedures_fully_online")
    card = page.locator("#kpi-procedures_fully_online")
    assert f"{online['numerator']} / {online['denominator']}" in card.inner_text()
    assert "%" in card.locator(".number").inner_text()
    assert card.locator("svg.bar rect.fill").count() == 1
    summary = page.locator("#feedback-summary").inner_text()
    assert f"Từ chối: {expected['feedback']['declined']}" in summary
    assert page.locator("#decline-reasons svg rect").count() == len(expected["feedback"]["decline_reasons"])
    page.close()


def test_api_docs_render_offline(browser, base_url: str) -> None:
    """Swagger UI comes from the service itself (no CDN), and lists the /v1 operations."""
    page = browser.new_page()
    outside: list[str] = []
    page.on(
        "request", lambda request: None if request.url.startswith(base_url) else outside.append(request.url)
    )
    page.goto(base_url + "/docs")
    page.locator(".opblock").first.wait_for(timeout=15_000)
    summaries = " ".join(page.locator(".opblock-summary-path").all_inner_texts())
    assert "/v1/search" in summaries and "/v1/cases/suggestions" in summaries
    assert outside == []
    page.close()
