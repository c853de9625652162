"""Security headers on every response, through Flask-Talisman: a Content-Security-Policy without
``'unsafe-inline'`` scripts, a Permissions-Policy, HSTS (``COMMUNITY_HSTS``, on in production), and the
frame, referrer and content-type rules.

Scripts: only files from the site (the vendored htmx and Leaflet, ``js/map.js``) and elements carrying
the request's nonce (``csp_nonce()``); no page has an inline script or ``on…=`` handler. Styles: the
site's stylesheets only, the space's colours included (``/theme/<colour>.css``: an inline ``<style>``
would need a nonce that changes per response, and htmx, which parses whole pages it fetches, would
set off the policy); ``style="…"`` attributes stay allowed (``style-src-attr``) for the values a
template computes (a bar's share, a card's colour, the header picture), which cannot run code.
Pictures: the site, ``data:`` (Leaflet) and the map tile server of ``COMMUNITY_TILE_URL``.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask
from flask_talisman import Talisman

talisman = Talisman()

PERMISSIONS_POLICY = {
    "accelerometer": "()",
    "browsing-topics": "()",
    "camera": "()",
    "display-capture": "()",
    "geolocation": "()",
    "gyroscope": "()",
    "magnetometer": "()",
    "microphone": "()",
    "payment": "()",
    "usb": "()",
}


def tile_origin(tile_url: str | None) -> str | None:
    """``https://tile.openstreetmap.org`` for ``https://tile.openstreetmap.org/{z}/{x}/{y}.png``; a
    ``{s}`` subdomain becomes ``*``; None without tiles."""
    if not tile_url or tile_url.strip().lower() == "none":
        return None
    parts = urlsplit(tile_url.replace("{s}", "*"))
    if not parts.scheme or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}"


def content_security_policy(app: Flask) -> dict[str, str | list[str]]:
    images = ["'self'", "data:"]
    origin = tile_origin(app.config.get("TILE_URL"))
    if origin:
        images.append(origin)
    return {
        "default-src": "'self'",
        "script-src": "'self'",
        "style-src": "'self'",
        "style-src-attr": "'unsafe-inline'",
        "img-src": images,
        "connect-src": "'self'",
        "font-src": "'self'",
        "object-src": "'none'",
        "base-uri": "'self'",
        "form-action": "'self'",
        "frame-ancestors": "'self'",
    }


def init_app(app: Flask) -> None:
    hsts = app.config.get("HSTS")
    if hsts is None:
        hsts = app.config["COMMUNITY_ENV"] == "production"
    app.config["HSTS"] = bool(hsts)
    talisman.init_app(
        app,
        force_https=False,  # the TLS proxy redirects; the app also answers plain HTTP on loopback
        strict_transport_security=app.config["HSTS"],
        strict_transport_security_max_age=365 * 24 * 3600,
        strict_transport_security_include_subdomains=False,  # the municipality's other hosts are theirs
        content_security_policy=content_security_policy(app),
        content_security_policy_nonce_in=["script-src"],
        permissions_policy=PERMISSIONS_POLICY,
        frame_options="SAMEORIGIN",
        referrer_policy="same-origin",
        session_cookie_secure=app.config["SESSION_COOKIE_SECURE"],
        session_cookie_samesite=app.config["SESSION_COOKIE_SAMESITE"],
        session_cookie_http_only=True,
    )
