"""Permalink patterns -> URL paths, the way Jekyll and Hugo build them (pure functions).

    >>> when = dt.datetime(2020, 2, 13, 16, 0)
    >>> jekyll_path("date", jekyll_values("car-damage", None, when, ["data"]))
    '/data/2020/02/13/car-damage.html'
    >>> jekyll_path("/:year-:month-:day-:title/", jekyll_values("intern_jklee", None, when, []))
    '/2020-02-13-intern_jklee/'
    >>> hugo_path("/:year/:month/:title/", hugo_values("검색 이야기!", None, "search", when, ["posts"]))
    '/2020/02/%EA%B2%80%EC%83%89-%EC%9D%B4%EC%95%BC%EA%B8%B0/'

Paths are percent-encoded as the generators write them in links, sitemaps and canonical tags
(Jekyll escapes each placeholder value; Hangul becomes %XX bytes), so a folder-built post gets
the same URL a crawl of the live site would.
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from urllib.parse import quote

# Jekyll's built-in styles (`permalink: date` is the default).
JEKYLL_STYLES = {
    "date": "/:categories/:year/:month/:day/:title:output_ext",
    "pretty": "/:categories/:year/:month/:day/:title/",
    "ordinal": "/:categories/:year/:y_day/:title:output_ext",
    "weekdate": "/:categories/:year/W:week/:short_day/:title:output_ext",
    "none": "/:categories/:title:output_ext",
}
DATE_KEYS = ("year", "month", "day", "hour", "minute", "second", "i_day", "i_month", "short_month",
             "long_month", "short_year", "y_day", "w_year", "week", "w_day", "short_day", "long_day",
             "monthname", "weekday", "weekdayname", "yearday")
_PLACEHOLDER = re.compile(r":([a-z_]+)")
_PATH_SAFE = "/:@!$&'()*+,;=-._~"  # RFC 3986 pchar minus the percent sign: kept as they are
_PRETTY_KEEP = set("._~!$&'()+,;=@")
_HUGO_KEEP = set("./_-#+~")


def jekyll_template(permalink: object) -> str:
    """A `permalink:` setting as a template: a style name (date, pretty, ...) or the template itself."""
    text = str(permalink or "date").strip()
    return JEKYLL_STYLES.get(text, text)


def slugify(text: str, *, pretty: bool = False, cased: bool = False) -> str:
    """Jekyll's `Utils.slugify`: runs of characters other than letters, marks and digits (and,
    when `pretty`, `._~!$&'()+,;=@`) become one hyphen; ends trimmed; lower-cased unless `cased`.

        >>> slugify("card sorting"), slugify("Intern_JK Lee", pretty=True, cased=True)
        ('card-sorting', 'Intern_JK-Lee')
    """
    out, gap = [], False
    for char in str(text):
        if unicodedata.category(char)[0] in "LM" or unicodedata.category(char) == "Nd" \
                or (pretty and char in _PRETTY_KEEP):
            if gap and out:
                out.append("-")
            out.append(char)
            gap = False
        else:
            gap = True
    slug = "".join(out).strip("-")
    return slug if cased else slug.lower()


def urlize(text: str) -> str:
    """Hugo's `urlize`: spaces become hyphens, characters other than letters, marks, digits and
    `./_-#+~` are dropped, lower-cased.

        >>> urlize("Hello, World! 검색")
        'hello-world-검색'
    """
    kept = []
    for char in str(text).strip():
        if char.isspace():
            kept.append("-")
        elif unicodedata.category(char)[0] in "LMN" or char in _HUGO_KEEP:
            kept.append(char)
    return re.sub(r"-{2,}", "-", "".join(kept)).lower()


def jekyll_values(slug: str, collection_path: str | None, when: dt.datetime | None, categories: list[str],
                  output_ext: str = ".html", collection: str = "posts") -> dict[str, str]:
    """Placeholder values of one document: `slug` is the front-matter slug or the file's (for a
    post: the name after the date); `when` is already in the site's time zone."""
    values = {
        "title": slugify(slug, pretty=True, cased=True),
        "slug": slugify(slug),
        "name": slugify(slug),
        "categories": "/".join(dict.fromkeys(c.lower() for c in categories)),
        "slugified_categories": "/".join(dict.fromkeys(slugify(c) for c in categories)),
        "output_ext": output_ext,
        "collection": collection,
        "path": collection_path or slug,
    }
    if when is not None:
        iso_year, iso_week, iso_day = when.isocalendar()
        values.update(
            year=f"{when.year:04d}", month=f"{when.month:02d}", day=f"{when.day:02d}",
            hour=f"{when.hour:02d}", minute=f"{when.minute:02d}", second=f"{when.second:02d}",
            i_day=str(when.day), i_month=str(when.month), short_month=when.strftime("%b"),
            long_month=when.strftime("%B"), short_year=f"{when.year % 100:02d}",
            y_day=f"{when.timetuple().tm_yday:03d}", w_year=str(iso_year), week=f"{iso_week:02d}",
            w_day=str(iso_day), short_day=when.strftime("%a"), long_day=when.strftime("%A"))
    return values


