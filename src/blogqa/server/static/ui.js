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

  /* A snippet with the highlight terms wrapped in <mark> (built node by node). */
  function highlighted(text, terms) {
    var span = el("span", { className: "snippet" });
    var words = (terms || []).filter(function (w) { return w.length > 1; })
      .map(function (w) { return w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"); });
    if (!words.length) { span.textContent = text; return span; }
    var re = new RegExp("(" + words.join("|") + ")", "gi"), last = 0, m;
    while ((m = re.exec(text)) !== null) {
      if (m[0] === "") { re.lastIndex++; continue; }
      span.appendChild(document.createTextNode(text.slice(last, m.index)));
      span.appendChild(el("mark", { text: m[0] }));
      last = re.lastIndex;
    }
    span.appendChild(document.createTextNode(text.slice(last)));
    return span;
  }

  function feedbackBar(answerId, path) {
    var t = window.blogqaI18n.t;
    var status = el("span", { className: "feedback-status" });
    function send(helpful) {
      return function () {
        api(path || "/api/feedback", { answer_id: answerId, helpful: helpful })
          .then(function () { status.textContent = t("answer.thanks"); })
          .catch(function (e) { status.textContent = t("error.generic") + e.message; });
      };
    }
    return el("div", { className: "feedback" }, [
      el("span", { text: t("answer.helpful") }),
      el("button", { type: "button", className: "fb-yes", text: t("answer.yes"), onclick: send(true) }),
      el("button", { type: "button", className: "fb-no", text: t("answer.no"), onclick: send(false) }),
      status
    ]);
  }

  window.blogqaUI = { el: el, api: api, streamAsk: streamAsk, renderAnswer: renderAnswer,
                      renderSources: renderSources, highlighted: highlighted, safeLink: safeLink,
                      feedbackBar: feedbackBar };
})();
