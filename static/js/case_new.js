// The portal's new-case form: show the phone numbers prominently once a level that must be
// phoned in is chosen. A file of its own, not an inline script: the Content-Security-Policy
// allows only the product's own scripts.
(function () {
  var note = document.getElementById("phone-note");
  if (!note) return;
  function update() {
    var chosen = document.querySelector("input[name=priority]:checked");
    note.hidden = !(chosen && chosen.dataset.mustPhone);
  }
  document.querySelectorAll("input[name=priority]").forEach(function (input) {
    input.addEventListener("change", update);
  });
  update();
})();
