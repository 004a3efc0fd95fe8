// The reply page shows the fields an outcome needs (部分公开: what is withheld and why; 不掌握:
// the organ responsible; 其他: the legal basis) and puts the cursor in the first of them.
(function () {
  "use strict";
  var radios = document.querySelectorAll('.reply-form input[name="outcome"]');
  var blocks = document.querySelectorAll(".reply-form [data-show-for]");
  function update(focus) {
    var checked = document.querySelector('.reply-form input[name="outcome"]:checked');
    var value = checked ? checked.value : "";
    var first = null;
    blocks.forEach(function (block) {
      var show = value === block.getAttribute("data-show-for");
      block.hidden = !show;
      if (show && !first) { first = block.querySelector("textarea, input[type=text], select"); }
    });
    if (focus) {
      var target = first || document.getElementById("id_reason");
      if (target) { target.focus(); }
    }
  }
  radios.forEach(function (radio) {
    radio.addEventListener("change", function () { update(true); });
  });
  update(false);
})();
