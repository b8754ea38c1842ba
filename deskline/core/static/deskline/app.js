// Deskline: small progressive enhancements shared by the help center and the workspace.
(function () {
  "use strict";

  // Drag and drop onto a file input: <div class="dropzone" data-dropzone> holding an
  // <input type="file">. Without JavaScript the plain file input still works.
  function enhanceDropzone(zone) {
    const input = zone.querySelector('input[type="file"]');
    const list = zone.querySelector("[data-dropzone-list]");
    if (!input) return;
    const show = function () {
      if (!list) return;
      list.innerHTML = "";
      Array.from(input.files).forEach(function (file) {
        const item = document.createElement("li");
        item.textContent = file.name + " (" + Math.ceil(file.size / 1024) + " KB)";
        list.appendChild(item);
      });
    };
    ["dragenter", "dragover"].forEach(function (name) {
      zone.addEventListener(name, function (event) {
        event.preventDefault();
        zone.classList.add("is-over");
      });
    });
    ["dragleave", "drop"].forEach(function (name) {
      zone.addEventListener(name, function () { zone.classList.remove("is-over"); });
    });
    zone.addEventListener("drop", function (event) {
      event.preventDefault();
      const transfer = new DataTransfer();
      Array.from(input.files).forEach(function (file) { transfer.items.add(file); });
      Array.from(event.dataTransfer.files).forEach(function (file) {
        transfer.items.add(file);
      });
      if (!input.multiple) {
        const last = transfer.files[transfer.files.length - 1];
        const single = new DataTransfer();
        if (last) single.items.add(last);
        input.files = single.files;
      } else {
        input.files = transfer.files;
      }
      show();
    });
    input.addEventListener("change", show);
  }

  // A <select data-submit-on-change> sends its form as soon as a choice is made (the language
  // picker); without JavaScript its form shows a button instead.
  document.addEventListener("change", function (event) {
    const select = event.target;
    if (!select.matches || !select.matches("select[data-submit-on-change]") || !select.form) return;
    select.form.requestSubmit();
  });

  function enhance(root) {
    root.querySelectorAll("[data-dropzone]").forEach(enhanceDropzone);
  }

  document.addEventListener("DOMContentLoaded", function () { enhance(document); });
  document.addEventListener("htmx:load", function (event) { enhance(event.target); });
})();
