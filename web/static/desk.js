// The agent's intake form: the category picker (choose a suggestion with the mouse or
// the arrow keys and Enter), Ctrl+Enter registers the call, Alt+1…4 picks the channel.
(function () {
  "use strict";
  var form = document.getElementById("intake-form");
  if (!form) return;
  var query = document.getElementById("intake-category-query");
  var code = document.getElementById("intake-category");
  var list = document.getElementById("category-options");

  function options() { return Array.prototype.slice.call(list.querySelectorAll("[data-code]")); }
  function selected() { return list.querySelector("[aria-selected=true]"); }

  function choose(option) {
    code.value = option.dataset.code;
    query.value = option.dataset.path;
    query.setCustomValidity("");
    list.innerHTML = "";
    query.setAttribute("aria-expanded", "false");
    code.dispatchEvent(new Event("change", { bubbles: true }));  // the routing preview
  }

  function move(step) {
    var all = options();
    if (!all.length) return;
    var at = all.indexOf(selected());
    var next = all[(at + step + all.length) % all.length];
    all.forEach(function (o) { o.removeAttribute("aria-selected"); });
    next.setAttribute("aria-selected", "true");
    query.setAttribute("aria-activedescendant", next.id);
    next.scrollIntoView({ block: "nearest" });
  }

  query.addEventListener("input", function () {
    code.value = "";  // what is typed is not yet a category
  });
  query.addEventListener("keydown", function (event) {
    if (event.key === "ArrowDown") { move(1); event.preventDefault(); }
    else if (event.key === "ArrowUp") { move(-1); event.preventDefault(); }
    else if (event.key === "Enter" && !event.ctrlKey && selected()) {
      choose(selected());
      event.preventDefault();
    } else if (event.key === "Escape") { list.innerHTML = ""; }
  });
  list.addEventListener("mousedown", function (event) {
    var option = event.target.closest("[data-code]");
    if (option) { choose(option); event.preventDefault(); }
  });
  document.body.addEventListener("htmx:afterSwap", function (event) {
    if (event.target === list) query.setAttribute("aria-expanded", options().length ? "true" : "false");
  });

  var channel = document.getElementById("intake-channel");
  document.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      form.requestSubmit();
    } else if (event.altKey && channel && event.key >= "1" && event.key <= "9") {
      var option = channel.options[Number(event.key) - 1];
      if (option) { channel.value = option.value; event.preventDefault(); }
    }
  });
})();
