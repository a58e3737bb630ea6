"""Anti-bot and login walls that Taobao, Tmall and 1688 return instead of the page asked for."""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

_LOGIN_HOSTS = ("login.taobao.com", "login.1688.com", "login.tmall.com", "login.m.taobao.com")
_SLASH = r"(?:/|%2F)"
# (reason, pattern), most specific first; every pattern is anchored to the wall's own markup or URL so that
# a product page that merely mentions "login" or "x5" is not flagged.
_BODY_MARKERS = (
    ("punish page", re.compile(rf"_____tmd_____{_SLASH}punish", re.IGNORECASE)),
    ("login_jump page", re.compile(rf"_____tmd_____{_SLASH}page{_SLASH}login_jump", re.IGNORECASE)),
    ("x5sec captcha", re.compile(r"""name=["']x5secdata["']|["']?x5secdata["']?\s*[:=]\s*["'][^"']+""")),
    ("rgv587_flag", re.compile(r"<!--\s*rgv587_flag\s*:")),
    ("mtop RGV587_ERROR", re.compile(r'"ret"\s*:\s*\[[^\]]*RGV587_ERROR')),
    ("mtop FAIL_SYS_USER_VALIDATE", re.compile(r'"ret"\s*:\s*\[[^\]]*FAIL_SYS_USER_VALIDATE')),
    (
        "login redirect",
        re.compile(r"""window\._config_\s*=\s*\{[^}]*["']action["']\s*:\s*["']login["']""", re.DOTALL),
    ),
)


def detect_wall(body: str | bytes, url: str | None = None) -> str | None:
    """Return a short reason when a response is an anti-bot or login wall, else None."""
    reason = _url_wall(url) if url else None
    if reason:
        return reason
    text = body.decode("utf-8", errors="replace") if isinstance(body, bytes) else body or ""
    for reason, pattern in _BODY_MARKERS:
        if pattern.search(text):
            return reason
    return None


def _url_wall(url: str) -> str | None:
    decoded = unquote(url)
    if "_____tmd_____/punish" in decoded:
        return "punish page"
    if "_____tmd_____" in decoded:
        return "login_jump page"
    host = urlsplit(url).hostname or ""
    if host in _LOGIN_HOSTS:
        return "login redirect"
    return None
