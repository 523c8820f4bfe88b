"""The LLM prompt gives each source as the passage the offline answer quotes from that post, grown
with its neighbours in document order within the context budget (issue 13, item 1)."""
from __future__ import annotations

import re

import pytest

from blogqa.answer import backend
from blogqa.answer.passage import question_passages
from blogqa.answer.prompt import build_prompt, select_context
from blogqa.api import Index
from blogqa.config import LLMSettings, Settings
from blogqa.models import Hit, Post
from blogqa.text.chunk import chunk_post, estimate_tokens
from blogqa.text.tokens import get_tokenizer
from openai_stub import Reply

BLOCK = re.compile(r"<<<SOURCE (\d+)>>>\n(.*?)\n<<<END SOURCE \1>>>", re.S)
TITLE = re.compile(r"<<<SOURCE (\d+)>>>\ntitle: (.*)")

QUEUE_Q = "메시지 처리에 실패하면 첫 재시도까지 기본으로 몇 초를 기다리나요?"
ANSWER = "첫 재시도 간격은 기본값으로 45초이고, 실패할 때마다 두 배로 늘어납니다."
BEFORE = "보관함에 쌓인 메시지는 매일 아침 회의에서 함께 살펴봅니다."

INTRO = ["우리 팀은 주문 알림을 보내는 메시지 큐를 직접 운영합니다.",
         "처음에는 하루에 몇 천 건 정도의 알림만 보냈기 때문에 작은 서버 한 대로 충분했습니다.",
         "서비스가 커지면서 알림은 하루 수십만 건으로 늘었고, 장애도 자주 겪었습니다.",
         "이 글은 그 과정에서 배운 것들을 순서대로 정리한 기록입니다.",
         "먼저 어떤 구조로 시작했는지, 그리고 무엇이 문제였는지 이야기합니다.",
         "그다음에는 구조를 바꾸면서 고민한 점과 운영 도구를 소개합니다."]
OPS = ["운영 대시보드에서는 큐의 길이와 처리 지연을 분 단위로 봅니다.",
       "야간에는 당번 한 명이 알림을 받고, 주간에는 팀 전체가 채널을 지켜봅니다.",
       "배포는 하루 두 번, 점심 전과 퇴근 전에 합니다.",
       "로그는 일주일 동안 보관하고 그 뒤에는 압축해서 저장소로 옮깁니다.",
       "소비자 프로세스는 컨테이너 여섯 개로 나누어 띄웁니다.",
       "새로운 팀원이 오면 첫 주에 대시보드 보는 법부터 익힙니다."]
RETRY = ["메시지 처리에 실패하면 소비자는 메시지를 다시 큐에 넣습니다.",
         "처음에는 실패한 메시지를 곧바로 다시 시도했는데, 외부 결제 서버가 느려질 때 재시도가 몰려 장애가 커졌습니다.",
         "그래서 재시도 사이에 간격을 두고, 간격을 점점 늘리도록 바꾸었습니다.",
         "재시도 횟수에는 상한을 두었고, 상한을 넘긴 메시지는 별도의 보관함으로 옮겨 사람이 확인합니다.",
         BEFORE]

POSTS = {
    "2024-07-01-queue.md": "---\ntitle: 알림 큐 운영기\ndate: 2024-07-01\n---\n# 시작하며\n\n"
                           + "\n\n".join(INTRO * 3) + "\n\n## 운영\n\n" + "\n\n".join(OPS * 3)
                           + "\n\n## 재시도 정책\n\n" + " ".join(RETRY * 3) + " " + ANSWER + "\n",
    "2024-02-01-deploy.md": "---\ntitle: 배포 자동화\ndate: 2024-02-01\n---\n"
                            "우리 팀은 GitHub Actions로 배포를 자동화했습니다. 실패한 배포는 3분 안에 되돌립니다.\n",
    "2024-03-01-lunch.md": "---\ntitle: 점심 메뉴 투표\ndate: 2024-03-01\n---\n"
                           "매주 금요일 점심 메뉴는 투표로 정합니다. 재시도 없이 한 번만 투표합니다.\n",
}


@pytest.fixture(autouse=True)
def fast_retries(monkeypatch):
    monkeypatch.setattr(backend, "BACKOFF_BASE", 0.02)
    backend.get_backend.cache_clear()
    yield
    backend.get_backend.cache_clear()


@pytest.fixture(scope="module")
def queue_blog(tmp_path_factory):
    """A small index whose relevant post is long, its answer in the last of many chunks."""
    base = tmp_path_factory.mktemp("llm-passages")
    blog = base / "blog"
    blog.mkdir()
    for name, text in POSTS.items():
        (blog / name).write_text(text, encoding="utf-8")
    idx = Index(str(base / "idx"), create=True)
    idx.ingest(str(blog), progress=False)
    idx.close()
    return str(base / "idx")


def with_llm(location: str, stub, **llm) -> Index:
    return Index(location, settings=Settings(llm=LLMSettings(base_url=stub.url, model=stub.model, timeout=10, **llm)))


def sent_user(stub) -> str:
    messages = stub.chat_requests[-1]["json"]["messages"]
    assert [m["role"] for m in messages] == ["system", "user"]
    return messages[1]["content"]


def blocks_by_title(user: str) -> dict[str, tuple[int, str]]:
    titles = {int(n): t for n, t in TITLE.findall(user)}
    return {titles[int(n)]: (int(n), block) for n, block in BLOCK.findall(user)}


def block_tokens(user: str) -> int:
    """The source blocks' tokens as the budget counts them (markers and header included)."""
    return sum(estimate_tokens(m.group(0) + "\n\n") for m in BLOCK.finditer(user))


