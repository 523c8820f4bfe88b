"""Compiled regexes for the temporal parser (Korean + English). Only patterns live here; the
rules that use them (gating, operators, combination) are in `temporal.py`.

Naming: *_ATOM patterns find a date or period ("2023년 6월", "작년", "Q3 2022"); operators
around an atom ("이후", "까지", "since", "before") turn it into an open or closed range;
*_SPAN patterns are complete ranges up to today ("최근 3개월", "past 2 years", "3개월 전");
*_ORDER patterns are recency / oldest words; *_CTX patterns say "this is about blog posts".
"""
from __future__ import annotations

import re

_X = re.X
_XI = re.X | re.I

# Korean number words for "한 달", "두 해", "세 달" ...
KO_NUMS = {"한": 1, "두": 2, "세": 3, "네": 4, "다섯": 5, "여섯": 6, "일곱": 7, "여덟": 8,
           "아홉": 9, "열": 10, "일": 1}
EN_NUMS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
           "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12}
KO_UNITS = {"일": "day", "주": "week", "주일": "week", "개월": "month", "달": "month",
            "분기": "quarter", "년": "year", "해": "year"}
MONTHS = {m: i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1)}

_KO_N = r"(?P<n>\d{1,3}|한|두|세|네|다섯|여섯|일곱|여덟|아홉|열|일(?=\s*주일))"
_KO_U = r"(?P<u>주일|주|개월|달|일|년|해)"
_EN_N = r"(?P<n>\d{1,3}|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"
_EN_U = r"(?P<u>day|week|month|quarter|year)s?"
_DAY = r"3[01]|[12]\d|0?[1-9]"
_MON = r"1[0-2]|0?[1-9]"
# a Korean period suffix (초/말 ...) must end the word: "2023년 말에" yes, "2023년 말레이시아" no
_PART_END = r"(?=[\s,.?!~)]|$|에|의|부터|까지|쯤|경|이후|이전|엔|께)"

# --- atoms -------------------------------------------------------------------------------
# "2023년", "2023년도", "2023년 6월", "2023년 6월 13일", "23년 하반기", "'23년", "2022년 3분기",
# "2023년 초", and the same after a relative year: "작년 하반기", "올해 1분기", "재작년 말".
KO_YEAR_ATOM = re.compile(rf"""
    (?: (?<![\d.])(?: (?P<y4>(?:19|20)\d{{2}}) | (?P<apos>['’])?(?P<y2>\d{{2}}) )\s*년(?:도)?
      | (?P<rel>재작년|작년|지난해|지난\ 해(?=[\s에의도,.?!]|$)|올해(?!의)|금년(?!의)) )
    (?: \s*(?: (?P<m>{_MON})\s*월(?:\s*(?P<d>{_DAY})\s*일)?
             | (?P<half>상반기|하반기|전반기|후반기)
             | (?P<q>[1-4])\s*분기
             | (?P<part>초반|중반|후반|초|말){_PART_END} ) )?
    """, _X)
# "2023-06", "2023-06-13", "2023.06", "2023/06/13" (not "v2023.06", not "2019-2021")
ISO_ATOM = re.compile(rf"(?<![0-9A-Za-z.\-/])(?P<y>(?:19|20)\d{{2}})(?P<sep>[-./])(?P<m>{_MON})"
                      rf"(?:(?P=sep)(?P<d>{_DAY}))?(?![0-9A-Za-z]|[-./]\d)")
# "June 2023", "Jun 2023", "June 13, 2023", "13 June 2023"
EN_DATE_ATOM = re.compile(rf"""\b(?:(?P<d1>{_DAY})(?:st|nd|rd|th)?\s+)?
    (?P<mon>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?
           |sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?
    \s+(?:(?P<d2>{_DAY})(?:st|nd|rd|th)?,?\s+)?(?P<y>(?:19|20)\d{{2}})\b""", _XI)
# "Q3 2022", "Q3 of 2022", "2022 Q3", "H2 2023", "2023 H1"
EN_QUARTER_ATOM = re.compile(r"""\b(?: (?P<k1>[QH])(?P<n1>[1-4])\s*(?:of\s+)?(?P<y1>(?:19|20)\d{2})
                                  | (?P<y2>(?:19|20)\d{2})\s*(?P<k2>[QH])(?P<n2>[1-4]) )\b""", _XI)
# year-less: "6월", "6월 13일", "상반기", "3분기", "Q3" -> this year (last year if still ahead)
KO_MONTH_ATOM = re.compile(rf"(?<![\d.])(?P<m>{_MON})\s*월(?:\s*(?P<d>{_DAY})\s*일)?")
KO_HALF_ATOM = re.compile(r"(?<![가-힣\d])(?P<half>상반기|하반기)|(?<![\d.])(?P<q>[1-4])\s*분기"
                          r"|\b[Qq](?P<eq>[1-4])\b")
