"""Deflection: how many customer (widget) conversations the blog resolved without a person.

A conversation is the widget questions sharing a `conversation_id` (the widget keeps one per
browser session); a question without one is a conversation of its own."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from .log import EventLog, day_of, origin_of, week_of

METHOD = ("A widget conversation (the questions sharing one conversation_id; a question without one is its "
          "own conversation) counts as resolved when at least one of its questions got an answer and none of "
          "its answers was handed over to a person or marked not helpful. rate = resolved / conversations. "
          "strict_rate counts only resolved conversations with at least one 'helpful' feedback. "
          "Hand-overs left without an answer id cannot be tied to a conversation and are not counted here. / "
          "위젯 대화(같은 conversation_id의 질문들, 없으면 질문 하나가 한 대화)에서 답을 하나 이상 받았고 "
          "상담원 연결도 '도움 안 됨'도 없으면 해결로 셉니다. 엄격한 비율은 '도움 됨' 피드백이 있는 해결 대화만 셉니다.")


@dataclass
class Conversation:
    questions: list[dict]

    def answered(self, log: EventLog) -> bool:
        return any(log.outcome(q) == "answered" for q in self.questions)

    def resolved(self, log: EventLog) -> bool:
        return (self.answered(log) and not any(log.outcome(q) == "handed_over" for q in self.questions)
                and not any(log.not_helpful(q) for q in self.questions))

    def confirmed(self, log: EventLog) -> bool:
        return self.resolved(log) and any(log.helpful(q) for q in self.questions)


def conversations(log: EventLog) -> list[Conversation]:
    grouped: dict[str, list[dict]] = defaultdict(list)
    for q in log.questions:
        if origin_of(q) == "widget":
            grouped[q.get("conversation_id") or f"question:{q['id']}"].append(q)
    return [Conversation(qs) for qs in grouped.values()]


def rates(log: EventLog, convs: list[Conversation]) -> dict:
    resolved = sum(c.resolved(log) for c in convs)
    confirmed = sum(c.confirmed(log) for c in convs)
    total = len(convs)
    return {"conversations": total, "resolved": resolved, "confirmed": confirmed,
            "rate": round(resolved / total, 4) if total else None,
            "strict_rate": round(confirmed / total, 4) if total else None}


def deflection(log: EventLog) -> dict:
    """The contract's fields (conversations, resolved, rate, strict_rate, method) plus `confirmed`
    (the strict count) and `weekly`: the same per ISO week a conversation started in."""
    convs = conversations(log)
    by_week: dict = defaultdict(list)
    for c in convs:
        by_week[week_of(day_of(c.questions[0]))].append(c)
    weekly = [{"start": week.isoformat(), **rates(log, by_week.get(week, []))} for week in log.window.weeks()]
    return {**rates(log, convs), "method": METHOD, "weekly": weekly}
