/* UI text in Korean and English. Elements carry data-i18n="key" (textContent, with values from
   data-i18n-vars) or data-i18n-placeholder="key"; the toggle button switches and remembers the
   language, and every such element, static or written by a script (`label`), follows it. */
(function () {
  "use strict";
  var TEXT = {
    ko: {
      "nav.search": "검색", "nav.assist": "상담 도우미", "nav.widget": "고객 위젯", "nav.insights": "인사이트",
      "nav.docs": "API 문서", "lang.toggle": "English",
      "search.title": "사내 블로그 검색", "search.placeholder": "블로그에 물어보세요 (예: 정산 주기는 어떻게 되나요?)",
      "search.button": "검색", "filter.since": "시작일", "filter.until": "종료일", "filter.tags": "태그 (쉼표로 구분)",
      "filter.public": "공개 글만", "filter.clear": "필터 지우기", "filter.date": "YYYY-MM-DD",
      "filter.bad_date": "날짜는 YYYY-MM-DD 형식으로 입력하세요 (예: 2024-01-31).",
      "answer.title": "답변", "answer.loading": "답변을 찾는 중…", "answer.sources": "출처",
      "answer.helpful": "도움이 됐나요?", "answer.yes": "네", "answer.no": "아니요",
      "answer.thanks": "의견 감사합니다.", "answer.abstained": "확실한 답을 찾지 못했습니다.",
      "results.count": "검색 결과 {n}건", "results.none": "검색 결과가 없습니다.", "results.title": "검색 결과",
      "feedback.why": "어떤 점이 아쉬웠나요?", "feedback.wrong": "틀렸어요", "feedback.outdated": "오래된 정보예요",
      "feedback.incomplete": "부족해요", "feedback.not_answered": "질문에 답하지 않았어요",
      "feedback.comment": "의견 (선택)", "feedback.send": "보내기",
      "badge.internal": "사내 전용", "error.generic": "오류가 발생했습니다: ", "error.message": "오류가 발생했습니다: {message}",
      "post.back": "← 검색",
      "assist.title": "상담 도우미", "assist.intro": "고객 이메일을 붙여넣으면 공개된 블로그 글로 답장 초안을 만듭니다. 보내기 전에 확인하고 고쳐 주세요.",
      "assist.email": "고객 이메일", "assist.placeholder": "고객이 보낸 이메일을 여기에 붙여넣으세요",
      "assist.button": "답장 초안 만들기", "assist.draft": "답장 초안 (수정 가능)", "assist.copy": "복사",
      "assist.copied": "복사했습니다.", "assist.used": "초안에 사용한 글", "assist.none": "사용한 글이 없습니다.",
      "assist.warn": "블로그에서 확실한 답을 찾지 못했습니다. 담당 부서에 확인하세요.",
      "assist.greeting": "안녕하세요, 고객님.\n문의해 주셔서 감사합니다.\n\n",
      "assist.closing": "\n\n더 궁금하신 점이 있으면 언제든 답장 주세요.\n감사합니다.",
      "assist.fallback": "문의하신 내용은 담당 부서에 확인한 뒤 다시 안내해 드리겠습니다.",
      "assist.refs": "\n\n참고 자료:\n", "assist.korean": "(원문이 한국어인 글을 그대로 인용했습니다.)",
      "handovers.title": "고객 상담 요청", "handovers.refresh": "새로고침", "handovers.empty": "상담 요청이 없습니다.",
      "handovers.when": "시각", "handovers.contact": "연락처", "handovers.question": "질문", "handovers.status": "상태",
      "handovers.close": "완료 처리", "handovers.reopen": "다시 열기", "handovers.reason": "사유",
      "handovers.open": "진행 중", "handovers.closed": "완료",
      "handover.asked_for_person": "담당자 요청", "handover.no_answer": "답을 못 찾음", "handover.wrong_answer": "틀린 답",
      "handover.other": "기타",
      "widget.title": "고객 위젯 미리보기", "widget.intro": "아래 코드를 회사 웹사이트에 넣으면 오른쪽 아래에 채팅 버튼이 생깁니다. 위젯은 공개된 글만 사용합니다.",
      "widget.hint": "오른쪽 아래의 파란 채팅 버튼을 눌러 보세요.",
      "widget.options": "색상, 위치, 제목, 인사말, 로고, 입력 안내 문구, 언어는 data- 속성으로 바꿀 수 있습니다 (docs/widget.md).",
      "widget.refused": "이 페이지의 주소({origin})는 blogqa 서버에 질문할 수 없도록 설정되어 있습니다. 서버의 BLOGQA_ALLOWED_ORIGINS에 {origin}을 추가하세요."
    },
    en: {
      "nav.search": "Search", "nav.assist": "Support assist", "nav.widget": "Customer widget", "nav.insights": "Insights",
      "nav.docs": "API docs", "lang.toggle": "한국어",
      "search.title": "Company blog search", "search.placeholder": "Ask the blog (e.g. How often are settlements paid?)",
      "search.button": "Search", "filter.since": "From", "filter.until": "Until", "filter.tags": "Tags (comma-separated)",
      "filter.public": "Public posts only", "filter.clear": "Clear filters", "filter.date": "YYYY-MM-DD",
      "filter.bad_date": "Enter dates as YYYY-MM-DD (e.g. 2024-01-31).",
      "answer.title": "Answer", "answer.loading": "Looking for an answer…", "answer.sources": "Sources",
      "answer.helpful": "Was this helpful?", "answer.yes": "Yes", "answer.no": "No",
      "answer.thanks": "Thanks for the feedback.", "answer.abstained": "No confident answer was found.",
      "results.count": "{n} results", "results.none": "No matching posts.", "results.title": "Results",
      "feedback.why": "What was wrong with it?", "feedback.wrong": "It's wrong", "feedback.outdated": "It's outdated",
      "feedback.incomplete": "It's incomplete", "feedback.not_answered": "It didn't answer my question",
      "feedback.comment": "Comment (optional)", "feedback.send": "Send",
      "badge.internal": "internal", "error.generic": "Something went wrong: ", "error.message": "Something went wrong: {message}",
      "post.back": "← Search",
      "assist.title": "Support assist", "assist.intro": "Paste a customer's e-mail to get a draft reply built from public blog posts. Check and edit it before sending.",
      "assist.email": "Customer e-mail", "assist.placeholder": "Paste the customer's e-mail here",
      "assist.button": "Draft a reply", "assist.draft": "Draft reply (editable)", "assist.copy": "Copy",
      "assist.copied": "Copied.", "assist.used": "Posts used in the draft", "assist.none": "No posts were used.",
      "assist.warn": "The blog has no confident answer. Check with the team in charge.",
      "assist.greeting": "Hello,\nthank you for reaching out.\n\n",
      "assist.closing": "\n\nIf you have any other questions, just reply to this e-mail.\nBest regards.",
      "assist.fallback": "We are checking your question with the team in charge and will get back to you.",
      "assist.refs": "\n\nReferences:\n", "assist.korean": "(The post is in Korean; the passage is quoted as written.)",
      "handovers.title": "Customer hand-overs", "handovers.refresh": "Refresh", "handovers.empty": "No hand-overs.",
      "handovers.when": "When", "handovers.contact": "Contact", "handovers.question": "Question", "handovers.status": "Status",
      "handovers.close": "Close", "handovers.reopen": "Reopen", "handovers.reason": "Reason",
      "handovers.open": "open", "handovers.closed": "closed",
      "handover.asked_for_person": "asked for a person", "handover.no_answer": "no answer", "handover.wrong_answer": "wrong answer",
      "handover.other": "other",
      "widget.title": "Customer widget preview", "widget.intro": "Put the snippet below on the company website to get a chat bubble in the bottom right corner. The widget only uses public posts.",
      "widget.hint": "Click the blue chat button in the bottom right.",
      "widget.options": "Colour, position, title, greeting, logo, placeholder and language are data- attributes (docs/widget.md).",
      "widget.refused": "This page's origin ({origin}) is not allowed to call the blogqa server. Add {origin} to the server's BLOGQA_ALLOWED_ORIGINS."
    }
  };
  var lang = "ko";
  try { lang = localStorage.getItem("blogqa.lang") || "ko"; } catch (e) { /* storage blocked */ }
  if (!TEXT[lang]) { lang = "ko"; }

  function t(key, vars, inLang) {
    var use = inLang && TEXT[inLang] ? inLang : lang;
    var s = (TEXT[use] && TEXT[use][key]) || TEXT.ko[key] || key;
    if (vars) { Object.keys(vars).forEach(function (k) { s = s.split("{" + k + "}").join(String(vars[k])); }); }
    return s;
  }
  /* Text written by a script that must follow the toggle: the node keeps its key (and values). */
  function label(node, key, vars) {
    node.dataset.i18n = key;
    if (vars) { node.dataset.i18nVars = JSON.stringify(vars); } else { delete node.dataset.i18nVars; }
    node.textContent = t(key, vars);
    return node;
  }
  /* Text that is data, not UI (an answer, a server message): the toggle leaves it alone. */
  function plain(node, text) {
    delete node.dataset.i18n;
    delete node.dataset.i18nVars;
    node.textContent = text;
    return node;
  }
  function apply() {
    document.documentElement.lang = lang;
    document.querySelectorAll("[data-i18n]").forEach(function (node) {
      node.textContent = t(node.dataset.i18n, node.dataset.i18nVars ? JSON.parse(node.dataset.i18nVars) : null);
    });
    document.querySelectorAll("[data-i18n-placeholder]").forEach(function (node) {
      node.placeholder = t(node.dataset.i18nPlaceholder);
    });
    document.dispatchEvent(new CustomEvent("blogqa:lang", { detail: lang }));
  }
  function set(next) {
    lang = TEXT[next] ? next : "ko";
    try { localStorage.setItem("blogqa.lang", lang); } catch (e) { /* ignore */ }
    apply();
  }
  window.blogqaI18n = { t: t, set: set, label: label, plain: plain, lang: function () { return lang; } };
  document.addEventListener("DOMContentLoaded", function () {
    var toggle = document.getElementById("lang-toggle");
    if (toggle) { toggle.addEventListener("click", function () { set(lang === "ko" ? "en" : "ko"); }); }
    apply();
  });
})();
