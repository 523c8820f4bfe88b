import pytest

from blogqa.retrieve.fusion import min_max, rrf, weighted_fusion
from blogqa.text.tokens import KiwiTokenizer, WhitespaceTokenizer, get_tokenizer


@pytest.fixture(scope="module")
def kiwi():
    return get_tokenizer("kiwi")


def test_kiwi_keeps_content_morphemes_and_lowercases_latin(kiwi):
    toks = kiwi.tokens("Spring Session을 Redis로 옮겼습니다")
    assert "spring" in toks and "session" in toks and "redis" in toks
    assert "을" not in toks and "로" not in toks  # particles dropped
    assert "옮기" in toks


@pytest.mark.parametrize("text, word", [
    ("우리는 Kubernetes.", "kubernetes"), ("GraphQL.) 다음", "graphql"), ("쓴 것은 Karpenter.\n다음", "karpenter"),
    ("표지 summhhagbcep.", "summhhagbcep"), ("Redis.", "redis")])
def test_a_latin_word_ending_a_sentence_stays_whole(kiwi, text, word):
    # kiwi alone reads "Kubernetes." as an abbreviation and cuts it: "kuber" + "netes."
    assert word in kiwi.tokens(text)
    assert kiwi.tokens_batch([text]) == [kiwi.tokens(text)]
    assert word in [t for t, _ in kiwi.tagged_tokens(text)]


def test_dotted_names_inside_a_word_are_untouched(kiwi):
    assert "node.js" in kiwi.tokens("Node.js를 쓴다.")


def test_kiwi_normalises_decomposed_hangul(kiwi):
    import unicodedata

    decomposed = unicodedata.normalize("NFD", "배포 자동화")
    assert kiwi.tokens(decomposed) == kiwi.tokens("배포 자동화")


@pytest.mark.parametrize("text", ["", " ", "😀", "123", "a" * 10000])
def test_tokenizers_handle_odd_input(kiwi, text):
    for tok in (kiwi, WhitespaceTokenizer()):
        assert isinstance(tok.tokens(text), list)
        assert tok.tokens_batch([text, text]) == [tok.tokens(text)] * 2


def test_unknown_tokenizer_is_a_usage_error():
    from blogqa.errors import UsageError

    with pytest.raises(UsageError):
        get_tokenizer("nope")


def test_min_max_and_constant_scores():
    assert min_max({}) == {}
    assert min_max({"a": 3.0, "b": 3.0}) == {"a": 1.0, "b": 1.0}
    assert min_max({"a": 4.0, "b": 2.0}, floor=0.0) == {"a": 1.0, "b": 0.5}


def test_weighted_fusion_keeps_score_gaps_that_rrf_loses():
    lexical = {"a": 30.0, "b": 3.0}          # BM25 is very sure about a
    dense = {"b": 0.86, "a": 0.85, "c": 0.70}  # dense barely prefers b
    fused = weighted_fusion(lexical, dense, 0.5)
    assert max(fused, key=fused.get) == "a"
    assert fused["c"] < fused["b"] < fused["a"]
    r = rrf(list(lexical), list(dense))
    assert r["a"] == pytest.approx(r["b"])  # rank fusion cannot tell them apart


def test_weighted_fusion_extremes():
    lexical, dense = {"a": 2.0, "b": 1.0}, {"b": 0.9, "a": 0.1}
    assert max(weighted_fusion(lexical, dense, 1.0).items(), key=lambda kv: kv[1])[0] == "a"
    assert max(weighted_fusion(lexical, dense, 0.0).items(), key=lambda kv: kv[1])[0] == "b"


def test_rrf_constant():
    assert rrf(["x"], k=60) == {"x": 1 / 61}


def test_kiwi_keeps_recent_analyses_and_they_equal_a_fresh_analysis():
    from blogqa.text.tokens import KiwiTokenizer, get_tokenizer

    tok = get_tokenizer("kiwi")
    texts = ["SQLAlchemy 큐 풀에서 연결이 다 찼을 때 기본으로 몇 초를 기다리나요?", "기본값으로는 30초를 기다립니다.",
             "배포 자동화는 Jenkins로 하나요?"]
    first = tok.tokens_batch(texts)
    assert all(tok._prepare(t) in tok._recent for t in texts)
    assert tok.tokens_batch(texts) == first == [tok.tokens(t) for t in texts]
    assert [[form for form, _ in tok._keep_tagged(tok._kiwi.tokenize(tok._prepare(t)))] for t in texts] == first
    long = "배포 " * KiwiTokenizer.MEMO_CHARS  # an ingest's chunk: analysed, not kept
    assert tok.tokens(long)[:2] == ["배포", "배포"] and tok._prepare(long) not in tok._recent
    first[0].append("changed")  # callers get their own lists; the memo is not theirs to change
    assert "changed" not in tok.tokens(texts[0])
