// A broadcast's progress bar (templates/broadcasts/show.html): polls the JSON progress endpoint, updates the
// <progress> bar and the counts in place, and reloads the page once the status changes (to show the final report).
// Without JavaScript the page refreshes itself every 10 seconds while sending (<noscript> meta refresh).
(function () {
  "use strict";
  var section = document.querySelector("[data-progress-url]");
  if (!section || !window.fetch) {
    return;
  }
  var url = section.getAttribute("data-progress-url");
  var status = section.getAttribute("data-progress-status");
  var bar = document.getElementById("news-bar");
  var INTERVAL_MS = 1500, MAX_CHECKS = 2400; // an hour, then the "Refresh" link

  function show(body) {
    bar.max = body.total || 1;
    bar.value = body.total - body.queued - body.deferred;
    bar.textContent = body.percent_done + "%";
    section.querySelectorAll("[data-count]").forEach(function (cell) {
      var value = body[cell.getAttribute("data-count")];
      if (value !== undefined) { cell.textContent = value; }
    });
  }

  function check(remaining) {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (body) {
        if (body) {
          show(body);
          if (body.status !== status) {
            window.location.reload();
            return;
          }
        }
        if (remaining > 0) {
          window.setTimeout(function () { check(remaining - 1); }, INTERVAL_MS);
        }
      })
      .catch(function () {
        if (remaining > 0) {
          window.setTimeout(function () { check(remaining - 1); }, INTERVAL_MS * 3);
        }
      });
  }

  if (status === "sending") {
    window.setTimeout(function () { check(MAX_CHECKS); }, INTERVAL_MS);
  }
})();
