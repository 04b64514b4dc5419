/* The browser's own form checks (required, minlength, type="email", min/max) speak the browser's
   language, not the page's: Chromium in English says "Please fill out this field." on a Malay page.
   This gives each check the page's words (#validation-messages, written by base.html in the page's
   language); the checks themselves stay the browser's, and the server still validates everything. */
(function () {
  "use strict";
  var node = document.getElementById("validation-messages");
  if (!node) return;
  var text = JSON.parse(node.textContent);

  function shown(value) {
    var iso = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}:\d{2}))?/.exec(value || "");
    if (!iso) return value;
    return iso[3] + "/" + iso[2] + "/" + iso[1] + (iso[4] ? " " + iso[4] : "");
  }

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_, key) { return String(values[key]); });
  }

  function message(el) {
    var v = el.validity;
    if (v.valueMissing) {
      if (el.type === "checkbox") return text.checkbox;
      if (el.tagName === "SELECT" || el.type === "radio") return text.select;
      if (el.type === "file") return text.file;
      return text.required;
    }
    if (v.typeMismatch) return el.type === "email" ? text.email : el.type === "url" ? text.url : text.invalid;
    if (v.tooShort) return fill(text.tooShort, { min: el.minLength, length: el.value.length });
    if (v.tooLong) return fill(text.tooLong, { max: el.maxLength, length: el.value.length });
    if (v.rangeUnderflow) return fill(text.rangeUnderflow, { min: shown(el.min) });
    if (v.rangeOverflow) return fill(text.rangeOverflow, { max: shown(el.max) });
    if (v.patternMismatch) return el.title || text.invalid;
    if (v.stepMismatch || v.badInput) return text.invalid;
    return "";
  }

  document.addEventListener("invalid", function (event) {
    var el = event.target;
    if (!el.setCustomValidity) return;
    el.setCustomValidity("");
    if (!el.validity.valid) el.setCustomValidity(message(el));
  }, true);

  function clear(event) {
    if (event.target.setCustomValidity) event.target.setCustomValidity("");
  }
  document.addEventListener("input", clear, true);
  document.addEventListener("change", clear, true);
})();
