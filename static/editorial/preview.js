/* The live preview of each Markdown field, in the public site's own styles.

   markdownx already renders a preview, but only once typing pauses for half a second
   (its minimum), so a steady typist sees nothing for seconds. Here each editor's preview
   follows the typing: the Markdown is posted to the same endpoint (markdownx's
   markdownify: the site's one sanitiser) at most every THROTTLE ms while typing, and
   once more when it stops; an answer older than the one shown is dropped.

   The preview lives in a shadow root attached to markdownx's own preview box, so the
   admin's styles do not reach it and the site's stylesheet (static/css/site.css, fetched
   and adopted as it is, with its :root and body rules pointed at the preview) styles
   nothing else. markdownx's own answers go into the box's light DOM, which the shadow
   root hides.

   It renders on load as well, so the preview is there after a failed save. No inline
   script, style element or event attribute: the admin's Content Security Policy forbids
   them (constructed style sheets are not inline styles). */
(function () {
  "use strict";

  var THROTTLE = 150;
  var script = document.currentScript;
  var SITE_CSS = script && script.getAttribute("data-site-css");
  var EXTRA =
    ".preview-body{padding:1rem 1.25rem;min-height:6rem}" +
    ".preview-body>.prose>:first-child{margin-top:0}" +
    ".preview-note{font:0.85rem var(--sans);color:var(--muted);margin:0}";
  var sheets = null; // a promise of the shared style sheets

  /* site.css, its page-wide rules pointed at the preview. */
  function scoped(css) {
    return (
      css
        .replace(/:root\b/g, ":host")
        .replace(/(^|[{},\s])(html|body)(?=\s*[{,])/g, "$1.preview-body") + EXTRA
    );
  }

  function loadSheets() {
    if (sheets) return sheets;
    sheets = fetch(SITE_CSS, { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error("site.css: " + response.status);
        return response.text();
      })
      .then(function (css) {
        var sheet = new CSSStyleSheet();
        sheet.replaceSync(scoped(css));
        return [sheet];
      });
    return sheets;
  }

  function csrfToken(editor) {
    var form = editor.form;
    var field = form && form.querySelector("[name=csrfmiddlewaretoken]");
    if (field) return field.value;
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function note(text) {
    var p = document.createElement("p");
    p.className = "preview-note";
    p.textContent = text;
    return p;
  }

  function wake(editor) {
    var box = editor.parentNode.querySelector(".markdownx-preview");
    var url = editor.getAttribute("data-markdownx-urls-path");
    if (!box || !url || box.shadowRoot || !box.attachShadow || !SITE_CSS) return;
    var root = box.attachShadow({ mode: "open" });
    var body = document.createElement("div");
    body.className = "preview-body";
    var prose = document.createElement("div");
    prose.className = "prose";
    body.append(prose);
    root.append(body);
    box.classList.add("desk-preview");
    box.setAttribute("aria-label", "Preview, in the site's styles");
    box.setAttribute("role", "region");
    loadSheets().then(
      function (list) {
        root.adoptedStyleSheets = list;
      },
      function () {
        var link = document.createElement("link");
        link.rel = "stylesheet";
        link.href = SITE_CSS;
        root.prepend(link);
      }
    );

    var sent = 0; // the number of the last request
    var shown = 0; // the number of the answer on screen
    var busy = false;
    var pending = false;
    var last = 0;
    var timer = null;

    function show(html, number) {
      if (number < shown) return;
      shown = number;
      if (html.trim()) {
        prose.innerHTML = html; // the site's sanitiser made it
      } else {
        prose.replaceChildren(note("The preview appears here as you type."));
      }
      box.setAttribute("data-preview-rendered", String(number));
    }

    function send() {
      timer = null;
      busy = true;
      pending = false;
      last = Date.now();
      var number = ++sent;
      var data = new FormData();
      data.append("content", editor.value);
      fetch(url, {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken(editor), "X-Requested-With": "XMLHttpRequest" },
      })
        .then(function (response) {
          // A redirect is the login page: the session ended. Keep what is shown.
          if (!response.ok || response.redirected) throw new Error(String(response.status));
          return response.text();
        })
        .then(
          function (html) {
            show(html, number);
          },
          function () {
            if (number >= shown) {
              prose.prepend(note("Preview paused: the server did not answer. Your text is safe."));
            }
          }
        )
        .then(function () {
          busy = false;
          if (pending) schedule();
        });
    }

    function schedule() {
      if (busy) {
        pending = true;
        return;
      }
      if (timer) return;
      timer = setTimeout(send, Math.max(0, THROTTLE - (Date.now() - last)));
    }

    editor.addEventListener("input", schedule);
    send();
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
