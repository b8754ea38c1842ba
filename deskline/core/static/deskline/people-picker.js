// The picker of a form's "user" fields, in the help center and the workspace.
//
// The field is a text input with data-people-picker and hx-* attributes: htmx asks the server
// for suggestions 300 ms after the typing stops and puts them in the list the input's
// aria-controls names. This file sends what was typed as `q`, puts the e-mail address of the
// person chosen in the input, and lets the arrow keys, Enter and Escape work the list. Without
// JavaScript the input still takes a typed e-mail address.
(function () {
  "use strict";

  function listOf(input) {
    return document.getElementById(input.getAttribute("aria-controls") || "");
  }

  function choices(list) {
    return Array.from(list.querySelectorAll("[data-person-choice]"));
  }

  function close(input) {
    const list = listOf(input);
    if (list) list.innerHTML = "";
    input.setAttribute("aria-expanded", "false");
  }

  function inputOf(list) {
    return document.querySelector('[data-people-picker][aria-controls="' + list.id + '"]');
  }

  document.addEventListener("htmx:configRequest", function (event) {
    const input = event.detail.elt;
    if (!input || !input.hasAttribute || !input.hasAttribute("data-people-picker")) return;
    // Only what was typed: the query string of hx-get already names the desk.
    event.detail.parameters = { q: input.value };
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    const list = event.detail.target;
    if (!list || !list.classList || !list.classList.contains("people-suggestions")) return;
    const input = inputOf(list);
    if (input) input.setAttribute("aria-expanded", choices(list).length ? "true" : "false");
  });

  document.addEventListener("click", function (event) {
    const choice = event.target.closest && event.target.closest("[data-person-choice]");
    if (!choice) return;
    const list = choice.closest(".people-suggestions");
    const input = list && inputOf(list);
    if (!input) return;
    input.value = choice.getAttribute("data-person-choice");
    close(input);
    input.focus();
  });

  document.addEventListener("keydown", function (event) {
    const element = event.target;
    if (!element || !element.closest) return;
    if (element.hasAttribute && element.hasAttribute("data-people-picker")) {
      const list = listOf(element);
      const found = list ? choices(list) : [];
      if (event.key === "ArrowDown" && found.length) {
        event.preventDefault();
        found[0].focus();
      } else if (event.key === "Escape") {
        close(element);
      }
      return;
    }
    const choice = element.closest("[data-person-choice]");
    if (!choice) return;
    const list = choice.closest(".people-suggestions");
    const input = list && inputOf(list);
    if (!input) return;
    const found = choices(list);
    const index = found.indexOf(choice);
    if (event.key === "ArrowDown" && index < found.length - 1) {
      event.preventDefault();
      found[index + 1].focus();
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      (index > 0 ? found[index - 1] : input).focus();
    } else if (event.key === "Escape") {
      event.preventDefault();
      close(input);
      input.focus();
    }
  });
})();
