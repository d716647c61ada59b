// Seat time: while the learner is active on a page, tell the server every few seconds.
// A hidden tab, or one with no keyboard, pointer or scroll activity for a few minutes,
// sends nothing; the server credits nothing for such gaps and caps each visit.
(function () {
  "use strict";
  var article = document.querySelector("[data-visit]");
  if (!article || !window.fetch) return;
  var url = article.getAttribute("data-heartbeat-url");
  var visit = article.getAttribute("data-visit");
  var every = parseInt(article.getAttribute("data-heartbeat-seconds"), 10) * 1000 || 30000;
  var idleAfter = 3 * 60 * 1000;
  var token = document.querySelector('meta[name="csrf-token"]').getAttribute("content");
  var lastActivity = Date.now();

  ["keydown", "pointerdown", "pointermove", "scroll", "wheel", "touchstart"].forEach(function (name) {
    window.addEventListener(name, function () { lastActivity = Date.now(); }, { passive: true });
  });

  function beat() {
    if (document.visibilityState !== "visible" || Date.now() - lastActivity > idleAfter) return;
    fetch(url, {
      method: "POST",
      credentials: "same-origin",
      keepalive: true,
      headers: { "Content-Type": "application/json", "X-CSRFToken": token, "Accept": "application/json" },
      body: JSON.stringify({ visit: visit })
    }).catch(function () { /* offline: the next beat tries again */ });
  }

  setInterval(beat, every);
})();
