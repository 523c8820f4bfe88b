"""Offline question generator: simple questions from headings and key sentences, no LLM.

Three kinds of questions, each answered by a sentence of the post (`answer`) inside a paragraph
of the post (`passage`):

    definition  "pip는 무엇인가요?"                     <- "pip는 … 패키지 관리 시스템입니다."
    section     "PostgreSQL 설치 방법은 어떻게 되나요?"   <- heading "설치 방법" + its key sentence
    fact        "Celery에 대해 글에서 어떻게 설명하나요?" <- "Celery는 … 처리합니다."

Templates never restate the title: a heading too vague alone ("설치 방법") borrows its parent
heading or one keyword of the post instead. Korean posts get Korean templates, others English.
"""
from __future__ import annotations

import random
import re
from collections import Counter

from ..models import Post
from ..text.chunk import sections
from ..text.hangul import has_hangul, is_korean, particle_stems
from ..text.sentences import prose_sentences
from .korean import josa, tag_batch
from .records import QARecord, plain, squash

GENERATOR = "offline"
TYPES = ("definition", "section", "fact")

MIN_ANSWER_CHARS = 15
MAX_ANSWER_CHARS = 300
MAX_PASSAGE_CHARS = 700

# Headings that say where we are, not what is there.
_GENERIC_HEADINGS = {squash(h) for h in (
    "서론 결론 마치며 마치면서 마무리 들어가며 들어가기 시작하며 참고 참고자료 참고문헌 참고링크 소개 정리 요약 "
    "끝으로 맺음말 후기 목차 부록 배경 개요 예제 데모 링크 업데이트 추가 결과 문제 해결 다음 이전 질문 감사 "
    "reference references conclusion conclusions introduction intro summary tldr overview background outro "
    "example examples demo links appendix update ps faq qna result results problem solution next previous"
).split()}

_NUMBERING = re.compile(r"^\s*(?:(?:\d+(?:\.\d+)*[.)]|[ivxIVX]+\.|step\s*\d+[:.]?)\s*|[-*•]\s+)", re.I)
_KO_TOPIC = re.compile(r"^[^\s,.!?\"'()][^,.!?\"'()]{0,30}?(?:이란|란|은|는)\s")
_KO_DEFINITION_END = re.compile(r"(입니다|이다|이에요|예요|말합니다|뜻합니다|의미합니다|말한다|뜻한다|의미한다)[.!]?$")
_EN_TOPIC = re.compile(r"^(?P<topic>[A-Za-z][\w.+#/-]*(?: [\w.+#/-]+){0,3}?) (?P<verb>is|are) (?:a|an|the|one) .+$")
_EN_STOP_FIRST = {"it", "this", "that", "there", "here", "these", "those", "they", "we", "he", "she", "i", "you",
                  "what", "which", "who", "the", "our", "my", "your", "its", "their", "another", "one", "each"}
_EN_QUESTION_WORDS = {"how", "why", "what", "when", "where", "which", "who", "can", "should", "is", "are", "do",
                      "does"}
_KO_QUESTION_WORDS = ("무엇", "무슨", "왜", "어떻게", "어떤", "뭘", "뭐", "언제", "어디", "누가", "누구", "얼마")
_KEYWORD = re.compile(r"[A-Za-z][A-Za-z0-9.+#-]+|[가-힣]{2,}")
_KO_STOP_WORDS = {"그리고", "하지만", "있습니다", "합니다", "때문에", "경우", "이런", "그런", "저희", "우리", "사용", "하는",
                  "있는", "위해", "통해", "대한", "같은", "이번", "다음", "하고", "에서", "으로", "소개", "방법", "이야기"}

_EN_STOP_KEYWORDS = {"new", "how", "what", "why", "our", "the", "and", "for", "with", "from", "into", "about", "guide",
                     "update", "updates", "launch", "introducing", "using", "part", "notes", "your", "you", "we"}

