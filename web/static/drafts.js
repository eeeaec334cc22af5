// Drafts (草稿): what a clerk types into a form marked data-draft is kept in this tab's
// sessionStorage as it is typed, so a session that ends before the form is sent loses
// nothing: after signing in again the page comes back and the text with it. A draft is
// dropped once a page after its sending shows no refusal. The citizen's name and phone
// are never kept.
(function () {
  "use strict";
  var SENT = "draft-sent";
  var NEVER = /^(csrf_token|form_key|citizen_name|citizen_phone|password)$/;

  function keyOf(form) {
    return "draft:" + location.pathname + ":" + (form.getAttribute("action") || "");
  }

  function fieldsOf(form) {
    return Array.prototype.filter.call(form.elements, function (field) {
      return field.name && !NEVER.test(field.name) && field.type !== "hidden" &&
        field.type !== "submit" && field.type !== "password";
    });
  }

  function save(form) {
    var values = {};
    fieldsOf(form).forEach(function (field) {
      if (field.type === "radio" || field.type === "checkbox") {
        if (field.checked) { values[field.name] = field.value; }
      } else if (field.value) {
        values[field.name] = field.value;
      }
    });
    try { sessionStorage.setItem(keyOf(form), JSON.stringify(values)); } catch (e) { /* full */ }
  }

  function restore(form) {
    var kept = sessionStorage.getItem(keyOf(form));
    if (!kept) { return; }
    var values = JSON.parse(kept), restored = false;
    fieldsOf(form).forEach(function (field) {
      if (!(field.name in values)) { return; }
      if (field.type === "radio" || field.type === "checkbox") {
        if (!form.querySelector("[name='" + field.name + "']:checked")) {
          field.checked = field.value === values[field.name];
          restored = restored || field.checked;
        }
      } else if (!field.value) {  // what the server filled in wins
        field.value = values[field.name];
        restored = true;
      }
    });
    if (!restored) { return; }
    var details = form.closest("details");
    if (details) { details.open = true; }
    var note = document.createElement("p");
    note.className = "notice draft-restored";
    note.setAttribute("role", "status");
    note.textContent = form.getAttribute("data-draft") || "";
    form.insertBefore(note, form.firstChild);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var sent = sessionStorage.getItem(SENT);
    var signingIn = location.pathname.indexOf("/sign-in") === 0;
    if (sent && signingIn) {
      sessionStorage.removeItem(SENT);  // it did not go through: the draft stays
    } else if (sent && !document.querySelector(".error")) {
      sessionStorage.removeItem(sent);  // it went through: its draft is done with
      sessionStorage.removeItem(SENT);
    }
    document.querySelectorAll("form[data-draft]").forEach(function (form) {
      restore(form);
      form.addEventListener("input", function () { save(form); });
      form.addEventListener("change", function () { save(form); });
      form.addEventListener("submit", function () {
        save(form);
        sessionStorage.setItem(SENT, keyOf(form));
      });
    });
  });
})();
