"""Is there enough evidence to answer? Decided from retrieval, before any LLM is asked.

Cosine similarity alone separates answerable from unanswerable questions poorly (with
multilingual-e5-small the best cosine of an unanswerable question overlaps the answerable range),
so the gate combines it with how much of the question's content the top post actually covers.
"""
from __future__ import annotations

from dataclasses import dataclass

# Question words and fillers that say nothing about the topic (kiwi content tokens).
GENERIC = frozenset("""
무엇 뭐 어떻 어떤 어디 언제 누구 왜 어느 얼마 방법 하 되 있 없 같 알 수 것 좀 가장 제일 정말 혹시
알려주 궁금 문의 질문 설명 이유 경우 사용 이용 관련 대하 대해 위하 글 블로그 포스트 하나 잘
what how why when where who which the a an is are do does can i you we our your it of to in for
on and or about with please tell know post blog
""".split())


@dataclass(frozen=True)
class Evidence:
    coverage: float      # share of the question's topic tokens found in the best post
    best_dense: float    # best cosine similarity (0 when dense search was not run)
    best_lexical: float  # best raw BM25 score
    confidence: float    # combined, 0..1

    def to_json(self) -> dict:
        return {k: round(v, 4) for k, v in self.__dict__.items()}


def topic_tokens(tokens: list[str]) -> list[str]:
    return [t for t in dict.fromkeys(tokens) if t not in GENERIC and len(t) > 1 or t.isdigit()]


def coverage(question_tokens: list[str], post_tokens: set[str]) -> float:
    """Share of topic tokens present in the post.

    >>> coverage(["배포", "자동", "방법"], {"배포", "자동", "jenkins"})
    1.0
    """
    topic = topic_tokens(question_tokens)
    if not topic:
        return 0.0
    return sum(1 for t in topic if t in post_tokens) / len(topic)


def judge(question_tokens: list[str], post_tokens: set[str], best_dense: float, best_lexical: float,
          dense_floor: float = 0.78, dense_span: float = 0.1) -> Evidence:
    cov = coverage(question_tokens, post_tokens)
    dense_part = min(1.0, max(0.0, (best_dense - dense_floor) / dense_span)) if best_dense else cov
    confidence = 0.6 * cov + 0.4 * dense_part
    return Evidence(cov, best_dense, best_lexical, confidence)
