/* SIP-handboken: keep ticked checklist boxes in this browser (localStorage); nothing is sent anywhere. */
(function () {
  "use strict";
  var PREFIX = "sip-handboken:kryss:";

  function storage() {
    try {
      var probe = PREFIX + "probe";
      window.localStorage.setItem(probe, "1");
      window.localStorage.removeItem(probe);
      return window.localStorage;
    } catch (error) {
      return null; /* Private mode or blocked storage: the boxes still work, they are just not kept. */
    }
  }

  function setUp() {
    var store = storage();
    var lists = document.querySelectorAll(".sip-checklista");
    Array.prototype.forEach.call(lists, function (list) {
      var boxes = list.querySelectorAll("input.sip-kryss");
      Array.prototype.forEach.call(boxes, function (box) {
        if (box.dataset.sipReady) {
          return;
        }
        box.dataset.sipReady = "1";
        if (store && store.getItem(PREFIX + box.id) === "1") {
          box.checked = true;
        }
        box.addEventListener("change", function () {
          if (!store) {
            return;
          }
          if (box.checked) {
            store.setItem(PREFIX + box.id, "1");
          } else {
            store.removeItem(PREFIX + box.id);
          }
        });
      });
      if (!list.querySelector(".sip-nollstall")) {
        var reset = document.createElement("button");
        reset.type = "button";
        reset.className = "sip-nollstall";
        reset.textContent = "Töm listan";
        reset.addEventListener("click", function () {
          Array.prototype.forEach.call(boxes, function (box) {
            box.checked = false;
            if (store) {
              store.removeItem(PREFIX + box.id);
            }
          });
        });
        list.appendChild(reset);
      }
    });
  }

  /* Material's instant loading swaps pages without a reload: document$ announces each page. */
  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(setUp);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
