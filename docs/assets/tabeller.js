/* SIP-handboken: a wide table that scrolls sideways can be reached and scrolled with the keyboard. */
(function () {
  "use strict";

  function markScrollable() {
    var wraps = document.querySelectorAll(".md-typeset__scrollwrap");
    Array.prototype.forEach.call(wraps, function (wrap) {
      if (wrap.scrollWidth > wrap.clientWidth + 1) {
        wrap.setAttribute("tabindex", "0");
      } else if (wrap.getAttribute("tabindex") === "0") {
        wrap.removeAttribute("tabindex");
      }
    });
  }

  /* Material wraps tables when it mounts a page; check after each page and after resizing. */
  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(function () {
      window.setTimeout(markScrollable, 0);
    });
  }
  window.addEventListener("load", markScrollable);
  window.addEventListener("resize", markScrollable);
})();
