"""A realistic simulated month of support traffic, written through the real EventStore, for
looking at `blogqa insights` and `/insights` with something in them.

Questions come from pools over examples/sample-blog (a payments company blog): ones the blog
answers, and customer questions it does not (fees, foreign cards, tax invoices, ...), each pool
in several phrasings. Every distinct question is asked once through the real index (`Index.ask`
or `Index.search`), so answers, abstentions and cited posts are real; the traffic around them
(volume, surfaces, widget sessions, feedback, hand-overs, latency) is drawn from a seeded RNG.
The store's clock is set per event (`blogqa.events.store.now`), so rows carry the simulated time.

    .venv/bin/python bench/simulate_month.py [--index /tmp/blogqa-sim/idx] [--until 2026-12-01]
    blogqa insights --index /tmp/blogqa-sim/idx --html /tmp/blogqa-sim/report.html
"""
from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
from pathlib import Path

from common import REPO

ANSWERABLE = [
    "결제 링크의 유효 기간은 며칠인가요?", "결제 링크는 최대 며칠까지 늘릴 수 있어요?", "결제 링크 수수료는 카드 결제랑 같나요?",
    "정산 주기가 어떻게 되나요?", "정산은 D+1인가요 D+2인가요?", "정산 내역을 엑셀로 받을 수 있나요?",
    "부분 환불도 정산 내역에 반영되나요?", "환불 API v3에서 달라진 점은?", "v2 환불 API는 언제까지 쓸 수 있나요?",
    "중복 환불을 막으려면 어떻게 하나요?", "배포 시간은 얼마나 줄었나요?", "운영 배포는 어떻게 승인하나요?",
    "결제 완료 이벤트가 유실되는 문제는 어떻게 해결했나요?", "How long does onboarding take for new engineers?",
]
GAPS = {  # pool -> phrasings; weights make some gaps bigger than others
    "fees": (5, ["카드 결제 수수료는 몇 퍼센트인가요?", "결제 수수료율이 어떻게 되나요?", "수수료 얼마에요?",
                 "가맹점 수수료 알려주세요", "카드 수수료 몇 프로 떼가요?"]),
    "foreign": (3, ["해외 카드로도 결제할 수 있나요?", "외국 카드 결제 되나요?", "해외 발급 카드도 받을 수 있어요?",
                    "Can customers pay with a foreign credit card?"]),
    "invoice": (3, ["세금계산서는 어떻게 발행하나요?", "세금계산서 발행 방법 알려주세요", "수수료 세금계산서 받을 수 있나요?"]),
    "close": (2, ["가맹점 해지는 어떻게 하나요?", "가맹점 계약 해지하고 싶어요", "서비스 탈퇴하려면 어떻게 해요?"]),
    "phone": (2, ["고객센터 전화번호가 뭐예요?", "상담원 연결 전화번호 알려주세요", "고객센터 운영 시간은요?"]),
    "late": (2, ["정산금이 아직 안 들어왔어요", "정산 예정일이 지났는데 입금이 안 됐어요", "정산금 입금이 늦어지는 이유가 뭔가요?"]),
    "cash": (1, ["현금영수증 자동 발급 되나요?", "현금영수증 발급은 어떻게 하나요?"]),
}
SEARCHES = ["정산 주기", "결제 링크", "환불 API", "배포 자동화", "아웃박스", "수수료", "온콜", "세금계산서"]
FEEDBACK_REASONS = ["wrong", "outdated", "incomplete", "not_answered"]


def build_index(location: Path):
    from blogqa.api import Index

    if not (location / "CURRENT").is_file():
        Index(str(location), create=True).ingest(str(REPO / "examples" / "sample-blog"), progress=True)
    return Index(str(location))


class Answers:
    """Each distinct (question, customer?) asked once through the real index."""

    def __init__(self, index):
        self.index = index
        self._seen: dict = {}

    def ask(self, text: str, customer: bool) -> dict:
        key = (text, customer)
        if key not in self._seen:
            a = self.index.ask(text, tone="customer" if customer else "internal",
                               visibility="public" if customer else None, llm=False)
            self._seen[key] = {"abstained": a.abstained, "confidence": float(a.confidence),
                               "sources": [s.post_id for s in a.sources]}
        return self._seen[key]

    def search(self, text: str) -> list[str]:
        if (text, "search") not in self._seen:
            self._seen[(text, "search")] = [h.post.id for h in self.index.search(text).hits]
        return self._seen[(text, "search")]


def customer_question(rng: random.Random, gap_share: float) -> str:
    if rng.random() < gap_share:
        pools = list(GAPS.values())
        weights, phrasings = zip(*pools)
        return rng.choice(rng.choices(phrasings, weights=weights)[0])
    return rng.choice(ANSWERABLE)