def jekyll_path(template: str, values: dict[str, str]) -> str | None:
    """Expand a Jekyll template (or style name); None when it needs a date the post lacks.
    Each value is percent-encoded; empty parts collapse (`/:categories/` without categories)."""
    template = jekyll_template(template)
    if _needs_missing_date(template, values):
        return None

    def expand(match: re.Match) -> str:
        key = match.group(1)
        return quote(values[key], safe=_PATH_SAFE) if key in values else match.group(0)

    return _sanitize(_PLACEHOLDER.sub(expand, template))


def hugo_values(title: str, slug: str | None, filename: str, when: dt.datetime | None,
                sections: list[str]) -> dict[str, str]:
    """Token values of one Hugo page (`filename`: the file's base name, or its bundle folder's)."""
    title_part = urlize(title)
    slug_part = urlize(slug) if slug else title_part
    values = {
        "title": title_part, "slug": slug_part, "filename": urlize(filename),
        "slugorfilename": urlize(slug) if slug else urlize(filename),
        "contentbasename": urlize(filename),
        "slugorcontentbasename": urlize(slug) if slug else urlize(filename),
        "section": urlize(sections[0]) if sections else "",
        "sections": "/".join(urlize(s) for s in sections),
    }
    if when is not None:
        values.update(year=f"{when.year:04d}", month=f"{when.month:02d}", day=f"{when.day:02d}",
                      monthname=when.strftime("%B").lower(), weekday=str(when.isoweekday() % 7),
                      weekdayname=when.strftime("%A").lower(), yearday=str(when.timetuple().tm_yday))
    return values


def hugo_path(pattern: str, values: dict[str, str], lower: bool = True) -> str | None:
    """Expand a Hugo `[permalinks]` pattern; None when it needs a date the page lacks. Hugo
    lower-cases paths unless `disablePathToLower` (`lower=False`)."""
    if _needs_missing_date(pattern, values):
        return None

    def expand(match: re.Match) -> str:
        key = match.group(1)
        return values[key] if key in values else match.group(0)

    path = _PLACEHOLDER.sub(expand, pattern)
    return _sanitize(quote(path.lower() if lower else path, safe=_PATH_SAFE))


def escape_path(path: str) -> str:
    """Percent-encode a path written by hand (front matter `url`), leaving %XX already there."""
    return _sanitize(quote(path, safe=_PATH_SAFE + "%"))


def _needs_missing_date(template: str, values: dict[str, str]) -> bool:
    return any(key in DATE_KEYS and key not in values for key in _PLACEHOLDER.findall(template))


def _sanitize(path: str) -> str:
    """One leading slash, no empty or dot-only segments (Jekyll's `URL#sanitize_url`)."""
    path = re.sub(r"/{2,}", "/", "/" + path)
    return re.sub(r"/\.+(?=/|$)", "", path) or "/"
