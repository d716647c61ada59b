"""Addresses that leave the site (in emails, on certificates): built from PUBLIC_URL, never from
the Host header of whoever happened to make the request; and ?next= targets kept on this site."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, has_request_context, url_for


def external_url(endpoint: str, **values) -> str:
    base = current_app.config.get("PUBLIC_URL")
    if base:
        with current_app.test_request_context(base_url=base):
            return url_for(endpoint, _external=True, **values)
    if has_request_context():  # development and tests, where PUBLIC_URL may be unset
        return url_for(endpoint, _external=True, **values)
    with current_app.test_request_context(base_url="http://localhost/"):
        return url_for(endpoint, _external=True, **values)


def same_site_path(target: str | None) -> str | None:
    """``target`` when it is a path on this site (a ?next= value), otherwise None."""
    target = target or ""
    parts = urlsplit(target)
    if target.startswith("/") and not target.startswith("//") and not parts.scheme and not parts.netloc:
        return None if "\\" in target else target
    return None