_NOUNISH = {"NNG", "NNP", "NR", "SL", "SN", "SH", "XSN", "XPN", "NNB"}
_NAMED = {"NNP", "SL", "SH"}
_KO_STOP_NOUNS = {"위", "아래", "상기", "다음", "이번", "해당", "앞", "뒤", "본", "전", "후", "오늘", "지금", "현재", "처음",
                  "마지막", "이후", "이전", "대부분", "일부", "모두", "여기", "결과", "문제", "경우", "때", "이유", "방법",
                  "첫째", "둘째", "셋째", "우선", "먼저", "실제", "사실", "결국", "이것", "그것", "저희", "우리", "제",
                  "그림", "사진", "표", "아래쪽", "위쪽", "예", "예시", "이상", "이하", "나머지", "대신"}


def generate(post: Post, per_post: int = 3, rng: random.Random | None = None) -> list[QARecord]:
    """Up to `per_post` questions about one post, drawn round-robin over the question kinds."""
    rng = rng or random.Random(0)
    korean = is_korean(f"{post.title}\n{post.body[:3000]}")
    pools: dict[str, list[QARecord]] = {t: [] for t in TYPES}
    seen: set[str] = set()
    for record in _candidates(post, korean, rng):
        key = squash(record.question)
        if key and key not in seen:
            seen.add(key)
            pools[record.type].append(record)
    for pool in pools.values():
        rng.shuffle(pool)
    out: list[QARecord] = []
    while len(out) < per_post and any(pools.values()):
        for t in TYPES:
            if pools[t] and len(out) < per_post:
                out.append(pools[t].pop())
    return out


def _candidates(post: Post, korean: bool, rng: random.Random):
    parts = [(h, t, [plain(x) for x in prose_sentences(t)]) for h, t in sections(post.body)]
    found = [(t, s) for _, t, ss in parts for s in ss if _answerable(s)]
    for (text, sentence), topic in zip(found, sentence_topics([s for _, s in found], korean)):
        if topic is not None:
            record = _topic_question(post, text, sentence, topic, korean)
            if record:
                yield record
    keyword = post_keyword(post)
    for heading, text, sentences in parts:
        leaf = clean_heading(heading.split(" > ")[-1]) if heading else ""
        if leaf and squash(leaf) not in _GENERIC_HEADINGS and squash(leaf) != squash(post.title) \
                and _KEYWORD.search(leaf):
            record = _section_question(post, heading, leaf, text, sentences, korean, keyword, rng)
            if record:
                yield record


def _answerable(sentence: str) -> bool:
    """A sentence worth quoting as an answer: not a question, not a link, not too short or long."""
    return (MIN_ANSWER_CHARS <= len(sentence) <= MAX_ANSWER_CHARS and not sentence.rstrip().endswith("?")
            and "http" not in sentence)


# ---- definitions and facts ------------------------------------------------------------------
def sentence_topics(sentences: list[str], korean: bool) -> list[tuple[str, str, bool] | None]:
    """For each sentence, (topic, particle, is_definition) when it starts with a short noun phrase
    in topic position ("X는 …", "X란 …", "X is a …"), else None.

    >>> sentence_topics(["pip는 패키지를 관리하는 시스템입니다.", "Spoqa를 구성하는 기술은 다양합니다."], True)
    [('pip', '는', True), None]
    >>> sentence_topics(["Kafka is a distributed event log."], False)
    [('Kafka', 'is', True)]
    """
    if not korean:
        return [_en_topic(s) for s in sentences]
    out: list = [None] * len(sentences)
    todo = [i for i, s in enumerate(sentences) if _KO_TOPIC.match(s)]
    for i, morphs in zip(todo, tag_batch([sentences[i] for i in todo])):
        out[i] = _ko_topic(sentences[i], morphs)
    return out


