"""Multi-turn chat: a follow-up ("그럼 가격은?") becomes a standalone question before retrieval.

    chat = Conversation(index)                 # uses the index's LLM settings
    chat.ask("블로그QA 프로에는 어떤 기능이 있나요?")
    answer = chat.ask("그럼 가격은?")            # rewritten with the history, then searched
    answer.notes[0]                            # 'searched for: 블로그QA 프로의 가격은 얼마인가요?'

With an LLM, the rewrite is one extra chat call (history + follow-up -> one question); the first
question of a conversation is never rewritten. Without one, a follow-up (it refers back — 그건,
그때, 거기, 그 팀은, it, they — or names fewer than `MIN_OWN_TOPIC_WORDS` topic words of its own)
gets the topic words of the earlier question it follows (the index tokenizer's nouns and foreign
words, question words left out), not the whole earlier question: "그건 언제 도입했어요?" after
"Geofront는 뭐예요?" is searched as "그건 언제 도입했어요? geofront". The same rewrite serves
`blogqa chat` and `/v1/chat/completions` (`standalone`).
"""
from __future__ import annotations

import re
from typing import Iterator

from ..models import Answer
from ..text.llm_text import strip_think
from .events import Event, Rewrite, final_answer, with_final
from .prompt import NO_ANSWER

REWRITE_SYSTEM = """You rewrite the user's LAST message in a conversation about a company blog into ONE standalone search question.
- Use the earlier turns only to resolve what the last message refers to (omitted subjects, "it", "그럼 ...은?", "what about ...").
- Keep the language of the last message. Keep product names and terms exactly as written.
- Do not answer the question. Do not add facts.
- Reply with the standalone question only, on one line. If the last message already stands alone, repeat it unchanged."""

# Words that refer back to the conversation: Korean demonstratives and connectives at the start of
# a word (그건, 그때, 거기, "그 팀은", 그랬어요), English pronouns and connectives.
_REFERS_BACK = re.compile(
    r"(?:^|(?<=[\s(\"'“‘]))(?:(?:그|이|저)(?=\s)|그것|그거|그건|그걸|그게|그때|그곳|그분|그쪽|그들|그런|그렇|"
    r"그랬|그러|그래|그럼|그리고|근데|거기|이것|이거|이건|이걸|이게|이때|이곳|이런|이렇|여기|저것|저거|저건|저기|또)"
    r"|\b(?:it|its|they|them|their|that|those|these|this|then|also|what about|how about)\b",
    re.I,
)
# English words a tokenizer keeps that name no topic (retrieve/query.py's GENERIC has the question words).
_FILLER = frozenset("did does do was were be been has have had get got take took much many long "
                    "more most any some there then also so".split())
# A question with fewer topic words of its own is taken as a follow-up. Chosen before the
# follow-up set was run: a self-contained question names at least three things
# ("배포 파이프라인에서 롤백은 몇 분 안에 끝나나요?": 배포, 파이프라인, 롤백), "DB는 뭘 썼어요?" one.
MIN_OWN_TOPIC_WORDS = 3
_HISTORY_CHARS = 600  # of each earlier answer, for the rewrite prompt


def rewrite_messages(question: str, history: list[tuple[str, str]]) -> list[dict]:
    """The rewrite request: the conversation so far as data, then the last message."""
    lines = ["Conversation so far:"]
    for q, a in history:
        lines.append(f"User: {_one_line(q)}")
        lines.append(f"Assistant: {_clip(_strip_citations(a), _HISTORY_CHARS)}")
    lines += ["", f"Last message: {_one_line(question)}", "", "Standalone question:"]
    return [{"role": "system", "content": REWRITE_SYSTEM}, {"role": "user", "content": "\n".join(lines)}]


def clean_rewrite(reply: str, question: str) -> str:
    """The first useful line of the model's reply; the original question when it is unusable.

    >>> clean_rewrite('Standalone question: "블로그QA 프로의 가격은?"\\n', "그럼 가격은?")
    '블로그QA 프로의 가격은?'
    """
    reply = strip_think(reply)
    for line in reply.splitlines():
        line = re.sub(r"^\s*(standalone question|question|질문|독립\s*질문)\s*[:：]\s*", "", line.strip(), flags=re.I)
        line = line.strip().strip("\"'`“”‘’「」*").strip()
        if line:
            if NO_ANSWER in line or len(line) > 300:
                break
            return line
    return question


