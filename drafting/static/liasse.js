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
