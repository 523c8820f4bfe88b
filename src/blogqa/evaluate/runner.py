"""Run a question set against an Index, per retrieval mode.

For each answerable question (non-empty gold) the ranked posts of `Index.search` are matched
against the gold list (a gold entry matches a hit's post id, source path or url) and scored with
Recall@1/5/k, MRR@k and nDCG@k; search latency is timed. When the set contains unanswerable
questions (empty gold), `answer_keywords`, or `asks=True`, `Index.ask` (extractive unless
`llm=True`) is run on every question: how often it abstains on the unanswerable ones (should be
high) and on the answerable ones (should be low). When records carry a reference `answer` the
answers are scored too (mean token F1, keyword match), and `answers` gains what the answer must
contain: `keyword_recall` over `answer_keywords`, `span_recall` of KorQuAD's gold spans,
`source_hit`, `misattributed` citation lines, answer length and ask latency.
"""
from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from typing import Callable, Iterable

from ..models import Hit
from .answer_checks import keywords_found, misattributed, span_in_answer
from .metrics import mean_metrics, percentile, question_metrics
from .qa import QARecord

ALL_MODES = ("bm25", "dense", "hybrid")
UNTYPED = "-"


def hit_keys(hit: Hit) -> set[str]:
    """The names a gold entry may use for a hit's post."""
    post = hit.post
    keys = {post.id}
    for extra in (post.source_path, post.url):
        if extra:
            keys.add(extra)
            keys.add(extra.rstrip("/"))
    return keys


def norm_gold(gold: str) -> str:
    """How a gold entry is compared: stripped, no leading "./", urls without a trailing slash."""
    gold = gold.strip()
    if gold.startswith("./"):
        gold = gold[2:]
    return gold.rstrip("/") if "://" in gold else gold


def gold_ranks(hits: list[Hit], gold: Iterable[str]) -> list[str]:
    """The ranked list as ids the metrics understand: the gold entry a hit matches, else its post id."""
    wanted = [norm_gold(g) for g in gold]
    ranked = []
    for hit in hits:
        keys = hit_keys(hit)
        match = next((g for g in wanted if g in keys), None)
        ranked.append(match if match is not None else f"post:{hit.post.id}")
    return ranked


def answer_scorers() -> dict[str, Callable[[str, str], float]] | None:
    """token_f1 and keyword_match from blogqa.evaluate.answer_metrics, or None when not installed."""
    try:
        from . import answer_metrics
    except ImportError:
        return None
    scorers = {}
    for name in ("token_f1", "keyword_match"):
        fn = getattr(answer_metrics, name, None)
        if callable(fn):
            scorers[name] = fn
    return scorers or None


@dataclass
class ModeReport:
    mode: str
    k: int
    overall: dict[str, float] = field(default_factory=dict)
    types: dict[str, dict] = field(default_factory=dict)
    latency_ms: dict[str, float] = field(default_factory=dict)
    abstention: dict | None = None
    answers: dict | None = None

    def to_json(self) -> dict:
        out = {"overall": _rounded(self.overall), "types": {t: _rounded(v) for t, v in self.types.items()},
               "latency_ms": _rounded(self.latency_ms)}
        if self.abstention is not None:
            out["abstention"] = _rounded(self.abstention)
        if self.answers is not None:
            out["answers"] = _rounded(self.answers)
        return out


def _rounded(d: dict) -> dict:
    return {k: (round(v, 4) if isinstance(v, float) else v) for k, v in d.items()}


def _today(rec: QARecord, default: dt.date | None) -> dt.date | None:
    if rec.today:
        try:
            return dt.date.fromisoformat(rec.today)
        except ValueError:
            return default
    return default