def topic_words(text: str, tokenizer) -> list[str]:
    """The topic words of `text`: the tokenizer's nouns and foreign words, question words and single
    syllables left out (as the evidence gate counts them).

    >>> from blogqa.text.tokens import get_tokenizer
    >>> topic_words("스포카 개발팀이 SSH 키를 관리하려고 만든 서비스가 뭐예요?", get_tokenizer("kiwi"))
    ['스포', '개발', 'ssh', '관리', '서비스']
    """
    from ..retrieve.query import GENERIC

    tagged = getattr(tokenizer, "tagged_tokens", None)
    pairs = tagged(text) if tagged else [(t, True) for t in tokenizer.tokens(text)]
    words = [t for t, topic in pairs if topic and t not in GENERIC and t not in _FILLER]
    return [t for t in dict.fromkeys(words) if len(t) > 1 or t.isdigit()]


def is_follow_up(question: str, tokenizer) -> bool:
    """True when `question` refers back (그건, 거기, it, ...) or names too few topic words to stand alone."""
    return bool(_REFERS_BACK.search(question)) or len(topic_words(question, tokenizer)) < MIN_OWN_TOPIC_WORDS


def heuristic_rewrite(question: str, history: list[tuple[str, str]], tokenizer=None) -> str:
    """Offline: a follow-up gets the topic words of the question it follows (and of the ones before
    that, back to the last question that stood alone); a question that stands alone is kept.

    >>> heuristic_rewrite("그럼 가격은?", [("블로그QA 프로에는 어떤 기능이 있나요?", "...")])
    '그럼 가격은? qa 프로 기능'
    """
    if not history:
        return question
    if tokenizer is None:
        from ..text.tokens import get_tokenizer

        tokenizer = get_tokenizer("kiwi")
    if not is_follow_up(question, tokenizer):
        return question
    own = set(topic_words(question, tokenizer))
    carried: list[str] = []
    for earlier, _ in reversed(history):
        carried += [w for w in topic_words(earlier, tokenizer) if w not in own and w not in carried]
        if not is_follow_up(earlier, tokenizer):
            break
    return f"{question.strip()} {' '.join(carried)}" if carried else question


def rewrite_question(question: str, history: list[tuple[str, str]], backend=None, tokenizer=None) -> str:
    """Standalone version of `question` given the (question, answer) history; `backend` (an LLM
    chat backend) or the offline heuristic (with `tokenizer`, the index's) when None."""
    if not history:
        return question
    if backend is None:
        return heuristic_rewrite(question, history, tokenizer)
    reply = backend.complete(rewrite_messages(question, history), max_tokens=128)
    return clean_rewrite(reply, question)


def standalone(index, question: str, history: list[tuple[str, str]], llm: bool | None = None) -> str:
    """`question` rewritten with the conversation over `index`: by the index's LLM when one is
    configured (`llm` as in `Index.ask`), else offline with the index's tokenizer."""
    if not history:
        return question
    from .backend import get_backend, use_llm

    settings = index.settings.llm
    backend = get_backend(settings) if use_llm(settings, llm) else None
    return rewrite_question(question, history, backend, index.tokenizer)


class Conversation:
    """A chat over an Index: history, follow-up rewriting, then `Index.ask` on the rewritten question."""

    def __init__(self, index, llm: bool | None = None, tone: str | None = None, max_turns: int = 4,
                 audience=None, **ask_kwargs):
        """`audience` (or its older name `tone`): who the chat is for (answer/audience.py)."""
        from .audience import audience_named

        self.index = index
        self.llm = llm
        self.audience = audience_named(audience or tone)
        self.max_turns = max_turns
        self.ask_kwargs = ask_kwargs
        self.history: list[tuple[str, str]] = []

    def reset(self) -> None:
        self.history.clear()

    def rewrite(self, question: str) -> str:
        return standalone(self.index, question, self.history, self.llm)

    def ask(self, question: str) -> Answer:
        return final_answer(self.ask_stream(question, stream=False))

    def ask_stream(self, question: str, stream: bool = True) -> Iterator[Event]:
        """Rewrite(question) when the question was rewritten, then the events of
        `Index.ask_stream` (Token ... Final)."""
        standalone = self.rewrite(question)
        if standalone != question:
            yield Rewrite(standalone)
        events = self.index.ask_stream(standalone, **self.ask_kwargs, llm=self.llm, audience=self.audience,
                                       stream=stream)

        def remember(answer: Answer) -> None:
            if standalone != question:
                answer.notes.insert(0, f"searched for: {standalone}")
            self.history.append((question, answer.text))
            del self.history[: -self.max_turns]

        yield from with_final(events, remember)


def _strip_citations(text: str) -> str:
    return re.sub(r"\s*\[\d+(?:\s*,\s*\d+)*\]", "", text)


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _clip(text: str, limit: int) -> str:
    flat = _one_line(text)
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


__all__ = ["Conversation", "standalone", "rewrite_question", "rewrite_messages", "clean_rewrite", "heuristic_rewrite",
           "is_follow_up", "topic_words"]
