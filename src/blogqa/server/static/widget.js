/* blogqa customer widget: a chat bubble for a public website.

     <script src="https://blogqa.example.com/widget.js" data-lang="ko" data-accent="#0a7d55"
             data-position="bottom-left" data-title="스포카 고객센터" defer></script>

   Options (all optional; docs/widget.md): data-lang (ko | en), data-accent (a CSS colour),
   data-position (bottom-right | bottom-left), data-title, data-greeting, data-placeholder (each
   also as data-title-en, data-title-ko, ... for the other language), data-logo (an image URL).

   It talks only to /api/public/* on the server it was loaded from (public posts only; that
   server must list the website's origin in BLOGQA_ALLOWED_ORIGINS, and when it does not the
   widget says so, in the panel and in the console). Everything it shows is written with
   textContent inside its own shadow root. "This didn't help" asks why, then offers the
   hand-over form, which sends a contact, the question and a reason to the support staff.
   A conversation id kept in sessionStorage ties one visit's questions together. */
(function () {
  "use strict";
  if (window.__blogqaWidget) { return; }
  window.__blogqaWidget = true;
  var script = document.currentScript;
  var options = (script && script.dataset) || {};
  var BASE = new URL(script ? script.src : "/widget.js", window.location.href).origin;
  var SETTING = "BLOGQA_ALLOWED_ORIGINS";
  var TEXT = {
    ko: { open: "문의하기", title: "무엇을 도와드릴까요?", placeholder: "궁금한 점을 입력하세요", send: "보내기",
          thinking: "답변을 찾는 중…", sources: "참고한 글", helpful: "도움이 됐어요", unhelpful: "도움이 안 됐어요",
          thanks: "감사합니다!", why: "어떤 점이 아쉬웠나요?", wrong: "틀렸어요", outdated: "오래된 정보예요",
          incomplete: "부족해요", not_answered: "질문에 답하지 않았어요", comment: "의견 (선택)", sendFeedback: "보내기",
          handoverIntro: "담당자가 직접 답해 드릴게요. 연락처를 남겨 주세요.",
          contact: "이메일 또는 전화번호", question: "질문", reason: "요청 사유", submit: "상담 요청",
          asked_for_person: "담당자와 직접 이야기하고 싶어요", no_answer: "답을 찾지 못했어요",
          wrong_answer: "답이 틀렸어요", other: "기타", handoverDone: "접수되었습니다. 곧 연락드리겠습니다.",
          error: "잠시 후 다시 시도해 주세요: ", close: "닫기", lang: "EN", empty: "질문을 입력해 주세요.",
          greeting: "안녕하세요! 궁금한 점을 물어보세요.",
          unreachable: "서버에 연결할 수 없습니다. 잠시 후 다시 시도해 주세요.",
          refused: "이 사이트({origin})는 답변 서버를 쓰도록 허용되지 않았습니다. 서버 관리자가 " + SETTING +
                   "에 {origin}을 추가해야 합니다." },
    en: { open: "Ask us", title: "How can we help?", placeholder: "Type your question", send: "Send",
          thinking: "Looking for an answer…", sources: "Sources", helpful: "This helped", unhelpful: "This didn't help",
          thanks: "Thank you!", why: "What was wrong with it?", wrong: "It's wrong", outdated: "It's outdated",
          incomplete: "It's incomplete", not_answered: "It didn't answer my question", comment: "Comment (optional)",
          sendFeedback: "Send", handoverIntro: "A person will answer you. Please leave your contact.",
          contact: "E-mail or phone number", question: "Question", reason: "Reason", submit: "Contact me",
          asked_for_person: "I'd like to talk to a person", no_answer: "I didn't get an answer",
          wrong_answer: "The answer was wrong", other: "Other", handoverDone: "Received. We will contact you soon.",
          error: "Please try again later: ", close: "Close", lang: "한", empty: "Please type a question.",
          greeting: "Hello! Ask us anything.",
          unreachable: "The server cannot be reached. Please try again later.",
          refused: "This site ({origin}) is not allowed to use the answer server. The server's administrator must add " +
                   "{origin} to " + SETTING + "." }
  };
  var FEEDBACK_REASONS = ["wrong", "outdated", "incomplete", "not_answered"];
  var HANDOVER_REASONS = ["asked_for_person", "no_answer", "wrong_answer", "other"];
  var CUSTOM = { title: true, greeting: true, placeholder: true };  // the wording a site may set
  var lang = TEXT[options.lang] ? options.lang : "ko";

  /* A site's own wording for `key` in the current language: data-title-en, else data-title when
     the widget was configured in this language, else the built-in text. */
  function custom(key) {
    if (!CUSTOM[key]) { return null; }
    var suffixed = options[key + lang.charAt(0).toUpperCase() + lang.slice(1)];
    if (suffixed) { return suffixed; }
    return lang === (TEXT[options.lang] ? options.lang : "ko") && options[key] ? options[key] : null;
  }
  function t(key, vars) {
    var s = custom(key) || TEXT[lang][key];
    Object.keys(vars || {}).forEach(function (k) { s = s.split("{" + k + "}").join(vars[k]); });
    return s;
  }

  /* `key`: the node's text is TEXT[key] and follows the language button. */
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      var value = attrs[key];
      if (value === null || value === undefined) { return; }
      if (key === "text") { node.textContent = String(value); }
      else if (key === "key") { node.dataset.key = value; node.textContent = t(value); }
      else if (key === "placeholderKey") {
        node.dataset.placeholderKey = value;
        node.placeholder = t(value);
        node.setAttribute("aria-label", t(value));
      }
      else if (key === "className") { node.className = value; }
      else if (key === "onclick") { node.addEventListener("click", value); }
      else { node.setAttribute(key, String(value)); }
    });
    (children || []).forEach(function (c) { node.appendChild(typeof c === "string" ? document.createTextNode(c) : c); });
    return node;
  }
  function safeLink(href, base) {
    try {
      var url = new URL(href, base || BASE);
      return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
    } catch (e) { return null; }
  }

  /* ---- talking to the server ---------------------------------------------------------------- */
  function refusal() {
    var err = new Error(t("refused", { origin: window.location.origin }));
    err.refused = true;
    return err;
  }
  var warned = false;
  function warnRefused() {
    if (warned) { return; }
    warned = true;
    var origin = window.location.origin;
    console.error("[blogqa] " + TEXT.ko.refused.split("{origin}").join(origin) + "\n[blogqa] " +
                  TEXT.en.refused.split("{origin}").join(origin) + " (" + BASE + ")");
    window.dispatchEvent(new CustomEvent("blogqa:origin-refused", { detail: { origin: origin, server: BASE,
                                                                              setting: SETTING } }));
  }
  /* A fetch that failed without a response is either a refused origin (the browser hides the
     403 of the CORS preflight) or a server out of reach: a no-cors request tells them apart. */
  async function explain(failure) {
    try {
      await fetch(BASE + "/healthz", { mode: "no-cors", credentials: "omit", cache: "no-store" });
    } catch (e) {
      var away = new Error(t("unreachable"));
      away.cause = failure;
      return away;
    }
    return refusal();
  }
  async function post(path, body) {
    var response;
    try {
      response = await fetch(BASE + path, { method: "POST", headers: { "Content-Type": "application/json" },
                                            body: JSON.stringify(body), credentials: "omit" });
    } catch (e) {
      var why = await explain(e);
      if (why.refused) { warnRefused(); }
      throw why;
    }
    var data = null;
    try { data = await response.json(); } catch (e) { data = null; }
    if (response.status === 403) { warnRefused(); throw refusal(); } // the gate refuses only origins here
    if (!response.ok) { throw new Error(data && data.error ? data.error.message : String(response.status)); }
    return data;
  }
  /* Whether this page may call the server, asked once when the panel first opens: an OPTIONS
     request gets the same CORS preflight as a question and never reaches the answering code. */
  var checked = null;
  function checkOrigin() {
    if (BASE === window.location.origin) { return null; }  // no CORS here; a 403 to a question still says why
    if (!checked) {
      checked = fetch(BASE + "/api/public/ask", { method: "OPTIONS", credentials: "omit" })
        .then(function (response) { return response.status === 403 ? refusal() : null; })
        .catch(explain)
        .then(function (problem) {
          if (problem && problem.refused) { warnRefused(); showProblem(problem); }
        });
    }
    return checked;
  }

  /* ---- the conversation id ------------------------------------------------------------------- */
  var KEY = "blogqa.conversation_id", memoryId = null;
  function conversationId() {
    var id = memoryId;
    try { id = window.sessionStorage.getItem(KEY) || id; } catch (e) { /* storage blocked */ }
    if (!id || !/^[A-Za-z0-9_-]{1,64}$/.test(id)) {
      var bytes = new Uint8Array(16);
      window.crypto.getRandomValues(bytes);
      id = Array.prototype.map.call(bytes, function (b) { return (b < 16 ? "0" : "") + b.toString(16); }).join("");
      try { window.sessionStorage.setItem(KEY, id); } catch (e) { /* kept for this page only */ }
    }
    memoryId = id;
    return id;
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

  /* ---- the theme ----------------------------------------------------------------------------- */
  var host = el("div", { id: "blogqa-widget" });
  function theme() {
    var accent = options.accent;
    if (accent && window.CSS && CSS.supports("color", accent)) {
      host.style.setProperty("--blogqa-accent", accent);
      var probe = document.createElement("span");  // the colour as rgb(), for a readable text colour on it
      probe.style.color = accent;
      document.body.appendChild(probe);
      var rgb = (getComputedStyle(probe).color.match(/[\d.]+/g) || [0, 0, 0]).map(Number);
      probe.remove();
      var light = 0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2] > 165;
      host.style.setProperty("--blogqa-on-accent", light ? "#1d2330" : "#fff");
    } else if (accent) {
      console.warn("[blogqa] data-accent=" + JSON.stringify(accent) + " is not a CSS colour; using the default");
    }
    var position = options.position || "bottom-right";
    if (position !== "bottom-right" && position !== "bottom-left") {
      console.warn("[blogqa] data-position must be bottom-right or bottom-left, not " + JSON.stringify(position));
      position = "bottom-right";
    }
    host.setAttribute("data-position", position);
  }

  var root = host.attachShadow({ mode: "open" });
  root.appendChild(el("link", { rel: "stylesheet", href: BASE + "/static/widget.css" }));
  var bubble = el("button", { type: "button", className: "bubble", "aria-label": t("open") }, [chatIcon()]);
  var panel = el("section", { className: "panel", role: "dialog", "aria-label": "blogqa" });
  panel.hidden = true;
  var logoUrl = options.logo ? safeLink(options.logo, window.location.href) : null;
  var logo = logoUrl ? el("img", { className: "logo", src: logoUrl, alt: "" }) : null;
  var titleNode = el("span", { className: "title", key: "title" });
  var langButton = el("button", { type: "button", className: "lang", key: "lang" });
  var closeButton = el("button", { type: "button", className: "close", "aria-label": t("close"), text: "×" });
  var log = el("div", { className: "log", "aria-live": "polite" });
  var input = el("input", { type: "text", className: "input", maxlength: "2000", placeholder: t("placeholder"),
                            "aria-label": t("placeholder") });
  var send = el("button", { type: "submit", className: "send", key: "send" });
  var form = el("form", { className: "ask" }, [input, send]);
  panel.appendChild(el("header", {}, (logo ? [logo] : []).concat([titleNode, langButton, closeButton])));
  panel.appendChild(log);
  panel.appendChild(form);
  root.appendChild(panel);
  root.appendChild(bubble);
  var greeted = false;

  function relabel() {
    root.querySelectorAll("[data-key]").forEach(function (node) { node.textContent = t(node.dataset.key); });
    root.querySelectorAll("[data-placeholder-key]").forEach(function (node) {
      node.placeholder = t(node.dataset.placeholderKey);
      node.setAttribute("aria-label", t(node.dataset.placeholderKey));
    });
    root.querySelectorAll("select.reason option").forEach(function (o) { o.textContent = t(o.value); });
    input.placeholder = t("placeholder");
    input.setAttribute("aria-label", t("placeholder"));
    bubble.setAttribute("aria-label", t("open"));
    closeButton.setAttribute("aria-label", t("close"));
    root.querySelectorAll(".refused").forEach(function (node) {
      node.textContent = t("refused", { origin: window.location.origin });
    });
  }

  /* Scroll to the end, but never past the start of `node` (a long answer is read from its top). */
  function reveal(node) {
    var end = log.scrollHeight - log.clientHeight;
    if (!node) { log.scrollTop = end; return; }
    var top = node.getBoundingClientRect().top - log.getBoundingClientRect().top + log.scrollTop - 8;
    log.scrollTop = Math.min(end, Math.max(0, top));
  }
  function say(who, node) {
    var msg = el("div", { className: "msg " + who }, [node]);
    log.appendChild(msg);
    reveal(who === "bot" ? msg : null);
    return msg;
  }
  function showProblem(problem) {
    if (root.querySelector(".refused")) { return; }
    say("bot", el("p", { className: problem.refused ? "problem refused" : "problem", text: problem.message }));
  }

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

  function handoverForm(question, answerId, reason) {
    var contact = el("input", { type: "text", className: "contact", maxlength: "200", placeholderKey: "contact",
                                required: "required" });
    var q = el("textarea", { className: "handover-question", rows: "3", maxlength: "4000", "aria-label": t("question") });
    q.value = question;
    var select = el("select", { className: "reason", "aria-label": t("reason") },
                    HANDOVER_REASONS.map(function (r) { return el("option", { value: r, text: t(r) }); }));
    select.value = reason || "asked_for_person";
    var status = el("p", { className: "status" });
    var submit = el("button", { type: "submit", className: "handover-submit", key: "submit" });
    var box = el("form", { className: "handover" }, [
      el("p", { key: "handoverIntro" }), contact, q,
      el("label", { className: "reason-label" }, [el("span", { key: "reason" }), select]), submit, status]);
    box.addEventListener("submit", function (event) {
      event.preventDefault();
      submit.disabled = true;
      post("/api/public/handover", { contact: contact.value, question: q.value, answer_id: answerId,
                                     reason: select.value })
        .then(function () { box.textContent = ""; box.appendChild(el("p", { className: "done", key: "handoverDone" })); })
        .catch(function (e) { status.textContent = t("error") + e.message; submit.disabled = false; });
    });
    return box;
  }

  /* Why it did not help (one of four reasons, optional comment), sent as one feedback; then the
     hand-over form, its reason chosen from the answer. */
  function reasonForm(question, data, wrap) {
    var box = el("form", { className: "reasons" }, [el("p", { className: "label", key: "why" })]);
    var picked = null;
    var chips = el("div", { className: "chips" });
    FEEDBACK_REASONS.forEach(function (reason) {
      chips.appendChild(el("button", { type: "button", className: "chip", "data-reason": reason,
                                       "aria-pressed": "false", key: reason, onclick: function () {
        picked = reason;
        chips.querySelectorAll(".chip").forEach(function (c) {
          c.setAttribute("aria-pressed", String(c.dataset.reason === reason));
        });
      } }));
    });
    var comment = el("textarea", { className: "comment", rows: "2", maxlength: "2000", placeholderKey: "comment" });
    var submit = el("button", { type: "submit", className: "reason-submit", key: "sendFeedback" });
    box.appendChild(chips);
    box.appendChild(comment);
    box.appendChild(submit);
    box.addEventListener("submit", function (event) {
      event.preventDefault();
      var body = { answer_id: data.answer_id, helpful: false };
      if (picked) { body.reason = picked; }
      if (comment.value.trim()) { body.comment = comment.value.trim(); }
      post("/api/public/feedback", body).catch(function () {});
      box.remove();
      var next = el("div", {}, [el("p", { className: "thanks", key: "thanks" }),
        handoverForm(question, data.answer_id, picked === "wrong" || picked === "outdated" ? "wrong_answer" : "no_answer")]);
      wrap.appendChild(next);
      reveal(next);
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
      wrap.appendChild(el("p", { className: "label", key: "sources" }));
      wrap.appendChild(list);
    }
    var actions = el("div", { className: "actions" });
    if (data.abstained) {
      wrap.appendChild(handoverForm(question, data.answer_id, "no_answer"));
    } else {
      actions.appendChild(el("button", { type: "button", className: "helpful", key: "helpful", onclick: function () {
        actions.textContent = "";
        post("/api/public/feedback", { answer_id: data.answer_id, helpful: true }).catch(function () {});
        actions.appendChild(el("span", { key: "thanks" }));
      } }));
      actions.appendChild(el("button", { type: "button", className: "unhelpful", key: "unhelpful", onclick: function () {
        actions.textContent = "";
        var reasons = reasonForm(question, data, wrap);
        wrap.appendChild(reasons);
        reveal(reasons);
      } }));
      wrap.appendChild(actions);
    }
    say("bot", wrap);
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var question = input.value.trim();
    if (!question) { say("bot", el("p", { key: "empty" })); return; }
    input.value = "";
    say("user", el("p", { text: question }));
    var waiting = el("p", { className: "thinking", key: "thinking" });
    say("bot", waiting);
    send.disabled = true;
    post("/api/public/ask", { question: question, conversation_id: conversationId() })
      .then(function (data) { waiting.parentNode.remove(); showAnswer(question, data); })
      .catch(function (e) {
        delete waiting.dataset.key;
        waiting.className = e.refused ? "problem refused" : "problem";
        waiting.textContent = e.refused || e.cause ? e.message : t("error") + e.message;
      })
      .finally(function () { send.disabled = false; input.focus(); });
  });
  bubble.addEventListener("click", function () {
    panel.hidden = !panel.hidden;
    if (panel.hidden) { return; }
    if (!greeted && custom("greeting")) {
      greeted = true;
      say("bot", el("p", { className: "greeting", key: "greeting" }));
    }
    input.focus();
    checkOrigin();
  });
  closeButton.addEventListener("click", function () { panel.hidden = true; });
  function setLang(next) {
    if (!TEXT[next]) { return; }
    lang = next;
    relabel();
  }
  langButton.addEventListener("click", function () { setLang(lang === "ko" ? "en" : "ko"); });
  window.blogqaWidget = { setLang: setLang, conversationId: conversationId };

  function mount() { theme(); document.body.appendChild(host); }
  if (document.body) { mount(); } else { document.addEventListener("DOMContentLoaded", mount); }
})();
