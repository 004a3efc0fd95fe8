// Application form: show the organisation fields only for legal persons and other organisations.
(function () {
  "use strict";
  function focusErrors() {
    // After a refused post, go to the error summary (not the top of the privacy notice).
    var summary = document.querySelector("[data-error-summary]");
    if (!summary) { return; }
    summary.focus();
    summary.scrollIntoView({ block: "start" });
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[data-focus]");
      var field = link && document.getElementById(link.getAttribute("data-focus"));
      if (field) { event.preventDefault(); field.scrollIntoView({ block: "center" }); field.focus(); }
    });
  }
  function init() {
    focusErrors();
    var type = document.getElementById("id_applicant_type");
    var org = document.querySelector("[data-org-fields]");
    if (!type || !org) { return; }
    function sync() { org.hidden = type.value === "natural_person"; }
    type.addEventListener("change", sync);
    sync();
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
