// A page waiting on something outside the browser (a Zalo link code, a test message) reloads itself when its
// JSON status endpoint reports a new `state`. Progressive enhancement: without JavaScript the page's "Check"
// button does the same. The element: <div data-poll-url="..." data-poll-state="..." data-poll-interval="ms">
// (the setting STATUS_POLL_MS, 3000 unless changed; the browser tests shorten it). Progress shown meanwhile:
// inside it, an element with data-poll-field="name" takes the endpoint's `name` as its text, a <progress> with
// data-poll-field="name" as its value.
(function () {
  "use strict";
  var element = document.querySelector("[data-poll-url]");
  if (!element || !window.fetch) {
    return;
  }
  var url = element.getAttribute("data-poll-url");
  var state = element.getAttribute("data-poll-state");
  var INTERVAL_MS = Number(element.getAttribute("data-poll-interval")) || 3000;
  var MAX_CHECKS = Math.ceil(20 * 60 * 1000 / INTERVAL_MS); // 20 minutes, then the "Check" button

  function show(body) {
    element.querySelectorAll("[data-poll-field]").forEach(function (target) {
      var value = body[target.getAttribute("data-poll-field")];
      if (value === undefined || value === null) { return; }
      if (target.tagName === "PROGRESS") { target.value = value; } else { target.textContent = value; }
    });
  }

  function check(remaining) {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (body) {
        if (body && body.state !== state) {
          window.location.reload();
          return;
        }
        if (body) { show(body); }
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

  window.setTimeout(function () { check(MAX_CHECKS); }, INTERVAL_MS);
})();
