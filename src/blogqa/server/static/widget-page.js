/* The /widget preview page: show the snippet to paste, with this server's address; keep the
   widget in the page's language; say so on the page when the widget's origin is refused. */
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  var i18n = window.blogqaI18n;
  var src = window.location.origin + "/widget.js";
  document.getElementById("embed-code").textContent = '<script src="' + src + '" data-lang="ko" defer></script>';
  document.getElementById("embed-code-themed").textContent = '<script src="' + src + '" data-lang="ko"\n' +
    '        data-accent="#0a7d55" data-position="bottom-left" data-title="고객센터"\n' +
    '        data-greeting="안녕하세요! 무엇이든 물어보세요." data-placeholder="예: 환불은 어떻게 하나요?"\n' +
    '        data-logo="https://www.example.com/logo.png" defer></script>';
  function follow() { if (window.blogqaWidget) { window.blogqaWidget.setLang(i18n.lang()); } }
  document.addEventListener("blogqa:lang", follow);
  follow();
  window.addEventListener("blogqa:origin-refused", function (event) {
    i18n.label(document.getElementById("origin-refused"), "widget.refused", { origin: event.detail.origin });
    document.getElementById("origin-refused").hidden = false;
  });
});
