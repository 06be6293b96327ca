/* The writer's desk: what keeps typed text from being lost in the admin.

   Loaded on every admin page (templates/admin/base_site.html); the form parts wake up
   only on a writing type's change form (body.app-essays.change-form).

   - Autosave: every field of the form is kept in localStorage (one entry per form:
     its path) a second after the last keystroke. Opening the form again with an entry
     that differs from what the server shows offers "Restore unsaved text?".
   - An entry outlives a failed save: it is dropped only when the next page says the
     save worked (a success message and no errors). A stale CSRF token, an expired
     session or a crash leave it for the prompt.
   - Leaving the page with unsaved changes asks first (admin links and beforeunload).
   - Ctrl/Cmd+S saves and stays ("Save and continue editing").
   - The word count and reading time follow the typing.
   - A share link's "Copy" button copies its address.
   No inline script or event attribute: the admin's Content Security Policy forbids them. */
(function () {
  "use strict";

  var PREFIX = "writersdesk:";
  var SUBMITTED = PREFIX + "submitted";
  var WORDS_PER_MINUTE = 230; // essays/models.py
  var SKIP_TYPES = ["hidden", "submit", "button", "file", "password", "image", "reset"];

  function storage(kind) {
    try {
      var store = window[kind];
      store.getItem(PREFIX);
      return store;
    } catch (error) {
      return null; // storage disabled: the page still works, without autosave
    }
  }
  var local = storage("localStorage");
  var session = storage("sessionStorage");

  function read(key) {
    if (!local) return null;
    try {
      return JSON.parse(local.getItem(key));
    } catch (error) {
      return null;
    }
  }

  function write(key, value) {
    if (!local) return;
    try {
      local.setItem(key, JSON.stringify(value));
    } catch (error) {
      /* full: nothing to do but go on */
    }
  }

  /* After a save: the page that follows says whether it worked. */
  function settleLastSubmission() {
    if (!session) return;
    var key = session.getItem(SUBMITTED);
    if (!key) return;
    session.removeItem(SUBMITTED);
    var worked =
      document.querySelector(".messagelist .success") &&
      !document.querySelector(".errornote, .errorlist");
    if (worked && local) local.removeItem(key);
  }

  function fieldsOf(form) {
    return Array.prototype.filter.call(form.elements, function (field) {
      if (!field.name || field.disabled) return false;
      if (field.name === "csrfmiddlewaretoken" || field.name.indexOf("__prefix__") !== -1) {
        return false;
      }
      var type = (field.type || "").toLowerCase();
      return SKIP_TYPES.indexOf(type) === -1 && field.tagName !== "BUTTON";
    });
  }

  function valuesOf(form) {
    var values = {};
    fieldsOf(form).forEach(function (field) {
      var type = (field.type || "").toLowerCase();
      if (type === "checkbox" || type === "radio") {
        values[field.name + (type === "radio" ? "=" + field.value : "")] = field.checked;
      } else if (field.tagName === "SELECT" && field.multiple) {
        values[field.name] = Array.prototype.filter
          .call(field.options, function (option) {
            return option.selected;
          })
          .map(function (option) {
            return option.value;
          });
      } else {
        values[field.name] = field.value;
      }
    });
    return values;
  }

  function sameValues(a, b) {
    return JSON.stringify(a) === JSON.stringify(b);
  }

  function applyValues(form, values) {
    fieldsOf(form).forEach(function (field) {
      var type = (field.type || "").toLowerCase();
      var key = field.name + (type === "radio" ? "=" + field.value : "");
      if (!(key in values)) return;
      var value = values[key];
      if (type === "checkbox" || type === "radio") {
        field.checked = !!value;
      } else if (field.tagName === "SELECT" && field.multiple) {
        Array.prototype.forEach.call(field.options, function (option) {
          option.selected = value.indexOf(option.value) !== -1;
        });
      } else {
        field.value = value;
      }
      field.dispatchEvent(new Event("input", { bubbles: true }));
      field.dispatchEvent(new Event("change", { bubbles: true }));
    });
  }

  function describeTime(when) {
    var date = new Date(when);
    if (isNaN(date.getTime())) return "";
    return date.toLocaleString(undefined, {
      weekday: "short",
      day: "numeric",
      month: "short",
      hour: "2-digit",
      minute: "2-digit",
    });
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  function offerRestore(form, key, saved, onDone) {
    var box = element("div", "desk-restore");
    box.setAttribute("role", "alertdialog");
    box.setAttribute("aria-labelledby", "desk-restore-title");
    var title = element("p", "desk-restore-title", "Restore unsaved text?");
    title.id = "desk-restore-title";
    var when = describeTime(saved.savedAt);
    var detail = element(
      "p",
      "",
      "This browser kept what you typed here" +
        (when ? " (" + when + ")" : "") +
        ", which was never saved. Restore it into the form, then save."
    );
    var restore = element("button", "button default desk-restore-yes", "Restore");
    restore.type = "button";
    var discard = element("button", "button desk-restore-no", "Discard it");
    discard.type = "button";
    box.append(title, detail, restore, discard);
    form.parentNode.insertBefore(box, form);

    restore.addEventListener("click", function () {
      applyValues(form, saved.values);
      box.remove();
      onDone(true);
    });
    discard.addEventListener("click", function () {
      if (local) local.removeItem(key);
      box.remove();
      onDone(false);
    });
  }

  /* A rough count of the words readers will see: Markdown's marks and URLs left out. */
  function countWords(text) {
    var plain = text
      .replace(/```[^\n]*\n/g, "\n")
      .replace(/!?\[([^\]]*)\]\([^)]*\)/g, "$1")
      .replace(/<[^>]+>/g, " ")
      .replace(/[#>*_`~|-]+/g, " ");
    var words = plain.split(/\s+/).filter(function (word) {
      return /[\p{L}\p{N}]/u.test(word);
    });
    return words.length;
  }

  function liveReadingStats(form) {
    var target = document.querySelector(".field-reading_stats .readonly");
    var editors = form.querySelectorAll("textarea.markdownx-editor");
    if (!target || !editors.length) return;
    function update() {
      var words = 0;
      editors.forEach(function (editor) {
        words += countWords(editor.value);
      });
      var minutes = Math.max(1, Math.round(words / WORDS_PER_MINUTE));
      target.textContent = words.toLocaleString("en") + " words · " + minutes + " min read";
    }
    editors.forEach(function (editor) {
      editor.addEventListener("input", update);
    });
    update();
  }

  function saveButton(form) {
    return (
      form.querySelector("input[name=_continue]") ||
      form.querySelector("input[type=submit][name=_save]")
    );
  }

  function wakeForm(form) {
    var key = PREFIX + location.pathname;
    var initial = valuesOf(form);
    var saved = read(key);
    var paused = false;
    var leaving = false;
    var timer = null;

    function dirty() {
      return !sameValues(valuesOf(form), initial);
    }

    function keep() {
      timer = null;
      if (paused) return;
      if (dirty()) {
        write(key, { savedAt: new Date().toISOString(), values: valuesOf(form) });
      } else if (local) {
        local.removeItem(key); // back as the server has it: nothing to keep
      }
    }

    function soon() {
      if (timer) clearTimeout(timer);
      timer = setTimeout(keep, 800);
    }

    if (saved && saved.values && !sameValues(saved.values, initial)) {
      paused = true;
      offerRestore(form, key, saved, function () {
        paused = false;
        keep();
      });
    }

    form.addEventListener("input", soon);
    form.addEventListener("change", soon);

    form.addEventListener("submit", function () {
      if (timer) clearTimeout(timer);
      if (!paused && dirty()) {
        write(key, { savedAt: new Date().toISOString(), values: valuesOf(form) });
      }
      leaving = true;
      if (session) session.setItem(SUBMITTED, key);
    });

    window.addEventListener("pagehide", function () {
      if (!leaving) keep();
    });

    window.addEventListener("beforeunload", function (event) {
      if (leaving || !dirty()) return;
      keep();
      event.preventDefault();
      event.returnValue = "";
    });

    // A link away from the form (the sidebar, the breadcrumbs): ask in words first.
    document.addEventListener("click", function (event) {
      if (event.defaultPrevented || event.button !== 0) return;
      if (event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
      var link = event.target.closest && event.target.closest("a[href]");
      if (!link || link.target === "_blank" || link.hasAttribute("download")) return;
      var href = link.getAttribute("href");
      if (!href || href.charAt(0) === "#" || href.indexOf("javascript:") === 0) return;
      if (!dirty()) return;
      keep();
      if (window.confirm("You have unsaved changes here. Leave the page and lose them?")) {
        leaving = true;
      } else {
        event.preventDefault();
      }
    });

    // Ctrl/Cmd+S: save and stay in the editor.
    document.addEventListener("keydown", function (event) {
      var key = (event.key || "").toLowerCase();
      if (key !== "s" || !(event.ctrlKey || event.metaKey) || event.altKey) return;
      event.preventDefault();
      var button = saveButton(form);
      if (!button) return;
      if (form.requestSubmit) form.requestSubmit(button);
      else button.click();
    });

    liveReadingStats(form);
  }

  function wakeCopyButtons() {
    document.addEventListener("click", function (event) {
      var button = event.target.closest && event.target.closest("button.desk-copy");
      if (!button) return;
      event.preventDefault();
      var text = button.getAttribute("data-copy");
      function copied() {
        button.textContent = "Copied";
        setTimeout(function () {
          button.textContent = "Copy";
        }, 2000);
      }
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(text).then(copied, function () {
          window.prompt("Copy the link:", text);
        });
      } else {
        window.prompt("Copy the link:", text);
      }
    });
  }

  // For static/editorial/autosave.js, which keeps the same fields on the server.
  window.WritersDesk = { prefix: PREFIX, valuesOf: valuesOf, applyValues: applyValues };

  function ready() {
    settleLastSubmission();
    wakeCopyButtons();
    var body = document.body;
    if (!body.classList.contains("change-form") || !body.classList.contains("app-essays")) {
      return;
    }
    var form = document.querySelector("#content-main form[method=post]");
    if (form) wakeForm(form);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
})();
