// A search box above each grouped 事项 choice: typing hides the 事项 (and 一级事项 groups) that
// do not contain the text. Without JavaScript the grouped list works as it is.
(function () {
  "use strict";
  function attach(select) {
    if (select.dataset.filterReady) { return; }
    select.dataset.filterReady = "1";
    var box = document.createElement("input");
    box.type = "search";
    box.className = "entry-filter";
    box.placeholder = "输入文字筛选事项";
    box.setAttribute("aria-label", "筛选事项");
    select.parentNode.insertBefore(box, select);
    box.addEventListener("input", function () {
      var text = box.value.trim();
      Array.prototype.forEach.call(select.querySelectorAll("optgroup"), function (group) {
        var shown = 0;
        var groupHit = text !== "" && group.label.indexOf(text) !== -1;
        Array.prototype.forEach.call(group.querySelectorAll("option"), function (option) {
          var hit = text === "" || groupHit || option.text.indexOf(text) !== -1 || option.selected;
          option.hidden = !hit;
          if (hit) { shown += 1; }
        });
        group.hidden = shown === 0;
      });
    });
  }
  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("select[data-entry-filter]"), attach);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
