/* The writer's desk: what keeps typed text from being lost in the admin.

   Loaded on every admin page (templates/admin/base_site.html); the form parts wake up
   only on a writing type's change form (body.app-essays.change-form).

   - Autosave: every field of the form is kept in localStorage a second after the last
     keystroke, under the signed-in user's id (another user of the same browser is never
     offered it), the form's path and the form's key. Opening the form again with an
     entry that differs from what the server shows offers "Restore unsaved text?".
   - Each form (a post's, or the add form) has its own key, made here and kept in
     sessionStorage (a reload of the tab keeps it), so two tabs keep two entries. The
     key is posted with the form (_draft_key) and held as a Web Lock while the page is
     open: a form with no entry of its own offers the newest entry of that form that no
     open tab holds (a closed or crashed tab's), and takes it over if restored.
   - An entry outlives a failed save: it is dropped only when the next page says the
     save worked (a success message and no errors). A stale CSRF token, an expired
     session or a crash leave it for the prompt. A form shown again after a refused
     save (a form error, a stale save) holds posted text kept nowhere else: it counts
     as unsaved at once (kept here at once, never dropped as "unchanged", and leaving
     asks), until a save works.
   - The entry on offer never has typing written over it: it moves to a key of its own
     while the question is open, and what is typed meanwhile is kept under the form's
     key as usual (autosave.js sets the server's offered copy aside here the same way).
     The next opening offers the newest entry, saying how many older ones wait; each
     is offered in turn until restored or discarded, so neither text can be lost.
   - While a restore offer (this one or the server's) is unanswered, a save keeps every
     copy: the entry on offer stays, and the form posts _keep_autosave so the server
     keeps its.
   - Restoring text typed on an older version of the post than the form shows puts that
     version back in the form's based_on: the save is then refused once, showing what
     changed since, and goes through when made again (the usual stale-save check).
   - Leaving the page with unsaved changes asks first (admin links and beforeunload).
   - Ctrl/Cmd+S saves and stays ("Save and continue editing").
   - The word count and reading time follow the typing.
   - A share link's "Copy" button copies its address.
   No inline script or event attribute: the admin's Content Security Policy forbids them. */