class AnswerChecks:
    """Collects, question by question, what `modes.<mode>.answers` reports about the answers."""

    def __init__(self, idx):
        self.idx = idx
        self.bodies: dict[str, str] = {}
        self.asked = self.answered = self.source_hits = self.misattributed = self.with_keywords = 0
        self.keyword_shares: list[float] = []
        self.spans: list[bool] = []
        self.chars: list[int] = []
        self.ask_ms: list[float] = []

    def add(self, rec: QARecord, answer, elapsed_ms: float, detail: dict) -> None:
        self.ask_ms.append(elapsed_ms)
        if not rec.answerable:
            return
        self.asked += 1
        self.with_keywords += bool(rec.answer_keywords)
        span = rec.type == "korquad" and rec.answer
        if span:
            self.spans.append(not answer.abstained and span_in_answer(answer.text, rec.answer))
            detail["span_found"] = self.spans[-1]
        if answer.abstained:
            return
        self.answered += 1
        self.chars.append(len(answer.text))
        wanted = {norm_gold(g) for g in rec.gold}
        if any(wanted & {s.post_id, s.source_path, s.url} for s in answer.sources):
            self.source_hits += 1
        if rec.answer_keywords:
            found = keywords_found(answer.text, rec.answer_keywords)
            self.keyword_shares.append(found / len(rec.answer_keywords))
            detail["keywords_found"] = found
        wrong = misattributed(answer.text, {s.n: self._body(s.post_id) for s in answer.sources},
                              {s.n: s.title for s in answer.sources})
        self.misattributed += wrong
        detail["misattributed"] = wrong
        detail["answer"] = answer.text

    def _body(self, post_id: str) -> str:
        if post_id not in self.bodies:
            post = self.idx.get_post(post_id)
            self.bodies[post_id] = f"{post.title}\n{post.body}\n{post.summary or ''}" if post else ""
        return self.bodies[post_id]

    def report(self) -> dict:
        out = {"asked": self.asked, "answered": self.answered,
               "answered_share": _share(self.answered, self.asked),
               "source_hit": _share(self.source_hits, self.answered),
               "misattributed": self.misattributed,
               "chars_p50": percentile(self.chars, 50) if self.chars else 0.0,
               "ask_ms_p50": percentile(self.ask_ms, 50) if self.ask_ms else 0.0}
        if self.with_keywords:  # over the answered questions that name keywords
            out["keyword_recall"] = (sum(self.keyword_shares) / len(self.keyword_shares)
                                     if self.keyword_shares else 0.0)
        if self.spans:
            out["span_recall"] = _share(sum(self.spans), len(self.spans))
        return out


