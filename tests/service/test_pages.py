"""Server-rendered pages without a browser: content, filters, 404 page, checklist, dashboard."""

from __future__ import annotations

from fastapi.testclient import TestClient


def test_search_page_works_without_javascript(client: TestClient) -> None:
    page = client.get("/", params={"q": "dang ky khai sinh"})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert 'href="/thu-tuc/1.001193"' in page.text
    assert '<html lang="vi">' in page.text and "Trực tuyến toàn trình" in page.text
    assert 'name="viewport"' in page.text


def test_search_page_filters_and_bad_query(client: TestClient) -> None:
    page = client.get("/", params={"q": "khai sinh", "field": "Hộ tịch", "fully_online": "true"})
    assert page.status_code == 200
    assert '<option value="Hộ tịch" selected>' in page.text
    control = client.get("/", params={"q": "khai\x01sinh"})
    assert control.status_code == 200 and "không dùng được" in control.text


def test_procedure_page_shows_facts_related_and_bundle(client: TestClient) -> None:
    page = client.get("/thu-tuc/1.001193").text
    assert "Thủ tục đăng ký khai sinh" in page
    for heading in (
        "Cách thực hiện",
        "Thành phần hồ sơ",
        "Căn cứ pháp lý",
        "Thủ tục liên quan",
        "Gói thủ tục",
    ):
        assert heading in page
    assert page.count('href="/thu-tuc/') > 5
    assert 'class="reason"' in page


def test_unknown_procedure_page_is_a_404_page(client: TestClient) -> None:
    page = client.get("/thu-tuc/9.999999")
    assert page.status_code == 404 and "9.999999" in page.text and "text/html" in page.headers["content-type"]


def test_checklist_is_printable(client: TestClient) -> None:
    page = client.get("/thu-tuc/1.001193/in").text
    assert "Giấy tờ cần mang" in page and "☐" in page and "window.print()" in page


def test_dashboard_shows_every_target(client: TestClient) -> None:
    kpi = client.get("/v1/kpi").json()
    page = client.get("/dashboard").text
    for target in kpi["targets"]:
        assert f'id="kpi-{target["id"]}"' in page
        assert f"{target['numerator']} / {target['denominator']}" in page
    assert "Lý do từ chối" in page and "<svg" in page
