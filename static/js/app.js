// The product's behaviour on every page (a static file: the Content-Security-Policy allows no
// inline script). Countdowns tick, an error summary takes focus, a refused dialog reopens,
// keyboard shortcuts: "/" search, "r" reply, Ctrl/Cmd+Enter send.
(function () {
  "use strict";

  function spanWords(seconds) {
    var minutes = Math.floor(Math.max(seconds, 0) / 60);
    if (minutes < 60) return minutes + " min";
    var hours = Math.floor(minutes / 60); minutes = minutes % 60;
    if (hours < 24) return minutes ? hours + " h " + minutes + " m" : hours + " h";
    var days = Math.floor(hours / 24); hours = hours % 24;
    return hours ? days + " d " + hours + " h" : days + " d";
  }

  // Same wording as helpdesk/templatetags/ui.py's countdown filter.
  function tick(root) {
    (root || document).querySelectorAll("[data-due]").forEach(function (el) {
      var seconds = Math.round((Date.parse(el.dataset.due) - Date.now()) / 1000);
      var text = el.querySelector(".hd-countdown-text") || el;
      text.textContent = seconds >= 0 ? spanWords(seconds) + " left" : spanWords(-seconds) + " overdue";
      if (seconds < 0) el.classList.add("is-late");
    });
  }

  function focusErrors() {
    var summary = document.querySelector("[data-testid=error-summary]:not(.modal [data-testid=error-summary])");
    if (summary) summary.focus();
  }

  function reopenRefusedDialog() {
    var dialog = document.querySelector(".modal[data-open]");
    if (dialog && window.bootstrap) {
      var modal = window.bootstrap.Modal.getOrCreateInstance(dialog);
      dialog.addEventListener("shown.bs.modal", function () {
        var summary = dialog.querySelector("[data-testid=error-summary], .errors");
        if (summary) { summary.setAttribute("tabindex", "-1"); summary.focus(); }
      }, { once: true });
      modal.show();
    }
  }

  function typing(target) {
    return target.closest("input, textarea, select, [contenteditable]");
  }

  function shortcuts(event) {
    if ((event.ctrlKey || event.metaKey) && event.key === "Enter" && event.target.form) {
      event.preventDefault();
      event.target.form.requestSubmit();
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
    if (event.key === "/") {
      var search = document.querySelector("[data-shortcut='/']");
      if (search) { event.preventDefault(); search.focus(); }
    } else if (event.key === "r") {
      var reply = document.querySelector(".hd-composer textarea");
      if (reply) { event.preventDefault(); reply.scrollIntoView({ block: "center" }); reply.focus(); }
    }
  }

  // The composer's tabs: "Internal note" ticks the hidden checkbox and tints the composer.
  function composerTabs() {
    document.querySelectorAll("[data-composer-mode]").forEach(function (tab) {
      tab.addEventListener("click", function () {
        var composer = tab.closest(".hd-composer");
        var note = tab.dataset.composerMode === "note";
        var box = composer.querySelector("input[name=internal]");
        if (box) box.checked = note;
        composer.classList.toggle("is-note", note);
        composer.querySelectorAll("[data-composer-mode]").forEach(function (t) {
          t.classList.toggle("active", t === tab);
          t.setAttribute("aria-selected", t === tab ? "true" : "false");
        });
        var submit = composer.querySelector("button[type=submit]");
        if (submit) submit.textContent = note ? "Add internal note" : "Send reply";
      });
    });
  }

  // A table wider than its card scrolls inside it; the keyboard must be able to scroll it too.
  function focusableScrollers() {
    document.querySelectorAll("section.card table:not(.cases), .hd-table-wrap").forEach(function (el) {
      if (el.scrollWidth > el.clientWidth) el.tabIndex = 0;
    });
  }

  // The queue's bulk selection: a checkbox per row (form="bulk-form"), a select-all, and an action
  // bar that shows once a row is ticked. The list refreshes itself; the ticks and the scroll stay.
  function bulkSelection() {
    var bar = document.getElementById("bulk-form");
    if (!bar) return;
    var ticked = new Set();
    function boxes() { return document.querySelectorAll("input[name=cases][form=bulk-form]"); }
    function update() {
      ticked = new Set(Array.prototype.filter.call(boxes(), function (b) { return b.checked; }).map(function (b) { return b.value; }));
      var count = bar.querySelector("[data-bulk-count]");
      if (count) count.textContent = ticked.size;
      var all = document.querySelector("[data-select-all]");
      var total = boxes().length;
      if (all) { all.checked = total > 0 && ticked.size === total; all.indeterminate = ticked.size > 0 && ticked.size < total; }
      bar.classList.toggle("is-empty", ticked.size === 0 && !bar.querySelector("[data-testid=error-summary]"));
    }
    document.addEventListener("change", function (event) {
      var target = event.target;
      if (target.matches("[data-select-all]")) {
        boxes().forEach(function (b) { b.checked = target.checked; });
      }
      if (target.matches("[data-select-all], input[name=cases]")) update();
    });
    bar.querySelector("[data-bulk-clear]").addEventListener("click", function () {
      boxes().forEach(function (b) { b.checked = false; });
      update();
    });
    var scrollLeft = 0;
    document.body.addEventListener("htmx:beforeSwap", function (event) {
      if (event.detail.target.id !== "queue-list") return;
      var wrap = event.detail.target.querySelector(".hd-table-wrap");
      scrollLeft = wrap ? wrap.scrollLeft : 0;
    });
    document.body.addEventListener("htmx:afterSwap", function (event) {
      if (event.detail.target.id !== "queue-list" && !document.getElementById("queue-list").contains(event.detail.target)) return;
      boxes().forEach(function (b) { b.checked = ticked.has(b.value); });
      var wrap = document.querySelector("#queue-list .hd-table-wrap");
      if (wrap) wrap.scrollLeft = scrollLeft;
      update();
    });
    update();
  }

  document.addEventListener("DOMContentLoaded", function () {
    focusableScrollers();
    tick();
    setInterval(tick, 30000);
    focusErrors();
    reopenRefusedDialog();
    composerTabs();
    bulkSelection();
    document.addEventListener("keydown", shortcuts);
    document.body.addEventListener("htmx:afterSwap", function (event) {
      tick(event.detail.target);
    });
  });
})();
