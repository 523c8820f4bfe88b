"""blogqa.text.normalize: Markdown/HTML -> clean text, decoding, Unicode normalisation."""
import unicodedata

import pytest

from blogqa.text.normalize import decode_bytes, html_to_text, markdown_to_text, normalize_text


# ------------------------------------------------------------------ normalize_text / decode_bytes

def test_nfc_composes_decomposed_hangul():
    decomposed = unicodedata.normalize("NFD", "한글 검색")
    assert decomposed != "한글 검색"
    assert normalize_text(decomposed) == "한글 검색"


def test_control_chars_crlf_and_blank_runs():
    text = "첫 줄\r\n둘째\x1c 줄\x10\r\n\r\n\r\n\r\n셋째\t탭\u00a0끝   \n"
    assert normalize_text(text) == "첫 줄\n둘째 줄\n\n셋째\t탭 끝"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp949", "euc-kr"])
def test_decode_bytes_korean_encodings(encoding):
    text = "스포카 기술 블로그: 한글 인코딩 테스트입니다."
    assert decode_bytes(text.encode(encoding)) == text


def test_decode_bytes_cp949_only_syllable():
    # "똠" exists in CP949 but not in EUC-KR; it must still come back right.
    assert decode_bytes("똠방각하".encode("cp949")) == "똠방각하"


def test_decode_bytes_rejects_binary():
    with pytest.raises(ValueError, match="binary"):
        decode_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")


# ------------------------------------------------------------------ markdown_to_text

def test_liquid_and_shortcodes_removed():
    md = ('![그림]({{ "/assets/a.png" | absolute_url }})\n\n'
          "[1부]({% post_url 2018-06-03-x %})를 보세요. {% include note.html %}\n\n"
          '{{< figure src="x.png" caption="캡션" >}}\n{{% notice %}}알림 본문{{% /notice %}}\n')
    text = markdown_to_text(md)
    assert text == "그림\n\n1부를 보세요.\n\n알림 본문"


def test_highlight_becomes_fence_and_raw_keeps_content():
    md = ("코드:\n\n{% highlight python %}\ndef f():\n    return {'a': 1}\n{% endhighlight %}\n\n"
          "`{% raw %}${{ secrets.TOKEN }}{% endraw %}` 형태로 참조합니다.\n\n"
          "```yaml\n{% raw %}\nname: \"{{ app_name }}\"\n{% endraw %}```\n")
    text = markdown_to_text(md)
    assert "```python\ndef f():\n    return {'a': 1}\n```" in text
    # raw content stays, with its template delimiters split so no body holds "{{" or "{%"
    assert "`${ { secrets.TOKEN } }` 형태로 참조합니다." in text
    assert '```yaml\nname: "{ { app_name } }"\n```' in text
    assert "raw" not in text and "highlight" not in text and "{{" not in text and "{%" not in text


def test_liquid_runs_inside_code_like_jekyll():
    md = "```sh\nLEN=${{ '{#' }}DISK[@]}\n{% if x %}echo{% endif %}\n```"
    assert markdown_to_text(md) == "```sh\nLEN=${#DISK[@]}\necho\n```"


def test_hugo_highlight_shortcode_becomes_fence():
    text = markdown_to_text('{{< highlight go >}}\nfmt.Println("hi")\n{{< /highlight >}}')
    assert text == '```go\nfmt.Println("hi")\n```'


def test_kramdown_ial_removed_but_not_in_code():
    md = "![로고](/a.png)\n{: .center-image }\n\n문단 {:.note}\n\n```python\nprint(f'{x:>3}')\nd = {:a}\n```"
    text = markdown_to_text(md)
    assert text.startswith("로고\n\n문단")
    assert "{: " not in text and "{:." not in text
    assert "d = {:a}" in text  # code is never touched


def test_code_fences_kept_verbatim():
    md = "~~~sh\n$ echo *not emphasis* [x](y)\n~~~\n\n    indented = code_block()\n    more()\n\n끝"
    text = markdown_to_text(md)
    assert "```sh\n$ echo *not emphasis* [x](y)\n```" in text
    assert "```\nindented = code_block()\nmore()\n```" in text