# bare 4-digit year: a filter only after "in/since/before..", in a range, or before "posts"
BARE_YEAR_ATOM = re.compile(r"(?<![0-9A-Za-z.\-/'’])(?P<y>(?:19|20)\d{2})"
                            r"(?![0-9A-Za-z]|[.\-/]\d|\s*년)")
# calendar periods relative to today: (pattern, unit, offset)
KO_REL_ATOMS = [
    (re.compile(r"이번\s?달|이달(?=[에\s]|$)"), "month", 0),
    (re.compile(r"(?:지난|저번)\s?달"), "month", -1),
    (re.compile(r"(?:이번|올해)\s?분기"), "quarter", 0),
    (re.compile(r"(?:지난|저번|전)\s?분기"), "quarter", -1),
    (re.compile(r"이번\s?주(?!말|제|년)"), "week", 0),
    (re.compile(r"(?:지난|저번)\s?주(?!말|제|년)"), "week", -1),
    (re.compile(r"(?<!어제)오늘(?!날)"), "day", 0),
    (re.compile(r"어제(?!오늘)|어저께"), "day", -1),
    (re.compile(r"그제|그저께"), "day", -2),
]
EN_REL_ATOM = re.compile(r"\b(?P<w>this|current|last|previous)\s+(?P<u>week|month|quarter|year)\b"
                         r"|\b(?P<y>yesterday)\b|\b(?P<t>today)\b", re.I)

# --- spans up to today ---------------------------------------------------------------------
# "최근 3개월", "지난 6개월간", "과거 2년 동안", "최근 일주일"; "3개월 이내"
KO_LAST_N_SPAN = re.compile(rf"(?:최근|지난|과거)\s*{_KO_N}\s*{_KO_U}"
                            rf"(?:\s*(?:간|동안|사이|이내))?(?:에는|에|의|는)?")
KO_WITHIN_SPAN = re.compile(rf"(?<![\d.]){_KO_N}\s*{_KO_U}\s*이내(?:에는|에|의|는)?")
# "3개월 전", "2년 전에", "한 달 전", "일주일 전쯤"
KO_AGO_SPAN = re.compile(rf"(?<![\d.가-힣]){_KO_N}\s*{_KO_U}\s*전(?:에는|에|의|쯤에?|즈음에?)?(?![가-힣])")
# "last 6 months", "the past 2 years", "past year", "over the past few weeks" (few = 3)
EN_LAST_N_SPAN = re.compile(rf"\b(?:(?:in|over|during|within|for)\s+)?(?:the\s+)?"
                            rf"(?:(?:last|past|previous)\s+(?:{_EN_N}|few)\s+|past\s+){_EN_U}\b", re.I)
# "3 months ago", "a year ago"
EN_AGO_SPAN = re.compile(rf"\b{_EN_N}\s+{_EN_U}\s+ago\b", re.I)

# --- operators around an atom --------------------------------------------------------------
KO_SUFFIX_OP = re.compile(r"""\s*(?: (?P<since>이후(?:로는|로|에는|에|의)?|부터(?:는|의)?|以後)
                                  | (?P<until>(?:전)?까지(?:는|의|에)?)
                                  | (?P<before>이전(?:에|의)?|전(?:에|의)?(?![가-힣]))
                                  | (?P<in>에는|에도|에서는|에서|에|의|쯤(?:에)?|경(?:에)?|중(?:에)?
                                          |동안(?:에)?|사이(?:에)?) )""", _X)
EN_SUFFIX_OP = re.compile(r"\s*(?:(?P<since>onwards?|and\s+later|or\s+later)"
                          r"|(?P<until>and\s+earlier|or\s+earlier))\b", re.I)
EN_PREFIX_OP = re.compile(r"\b(?:(?P<since>since|as\s+of)|(?P<after>after)|(?P<before>before|prior\s+to)"
                          r"|(?P<until>until|till|through)|(?P<in>in|during|from|of))\s+(?:the\s+)?"
                          r"(?:year\s+)?$", re.I)
RANGE_CONNECTOR = re.compile(r"\s*(?:부터|에서|~|〜|–|—|-|to|until|till|through|and)\s*", re.I)
RANGE_PREFIX = re.compile(r"\b(?:from|between)\s+(?:the\s+)?$", re.I)
RANGE_END = re.compile(r"\s*(?:까지(?:의|에)?|사이(?:에|의)?)?")
BLOG_NOUN_AFTER = re.compile(r"\s+(?:posts?|articles?|blogs?|entries)\b", re.I)
# "1989년 6월 30일에 일어난 ..." -> the date is the subject of the question, never a filter
EVENT_AFTER = re.compile(r"\s*(?:에|에는)?\s*(?:일어난|있었던|발생한|태어난|출생한|사망한|숨진|열린|개최된"
                         r"|일어났|발생했|태어났|사망했)")
# any year-like mention; relative expressions in such a question need blog context
YEAR_MENTION = re.compile(r"(?<![0-9A-Za-z])(?:1\d{3}|20\d{2})(?![0-9A-Za-z])"
                          r"|\d{3,4}\s*년(?!\s*(?:전|간|동안|차|째|만|이상|이내|후))")

