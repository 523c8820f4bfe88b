"""One blog page's HTML -> its main text and metadata, with trafilatura (htmldate inside it finds the published date).

The body keeps the format `Post.body` promises: headings as `## ` lines, code between ```
fences, no navigation, sidebar, related posts, comments, share buttons or footer.

    >>> page = extract_page('<html><head><title>Hello | My Blog</title></head><body>'
    ...     '<nav>Home About</nav><article><h1>Hello</h1><h2>Part</h2><p>' + 'Some text. ' * 20 +
    ...     '</p></article><footer>(c) 2024 My Blog</footer></body></html>', "http://b.example/2024/03/05/hello/")
    >>> page.title, page.date.isoformat(), page.body.splitlines()[0]
    ('Hello', '2024-03-05', '## Part')
"""
from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from urllib.parse import urljoin

import lxml.html
import trafilatura

from ..sources import fields
from ..text.normalize import html_to_text, normalize_text

_ARTICLE_TYPES = {"article", "blogposting", "newsarticle", "techarticle", "report", "posting", "socialmediaposting"}
_TITLE_SEPARATORS = (" | ", " - ", " – ", " — ", " :: ", " · ", " » ")
_TEXT_DATE = re.compile(r"(?<!\d)((?:19|20)\d{2})(?:\s*[-./]\s*|\s*년\s*)(\d{1,2})(?:\s*[-./]\s*|\s*월\s*)(\d{1,2})(?!\d)")
_URL_DATE = re.compile(r"/((?:19|20)\d{2})[/-](\d{1,2})[/-](\d{1,2})(?:[/-]|$)")
_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_ESCAPED = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>])")
_EMPHASIS = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
# htmldate from the markup only (meta, JSON-LD, <time>, the URL): its "extensive" search of the
# text takes a footer's "© 2024" for a date, which would make an about page look dated.
_DATE_CONFIG = {"extensive_search": False, "original_date": True}


@dataclass
class ExtractedPage:
    """What a page says about itself. `is_article`: the page's own markup calls it one article
    (og:type article, JSON-LD Article/BlogPosting, a single <article>, article:published_time)."""

    title: str | None
    body: str
    date: dt.date | None = None
    updated: dt.date | None = None
    canonical: str | None = None
    tags: list[str] = field(default_factory=list)
    author: str | None = None
    is_article: bool = False


def extract_page(html: str, url: str | None = None, main_html: str | None = None) -> ExtractedPage:
    """Main text and metadata of one page; `url` (where it was fetched) resolves a relative
    canonical link and gives the URL's date as the last resort; `main_html`, the post-body
    container a platform knows (`Platform.main_html`), is where the text is read from then."""
    try:
        tree = lxml.html.fromstring(html) if html.strip() else None
    except (ValueError, lxml.etree.ParserError):
        tree = None
    if tree is None:
        return ExtractedPage(title=None, body="")
    meta = trafilatura.extract_metadata(tree, default_url=url, date_config=_DATE_CONFIG)
    metas = _meta_tags(tree)
    ld = _json_ld(tree)
    date = _first_date(metas.get("article:published_time"), ld.get("datePublished"), meta.date,
                       _url_date(url), _byline_date(tree))
    updated = _first_date(metas.get("article:modified_time"), metas.get("og:updated_time"),
                          metas.get("datemodified"), ld.get("dateModified"), _time_modified(tree))
    page = ExtractedPage(
        title=clean_title(meta.title, meta.sitename),
        body="",
        date=date,
        updated=updated if updated and updated != date and (not date or updated > date) else None,
        canonical=_canonical(tree, url) or (urljoin(url, meta.url) if url and meta.url else meta.url),
        tags=fields.merge_tags(meta.tags or [], meta.categories or []),
        author=meta.author or ld.get("author") or metas.get("author") or None,
        is_article=_is_article(tree, metas, ld),
    )
    if main_html:
        body = main_text(lxml.html.fromstring(main_html), main_html)
    else:
        body = main_text(tree, html)  # last: trafilatura prunes the tree
    page.body = _drop_title_heading(body, page.title)
    return page


def main_text(tree, html: str) -> str:
    """The main content of a parsed page as clean text; trafilatura's precise mode first (it
    drops share buttons and related links), its recall mode when that finds nothing, the plain
    `<article>`/`<main>` text as the last resort. Figure captions and image alt texts are kept,
    and a code block keeps its language (`language-x` class) on its fence."""
    languages = _code_languages(tree)
    for caption in tree.iter("figcaption"):
        caption.tag = "p"  # trafilatura drops captions, but keeps paragraphs
    options = dict(output_format="markdown", include_formatting=True, include_comments=False,
                   include_tables=True, include_links=False, include_images=True, deduplicate=False)
    for mode in ({"favor_precision": True}, {"favor_recall": True}):
        text = trafilatura.extract(tree, **options, **mode)
        if text and text.strip():
            return _tidy(text, languages)
    return html_to_text(html)


def clean_title(title: str | None, site_name: str | None = None) -> str | None:
    """The title without its " | Blog name" suffix (or "Blog name | " prefix).

        >>> clean_title("Kafka 운영기 | Tech Blog", "Tech Blog"), clean_title("Tech Blog - Kafka", "Tech Blog")
        ('Kafka 운영기', 'Kafka')
    """
    title = fields.clean_title(title)
    if not title:
        return None
    for sep in _TITLE_SEPARATORS:
        if sep not in title:
            continue
        head, _, tail = title.rpartition(sep)
        first, _, rest = title.partition(sep)
        if site_name and tail.strip().lower() == site_name.strip().lower():
            return head.strip() or title
        if site_name and first.strip().lower() == site_name.strip().lower():
            return rest.strip() or title
    return title


