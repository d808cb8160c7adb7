"""The running server's protections (issue 9), probed over HTTP/WebSocket and in a browser.

What Streamlit 1.67 enforces with our ``.streamlit/config.toml``:

* XSRF: the server sets an ``_streamlit_xsrf`` cookie; an upload without the matching token is
  refused (403).
* CORS: no ``Access-Control-Allow-Origin`` header is sent to a foreign origin (never ``*``).
* ``server.allowedHosts``: the WebSocket that carries every session (``/_stcore/stream``) is
  refused (403) for a Host header outside the list and for a foreign Origin. Plain HTTP
  (the static page shell, ``/_stcore/health``) is served whatever the Host: it holds no data.
  SECURITY.md says to put a reverse proxy in front that checks Host for everything.
* User text: a hostile option name never becomes an ``<img>`` or a link in the DOM.
"""

from __future__ import annotations

import base64
import json
import os
import socket
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.parse import urlparse

from playwright.sync_api import Page

from tests.e2e.helpers import REPO_ROOT, assert_no_exception, goto_page, shot, wait_for_idle

SAMPLES = REPO_ROOT / "sample_data"


def _hostport(app_url: str) -> tuple[str, int]:
    u = urlparse(app_url)
    assert u.hostname
    assert u.port
    return u.hostname, u.port


def _websocket_status(app_url: str, host_header: str, origin: str | None = None) -> str:
    """Status line of a WebSocket upgrade to ``/_stcore/stream`` with the given headers."""
    host, port = _hostport(app_url)
    key = base64.b64encode(os.urandom(16)).decode()
    request = (
        "GET /_stcore/stream HTTP/1.1\r\n"
        f"Host: {host_header}\r\n"
        "Upgrade: websocket\r\nConnection: Upgrade\r\n"
        f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
        "Sec-WebSocket-Protocol: streamlit\r\n"
        + (f"Origin: {origin}\r\n" if origin else "")
        + "\r\n"
    )
    with socket.create_connection((host, port), timeout=10) as s:
        s.sendall(request.encode())
        data = s.recv(4096).decode("latin-1")
    return data.splitlines()[0] if data else "(closed)"


def test_websocket_refuses_a_host_outside_allowed_hosts(app_url: str) -> None:
    _, port = _hostport(app_url)
    assert " 101 " in _websocket_status(app_url, f"127.0.0.1:{port}")
    assert " 101 " in _websocket_status(app_url, f"localhost:{port}")
    assert " 403 " in _websocket_status(app_url, "evil.example")
    assert " 403 " in _websocket_status(app_url, f"evil.example:{port}")
    assert " 403 " in _websocket_status(app_url, f"127.0.0.1.evil.example:{port}")


def test_websocket_refuses_a_foreign_origin(app_url: str) -> None:
    _, port = _hostport(app_url)
    host = f"127.0.0.1:{port}"
    assert " 101 " in _websocket_status(app_url, host, origin=f"http://{host}")
    assert " 403 " in _websocket_status(app_url, host, origin="http://evil.example")


def test_cors_never_allows_a_foreign_origin(app_url: str) -> None:
    for path in ("/_stcore/health", "/", "/_stcore/host-config"):
        req = urllib.request.Request(app_url + path, headers={"Origin": "http://evil.example"})
        try:
            with urllib.request.urlopen(req, timeout=10) as resp:
                allow = resp.headers.get("Access-Control-Allow-Origin")
        except urllib.error.HTTPError as exc:
            allow = exc.headers.get("Access-Control-Allow-Origin")
        assert allow in (None, ""), (path, allow)


def test_xsrf_cookie_is_set_and_uploads_need_the_token(app_url: str) -> None:
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.open(app_url + "/_stcore/health", timeout=10).read()
    assert any(c.name == "_streamlit_xsrf" for c in jar)
    body = (
        b'--B\r\nContent-Disposition: form-data; name="file"; filename="t.csv"\r\n\r\n'
        b"id\r\n--B--\r\n"
    )
    req = urllib.request.Request(
        app_url + "/_stcore/upload_file/some-session/some-file",
        data=body,
        method="PUT",
        headers={"Content-Type": "multipart/form-data; boundary=B"},
    )
    try:
        opener.open(req, timeout=10)
        status = 200
    except urllib.error.HTTPError as exc:
        status = exc.code
        text = exc.read().decode(errors="replace")
    assert status == 403
    assert "XSRF" in text


def _hostile_scenario(tmp: Path) -> Path:
    doc = json.loads((SAMPLES / "build_vs_buy" / "observability_platform.json").read_text())
    names = [
        "<img src=x onerror=alert(1)>",
        "![](http://evil.example/x.png)",
        "[click](javascript:alert(1))",
    ]
    renames = {}
    for opt, name in zip(doc["options"], names, strict=False):
        renames[opt["name"]] = name
        opt["name"] = name
    if doc.get("scoring"):
        sc = doc["scoring"]
        sc["scores"] = {renames.get(k, k): v for k, v in sc["scores"].items()}
    path = tmp / "hostile.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


_INJECTED_JS = """() => ({
  imgs: [...document.querySelectorAll('img')].map(i => i.getAttribute('src') || '')
         .filter(s => s === 'x' || s.includes('evil')),
  scripts: [...document.querySelectorAll('a')].map(a => a.getAttribute('href') || '')
         .filter(h => h.toLowerCase().startsWith('javascript:')),
  links: [...document.querySelectorAll('a')].map(a => a.getAttribute('href') || '')
         .filter(h => h.includes('evil')),
})"""


def _open_hostile_scenario(page: Page, app_url: str, tmp: Path) -> dict[str, list[str]]:
    goto_page(page, app_url, "/build_vs_buy", timeout_ms=90_000)
    uploader = page.locator('[data-testid="stFileUploader"]').first
    uploader.locator('input[type="file"]').set_input_files(str(_hostile_scenario(tmp)))
    wait_for_idle(page, timeout_ms=90_000)
    assert_no_exception(page)
    body = page.locator('[data-testid="stMain"]').inner_text()
    assert "<img src=x onerror=alert(1)>" in body  # shown as the literal text it is
    found: dict[str, list[str]] = page.evaluate(_INJECTED_JS)
    return found


def test_hostile_names_never_become_images_or_script_links_in_the_dom(
    page: Page, app_url: str, tmp_path: Path
) -> None:
    found = _open_hostile_scenario(page, app_url, tmp_path)
    shot(page, "security-hostile-option-names")
    assert found["imgs"] == []
    assert found["scripts"] == []


def test_hostile_names_never_become_links_in_the_dom(
    page: Page, app_url: str, tmp_path: Path
) -> None:
    assert _open_hostile_scenario(page, app_url, tmp_path)["links"] == []
