/* Focus: the writing screen without the admin around it.

   On a writing type's form (body.app-essays.change-form with a Markdown editor), loaded
   by the writing admins' Media. A "Focus" button above the form, or Ctrl/Cmd+Shift+F,
   puts the class desk-focus on <body>; Esc (or the button again) takes it off, unless a
   dialog is open: then Esc closes only the dialog. The styles in
   static/editorial/chrome.css hide the header, breadcrumbs, sidebar, footer and every
   row but the title, the Markdown fields (each with its preview), the word count and
   the save buttons, which stay, with messages and errors, in one wide column.
   Hidden fields are still in the form and still saved. The choice is kept in this
   browser (localStorage), for every post's form.
   No inline script or event attribute: the admin's Content Security Policy forbids them. */
(function () {
  "use strict";

  var KEY = "writersdesk:focus";
  var ON = "desk-focus";
  var KEEP = "desk-focus-keep";

  function remembered() {
    try {
      return localStorage.getItem(KEY) === "on";
    } catch (error) {
      return false;
    }
  }

  function remember(on) {
    try {
      if (on) localStorage.setItem(KEY, "on");
      else localStorage.removeItem(KEY);
    } catch (error) {
      /* storage disabled: focus still works, for this page */
    }
  }

  /* The rows that stay in focus, and the fieldsets that hold them. */
  function markWhatStays(form) {
    form.querySelectorAll(".form-row").forEach(function (row) {
      var stays =
        row.classList.contains("field-title") ||
        row.classList.contains("field-reading_stats") ||
        row.querySelector("textarea.markdownx-editor");
      if (!stays) return;
      row.classList.add(KEEP);
      var fieldset = row.closest("fieldset");
      if (fieldset) fieldset.classList.add(KEEP);
    });
  }

  function start() {
    var body = document.body;
    if (!body.classList.contains("change-form") || !body.classList.contains("app-essays")) {
      return;
    }
    var form = document.querySelector("#content-main form[method=post]");
    if (!form || !form.querySelector("textarea.markdownx-editor")) return; // nothing to write
    markWhatStays(form);

    var bar = document.createElement("div");
    bar.className = "desk-focus-bar";
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button desk-focus-toggle";
    button.title = "Hide everything but the writing (Ctrl/Cmd+Shift+F; Esc leaves)";
    bar.append(button);
    form.parentNode.insertBefore(bar, form);

    function set(on) {
      body.classList.toggle(ON, on);
      button.setAttribute("aria-pressed", on ? "true" : "false");
      button.textContent = on ? "Leave focus" : "Focus";
      remember(on);
    }

    button.addEventListener("click", function () {
      set(!body.classList.contains(ON));
    });
    document.addEventListener("keydown", function (event) {
      var key = (event.key || "").toLowerCase();
      if (key === "f" && event.shiftKey && (event.ctrlKey || event.metaKey) && !event.altKey) {
        event.preventDefault();
        set(!body.classList.contains(ON));
      } else if (
        key === "escape" &&
        body.classList.contains(ON) &&
        !event.defaultPrevented &&
        !document.querySelector("dialog[open]") // this Esc closes the dialog (Insert image)
      ) {
        set(false);
      }
    });
    set(remembered());
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
