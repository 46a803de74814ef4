// Progressive enhancement only: the page works without this file (plain links and a GET form).
(function () {
  "use strict";
  var q = document.getElementById("q");

  // "/" focuses the query box, as on most search sites (not while typing in a field).
  document.addEventListener("keydown", function (ev) {
    var t = ev.target;
    var typing = t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.isContentEditable);
    if (ev.key === "/" && !typing && q && !ev.ctrlKey && !ev.metaKey && !ev.altKey) {
      ev.preventDefault();
      q.focus();
      q.select();
    }
  });

  // Entity autocomplete: canonical names with article counts from /api/entities.
  var input = document.getElementById("add-entity");
  var list = document.getElementById("entity-suggestions");
  if (!input || !list || !window.fetch) return;
  var timer = null, last = "";
  input.addEventListener("input", function () {
    var prefix = input.value.trim();
    if (prefix === last) return;
    last = prefix;
    clearTimeout(timer);
    if (prefix.length < 2) { list.innerHTML = ""; return; }
    timer = setTimeout(function () {
      fetch("/api/entities?limit=8&prefix=" + encodeURIComponent(prefix))
        .then(function (r) { return r.ok ? r.json() : { entities: [] }; })
        .then(function (body) {
          if (prefix !== last) return;  // a newer keystroke won
          list.innerHTML = "";
          body.entities.forEach(function (e) {
            var opt = document.createElement("option");
            opt.value = e.name;
            opt.label = e.name + " (" + e.count + ")";
            list.appendChild(opt);
          });
        })
        .catch(function () { list.innerHTML = ""; });
    }, 150);
  });

  // Don't send an empty "entity=" from the add-entity box: it keeps shared URLs clean.
  var form = document.getElementById("search-form");
  if (form) form.addEventListener("submit", function () {
    if (!input.value.trim()) input.removeAttribute("name");
  });
})();
