/* Staff pages: give the admin's autocomplete search boxes (select2) the label of their field,
   so that screen readers announce what is being searched. */
(function () {
  "use strict";
  function label() {
    document.querySelectorAll(".select2-search__field:not([aria-label])").forEach(function (field) {
      var box = field.closest(".select2");
      var select = box && box.previousElementSibling;
      var text = "搜索";
      if (select && select.id) {
        var own = document.querySelector('label[for="' + select.id + '"]');
        if (own) { text = own.textContent.replace(/[:：]\s*$/, "").trim(); }
      }
      field.setAttribute("aria-label", text);
    });
  }
  // select2 draws (and redraws) its search box after the page has loaded.
  window.addEventListener("load", function () {
    label();
    new MutationObserver(label).observe(document.body, { childList: true, subtree: true });
  });
})();
