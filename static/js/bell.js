// The staff bell: refresh its unread count every 30 seconds from the bell partial's own URL.
// A static file, not an inline script, so the Content-Security-Policy stays strict.
(function () {
  var PERIOD = 30000;
  function refresh() {
    var bell = document.querySelector("[data-bell-url]");
    if (!bell) return;
    fetch(bell.dataset.bellUrl, { credentials: "same-origin", headers: { "X-Requested-With": "bell" } })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (!html) return;
        var holder = document.createElement("div");
        holder.innerHTML = html.trim();
        var fresh = holder.firstElementChild;
        if (fresh) bell.replaceWith(fresh);
      })
      .catch(function () {});
  }
  window.helpdeskBellRefresh = refresh;
  setInterval(refresh, PERIOD);
})();
