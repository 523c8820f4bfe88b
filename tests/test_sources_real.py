"""Both real blogs in ../shared/data/blogs load completely and cleanly."""
import datetime as dt
import re
from pathlib import Path

import pytest

from blogqa.sources import LoadReport, load

BLOGS = Path(__file__).parents[1].parent / "shared" / "data" / "blogs"
FENCED = re.compile(r"^```.*?^```", re.S | re.M)
INLINE_CODE = re.compile(r"`[^`\n]*`")


def prose(body: str) -> str:
    """A body without its code (fenced blocks and `inline code`)."""
    return INLINE_CODE.sub("", FENCED.sub("", body))


@pytest.fixture(scope="module")
def blogs():
    if not BLOGS.is_dir():
        pytest.skip(f"{BLOGS} is not there")
    loaded = {}
    for name in ("hyperconnect", "spoqa"):
        report = LoadReport()
        loaded[name] = ({p.id: p for p in load(BLOGS / name, report=report)}, report)
    return loaded


def test_counts_and_no_warnings(blogs):
    hyper, hyper_report = blogs["hyperconnect"]
    spoqa, spoqa_report = blogs["spoqa"]
    assert (len(hyper), len(spoqa)) == (113, 109)
    assert hyper_report.warnings == [] and spoqa_report.warnings == []
    assert all(pid.startswith("_posts/") for pid in [*hyper, *spoqa])  # README.md beside _posts skipped


def test_dates(blogs):
    hyper, spoqa = blogs["hyperconnect"][0], blogs["spoqa"][0]
    assert spoqa["_posts/2012-3-28-Internship.md"].date == dt.date(2012, 3, 28)
    assert hyper["_posts/2018-04-17-hypercut.md"].date == dt.date(2018, 4, 30)
    assert hyper["_posts/2024-07-10-azar-recsys-experiment-framework.md"].date == dt.date(2025, 8, 26)
    assert all(p.date for p in [*hyper.values(), *spoqa.values()])


def test_metadata_quirks(blogs):
    hyper, spoqa = blogs["hyperconnect"][0], blogs["spoqa"][0]
    hypercut = hyper["_posts/2018-04-17-hypercut.md"]
    assert hypercut.tags == ["machine-learning", "hypercut"] and hypercut.author == "dgoon"
    assert all(isinstance(t, str) for p in hyper.values() for t in p.tags)
    assert sum(len(p.tags) >= 2 for p in hyper.values()) > 50
    assert sum(", " in (p.author or "") for p in hyper.values()) >= 10  # `authors:` lists joined
    card = spoqa["_posts/2016-08-18-card sorting.md"]
    assert card.title == "카드 소팅 도입기" and card.source_path == "_posts/2016-08-18-card sorting.md"
    assert spoqa["_posts/2014-07-09-geofront.md"].title == "Geofront: 소규모 팀을 위한 SSH 키 관리 서비스"


def test_bodies_are_clean(blogs):
    sources = {f"{name}/{pid}": post for name in blogs for pid, post in blogs[name][0].items()}
    for key, post in sources.items():
        text = prose(post.body)
        assert "{{" not in post.body and "{%" not in post.body and "{:" not in post.body, key
        assert not re.search("[\x00-\x08\x0b-\x1f\x7f]", post.body), key
        assert "\r" not in post.body and "gist.github.com" not in text and "<figure" not in text, key
        assert "](" not in text and "absolute_url" not in text, key


def test_code_and_headings_survive(blogs):
    hyper, spoqa = blogs["hyperconnect"][0], blogs["spoqa"][0]
    convention = spoqa["_posts/2012-08-03-about-python-coding-convention.md"].body
    assert '```python\nclass MessageError(Exception):\n    """Base class for errors in the email package."""\n```' in convention
    assert "\n# Coding Convention\n" in convention
    assert "\n## 흔히 일어나는 상황\n" in spoqa["_posts/2014-07-09-geofront.md"].body  # setext heading
    actions = hyper["_posts/2021-11-08-github-actions-for-everyone-1.md"].body
    assert "password: ${ { secrets.BOT_PASSWORD } }" in actions  # {% raw %} content kept, defused
    zabbix = hyper["_posts/2018-10-22-monitoring-cloud-with-zabbix.md"].body
    assert "LEN=${#DISK[@]}" in zabbix  # {{ '{#' }} is Liquid for "{#", in code too
    assert "\x10" not in spoqa["_posts/2012-02-06-eclipse-mat.md"].body
