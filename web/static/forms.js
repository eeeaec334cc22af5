// A form that cannot be undone asks first: data-confirm="…" on the form (or its button)
// is the question; data-confirm-if="field:value" asks only when that answer is chosen
// (refusing, not approving). Cancelled, nothing is sent. A file, not inline: the CSP.
"use strict";
document.addEventListener("submit", function (event) {
  var form = event.target;
  var button = event.submitter;
  var question = (button && button.dataset.confirm) || form.dataset.confirm;
  if (!question) return;
  var when = form.dataset.confirmIf;
  if (when) {
    var parts = when.split(":");
    var chosen = form.querySelector("[name='" + parts[0] + "']:checked");
    if (!chosen || chosen.value !== parts[1]) return;
  }
  if (!window.confirm(question)) event.preventDefault();
}, true);
