/* "Insert image" on each Markdown field: choose a picture, say what it shows (or that it
   is decorative), and it is uploaded into the image library with that alt text, and
   its Markdown ![](url) is written where the cursor was.

   The library is the one place for the alt text: the Markdown leaves it empty, so the
   page and the preview show the library's text, and correcting it there corrects every
   post that shows the image. The upload goes to the editor's own endpoint
   (data-markdownx-upload-urls-path: images/views.py upload), which checks the file,
   stores the library record with its alt text or decorative mark, and answers
   {"image_code": "![](url)"}, or the form's errors with status 400. Dragging, dropping
   or pasting still work as before.
   No inline script or event attribute: the admin's Content Security Policy forbids them. */
(function () {
  "use strict";

  var ACCEPT = "image/jpeg,image/png,image/gif,image/webp";
  var counter = 0;

  function element(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      node.setAttribute(name, attrs[name]);
    });
    if (text) node.textContent = text;
    return node;
  }

  function csrfToken(editor) {
    var field = editor.form && editor.form.querySelector("[name=csrfmiddlewaretoken]");
    if (field) return field.value;
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  /* Writes ``code`` at the editor's cursor, as a paragraph of its own. */
  function insertAt(editor, code, touched) {
    var value = editor.value;
    var start = touched ? editor.selectionStart : value.length;
    var end = touched ? editor.selectionEnd : value.length;
    var before = value.slice(0, start);
    var after = value.slice(end);
    var text =
      (before && !/\n\n$/.test(before) ? (/\n$/.test(before) ? "\n" : "\n\n") : "") +
      code +
      (after && !/^\n\n/.test(after) ? (/^\n/.test(after) ? "\n" : "\n\n") : "");
    editor.value = before + text + after;
    var caret = before.length + text.length;
    editor.focus();
    editor.setSelectionRange(caret, caret);
    editor.dispatchEvent(new Event("input", { bubbles: true }));
  }

  function messagesOf(answer) {
    var found = [];
    Object.keys(answer || {}).forEach(function (key) {
      if (key !== "image_code" && Array.isArray(answer[key])) found = found.concat(answer[key]);
    });
    return found.join(" ");
  }

  function buildDialog(editor, state) {
    var id = "desk-image-" + ++counter;
    var dialog = element("dialog", { class: "desk-image-dialog", "aria-labelledby": id + "-title" });
    var form = element("form", { method: "dialog" });
    form.append(element("h2", { id: id + "-title" }, "Insert an image"));

    var fileRow = element("p");
    fileRow.append(element("label", { for: id + "-file" }, "Image (JPEG, PNG, GIF or WebP)"));
    var file = element("input", { type: "file", id: id + "-file", name: "image", accept: ACCEPT });
    fileRow.append(file);

    var altRow = element("p");
    altRow.append(element("label", { for: id + "-alt" }, "Alt text"));
    var alt = element("textarea", { id: id + "-alt", name: "alt", rows: "3", maxlength: "300" });
    altRow.append(alt);
    altRow.append(
      element(
        "span",
        { class: "help" },
        "What the image shows, for readers who cannot see it. Kept in the image library, " +
          "where a correction reaches every post that shows the image."
      )
    );

    var decoRow = element("p", { class: "desk-image-decorative" });
    var decorative = element("input", { type: "checkbox", id: id + "-decorative", name: "decorative" });
    decoRow.append(decorative);
    decoRow.append(
      element("label", { for: id + "-decorative" }, "Decorative: adds nothing a reader needs (no alt text)")
    );

    var error = element("p", { class: "errornote", role: "alert", hidden: "" });
    var status = element("p", { class: "desk-image-status", "aria-live": "polite" });

    var buttons = element("div", { class: "submit-row" });
    var insert = element("button", { type: "submit", class: "button default" }, "Upload and insert");
    var cancel = element("button", { type: "button", class: "button" }, "Cancel");
    buttons.append(insert, cancel);

    form.append(fileRow, altRow, decoRow, error, status, buttons);
    dialog.append(form);
    document.body.append(dialog);

    function fail(text) {
      error.textContent = text;
      error.hidden = false;
      status.textContent = "";
      insert.disabled = false;
    }

    decorative.addEventListener("change", function () {
      alt.disabled = decorative.checked;
    });
    cancel.addEventListener("click", function () {
      dialog.close();
    });
    dialog.addEventListener("close", function () {
      form.reset();
      alt.disabled = false;
      error.hidden = true;
      status.textContent = "";
      insert.disabled = false;
    });

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      error.hidden = true;
      if (!file.files.length) return fail("Choose an image to upload.");
      if (!decorative.checked && !alt.value.trim()) {
        alt.focus();
        return fail("Describe the image for readers who cannot see it, or mark it as decorative.");
      }
      var data = new FormData();
      data.append("image", file.files[0]);
      data.append("alt", decorative.checked ? "" : alt.value.trim());
      if (decorative.checked) data.append("decorative", "on");
      insert.disabled = true;
      status.textContent = "Uploading…";
      fetch(editor.getAttribute("data-markdownx-upload-urls-path"), {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken(editor), "X-Requested-With": "XMLHttpRequest" },
      })
        .then(function (response) {
          if (response.redirected) throw new Error("Your session ended: sign in again, then retry.");
          return response.json().then(
            function (answer) {
              return { ok: response.ok, answer: answer };
            },
            function () {
              throw new Error("The server did not accept the upload (" + response.status + ").");
            }
          );
        })
        .then(function (result) {
          if (!result.ok || !result.answer.image_code) {
            return fail(messagesOf(result.answer) || "The image was not uploaded.");
          }
          dialog.close();
          insertAt(editor, result.answer.image_code, state.touched);
        })
        .catch(function (problem) {
          fail(problem.message || "The upload failed: check the connection and retry.");
        });
    });
    return dialog;
  }

  function wake(editor) {
    if (!editor.getAttribute("data-markdownx-upload-urls-path")) return;
    var state = { touched: false };
    editor.addEventListener("focus", function () {
      state.touched = true;
    });
    var tools = element("div", { class: "desk-image-tools" });
    var button = element("button", { type: "button", class: "button desk-insert-image" }, "Insert image");
    tools.append(button);
    tools.append(element("span", { class: "help" }, "or drag, drop or paste one into the text"));
    editor.parentNode.insertBefore(tools, editor);
    var dialog = null;
    button.addEventListener("click", function () {
      dialog = dialog || buildDialog(editor, state);
      dialog.showModal();
    });
  }

  function ready() {
    document.querySelectorAll(".markdownx textarea.markdownx-editor").forEach(wake);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
})();
