"""Crawling a blog that lives on a website: discovery, polite fetching, extraction.

`crawl(url, report)` -> `CrawlResult` (see `state.py`); the HTTP rules live in `http.py`.
"""
from __future__ import annotations

from .state import CrawlResult, CrawlState, PageRecord

__all__ = ["CrawlResult", "CrawlState", "PageRecord"]
