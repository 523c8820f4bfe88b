"""Who an answer is for: one small object every surface passes instead of its own flags.

    audience = audience_named("customer")   # or INTERNAL / CUSTOMER
    index.ask(question, audience=audience)

An audience decides which posts may be quoted (`visibility`), the tone the model is told to write
in (prompt.py), what an abstention says, the hand-over line a customer gets, and which viewer a
post without its own URL links to. Employees ("internal") see every post and get a short "not in
the blog" note; customers see public posts only and are offered a person instead.
"""
from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from ..errors import UsageError
from ..text.hangul import is_korean


@dataclass(frozen=True)
class Audience:
    name: str                  # "internal" or "customer"
    visibility: str | None     # the posts it may see: None = all, "public" = public only
    tone: str                  # the prompt's tone (prompt.py)
    abstain_ko: str
    abstain_en: str
    handover_ko: str           # the line the model ends an unsure answer with (customers only; "" for none)
    handover_en: str
    viewer: str                # this server's page for a post without a URL of its own

    def abstain_text(self, question: str) -> str:
        """What an abstention says, in the question's language.

        >>> CUSTOMER.abstain_text("How do I reset it?")
        'Sorry, our public posts do not answer this. Would you like a person to contact you?'
        """
        return self.abstain_ko if is_korean(question) else self.abstain_en

    def link(self, base_url: str, post_id: str, url: str | None) -> str:
        """The post's own URL when it has one, else this server's viewer page for it.

        >>> CUSTOMER.link("http://h/", "2020/a.md", None), INTERNAL.link("http://h", "a", "https://x/a")
        ('http://h/widget/posts/2020/a.md', 'https://x/a')
        """
        if url:
            return url
        return base_url.rstrip("/") + self.viewer + quote(post_id, safe="/")


INTERNAL = Audience(
    "internal", None, "internal",
    abstain_ko="블로그에서 이 질문에 대한 답을 찾지 못했습니다. 담당자에게 문의해 주세요.",
    abstain_en="I could not find this in the blog. Please ask a person on our team.",
    handover_ko="", handover_en="", viewer="/posts/")

CUSTOMER = Audience(
    "customer", "public", "customer",
    abstain_ko="죄송합니다. 공개된 글에서 이 질문에 대한 답을 찾지 못했습니다. 담당자에게 연결해 드릴까요?",
    abstain_en="Sorry, our public posts do not answer this. Would you like a person to contact you?",
    handover_ko="더 정확한 안내가 필요하시면 담당자에게 문의해 주세요.",
    handover_en="If you need more help, please contact our team and a person will follow up.",
    viewer="/widget/posts/")

AUDIENCES = {a.name: a for a in (INTERNAL, CUSTOMER)}


def audience_named(name: "str | Audience | None", default: Audience = INTERNAL) -> Audience:
    """The audience for a name (an Audience passes through, None is `default`); UsageError otherwise."""
    if name is None:
        return default
    if isinstance(name, Audience):
        return name
    try:
        return AUDIENCES[name]
    except (KeyError, TypeError):
        raise UsageError(f"unknown audience (tone) {name!r}; choose one of {', '.join(AUDIENCES)}") from None


def for_public(public: bool) -> Audience:
    """The audience of a surface that knows only whether it is public (the widget, /v1's
    blogqa-public model, `--public`)."""
    return CUSTOMER if public else INTERNAL
