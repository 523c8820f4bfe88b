/* The internal search page: the answer box streams /api/ask; the list below shows /api/search
   hits with highlighted snippets, dates and tags. */
(function () {
  "use strict";
  var ui, t, i18n, lastQuery = null;

  function $(id) { return document.getElementById(id); }

  /* A typed date as YYYY-MM-DD ("2024.1.5" and "2024/01/05" too); "" when empty, null when it
     is not a real day. Text inputs, not type=date: those show the browser's "mm/dd/yyyy". */
  function isoDate(value) {
    var m = /^(\d{4})[-./](\d{1,2})[-./](\d{1,2})$/.exec(value.trim());
    if (!value.trim()) { return ""; }
    if (!m) { return null; }
    var y = Number(m[1]), mo = Number(m[2]), d = Number(m[3]);
    var day = new Date(Date.UTC(y, mo - 1, d));
    if (day.getUTCFullYear() !== y || day.getUTCMonth() !== mo - 1 || day.getUTCDate() !== d) { return null; }
    return m[1] + "-" + (mo < 10 ? "0" : "") + mo + "-" + (d < 10 ? "0" : "") + d;
  }

  function checkDate(input) {
    input.setCustomValidity(isoDate(input.value) === null ? t("filter.bad_date") : "");
  }

  function filters() {
    var tags = $("tags").value.split(",").map(function (s) { return s.trim(); }).filter(Boolean);
    return { since: isoDate($("since").value) || null, until: isoDate($("until").value) || null, tags: tags,
             visibility: $("public-only").checked ? "public" : "all" };
  }

  function showError(message) {
    $("error").hidden = false;
    i18n.label($("error"), "error.message", { message: message });
  }

  async function runAnswer(question, f) {
    var box = $("answer-box"), text = $("answer-text");
    box.hidden = false;
    box.classList.add("loading");
    i18n.label(text, "answer.loading");
    ui.renderSources($("answer-sources"), [], $("answer-sources-title"));
    $("answer-feedback").textContent = "";
    $("answer-note").hidden = true;
    var started = false;
    try {
      var answer = await ui.streamAsk(Object.assign({ question: question }, f), function (token) {
        if (!started) { i18n.plain(text, ""); started = true; }
        text.appendChild(document.createTextNode(token));
      });
      i18n.plain(text, "");
      ui.renderAnswer(text, answer.answer, answer.sources);
      ui.renderSources($("answer-sources"), answer.sources, $("answer-sources-title"));
      $("answer-note").hidden = !answer.abstained;
      $("answer-feedback").appendChild(ui.feedbackBar(answer.answer_id));
      box.dataset.answerId = answer.answer_id;
    } catch (e) {
      i18n.plain(text, "");
      showError(e.message);
    } finally {
      box.classList.remove("loading");
    }
  }

  function hitItem(hit) {
    var href = ui.safeLink(hit.link);
    var title = href ? ui.el("a", { href: href, className: "hit-title", text: hit.title })
                     : ui.el("span", { className: "hit-title", text: hit.title });
    var meta = ui.el("div", { className: "meta" }, [ui.el("span", { className: "date", text: hit.date || "" })]);
    if (hit.updated && hit.updated !== hit.date) {
      meta.appendChild(ui.el("span", { className: "updated", text: "↻ " + hit.updated }));
    }
    (hit.tags || []).forEach(function (tag) {
      meta.appendChild(ui.el("button", { type: "button", className: "tag", text: tag, onclick: function () {
        $("tags").value = tag;
        submit();
      } }));
    });
    if (hit.visibility === "internal") {
      meta.appendChild(i18n.label(ui.el("span", { className: "badge internal" }), "badge.internal"));
    }
    return ui.el("li", { className: "hit" }, [title, meta, ui.el("p", {}, [ui.highlighted(hit.snippet_parts, hit.snippet)])]);
  }

  async function runSearch(question, f) {
    var params = new URLSearchParams({ q: question, visibility: f.visibility });
    if (f.since) { params.set("since", f.since); }
    if (f.until) { params.set("until", f.until); }
    f.tags.forEach(function (tag) { params.append("tag", tag); });
    try {
      var result = await ui.api("/api/search?" + params.toString());
      var list = $("hits");
      list.textContent = "";
      result.hits.forEach(function (hit) { list.appendChild(hitItem(hit)); });
      $("results").hidden = false;
      if (result.hits.length) { i18n.label($("result-count"), "results.count", { n: result.hits.length }); }
      else { i18n.label($("result-count"), "results.none"); }
    } catch (e) {
      showError(e.message);
    }
  }

  function submit() {
    var question = $("q").value.trim();
    if (!question) { return; }
    $("error").hidden = true;
    if (!$("since").reportValidity() || !$("until").reportValidity()) { return; }
    var f = filters();
    lastQuery = question;
    var params = new URLSearchParams({ q: question });
    history.replaceState(null, "", "?" + params.toString());
    runAnswer(question, f);
    runSearch(question, f);
  }

  document.addEventListener("DOMContentLoaded", function () {
    ui = window.blogqaUI;
    i18n = window.blogqaI18n;
    t = i18n.t;
    ["since", "until"].forEach(function (id) {
      $(id).addEventListener("input", function () { checkDate($(id)); });
      $(id).addEventListener("change", function () { checkDate($(id)); });
    });
    document.addEventListener("blogqa:lang", function () { checkDate($("since")); checkDate($("until")); });
    $("search-form").addEventListener("submit", function (event) { event.preventDefault(); submit(); });
    $("clear-filters").addEventListener("click", function () {
      $("since").value = ""; $("until").value = ""; $("tags").value = ""; $("public-only").checked = false;
      checkDate($("since")); checkDate($("until"));
      if (lastQuery) { submit(); }
    });
    var q = new URLSearchParams(window.location.search).get("q");
    if (q) { $("q").value = q; submit(); }
  });
})();