def _ko_topic(sentence: str, morphs: list[tuple[str, str, int]]) -> tuple[str, str, bool] | None:
    """Topic of a Korean sentence: nouns (optionally joined by 의) up to 은/는 or 이란/란."""
    named = False
    for i, (form, tag, start) in enumerate(morphs):
        if i == 0 and (tag not in _NOUNISH - {"XSN", "NNB"} or form in _KO_STOP_NOUNS):
            return None
        if i > 0 and tag == "JX" and form in ("은", "는"):
            end, particle = start, form
        elif i > 0 and tag == "VCP" and i + 1 < len(morphs) and morphs[i + 1][:2] == ("란", "ETM"):
            end, particle = start, "이란" if sentence[start:start + 2] == "이란" else "란"
        elif tag in _NOUNISH or (tag == "JKG" and form == "의" and 0 < i < len(morphs) - 1):
            named = named or tag in _NAMED
            continue
        else:
            return None
        topic = sentence[:end].strip()
        if len(topic) < 2 or len(topic) > 30 or len(topic.split()) > 4:
            return None
        definition = bool(_KO_DEFINITION_END.search(sentence))
        # a fact question names something ("Celery에 대해 …"); "상자의 초안에 대해 …" asks nothing
        return (topic, particle, definition) if definition or named else None
    return None


def _en_topic(sentence: str) -> tuple[str, str, bool] | None:
    m = _EN_TOPIC.match(sentence)
    if not m or m.group("topic").split()[0].lower() in _EN_STOP_FIRST:
        return None
    return m.group("topic"), m.group("verb"), True


def _topic_question(post: Post, text: str, sentence: str, topic, korean: bool) -> QARecord | None:
    name, particle, definition = topic
    if korean:
        question = f"{name}{particle} 무엇인가요?" if definition else f"{name}에 대해 글에서 어떻게 설명하나요?"
    else:
        question = f"What {particle} {name}?"
    passage = find_passage(text, sentence)
    if not passage:
        return None
    return QARecord(question, sentence, post.id, passage, type="definition" if definition else "fact",
                    generator=GENERATOR)


# ---- headings -------------------------------------------------------------------------------
def clean_heading(heading: str) -> str:
    """A heading without numbering, markup and trailing punctuation.

    >>> clean_heading("2. **PostgreSQL 설치하기**:"), clean_heading("3.무엇이든 이동하기")
    ('PostgreSQL 설치하기', '무엇이든 이동하기')
    """
    h = _NUMBERING.sub("", plain(heading))
    return h.strip(" :-—–.*#…").strip()


def heading_question(subject: str, korean: bool, rng: random.Random) -> str:
    """A question about a section, from its (cleaned) heading.

    >>> heading_question("PostgreSQL 설치하기", True, random.Random(0))
    'PostgreSQL 설치하려면 어떻게 해야 하나요?'
    >>> heading_question("Why we moved to Kafka", False, random.Random(0))
    'Why we moved to Kafka?'
    """
    s = subject.rstrip("?？ ")
    first = s.split()[0].lower() if s.split() else ""
    if subject.endswith(("?", "？")) or first in _EN_QUESTION_WORDS:
        return s + "?"
    if not korean:
        s = re.sub(r"^(The|A|An) ", lambda m: m.group(1).lower() + " ", s)
        return rng.choice([f"What does the post say about {s}?", f"Can you explain {s}?",
                           f"What should I know about {s}?"])
    if s.endswith("하기") and len(s) > 2:
        return f"{s[:-2]}하려면 어떻게 해야 하나요?"
    if s.endswith(("란", "이란")):
        return f"{s} 무엇인가요?"
    if s.endswith(("이유", "원인", "목적", "차이", "차이점", "장점", "단점", "특징")):
        return f"{josa(s, '은', '는')} 무엇인가요?"
    if s.endswith("방법"):
        return rng.choice([f"{josa(s, '은', '는')} 어떻게 되나요?", f"{josa(s, '을', '를')} 알려 주세요."])
    return rng.choice([f"{josa(s, '은', '는')} 어떻게 되나요?", f"{s}에 대해 설명해 주세요.",
                       f"{s}에 관해 어떤 내용이 있나요?"])