def _tidy(text: str, languages: dict[str, str]) -> str:
    """trafilatura's markdown -> Post.body: emphasis marks, escapes and image syntax (its alt
    text stays) dropped outside code, a blank line after each closing fence (so a heading after
    code starts its own line)."""
    parts = re.split(r"(^```[^\n]*\n.*?^```$)", text, flags=re.M | re.S)
    out = []
    for number, part in enumerate(parts):
        if number % 2:  # a fenced block, verbatim, with its language when the page named one
            head, _, code = part.partition("\n")
            language = languages.get(_code_key(code.removesuffix("```")), "")
            out.append((f"```{language}\n{code}" if head == "```" else part) + "\n")
        else:
            part = _IMAGE.sub(r"\1", part)
            out.append(_ESCAPED.sub(r"\1", _EMPHASIS.sub(r"\2", part)))
    return normalize_text("".join(out))


def _code_key(code: str) -> str:
    return "".join(code.split())


def _code_languages(tree) -> dict[str, str]:
    """Code text (whitespace ignored) -> its language, from `<pre><code class="language-x">`."""
    found = {}
    for pre in tree.iter("pre"):
        classes = " ".join(node.get("class") or "" for node in [pre, *pre.iter("code")]).split()
        language = next((c.split("-", 1)[1] for c in classes if c.startswith(("language-", "lang-"))), None)
        if language:
            found[_code_key(pre.text_content())] = language
    return found


def _drop_title_heading(body: str, title: str | None) -> str:
    first, _, rest = body.partition("\n")
    if title and first.lstrip("#").strip() == title and first.startswith("#"):
        return rest.strip("\n")
    return body


def _meta_tags(tree) -> dict[str, str]:
    found: dict[str, str] = {}
    for node in tree.iter("meta"):
        key = (node.get("property") or node.get("name") or node.get("itemprop") or "").strip().lower()
        value = (node.get("content") or "").strip()
        if key and value:
            found.setdefault(key, value)
    return found


def _json_ld(tree) -> dict:
    """datePublished / dateModified / author / type of the page's JSON-LD article, if any."""
    found: dict = {}
    for node in tree.iter("script"):
        if (node.get("type") or "").lower() != "application/ld+json" or not node.text:
            continue
        try:
            data = json.loads(node.text)
        except ValueError:
            continue
        for item in _ld_items(data):
            types = item.get("@type")
            types = [types] if isinstance(types, str) else types if isinstance(types, list) else []
            if not any(str(t).lower() in _ARTICLE_TYPES for t in types):
                continue
            found.setdefault("type", "article")
            for key in ("datePublished", "dateModified"):
                if isinstance(item.get(key), str):
                    found.setdefault(key, item[key])
            author = item.get("author")
            author = author[0] if isinstance(author, list) and author else author
            name = author.get("name") if isinstance(author, dict) else author
            if isinstance(name, str) and name.strip():
                found.setdefault("author", name.strip())
    return found


def _ld_items(data) -> list[dict]:
    items = data if isinstance(data, list) else [data]
    out = []
    for item in items:
        if isinstance(item, dict):
            out.append(item)
            graph = item.get("@graph")
            if isinstance(graph, list):
                out.extend(i for i in graph if isinstance(i, dict))
    return out


def _is_article(tree, metas: dict[str, str], ld: dict) -> bool:
    if metas.get("og:type", "").lower() == "article" or ld.get("type") == "article":
        return True
    if "article:published_time" in metas:
        return True
    return len(tree.xpath("//article")) == 1


def _canonical(tree, url: str | None) -> str | None:
    for node in tree.iter("link"):
        if "canonical" in (node.get("rel") or "").lower().split() and (node.get("href") or "").strip():
            href = node.get("href").strip()
            return urljoin(url, href) if url else href
    return None


def _time_modified(tree) -> str | None:
    """`<time itemprop="dateModified" datetime=...>`; htmldate's "latest date" is not used, as a
    sidebar's newest post date would pass for the page's."""
    for node in tree.iter("time"):
        if (node.get("itemprop") or "").lower() == "datemodified" and node.get("datetime"):
            return node.get("datetime")
    return None


def _byline_date(tree) -> str | None:
    """A date written near the top of the page's only `<article>` ("2023. 5. 6.", "2023년 5월 6일",
    "2023-05-06"), as Korean blog skins print it without markup."""
    articles = tree.xpath("//article")
    if len(articles) != 1:
        return None
    match = _TEXT_DATE.search(" ".join(articles[0].text_content().split())[:400])
    return "-".join(match.groups()) if match else None


def _url_date(url: str | None) -> str | None:
    match = _URL_DATE.search(url or "")
    return "-".join(match.groups()) if match else None


def url_date(url: str | None) -> dt.date | None:
    """The date in a post URL's path.

        >>> url_date("https://b.example/2024/3/5/kafka/"), url_date("https://b.example/kafka/")
        (datetime.date(2024, 3, 5), None)
    """
    return _first_date(_url_date(url))


def _first_date(*values: str | None) -> dt.date | None:
    for value in values:
        try:
            date = fields.parse_date(value)
        except ValueError:
            continue
        if date:
            return date
    return None
