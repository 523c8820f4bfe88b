"""The offline answerer: the best sentences of the top posts, each cited [n]."""
from __future__ import annotations

from ..models import Answer, Hit, Source
from .evidence import MIN_CONFIDENCE, judge, topic_tokens
from .sentences import is_korean, split_sentences

ABSTAIN_KO = "블로그에서 이 질문에 대한 답을 찾지 못했습니다. 담당자에게 문의해 주세요."
ABSTAIN_EN = "I could not find this in the blog. Please ask a person on our team."


def abstain_text(question: str) -> str:
    return ABSTAIN_KO if is_korean(question) else ABSTAIN_EN


def extractive_answer(question: str, result, tokenizer, min_confidence: float = MIN_CONFIDENCE,
                      max_posts: int = 3) -> Answer:
    """Answer from `result` (a SearchResult); abstain when the evidence is weak.

    A recency/oldest question with hits never abstains: the date decides, not the wording.
    """
    hits: list[Hit] = result.hits
    if not hits:
        return Answer(question, abstain_text(question), True, notes=list(result.notes), hits=hits)
    q_tokens = tokenizer.tokens(getattr(result.intent, "cleaned", None) or question)
    top = hits[0]
    top_tokens = set(tokenizer.tokens(f"{top.post.title}\n{top.text}\n" + "\n".join(top.more_chunks)))
    evidence = judge(q_tokens, top_tokens, result.best_dense, result.best_lexical, result=result,
                     korean=is_korean(question))
    ordered = result.intent is not None and getattr(result.intent, "order", None)
    if evidence.confidence < min_confidence and not ordered:
        return Answer(question, abstain_text(question), True, confidence=evidence.confidence,
                      notes=list(result.notes), hits=hits, evidence=evidence)

    topic = set(topic_tokens(q_tokens))
    lines, sources = [], []
    for hit in hits[:max_posts]:
        sentence = _best_sentence(hit, topic, tokenizer)
        if sentence is None or (sources and not _overlaps(sentence, topic, tokenizer)):
            continue
        n = len(sources) + 1
        sources.append(Source.from_post(n, hit.post))
        lines.append(f"{sentence} [{n}]")
    if not sources:
        return Answer(question, abstain_text(question), True, confidence=evidence.confidence,
                      notes=list(result.notes), hits=hits, evidence=evidence)
    text = _compose(question, lines, hits[0], bool(ordered))
    return Answer(question, text, False, sources, evidence.confidence, list(result.notes), hits, evidence)


def _best_sentence(hit: Hit, topic: set[str], tokenizer) -> str | None:
    sentences = split_sentences("\n".join([hit.text, *hit.more_chunks]))
    if not sentences:
        return None
    token_lists = tokenizer.tokens_batch(sentences)
    scored = [(len(topic & set(toks)), -i, s) for i, (s, toks) in enumerate(zip(sentences, token_lists))]
    return max(scored)[2]


def _overlaps(sentence: str, topic: set[str], tokenizer) -> bool:
    return bool(topic & set(tokenizer.tokens(sentence)))


def _compose(question: str, lines: list[str], first: Hit, by_date: bool) -> str:
    korean = is_korean(question)
    if by_date and first.post.date:
        date = first.post.date.isoformat()
        lead = (f"{date}에 올라온 글 「{first.post.title}」에 따르면:" if korean
                else f"According to the post \"{first.post.title}\" from {date}:")
    else:
        lead = "블로그 글에서 찾은 내용입니다:" if korean else "Here is what the blog says:"
    return lead + "\n" + "\n".join(f"- {line}" for line in lines)
