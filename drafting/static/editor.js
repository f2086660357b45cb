// The amendment editor (templates/amendments/edit.html): formulas, French typography as one
// types, the edit-the-article mode (Liasse writes the dispositif) and the live checks.
// Progressive enhancement only: without this file the form still posts, and the server lints.
(function () {
  "use strict";
  var editor = document.querySelector("[data-editor]");
  if (!editor || !window.fetch) { return; }
  var form = editor.querySelector("form");
  var messages = document.querySelector("[data-editor-messages]").dataset;
  var csrf = form.querySelector("input[name=csrf_token]").value;
  var NBSP = "\u00a0";
  var dispositif = document.getElementById("dispositif");
  var expose = document.getElementById("expose");
  var kind = document.getElementById("kind");
  var article = document.getElementById("article");
  var alinea = document.getElementById("alinea");
  var alineaEnd = editor.querySelector("[data-alinea-end]");
  var parentId = editor.getAttribute("data-parent-id");
  var panel = document.getElementById("edit-article");
  var list = editor.querySelector("[data-edit-alineas]");
  var toggle = editor.querySelector("[data-edit-mode]");
  var status = editor.querySelector("[data-write-status]");
  var live = editor.querySelector("[data-lint-live]");
  var applied = editor.querySelector("[data-applied]");
  var appliedList = editor.querySelector("[data-applied-alineas]");

  // French typography, the rules of workflows/legistique/french.py `typography`; the no-break
  // space before : ; ? ! waits for the next character, so "10:30" is never touched mid-typing.
  var WORD = "[\\p{L}\\p{N}_]";
  var APOSTROPHE = new RegExp("(?<=" + WORD + ")'(?=" + WORD + ")", "gu");
  var AFTER_OPENING = /«[ \t\u00a0\u202f]*(?=\S)/g;
  var BEFORE_CLOSING = /(?<=\S)[ \t\u00a0\u202f]*»/g;
  var BEFORE_DOUBLE = /(?<=[^\s:;?!])[ \t\u00a0\u202f]*([:;?!])(?=\s|[«»])/g;
  function guillemets(text) {
    var out = "";
    for (var i = 0; i < text.length; i += 1) {
      if (text[i] !== "\"") { out += text[i]; continue; }
      var before = i ? out[out.length - 1] : " ";
      out += /\s/.test(before) || "([«’'".indexOf(before) >= 0 ? "«" : "»";
    }
    return out;
  }
  function typography(text) {
    text = guillemets(text.replace(APOSTROPHE, "’"));
    text = text.replace(AFTER_OPENING, "«" + NBSP).replace(BEFORE_CLOSING, NBSP + "»");
    return text.replace(BEFORE_DOUBLE, NBSP + "$1");
  }
  function retype(area) {
    var value = area.value, caret = area.selectionStart, typed = typography(value);
    if (typed === value) { return; }
    var first = 0;
    while (first < value.length && value[first] === typed[first]) { first += 1; }
    area.value = typed;
    if (first < caret) { caret += typed.length - value.length; }
    area.setSelectionRange(caret, caret);
  }
  document.addEventListener("input", function (event) {
    if (event.target.matches && event.target.matches("[data-typography]")) { retype(event.target); }
  });

  function post(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify(body)
    }).then(function (response) {
      return response.json().then(function (data) { return { ok: response.ok, data: data }; });
    });
  }
  function debounce(run, delay) {
    var timer = null;
    return function (wait) {
      window.clearTimeout(timer);
      timer = window.setTimeout(run, wait === undefined ? delay : wait);
    };
  }
  function refusal(answer) {
    var error = answer.data && answer.data.error;
    return error ? error.message : messages.failed;
  }

  // What is amended: the selected article (or the parent amendment) shown beside the form.
  function section() {
    var number = article ? article.value : "";
    return editor.querySelector("aside [data-article=\"" + CSS.escape(number) + "\"]") ||
      editor.querySelector("aside [data-article]");
  }
  function articleId() { return Number(section().getAttribute("data-article-id")); }
  function alineaTexts() {
    return Array.prototype.map.call(section().querySelectorAll("ol.alineas > li"), function (li) {
      return li.textContent.trim();
    });
  }
  function target(body) {
    body.article_id = articleId();
    if (parentId) { body.parent_id = Number(parentId); }
    return body;
  }

  // Formulas: « N » and « … » are left for the author (the linter refuses them unfilled).
  function formula(template) {
    var n = alinea && alinea.value ? alinea.value : "N";
    var m = alineaEnd && alineaEnd.value ? alineaEnd.value : "M";
    var text = alineaTexts()[Number(n) - 1] || "…";
    return typography(template.replace(/\{n\}/g, n).replace(/\{m\}/g, m).replace(/\{text\}/g, text));
  }
  function insert(text) {
    var start = dispositif.selectionStart || 0, end = dispositif.selectionEnd || start;
    dispositif.value = dispositif.value.slice(0, start) + text + dispositif.value.slice(end);
    dispositif.focus();
    dispositif.setSelectionRange(start + text.length, start + text.length);
    check();
  }
  editor.addEventListener("click", function (event) {
    var button = event.target.closest("[data-formula]");
    if (button) { insert(formula(button.getAttribute("data-formula"))); return; }
    var additional = event.target.closest("[data-additional-article]");
    if (additional && kind) {
      kind.value = additional.getAttribute("data-additional-article");
      editor.querySelector("[data-additional-hint]").hidden = false;
      closeEditMode();
      dispositif.focus();
      check();
    }
  });

  // The edit-the-article mode: one field per alinéa, numbered in the margin.
  var counter = 0;
  function row(number, text) {
    counter += 1;
    var item = document.createElement("li");
    var label = document.createElement("label");
    label.className = "num";
    label.htmlFor = "ea-" + counter;
    var hidden = document.createElement("span");
    hidden.className = "visually-hidden";
    hidden.textContent = number ? messages.alinea + " " : messages.newAlinea;
    label.appendChild(hidden);
    if (number) {
      label.appendChild(document.createTextNode(number));
    } else {
      var plus = document.createElement("span");
      plus.setAttribute("aria-hidden", "true");
      plus.textContent = "+";
      label.appendChild(plus);
    }
    var area = document.createElement("textarea");
    area.id = "ea-" + counter;
    area.rows = Math.min(8, Math.max(2, Math.ceil(text.length / 70)));
    area.value = text;
    area.setAttribute("data-typography", "");
    area.setAttribute("data-edited-alinea", "");
    var add = document.createElement("button");
    add.type = "button";
    add.className = "add-alinea";
    add.textContent = "+";
    add.title = number ? messages.insertAfter.replace("{n}", number) : messages.insertAfterNew;
    add.setAttribute("aria-label", add.title);
    add.setAttribute("data-add-after", "");
    item.appendChild(label);
    item.appendChild(area);
    item.appendChild(add);
    return item;
  }
  function buildList() {
    list.textContent = "";
    alineaTexts().forEach(function (text, index) { list.appendChild(row(String(index + 1), text)); });
    list.insertBefore(row("", ""), list.firstChild).querySelector("textarea").placeholder = messages.before;
  }
  function openEditMode() {
    buildList();
    panel.hidden = false;
    toggle.setAttribute("aria-expanded", "true");
    if (kind && kind.tagName === "SELECT") { kind.value = "article"; }
    status.textContent = "";
  }
  function closeEditMode() {
    panel.hidden = true;
    toggle.setAttribute("aria-expanded", "false");
  }
  toggle.addEventListener("click", function () {
    if (panel.hidden) { openEditMode(); } else { closeEditMode(); }
  });
  list.addEventListener("click", function (event) {
    var add = event.target.closest("[data-add-after]");
    if (!add) { return; }
    var item = row("", "");
    add.parentNode.parentNode.insertBefore(item, add.parentNode.nextSibling);
    item.querySelector("textarea").focus();
  });
  function edited() {
    var texts = [];
    list.querySelectorAll("textarea").forEach(function (area) {
      area.value.split("\n").forEach(function (line) { if (line.trim()) { texts.push(line.trim()); } });
    });
    return texts;
  }
  function write() {
    status.textContent = messages.writing;
    post(editor.getAttribute("data-write-url"), target({ alineas: edited() })).then(function (answer) {
      if (!answer.ok) { status.textContent = refusal(answer); return; }
      dispositif.value = answer.data.dispositif;
      if (kind && kind.tagName === "SELECT") { kind.value = answer.data.position.kind; }
      if (alinea) { alinea.value = answer.data.position.alinea || ""; }
      status.textContent = messages.written;
      check(0);
    }).catch(function () { status.textContent = messages.failed; });
  }
  var writeSoon = debounce(write, 900);
  editor.querySelector("[data-write-dispositif]").addEventListener("click", function () { write(); });
  list.addEventListener("input", function () { writeSoon(); });

  // Live checks: the linter's findings, and the article as the dispositif makes it.
  function finding(item) {
    var line = document.createElement("li");
    line.className = "finding finding-" + item.severity;
    var strong = document.createElement("strong");
    strong.textContent = item.severity === "error" ? messages.error : messages.warning;
    line.appendChild(strong);
    line.appendChild(document.createTextNode(" — " + item.message));
    if (item.start !== null && item.end !== null && item.end > item.start) {
      var span = document.createElement("q");
      span.className = "span";
      span.textContent = dispositif.value.slice(item.start, Math.min(item.end, item.start + 120));
      line.appendChild(document.createTextNode(" "));
      line.appendChild(span);
    }
    return line;
  }
  function render(answer) {
    live.textContent = "";
    live.hidden = false;
    var title = document.createElement("h2");
    title.textContent = messages.checks;
    live.appendChild(title);
    var summary = document.createElement("p");
    live.appendChild(summary);
    if (!answer.ok) { summary.textContent = refusal(answer); return; }
    var findings = answer.data.lint;
    summary.textContent = findings.length ? messages.some.replace("{n}", findings.length) : messages.clean;
    summary.className = findings.length ? "" : "lint-ok";
    if (findings.length) {
      var items = document.createElement("ul");
      items.className = "findings";
      findings.forEach(function (item) { items.appendChild(finding(item)); });
      live.appendChild(items);
    }
    appliedList.textContent = "";
    applied.hidden = !answer.data.alineas;
    (answer.data.alineas || []).forEach(function (text) {
      var line = document.createElement("li");
      line.textContent = text;
      appliedList.appendChild(line);
    });
  }
  function runCheck() {
    if (!dispositif.value.trim()) { live.hidden = true; applied.hidden = true; return; }
    var body = target({
      dispositif: dispositif.value,
      expose: expose.value,
      kind: kind ? kind.value : "article",
      alinea: alinea && alinea.value ? Number(alinea.value) : null
    });
    post(editor.getAttribute("data-check-url"), body).then(render).catch(function () {
      render({ ok: false, data: null });
    });
  }
  var check = debounce(runCheck, 700);
  editor.addEventListener("input", function (event) {
    if (event.target.matches("[data-check]") || event.target === alinea) { check(); }
  });
  editor.addEventListener("change", function (event) {
    if (event.target === kind || event.target === alinea) { check(); }
    if (event.target.matches("[data-article-select]")) {
      editor.querySelectorAll("aside [data-article]").forEach(function (part) {
        part.hidden = part.getAttribute("data-article") !== event.target.value;
      });
      if (!panel.hidden) { buildList(); }
      check();
    }
  });
  if (dispositif.value.trim()) { check(0); }
})();
