/* safetynet: the few behaviours the pages need, here and not inline, so the Content Security
   Policy can forbid inline scripts. */
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-print]");
  if (button) { event.preventDefault(); window.print(); }
});
/* A form whose action is built from one of its fields: data-action="/notices/village/{code}/". */
document.addEventListener("submit", function (event) {
  var form = event.target, pattern = form.getAttribute("data-action");
  if (!pattern) return;
  form.action = pattern.replace(/\{(\w+)\}/g, function (_, name) { return encodeURIComponent(form.elements[name].value); });
});
