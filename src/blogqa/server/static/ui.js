/* Shared page helpers. Data from the server is only ever written with textContent or as
   attribute values set through the DOM, never parsed as HTML. */
(function () {
  "use strict";

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      var value = attrs[key];
      if (value === null || value === undefined || value === false) { return; }
      if (key === "text") { node.textContent = String(value); }
      else if (key === "className") { node.className = value; }
      else if (key === "onclick") { node.addEventListener("click", value); }
      else { node.setAttribute(key, String(value)); }
    });
    (children || []).forEach(function (child) {
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  function safeLink(href) {
    // only http(s) and same-site paths become links; anything else (javascript:, data:) does not
    try {
      var url = new URL(href, window.location.href);
      return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
    } catch (e) { return null; }
  }

  async function api(path, body) {
    var options = body === undefined ? {} : {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body)
    };
    var response = await fetch(path, options);
    var data = null;
    try { data = await response.json(); } catch (e) { data = null; }
    if (!response.ok) {
      var message = data && data.error ? data.error.message : response.status + " " + response.statusText;
      throw new Error(message);
    }
    return data;
  }

  /* POST /api/ask with stream: true; calls onToken(text) per token event, resolves with the answer. */
  async function streamAsk(body, onToken) {
    var response = await fetch("/api/ask", {
      method: "POST", headers: { "Content-Type": "application/json", "Accept": "text/event-stream" },
      body: JSON.stringify(Object.assign({}, body, { stream: true }))
    });
    if (!response.ok) {
      var err = null;
      try { err = await response.json(); } catch (e) { err = null; }
      throw new Error(err && err.error ? err.error.message : String(response.status));
    }
    var reader = response.body.getReader();
    var decoder = new TextDecoder("utf-8");
    var buffer = "", answer = null;
    for (;;) {
      var part = await reader.read();
      if (part.done) { break; }
      buffer += decoder.decode(part.value, { stream: true });
      var cut;
      while ((cut = buffer.indexOf("\n\n")) >= 0) {
        var block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        var event = "message", data = "";
        block.split("\n").forEach(function (line) {
          if (line.indexOf("event: ") === 0) { event = line.slice(7); }
          else if (line.indexOf("data: ") === 0) { data += line.slice(6); }
        });
        var payload = data ? JSON.parse(data) : {};
        if (event === "token") { onToken(payload.text); }
        else if (event === "answer") { answer = payload; }
        else if (event === "error") { throw new Error(payload.message); }
      }
    }
    if (!answer) { throw new Error("the answer stream ended early"); }
    return answer;
  }

  /* The answer text with each [n] turned into a link to source n. */
  function renderAnswer(container, text, sources) {
    container.textContent = "";
    var byN = {};
    (sources || []).forEach(function (s) { byN[s.n] = s; });
    var re = /\[(\d+)\]/g, last = 0, m;
    while ((m = re.exec(text)) !== null) {
      container.appendChild(document.createTextNode(text.slice(last, m.index)));
      var source = byN[Number(m[1])];
      var href = source ? safeLink(source.link) : null;
      container.appendChild(href ? el("a", { href: href, className: "cite", title: source.title, text: m[0] })
                                 : document.createTextNode(m[0]));
      last = re.lastIndex;
    }
    container.appendChild(document.createTextNode(text.slice(last)));
  }

  /* The numbered sources; with none (an abstained answer) the list and its heading are hidden,
     never shown empty or with a "no posts used" item. */
  function renderSources(list, sources, heading) {
    list.textContent = "";
    var none = !(sources && sources.length);
    list.hidden = none;
    if (heading) { heading.hidden = none; }
    (sources || []).forEach(function (s) {
      var href = safeLink(s.link);
      var title = href ? el("a", { href: href, className: "source-link", text: s.title })
                       : el("span", { text: s.title });
      list.appendChild(el("li", { value: s.n }, [title, el("span", { className: "date", text: s.date || "" })]));
    });
  }

  /* A snippet from the server's parts ({text, mark}): marks cover whole words, as the index's
     tokenizer reads them (the server decides, so "스포카" is never marked as "스포"). */
  function highlighted(parts, text) {
    var span = el("span", { className: "snippet" });
    if (!parts || !parts.length) { span.textContent = text || ""; return span; }
    parts.forEach(function (part) {
      span.appendChild(part.mark ? el("mark", { text: part.text }) : document.createTextNode(part.text));
    });
    return span;
  }

  var REASONS = ["wrong", "outdated", "incomplete", "not_answered"];

  /* "Was this helpful? Yes / No"; No opens a reason choice and an optional comment, sent
     together as one feedback ({helpful: false, reason, comment}). */
  function feedbackBar(answerId, path) {
    var i18n = window.blogqaI18n;
    var status = el("span", { className: "feedback-status", role: "status" });
    var bar = el("div", { className: "feedback" });
    var form = el("form", { className: "feedback-reasons" });
    form.hidden = true;
    function send(body, buttons) {
      buttons.forEach(function (b) { b.disabled = true; });
      return api(path || "/api/feedback", Object.assign({ answer_id: answerId }, body))
        .then(function () { form.hidden = true; i18n.label(status, "answer.thanks"); })
        .catch(function (e) {
          buttons.forEach(function (b) { b.disabled = false; });
          i18n.label(status, "error.message", { message: e.message });
        });
    }
    var yes = el("button", { type: "button", className: "fb-yes" });
    var no = el("button", { type: "button", className: "fb-no", "aria-expanded": "false" });
    i18n.label(yes, "answer.yes");
    i18n.label(no, "answer.no");
    yes.addEventListener("click", function () { send({ helpful: true }, [yes, no]); });
    no.addEventListener("click", function () {
      form.hidden = false;
      no.setAttribute("aria-expanded", "true");
      var first = form.querySelector("input");
      if (first) { first.focus(); }
    });
    var legend = el("legend");
    i18n.label(legend, "feedback.why");
    var choices = el("fieldset", { className: "reasons" }, [legend]);
    REASONS.forEach(function (reason) {
      var caption = el("span");
      i18n.label(caption, "feedback." + reason);
      choices.appendChild(el("label", { className: "reason" }, [
        el("input", { type: "radio", name: "reason-" + answerId, value: reason }), caption]));
    });
    var comment = el("textarea", { className: "fb-comment", rows: "2", maxlength: "2000",
                                   "data-i18n-placeholder": "feedback.comment" });
    comment.placeholder = i18n.t("feedback.comment");
    comment.setAttribute("aria-label", i18n.t("feedback.comment"));
    var submit = el("button", { type: "submit", className: "fb-send" });
    i18n.label(submit, "feedback.send");
    form.appendChild(choices);
    form.appendChild(comment);
    form.appendChild(submit);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var picked = form.querySelector("input[type=radio]:checked");
      var body = { helpful: false };
      if (picked) { body.reason = picked.value; }
      if (comment.value.trim()) { body.comment = comment.value.trim(); }
      send(body, [yes, no, submit]);
    });
    var question = el("span");
    i18n.label(question, "answer.helpful");
    bar.appendChild(el("div", { className: "feedback-row" }, [question, yes, no, status]));
    bar.appendChild(form);
    return bar;
  }

  window.blogqaUI = { el: el, api: api, streamAsk: streamAsk, renderAnswer: renderAnswer,
                      renderSources: renderSources, highlighted: highlighted, safeLink: safeLink,
                      feedbackBar: feedbackBar };
})();
