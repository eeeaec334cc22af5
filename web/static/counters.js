// A text field's counter (action_field.html): how much is typed of the field's limit,
// in the words the page gives (data-words, with {n} and {limit}). The limit itself is
// the field's maxlength, which the browser enforces.
document.addEventListener("input", function (event) {
  var field = event.target;
  var label = field.closest && field.closest("label");
  var counter = label && label.querySelector(".counter[data-counts='" + field.name + "']");
  if (!counter) return;
  counter.textContent = counter.dataset.words
    .replace("{n}", String(field.value.length))
    .replace("{limit}", counter.dataset.limit);
});
