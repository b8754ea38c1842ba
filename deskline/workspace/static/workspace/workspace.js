// Deskline workspace: keyboard shortcuts. j/k move through a list, Enter opens the current row,
// / searches, r replies, n writes an internal note, a assigns the ticket to me.
(function () {
  "use strict";

  function isTyping(target) {
    if (!target || !target.tagName) return false;
    const tag = target.tagName.toLowerCase();
    return tag === "input" || tag === "textarea" || tag === "select" || target.isContentEditable;
  }

  function rows() {
    return Array.from(document.querySelectorAll("table[data-keyboard-list] tbody tr[data-href]"));
  }

  function moveCurrent(step) {
    const all = rows();
    if (!all.length) return;
    let index = all.findIndex(function (row) { return row.classList.contains("is-current"); });
    all.forEach(function (row) {
      row.classList.remove("is-current");
      row.removeAttribute("aria-current");
    });
    index = index === -1 ? (step > 0 ? 0 : all.length - 1) : Math.min(all.length - 1, Math.max(0, index + step));
    const row = all[index];
    row.classList.add("is-current");
    row.setAttribute("aria-current", "true");
    const link = row.querySelector("a");
    if (link) link.focus({ preventScroll: true });
    row.scrollIntoView({ block: "nearest" });
  }

  function openCurrent() {
    const row = document.querySelector("table[data-keyboard-list] tbody tr.is-current[data-href]");
    if (!row) return false;
    window.location.assign(row.getAttribute("data-href"));
    return true;
  }

  function focus(selector) {
    const element = document.querySelector(selector);
    if (!element) return false;
    element.focus();
    if (element.scrollIntoView) element.scrollIntoView({ block: "center" });
    return true;
  }

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) return;
    if (isTyping(event.target)) {
      if (event.key === "Escape") event.target.blur();
      return;
    }
    let handled = false;
    switch (event.key) {
      case "j": moveCurrent(1); handled = true; break;
      case "k": moveCurrent(-1); handled = true; break;
      case "Enter":
        // A focused link or button does its own thing on Enter.
        if (event.target === document.body || (event.target.closest && event.target.closest("tr.is-current") && event.target.tagName !== "A")) {
          handled = openCurrent();
        }
        break;
      case "/": handled = focus("[data-shortcut=search]"); break;
      case "r": handled = focus("#reply-body"); break;
      case "n": handled = focus("#note-body"); break;
      case "a": {
        const button = document.querySelector("[data-shortcut=assign-me]");
        if (button) { button.click(); handled = true; }
        break;
      }
    }
    if (handled) event.preventDefault();
  });

  // Clicking a row (not its checkbox or link) makes it the current one.
  document.addEventListener("click", function (event) {
    const row = event.target.closest && event.target.closest("table[data-keyboard-list] tbody tr[data-href]");
    if (!row || event.target.closest("a, input, button, label")) return;
    rows().forEach(function (other) { other.classList.remove("is-current"); other.removeAttribute("aria-current"); });
    row.classList.add("is-current");
    row.setAttribute("aria-current", "true");
  });

  // The composer's preview box shows once htmx has put the rendered Markdown in it.
  document.addEventListener("htmx:afterSwap", function (event) {
    const target = event.detail && event.detail.target;
    if (target && target.classList && target.classList.contains("preview")) target.hidden = false;
  });

  // The bulk-change bar shows once a ticket is ticked, and each of its buttons that needs a
  // choice waits for one (the lists start at "Choose…").
  function updateBulkBar(form) {
    const bar = form.querySelector("[data-bulk-bar]");
    if (!bar) return;
    bar.hidden = !form.querySelector('input[name="tickets"]:checked');
    bar.querySelectorAll(".bulk-group").forEach(function (group) {
      const select = group.querySelector("select");
      const button = group.querySelector("button");
      if (select && button) button.disabled = !select.value;
    });
  }

  function updateBulkBars() {
    document.querySelectorAll("form.bulk-form").forEach(updateBulkBar);
  }

  document.addEventListener("change", function (event) {
    const form = event.target.closest && event.target.closest("form.bulk-form");
    if (form) updateBulkBar(form);
  });
  document.addEventListener("DOMContentLoaded", updateBulkBars);
  // Back and forward keep ticked boxes: show the bar for them too.
  window.addEventListener("pageshow", updateBulkBars);
})();
