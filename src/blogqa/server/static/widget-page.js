/* The /widget preview page: show the snippet to paste, with this server's address. */
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  var code = document.getElementById("embed-code");
  code.textContent = '<script src="' + window.location.origin + '/widget.js" data-lang="ko" defer></script>';
});
