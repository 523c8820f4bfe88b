"""The events of one reporting window, read once through `EventStore.read`, with the links
between them that every insight needs: which answers were handed over, which got feedback.

    window = Window.last_weeks(4, today=dt.date(2026, 12, 1))   # 2026-11-03 .. 2026-12-01
    log = EventLog.read(store, window)
    log.outcome(log.questions[0])  # "answered" | "abstained" | "handed_over"
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from ..errors import UsageError
from ..events import FEEDBACK_REASONS, HANDOVER_REASONS, ORIGINS
from ..events import origin_of as _logged_origin

SURFACES = ORIGINS
OUTCOMES = ("answered", "abstained", "handed_over")
DEFAULT_WEEKS = 4


@dataclass(frozen=True)
class Window:
    """Whole UTC days from `since` to `until`, both included."""

    since: dt.date
    until: dt.date

    def __post_init__(self):
        if self.since > self.until:
            raise UsageError(f"--since {self.since} is after --until {self.until}")

    @classmethod
    def last_weeks(cls, weeks: int = DEFAULT_WEEKS, today: dt.date | None = None,
                   since: dt.date | None = None, until: dt.date | None = None) -> "Window":
        """`--until` defaults to today (UTC), `--since` to 4 weeks before it:
        `Window.last_weeks(today=date(2026, 12, 1))` -> 2026-11-03 .. 2026-12-01."""
        until = until or today or dt.datetime.now(dt.timezone.utc).date()
        return cls(since or until - dt.timedelta(weeks=weeks), until)

    @property
    def start(self) -> dt.datetime:
        return dt.datetime.combine(self.since, dt.time(), dt.timezone.utc)

    @property
    def end(self) -> dt.datetime:
        """The first instant after the window."""
        return dt.datetime.combine(self.until + dt.timedelta(days=1), dt.time(), dt.timezone.utc)

    def days(self) -> list[dt.date]:
        return [self.since + dt.timedelta(days=n) for n in range((self.until - self.since).days + 1)]

    def weeks(self) -> list[dt.date]:
        """The Mondays of the ISO weeks the window touches."""
        first = week_of(self.since)
        return [first + dt.timedelta(weeks=n) for n in range((week_of(self.until) - first).days // 7 + 1)]


def week_of(day: dt.date) -> dt.date:
    """The Monday of `day`'s ISO week: `week_of(date(2026, 12, 3)) == date(2026, 11, 30)`."""
    return day - dt.timedelta(days=day.weekday())


def parse_at(value) -> dt.datetime:
    """An `at` column (ISO-8601, UTC) as an aware datetime; a naive one is taken as UTC."""
    at = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))
    return at if at.tzinfo else at.replace(tzinfo=dt.timezone.utc)


def day_of(row: dict) -> dt.date:
    return parse_at(row["at"]).astimezone(dt.timezone.utc).date()


def origin_of(row: dict) -> str:
    """Which surface asked: the `origin` column (events migration m002), else the same rule it
    back-fills with (`blogqa.events.origin_of`)."""
    return row.get("origin") or _logged_origin(row.get("kind", "ask"), row.get("surface", "api"))


def _in_window(rows: list[dict], window: Window) -> list[dict]:
    """Exactly the window's rows, oldest first (whatever range the store was asked for)."""
    kept = [r for r in rows if window.start <= parse_at(r["at"]) < window.end]
    return sorted(kept, key=lambda r: (parse_at(r["at"]), r.get("id") or 0))


@dataclass
class EventLog:
    questions: list[dict]
    feedback: list[dict]
    handovers: list[dict]
    window: Window
    handed_over: set[str] = field(init=False)                   # answer ids with a hand-over
    feedback_by_answer: dict[str, list[dict]] = field(init=False)
    question_by_answer: dict[str, dict] = field(init=False)

    def __post_init__(self):
        self.questions, self.feedback, self.handovers = (_in_window(rows, self.window)
                                                         for rows in (self.questions, self.feedback, self.handovers))
        self.handed_over = {h["answer_id"] for h in self.handovers if h.get("answer_id")}
        self.feedback_by_answer = defaultdict(list)
        for f in self.feedback:
            self.feedback_by_answer[f["answer_id"]].append(f)
        self.question_by_answer = {q["answer_id"]: q for q in self.questions if q.get("answer_id")}

    @classmethod
    def read(cls, store, window: Window) -> "EventLog":
        rows = store.read(window.start, window.end)
        return cls(rows["questions"], rows["feedback"], rows["handovers"], window)

    def outcome(self, question: dict) -> str:
        """handed_over (its answer led to a hand-over) > abstained (no answer: the answerer
        abstained, the request failed, or a search found nothing) > answered."""
        if question.get("answer_id") and question["answer_id"] in self.handed_over:
            return "handed_over"
        if question.get("error") or question.get("abstained") or (question.get("kind") == "search"
                                                                 and not question.get("sources")):
            return "abstained"
        return "answered"

    def not_helpful(self, question: dict) -> list[dict]:
        return [f for f in self.feedback_by_answer.get(question.get("answer_id") or "", []) if not f["helpful"]]

    def helpful(self, question: dict) -> list[dict]:
        return [f for f in self.feedback_by_answer.get(question.get("answer_id") or "", []) if f["helpful"]]
