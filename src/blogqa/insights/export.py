"""The window's events as files for pandas, PyGWalker or a spreadsheet: questions.csv,
feedback.csv, handovers.csv (UTF-8 with a BOM, so Excel shows Hangul), or the same as Parquet
(`pyarrow`, the `insights` extra). Hand-over contacts are left out: an export travels further
than the events database."""
from __future__ import annotations

import csv
import json
from pathlib import Path

from ..errors import UsageError
from .log import EventLog, origin_of

QUESTION_COLUMNS = ["id", "at", "origin", "kind", "surface", "conversation_id", "answer_id", "question", "outcome",
                    "abstained", "confidence", "latency_ms", "sources", "error", "helpful", "not_helpful"]
FEEDBACK_COLUMNS = ["id", "at", "answer_id", "surface", "helpful", "reason", "comment", "question"]
HANDOVER_COLUMNS = ["id", "at", "surface", "answer_id", "reason", "status", "question"]


def tables(log: EventLog) -> dict[str, list[dict]]:
    """Flat rows per table (a question row carries its outcome and feedback counts)."""
    questions = [{**{c: q.get(c) for c in QUESTION_COLUMNS}, "origin": origin_of(q), "outcome": log.outcome(q),
                  "sources": json.dumps(q.get("sources") or [], ensure_ascii=False),
                  "helpful": len(log.helpful(q)), "not_helpful": len(log.not_helpful(q))} for q in log.questions]
    asked = log.question_by_answer
    feedback = [{**{c: f.get(c) for c in FEEDBACK_COLUMNS},
                 "question": asked[f["answer_id"]]["question"] if f["answer_id"] in asked else None}
                for f in log.feedback]
    handovers = [{c: h.get(c) for c in HANDOVER_COLUMNS} for h in log.handovers]
    return {"questions": questions, "feedback": feedback, "handovers": handovers}


COLUMNS = {"questions": QUESTION_COLUMNS, "feedback": FEEDBACK_COLUMNS, "handovers": HANDOVER_COLUMNS}


def write_exports(log: EventLog, folder: str | Path, parquet: bool = False) -> list[Path]:
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise UsageError(f"{folder}: cannot create the export folder ({err.strerror})") from None
    if parquet:
        try:
            import pyarrow as pa
            import pyarrow.parquet as pq
        except ImportError:
            raise UsageError("--parquet needs pyarrow: pip install 'blogqa[insights]'") from None
    written = []
    for name, rows in tables(log).items():
        path = folder / f"{name}.{'parquet' if parquet else 'csv'}"
        try:
            if parquet:
                pq.write_table(pa.Table.from_pylist(rows, schema=None) if rows
                               else pa.table({c: pa.array([], pa.string()) for c in COLUMNS[name]}), path)
            else:
                with path.open("w", encoding="utf-8-sig", newline="") as fh:
                    writer = csv.DictWriter(fh, fieldnames=COLUMNS[name])
                    writer.writeheader()
                    writer.writerows(rows)
        except OSError as err:
            raise UsageError(f"{path}: cannot write ({err.strerror})") from None
        written.append(path)
    return written
