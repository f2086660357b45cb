// Progressive enhancement only: every form works without this file (the editor's own
// script is static/editor.js).
// Job page (documents): poll the job every second, move the progress bar, reload once it is done.
(function () {
  "use strict";
  var box = document.querySelector("[data-job-poll]");
  if (!box || !box.querySelector("[data-job-refresh]") || !window.fetch) { return; }
  var url = box.getAttribute("data-job-poll");
  var bar = box.querySelector("[data-job-progress]");
  var percent = box.querySelector("[data-job-percent]");
  var label = box.querySelector("[data-job-label]");
  function show(job) {
    if (bar) { bar.value = job.progress; bar.textContent = job.progress + " %"; }
    if (percent) { percent.textContent = job.progress + " %"; }
    if (label) { label.textContent = job.label; }
  }
  function tick() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (job) {
        if (!job) { return; }
        show(job);
        if (job.status === "finished" || job.status === "failed") { window.location.reload(); return; }
        window.setTimeout(tick, 1000);
      })
      .catch(function () { window.setTimeout(tick, 3000); });
  }
  window.setTimeout(tick, 1000);
})();
// Deadlines: keep "time left" live; the server already rendered it, so this is only a refresh.
// Past 24 h the state is said in words ("moins de 24 h", "échue"), not by colour alone.
(function () {
  "use strict";
  var DAY = 86400000;
  function remaining(ms) {
    if (ms < 0) { return "échue"; }
    var minutes = Math.floor(ms / 60000), days = Math.floor(minutes / 1440);
    var hours = Math.floor((minutes % 1440) / 60), mins = minutes % 60;
    if (days) { return "dans " + days + " j " + hours + " h"; }
    if (hours) { return "dans " + hours + " h " + (mins < 10 ? "0" : "") + mins + " min"; }
    return "dans " + mins + " min";
  }
  function flag(box, text) {
    var tag = box.querySelector(".deadline-flag");
    if (!text) { if (tag) { tag.parentNode.removeChild(tag); } return; }
    if (!tag) {
      tag = document.createElement("strong");
      tag.className = "deadline-flag";
      box.appendChild(document.createTextNode(" "));
      box.appendChild(tag);
    }
    tag.textContent = text;
  }
  function refresh() {
    var now = Date.now();
    document.querySelectorAll("[data-deadline]").forEach(function (box) {
      var left = Date.parse(box.getAttribute("data-deadline")) - now;
      if (isNaN(left)) { return; }
      var label = box.querySelector(".deadline-left");
      if (label) { label.textContent = remaining(left); }
      box.classList.toggle("deadline-soon", left >= 0 && left < DAY);
      box.classList.toggle("deadline-passed", left < 0);
      flag(box, left >= 0 && left < DAY ? "moins de 24 h" : "");
    });
  }
  if (document.querySelector("[data-deadline]")) { refresh(); window.setInterval(refresh, 15000); }
})();
