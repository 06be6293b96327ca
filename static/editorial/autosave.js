/* Autosave to the server, and who else is editing: the server's half of "never lose a
   word" (static/editorial/desk.js keeps the browser's copy in localStorage).

   On a post's form (…/<id>/change/, and …/add/ for a post not saved yet), loaded by
   the writing admins' Media:
   - A few seconds into typing, the form's text fields are sent to <id>/autosave/
     (editorial/admin/autosave.py): stored for this user, post and tab, never a revision,
     never published. A line under the buttons says when, or why not (signed out).
   - On opening the form, this user's copy is offered back when it differs from the form:
     "Restore the text autosaved at …?" (instead of the browser's own offer when the
     server's is newer). A copy older than the post's last save says who saved the post
     since, and when; restored, the form's based_on becomes the copy's time, so that
     saving it is refused once, listing what changed, and goes through when made again.
   - While an offer (this one or the browser's) is unanswered, nothing is sent: the
     server's copy may hold text the form lacks. Typing meanwhile sets the offered copy
     aside in the browser too (desk.js), beside the new text, so both are offered again.
   - A form shown again after a refused save (a form error, a stale save) is sent at
     once: the posted text is in no copy yet.
   - Each tab of a post keeps its own copy (the form's key from desk.js), so two tabs do
     not write over each other; a form with no copy of its own is offered the newest
     one no open tab holds, and a save drops only its own form's copy.
   - Every few seconds it says who else autosaved this post in the last minute, and
     whether the post was saved since this form was opened (the save would be refused).
   - On the add form the copy goes to add/autosave/, one per user, writing type and
     add form (there is no post yet: nobody else to name, no version to compare).
     Restored, another form's copy becomes this form's. Adding the post drops it, as
     "Discard it" does.
   No inline script or event attribute: the admin's Content Security Policy forbids them. */
