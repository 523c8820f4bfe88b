/* blogqa customer widget: a chat bubble for a public website.

     <script src="https://blogqa.example.com/widget.js" data-lang="ko" defer></script>

   It talks only to /api/public/* on the server it was loaded from (public posts only; that
   server must list the website's origin in BLOGQA_ALLOWED_ORIGINS). Everything it shows is
   written with textContent inside its own shadow root. "This didn't help" opens the hand-over
   form, which sends a contact and the question to the support staff. */
(function () {
  "use strict";
  if (window.__blogqaWidget) { return; }
  window.__blogqaWidget = true;
  var script = document.currentScript;
  var BASE = new URL(script ? script.src : "/widget.js", window.location.href).origin;
  var TEXT = {
    ko: { open: "문의하기", title: "무엇을 도와드릴까요?", placeholder: "궁금한 점을 입력하세요", send: "보내기",
          thinking: "답변을 찾는 중…", sources: "참고한 글", helpful: "도움이 됐어요", unhelpful: "도움이 안 됐어요",
          thanks: "감사합니다!", handoverIntro: "담당자가 직접 답해 드릴게요. 연락처를 남겨 주세요.",
          contact: "이메일 또는 전화번호", question: "질문", submit: "상담 요청", handoverDone: "접수되었습니다. 곧 연락드리겠습니다.",
          error: "잠시 후 다시 시도해 주세요: ", close: "닫기", lang: "EN", empty: "질문을 입력해 주세요." },
    en: { open: "Ask us", title: "How can we help?", placeholder: "Type your question", send: "Send",
          thinking: "Looking for an answer…", sources: "Sources", helpful: "This helped", unhelpful: "This didn't help",
          thanks: "Thank you!", handoverIntro: "A person will answer you. Please leave your contact.",
          contact: "E-mail or phone number", question: "Question", submit: "Contact me", handoverDone: "Received. We will contact you soon.",
          error: "Please try again later: ", close: "Close", lang: "한", empty: "Please type a question." }
  };
  var lang = (script && script.dataset.lang) || "ko";
  if (!TEXT[lang]) { lang = "ko"; }
  function t(key) { return TEXT[lang][key]; }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      var value = attrs[key];
      if (value === null || value === undefined) { return; }
      if (key === "text") { node.textContent = String(value); }
      else if (key === "className") { node.className = value; }
      else if (key === "onclick") { node.addEventListener("click", value); }
      else { node.setAttribute(key, String(value)); }
    });
    (children || []).forEach(function (c) { node.appendChild(typeof c === "string" ? document.createTextNode(c) : c); });
    return node;
  }
  function safeLink(href) {
    try {
      var url = new URL(href, BASE);
      return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
    } catch (e) { return null; }
  }
  async function post(path, body) {
    var response = await fetch(BASE + path, { method: "POST", headers: { "Content-Type": "application/json" },
                                              body: JSON.stringify(body), credentials: "omit" });
    var data = null;
    try { data = await response.json(); } catch (e) { data = null; }
    if (!response.ok) { throw new Error(data && data.error ? data.error.message : String(response.status)); }
    return data;
  }

  function chatIcon() {  // drawn, not an emoji: it needs no emoji font
    var ns = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("width", "26");
    svg.setAttribute("height", "26");
    svg.setAttribute("aria-hidden", "true");
    var path = document.createElementNS(ns, "path");
    path.setAttribute("d", "M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z");
    path.setAttribute("fill", "currentColor");
    svg.appendChild(path);
    return svg;
  }

  var host = el("div", { id: "blogqa-widget" });
  var root = host.attachShadow({ mode: "open" });
  root.appendChild(el("link", { rel: "stylesheet", href: BASE + "/static/widget.css" }));
  var bubble = el("button", { type: "button", className: "bubble", "aria-label": t("open") }, [chatIcon()]);
  var panel = el("section", { className: "panel", role: "dialog", "aria-label": "blogqa" });
  panel.hidden = true;
  var titleNode = el("span", { className: "title", text: t("title") });
  var langButton = el("button", { type: "button", className: "lang", text: t("lang") });
  var closeButton = el("button", { type: "button", className: "close", "aria-label": t("close"), text: "×" });
  var log = el("div", { className: "log", "aria-live": "polite" });
  var input = el("input", { type: "text", className: "input", maxlength: "2000", placeholder: t("placeholder"),
                            "aria-label": t("placeholder") });
  var send = el("button", { type: "submit", className: "send", text: t("send") });
  var form = el("form", { className: "ask" }, [input, send]);
  panel.appendChild(el("header", {}, [titleNode, langButton, closeButton]));
  panel.appendChild(log);
  panel.appendChild(form);
  root.appendChild(panel);
  root.appendChild(bubble);

  function relabel() {
    titleNode.textContent = t("title"); langButton.textContent = t("lang"); input.placeholder = t("placeholder");
    send.textContent = t("send"); bubble.setAttribute("aria-label", t("open"));
  }
  function scroll() { log.scrollTop = log.scrollHeight; }
  function say(who, node) { log.appendChild(el("div", { className: "msg " + who }, [node])); scroll(); }

  function answerText(text, sources) {
    var p = el("p", { className: "answer-text" });
    var byN = {};
    sources.forEach(function (s) { byN[s.n] = s; });
    var re = /\[(\d+)\]/g, last = 0, m;
    while ((m = re.exec(text)) !== null) {
      p.appendChild(document.createTextNode(text.slice(last, m.index)));
      var s = byN[Number(m[1])], href = s ? safeLink(s.link) : null;
      p.appendChild(href ? el("a", { href: href, target: "_blank", rel: "noopener", className: "cite", text: m[0] })
                         : document.createTextNode(m[0]));
      last = re.lastIndex;
    }
    p.appendChild(document.createTextNode(text.slice(last)));
    return p;
  }

  function handoverForm(question, answerId) {
    var contact = el("input", { type: "text", className: "contact", maxlength: "200", placeholder: t("contact"),
                                "aria-label": t("contact"), required: "required" });
    var q = el("textarea", { className: "handover-question", rows: "3", maxlength: "4000", "aria-label": t("question") });
    q.value = question;
    var status = el("p", { className: "status" });
    var submit = el("button", { type: "submit", className: "handover-submit", text: t("submit") });
    var box = el("form", { className: "handover" }, [el("p", { text: t("handoverIntro") }), contact, q, submit, status]);
    box.addEventListener("submit", function (event) {
      event.preventDefault();
      submit.disabled = true;
      post("/api/public/handover", { contact: contact.value, question: q.value, answer_id: answerId })
        .then(function () { box.textContent = ""; box.appendChild(el("p", { className: "done", text: t("handoverDone") })); })
        .catch(function (e) { status.textContent = t("error") + e.message; submit.disabled = false; });
    });
    return box;
  }

  function showAnswer(question, data) {
    var wrap = el("div", { className: "bot-answer" }, [answerText(data.answer, data.sources)]);
    if (data.sources.length) {
      var list = el("ol", { className: "sources" });
      data.sources.forEach(function (s) {
        var href = safeLink(s.link);
        list.appendChild(el("li", { value: s.n }, [href ? el("a", { href: href, target: "_blank", rel: "noopener",
          className: "source-link", text: s.title }) : el("span", { text: s.title })]));
      });
      wrap.appendChild(el("p", { className: "label", text: t("sources") }));
      wrap.appendChild(list);
    }
    var actions = el("div", { className: "actions" });
    function feedback(helpful) {
      return function () {
        actions.textContent = "";
        post("/api/public/feedback", { answer_id: data.answer_id, helpful: helpful }).catch(function () {});
        if (helpful) { actions.appendChild(el("span", { text: t("thanks") })); }
        else { wrap.appendChild(handoverForm(question, data.answer_id)); scroll(); }
      };
    }
    if (data.abstained) {
      wrap.appendChild(handoverForm(question, data.answer_id));
    } else {
      actions.appendChild(el("button", { type: "button", className: "helpful", text: t("helpful"), onclick: feedback(true) }));
      actions.appendChild(el("button", { type: "button", className: "unhelpful", text: t("unhelpful"), onclick: feedback(false) }));
      wrap.appendChild(actions);
    }
    say("bot", wrap);
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var question = input.value.trim();
    if (!question) { say("bot", el("p", { text: t("empty") })); return; }
    input.value = "";
    say("user", el("p", { text: question }));
    var waiting = el("p", { className: "thinking", text: t("thinking") });
    say("bot", waiting);
    send.disabled = true;
    post("/api/public/ask", { question: question })
      .then(function (data) { waiting.parentNode.remove(); showAnswer(question, data); })
      .catch(function (e) { waiting.textContent = t("error") + e.message; })
      .finally(function () { send.disabled = false; input.focus(); });
  });
  bubble.addEventListener("click", function () { panel.hidden = !panel.hidden; if (!panel.hidden) { input.focus(); } });
  closeButton.addEventListener("click", function () { panel.hidden = true; });
  langButton.addEventListener("click", function () { lang = lang === "ko" ? "en" : "ko"; relabel(); });

  function mount() { document.body.appendChild(host); }
  if (document.body) { mount(); } else { document.addEventListener("DOMContentLoaded", mount); }
})();