@pytest.mark.parametrize("budget", [150, 3000])
def test_the_answer_deep_in_a_long_post_is_sent_in_that_posts_source(queue_blog, stub, budget):
    idx = with_llm(queue_blog, stub, context_tokens=budget)
    post = idx.store.get_post(idx.search(QUEUE_Q).hits[0].post.id)
    assert post.title == "알림 큐 운영기"
    assert post.body.index(ANSWER) > 1500 and ANSWER not in chunk_post(post)[0].text  # far from the start

    stub.reset()
    stub.push(Reply.of("첫 재시도까지 기본으로 45초를 기다립니다 [1]."))
    answer = idx.ask(QUEUE_Q)
    user = sent_user(stub)
    n, block = blocks_by_title(user)["알림 큐 운영기"]
    assert n == 1 and ANSWER in block
    assert block_tokens(user) <= budget
    # the sentence before the passage comes with it, in the post's order
    assert block.index(BEFORE) < block.index(ANSWER)
    assert not answer.abstained and [(s.n, s.title) for s in answer.sources] == [(1, "알림 큐 운영기")]

    # the same window the offline answer quotes, which reads on past it where the prompt's budget
    # reads around it instead
    window = question_passages(QUEUE_Q, idx.search(QUEUE_Q).hits[:1], idx.tokenizer)[0].text
    offline = idx.ask(QUEUE_Q, llm=False)
    quoted = offline.text.rsplit("[1]", 1)[0].strip()
    assert ANSWER in window and window in block and quoted.startswith(window)
    idx.close()


def test_sent_as_best_chunks_first_the_small_budget_would_have_missed_it(queue_blog, stub):
    """Why passages: the best chunk's start, cut to the budget, stops before the answer."""
    idx = with_llm(queue_blog, stub, context_tokens=150)
    hits = idx.search(QUEUE_Q).hits
    as_chunks = select_context(hits, 150)[0]
    assert as_chunks and ANSWER not in "\n".join(e for _, excerpts in as_chunks for e in excerpts)
    passages = question_passages(QUEUE_Q, hits, idx.tokenizer)
    picked, used, truncated = select_context(hits, 150, passages)
    assert used <= 150 and truncated and ANSWER in picked[0][1][0]
    idx.close()


def test_neighbours_fill_the_budget_around_the_passage_as_one_stretch_in_order():
    sentences = [f"{i}번째 문단은 서버 {i}대의 운영 이야기를 조금 길게 적은 문장입니다." for i in range(1, 13)]
    sentences[6] = "배포 실패 시 롤백은 기본으로 3분 안에 끝납니다."
    chunk = " ".join(sentences)
    hit = Hit(Post("p1", "운영 노트", chunk), 1.0, chunk, 0, ["다른 청크의 내용입니다. 긴 설명이 이어집니다."])
    tok = get_tokenizer("kiwi")
    passages = question_passages("배포 실패하면 롤백은 몇 분 걸리나요?", [hit], tok)
    assert sentences[6] in passages[0].text
    previous = None
    for budget in (120, 160, 220, 2000):
        prompt = build_prompt("배포 실패하면 롤백은 몇 분 걸리나요?", [hit], context_tokens=budget, tokenizer=tok)
        user = prompt.messages[1]["content"]
        excerpt = BLOCK.search(user).group(2).split("text:\n", 1)[1].split("\n[...]\n")[0]
        assert sentences[6] in excerpt and excerpt in chunk  # one stretch of the post, in its order
        assert prompt.source_tokens == block_tokens(user) <= budget
        if previous is not None:
            assert previous in excerpt  # a larger budget only adds neighbours
        previous = excerpt
    assert excerpt == chunk and "다른 청크의 내용입니다." in user and not prompt.truncated


def test_without_a_tokenizer_the_best_chunk_goes_first_as_before():
    hit = Hit(Post("p1", "글", "본문"), 1.0, "첫 청크입니다.", 0, ["둘째 청크입니다."])
    user = build_prompt("질문은?", [hit]).messages[1]["content"]
    assert "첫 청크입니다.\n[...]\n둘째 청크입니다." in user


@pytest.mark.slow
def test_spoqa_pool_timeout_first_source_holds_the_default(spoqa_index, stub):
    """The issue's literal case over the shared spoqa posts."""
    question = "SQLAlchemy 큐 풀에서 연결이 다 찼을 때 기본으로 몇 초를 기다리나요?"
    location = spoqa_index[0].location
    idx = with_llm(str(location), stub)
    stub.reset()
    stub.push(Reply.of("기본값으로 30초를 기다립니다 [1]."))
    answer = idx.ask(question)
    user = sent_user(stub)
    first = BLOCK.search(user)
    assert first.group(1) == "1" and "title: SQLAlchemy의 연결 풀링 이해하기" in first.group(2)
    assert "기본값으로는 30초를 기다립니다" in first.group(2).replace("`", "")  # the post writes `30` as code
    assert block_tokens(user) <= idx.settings.llm.context_tokens
    assert [(s.n, s.title) for s in answer.sources] == [(1, "SQLAlchemy의 연결 풀링 이해하기")]
    quoted = idx.ask(question, llm=False).text.rsplit("[1]", 1)[0].strip()
    assert "30초" in quoted and quoted in first.group(2)  # the passage the offline answer quotes
    idx.close()

    # a budget that takes neither chunk whole still sends that passage, in post 1's block
    small = with_llm(str(location), stub, context_tokens=200)
    stub.reset()
    small.ask(question)
    user = sent_user(stub)
    first = BLOCK.search(user)
    assert "title: SQLAlchemy의 연결 풀링 이해하기" in first.group(2) and quoted in first.group(2)
    assert block_tokens(user) <= 200
    small.close()
