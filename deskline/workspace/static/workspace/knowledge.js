// Deskline workspace: the ticket page's "Knowledge" panel puts an article's link (or its text)
// into the reply box, at the cursor. A static file: the Content-Security-Policy forbids inline
// scripts. The panel arrives by htmx, so clicks are caught on the document.
(function () {
  "use strict";

  function insert(textarea, text) {
    const start = textarea.selectionStart != null ? textarea.selectionStart : textarea.value.length;
    const end = textarea.selectionEnd != null ? textarea.selectionEnd : start;
    const before = textarea.value.slice(0, start);
    const after = textarea.value.slice(end);
    const gap = before && !before.endsWith("\n") ? "\n\n" : "";
    textarea.value = before + gap + text + after;
    const caret = (before + gap + text).length;
    textarea.focus();
    textarea.setSelectionRange(caret, caret);
    textarea.dispatchEvent(new Event("input", { bubbles: true }));
  }

  document.addEventListener("click", function (event) {
    const button = event.target.closest && event.target.closest("[data-insert-reply]");
    if (!button) return;
    const textarea = document.getElementById("reply-body");
    if (!textarea) return;
    event.preventDefault();
    insert(textarea, button.getAttribute("data-insert-reply"));
  });
})();
