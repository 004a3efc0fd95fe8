/* Staff pages: give the admin's autocomplete boxes (select2) the label of their field,
   so that screen readers announce what is being searched. */
(function () {
  "use strict";
  function fieldLabel(element) {
    var box = element.closest(".select2");
    var select = box && box.previousElementSibling;
    return select && select.id ? document.querySelector('label[for="' + select.id + '"]') : null;
  }
  function label() {
    document.querySelectorAll(".select2-search__field:not([aria-label])").forEach(function (field) {
      var own = fieldLabel(field);
      field.setAttribute("aria-label", own ? own.textContent.replace(/[:：]\s*$/, "").trim() : "搜索");
    });
    // A single choice is named by its selection only, which is empty until one is made: put the
    // field's own label first in the box's name.
    document.querySelectorAll(".select2-selection--single[role=combobox]:not([data-named])").forEach(function (box) {
      var own = fieldLabel(box);
      box.setAttribute("data-named", "");
      if (!own) { return; }
      if (!own.id) { own.id = own.htmlFor + "_label"; }
      var rest = box.getAttribute("aria-labelledby");
      box.setAttribute("aria-labelledby", rest ? own.id + " " + rest : own.id);
    });
  }
  // select2 draws (and redraws) its search box after the page has loaded.
  window.addEventListener("load", function () {
    label();
    new MutationObserver(label).observe(document.body, { childList: true, subtree: true });
  });
})();
