// Catalog filters: choosing an agency reloads the form so that its own channels can be offered.
// Without JavaScript the same happens on the next search.
(function () {
  "use strict";
  var agency = document.querySelector(".catalog-filter select[name=agency]");
  if (!agency) {
    return;
  }
  agency.addEventListener("change", function () {
    var channel = agency.form.querySelector("select[name=channel]");
    if (channel) {
      channel.value = "";
    }
    agency.form.submit();
  });
})();
