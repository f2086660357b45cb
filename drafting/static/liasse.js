// Progressive enhancement only: every form works without this file.
(function () {
  "use strict";
  function insertFormula(button) {
    var area = document.getElementById("dispositif");
    var alinea = document.getElementById("alinea");
    var article = document.getElementById("article");
    if (!area) { return; }
    var text = button.getAttribute("data-formula")
      .replace("{n}", (alinea && alinea.value) || "N")
      .replace("{article}", (article && article.value) || "N")
      .replace(/« /g, "«\u00a0").replace(/ »/g, "\u00a0»").replace(/«…/g, "«\u00a0…").replace(/…»/g, "…\u00a0»")
      .replace(/ :/g, "\u00a0:");
    var start = area.selectionStart || 0;
    area.value = area.value.slice(0, start) + text + area.value.slice(area.selectionEnd || start);
    area.focus();
  }
  function showArticle(select) {
    document.querySelectorAll("[data-article]").forEach(function (section) {
      section.hidden = section.getAttribute("data-article") !== select.value;
    });
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-formula]");
    if (button) { insertFormula(button); }
  });
  document.addEventListener("change", function (event) {
    if (event.target.matches("[data-article-select]")) { showArticle(event.target); }
  });
})();
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
