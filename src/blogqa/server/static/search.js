/* The internal search page: the answer box streams /api/ask; the list below shows /api/search
   hits with highlighted snippets, dates and tags. */
(function () {
  "use strict";
  var ui, t, lastQuery = null;

  function $(id) { return document.getElementById(id); }

  function filters() {
    var tags = $("tags").value.split(",").map(function (s) { return s.trim(); }).filter(Boolean);
    return { since: $("since").value || null, until: $("until").value || null, tags: tags,
             visibility: $("public-only").checked ? "public" : "all" };
  }

  function showError(message) {
    $("error").hidden = false;
    $("error").textContent = t("error.generic") + message;
  }

  async function runAnswer(question, f) {
    var box = $("answer-box"), text = $("answer-text");
    box.hidden = false;
    box.classList.add("loading");
    text.textContent = t("answer.loading");
    ui.renderSources($("answer-sources"), [], $("answer-sources-title"));
    $("answer-feedback").textContent = "";
    $("answer-note").hidden = true;
    var started = false;
    try {
      var answer = await ui.streamAsk(Object.assign({ question: question }, f), function (token) {
        if (!started) { text.textContent = ""; started = true; }
        text.appendChild(document.createTextNode(token));
      });
      ui.renderAnswer(text, answer.answer, answer.sources);
      ui.renderSources($("answer-sources"), answer.sources, $("answer-sources-title"));
      if (answer.abstained) { $("answer-note").hidden = false; $("answer-note").textContent = t("answer.abstained"); }
      $("answer-feedback").appendChild(ui.feedbackBar(answer.answer_id));
      box.dataset.answerId = answer.answer_id;
    } catch (e) {
      text.textContent = "";
      showError(e.message);
    } finally {
      box.classList.remove("loading");
    }
  }

  function hitItem(hit, terms) {
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
      meta.appendChild(ui.el("span", { className: "badge internal", text: t("badge.internal") }));
    }
    return ui.el("li", { className: "hit" }, [title, meta, ui.el("p", {}, [ui.highlighted(hit.snippet, terms)])]);
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
      result.hits.forEach(function (hit) { list.appendChild(hitItem(hit, result.highlight)); });
      $("results").hidden = false;
      $("result-count").textContent = result.hits.length ? t("results.count", { n: result.hits.length })
                                                         : t("results.none");
    } catch (e) {
      showError(e.message);
    }
  }

  function submit() {
    var question = $("q").value.trim();
    if (!question) { return; }
    $("error").hidden = true;
    var f = filters();
    lastQuery = question;
    var params = new URLSearchParams({ q: question });
    history.replaceState(null, "", "?" + params.toString());
    runAnswer(question, f);
    runSearch(question, f);
  }

  document.addEventListener("DOMContentLoaded", function () {
    ui = window.blogqaUI;
    t = window.blogqaI18n.t;
    $("search-form").addEventListener("submit", function (event) { event.preventDefault(); submit(); });
    $("clear-filters").addEventListener("click", function () {
      $("since").value = ""; $("until").value = ""; $("tags").value = ""; $("public-only").checked = false;
      if (lastQuery) { submit(); }
    });
    var q = new URLSearchParams(window.location.search).get("q");
    if (q) { $("q").value = q; submit(); }
  });
})();
