/* "Create share link" on a post's change form (editorial/admin/share.py), in one click.

   Without script the button is a link to a page that makes the link. Here a click posts
   to the post's share-link URL in the background instead (fetch, asking for JSON) and
   shows the new link's absolute URL in a read-only field with a Copy button (desk.js
   copies it), and when it stops working. None of the form is sent: text typed and not
   saved stays in the form, and the post is not saved.

   Loaded through the writing types' admin Media. No inline script or event attribute:
   the admin's Content Security Policy forbids them. */
(function () {
  "use strict";

  function csrfToken() {
    var field = document.querySelector("#content-main form [name=csrfmiddlewaretoken]");
    if (field) return field.value;
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  function showLink(box, answer) {
    box.textContent = "";
    var row = element("span", "desk-share-made-link");
    var field = element("input");
    field.type = "text";
    field.readOnly = true;
    field.value = answer.url;
    field.setAttribute("aria-label", "New share link");
    // No name: the field is never sent with the post's form.
    field.addEventListener("focus", function () {
      field.select();
    });
    var copy = element("button", "button desk-copy", "Copy");
    copy.type = "button";
    copy.setAttribute("data-copy", answer.url);
    row.append(field, copy);
    box.append(
      element("p", "desk-share-made-title", "Share link created."),
      row,
      element("p", "desk-share-made-expiry", answer.expires)
    );
  }

  function wake(button) {
    var box = button.parentNode.querySelector(".desk-share-made");
    var busy = false;
    // Here it acts in place, as a button: it does not leave the page.
    button.setAttribute("role", "button");
    button.addEventListener("keydown", function (event) {
      if (event.key !== " ") return; // a button answers Space as well as Enter
      event.preventDefault();
      button.click();
    });

    button.addEventListener("click", function (event) {
      // A middle click or a modified one opens the page in a new tab, as a link does.
      if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey) return;
      // Before desk.js's "leave the page?" question, which sees the click as handled.
      event.preventDefault();
      if (busy) return;
      busy = true;
      button.setAttribute("aria-disabled", "true");
      box.textContent = "Creating the link…";
      fetch(button.getAttribute("data-share-url"), {
        method: "POST",
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" },
      })
        .then(function (response) {
          var type = response.headers.get("Content-Type") || "";
          if (!response.ok || type.indexOf("application/json") === -1) {
            throw new Error(response.ok ? "signed out?" : "error " + response.status);
          }
          return response.json();
        })
        .then(
          function (answer) {
            showLink(box, answer);
          },
          function (error) {
            box.textContent =
              "No link was made (" +
              error.message +
              "). The form is as you left it: save it, then try again.";
          }
        )
        .then(function () {
          busy = false;
          button.removeAttribute("aria-disabled");
        });
    });
  }

  function ready() {
    document.querySelectorAll(".desk-share-create a[data-share-url]").forEach(wake);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
})();
