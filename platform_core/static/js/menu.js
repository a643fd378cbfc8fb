// The phone menu: the header's button shows or hides what its aria-controls names (the account links and the
// section menu of a console or the wizard). Closed at first on narrow screens; CSS shows the button and hides
// [data-menu] elements only where scripting is on (`@media (scripting: enabled)`), so without JavaScript
// every link stays visible. Escape closes the menu and gives the focus back to the button.
(function () {
  "use strict";
  var button = document.querySelector("[data-menu-toggle]");
  if (!button) {
    return;
  }
  var panels = button.getAttribute("aria-controls").split(" ").map(function (id) {
    return document.getElementById(id);
  }).filter(Boolean);

  function setOpen(open) {
    button.setAttribute("aria-expanded", open ? "true" : "false");
    panels.forEach(function (panel) {
      if (open) {
        panel.setAttribute("data-open", "");
      } else {
        panel.removeAttribute("data-open");
      }
    });
  }

  button.addEventListener("click", function () {
    setOpen(button.getAttribute("aria-expanded") !== "true");
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true") {
      setOpen(false);
      button.focus();
    }
  });
})();
