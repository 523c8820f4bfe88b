"""Hangul spellings of technical loanwords -> their Latin form, so "도커" matches "Docker".

Korean tech posts write the same name both ways ("쿠버네티스" and "Kubernetes", often in one post);
BM25 over morphemes treats them as different words. The tokenizer maps each Hangul spelling here to
the lower-cased Latin token, on both the document and the query side.

    >>> LOANWORDS["도커"], LOANWORDS["쿠버네티스"]
    ('docker', 'kubernetes')
"""

_PAIRS = """
도커 docker|쿠버네티스 kubernetes|쿠베 kubernetes|구글 google|안드로이드 android|아이폰 iphone|애플 apple
레디스 redis|카프카 kafka|플링크 flink|파이썬 python|파이콘 pycon|자바 java|자바스크립트 javascript
타입스크립트 typescript|코틀린 kotlin|스위프트 swift|리액트 react|리액트네이티브 react-native|노드 node
깃 git|깃허브 github|깃헙 github|깃랩 gitlab|젠킨스 jenkins|텐서플로 tensorflow|텐서플로우 tensorflow
파이토치 pytorch|스프링 spring|스프링부트 spring-boot|장고 django|플라스크 flask|셀러리 celery
아마존 amazon|마이크로소프트 microsoft|애저 azure|페이스북 facebook|메타 meta|트위터 twitter|슬랙 slack
엘라스틱서치 elasticsearch|몽고디비 mongodb|포스트그레스 postgres|포스트그레스큐엘 postgresql|마이에스큐엘 mysql
에스큐엘 sql|그래프큐엘 graphql|레스트 rest|그래파나 grafana|프로메테우스 prometheus|자빅스 zabbix
테라폼 terraform|앤서블 ansible|헬름 helm|이스티오 istio|엔진엑스 nginx|아파치 apache|하둡 hadoop
스파크 spark|빅쿼리 bigquery|에어플로 airflow|에어플로우 airflow|스칼라 scala|하스켈 haskell|러스트 rust
고랭 golang|루비 ruby|레일즈 rails|스위프트유아이 swiftui|엑스코드 xcode|유니티 unity|웹알티씨 webrtc
웹뷰 webview|웹팩 webpack|바벨 babel|리눅스 linux|우분투 ubuntu|윈도우 windows|맥 mac|아이오에스 ios
이클립스 eclipse|인텔리제이 intellij|서블라임 sublime|비주얼스튜디오 visual-studio|크롬 chrome
파이어폭스 firefox|사파리 safari|넷플릭스 netflix|유튜브 youtube|오픈에이아이 openai|챗지피티 chatgpt
지피티 gpt|허깅페이스 huggingface|쿠다 cuda|엔비디아 nvidia|인퍼런시아 inferentia
람다 lambda|플러터 flutter|다트 dart|백본 backbone|앵귤러 angular|제이쿼리 jquery
스칼라 scala|그래들 gradle|메이븐 maven|잭슨 jackson|힐트 hilt|대거 dagger|레트로핏 retrofit
피카소 picasso|글라이드 glide|오케이에이치티티피 okhttp|스톰프 stomp|웹소켓 websocket|엠큐티티 mqtt
래빗엠큐 rabbitmq|제로엠큐 zeromq|몽고 mongo|카산드라 cassandra|실라디비 scylladb|스킬라디비 scylladb
바틀로켓 bottlerocket|보틀로켓 bottlerocket|카펜터 karpenter|아르고 argo|아르고시디 argocd
플레이라이트 playwright|셀레니움 selenium|사이프러스 cypress|옵티마이즐리 optimizely|트렐로 trello
히로쿠 heroku|포에트리 poetry|피프 pip|도커파일 dockerfile|지슨 gson|진자 jinja|이벤트렛 eventlet
"""

LOANWORDS: dict[str, str] = {}
for _pair in _PAIRS.replace("\n", "|").split("|"):
    if _pair.strip():
        _ko, _en = _pair.split()
        LOANWORDS[_ko] = _en