(function () {
  "use strict";

  var SEND_AFTER = 2500; // ms after the first keystroke not yet sent
  var POLL_EVERY = 15000; // ms between looks at who else is editing

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  function readJson(response) {
    var type = response.headers.get("Content-Type") || "";
    if (!response.ok || response.redirected || type.indexOf("application/json") === -1) {
      throw response;
    }
    return response.json();
  }

  function start() {
    var desk = window.WritersDesk;
    var body = document.body;
    if (!desk || !body.classList.contains("change-form") || !body.classList.contains("app-essays")) {
      return;
    }
    var form = document.querySelector("#content-main form[method=post]");
    if (!form) return;
    var path = location.pathname.match(/^(.*\/)change\/$/);
    var adding = /\/add\/$/.test(location.pathname);
    if (!adding && (!path || !form.elements.based_on)) return; // a form only read
    desk.formReady.then(function (state) {
      begin(desk, form, path, adding, state);
    });
  }

  function begin(desk, form, path, adding, state) {
    var url = adding ? location.pathname + "autosave/" : path[1] + "autosave/";
    var basedOn = adding ? "" : form.elements.based_on.value;
    function question() {
      var query = new URLSearchParams();
      query.append("_draft_key", state.draftKey);
      state.taken.forEach(function (key) {
        query.append("taken", key);
      });
      if (!adding) query.append("based_on", basedOn);
      return url + "?" + query.toString();
    }
    var token = form.elements.csrfmiddlewaretoken.value;

    var status = element("p", "help desk-autosave-status");
    status.setAttribute("role", "status");
    var others = element("ul", "messagelist desk-others");
    others.hidden = true;
    form.parentNode.insertBefore(others, form);
    var rows = form.querySelectorAll(".submit-row");
    if (rows.length) rows[rows.length - 1].insertAdjacentElement("afterend", status);
    else form.append(status);

    var paused = true; // until the server has said whether it holds a copy
    var leaving = false;
    var timer = null;
    var replaces = null; // another add form's copy, restored here: dropped on the next send

    function textValues() {
      var all = desk.valuesOf(form);
      var text = {};
      Object.keys(all).forEach(function (name) {
        if (typeof all[name] === "string") text[name] = all[name];
      });
      return text;
    }
    // A form shown again after a refused save holds posted text no copy has: sent at once.
    var lastSent = state.refused ? null : JSON.stringify(textValues());

    function failed(response) {
      var ended = response && (response.redirected || response.status === 403);
      status.textContent = ended
        ? "Not autosaved to the server: you are signed out, or this page has gone stale. " +
          "This browser keeps your text: sign in again in another tab, then save here."
        : "Not autosaved to the server just now: it did not answer. This browser keeps your text.";
      status.classList.add("errornote");
    }

    function heard(answer) {
      var names = [];
      (answer.others || []).forEach(function (other) {
        if (names.indexOf(other.name) === -1) names.push(other.name);
      });
      // The server said it on opening; from now on this line keeps it up to date.
      document.querySelectorAll(".messagelist:not(.desk-others) li").forEach(function (item) {
        if (item.textContent.indexOf("also editing this post") !== -1) item.remove();
      });
      others.textContent = "";
      if (names.length) {
        var verb = names.length === 1 ? " is" : " are";
        others.append(
          element("li", "warning", names.join(" and ") + verb + " also editing this post.")
        );
      }
      if (answer.saved_since) {
        others.append(
          element(
            "li",
            "warning",
            "This post was saved at " +
              answer.saved_since.at +
              " since you opened it: saving would be refused until you have seen what changed."
          )
        );
      }
      others.hidden = !others.children.length;
    }

    function send() {
      timer = null;
      if (leaving || paused) return;
      var values = textValues();
      var json = JSON.stringify(values);
      if (json === lastSent) return;
      var data = new URLSearchParams();
      Object.keys(values).forEach(function (name) {
        data.append(name, values[name]);
      });
      if (!adding) data.append("based_on", basedOn);
      data.append("_draft_key", state.draftKey);
      var replacing = replaces;
      if (replacing !== null) data.append("_replaces", replacing);
      fetch(url, {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: { "X-CSRFToken": token, Accept: "application/json" },
      })
        .then(readJson)
        .then(function (answer) {
          lastSent = json;
          if (replaces === replacing) replaces = null;
          status.classList.remove("errornote");
          status.textContent = "Autosaved to the server at " + answer.saved_at_text + ".";
          heard(answer);
        })
        .catch(failed);
    }

    function soon() {
      if (!timer) timer = setTimeout(send, SEND_AFTER);
    }

    /* Drop a copy: this form's, or the one offered (``draftKey``). */
    function discard(draftKey) {
      var data = new URLSearchParams();
      data.append("_discard", "1");
      data.append("_draft_key", typeof draftKey === "string" ? draftKey : state.draftKey);
      fetch(url, {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: { "X-CSRFToken": token, Accept: "application/json" },
      }).catch(function () {});
    }

    /* "The post was saved since, by Olga Ek at …": for a copy older than the post. */
    function savedSince(copy) {
      if (!copy.saved_since) return "";
      return (
        "The post was saved since, by " +
        copy.saved_since.by +
        " at " +
        copy.saved_since.at +
        ", and the form shows that version: compare them before restoring. Saving the " +
        "restored text is refused once, listing what changed; saving again replaces it."
      );
    }

    /* Restoring a copy: another form's copy becomes this one's; a copy older than the
       post is saved as typed on the version of its time. */
    function adopt(copy) {
      if (copy.draft_key !== state.draftKey) replaces = copy.draft_key;
      if (copy.saved_since && form.elements.based_on) {
        basedOn = copy.saved_at;
        form.elements.based_on.value = basedOn;
      }
    }

    function offer(copy) {
      var local = document.querySelector(".desk-restore:not(.desk-restore-server)");
      var box = element("div", "desk-restore desk-restore-server");
      box.setAttribute("role", "alertdialog");
      box.setAttribute("aria-labelledby", "desk-restore-server-title");
      var title = element(
        "p",
        "desk-restore-title",
        "Restore the text autosaved at " + copy.saved_at_text + "?"
      );
      title.id = "desk-restore-server-title";
      var detail = element(
        "p",
        "",
        "The server kept what you typed here, which was never saved (a closed tab, a " +
          "crash or an ended session). Restore it into the form, then save."
      );
      box.append(title, detail);
      if (copy.saved_since) box.append(element("p", "desk-restore-since", savedSince(copy)));
      var restore = element("button", "button default desk-restore-yes", "Restore");
      restore.type = "button";
      var drop = element("button", "button desk-restore-no", "Discard it");
      drop.type = "button";
      box.append(restore, drop);
      if (local) local.hidden = true; // one question at a time: the newer copy first
      form.parentNode.insertBefore(box, form);

      // Typing (or saving) with this question unanswered: nothing is sent, so the copy
      // stays on the server, and the browser keeps it too, set aside under its own key
      // (desk.js), beside what is typed now. Either is offered again at the next opening.
      var full = desk.valuesOf(form);
      Object.keys(copy.values).forEach(function (name) {
        full[name] = copy.values[name];
      });
      var aside = null;
      function setAside() {
        if (aside !== null || !box.isConnected) return;
        aside =
          state.setAside({
            savedAt: copy.saved_at,
            values: full,
            basedOn: copy.saved_since ? copy.saved_at : basedOn,
          }) || "";
      }
      form.addEventListener("input", setAside);
      form.addEventListener("submit", setAside);

      restore.addEventListener("click", function () {
        state.forget(aside);
        // The browser's older copy goes: the server's is the one chosen.
        var localDrop = local && local.querySelector(".desk-restore-no");
        if (localDrop) localDrop.click();
        box.remove();
        adopt(copy);
        desk.applyValues(form, copy.values);
        paused = false;
        send(); // at once: the restored text is this form's copy from now on
      });
      drop.addEventListener("click", function () {
        state.forget(aside);
        box.remove();
        discard(copy.draft_key);
        if (local) {
          local.hidden = false;
          waitFor(local); // its question, unanswered: still nothing sent
        } else {
          paused = false;
        }
      });
    }

    /* The browser's own offer, unanswered: sending now could replace the server's copy
       with text that lacks what that offer holds. Resume once it is answered. */
    function waitFor(local) {
      paused = true;
      local.querySelectorAll("button").forEach(function (button) {
        button.addEventListener("click", function () {
          paused = false;
          soon();
        });
      });
    }

    function browserCopy() {
      if (state.offered) return state.offered.saved;
      try {
        return JSON.parse(localStorage.getItem(state.storageKey));
      } catch (error) {
        return null;
      }
    }

    function browserCopyIsNewer(copy) {
      var kept = browserCopy();
      return kept && kept.savedAt && new Date(kept.savedAt) >= new Date(copy.saved_at);
    }

    /* The browser kept the same text as the server (the usual case after a closed tab):
       its question is enough, and its "Discard it" drops the server's copy too. */
    function browserCopyHasTheSameText(copy) {
      var kept = browserCopy();
      var local = document.querySelector(".desk-restore:not(.desk-restore-server)");
      if (!kept || !kept.values || !local) return false;
      var same = Object.keys(copy.values).every(function (name) {
        return kept.values[name] === copy.values[name];
      });
      var note = local.querySelector(".desk-restore-since");
      // Saved since by someone: the server's question says by whom, if the browser's cannot.
      if (!same || (copy.saved_since && !note)) return false;
      answeredTogether(local, copy);
      return true;
    }

    /* The browser's question answers for the server's copy too: "Discard it" drops it,
       "Restore" makes another form's copy this one's. */
    function answeredTogether(local, copy) {
      var drop = local.querySelector(".desk-restore-no");
      var restore = local.querySelector(".desk-restore-yes");
      if (drop) {
        drop.addEventListener("click", function () {
          discard(copy.draft_key);
        });
      }
      if (restore) {
        restore.addEventListener("click", function () {
          if (copy.draft_key !== state.draftKey) replaces = copy.draft_key;
        });
      }
    }

    /* The browser offers its entry of the same form as the server's copy (a closed
       tab's, say), newer than the server's. */
    function browserOffersTheSameForm(copy) {
      var local = document.querySelector(".desk-restore:not(.desk-restore-server)");
      if (!local || !state.offered) return false;
      var base = desk.prefix + location.pathname;
      var key = state.offered.key;
      var draftKey = key === base ? "" : key.slice(base.length + 1).split("~")[0];
      if (draftKey !== copy.draft_key) return false;
      answeredTogether(local, copy);
      return true;
    }

    function opened(answer) {
      heard(answer);
      var copy = answer.autosave;
      // The browser's offer says the post was saved since; the server can say who, and when.
      var note = document.querySelector(".desk-restore:not(.desk-restore-server) .desk-restore-since");
      if (copy && copy.saved_since && note) note.textContent = savedSince(copy);
      var current = textValues();
      var differs =
        copy &&
        Object.keys(copy.values).some(function (name) {
          return name in current && current[name] !== copy.values[name];
        });
      if (differs && browserCopyIsNewer(copy)) {
        browserOffersTheSameForm(copy);
      } else if (differs && !browserCopyHasTheSameText(copy)) {
        offer(copy);
        return;
      }
      if (copy && !differs) lastSent = JSON.stringify(current); // already kept as it is
      if (copy && !differs && copy.draft_key !== state.draftKey) {
        // Another form's copy, already restored here from the browser: this form's now.
        replaces = copy.draft_key;
        lastSent = null;
      }
      var local = document.querySelector(".desk-restore:not(.desk-restore-server)");
      if (local) {
        waitFor(local);
      } else {
        paused = false;
        if (replaces !== null || state.refused) send();
      }
    }

    fetch(question(), {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then(readJson)
      .then(opened)
      .catch(function (response) {
        paused = false;
        failed(response);
      });

    setInterval(function () {
      if (adding || document.hidden || leaving) return; // a new post: nobody else has it
      fetch(question(), {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      })
        .then(readJson)
        .then(heard)
        .catch(function () {});
    }, POLL_EVERY);

    form.addEventListener("input", soon);
    form.addEventListener("change", soon);
    form.addEventListener("submit", function () {
      leaving = true;
      if (timer) clearTimeout(timer);
    });
    window.addEventListener("pagehide", function () {
      // The last words, if the tab closes before the next send.
      if (leaving || paused || JSON.stringify(textValues()) === lastSent) return;
      var data = new FormData();
      var values = textValues();
      Object.keys(values).forEach(function (name) {
        data.append(name, values[name]);
      });
      data.append("csrfmiddlewaretoken", token);
      data.append("_draft_key", state.draftKey);
      if (replaces !== null) data.append("_replaces", replaces);
      if (navigator.sendBeacon) navigator.sendBeacon(url, data);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
