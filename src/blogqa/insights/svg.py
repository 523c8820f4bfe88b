"""The report's charts as SVG text drawn here, on the server: no JavaScript, no CDN, nothing
fetched, so the HTML report opens offline and `/insights` passes a strict CSP. Labels are
Korean and English; the font stack falls back to Noto Sans CJK so Hangul renders."""
from __future__ import annotations

from html import escape

FONT = "'Noto Sans CJK KR', 'Noto Sans KR', NanumGothic, 'Apple SD Gothic Neo', 'Malgun Gothic', sans-serif"
COLORS = {"answered": "#2f855a", "abstained": "#d69e2e", "handed_over": "#c53030",
          "rate": "#2b6cb0", "strict_rate": "#805ad5", "gap": "#dd6b20", "grid": "#e2e8f0", "text": "#2d3748"}
LABELS = {"answered": "답변 answered", "abstained": "답 없음 abstained", "handed_over": "상담 연결 handed over",
          "rate": "해결률 rate", "strict_rate": "엄격 strict"}
WIDTH, HEIGHT = 480, 260  # small enough that 12-unit labels stay readable on a 375 px phone
GAPS_WIDTH = 480
LEFT, RIGHT, TOP, BOTTOM = 40, 10, 34, 36


def _svg(name: str, title: str, body: list[str], height: int = HEIGHT, width: int = WIDTH) -> str:
    return (f'<svg class="chart" data-chart="{name}" xmlns="http://www.w3.org/2000/svg" role="img" '
            f'viewBox="0 0 {width} {height}" width="100%" font-family="{escape(FONT)}" font-size="12" '
            f'fill="{COLORS["text"]}"><title>{escape(title)}</title>{"".join(body)}</svg>')


def _text(x: float, y: float, text: str, anchor: str = "start", size: int = 12, cls: str = "") -> str:
    klass = f' class="{cls}"' if cls else ""
    return (f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="{size}"{klass}>'
            f'{escape(text)}</text>')


def text_width(text: str, size: float = 12) -> float:
    """About how wide `text` draws: Hangul and other wide letters 1 em, the rest 0.58 em."""
    return size * sum(1.0 if ord(ch) > 0x2E80 else 0.58 for ch in text)


def _legend(keys: list[str], y: float = 16) -> list[str]:
    out, x = [], LEFT
    for key in keys:
        out.append(f'<rect x="{x:.1f}" y="{y - 9}" width="10" height="10" fill="{COLORS[key]}"/>')
        out.append(_text(x + 14, y, LABELS[key], size=11))
        x += 24 + text_width(LABELS[key], 11)
    return out


def nice_max(value: float) -> int:
    """The axis top: 4 grid steps of 1, 2 or 5 x 10^k reaching `value`: 7 -> 8, 23 -> 40, 130 -> 200, 0 -> 4."""
    step = 1
    while True:
        for m in (1, 2, 5):
            if step * m * 4 >= value:
                return step * m * 4
        step *= 10


def _y_axis(top: float, plot_h: float, maximum: float, fmt=lambda v: f"{v:g}") -> list[str]:
    out = []
    for i in range(5):
        value = maximum * i / 4
        y = TOP + plot_h - plot_h * i / 4
        out.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" stroke="{COLORS["grid"]}"/>')
        out.append(_text(LEFT - 6, y + 4, fmt(value), anchor="end", size=11))
    return out


def _short(day: str) -> str:
    return f"{int(day[5:7])}/{int(day[8:10])}"  # "2026-11-03" -> "11/3"