def test_headings_atx_and_setext():
    md = "제목\n====\n\n소제목\n------\n\n### 셋째 ###\n\n#태그아님\n\n---\n\n본문"
    assert markdown_to_text(md) == "# 제목\n\n## 소제목\n\n### 셋째\n\n#태그아님\n\n본문"


def test_links_images_emphasis_and_reference_links():
    md = ("**굵게** 와 *기울임* 과 _밑줄_ 그리고 ~~취소~~, snake_case_name 유지.\n\n"
          "[링크 텍스트](https://x.com/a_(b)) 와 [참조][ref] 와 [단축] 와 <https://auto.link/>.\n"
          "각주[^1] 도 있다.\n\n[ref]: https://ref.example\n[단축]: https://short.example\n\n"
          "[^1]: 각주 본문")
    text = markdown_to_text(md)
    assert text.splitlines()[0] == "굵게 와 기울임 과 밑줄 그리고 취소, snake_case_name 유지."
    assert "링크 텍스트 와 참조 와 단축 와 https://auto.link/." in text
    assert "각주 도 있다." in text and "각주 본문" in text
    assert "https://ref.example" not in text


def test_inline_html_stripped_script_dropped_figcaption_kept():
    md = ('<figure>\n  <img src="/a.png" alt="구조도">\n  <figcaption>그림 1. 전체 구조</figcaption>\n</figure>\n\n'
          '<script src="https://gist.github.com/u/1.js"></script>\n'
          '<iframe src="https://youtube.com/embed/x"></iframe>\n<style>p{}</style>\n'
          "A &amp; B &lt;tag&gt; <sup>2</sup>, List<String> 그대로, <code>a < b</code>")
    text = markdown_to_text(md)
    assert "구조도" in text and "그림 1. 전체 구조" in text
    assert "gist" not in text and "youtube" not in text and "p{}" not in text
    assert text.endswith("A & B <tag> 2, List<String> 그대로, `a < b`")


def test_math_kept_as_text():
    assert markdown_to_text("식 $$a_i * b_j$$ 입니다") == "식 $$a_i * b_j$$ 입니다"


def test_markdown_normalises_crlf_and_control_bytes():
    assert markdown_to_text("제목\r\n===\r\n\r\n본문\x10입니다\r\n") == "# 제목\n\n본문입니다"


# ------------------------------------------------------------------ html_to_text

def test_html_prefers_article_and_drops_chrome():
    page = ("<html><head><title>T</title><style>x{}</style></head><body>"
            "<nav>메뉴</nav><header>사이트 제목</header>"
            "<article><h2>소제목</h2><p>본문 &amp; <b>강조</b></p><ul><li>하나</li><li>둘</li></ul>"
            "<pre><code class=\"language-js\">if (a &lt; b) {\n  go();\n}</code></pre></article>"
            "<aside>광고</aside><footer>저작권</footer><script>track()</script></body></html>")
    text = html_to_text(page)
    assert text == "## 소제목\n\n본문 & 강조\n\n- 하나\n- 둘\n\n```js\nif (a < b) {\n  go();\n}\n```"


def test_html_uses_main_then_body():
    assert html_to_text("<body><nav>n</nav><main><p>메인</p></main><div>밖</div></body>") == "메인"
    assert html_to_text("<p>조각</p><p>둘째<br>줄</p>") == "조각\n\n둘째\n줄"


def test_table_rows_kept_rule_dropped():
    md = "| 이름 | 상태 |\n|------|:----:|\n| Alice | 이탈 |\n| Bob | 활동중 |"
    assert markdown_to_text(md) == "| 이름 | 상태 |\n| Alice | 이탈 |\n| Bob | 활동중 |"


@pytest.mark.parametrize("unit", ["[a ", "*a ", "{% a ", "![a](", "<div ", "`a ", "<a href="])
def test_pathological_markdown_stays_linear(unit):
    """Four times the input takes four to seven times as long (a quadratic or backtracking
    pattern takes sixteen); the best of three runs each, so a busy machine does not decide it."""
    import time

    def best_of_three(text):
        times = []
        for _ in range(3):
            started = time.perf_counter()
            markdown_to_text(text)
            times.append(time.perf_counter() - started)
        return min(times)

    small, large = best_of_three(unit * 3000), best_of_three(unit * 12000)
    assert large < 12 * small + 0.05, (small, large)


