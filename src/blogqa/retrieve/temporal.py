"""Temporal intent of a question (Korean and English): recency/oldest order and a date range.

    parse_temporal("작년에 올라온 배포 글", today=2026-11-25)
        -> since=2025-01-01, until=2025-12-31, order=None, cleaned="올라온 배포 글"
    parse_temporal("가장 최근에 업데이트된 쿠버네티스 글", today=...)
        -> order="newest", about_updates=True, cleaned="쿠버네티스 글"
    parse_temporal("최근 3개월 장애 회고", today=2026-11-25) -> since=2026-08-25, until=2026-11-25, order=None
    parse_temporal("23년 하반기 블로그 글") -> since=2023-07-01, until=2023-12-31
    parse_temporal("posts about kafka since 2020") -> since=2020-01-01, until=None
    parse_temporal("1989년 6월 30일에 일어난 일은?") -> empty intent, cleaned == question

Rules (KorQuAD-safe: a wrong filter on a factual question is worse than a missed one):
- Context: the question is "about posts" when it names one (글, 포스트, 게시물, 블로그, post,
  article, blog, "wrote about"), or says 저희/우리 팀/we/our together with a publishing verb
  (올라온, 작성, 발표, 공개, 출시, 업데이트, released ...).
- Absolute dates (2023년, 2023년 6월, 2023-06, June 2023, Q3 2022, 6월, 상반기) are filters only
  with context; years before 2000 only with a blog noun. A bare year ("2023") needs a
  preposition (in/since/before/from ...), a range ("2019~2021년") or "2023 posts".
  A date with a day followed by 에 일어난/있었던/발생한/태어난/사망한/열린 is a subject, never a filter.
- Relative expressions (작년, 올해, 지난달, 이번 분기, 지난주, 어제, 오늘, last year, this month,
  yesterday; 최근 3개월, last 6 months, past 2 years; 3개월 전, 2 years ago) are filters with
  context, or when the question mentions no year at all ("2016 ... 올해 수상자" stays empty).
  "today" (English) needs context; 오늘날 and 올해의 (책) are not temporal.
- 최근 N단위 / last N units / past year: since = today - N units, until = today, no order.
- N단위 전 / N units ago: since = first day of the calendar unit N units back, until = today
  ("3개월 전" -> 2026-08-01..2026-11-25); needs context (KorQuAD: "잭이 2년 전 태어난 곳" is
  story time). N units are capped at 10 years / 60 months / 104 weeks / 365 days.
- 초 = Jan-Mar, 중반 = Apr-Sep, 말/후반 = Oct-Dec; 상반기/전반기 = H1, 하반기/후반기 = H2.
  A year-less month or half means the latest one not after today ("12월" in Nov 2026 -> 2025-12).
- Operators: 이후/부터/since = from the start (inclusive); after = from the day after the end;
  까지/until/through = up to the end; 이전/전/before = up to the day before the start.
  Ranges: A부터 B까지, A~B, A-B, from A to B, between A and B. Several separate periods -> their
  hull; open bounds then narrow it.
- Order: strong recency words (최근, 최신, 요즘, 근래, 가장 최근, latest, recent(ly), newest, most
  recent) always count; weak ones (새로, 새롭게, 마지막으로, last; 처음, 최초, 가장 오래된, 첫 글,
  first, earliest, oldest) only with context. "처음부터", "최근접", "first-class", "first step",
  "First, ...", "at last", "last year" are not order words. Strong beats weak, then first wins.
- about_updates: an update word (업데이트, 갱신, 수정, 개정, 변경, update(d), changed) in a question
  that has some temporal intent; a lone "수정 방법" is not temporal.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from blogqa.models import Filters
from blogqa.retrieve import temporal_patterns as P
from blogqa.retrieve.temporal_calendar import (month_range, months_range, period, quarter_range,
                                               shift, unit_start)

_MAX_BACK = {"year": 10, "quarter": 20, "month": 60, "week": 104, "day": 365}
_PARTS = {"초": (1, 3), "초반": (1, 3), "중반": (4, 9), "말": (10, 12), "후반": (10, 12)}
_HALVES = {"상반기": 1, "전반기": 1, "하반기": 2, "후반기": 2}
_REL_YEARS = {"재작년": -2, "작년": -1, "지난해": -1, "지난 해": -1, "올해": 0, "금년": 0}


@dataclass(frozen=True)
class TemporalIntent:
    order: str | None = None  # "newest" | "oldest" | None
    since: dt.date | None = None
    until: dt.date | None = None  # inclusive
    about_updates: bool = False
    expressions: list[str] = field(default_factory=list)
    cleaned: str = ""

    @property
    def is_empty(self) -> bool:
        return self.order is None and self.since is None and self.until is None

    def to_filters(self) -> Filters:
        return Filters(since=self.since, until=self.until, use_updated=self.about_updates,
                       keep_undated=True)


@dataclass(frozen=True)
class _Atom:
    """A date or period found in the text. kind: "abs" (explicit year), "ctx" (year-less, needs
    context), "rel" (relative to today), "bare" (a lone 4-digit year)."""
    start: int
    end: int
    lo: dt.date
    hi: dt.date
    kind: str
    has_day: bool = False


@dataclass(frozen=True)
class _Cand:
    """A recognised expression. gate decides whether it is used (see `_passes`)."""
    start: int
    end: int
    gate: str  # "abs" | "old" (year < 2000) | "ctx" | "rel" | "strong" | "weak"
    since: dt.date | None = None
    until: dt.date | None = None
    order: str | None = None
    upd: bool = False


def parse_temporal(question: str, today: dt.date) -> TemporalIntent:
    """Order, date range and update focus of `question`, relative to `today`. Pure."""
    text = question
    cands = _spans(text, today)
    atoms = _atoms(text, today, taken=cands)
    cands += _atoms_to_cands(text, atoms)
    cands += _orders(text, taken=cands)
    noun_ctx = bool(P.CTX_NOUN.search(text))
    ctx = noun_ctx or bool(P.CTX_EN_VERB.search(text)) or bool(
        P.CTX_FIRST_PERSON.search(text) and P.CTX_VERB.search(text))
    year_mentioned = bool(P.YEAR_MENTION.search(text))
    used = [c for c in cands if _passes(c.gate, ctx, noun_ctx, year_mentioned)]
    since, until = _combine([c for c in used if c.order is None])
    order_cands = sorted((c for c in used if c.order), key=lambda c: (c.gate != "strong", c.start))
    order = order_cands[0].order if order_cands else None
    used = [c for c in used if c.order is None or c.order == order]
    if not used:
        return TemporalIntent(cleaned=question)
    used.sort(key=lambda c: c.start)
    about_updates = bool(P.UPDATE_WORD.search(text)) or any(c.upd for c in used)
    return TemporalIntent(order=order, since=since, until=until, about_updates=about_updates,
                          expressions=[text[c.start:c.end].strip() for c in used],
                          cleaned=_remove(text, [(c.start, c.end) for c in used]))


def _passes(gate: str, ctx: bool, noun_ctx: bool, year_mentioned: bool) -> bool:
    if gate == "strong":
        return True
    if gate == "rel":
        return ctx or not year_mentioned
    if gate == "old":
        return noun_ctx
    return ctx  # "abs", "ctx", "weak"


def _combine(cands: list[_Cand]) -> tuple[dt.date | None, dt.date | None]:
    closed = [c for c in cands if c.since and c.until]
    since = min((c.since for c in closed), default=None)
    until = max((c.until for c in closed), default=None)
    open_since = [c.since for c in cands if c.since and not c.until]
    open_until = [c.until for c in cands if c.until and not c.since]
    if open_since:
        since = max(open_since + ([since] if since else []))
    if open_until:
        until = min(open_until + ([until] if until else []))
    return since, until


def _remove(text: str, spans: list[tuple[int, int]]) -> str:
    out, pos = [], 0
    for s, e in sorted(spans):
        out.append(text[pos:s])
        pos = max(pos, e)
    out.append(text[pos:])
    joined = re.sub(r"\s+", " ", " ".join(out))
    return re.sub(r"\s+([?!.,])", r"\1", joined).strip(" ,;:")


def _overlaps(s: int, e: int, taken) -> bool:
    return any(s < t.end and t.start < e for t in taken)


# --- spans up to today ---------------------------------------------------------------------
def _unit_n(m: re.Match) -> tuple[str, int]:
    u, n = m.group("u").lower(), m.group("n")
    n = n.lower() if n else "1"  # "past year" -> 1
    unit = P.KO_UNITS.get(u, u)
    count = int(n) if n.isdigit() else P.KO_NUMS.get(n) or P.EN_NUMS.get(n) or 3  # "few" -> 3
    return unit, count


def _spans(text: str, today: dt.date) -> list[_Cand]:
    out: list[_Cand] = []
    for rx, ago in ((P.KO_LAST_N_SPAN, False), (P.KO_WITHIN_SPAN, False), (P.EN_LAST_N_SPAN, False),
                    (P.KO_AGO_SPAN, True), (P.EN_AGO_SPAN, True)):
        for m in rx.finditer(text):
            unit, n = _unit_n(m)
            if n < 1 or n > _MAX_BACK[unit] or _overlaps(m.start(), m.end(), out):
                continue
            back = shift(today, unit, -n)
            since = unit_start(back, unit) if ago else back
            out.append(_Cand(m.start(), m.end(), "ctx" if ago else "rel", since, today))
    return out


# --- atoms ---------------------------------------------------------------------------------
def _atoms(text: str, today: dt.date, taken: list[_Cand]) -> list[_Atom]:
    found: list[_Atom] = []
    for rx, fn in _ATOM_RULES:
        for m in rx.finditer(text):
            try:
                atom = fn(m, today)
            except ValueError:  # 2023년 2월 30일
                atom = None
            if atom:
                found.append(atom)
    for unit_rx, unit, off in P.KO_REL_ATOMS:
        for m in unit_rx.finditer(text):
            found.append(_Atom(m.start(), m.end(), *period(today, unit, off), "rel"))
    found.sort(key=lambda a: (a.start, a.start - a.end))
    out: list[_Atom] = []
    for a in found:
        if not _overlaps(a.start, a.end, out) and not _overlaps(a.start, a.end, taken):
            out.append(a)
    return out


def _ko_year(m: re.Match, today: dt.date) -> _Atom | None:
    g = m.groupdict()
    suffix = g["m"] or g["half"] or g["q"] or g["part"]
    if g["rel"]:
        year, kind = today.year + _REL_YEARS[g["rel"]], "rel"
    elif g["y4"]:
        year, kind = int(g["y4"]), "abs"
    elif suffix or g["apos"]:  # "23년 하반기", "'23년"; a lone "23년" is a duration
        y2 = int(g["y2"])
        year, kind = (2000 + y2 if y2 <= today.year % 100 + 1 else 1900 + y2), "abs"
    else:
        return None
    if g["d"]:
        lo = hi = dt.date(year, int(g["m"]), int(g["d"]))
    elif g["m"]:
        lo, hi = month_range(year, int(g["m"]))
    elif g["half"]:
        lo, hi = months_range(year, 1, 6) if _HALVES[g["half"]] == 1 else months_range(year, 7, 12)
    elif g["q"]:
        lo, hi = quarter_range(year, int(g["q"]))
    elif g["part"]:
        lo, hi = months_range(year, *_PARTS[g["part"]])
    else:
        lo, hi = dt.date(year, 1, 1), dt.date(year, 12, 31)
    return _Atom(m.start(), m.end(), lo, hi, kind, bool(g["d"]))


def _iso(m: re.Match, today: dt.date) -> _Atom:
    y, mo, d = int(m["y"]), int(m["m"]), m["d"]
    lo, hi = (dt.date(y, mo, int(d)),) * 2 if d else month_range(y, mo)
    return _Atom(m.start(), m.end(), lo, hi, "abs", bool(d))


def _en_date(m: re.Match, today: dt.date) -> _Atom:
    y, mo, d = int(m["y"]), P.MONTHS[m["mon"][:3].lower()], m["d1"] or m["d2"]
    lo, hi = (dt.date(y, mo, int(d)),) * 2 if d else month_range(y, mo)
    return _Atom(m.start(), m.end(), lo, hi, "abs", bool(d))


def _en_quarter(m: re.Match, today: dt.date) -> _Atom:
    y, k, n = int(m["y1"] or m["y2"]), (m["k1"] or m["k2"]).upper(), int(m["n1"] or m["n2"])
    if k == "H" and n > 2:
        raise ValueError(m.group())
    lo, hi = quarter_range(y, n) if k == "Q" else months_range(y, 6 * n - 5, 6 * n)
    return _Atom(m.start(), m.end(), lo, hi, "abs")


def _latest(today: dt.date, make) -> tuple[dt.date, dt.date]:
    """The period make(year) in this year, or last year if it has not started yet."""
    lo, hi = make(today.year)
    return (lo, hi) if lo <= today else make(today.year - 1)


def _ko_month(m: re.Match, today: dt.date) -> _Atom:
    mo, d = int(m["m"]), m["d"]
    if d:
        lo, hi = _latest(today, lambda y: (dt.date(y, mo, int(d)),) * 2)
    else:
        lo, hi = _latest(today, lambda y: month_range(y, mo))
    return _Atom(m.start(), m.end(), lo, hi, "ctx", bool(d))


def _ko_half(m: re.Match, today: dt.date) -> _Atom:
    if m["half"]:
        first = 1 if m["half"] == "상반기" else 7
        lo, hi = _latest(today, lambda y: months_range(y, first, first + 5))
    else:
        q = int(m["q"] or m["eq"])
        lo, hi = _latest(today, lambda y: quarter_range(y, q))
    return _Atom(m.start(), m.end(), lo, hi, "ctx")


def _bare(m: re.Match, today: dt.date) -> _Atom:
    y = int(m["y"])
    return _Atom(m.start(), m.end(), dt.date(y, 1, 1), dt.date(y, 12, 31), "bare")


def _en_rel(m: re.Match, today: dt.date) -> _Atom:
    if m["y"]:
        return _Atom(m.start(), m.end(), *period(today, "day", -1), "rel")
    if m["t"]:
        return _Atom(m.start(), m.end(), today, today, "ctx")  # "today" is often "nowadays"
    off = 0 if m["w"].lower() in ("this", "current") else -1
    return _Atom(m.start(), m.end(), *period(today, m["u"].lower(), off), "rel")


_ATOM_RULES = [(P.KO_YEAR_ATOM, _ko_year), (P.ISO_ATOM, _iso), (P.EN_DATE_ATOM, _en_date),
               (P.EN_QUARTER_ATOM, _en_quarter), (P.KO_MONTH_ATOM, _ko_month),
               (P.KO_HALF_ATOM, _ko_half), (P.BARE_YEAR_ATOM, _bare), (P.EN_REL_ATOM, _en_rel)]


# --- operators and ranges ------------------------------------------------------------------
def _gate(atoms: list[_Atom]) -> str:
    kinds = {a.kind for a in atoms}
    if kinds & {"abs", "bare"}:
        return "old" if min(a.lo.year for a in atoms if a.kind in ("abs", "bare")) < 2000 else "abs"
    return "ctx" if "ctx" in kinds else "rel"


def _atoms_to_cands(text: str, atoms: list[_Atom]) -> list[_Cand]:
    out: list[_Cand] = []
    i = 0
    while i < len(atoms):
        a = atoms[i]
        b = atoms[i + 1] if i + 1 < len(atoms) else None
        conn = b and P.RANGE_CONNECTOR.fullmatch(text, a.end, b.start)
        pre = P.RANGE_PREFIX.search(text, 0, a.start)
        if conn and ("and" not in conn.group().lower() or (pre and "between" in pre.group().lower())):
            if b.kind == "ctx" and a.kind != "ctx":  # "2023년 3월~6월": 6월 takes 2023
                b = _Atom(b.start, b.end, b.lo.replace(year=a.lo.year), b.hi.replace(year=a.hi.year), a.kind)
            end = P.RANGE_END.match(text, b.end).end()
            out.append(_Cand(pre.start() if pre else a.start, end, _gate([a, b]), a.lo, b.hi))
            i += 2
            continue
        i += 1
        if a.has_day and P.EVENT_AFTER.match(text, a.end):
            continue  # "1989년 6월 30일에 일어난 일" -> the date is the subject
        pre_op = P.EN_PREFIX_OP.search(text, 0, a.start)
        suf = P.KO_SUFFIX_OP.match(text, a.end) or P.EN_SUFFIX_OP.match(text, a.end)
        if a.kind == "bare" and not (pre_op or P.BLOG_NOUN_AFTER.match(text, a.end)):
            continue  # "2048 게임", "RFC 2616 ...": a number, not a filter
        op = _op(pre_op) or _op(suf) or "in"
        start = pre_op.start() if pre_op else a.start
        end = suf.end() if suf else a.end
        since, until = {"since": (a.lo, None), "after": (a.hi + dt.timedelta(days=1), None),
                        "until": (None, a.hi), "before": (None, a.lo - dt.timedelta(days=1)),
                        "in": (a.lo, a.hi)}[op]
        out.append(_Cand(start, end, _gate([a]), since, until))
    return out


def _op(m: re.Match | None) -> str | None:
    if not m:
        return None
    return next((k for k, v in m.groupdict().items() if v), None)


# --- order words ---------------------------------------------------------------------------
_ORDER_RULES = [(P.KO_RECENT, "newest", "strong"), (P.EN_RECENT, "newest", "strong"),
                (P.KO_NEWEST_WEAK, "newest", "weak"), (P.EN_LAST, "newest", "weak"),
                (P.KO_OLDEST_WEAK, "oldest", "weak"), (P.EN_OLDEST, "oldest", "weak")]


def _orders(text: str, taken: list[_Cand]) -> list[_Cand]:
    out: list[_Cand] = []
    for rx, order, gate in _ORDER_RULES:
        for m in rx.finditer(text):
            if _overlaps(m.start(), m.end(), taken) or _overlaps(m.start(), m.end(), out):
                continue
            if rx is P.EN_OLDEST and _sentence_opener(text, m):
                continue  # "First, ..." lists steps
            upd = bool(m.groupdict().get("upd"))
            out.append(_Cand(m.start(), m.end(), gate, order=order, upd=upd))
    return out


def _sentence_opener(text: str, m: re.Match) -> bool:
    before = text[:m.start()].rstrip()
    return (not before or before[-1] in ".!?") and text[m.end():].lstrip().startswith(",")
