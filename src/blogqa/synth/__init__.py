"""Question/answer generation, train/test split and fine-tuning export: the measuring stick.

    posts --(offline.py | llm.py)--> QARecord --(filters.py)--> qa.jsonl
    qa.jsonl --(split.py, by post)--> qa.train.jsonl + qa.test.jsonl
    qa.train.jsonl --(finetune.py)--> ft.jsonl (OpenAI chat format) --> upload + job + events

Records use the `blogqa eval` QA format (`question`, `gold`, `answer`, `type`) plus provenance
(`post_id`, `generator`, `passage`); see `records.QARecord`.
"""
from .records import QARecord, read_jsonl, write_jsonl

__all__ = ["QARecord", "read_jsonl", "write_jsonl"]