def _share(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def evaluate_mode(idx, records: list[QARecord], mode: str, k: int = 10, today: dt.date | None = None,
                  asks: bool | None = None, per_question: list | None = None,
                  progress: Callable[[int, int], None] | None = None, llm: bool = False) -> ModeReport:
    """Score one mode over `records`; per-question dicts are appended to `per_question` if given."""
    if asks is None:
        asks = any(not r.answerable or r.answer_keywords or (r.type == "korquad" and r.answer) for r in records)
    checks = AnswerChecks(idx) if asks else None
    scorers = answer_scorers() if asks else None
    rows: list[tuple[QARecord, dict]] = []
    latencies: list[float] = []
    abst_un: list[bool] = []
    abst_ans: list[bool] = []
    by_type_abst: dict[str, list[bool]] = {}
    answer_rows: list[dict[str, float]] = []
    if records:  # load the model and warm caches outside the timed loop
        idx.search(records[0].question, k=k, mode=mode, today=_today(records[0], today))
    for n, rec in enumerate(records, start=1):
        when = _today(rec, today)
        detail: dict = {"mode": mode, "line": rec.line, "question": rec.question, "type": rec.type,
                        "gold": list(rec.gold)}
        start = time.perf_counter()
        result = idx.search(rec.question, k=k, mode=mode, today=when)
        latencies.append((time.perf_counter() - start) * 1000)
        detail["latency_ms"] = round(latencies[-1], 2)
        detail["hits"] = [{"post_id": h.post.id, "source_path": h.post.source_path, "title": h.post.title,
                           "score": round(float(h.score), 4)} for h in result.hits]
        if rec.answerable:
            ranked = gold_ranks(result.hits, rec.gold)
            metrics = question_metrics(ranked, [norm_gold(g) for g in rec.gold], k=k)
            rows.append((rec, metrics))
            rank = next((i for i, r in enumerate(ranked, 1) if not r.startswith("post:")), None)
            detail["rank"] = rank
        if asks:
            start = time.perf_counter()
            answer = idx.ask(rec.question, mode=mode, today=when, llm=llm)
            checks.add(rec, answer, (time.perf_counter() - start) * 1000, detail)
            detail["abstained"] = answer.abstained
            detail["confidence"] = round(float(answer.confidence), 4)
            (abst_ans if rec.answerable else abst_un).append(answer.abstained)
            by_type_abst.setdefault(rec.type or UNTYPED, []).append(answer.abstained)
            if scorers and rec.answerable and rec.answer:
                text = "" if answer.abstained else answer.text
                scores = {name: float(fn(text, rec.answer)) for name, fn in scorers.items()}
                answer_rows.append(scores)
                detail.update({name: round(v, 4) for name, v in scores.items()})
        if per_question is not None:
            per_question.append(detail)
        if progress:
            progress(n, len(records))
    report = ModeReport(mode, k)
    report.overall = {"questions": len(rows), **mean_metrics([m for _, m in rows])}
    types = sorted({r.type or UNTYPED for r in records})
    if len(types) > 1 or types != [UNTYPED]:
        for t in types:
            mine = [m for r, m in rows if (r.type or UNTYPED) == t]
            entry: dict = {"questions": sum(1 for r in records if (r.type or UNTYPED) == t)}
            entry.update(mean_metrics(mine))
            if asks and t in by_type_abst:
                entry["abstained"] = _rate(by_type_abst[t])
            report.types[t] = entry
    report.latency_ms = {"p50": percentile(latencies, 50), "p95": percentile(latencies, 95),
                         "mean": sum(latencies) / len(latencies) if latencies else float("nan")}
    if asks:
        report.abstention = {"unanswerable": len(abst_un), "abstained_on_unanswerable": _rate(abst_un),
                             "answerable": len(abst_ans), "abstained_on_answerable": _rate(abst_ans)}
        report.answers = checks.report()
        if answer_rows:
            report.answers.update({"scored": len(answer_rows), **mean_metrics(answer_rows)})
    return report


def _rate(flags: list[bool]) -> float | None:
    return sum(flags) / len(flags) if flags else None


def closed_book(records: list[QARecord], model: str, settings, per_question: list | None = None) -> dict:
    """Answer each answerable question with an LLM alone (no retrieval) and score it like the
    extractive answers; the baseline a blog bot must beat."""
    from ..errors import UsageError

    try:
        from .closed_book import ask_closed_book
    except ImportError:
        raise UsageError("--closed-book needs blogqa.evaluate.closed_book, which this build lacks") from None
    scorers = answer_scorers()
    if not scorers:
        raise UsageError("--closed-book needs blogqa.evaluate.answer_metrics, which this build lacks")
    rows = []
    for rec in records:
        if not (rec.answerable and rec.answer):
            continue
        text = ask_closed_book(rec.question, model, settings)
        scores = {name: float(fn(text or "", rec.answer)) for name, fn in scorers.items()}
        rows.append(scores)
        if per_question is not None:
            per_question.append({"mode": f"closed-book:{model}", "line": rec.line, "question": rec.question,
                                 "type": rec.type, "answer": text,
                                 **{name: round(v, 4) for name, v in scores.items()}})
    return {"model": model, "scored": len(rows), **_rounded(mean_metrics(rows))}


def evaluate(idx, records: list[QARecord], modes: Iterable[str] = ("hybrid",), k: int = 10,
             today: dt.date | None = None, asks: bool | None = None, per_question: list | None = None,
             closed_book_model: str | None = None, settings=None, progress=None, llm: bool = False) -> dict:
    """The whole report as a JSON-ready dict: per mode, overall and per-type metrics, latency,
    abstention and answer scores; plus the closed-book baseline when a model is given."""
    reports = {}
    for mode in modes:
        cb = (lambda n, total, m=mode: progress(m, n, total)) if progress else None
        reports[mode] = evaluate_mode(idx, records, mode, k=k, today=today, asks=asks,
                                      per_question=per_question, progress=cb, llm=llm).to_json()
    out = {"questions": len(records), "answerable": sum(r.answerable for r in records),
           "unanswerable": sum(not r.answerable for r in records), "k": k, "modes": reports}
    if closed_book_model:
        out["closed_book"] = closed_book(records, closed_book_model, settings, per_question)
    return out
