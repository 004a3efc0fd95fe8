// Application form: show the organisation fields only for legal persons and other organisations.
(function () {
  "use strict";
  function init() {
    var type = document.getElementById("id_applicant_type");
    var org = document.querySelector("[data-org-fields]");
    if (!type || !org) { return; }
    function sync() { org.hidden = type.value === "natural_person"; }
    type.addEventListener("change", sync);
    sync();
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
