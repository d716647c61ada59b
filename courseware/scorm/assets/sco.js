/* The runtime of a Courseware SCORM 1.2 package: one SCO holding the whole course.
 *
 * It finds the LMS's API (window.API in this window's parents, or its opener's), calls LMSInitialize,
 * shows one page at a time and remembers the pages read (cmi.suspend_data) and the page open
 * (cmi.core.lesson_location), grades the quizzes in the browser, and reports the course's result:
 * cmi.core.lesson_status "incomplete" until every page is read and every quiz taken, then "completed"
 * (no quiz) or "passed" / "failed" by comparing cmi.core.score.raw (the average of the best score at
 * each quiz) with the mastery score, the one comparison SCORM 1.2 defines. LMSCommit after each change,
 * LMSFinish when the page goes away. Without an LMS the course still works, and records nothing.
 */
(function () {
  "use strict";

  var data = JSON.parse(document.getElementById("sco-data").textContent);
  var sections = Array.prototype.slice.call(document.querySelectorAll("[data-page]"));
  var SUSPEND_MAX = 4096; // characters of cmi.suspend_data in SCORM 1.2
  var started = Date.now();

  // ---- The LMS ----------------------------------------------------------------------------------

  function apiIn(win) {
    try {
      return win && win.API && typeof win.API.LMSInitialize !== "undefined" ? win.API : null;
    } catch (e) {
      return null; // a parent of another origin
    }
  }

  function findAPI(win) {
    var tries = 0;
    var api = apiIn(win);
    while (!api && win && win.parent && win.parent !== win && tries < 10) {
      tries += 1;
      win = win.parent;
      api = apiIn(win);
    }
    return api;
  }

  function lookForAPI() {
    var api = findAPI(window);
    if (!api && window.opener) {
      api = findAPI(window.opener);
    }
    return api;
  }

  var api = lookForAPI();
  var connected = false;
  var ended = false;

  function call(name, args) {
    if (!connected || ended) {
      return "";
    }
    var result = String(api[name].apply(api, args));
    if (name !== "LMSGetValue" && result !== "true" && window.console) {
      var code = api.LMSGetLastError();
      window.console.warn("SCORM " + name + "(" + args.join(", ") + "): " + code + " " + api.LMSGetErrorString(code));
    }
    return result;
  }

  function get(element) {
    return call("LMSGetValue", [element]);
  }

  function set(element, value) {
    return call("LMSSetValue", [element, String(value)]);
  }

  if (api) {
    connected = String(api.LMSInitialize("")) === "true";
  }
  var mode = get("cmi.core.lesson_mode");
  var recording = connected && mode !== "browse" && mode !== "review";
  var status = get("cmi.core.lesson_status");
  var lmsMastery = parseFloat(get("cmi.student_data.mastery_score"));
  var mastery = isNaN(lmsMastery) ? data.masteryScore : lmsMastery;

  // ---- What the learner has done ----------------------------------------------------------------

  var quizIds = Object.keys(data.quizzes);
  var state = { read: sections.map(function () { return false; }), quizzes: {} };

  function restore() {
    var saved;
    try {
      saved = JSON.parse(get("cmi.suspend_data") || "null");
    } catch (e) {
      saved = null;
    }
    if (!saved || saved.p !== data.package) {
      return; // nothing kept, or kept by another export of the course, whose pages may differ
    }
    if (typeof saved.h === "string") {
      unpackRead(saved.h);
    } else {
      String(saved.r || "").split("").forEach(function (bit, index) {
        if (index < state.read.length) {
          state.read[index] = bit === "1"; // as earlier exports wrote it: one character a page
        }
      });
    }
    Object.keys(saved.q || {}).forEach(function (index) {
      var id = quizIds[Number(index)];
      var kept = saved.q[index];
      if (id && kept && kept.length === 2) {
        state.quizzes[id] = { best: kept[0], tries: kept[1] };
      }
    });
  }

  // The pages read, four to a hexadecimal digit (the first page is the first digit's highest bit), so that
  // a course of thousands of pages fits in SCORM 1.2's 4096 characters; the export warns when it may not.
  function packRead(read) {
    var out = "";
    for (var i = 0; i < read.length; i += 4) {
      var digit = 0;
      for (var j = 0; j < 4; j += 1) {
        digit = digit * 2 + (read[i + j] ? 1 : 0);
      }
      out += digit.toString(16);
    }
    return out;
  }

  function unpackRead(text) {
    text.split("").forEach(function (char, position) {
      var digit = parseInt(char, 16);
      for (var j = 0; j < 4 && !isNaN(digit); j += 1) {
        var index = position * 4 + j;
        if (index < state.read.length) {
          state.read[index] = (digit & (8 >> j)) !== 0;
        }
      }
    });
  }

  function suspendData() {
    var quizzes = {};
    quizIds.forEach(function (id, index) {
      var q = state.quizzes[id];
      if (q) {
        quizzes[index] = [q.best, q.tries];
      }
    });
    return JSON.stringify({ p: data.package, h: packRead(state.read), q: quizzes });
  }

  function quizState(id) {
    return state.quizzes[id] || { best: null, tries: 0 };
  }

  function scoredQuizzes() {
    return quizIds.filter(function (id) { return data.quizzes[id].scored; });
  }

  function courseScore() {
    var ids = scoredQuizzes();
    var total = ids.reduce(function (sum, id) { return sum + (quizState(id).best || 0); }, 0);
    return Math.round(total / ids.length);
  }

  function isFinal(value) {
    return value === "passed" || value === "completed";
  }

  function setStatus(value) {
    if (status === value || isFinal(status)) {
      return; // passed and completed stay: a best score never goes down, and pages stay read
    }
    status = value;
    if (recording) {
      set("cmi.core.lesson_status", value);
    }
  }

  function evaluate() {
    var unread = state.read.filter(function (done) { return !done; }).length;
    var untaken = scoredQuizzes().filter(function (id) { return quizState(id).tries === 0; });
    if (unread || untaken.length) {
      setStatus("incomplete");
      return { unread: unread, untaken: untaken };
    }
    if (!scoredQuizzes().length) {
      setStatus("completed");
      return { unread: 0, untaken: [] };
    }
    var score = courseScore();
    if (recording) {
      set("cmi.core.score.min", 0);
      set("cmi.core.score.max", 100);
      set("cmi.core.score.raw", score);
    }
    setStatus(score >= mastery ? "passed" : "failed");
    return { unread: 0, untaken: [], score: score };
  }

  function save() {
    var kept = suspendData();
    if (recording && kept.length <= SUSPEND_MAX) {
      set("cmi.suspend_data", kept);
    } else if (recording && window.console) {
      // The LMS would refuse or cut it: what it kept last stays, and the status and score still go.
      window.console.warn("SCORM cmi.suspend_data not saved: " + kept.length + " characters, more than the " + SUSPEND_MAX + " SCORM 1.2 allows");
    }
    var outcome = evaluate();
    call("LMSCommit", [""]);
    showProgress(outcome);
  }

  // ---- What the learner sees of it --------------------------------------------------------------

  var connection = document.getElementById("sco-connection");
  if (!connected) {
    connection.textContent = "This copy of the course is not connected to a learning management system: your progress is not recorded.";
  } else if (!recording) {
    connection.textContent = "You are reviewing this course: your learning management system records nothing new.";
  } else {
    connection.textContent = "Your learning management system records your progress.";
  }

  function quizTitle(id) {
    var heading = document.getElementById("quiz-" + id + "-title");
    return heading ? "“" + heading.textContent.trim() + "”" : id;
  }

  function showProgress(outcome) {
    var read = state.read.filter(Boolean).length;
    document.querySelectorAll("[data-progress]").forEach(function (element) {
      element.textContent = read + " of " + state.read.length + " pages read";
    });
    state.read.forEach(function (done, index) {
      var item = document.querySelector('[data-outline="p' + (index + 1) + '"]');
      if (item) {
        item.classList.toggle("is-done", done);
        item.querySelector("[data-read]").hidden = !done;
      }
    });
    var text;
    if (outcome.unread || outcome.untaken.length) {
      var missing = [];
      if (outcome.unread) {
        missing.push(outcome.unread + (outcome.unread === 1 ? " page" : " pages") + " to read (marked in the outline)");
      }
      if (outcome.untaken.length) {
        missing.push("the " + (outcome.untaken.length === 1 ? "quiz " : "quizzes ") + outcome.untaken.map(quizTitle).join(", ") + " to take");
      }
      text = "Still to do: " + missing.join("; ") + ".";
    } else if (outcome.score === undefined) {
      text = "You have read every page: the course is complete.";
    } else if (outcome.score >= mastery) {
      text = "You have passed the course: the average of your best quiz scores is " + outcome.score + "% (the pass mark is " + mastery + "%).";
    } else {
      text = "The average of your best quiz scores is " + outcome.score + "%, below the pass mark of " + mastery + "%. Take the quizzes again to raise it.";
    }
    document.querySelectorAll("[data-summary]").forEach(function (element) {
      element.textContent = text;
    });
  }

  // ---- Pages --------------------------------------------------------------------------------------

  function pageNumberOf(hash) {
    var match = /^#p(\d+)$/.exec(hash || "");
    if (match && Number(match[1]) >= 1 && Number(match[1]) <= sections.length) {
      return Number(match[1]);
    }
    var target = hash && hash.length > 1 ? document.getElementById(decodeURIComponent(hash.slice(1))) : null;
    var section = target && target.closest("[data-page]");
    return section ? sections.indexOf(section) + 1 : 0;
  }

  function show(number, focus, target) {
    sections.forEach(function (section, index) {
      section.hidden = index !== number - 1;
    });
    document.querySelectorAll("[data-outline]").forEach(function (item) {
      var link = item.querySelector("a");
      if (item.getAttribute("data-outline") === "p" + number) {
        link.setAttribute("aria-current", "page");
      } else {
        link.removeAttribute("aria-current");
      }
    });
    var section = sections[number - 1];
    document.title = section.querySelector("h1").textContent + " · " + document.querySelector(".sco-header__title").textContent.trim();
    state.read[number - 1] = true;
    if (recording && section.getAttribute("data-page").length <= 255) {
      set("cmi.core.lesson_location", section.getAttribute("data-page"));
    }
    save();
    if (target) {
      target.scrollIntoView();
    } else if (focus) {
      window.scrollTo(0, 0);
      section.querySelector("h1").focus();
    }
  }

  function follow() {
    var number = pageNumberOf(window.location.hash);
    if (number) {
      var id = window.location.hash.slice(1);
      show(number, true, /^p\d+$/.test(id) ? null : document.getElementById(decodeURIComponent(id)));
    }
  }

  // ---- Quizzes -------------------------------------------------------------------------------------

  function normalise(text) {
    return text.toLowerCase().replace(/\p{P}/gu, " ").split(/\s+/).filter(Boolean).join(" ");
  }

  function shuffled(items) {
    var copy = items.slice();
    for (var i = copy.length - 1; i > 0; i -= 1) {
      var j = Math.floor(Math.random() * (i + 1));
      var swap = copy[i];
      copy[i] = copy[j];
      copy[j] = swap;
    }
    return copy;
  }

  function setUpQuiz(section) {
    var id = section.getAttribute("data-quiz");
    var rules = data.quizzes[id];
    var form = section.querySelector("[data-quiz-form]");
    var statusLine = section.querySelector("[data-quiz-status]");
    var errors = section.querySelector("[data-quiz-errors]");
    var again = form.querySelector("[data-again]");
    var submit = form.querySelector("[data-submit]");
    var fieldsets = Array.prototype.slice.call(form.querySelectorAll("[data-question]"));
    var asked = [];

    function attemptsLeft() {
      return rules.attempts ? Math.max(0, rules.attempts - quizState(id).tries) : null;
    }

    function describe(score) {
      var q = quizState(id);
      var parts = [];
      if (score !== undefined) {
        parts.push("Your score: " + score + "%.");
        if (rules.scored) {
          parts.push(score >= rules.passMark ? "Passed." : "Not passed: the pass mark is " + rules.passMark + "%.");
        }
      }
      if (q.tries && rules.scored) {
        parts.push("Your best score is " + q.best + "%.");
      } else if (q.tries && score === undefined) {
        parts.push("Done: you have taken this pre-check.");
      }
      var left = attemptsLeft();
      if (left !== null && q.tries) {
        parts.push(left ? left + " of " + rules.attempts + (rules.attempts === 1 ? " attempt" : " attempts") + " left." : "You have used every attempt.");
      }
      statusLine.textContent = parts.join(" ");
      statusLine.hidden = !parts.length;
      statusLine.classList.toggle("quiz__status--passed", q.best !== null && q.best >= rules.passMark && rules.scored);
    }

    function hideResults() {
      form.querySelectorAll("[data-verdict], [data-right], [data-feedback], [data-explanation], [data-error]").forEach(function (element) {
        element.hidden = true;
      });
      errors.hidden = true;
      fieldsets.forEach(function (fieldset) {
        fieldset.classList.remove("question--error", "result--correct", "result--wrong");
        fieldset.removeAttribute("aria-describedby");
      });
    }

    function prepare() {
      hideResults();
      form.reset();
      form.querySelectorAll("input").forEach(function (input) { input.disabled = false; });
      var order = rules.shuffle ? shuffled(fieldsets) : fieldsets.slice();
      var count = rules.draw && rules.draw < fieldsets.length ? rules.draw : fieldsets.length;
      asked = order.slice(0, count);
      fieldsets.forEach(function (fieldset) { fieldset.hidden = asked.indexOf(fieldset) === -1; });
      asked.forEach(function (fieldset, index) {
        form.insertBefore(fieldset, submit);
        fieldset.querySelector("[data-number]").textContent = index + 1 + ".";
        var choices = fieldset.querySelector("[data-choices]");
        if (choices && rules.shuffle) {
          shuffled(Array.prototype.slice.call(choices.children)).forEach(function (choice) { choices.appendChild(choice); });
        }
      });
      submit.hidden = false;
      again.hidden = true;
    }

    function answerOf(fieldset) {
      var question = rules.questions[fieldset.getAttribute("data-question")];
      if (question.type === "short-answer") {
        return fieldset.querySelector("input[type=text]").value.trim();
      }
      return Array.prototype.slice.call(fieldset.querySelectorAll("input:checked")).map(function (input) { return input.value; });
    }

    function isRight(question, answer) {
      if (question.type === "short-answer") {
        return question.answers.some(function (accepted) { return normalise(accepted) === normalise(answer); });
      }
      return answer.length === question.right.length && answer.every(function (choice) { return question.right.indexOf(choice) !== -1; });
    }

    function showErrors(missing) {
      var list = errors.querySelector("ul");
      list.textContent = "";
      missing.forEach(function (fieldset) {
        var question = rules.questions[fieldset.getAttribute("data-question")];
        var message = question.type === "short-answer" ? "Type an answer to this question." : question.type === "multiple" ? "Choose all answers that apply." : "Choose an answer.";
        var error = fieldset.querySelector("[data-error]");
        error.textContent = message;
        error.hidden = false;
        fieldset.classList.add("question--error");
        fieldset.setAttribute("aria-describedby", error.id);
        var item = document.createElement("li");
        var link = document.createElement("a");
        link.href = "#" + fieldset.id;
        link.textContent = "Question " + (asked.indexOf(fieldset) + 1) + ": " + message;
        item.appendChild(link);
        list.appendChild(item);
      });
      errors.hidden = false;
      errors.setAttribute("tabindex", "-1");
      errors.focus();
    }

    function reveal(results) {
      results.forEach(function (result) {
        var fieldset = result.fieldset;
        var verdict = fieldset.querySelector("[data-verdict]");
        var badge = verdict.querySelector(".badge");
        badge.textContent = result.right ? "Correct" : "Not quite";
        badge.className = "badge " + (result.right ? "badge--done" : "badge--error");
        verdict.hidden = false;
        fieldset.classList.add(result.right ? "result--correct" : "result--wrong");
        fieldset.querySelectorAll("[data-choice]").forEach(function (choice) {
          var chosen = choice.querySelector("input").checked;
          choice.querySelector("[data-right]").hidden = result.question.right.indexOf(choice.getAttribute("data-choice")) === -1;
          var feedback = choice.querySelector("[data-feedback]");
          if (feedback) {
            feedback.hidden = !chosen;
          }
        });
        fieldset.querySelectorAll("[data-right], [data-explanation]").forEach(function (element) {
          if (!element.closest("[data-choice]")) {
            element.hidden = false;
          }
        });
      });
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      hideResults();
      var missing = asked.filter(function (fieldset) { return !answerOf(fieldset).length; });
      if (missing.length) {
        showErrors(missing);
        return;
      }
      var results = asked.map(function (fieldset) {
        var question = rules.questions[fieldset.getAttribute("data-question")];
        return { fieldset: fieldset, question: question, right: isRight(question, answerOf(fieldset)) };
      });
      var right = results.filter(function (result) { return result.right; }).length;
      var score = Math.floor((200 * right + results.length) / (2 * results.length)); // half up, as the app rounds
      var kept = quizState(id);
      state.quizzes[id] = { best: kept.best === null ? score : Math.max(kept.best, score), tries: kept.tries + 1 };
      var passed = score >= rules.passMark;
      var left = attemptsLeft();
      var shown = rules.scored && (rules.reveal === "after-each-attempt" || (rules.reveal === "after-pass-or-last-attempt" && (passed || left === 0)));
      if (shown) {
        reveal(results);
      }
      form.querySelectorAll("input").forEach(function (input) { input.disabled = true; });
      submit.hidden = true;
      again.hidden = left === 0 || !rules.scored;
      describe(score);
      save();
      statusLine.setAttribute("tabindex", "-1");
      statusLine.focus();
    });

    again.addEventListener("click", function () {
      prepare();
      describe();
      var first = asked[0] && asked[0].querySelector("input");
      if (first) {
        first.focus();
      }
    });

    prepare();
    describe();
    if (attemptsLeft() === 0 || (!rules.scored && quizState(id).tries)) {
      form.hidden = true; // every attempt used, or the pre-check taken: it is taken once
    }
  }

  // ---- Start and finish ------------------------------------------------------------------------------

  function finish() {
    if (!connected || ended) {
      return;
    }
    var seconds = Math.floor((Date.now() - started) / 1000);
    var pad = function (n) { return (n < 10 ? "0" : "") + n; };
    set("cmi.core.session_time", pad(Math.min(9999, Math.floor(seconds / 3600))) + ":" + pad(Math.floor(seconds / 60) % 60) + ":" + pad(seconds % 60));
    set("cmi.core.exit", isFinal(status) ? "" : "suspend");
    call("LMSCommit", [""]);
    call("LMSFinish", [""]);
    ended = true;
  }

  restore();
  if (recording && (status === "not attempted" || status === "")) {
    setStatus("incomplete");
  }
  document.querySelectorAll("[data-quiz]").forEach(setUpQuiz);
  var resumeAt = sections.map(function (s) { return s.getAttribute("data-page"); }).indexOf(get("cmi.core.lesson_location")) + 1;
  var first = pageNumberOf(window.location.hash) || resumeAt || 1;
  if (!pageNumberOf(window.location.hash) && window.history.replaceState) {
    window.history.replaceState(null, "", "#p" + first);
  }
  show(first, false);
  window.addEventListener("hashchange", follow);
  window.addEventListener("pagehide", finish);
  window.addEventListener("beforeunload", finish);
  window.CoursewareSCO = { finish: finish };
})();
