// Worksheets save as the learner types. Without this script the Save button posts the form.
// Every keystroke is also kept in this browser (localStorage) until the server confirms it,
// so text survives a network error, a closed tab or an expired session.
(function () {
  "use strict";
  var forms = document.querySelectorAll("form[data-autosave]");
  if (!forms.length || !window.fetch || !window.JSON) return;
  var csrf = document.querySelector('meta[name="csrf-token"]').getAttribute("content");
  var unsaved = 0;
  var DELAY = 800;
  // Kept text belongs to the signed-in person: it is stored under their opaque id, and text kept
  // under anyone else's (a shared computer, a sign-out in another tab) is removed unseen.
  var ownerMeta = document.querySelector('meta[name="storage-owner"]');
  var owner = ownerMeta ? ownerMeta.getAttribute("content") : "";
  var PREFIX = "courseware:";

  function store() {
    if (!owner) return null;
    try { return window.localStorage; } catch (e) { return null; }
  }

  (function forgetOthers() {
    var s;
    try { s = window.localStorage; } catch (e) { return; }
    if (!s) return;
    var mine = PREFIX + owner + ":";
    for (var i = s.length - 1; i >= 0; i--) {
      var name = s.key(i);
      if (name && name.indexOf(PREFIX) === 0 && (!owner || name.indexOf(mine) !== 0)) s.removeItem(name);
    }
  })();

  function valueOf(field) {
    var type = field.getAttribute("data-type");
    if (type === "checklist") {
      return Array.prototype.map.call(field.querySelectorAll("input[type=checkbox]:checked"), function (i) { return i.value; });
    }
    if (type === "choice") {
      var checked = field.querySelector("input[type=radio]:checked");
      return checked ? checked.value : "";
    }
    if (type === "table") {
      return Array.prototype.map.call(field.querySelectorAll("tbody tr"), function (row) {
        return Array.prototype.map.call(row.querySelectorAll("input"), function (i) { return i.value; });
      });
    }
    return field.querySelector("textarea, input.input").value;
  }

  function setValue(field, value) {
    var type = field.getAttribute("data-type");
    if (type === "checklist" || type === "choice") {
      Array.prototype.forEach.call(field.querySelectorAll("input[type=checkbox], input[type=radio]"), function (i) {
        i.checked = type === "checklist" ? value.indexOf(i.value) >= 0 : i.value === value;
      });
    } else if (type === "table") {
      var rows = field.querySelectorAll("tbody tr");
      value.forEach(function (cells, r) {
        if (!rows[r]) return;
        var inputs = rows[r].querySelectorAll("input");
        cells.forEach(function (cell, c) { if (inputs[c]) inputs[c].value = cell; });
      });
    } else {
      field.querySelector("textarea, input.input").value = value;
    }
  }

  Array.prototype.forEach.call(forms, function (form) {
    var url = form.getAttribute("data-autosave");
    var key = PREFIX + owner + ":" + form.getAttribute("data-worksheet") + ":";
    var status = form.querySelector("[data-autosave-status]");

    function say(text) { status.textContent = text; }

    Array.prototype.forEach.call(form.querySelectorAll(".ws-field"), function (field) {
      var id = field.getAttribute("data-field");
      var storageKey = key + id;
      var timer = null;
      var retry = 1000;
      var dirty = false;
      var stopped = false;

      function revision() { return parseInt(field.getAttribute("data-revision"), 10) || 0; }

      function setRevision(value) {
        field.setAttribute("data-revision", value);
        field.querySelector("[data-revision-input]").value = value;
      }

      function markDirty(isDirty) {
        if (isDirty && !dirty) unsaved += 1;
        if (!isDirty && dirty) unsaved -= 1;
        dirty = isDirty;
        field.toggleAttribute("data-unsaved", dirty);
      }

      function keep(value) {
        var s = store();
        if (s) s.setItem(storageKey, JSON.stringify({ value: value, revision: revision() }));
      }

      function forget() {
        var s = store();
        if (s) s.removeItem(storageKey);
      }

      function send() {
        if (stopped) return;
        var value = valueOf(field);
        say("Saving…");
        fetch(url.replace("FIELD", encodeURIComponent(id)), {
          method: "POST",
          credentials: "same-origin",
          headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrf },
          body: JSON.stringify({ value: value, revision: revision() || null })
        }).then(function (response) {
          return response.json().catch(function () { return {}; }).then(function (body) {
            if (response.ok) {
              setRevision(body.revision);
              retry = 1000;
              if (JSON.stringify(valueOf(field)) === JSON.stringify(value)) { markDirty(false); forget(); }
              var at = new Date(body.saved_at);
              say("Saved at " + at.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }) +
                  (body.completed ? ". You have completed the course: your certificate is ready on the course page." : ""));
            } else if (response.status === 409) {
              // The server keeps this text as a copy beside the saved answer: the choice is made
              // there, so this browser's copy is not sent again.
              stopped = true; markDirty(false); forget();
              say("This answer was changed in another window. Both versions are kept: reload the page to choose one.");
            } else if (response.status === 401 || response.status === 400) {
              stopped = true;
              say("Your session has ended. Sign in again (in a new tab), then reload this page: your text is kept in this browser and will be saved.");
            } else if (response.status === 422 || response.status === 404) {
              say(body.error || "This answer could not be saved.");
            } else {
              throw new Error("server " + response.status);
            }
          });
        }).catch(function () {
          say("Not saved yet: no connection. Trying again…");
          setTimeout(send, retry);
          retry = Math.min(retry * 2, 30000);
        });
      }

      function changed() {
        markDirty(true);
        keep(valueOf(field));
        clearTimeout(timer);
        timer = setTimeout(send, DELAY);
      }

      field.addEventListener("input", changed);
      field.addEventListener("change", changed);

      // Text typed before a failed save or an expired session comes back and is saved now.
      var s = store();
      var pending = s && s.getItem(storageKey);
      if (pending && field.querySelector(".conflict")) {
        forget(); // both versions are on the page already; the learner chooses between them
      } else if (pending) {
        try {
          var kept = JSON.parse(pending);
          if (JSON.stringify(kept.value) !== JSON.stringify(valueOf(field))) {
            setValue(field, kept.value);
            setRevision(kept.revision);
            markDirty(true);
            say("Restored text you typed earlier. Saving…");
            send();
          } else {
            forget();
          }
        } catch (e) { forget(); }
      }
    });
  });

  window.addEventListener("beforeunload", function (event) {
    if (unsaved > 0) { event.preventDefault(); event.returnValue = ""; }
  });
})();