(function () {
  "use strict";

  var PREFIX = "writersdesk:";
  // Each signed-in user's entries apart (a shared browser): the user's id, from the
  // script's data-desk-user (templates/admin/base_site.html). Another user's entries,
  // and those kept before entries named their user, are never offered.
  var script = document.querySelector("script[data-desk-user]");
  var ENTRY = PREFIX + "user" + ((script && script.getAttribute("data-desk-user")) || "") + ":";
  var SUBMITTED = PREFIX + "submitted";
  // A form's key (one per tab): in sessionStorage by path, and the name of its Web Lock.
  var DRAFT = PREFIX + "draft:";
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

  function hiddenField(form, name, value) {
    var field = form.querySelector("input[type=hidden][name=" + name + "]");
    if (!field) {
      field = element("input");
      field.type = "hidden";
      field.name = name;
      form.append(field);
    }
    field.value = value;
  }

  /* An entry on offer waits under a key of its own (the form's key, ASIDE, a stamp)
     until it is restored or discarded; what is typed meanwhile goes under the form's
     key, never over it. Returns the new key, or null when storage had no room. */
  var ASIDE = "~";

  function setAside(key, saved) {
    var name = key + ASIDE + newKey();
    write(name, saved);
    return read(name) ? name : null;
  }

  /* A restore offer, this script's or autosave.js's, not answered yet. */
  function offerOpen(form) {
    return !!form.parentNode.querySelector(".desk-restore");
  }

  /* Text typed on an older version of the post than the form shows (basedOn differs). */
  function typedOnAnOlderVersion(form, saved) {
    var current = form.elements.based_on;
    return !!(current && saved.basedOn && saved.basedOn !== current.value);
  }

  function offerRestore(form, offered, onDone) {
    var saved = offered.saved;
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
    box.append(title, detail);
    if (offered.more) {
      box.append(
        element(
          "p",
          "desk-restore-more",
          offered.more === 1
            ? "An older unsaved copy is kept too: it is offered the next time this form opens."
            : offered.more +
                " older unsaved copies are kept too: each is offered in turn the next " +
                "times this form opens."
        )
      );
    }
    var older = typedOnAnOlderVersion(form, saved);
    if (older) {
      box.append(
        element(
          "p",
          "desk-restore-since",
          "The post was saved since this text was typed, and the form shows that newer " +
            "version: compare them before restoring. Saving the restored text is refused " +
            "once, listing what changed; saving again replaces the newer version."
        )
      );
    }
    var restore = element("button", "button default desk-restore-yes", "Restore");
    restore.type = "button";
    var discard = element("button", "button desk-restore-no", "Discard it");
    discard.type = "button";
    box.append(restore, discard);
    form.parentNode.insertBefore(box, form);

    restore.addEventListener("click", function () {
      applyValues(form, saved.values);
      // Saved on the version the text was typed on: the stale-save check shows what changed.
      if (older) form.elements.based_on.value = saved.basedOn;
      box.remove();
      onDone(true);
    });
    discard.addEventListener("click", function () {
      if (local) local.removeItem(offered.key);
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
      target.textContent =
        words === 0
          ? "No words yet"
          : words.toLocaleString("en") + (words === 1 ? " word" : " words") + " · " + minutes + " min read";
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

  function newKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return Date.now().toString(36) + Math.random().toString(36).slice(2);
  }

  /* The form's key: this tab's (sessionStorage), held as a Web Lock until the page
     goes (the browser lets go when the tab closes or crashes). A key another tab holds
     (a duplicated tab copies sessionStorage) is left to it: this form takes a new one. */
  function holdDraftKey() {
    var name = DRAFT + location.pathname;
    var key = (session && session.getItem(name)) || newKey();
    function chosen(found) {
      if (session) session.setItem(name, found);
      return found;
    }
    if (!navigator.locks) return Promise.resolve(chosen(key));
    return new Promise(function (resolve) {
      function attempt(candidate) {
        navigator.locks
          .request(DRAFT + candidate, { ifAvailable: true }, function (lock) {
            if (!lock) {
              attempt(newKey());
              return null;
            }
            resolve(chosen(candidate));
            return new Promise(function () {}); // held as long as the page
          })
          .catch(function () {
            resolve(chosen(candidate));
          });
      }
      attempt(key);
    });
  }

  /* The forms' keys that other open tabs hold: their copies are not to be offered. */
  function keysHeldElsewhere(own) {
    if (!navigator.locks || !navigator.locks.query) return Promise.resolve([]);
    return navigator.locks.query().then(
      function (state) {
        return (state.held || [])
          .map(function (lock) {
            return lock.name || "";
          })
          .filter(function (name) {
            return name.indexOf(DRAFT) === 0 && name !== DRAFT + own;
          })
          .map(function (name) {
            return name.slice(DRAFT.length);
          });
      },
      function () {
        return [];
      }
    );
  }

  /* The entry to offer: the newest of the form's own (under its key or set aside),
     else the newest entry of another form at this path (another tab's) that no open
     tab holds. Null when none differs from the form; ``more`` counts the other entries
     that do, offered at later openings. Entries the form already shows are dropped. */
  function entryToOffer(key, base, taken, initial) {
    if (!local) return null;
    function differs(saved) {
      return saved && saved.values && !sameValues(saved.values, initial);
    }
    var names = [];
    for (var i = 0; i < local.length; i++) names.push(local.key(i));
    var own = [];
    var others = [];
    names.forEach(function (name) {
      var mine = name === key || name.indexOf(key + ASIDE) === 0;
      var another =
        key !== base &&
        !mine &&
        (name === base || name.indexOf(base + "#") === 0) &&
        taken.indexOf(name.slice(base.length + 1).split(ASIDE)[0]) === -1;
      if (!mine && !another) return;
      var saved = read(name);
      if (!differs(saved)) {
        // What the form shows already: nothing to keep (the form's own key waits for keep()).
        if (name !== key) local.removeItem(name);
        return;
      }
      (mine ? own : others).push({ key: name, saved: saved });
    });
    function newestFirst(a, b) {
      return String(b.saved.savedAt).localeCompare(String(a.saved.savedAt));
    }
    own.sort(newestFirst);
    others.sort(newestFirst);
    var offered = own[0] || others[0] || null;
    if (offered) offered.more = own.length + others.length - 1;
    return offered;
  }

  var formReady = null; // resolved by wakeForm for static/editorial/autosave.js
  var formIsReady = new Promise(function (resolve) {
    formReady = resolve;
  });

  function wakeForm(form, draftKey, taken, refused) {
    var base = ENTRY + location.pathname;
    var key = draftKey ? base + "#" + draftKey : base;
    if (draftKey) hiddenField(form, "_draft_key", draftKey);
    var initial = valuesOf(form);
    var offered = entryToOffer(key, base, taken, initial);
    var paused = false;
    var leaving = false;
    var timer = null;

    /* A form shown again after a refused save holds the posted text, never saved: it
       counts as unsaved from the start, however little is typed after. */
    function dirty() {
      return refused || !sameValues(valuesOf(form), initial);
    }

    function entry() {
      var basedOn = form.elements.based_on ? form.elements.based_on.value : "";
      return { savedAt: new Date().toISOString(), values: valuesOf(form), basedOn: basedOn };
    }

    function keep() {
      timer = null;
      if (paused) return;
      if (dirty()) {
        write(key, entry());
      } else if (local) {
        local.removeItem(key); // back as the server has it: nothing to keep
      }
    }

    function soon() {
      if (timer) clearTimeout(timer);
      timer = setTimeout(keep, 800);
    }

    if (offered) {
      // The form's own entry, on offer, moves to a key of its own: what is typed from now
      // on (answering or not) is kept under the form's key without writing over it. If
      // storage has no room for the move, nothing is kept until the offer is answered.
      if (offered.key === key) {
        var aside = setAside(key, offered.saved);
        if (aside) {
          local.removeItem(key);
          offered.key = aside;
        } else {
          paused = true;
        }
      }
      offerRestore(form, offered, function (restored) {
        // Restored: the form holds the entry now, kept under the form's key.
        if (restored && offered.key !== key && local) local.removeItem(offered.key);
        paused = false;
        keep();
      });
    }
    if (refused) keep(); // at once: the posted text is in no other copy

    form.addEventListener("input", soon);
    form.addEventListener("change", soon);

    form.addEventListener("submit", function () {
      if (timer) clearTimeout(timer);
      leaving = true;
      if (offerOpen(form)) {
        // Saved without answering: the text on offer is not in the form. Keep it, here
        // (it waits under its own key) and on the server, to be offered again.
        hiddenField(form, "_keep_autosave", "1");
        if (paused) return;
      }
      if (dirty()) write(key, entry());
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
    formReady({
      refused: refused,
      setAside: function (saved) {
        return setAside(key, saved);
      },
      forget: function (name) {
        if (local && name) local.removeItem(name);
      },
      draftKey: draftKey,
      taken: taken,
      storageKey: key,
      offered: offered,
    });
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

  /* For static/editorial/autosave.js, which keeps the same fields on the server.
     formReady gives whether the page shows a refused save, setAside(entry) (keeps an
     entry under a key of its own, offered at the next opening; returns that key or
     null) and forget(key), the form's key, the keys other tabs hold, this form's entry
     key and the entry offered ({key, saved, more}, or null), once the offer is on the
     page. */
  window.WritersDesk = {
    prefix: ENTRY,
    valuesOf: valuesOf,
    applyValues: applyValues,
    formReady: formIsReady,
  };

  function ready() {
    settleLastSubmission();
    wakeCopyButtons();
    var body = document.body;
    if (!body.classList.contains("change-form") || !body.classList.contains("app-essays")) {
      return;
    }
    var form = document.querySelector("#content-main form[method=post]");
    if (!form) return;
    // The admin shows a refused save (a form error, a stale save) with these.
    var refused = !!document.querySelector(".errornote, .errorlist");
    holdDraftKey().then(function (draftKey) {
      keysHeldElsewhere(draftKey).then(function (taken) {
        wakeForm(form, draftKey, taken, refused);
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
})();