def _section_question(post, heading, leaf, text, sentences, korean, keyword, rng) -> QARecord | None:
    sentences = [s for s in sentences if _answerable(s)]
    if not sentences:
        return None
    n_words = len(_KEYWORD.findall(leaf))
    is_question = is_question_heading(leaf)
    if is_question:
        if len([w for w in _KEYWORD.findall(leaf) if not w.startswith(_KO_QUESTION_WORDS)]) < 2:
            return None  # "어떻게 진행하죠?" alone asks about nothing in particular
        leaf = leaf.rstrip("?？ ") + "?"
    subject = leaf
    if not is_question and n_words < 3:  # too vague alone: borrow the parent heading or a keyword
        parts = heading.split(" > ")
        parent = clean_heading(parts[-2]) if len(parts) > 1 else ""
        if n_words < 2 and parent and squash(parent) not in _GENERIC_HEADINGS and squash(parent) not in squash(leaf):
            subject = f"{parent}의 {leaf}" if korean else f"{parent}: {leaf}"
        elif keyword and squash(keyword) not in squash(leaf):
            subject = f"{keyword} {leaf}" if korean else f"{leaf} for {keyword}"
    words = {w.lower() for w in _KEYWORD.findall(subject)}
    best = max(sentences[:12], key=lambda s: (_overlap(words, s), -sentences.index(s)))
    passage = find_passage(text, best)
    if not passage:
        return None
    return QARecord(heading_question(subject, korean, rng), best, post.id, passage, type="section",
                    generator=GENERATOR)


def is_question_heading(heading: str) -> bool:
    """A heading that already asks something.

    >>> is_question_heading("왜 Kafka를 골랐나"), is_question_heading("How it works"), is_question_heading("설치 방법")
    (True, True, False)
    """
    words = heading.split()
    if not words:
        return False
    if heading.endswith(("?", "？")) or words[0].lower() in _EN_QUESTION_WORDS:
        return True
    return any(w.startswith(_KO_QUESTION_WORDS) for w in words) and bool(re.search(r"(까|나|가|지|니|죠|요)$", heading))


def _overlap(words: set[str], sentence: str) -> int:
    lower = sentence.lower()
    return sum(1 for w in words if w in lower)


# ---- shared pieces --------------------------------------------------------------------------
def post_keyword(post: Post) -> str:
    """The title word the body uses most (one word: borrowing it never copies the title).

    >>> post_keyword(Post("a", "Kafka로 아웃박스 패턴 만들기", "Kafka 토픽에 쓰고 Kafka 컨슈머가 읽습니다. 아웃박스 테이블"))
    'Kafka'
    """
    body = Counter(w.lower() for w in _KEYWORD.findall(plain(post.body)))
    best, best_n = "", 0
    for word in _KEYWORD.findall(plain(post.title)):
        stem = _strip_particle(word)
        low = stem.lower()
        n = sum(c for w, c in body.items() if w.startswith(low))
        min_len = 2 if has_hangul(stem) else 3
        if stem not in _KO_STOP_WORDS and low not in _EN_STOP_KEYWORDS and len(stem) >= min_len and n > best_n:
            best, best_n = stem, n
    return best


def _strip_particle(word: str) -> str:
    stems = particle_stems(word)
    return stems[0] if stems else word


def find_passage(section_text: str, answer: str, limit: int = MAX_PASSAGE_CHARS) -> str:
    """The paragraph of `section_text` that contains `answer`, cut to about `limit` characters
    around it (plain text; '' when the answer is not found).

    >>> find_passage("첫 문단.\\n\\n둘째 문단의 첫 문장. 답이 되는 문장입니다.", "답이 되는 문장입니다.")
    '둘째 문단의 첫 문장. 답이 되는 문장입니다.'
    """
    key = squash(answer)
    text = re.sub(r"```.*?```", "\n\n", section_text, flags=re.S)
    for para in re.split(r"\n\s*\n", text):
        p = plain(para)
        if not key or key not in squash(p):
            continue
        if len(p) <= limit:
            return p
        start = p.find(answer)
        if start < 0:
            return answer
        lo = max(0, start - (limit - len(answer)) // 2)
        window = p[lo:lo + max(limit, len(answer) + (start - lo))]
        cut = window.find(" ")
        if lo > 0 and 0 <= cut < start - lo:  # start on a word boundary, never inside the answer
            window = window[cut + 1:]
        return window.strip()
    return ""