def test_pathological_html_stays_fast():
    import time

    started = time.monotonic()
    html_to_text("<a " * 30000 + "<!-- " * 30000)
    assert time.monotonic() - started < 5


# ------------------------------------------------------------------ CommonMark structure

def test_a_hard_wrapped_paragraph_becomes_one_line():
    md = "Geofront는 직접 만들기로 했는데,\n이름은 Geofront라고\n지었습니다.\n\n다음 문단."
    assert markdown_to_text(md) == "Geofront는 직접 만들기로 했는데, 이름은 Geofront라고 지었습니다.\n\n다음 문단."


def test_a_hard_break_stays_a_line_break():
    assert markdown_to_text("첫 줄  \n 둘째 줄\\\n셋째 줄") == "첫 줄\n둘째 줄\n셋째 줄"


def test_lists_keep_items_with_their_wrapped_lines_nested_lists_and_code():
    md = ("1. 설치합니다.\n   오래 걸립니다.\n2. 실행합니다:\n\n   ```sh\n   blogqa serve\n   ```\n\n"
          "- 바깥\n  - 안쪽\n\n> 인용된\n> 한 문단")
    assert markdown_to_text(md) == ("1. 설치합니다. 오래 걸립니다.\n2. 실행합니다:\n```sh\nblogqa serve\n```\n\n"
                                    "- 바깥\n  - 안쪽\n\n인용된 한 문단")


def test_a_table_cell_keeps_its_inline_markup_out():
    md = "| 옵션 | 설명 |\n|---|---|\n| `--index` | **색인** 위치 |"
    assert markdown_to_text(md) == "| 옵션 | 설명 |\n| `--index` | 색인 위치 |"


def test_kramdown_habits_commonmark_lacks():
    # a link whose destination has spaces, and Markdown after a line of <br/> (kramdown reads both)
    md = "[2.3 개선해 보자](#2.3-개선해 보자) 참고.\n\n<br/>\n앞 문단이\n이어집니다.\n```sh\nls\n```"
    assert markdown_to_text(md) == "2.3 개선해 보자 참고.\n\n앞 문단이 이어집니다.\n\n```sh\nls\n```"


def test_a_pre_block_stays_code_and_dollars_stay_as_written():
    md = "<pre>\n.\n|-- _config.yml\n</pre>\n\n가격은 $5 이고 *강조* 는 $10 입니다."
    assert markdown_to_text(md) == "```\n.\n|-- _config.yml\n```\n\n가격은 $5 이고 *강조* 는 $10 입니다."


@pytest.mark.parametrize("name", ["blogqa.text.markdown", "blogqa.text.normalize", "blogqa.server.post_html"])
def test_doctests(name):
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(name))
    assert result.attempted > 0 and result.failed == 0


def test_code_in_a_nested_list_item_stays_at_the_margin():
    md = "- 바깥\n    1. 안쪽\n        1. 더 안쪽\n\n            ```bash\n            cat /proc/mdstat\n            ```\n"
    text = markdown_to_text(md)
    assert "\n```bash\ncat /proc/mdstat\n```" in text, text


def test_a_pre_element_indented_into_a_list_item_stays_one_code_block_and_code_keeps_its_pre():
    md = ("8. 다음 내용이 나옵니다.\n\n        <pre><code>add this:\n{\n   \"theme\": \"Material\",\n}</code></pre>\n"
          "  문서에는 수동 설치만 적혀 있습니다.\n\n```html\n<pre>그대로</pre>\n```")
    text = markdown_to_text(md)
    assert '```\nadd this:\n{\n   "theme": "Material",\n}\n```' in text, text
    assert "문서에는 수동 설치만 적혀 있습니다." in text and "`" not in text.split("```")[2]
    assert text.endswith("```html\n<pre>그대로</pre>\n```")  # code is never touched
