// On a phone the catalog tree and the advanced search fold (<details data-fold-on-phone>), so
// that the results come first; on a desktop they stay as the page was sent. Loaded at the end of
// <body>, before the page is first painted. Without JavaScript they simply stay open.
(function () {
  "use strict";
  if (!window.matchMedia || !window.matchMedia("(max-width: 640px)").matches) {
    return;
  }
  var folding = document.querySelectorAll("details[data-fold-on-phone]");
  for (var i = 0; i < folding.length; i += 1) {
    folding[i].open = false;
  }
})();
