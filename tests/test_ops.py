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
