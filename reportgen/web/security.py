"""Who may use the app and what a response may do in the browser.

- A password (from --password-file or REPORTGEN_PASSWORD) guards every page and API call
  once set; it must be set before the app binds anything but loopback. Pages log in
  through a form that sets a signed session cookie; scripts use HTTP basic on /api.
- Forms carry a CSRF token: an HMAC of a random per-browser cookie (double submit), so
  another site cannot post a form into the app from the clerk's browser. The JSON API
  refuses a request whose Origin (or Sec-Fetch-Site) says it came from another site.
- Request bodies above the upload limit are cut off with 413 before they are parsed.
- Every response gets a CSP without inline script, nosniff, frame-ancestors 'none'.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import json
import os
import secrets
import time
from pathlib import Path
from urllib.parse import quote

SESSION_COOKIE = "rg_session"
CSRF_COOKIE = "rg_csrf"
SESSION_SECONDS = 12 * 3600
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
       "form-action 'self'; frame-ancestors 'none'")
# Report previews and redline views are self-contained pages with their own <style> and
# data: images, made from escaped dataset text: no script may run in them at all.
DOCUMENT_CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:; "
                "frame-ancestors 'none'; base-uri 'none'; form-action 'none'; sandbox")
HEADERS = [(b"x-content-type-options", b"nosniff"), (b"x-frame-options", b"DENY"),
           (b"referrer-policy", b"same-origin"), (b"cross-origin-opener-policy", b"same-origin")]
OPEN_PATHS = ("/login", "/static/", "/lang")


class ConfigError(Exception):
    """The server must not start with these settings. message id + params."""

    def __init__(self, message: str, **params: object):
        super().__init__(message)
        self.message = message
        self.params = params


LOOPBACK_NAMES = frozenset({"127.0.0.1", "localhost", "[::1]", "localhost.localdomain"})


def allowed_hosts(bind: str, password: str | None) -> frozenset[str] | None:
    """The Host names to answer: any once a password guards the app, else loopback's."""
    if password:
        return None
    return LOOPBACK_NAMES | {bind.lower() if ":" not in bind else f"[{bind.strip('[]').lower()}]"}


