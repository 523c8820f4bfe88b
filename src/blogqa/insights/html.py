"""The insights report as HTML: one self-contained file (`blogqa insights --html FILE`, the CSS
inlined, charts as inline SVG, nothing fetched) and the body of the internal `/insights` page
(the same sections; the page links the same CSS from /static). Every value is escaped."""
from __future__ import annotations

from html import escape as e
from pathlib import Path
from typing import Callable

from . import svg
from .log import FEEDBACK_REASONS, HANDOVER_REASONS, SURFACES

CSS_FILE = Path(__file__).resolve().parents[1] / "server" / "static" / "insights.css"
SURFACE_LABELS = {"search": "사내 검색 search", "ask": "질문 ask", "assist": "상담 도우미 assist",
                  "widget": "고객 위젯 widget", "openai": "/v1 openai"}
REASON_LABELS = {"wrong": "틀림 wrong", "outdated": "오래됨 outdated", "incomplete": "불완전 incomplete",
                 "not_answered": "질문에 답하지 않음 not answered", "asked_for_person": "상담원 요청 asked for a person",
                 "no_answer": "답 없음 no answer", "wrong_answer": "틀린 답 wrong answer", "other": "기타 other"}
WHY_LABELS = {"abstained": "답 없음", "handed_over": "상담 연결", "not_helpful": "도움 안 됨"}

PostLink = Callable[[str, str | None], str]  # (post_id, title) -> HTML


def plain_post(post_id: str, title: str | None) -> str:
    return f'<span class="post" title="{e(post_id)}">{e(title or post_id)}</span>'


def _pct(value) -> str:
    return "–" if value is None else f"{value * 100:.1f}%"


def _card(label: str, value, note: str = "") -> str:
    note_html = f'<span class="note">{e(note)}</span>' if note else ""
    return (f'<div class="card"><span class="label">{e(label)}</span><span class="value">{e(str(value))}</span>'
            f'{note_html}</div>')


def _table(head: list[str], rows: list[list[str]], empty: str) -> str:
    if not rows:
        return f'<p class="empty">{e(empty)}</p>'
    th = "".join(f"<th>{e(h)}</th>" for h in head)
    body = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows)
    return f'<div class="table-wrap"><table><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table></div>'


def _questions(items: list[str]) -> str:
    return "<ul class=\"questions\">" + "".join(f"<li>{e(q)}</li>" for q in items) + "</ul>"


