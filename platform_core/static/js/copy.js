// A "Copy" button beside a value shown once (a new API key): copies the value of the element its
// data-copy-target names and says so. Progressive enhancement: the button is hidden until this script runs,
// and without JavaScript the value stays selectable in its field.
(function () {
  "use strict";
  document.querySelectorAll("[data-copy-target]").forEach(function (button) {
    var target = document.getElementById(button.getAttribute("data-copy-target"));
    if (!target) {
      return;
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      var done = function () { button.textContent = button.getAttribute("data-copied-label"); };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(target.value).then(done, function () { target.select(); });
      } else {
        target.select();
        done();
        document.execCommand("copy");
      }
    });
  });
})();