# --- order words ---------------------------------------------------------------------------
_UPD_KO = r"(?:\s*(?P<upd>업데이트|갱신|수정|변경|개정)(?:된|됐던|되었던|됐|되었|한|했던|했))?"
# strong recency: counted in any question ("최근접" and "최신화" are not recency)
KO_RECENT = re.compile(rf"(?:(?:가장|제일|맨)\s*최근|최근(?!접|방))(?:에는|에|의)?{_UPD_KO}"
                       rf"|최신(?!화)(?:순|의)?|요즘(?:에|의)?|근래(?:에|의)?")  # not 요새 (= fortress)
EN_RECENT = re.compile(r"\b(?:most\s+recent(?:ly)?|latest|newest|recently|recent)\b"
                       r"(?:\s+(?P<upd>updated|changed|revised|modified)\b)?", re.I)
_POST_KO = r"포스트(?!시즌|잇|모던|모템|카드)|게시물|게시글|포스팅|아티클"
_BLOG_NOUN_KO = rf"(?:글|{_POST_KO})"
# weak ones: counted only when the question is about posts (see CTX_*)
KO_NEWEST_WEAK = re.compile(rf"새로(?!운|고침|이)|새롭게|마지막으로|마지막(?=\s*{_BLOG_NOUN_KO})")
KO_OLDEST_WEAK = re.compile(rf"(?:가장|제일|맨)\s*(?:오래된|처음(?:으로|에)?)"
                            rf"|처음(?!부터)(?:으로|에)?|최초(?:로|의|에)?|첫(?:\s*번째)?(?=\s*{_BLOG_NOUN_KO})")
EN_LAST = re.compile(r"(?<!\bat\s)\blast\b(?!\s+(?:years?|months?|weeks?|quarters?|days?|night|weekend"
                     r"|decade|\d+|few|couple|several|one|two|three|four|five|six|seven|eight|nine|ten"
                     r"|eleven|twelve|name|but)\b)", re.I)
EN_OLDEST = re.compile(r"\b(?:earliest|oldest)\b|(?<!\bat\s)(?<![\w-])first(?![\w-])"
                       r"(?!\s+(?:steps?|of\s+all|things?|class|principles?)\b)", re.I)

# --- context: is the question about blog posts? --------------------------------------------
CTX_NOUN = re.compile(rf"(?<![가-힣])글(?!로벌|로리|러브|꼴|씨|자|쓴이)|{_POST_KO}|블로그|후기|회고(?![록한했하])|참관기|참가기|올라온|올라왔"
                      r"|\b(?:posts?(?!-)|articles?|blogs?|blogged|blog-?posts?|entries|write-?ups?)\b", re.I)
CTX_EN_VERB = re.compile(r"\b(?:wrote|write|writes|written|posted|published|blogged)\s+(?:about|on)\b", re.I)
CTX_FIRST_PERSON = re.compile(r"저희|우리\s?(?:팀|회사|블로그|서비스|제품)|우리가|\b(?:we|our)\b", re.I)
CTX_VERB = re.compile(r"올라온|올라왔|올린|작성|쓴|게시|발표|공개|출시|업데이트|배포|릴리스|\b(?:wrote|write|written"
                      r"|posted|publish(?:ed)?|releas(?:e|ed)|announced|launched|shipped)\b", re.I)
UPDATE_WORD = re.compile(r"업데이트|갱신|수정|개정|변경|\b(?:updated?|updates|changed|revised)\b", re.I)

# Words that describe posts rather than their topic ("…에 대해 쓴 글", "posts about …"): once a time
# expression has turned a question into "find posts, ordered or filtered by date", they only add noise.
POST_WORDS = re.compile(
    r"(?:에\s*)?(?:대해서?|대한|관한|관련(?:해서|된|한)?|주제로\s*한|다룬|다뤘던|쓴|올라온|올린|나온|등장한|소개한)(?![가-힣])"
    r"|(?:기술\s*)?블로그(?:에서|의|에)?|포스트(?:는|가)?|게시물|게시글|(?<![가-힣])글(?:들|은|이|을)?(?![가-힣])"
    r"|알려\s*줘|뭐야|있어|찾아\s*줘|(?<![가-힣])중\s*(?:가장\s*)?(?:것|거)(?![가-힣])"
    r"|\b(?:posts?|articles?|blog|written|wrote|published|about|on|the|a|an|what|which|is|was)\b|\?", re.I)

# "…얘기가 나오는 글", "…가 처음 등장한 글", "posts that mention …": any post that mentions the topic
# will do, not only one about it (search.py `order_by_date`)
MENTION = re.compile(r"(?:얘기|이야기|언급)\s*(?:이|가)?\s*(?:나오|나온|나와|되|된|했|한)|등장(?:한|하는|했)|"
                     r"\bmention(?:s|ed|ing)?\b|\b(?:comes?|came)\s+up\b", re.I)
MENTION_WORDS = frozenset({"얘기", "이야기", "언급", "나오", "나와", "등장", "mention", "come", "came"})

