// Live build progress from the server-sent events of /api/builds/{id}/events.
// Without this script the build page refreshes itself every few seconds instead.
(function () {
  "use strict";
  var box = document.getElementById("progress");
  if (!box || !window.EventSource) { return; }
  var bar = document.getElementById("bar");
  var text = document.getElementById("progress-text");
  var source = new EventSource(box.getAttribute("data-events"));
  source.addEventListener("progress", function (event) {
    var state = JSON.parse(event.data);
    var percent = state.total ? Math.floor(100 * state.done / state.total) : 0;
    bar.value = percent;
    bar.textContent = percent + "%";
    text.textContent = state.done + "/" + state.total + " · " + percent + "%";
    box.setAttribute("data-status", state.status);
    if (state.status === "done" || state.status === "failed") {
      source.close();
      window.setTimeout(function () { window.location.reload(); }, 400);
    }
  });
  source.onerror = function () {
    source.close();
    window.setTimeout(function () { window.location.reload(); }, 3000);
  };
}());
