// Live preview for the message template editor (progressive enhancement: without this file the "Preview"
// button re-renders the page). While the admin types, the form is posted to the preview endpoint at most
// once per pause (300 ms) and the card it returns replaces the one shown. The form's own CSRF token travels
// in the body, and again in the header Flask-WTF reads.
(function () {
  "use strict";

  var PAUSE_MS = 300;

  function enhance(form) {
    var target = document.getElementById(form.getAttribute("data-preview-target"));
    var url = form.getAttribute("data-preview-url");
    if (!target || !url || !window.fetch || !window.FormData) {
      return;
    }
    var token = form.querySelector("input[name=csrf_token]");
    var timer = null;
    var latest = 0;
    var inFlight = null;

    function failed() {
      var message = document.createElement("p");
      message.className = "alert alert--error";
      message.textContent = form.getAttribute("data-preview-failed");
      target.replaceChildren(message);
    }

    function refresh() {
      var request = ++latest;
      if (inFlight && window.AbortController) {
        inFlight.abort();
      }
      inFlight = window.AbortController ? new AbortController() : null;
      target.setAttribute("aria-busy", "true");
      fetch(url, {
        method: "POST",
        body: new FormData(form),
        credentials: "same-origin",
        headers: {"Accept": "application/json", "X-CSRFToken": token ? token.value : ""},
        signal: inFlight ? inFlight.signal : undefined
      }).then(function (response) {
        // 200: the card; 422: why it cannot be shown (both carry the HTML to swap in).
        if (response.status !== 200 && response.status !== 422) {
          throw new Error("preview answered " + response.status);
        }
        return response.json();
      }).then(function (body) {
        if (request === latest) {
          target.innerHTML = body.html;
          target.removeAttribute("aria-busy");
        }
      }).catch(function (error) {
        if (request === latest && error.name !== "AbortError") {
          failed();
          target.removeAttribute("aria-busy");
        }
      });
    }

    function schedule() {
      window.clearTimeout(timer);
      timer = window.setTimeout(refresh, PAUSE_MS);
    }

    form.addEventListener("input", schedule);
    form.addEventListener("change", schedule);
  }

  document.querySelectorAll("form[data-preview-url]").forEach(enhance);
})();