def sections(report: dict, post_link: PostLink = plain_post) -> str:
    """Everything below the page header: summary cards, charts, tables."""
    q, o, f, d = report["questions"], report["outcomes"], report["feedback"], report["deflection"]
    lat, h = report["latency_ms"], report.get("handovers", {})
    cards = "".join([
        _card("질문 Questions", q["total"]),
        _card("답변 Answered", o["answered"]),
        _card("답 없음 Abstained", o["abstained"]),
        _card("상담 연결 Handed over", o["handed_over"], f"전체 hand-overs {h.get('total', o['handed_over'])}"),
        _card("도움 됨 / 안 됨 Helpful / not", f"{f['helpful']} / {f['not_helpful']}"),
        _card("해결률 Deflection", _pct(d["rate"]), f"엄격 strict {_pct(d['strict_rate'])}"),
        _card("응답 시간 Latency p50 / p95", "–" if lat["p50"] is None else f"{lat['p50']:,.0f} / {lat['p95']:,.0f} ms"),
    ])
    surfaces = _table(["화면 Surface", "질문 Questions"],
                      [[e(SURFACE_LABELS.get(s, s)), str(n)] for s, n in q["by_surface"].items()
                       if n or s in SURFACES], "질문 없음 / no questions")
    reasons = _table(["이유 Reason", "도움 안 됨 Not helpful"],
                     [[e(REASON_LABELS[r]), str(f["reasons"].get(r, 0))] for r in FEEDBACK_REASONS]
                     + ([[e("이유 없음 no reason"), str(f["no_reason"])]] if f.get("no_reason") else []), "")
    handover_reasons = _table(["이유 Reason", "상담 연결 Hand-overs"],
                              [[e(REASON_LABELS[r]), str(h.get("reasons", {}).get(r, 0))] for r in HANDOVER_REASONS]
                              + ([[e("이유 없음 no reason"), str(h["no_reason"])]] if h.get("no_reason") else []),
                              "")
    deflection = (f'<p class="numbers">대화 conversations <b>{d["conversations"]}</b> · 해결 resolved '
                  f'<b>{d["resolved"]}</b> ({_pct(d["rate"])}) · 도움 됨 확인 confirmed helpful '
                  f'<b>{d.get("confirmed", "–")}</b> ({_pct(d["strict_rate"])})</p>'
                  f'<p class="method">{e(d["method"])}</p>')
    gap_rows = []
    for g in report["gaps"]:
        near = g.get("nearest_post")
        near_html = (f'{post_link(near["post_id"], near["title"])}<span class="note">이 글이 거의 답합니다 / '
                     f'this post almost answers it (유사도 {near.get("similarity", 0):.2f})</span>'
                     if near else '<span class="note">가까운 글 없음 / none</span>')
        why = ", ".join(f"{WHY_LABELS.get(k, k)} {n}" for k, n in g.get("why", {}).items())
        gap_rows.append([str(g["size"]), f'<b>{e(g["suggested_title"])}</b><span class="note">{e(why)}</span>',
                         _questions(g["examples"]), near_html])
    fix_rows = [[post_link(p["post_id"], p["title"]), str(p["not_helpful"]), _questions(p["questions"][:5])]
                for p in report["posts_to_fix"]]
    cited_rows = [[post_link(p["post_id"], p["title"]), str(p["answers"])] for p in report["most_cited"]]
    stale = report["stale_answers"]
    stale_rows = [[post_link(p["post_id"], p["title"]), e(p["written"]), str(p["answers"]), _questions(p["questions"])]
                  for p in stale["posts"]]
    weeks = report["series"]["week"]
    similarity = report.get("gap_similarity", 0)
    gap_table = _table(["질문 수 Size", "제안 제목 Suggested title", "예시 Examples", "가장 가까운 글 Nearest post"],
                       gap_rows, "빈틈 없음 / no gaps")
    fix_table = _table(["글 Post", "도움 안 됨 Not helpful", "질문 Questions"], fix_rows, "없음 / none")
    return f"""
<section class="cards">{cards}</section>
<section class="charts">
  <figure><figcaption>주별 질문과 결과 · Questions per week by outcome</figcaption>{svg.outcomes_by_week(weeks)}</figure>
  <figure><figcaption>주별 해결률 · Deflection per week (widget)</figcaption>{svg.deflection_by_week(d["weekly"])}</figure>
  <figure class="wide"><figcaption>쓸 글 · Top content gaps</figcaption>{svg.top_gaps(report["gaps"])}</figure>
</section>
<section><h2>화면별 질문 · Questions by surface</h2>{surfaces}</section>
<section><h2>해결률 · Deflection</h2>{deflection}</section>
<section><h2>피드백 이유 · Feedback reasons</h2>{reasons}<h3>상담 연결 이유 · Hand-over reasons</h3>{handover_reasons}</section>
<section><h2>써야 할 글 · Content gaps → posts to write</h2>
  <p class="method">답 없음, 상담 연결, 도움 안 됨 질문을 의미로 묶었습니다 (코사인 유사도 ≥ {similarity:.2f}). /
  Abstained, handed-over and not-helpful questions grouped by meaning (cosine similarity ≥ {similarity:.2f}).</p>
  {gap_table}</section>
<section><h2>고칠 글 · Posts to fix</h2>{fix_table}</section>
<section><h2>많이 인용된 글 · Most cited posts</h2>{_table(["글 Post", "답변 Answers"], cited_rows, "없음 / none")}</section>
<section><h2>오래된 글을 인용한 답변 · Stale answers</h2>
  <p class="numbers">{stale["before"]} 이전에 쓴 글을 인용한 답변 / answers citing posts written before {stale["before"]}
  ({stale["days"]}일 days): <b>{stale["answers"]}</b> / {stale["of"]}</p>
  {_table(["글 Post", "작성 Written", "답변 Answers", "질문 Questions"], stale_rows, "없음 / none")}</section>
"""


def title_line(report: dict) -> str:
    return f'{e(report["since"])} – {e(report["until"])}'


def report_html(report: dict) -> str:
    """The standalone report: opens offline, no scripts."""
    css = CSS_FILE.read_text(encoding="utf-8")
    return (f'<!doctype html><html lang="ko"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<title>blogqa 인사이트 / Insights {title_line(report)}</title><style>{css}</style></head>'
            f'<body class="insights"><main><h1>인사이트 · Insights</h1><p class="period">{title_line(report)} (UTC)</p>'
            f'{sections(report)}</main></body></html>')
