// Reading aids on document pages: 字号 大/中/小 (remembered in this browser) and 打印.
// The size is applied at once (this file is loaded in <head>, not deferred) so the page does not
// jump; the buttons are shown only when this script runs, since they need it.
(function () {
  "use strict";
  var KEY = "zwgk-font-size";
  var SIZES = ["large", "medium", "small"];
  var root = document.documentElement;

  function stored() {
    try {
      return window.localStorage.getItem(KEY);
    } catch (e) {
      return null; // storage refused (private mode, policies): the default size
    }
  }

  function apply(size) {
    if (SIZES.indexOf(size) < 0) {
      size = "medium";
    }
    root.setAttribute("data-font-size", size);
    var buttons = document.querySelectorAll("[data-font-size-choice]");
    for (var i = 0; i < buttons.length; i += 1) {
      var on = buttons[i].getAttribute("data-font-size-choice") === size;
      buttons[i].setAttribute("aria-pressed", on ? "true" : "false");
    }
    return size;
  }

  apply(stored());

  document.addEventListener("DOMContentLoaded", function () {
    var tools = document.querySelector(".reading-tools");
    if (!tools) {
      return;
    }
    tools.hidden = false;
    apply(stored());
    tools.addEventListener("click", function (event) {
      var button = event.target.closest("button");
      if (!button) {
        return;
      }
      if (button.hasAttribute("data-print")) {
        window.print();
        return;
      }
      var size = apply(button.getAttribute("data-font-size-choice"));
      try {
        window.localStorage.setItem(KEY, size);
      } catch (e) {
        // not remembered; the page still changes
      }
    });
  });
})();
