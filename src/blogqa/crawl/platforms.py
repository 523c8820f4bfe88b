"""Blog platforms: where a platform keeps its feed, sitemap and post bodies.

Minimal version (every site is "static"); the platform rules replace it. A platform's URLs keep
the scheme of the start URL, so loopback tests can reach them through an HTTP forward proxy.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Platform:
    name: str
    extra_hosts: tuple[str, ...] = ()

    def feed_urls(self, start_url: str) -> list[str]:
        return []

    def sitemap_urls(self, start_url: str) -> list[str]:
        return []

    def body_url(self, post_url: str) -> str:
        return post_url

    def is_post_url(self, url: str) -> bool | None:
        return None


def detect(start_url: str, html: str | None = None) -> Platform:
    return Platform("static")
