// The template editor's field buttons (progressive enhancement: without this file the fields are listed as text
// to copy). A click inserts the field, e.g. "[Mã hồ sơ]", at the cursor of the text the admin last clicked in (an
// input of the same form marked data-takes-fields; the first one until then), and says which text that is. The
// "input" event it sends lets template-preview.js refresh the preview as if the admin had typed.
(function () {
  "use strict";

  function labelOf(box) {
    var label = box.id ? document.querySelector("label[for='" + box.id + "']") : null;
    return label ? label.textContent.trim() : "";
  }

  function insert(box, text) {
    var start = box.selectionStart;
    var end = box.selectionEnd;
    if (typeof start !== "number") {
      start = end = box.value.length;
    }
    box.focus();
    box.setRangeText(text, start, end, "end");
    box.dispatchEvent(new Event("input", {bubbles: true}));
  }

  function enhance(picker) {
    var form = picker.closest("form");
    var boxes = form ? form.querySelectorAll("[data-takes-fields]") : [];
    if (!boxes.length || typeof boxes[0].setRangeText !== "function") {
      return;
    }
    var current = boxes[0];
    var shown = picker.querySelector("[data-picker-target]");

    function choose(box) {
      current = box;
      shown.textContent = labelOf(box);
    }

    form.addEventListener("focusin", function (event) {
      if (event.target.hasAttribute("data-takes-fields")) {
        choose(event.target);
      }
    });
    picker.querySelectorAll("[data-insert]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        insert(current, button.getAttribute("data-insert"));
      });
    });
    picker.querySelector("[data-picker-hint=copy]").hidden = true;
    picker.querySelector("[data-picker-hint=buttons]").hidden = false;
    picker.classList.add("field-picker--buttons");
    choose(current);
  }

  document.querySelectorAll("[data-field-picker]").forEach(enhance);
})();