def outcomes_by_week(weeks: list[dict]) -> str:
    """Stacked bars: questions per ISO week, answered / abstained / handed over."""
    keys = ["answered", "abstained", "handed_over"]
    plot_h = HEIGHT - TOP - BOTTOM
    maximum = nice_max(max((sum(w[k] for k in keys) for w in weeks), default=0))
    body = _y_axis(TOP, plot_h, maximum) + _legend(keys)
    slot = (WIDTH - LEFT - RIGHT) / max(len(weeks), 1)
    bar = min(56.0, slot * 0.6)
    partial = False
    for i, week in enumerate(weeks):
        x = LEFT + slot * i + (slot - bar) / 2
        base = TOP + plot_h
        part = week.get("days", 7) < 7  # the window holds only some of this week's days
        partial |= part
        for key in keys:
            h = plot_h * week[key] / maximum
            if h > 0:
                fade = ' fill-opacity="0.55"' if part else ""
                body.append(f'<rect class="bar" data-key="{key}" x="{x:.1f}" y="{base - h:.1f}" width="{bar:.1f}" '
                            f'height="{h:.1f}" fill="{COLORS[key]}"{fade}><title>{escape(LABELS[key])}: {week[key]}'
                            f'</title></rect>')
                base -= h
        label = _short(week["start"]) + ("*" if part else "")
        body.append(_text(x + bar / 2, TOP + plot_h + 16, label, anchor="middle", size=11))
        body.append(_text(x + bar / 2, base - 4, str(sum(week[k] for k in keys)), anchor="middle", size=11))
    if partial:
        body.append(_text(WIDTH - RIGHT, HEIGHT - 4, "* 일부 날짜만 / partial week", anchor="end", size=10))
    return _svg("outcomes", "주별 질문과 결과 / Questions per week by outcome", body)


def deflection_by_week(weeks: list[dict]) -> str:
    """Two lines over the weeks: the deflection rate and the strict rate (0-100 %)."""
    keys = ["rate", "strict_rate"]
    plot_h = HEIGHT - TOP - BOTTOM
    body = _y_axis(TOP, plot_h, 100, fmt=lambda v: f"{v:.0f}%") + _legend(keys)
    slot = (WIDTH - LEFT - RIGHT) / max(len(weeks), 1)
    xs = [LEFT + slot * (i + 0.5) for i in range(len(weeks))]
    for x, week in zip(xs, weeks):
        body.append(_text(x, TOP + plot_h + 16, _short(week["start"]), anchor="middle", size=11))
    for key in keys:
        points = [(x, TOP + plot_h * (1 - w[key])) for x, w in zip(xs, weeks) if w[key] is not None]
        if not points:
            continue
        d = " ".join(f"{'M' if i == 0 else 'L'}{x:.1f},{y:.1f}" for i, (x, y) in enumerate(points))
        body.append(f'<path class="line" data-key="{key}" d="{d}" fill="none" stroke="{COLORS[key]}" '
                    f'stroke-width="2.5"/>')
        for (x, y), w in zip(points, [w for w in weeks if w[key] is not None]):
            body.append(f'<circle class="point" cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{COLORS[key]}">'
                        f'<title>{escape(LABELS[key])}: {w[key] * 100:.0f}% ({w["conversations"]})</title></circle>')
    if not any(w["conversations"] for w in weeks):
        body.append(_text(WIDTH / 2, TOP + plot_h / 2, "위젯 대화 없음 / no widget conversations", anchor="middle"))
    return _svg("deflection", "주별 해결률 / Deflection per week", body)


def top_gaps(gaps: list[dict], top: int = 8) -> str:
    """Horizontal bars: the largest gap groups by size, labelled with their suggested title."""
    shown = gaps[:top]
    row = 28
    height = TOP + row * max(len(shown), 1) + 12
    label_w = 220
    maximum = max((g["size"] for g in shown), default=1)
    body = [_text(8, 18, "쓸 글 (질문 묶음 크기) / Posts to write (questions per group)")]
    for i, gap in enumerate(shown):
        y = TOP + row * i
        title = gap["suggested_title"]
        while text_width(title) > label_w - 16 and len(title) > 2:
            title = title[:-2] + "…"
        w = max((GAPS_WIDTH - RIGHT - label_w - 40) * gap["size"] / maximum, 2)
        body.append(_text(label_w - 8, y + 15, title, anchor="end"))
        body.append(f'<rect class="bar" x="{label_w}" y="{y + 3}" width="{w:.1f}" height="{row - 8}" '
                    f'fill="{COLORS["gap"]}"><title>{escape(gap["suggested_title"])}: {gap["size"]}</title></rect>')
        body.append(_text(label_w + w + 6, y + 15, str(gap["size"])))
    if not shown:
        body.append(_text(GAPS_WIDTH / 2, TOP + 16, "빈틈 없음 / no gaps", anchor="middle"))
    return _svg("gaps", "쓸 글 / Top content gaps", body, height=height, width=GAPS_WIDTH)
