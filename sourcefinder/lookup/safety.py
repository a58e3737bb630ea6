"""Which URLs a lookup may fetch: http(s) pages of supported sites on public addresses only.

Checked before a fetch and again on every request the crawl makes (redirects, robots.txt, images), with the
host's DNS answers: file://, loopback, private, link-local and other non-public addresses are refused.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlsplit

# (host suffix, spider that reads its product pages, path fragment a product page has)
SUPPORTED_PAGES: tuple[tuple[str, str, str], ...] = (
    ("detail.1688.com", "factory", "/offer/"),
    ("item.taobao.com", "retail", "/item.htm"),
    ("detail.tmall.com", "retail", "/item.htm"),
)
# Hosts the crawl may also reach for a page's photos and robots.txt (still only on public addresses).
IMAGE_HOSTS = ("alicdn.com", "tbcdn.cn", "taobaocdn.com", "1688.com", "taobao.com", "tmall.com")
SHORT_LINK_HOSTS = ("m.tb.cn", "tb.cn", "qr.1688.com")

Resolver = Callable[[str, int], Sequence[str]]


class RefusedURL(ValueError):
    """A URL the lookup will not fetch; the message says why in one line."""


def system_resolver(host: str, port: int) -> list[str]:
    """Every address the system resolver gives for ``host``."""
    try:
        infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as exc:
        raise RefusedURL(f"cannot resolve {host}: {exc}") from exc
    return sorted({info[4][0] for info in infos})


@dataclass(frozen=True)
class FetchPolicy:
    """What may be fetched. ``trusted`` lists exact ``host:port`` pairs served on this machine that are
    allowed as if they were a supported site (the demo marketplace in tests), each with its path rules."""

    trusted: tuple[str, ...] = ()
    resolver: Resolver = field(default=system_resolver, compare=False)

    def spider_for(self, url: str) -> str:
        """The spider that reads this product page; raises RefusedURL when the URL may not be fetched."""
        host, port = self.check_request(url, pages=True)
        path = urlsplit(url).path
        if f"{host}:{port}" in self.trusted:
            return "factory" if "/offer/" in path else "retail"
        for suffix, spider, fragment in SUPPORTED_PAGES:
            if _on(host, suffix) and fragment in path:
                return spider
        raise RefusedURL(f"not a product page of a supported site: {url}")

    def check_request(self, url: str, pages: bool = False) -> tuple[str, int]:
        """(host, port) of a URL the crawl may request; raises RefusedURL with the reason."""
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme not in ("http", "https"):
            raise RefusedURL(f"only http(s) links are looked up, not {scheme or 'no scheme'}://")
        host = (parts.hostname or "").lower().rstrip(".")
        if not host:
            raise RefusedURL(f"no host in {url}")
        try:
            port = parts.port or (443 if scheme == "https" else 80)
        except ValueError as exc:
            raise RefusedURL(f"bad port in {url}") from exc
        if f"{host}:{port}" in self.trusted:
            return host, port
        if any(_on(host, suffix) for suffix in SHORT_LINK_HOSTS):
            raise RefusedURL(
                f"{host} is an app's short link: following it needs the network; paste the title"
            )
        allowed = (
            [s for s, _, _ in SUPPORTED_PAGES]
            if pages
            else [*(s for s, _, _ in SUPPORTED_PAGES), *IMAGE_HOSTS]
        )
        if not any(_on(host, suffix) for suffix in allowed):
            raise RefusedURL(f"{host} is not a supported site (Taobao, Tmall or 1688 product pages)")
        for address in self.resolver(host, port):
            reason = non_public(address)
            if reason:
                raise RefusedURL(f"{host} resolves to {reason} address {address}: refused")
        return host, port


def _on(host: str, suffix: str) -> bool:
    return host == suffix or host.endswith("." + suffix)


def non_public(address: str) -> str | None:
    """Why an IP address may not be fetched (loopback, private, link-local, ...), or None if it is public."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return "an unparsable"
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    checks = (
        ("unspecified", ip.is_unspecified),
        ("loopback", ip.is_loopback),
        ("link-local", ip.is_link_local),
        ("private", ip.is_private),
        ("multicast", ip.is_multicast),
        ("reserved", ip.is_reserved or not ip.is_global),
    )
    return next((name for name, hit in checks if hit), None)
