// Saved replies on the case page: choosing one fills the form of what it does (a reply, asking
// for information, proposing the resolution) with its text and opens that form. The text was
// filled in and escaped by the server; it is set as a value, never as HTML.
(function () {
  var TARGETS = {
    "": "[data-testid=action-comment] textarea[name=body]",
    waiting_on_customer: "[data-testid=action-request-info] textarea[name=message]",
    propose_resolution: "[data-testid=action-resolve] textarea[name=message]",
  };
  var select = document.querySelector("[data-canned]");
  if (!select) return;
  select.addEventListener("change", function () {
    var option = select.options[select.selectedIndex];
    if (!option || !option.value) return;
    var box = document.querySelector(TARGETS[option.dataset.followUp || ""] || TARGETS[""]);
    if (!box) return;
    var details = box.closest("details");
    if (details) details.open = true;
    var dialog = box.closest(".modal");
    if (dialog && window.bootstrap) window.bootstrap.Modal.getOrCreateInstance(dialog).show();
    box.value = option.dataset.body;
    box.focus();
  });
})();
