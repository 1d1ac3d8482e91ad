/* The temporary-assistance report: the 2020 one-off for the uninsured unemployed (its cause and
   its two questions) is offered only for an event on a day its rule is in force; the periods come
   from the dated rule (data-unemployed-periods="[[from, until], ...]", until "" for open-ended). */
(function () {
  var forms = document.querySelectorAll("form[data-unemployed-periods]");
  Array.prototype.forEach.call(forms, function (form) {
    var periods = JSON.parse(form.getAttribute("data-unemployed-periods")), day = form.elements["occurred_on"];
    if (!day) return;
    function inForce(value) {
      return !!value && periods.some(function (p) { return value >= p[0] && (!p[1] || value <= p[1]); });
    }
    function apply() {
      var shown = inForce(day.value), cause = form.elements["cause"];
      Array.prototype.forEach.call(form.querySelectorAll("[data-unemployed]"), function (el) {
        el.hidden = !shown;
        if (el.tagName === "OPTION") {
          el.disabled = !shown;
          if (!shown && el.selected && cause) cause.value = "";
        }
      });
    }
    day.addEventListener("change", apply);
    day.addEventListener("input", apply);
    apply();
  });
})();
