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
/* A grave step (withdraw, suspend, terminate) asks first: a form with data-confirm="question"
   opens the page's one <dialog>; only "确定" sends it. Without scripts the form just submits. */
document.addEventListener("submit", function (event) {
  var form = event.target, question = form.getAttribute("data-confirm"), dialog = document.getElementById("confirm-dialog");
  if (!question || !dialog || !dialog.showModal) return;
  if (form.getAttribute("data-confirmed") === "1") { form.removeAttribute("data-confirmed"); return; }
  event.preventDefault();
  var submitter = event.submitter || null;
  document.getElementById("confirm-text").textContent = question;
  dialog.returnValue = "";
  dialog.onclose = function () {
    dialog.onclose = null;
    if (dialog.returnValue !== "ok") return;
    form.setAttribute("data-confirmed", "1");
    if (form.requestSubmit) { form.requestSubmit(submitter); } else { form.submit(); }
  };
  dialog.showModal();
  document.getElementById("confirm-cancel").focus();
}, true);
