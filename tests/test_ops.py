"""Health probes and security headers."""


def test_health_probes_need_no_login(app):
    http = app.test_client()
    assert http.get("/healthz").get_json() == {"status": "ok"}
    r = http.get("/readyz")
    assert r.status_code == 200 and r.get_json()["database"] == "ok"


def test_security_headers_on_pages(clients):
    r = clients("sq1").get("/meeting/list/")
    assert r.headers["X-Frame-Options"] == "DENY"
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert r.headers["Referrer-Policy"] == "same-origin"


def test_session_cookie_is_httponly_and_samesite(app):
    from .conftest import Client

    cookie = Client(app, None).get("/login/").headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_error_pages_are_in_chinese_and_json_under_the_api(clients):
    from .conftest import text

    sq1 = clients("sq1")
    r = sq1.get("/no-such-page/")
    assert r.status_code == 404 and "该页面或记录不存在" in text(r) and "Not Found" not in text(r)
    r = sq1.get("/meeting/show/99999999")
    assert r.status_code == 404 and "超出您的数据范围" in text(r)
    r = clients("vol1").get("/escalation/")
    assert r.status_code == 403 and "您无权打开此页面" in text(r)
    r = sq1.get("/api/v1/no-such-endpoint/")
    assert r.status_code == 404 and r.is_json and "不存在" in r.get_json()["message"]
