"""Evaluation: retrieval metrics, QA question sets, the KorQuAD loader and the runner behind `blogqa eval`."""