def simulate(store, clock, answers: Answers, until: dt.date, days: int, per_day: int, seed: int) -> dict:
    rng = random.Random(seed)
    counts = {"questions": 0, "feedback": 0, "handovers": 0}
    n = 0
    first = until - dt.timedelta(days=days - 1)
    from tqdm import tqdm

    for d in tqdm(range(days), desc="simulating days", unit="day", file=sys.stderr):
        day = first + dt.timedelta(days=d)
        progress = d / max(days - 1, 1)           # the widget spreads over the month
        volume = per_day * (0.45 if day.weekday() >= 5 else 1.0) * (0.8 + 0.4 * progress)
        for _ in range(max(1, int(rng.gauss(volume, volume * 0.15)))):
            moment = dt.datetime.combine(day, dt.time(rng.randint(8, 21), rng.randint(0, 59), rng.randint(0, 59)),
                                         dt.timezone.utc)
            clock.moment = moment
            kind = rng.choices(["widget", "search", "ask", "assist", "openai"],
                               weights=[0.35 + 0.25 * progress, 0.25, 0.15, 0.1, 0.1])[0]
            if kind == "search":
                text = rng.choice(SEARCHES)
                store.log_question(kind="search", surface="api", question=text, latency_ms=rng.lognormvariate(3.2, 0.3),
                                   sources=answers.search(text))
                counts["questions"] += 1
                continue
            asked = rng.choice([1, 1, 1, 2, 2, 3]) if kind == "widget" else 1
            session = [customer_question(rng, 0.45) for _ in range(asked)]
            conversation = f"s{seed}-{n}" if kind == "widget" and rng.random() < 0.9 else None
            for text in session:
                n += 1
                clock.moment = moment = moment + dt.timedelta(seconds=rng.randint(20, 240))
                a = answers.ask(text, customer=kind in ("widget", "assist"))
                surface = {"widget": "public", "openai": "openai", "assist": "assist"}.get(kind, "api")
                latency = rng.lognormvariate(6.8 if kind == "openai" else 4.1, 0.35)
                answer_id = f"sim-{seed}-{n}"
                store.log_question(kind="ask", surface=surface, question=text, latency_ms=latency, answer_id=answer_id,
                                   abstained=a["abstained"], confidence=a["confidence"], sources=a["sources"],
                                   conversation_id=conversation)
                counts["questions"] += 1
                clock.moment = moment + dt.timedelta(seconds=rng.randint(5, 90))
                if a["abstained"]:
                    if kind == "widget" and rng.random() < 0.35:
                        reason = rng.choice(["no_answer", "no_answer", "asked_for_person"])
                        store.add_handover(contact=f"customer{n}@example.com", question=text, surface="public",
                                           answer_id=answer_id, reason=reason)
                        counts["handovers"] += 1
                    continue
                r = rng.random()
                if r < 0.07:
                    reason = rng.choices(FEEDBACK_REASONS, weights=[3, 2, 3, 2])[0]
                    store.log_feedback(answer_id, False, None, "public" if kind == "widget" else "api", reason=reason)
                    counts["feedback"] += 1
                    if kind == "widget" and rng.random() < 0.3:
                        clock.moment = clock.moment + dt.timedelta(seconds=30)
                        store.add_handover(contact=f"010-0000-{n % 10000:04d}", question=text, surface="public",
                                           answer_id=answer_id, reason="wrong_answer")
                        counts["handovers"] += 1
                elif r < 0.07 + 0.2 + 0.1 * progress:
                    store.log_feedback(answer_id, True, None, "public" if kind == "widget" else "api")
                    counts["feedback"] += 1
    return counts


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--index", default="/tmp/blogqa-sim/idx")
    ap.add_argument("--events", help="events log (default: as for blogqa serve)")
    ap.add_argument("--until", type=dt.date.fromisoformat, default=dt.datetime.now(dt.timezone.utc).date())
    ap.add_argument("--days", type=int, default=30)
    ap.add_argument("--per-day", type=int, default=60)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()

    import blogqa.events.store as store_module
    from blogqa.events import open_events

    index = build_index(Path(args.index))
    store = open_events(index.location, args.events)

    class Clock:
        moment = dt.datetime.now(dt.timezone.utc)

        def __call__(self):
            return self.moment

    clock = Clock()
    real_now, store_module.now = store_module.now, clock
    try:
        counts = simulate(store, clock, Answers(index), args.until, args.days, args.per_day, args.seed)
    finally:
        store_module.now = real_now
        store.close()
        index.close()
    print(f"{store.location}: wrote {counts}")


if __name__ == "__main__":
    main()