def is_loopback(host: str) -> bool:
    if host in ("localhost", "localhost.localdomain"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def read_password(password_file: Path | None, environ: dict | None = None) -> str | None:
    """The password from a file (first line) or REPORTGEN_PASSWORD; None if neither."""
    environ = os.environ if environ is None else environ
    if password_file is not None:
        text = Path(password_file).read_text(encoding="utf-8").splitlines()
        return (text[0].strip() if text else "") or None
    return environ.get("REPORTGEN_PASSWORD") or None


def load_secret(folder: Path) -> bytes:
    """The key that signs sessions and CSRF tokens, kept in the data folder (0600) so a
    restart does not log everybody out."""
    path = folder / "secret.key"
    try:
        return bytes.fromhex(path.read_text().strip())
    except (FileNotFoundError, ValueError):
        key = secrets.token_bytes(32)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(key.hex())
        return key


class Guard:
    def __init__(self, secret: bytes, password: str | None):
        self.secret = secret
        self.password = password

    @property
    def enabled(self) -> bool:
        return self.password is not None

    def _sign(self, purpose: str, value: str) -> str:
        return hmac.new(self.secret, f"{purpose}:{value}".encode(), hashlib.sha256).hexdigest()

    def password_ok(self, given: str | None) -> bool:
        if self.password is None or given is None:
            return False
        return hmac.compare_digest(given.encode(), self.password.encode())

    def new_session(self) -> str:
        expires = str(int(time.time()) + SESSION_SECONDS)
        nonce = secrets.token_urlsafe(12)
        return f"{expires}.{nonce}.{self._sign('session', expires + '.' + nonce)}"

    def session_ok(self, cookie: str | None) -> bool:
        try:
            expires, nonce, signature = (cookie or "").split(".")
            fresh = int(expires) > time.time()
        except ValueError:
            return False
        return fresh and hmac.compare_digest(signature, self._sign("session", expires + "." + nonce))

    def basic_ok(self, header: str | None) -> bool:
        if not header or not header.lower().startswith("basic "):
            return False
        try:
            decoded = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8")
        except (ValueError, UnicodeDecodeError):
            return False
        _user, _colon, password = decoded.partition(":")
        return self.password_ok(password)

    def csrf_token(self, cookie: str) -> str:
        return self._sign("csrf", cookie)

    def csrf_ok(self, cookie: str | None, token: str | None) -> bool:
        if not cookie or not token:
            return False
        return hmac.compare_digest(token, self.csrf_token(cookie))


def _cookies(headers: dict[bytes, bytes]) -> dict[str, str]:
    from http.cookies import SimpleCookie

    jar = SimpleCookie()
    try:
        jar.load(headers.get(b"cookie", b"").decode("latin-1"))
    except Exception:  # noqa: BLE001 - a malformed cookie header is no cookie
        return {}
    return {key: morsel.value for key, morsel in jar.items()}


class SecurityMiddleware:
    """ASGI middleware: body size limit, authentication, cross-site API calls, headers."""

    def __init__(self, app, *, guard: Guard, max_upload: int, messages, hosts: frozenset[str] | None):
        self.app = app
        self.guard = guard
        self.max_upload = max_upload
        self.messages = messages  # callable(language, key) → translated text
        self.hosts = hosts  # names the Host header may carry; None: any

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        path = scope.get("path", "")
        headers = dict(scope.get("headers") or [])
        cookies = _cookies(headers)
        language = "en" if cookies.get("rg_lang") == "en" else "vi"
        is_api = path.startswith("/api")
        csrf_cookie = cookies.get(CSRF_COOKIE)
        new_csrf = None
        if not csrf_cookie:
            new_csrf = csrf_cookie = secrets.token_urlsafe(24)
        scope.setdefault("state", {})["csrf_cookie"] = csrf_cookie

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                names = {k.lower() for k, _v in message.get("headers", [])}
                extra = [h for h in HEADERS if h[0] not in names]
                if b"content-security-policy" not in names:
                    extra.append((b"content-security-policy", CSP.encode()))
                if b"cache-control" not in names:
                    extra.append((b"cache-control", b"no-store"))
                if new_csrf:
                    extra.append((b"set-cookie", f"{CSRF_COOKIE}={new_csrf}; Path=/; HttpOnly; "
                                                 f"SameSite=Strict".encode()))
                message = dict(message, headers=list(message.get("headers", [])) + extra)
            await send(message)

        async def reply(status: int, key: str, extra_headers=()):
            text = self.messages(language, key)
            if is_api or status == 401:
                body = json.dumps({"error": text}, ensure_ascii=False).encode()
                content_type = b"application/json"
            else:
                body = (f"<!doctype html><html lang=\"{language}\"><meta charset=\"utf-8\">"
                        f"<title>{status}</title><link rel=\"stylesheet\" href=\"/static/web.css\">"
                        f"<main><h1>{status}</h1><p>{text}</p><p><a href=\"/\">←</a></p></main>").encode()
                content_type = b"text/html; charset=utf-8"
            await send_with_headers({"type": "http.response.start", "status": status,
                                     "headers": [(b"content-type", content_type),
                                                 (b"content-length", str(len(body)).encode()),
                                                 *extra_headers]})
            await send_with_headers({"type": "http.response.body", "body": body})

        # --- DNS rebinding: without a password the app answers only to its loopback names,
        # so a web page whose name now points at 127.0.0.1 cannot read it from the browser.
        if self.hosts is not None:
            host = headers.get(b"host", b"").decode("latin-1").lower()
            name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
            if name not in self.hosts:
                return await reply(421, "wrong_host")

        # --- size limit, before anything reads the body
        try:
            length = int(headers.get(b"content-length", b"0") or 0)
        except ValueError:
            length = 0
        if length > self.max_upload:
            return await reply(413, "too_large")

        # --- authentication
        open_path = any(path == p or (p.endswith("/") and path.startswith(p)) for p in OPEN_PATHS)
        if self.guard.enabled and not open_path:
            signed_in = self.guard.session_ok(cookies.get(SESSION_COOKIE))
            if not signed_in and is_api:
                if not self.guard.basic_ok(headers.get(b"authorization", b"").decode("latin-1")):
                    return await reply(401, "login_required",
                                       [(b"www-authenticate", b'Basic realm="reportgen"')])
            elif not signed_in:
                target = path + ("?" + scope["query_string"].decode("latin-1") if scope.get("query_string") else "")
                location = "/login?next=" + quote(target, safe="")
                await send_with_headers({"type": "http.response.start", "status": 303,
                                         "headers": [(b"location", location.encode()),
                                                     (b"content-length", b"0")]})
                return await send_with_headers({"type": "http.response.body", "body": b""})

        # --- the JSON API only takes writes from scripts or from the app's own pages
        if is_api and scope["method"] not in ("GET", "HEAD", "OPTIONS"):
            origin = headers.get(b"origin", b"").decode("latin-1")
            host = headers.get(b"host", b"").decode("latin-1")
            fetch_site = headers.get(b"sec-fetch-site", b"").decode("latin-1")
            if (origin and origin.split("://", 1)[-1] != host) or fetch_site == "cross-site":
                return await reply(403, "cross_site")

        received = 0
        started = cut = False

        async def limited_receive():
            nonlocal received, cut
            if cut:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_upload:
                    # A body without Content-Length (chunked) that grew too big: answer
                    # 413 now and tell the app the client left; whatever it sends after
                    # that is dropped.
                    cut = True
                    if not started:
                        await reply(413, "too_large")
                    return {"type": "http.disconnect"}
            return message

        async def tracking_send(message):
            nonlocal started
            if cut:
                return
            if message["type"] == "http.response.start":
                started = True
            await send_with_headers(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except Exception:
            if not cut:
                raise  # after a 413 the app's complaint about the cut-off body is moot
