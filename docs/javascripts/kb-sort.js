/* 工会讲话知识库 — sortable tables (the KWIC concordance, the 提法 index).
 * Every table inside .kb-sortable gets a button in each column header;
 * pressing it sorts the rows by that column (numbers as numbers, other
 * text in code-point order, so dates like 2013-05-20 and 2012–2017 sort by
 * time), pressing again reverses.  aria-sort tells screen readers.  No
 * network, no dependency; works from file:// as well. */
(function () {
  "use strict";
  function key(cell) {
    var text = cell.textContent.trim();
    var number = Number(text.replace(/[,%]/g, ""));
    return { text: text, number: text !== "" && !isNaN(number) ? number : null };
  }
  // Two numbers compare as numbers, anything else as text (code points).
  function compare(a, b) {
    if (a.number !== null && b.number !== null) return a.number - b.number;
    return a.text < b.text ? -1 : a.text > b.text ? 1 : 0;
  }
  function setup(table) {
    var headers = table.querySelectorAll("thead th");
    var body = table.tBodies[0];
    if (!body) return;
    Array.prototype.forEach.call(headers, function (th, column) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "kb-sort-button";
      while (th.firstChild) button.appendChild(th.firstChild);
      th.appendChild(button);
      button.addEventListener("click", function () {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        Array.prototype.forEach.call(headers, function (other) { other.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (r1, r2) {
          var c = compare(key(r1.cells[column]), key(r2.cells[column]));
          return ascending ? c : -c;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      });
    });
  }
  function init() {
    Array.prototype.forEach.call(document.querySelectorAll(".kb-sortable table"), setup);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
