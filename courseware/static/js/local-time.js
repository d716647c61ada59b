// Moments are written by the server in UTC, in <time datetime="..." data-local-time> elements.
// Once the page has loaded, each is shown in the reader's own time zone, as the browser knows it;
// without JavaScript the UTC text stays, labelled as such.
(function () {
  "use strict";
  if (!window.Intl || !Intl.DateTimeFormat) return;
  var format = new Intl.DateTimeFormat(undefined, {
    day: "numeric", month: "short", year: "numeric",
    hour: "2-digit", minute: "2-digit", timeZoneName: "short"
  });
  function localise(root) {
    var items = root.querySelectorAll("time[data-local-time]");
    for (var i = 0; i < items.length; i++) {
      var moment = new Date(items[i].getAttribute("datetime"));
      if (!isNaN(moment.getTime())) {
        items[i].title = items[i].textContent;  // the UTC moment, on hover
        items[i].textContent = format.format(moment);
      }
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { localise(document); });
  } else {
    localise(document);
  }
})();
