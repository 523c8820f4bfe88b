"""The answer package's names for two text helpers whose home is `blogqa.text`: the language test
(`text.hangul.is_korean`) and prose sentences (`text.sentences.prose_sentences`). Kept for the
modules and tests that still import them from here."""
from ..text.hangul import is_korean  # noqa: F401
from ..text.sentences import prose_sentences as split_sentences  # noqa: F401
