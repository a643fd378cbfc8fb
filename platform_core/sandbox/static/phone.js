// The phone view: the conversation refreshes every 3 s (the sandbox's phone_refresh_ms setting) without reloading
// the page (what is being typed stays).
(function () {
  "use strict";
  var box = document.getElementById("conversation");
  if (!box) {
    return;
  }
  var last = box.innerHTML;
  setInterval(function () {
    fetch(box.dataset.src).then(function (r) { return r.ok ? r.text() : null; }).then(function (html) {
      if (html !== null && html !== last) { box.innerHTML = html; last = html; box.scrollTop = box.scrollHeight; }
    }).catch(function () {});
  }, Number(box.dataset.refreshMs) || 3000);
  box.scrollTop = box.scrollHeight;
})();
