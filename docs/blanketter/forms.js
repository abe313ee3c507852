// SIP-handboken forms: a live character counter, the conditional question and focus on the
// error summary. The forms work without this file; it only makes them friendlier.
(function () {
  "use strict";

  function counters(form) {
    form.querySelectorAll("textarea[data-counter]").forEach(function (area) {
      var limit = parseInt(area.getAttribute("data-counter"), 10);
      var out = document.getElementById(area.id + "-counter");
      if (!out) { return; }
      var timer = null;
      function update() {
        var left = limit - area.value.length;
        out.textContent = left >= 0
          ? "Du har " + left + " tecken kvar av " + limit + "."
          : "Du har " + (-left) + " tecken för mycket.";
      }
      // Debounced so a screen reader is not interrupted on every keystroke.
      area.addEventListener("input", function () {
        clearTimeout(timer);
        timer = setTimeout(update, 400);
      });
      var ids = (area.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
      if (ids.indexOf(out.id) < 0) { ids.push(out.id); }
      area.setAttribute("aria-describedby", ids.join(" "));
    });
  }

  function conditionals(form) {
    form.querySelectorAll("[data-show-if]").forEach(function (wrapper) {
      var control = wrapper.getAttribute("data-show-if");
      var wanted = wrapper.getAttribute("data-show-value");
      var hint = wrapper.querySelector(".sip-hint");
      function update() {
        var checked = form.querySelector('input[name="' + control + '"]:checked');
        var show = !!checked && checked.value === wanted;
        wrapper.hidden = !show;
        // A hidden question is not sent, so a stale value cannot contradict the answer above.
        wrapper.querySelectorAll("input, select, textarea").forEach(function (el) {
          el.disabled = !show;
        });
      }
      if (hint) {
        hint.textContent = hint.textContent.replace(/\s*Svara bara om du har svarat .*$/, "");
      }
      form.querySelectorAll('input[name="' + control + '"]').forEach(function (radio) {
        radio.addEventListener("change", update);
      });
      update();
    });
  }

  document.querySelectorAll(".sip-form form").forEach(function (form) {
    counters(form);
    conditionals(form);
  });
  var summary = document.querySelector(".sip-error-summary");
  if (summary) {
    summary.focus();
    // Follow a summary link to its field: focus the input and show its question above it.
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      var input = link && document.getElementById(link.getAttribute("href").slice(1));
      if (!input) { return; }
      event.preventDefault();
      var field = input.closest(".sip-field") || input;
      field.scrollIntoView();
      input.focus({ preventScroll: true });
    });
  }
})();
