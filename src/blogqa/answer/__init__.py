"""Answerers: turn a question and its hits into an Answer with numbered sources."""
