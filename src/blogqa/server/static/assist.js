/* Support assist: a pasted customer e-mail -> /api/ask (tone "customer", so public posts only)
   -> an editable draft reply with the sources; plus the customers' hand-over requests. */
(function () {
  "use strict";
  var ui, t, i18n;

  function $(id) { return document.getElementById(id); }

  function hasHangul(text) { return /[\uac00-\ud7a3]/.test(text || ""); }

  function answerBody(answer, lang, prefix) {
    if (answer.abstained) { return t("assist.fallback", null, lang); }
    var body = answer.answer.split("\n").filter(function (line) {
      return !/:\s*$/.test(line.trim()); // drop lead-in lines such as "블로그 글에서 찾은 내용입니다:"
    }).map(function (line) { return line.replace(/^\s*-\s+/, ""); }).join("\n");
    if (prefix) { body = body.replace(/\[(\d+)\]/g, "[" + prefix + "$1]"); }
    if (lang === "en" && hasHangul(body)) { body += "\n" + t("assist.korean", null, lang); }
    return body;
  }

  /* The draft is in the e-mail's language; an e-mail with several questions gets one paragraph each. */
  function composeDraft(answer, email) {
    var lang = hasHangul(email) ? "ko" : "en";
    var parts = answer.parts && answer.parts.length > 1 ? answer.parts : [answer];
    var many = parts.length > 1;
    var bodies = [], refs = [];
    parts.forEach(function (part, i) {
      var prefix = many ? (i + 1) + "." : "";
      bodies.push((many ? (i + 1) + ") " + part.question + "\n" : "") + answerBody(part, lang, prefix));
      part.sources.forEach(function (s) { refs.push("[" + prefix + s.n + "] " + s.title + " - " + s.link); });
    });
    return t("assist.greeting", null, lang) + bodies.join("\n\n") +
      (refs.length ? t("assist.refs", null, lang) + refs.join("\n") : "") + t("assist.closing", null, lang);
  }

  function usedPost(hit) {
    var href = ui.safeLink(hit.link);
    var title = href ? ui.el("a", { href: href, className: "source-link", target: "_blank", rel: "noopener", text: hit.title })
                     : ui.el("span", { text: hit.title });
    return ui.el("li", {}, [title, ui.el("span", { className: "date", text: hit.date || "" }),
                            ui.el("p", { className: "excerpt", text: hit.snippet })]);
  }

  async function draft(event) {
    event.preventDefault();
    var email = $("email").value.trim();
    if (!email) { return; }
    $("error").hidden = true;
    $("draft-button").disabled = true;
    try {
      var answer = await ui.api("/api/assist", { email: email });
      $("draft").value = composeDraft(answer, email);
      var parts = answer.parts && answer.parts.length > 1 ? answer.parts : [answer];
      $("draft-warning").hidden = !parts.some(function (p) { return p.abstained; });
      var cited = {};
      parts.forEach(function (p) { p.sources.forEach(function (s) { cited[s.post_id] = true; }); });
      var list = $("used-posts");
      list.textContent = "";
      answer.hits.filter(function (h) { return cited[h.post_id]; }).forEach(function (h) { list.appendChild(usedPost(h)); });
      var none = !list.children.length; // no numbered "1. no posts" line: a note instead of the list
      list.hidden = none;
      $("used-title").hidden = none;
      $("used-none").hidden = !none;
      $("draft-feedback").textContent = "";
      $("draft-feedback").appendChild(ui.feedbackBar(answer.answer_id));
      $("draft-section").hidden = false;
      i18n.plain($("copy-status"), "");
    } catch (e) {
      $("error").hidden = false;
      i18n.label($("error"), "error.message", { message: e.message });
    } finally {
      $("draft-button").disabled = false;
    }
  }

  async function copyDraft() {
    var text = $("draft").value;
    try {
      await navigator.clipboard.writeText(text);
    } catch (e) {
      $("draft").select();
      document.execCommand("copy");
    }
    i18n.label($("copy-status"), "assist.copied");
  }

  async function loadHandovers() {
    var rows = $("handover-rows");
    try {
      var data = await ui.api("/api/handovers?limit=50");
      rows.textContent = "";
      data.handovers.forEach(function (h) {
        var next = h.status === "open" ? "closed" : "open";
        var button = i18n.label(ui.el("button", { type: "button", className: "link", onclick: function () {
            ui.api("/api/handovers/" + h.id + "/status", { status: next }).then(loadHandovers);
          } }), h.status === "open" ? "handovers.close" : "handovers.reopen");
        var question = ui.el("td", { className: "question" }, [ui.el("span", { text: h.question })]);
        if (h.reason) {  // under the question, not a column of its own: the table must fit at 375 px
          question.appendChild(i18n.label(ui.el("span", { className: "reason" }), "handover." + h.reason));
        }
        rows.appendChild(ui.el("tr", { className: "status-" + h.status }, [
          ui.el("td", { text: (h.at || "").replace("T", " ").slice(0, 16) }),
          ui.el("td", { text: h.contact }),
          question,
          ui.el("td", { className: "status" }, [  // the state and the button that changes it, one column
            i18n.label(ui.el("span", { className: "state" }), "handovers." + h.status), button])
        ]));
      });
      $("handovers-empty").hidden = data.handovers.length > 0;
      i18n.label($("handovers-empty"), "handovers.empty");
    } catch (e) {
      $("handovers-empty").hidden = false;
      i18n.label($("handovers-empty"), "error.message", { message: e.message });
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    ui = window.blogqaUI;
    i18n = window.blogqaI18n;
    t = i18n.t;
    $("assist-form").addEventListener("submit", draft);
    $("copy-button").addEventListener("click", copyDraft);
    $("handovers-refresh").addEventListener("click", loadHandovers);
    loadHandovers();
  });
})();
