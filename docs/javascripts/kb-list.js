/*
 * 工会讲话知识库 — the speech list's filters and pager, and the period filter
 * of theme pages' groups.  Loaded only on the pages that have them
 * (overrides/main.html: a table[data-kb-list] or [data-kb-group]); the
 * contract of the markup is described in kb.js.  Plain ES2017, no library,
 * no request beyond the list's own data file: works over http and file://.
 */
(function () {
  "use strict";

  // --- filters: the speech list and theme pages --------------------------

  var SORTS = [
    ["new", "时间：新→旧"], ["old", "时间：旧→新"], ["long", "篇幅：长→短"],
    ["short", "篇幅：短→长"], ["title", "标题"]
  ];

  function unique(items, key) {
    var seen = [];
    items.forEach(function (it) {
      var v = it.getAttribute(key);
      if (v && seen.indexOf(v) < 0) seen.push(v);
    });
    return seen;
  }

  function control(labelText, el, name) {
    var label = document.createElement("label");
    label.className = "kb-filter-field";
    var span = document.createElement("span");
    span.textContent = labelText;
    label.appendChild(span);
    el.name = name;
    label.appendChild(el);
    return label;
  }

  function select(options, allLabel) {
    var s = document.createElement("select");
    if (allLabel !== null) s.appendChild(new Option(allLabel, ""));
    options.forEach(function (o) {
      var value = Array.isArray(o) ? o[0] : o, text = Array.isArray(o) ? o[1] : o;
      s.appendChild(new Option(text, value));
    });
    return s;
  }

  function byYear(items) {
    return items.slice().sort(function (a, b) {
      return (+a.getAttribute("data-kb-year") || 0) - (+b.getAttribute("data-kb-year") || 0);
    });
  }

  function periodSelect(items) {
    var s = document.createElement("select");
    s.appendChild(new Option("全部时期", ""));
    [["data-kb-period", "党代会届期"], ["data-kb-plan", "五年规划"]].forEach(function (kind) {
      var values = unique(byYear(items), kind[0]);
      if (!values.length) return;
      var group = document.createElement("optgroup");
      group.label = kind[1];
      values.forEach(function (v) { group.appendChild(new Option(v, kind[0] + "=" + v)); });
      s.appendChild(group);
    });
    return s;
  }

  function matchesPeriod(item, value) {
    if (!value) return true;
    var i = value.indexOf("=");
    return item.getAttribute(value.slice(0, i)) === value.slice(i + 1);
  }

  /* Query-string state (?period=…&place=…), so a filtered list can be
   * bookmarked or linked; works over http and file://. */
  function readState(form) {
    var params = new URLSearchParams(window.location.search);
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || !params.has(el.name)) return;
      var v = params.get(el.name);
      if (el.tagName === "SELECT") {
        // A period may be given by name alone (?period=十八大至十九大（2012–2017）).
        var opt = Array.prototype.filter.call(el.options, function (o) {
          return o.value === v || o.text === v;
        })[0];
        if (opt) el.value = opt.value;
      } else {
        el.value = v;
      }
    });
  }

  function writeState(form) {
    var params = new URLSearchParams(window.location.search);
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name) return;
      if (el.value && !(el.name === "sort" && el.selectedIndex === 0)) params.set(el.name, el.value);
      else params.delete(el.name);
    });
    var q = params.toString();
    try {
      history.replaceState(null, "", window.location.pathname + (q ? "?" + q : "") + window.location.hash);
    } catch (e) { /* file:// in some browsers */ }
  }

  var zh = null;
  function collator() { return zh || (zh = new Intl.Collator("zh")); }

  function sortItems(items, how) {
    var num = function (el, a) { var v = el.getAttribute(a); return v === "" || v === null ? NaN : +v; };
    return items.slice().sort(function (a, b) {
      var x, y;
      if (how === "title") return collator().compare(a.getAttribute("data-kb-title"), b.getAttribute("data-kb-title"));
      if (how === "long" || how === "short") {
        x = num(a, "data-kb-length"); y = num(b, "data-kb-length");
        return how === "long" ? y - x : x - y;
      }
      x = num(a, "data-kb-year"); y = num(b, "data-kb-year");
      if (isNaN(x) !== isNaN(y)) return isNaN(x) ? 1 : -1; // undated last
      if (isNaN(x)) return 0;
      return how === "old" ? x - y : y - x;
    });
  }

  function filterBox(id, caption) {
    var form = document.createElement("form");
    form.className = "kb-filters";
    form.id = id;
    form.setAttribute("data-kb-chrome", "");
    form.setAttribute("role", "search");
    form.setAttribute("aria-label", caption);
    form.addEventListener("submit", function (e) { e.preventDefault(); });
    return form;
  }

  // --- the speech list: rows from its data file ---------------------------

  /* One row of the list's data (facets.list_data) with the getAttribute of
   * a row element, so sortItems, periodSelect and matchesPeriod treat rows
   * and theme groups alike. */
  function ListRecord(attrs, row, themes, links, text) {
    this.attrs = attrs;
    this.row = row;
    this.themes = themes;
    this.links = links;
    this.text = text;
  }
  ListRecord.prototype.getAttribute = function (name) {
    var v = this.attrs[name];
    return v === undefined ? null : v;
  };

  function listRecords(data) {
    var col = {};
    data.columns.forEach(function (name, i) { col[name] = i; });
    return data.rows.map(function (row) {
      var themes = [], links = [], t = row[col.themes];
      for (var i = 0; i + 1 < t.length; i += 2) {
        themes.push(data.themes[t[i]]);
        links.push(data.links[t[i + 1]]);
      }
      var year = row[col.year];
      var attrs = {
        "data-kb-title": row[col.title],
        "data-kb-place": data.places[row[col.place]] || "",
        "data-kb-occasion": data.occasions[row[col.occasion]] || "",
        "data-kb-when": row[col.when],
        "data-kb-period": data.periods[row[col.period]] || "",
        "data-kb-plan": data.plans[row[col.plan]] || "",
        "data-kb-year": year === null ? "" : String(year),
        "data-kb-years": row[col.years],
        "data-kb-themes": themes.join("|"),
        "data-kb-length": String(row[col.length]),
        href: row[col.href],
        anchor: row[col.anchor]
      };
      var text = [attrs["data-kb-title"], attrs["data-kb-place"], attrs["data-kb-occasion"],
                  attrs["data-kb-when"]].join(" ").toLowerCase();
      return new ListRecord(attrs, row, themes, links, text);
    });
  }

  /* Markdown paths (x.md, ../themes/y/2012-2.md, relative to the list page)
   * → the URLs mkdocs gave them.  The list page sits in its docs folder
   * (speeches/index.md → speeches/ or speeches/index.html), so only the
   * ending differs, and a link mkdocs rendered in the table tells which. */
  function pageLinker(table) {
    var first = table.querySelector("tbody a[href]");
    var html = !!first && /\.html$/.test(first.getAttribute("href").split("#")[0]);
    return function (path, anchor) {
      var p = path.replace(/\.md$/, "");
      if (html) p += ".html";
      else p = /(^|\/)index$/.test(p) ? p.replace(/index$/, "") || "./" : p + "/";
      return p + (anchor ? "#" + anchor : "");
    };
  }

  /* text, with the placeholder (××) marked as on the pages (pages.escape). */
  function appendText(parent, text, placeholder) {
    var pieces = placeholder ? text.split(placeholder) : [text];
    pieces.forEach(function (piece, i) {
      if (i) {
        var ph = document.createElement("span");
        ph.className = "kb-ph";
        ph.title = "原文中的占位符";
        ph.textContent = placeholder;
        parent.appendChild(ph);
      }
      if (piece) parent.appendChild(document.createTextNode(piece));
    });
  }

  /* The row as page_lists._row renders it. */
  function listRow(rec, link, placeholder) {
    var tr = document.createElement("tr");
    function cell(text, href, anchorText) {
      var td = document.createElement("td");
      if (href) {
        var a = document.createElement("a");
        a.setAttribute("href", href);
        appendText(a, anchorText, placeholder);
        td.appendChild(a);
      } else {
        appendText(td, text || "—", placeholder);
      }
      tr.appendChild(td);
      return td;
    }
    var a = rec.attrs;
    cell(null, link(a.href), a["data-kb-title"]);
    cell(a["data-kb-place"]);
    cell(a["data-kb-occasion"]);
    cell(a["data-kb-when"]);
    cell(a["data-kb-period"]);
    cell(a["data-kb-length"]);
    if (!rec.themes.length) { cell(""); return tr; }
    var themes = document.createElement("td");
    tr.appendChild(themes);
    rec.themes.forEach(function (name, i) {
      if (i) themes.appendChild(document.createTextNode(" "));
      var t = document.createElement("a");
      t.setAttribute("href", link(rec.links[i], a.anchor));
      t.textContent = name;
      themes.appendChild(t);
    });
    return tr;
  }

  /* A classic script assigning window[name]: loads over http and from
   * file://, where fetch() of a JSON file is refused. */
  function loadScript(src, name, done, fail) {
    if (window[name]) { done(window[name]); return; }
    var s = document.createElement("script");
    s.src = src;
    s.async = true;
    s.onload = function () { if (window[name]) done(window[name]); else fail(); };
    s.onerror = fail;
    document.head.appendChild(s);
  }

  var LIST_DATA_GLOBAL = "kbSpeechList";
  var LIST_DATA_FORMAT = 1;

  function initList(table) {
    var body = table.tBodies[0];
    if (!body) return;
    var form = filterBox("kb-list-filters", "筛选讲话");
    var loading = document.createElement("p");
    loading.className = "kb-filter-count";
    loading.setAttribute("role", "status");
    loading.textContent = "正在载入全部讲话的列表……";
    form.appendChild(loading);
    // material wraps tables for scrolling (before or after this runs).
    var anchor = table.closest(".md-typeset__scrollwrap") || table;
    // kb.js may have put its "table is wide" hint above the table already:
    // the filters go above the hint, which stays next to its table.
    var hint = anchor.previousElementSibling;
    if (hint && hint.classList.contains("kb-scroll-hint")) anchor = hint;
    anchor.parentNode.insertBefore(form, anchor);
    var src = table.getAttribute("data-kb-list-data");
    loadScript(new URL(src, window.location.href).href, LIST_DATA_GLOBAL, function (data) {
      if (data.format !== LIST_DATA_FORMAT) {
        loading.textContent = "讲话列表的数据格式不符（" + data.format + "），请重新生成网站。";
        return;
      }
      form.removeChild(loading);
      listFilters(table, form, data);
    }, function () {
      loading.textContent = "未能载入讲话列表的数据（" + src.split("?")[0] + "）：下表只列出最新的讲话，" +
        "其余可按时期逐页浏览。";
    });
  }

  function listFilters(table, form, data) {
    var body = table.tBodies[0];
    var records = listRecords(data);
    var link = pageLinker(table);
    var size = Math.max(1, parseInt(table.getAttribute("data-kb-list-rows"), 10) || 100);
    var period = periodSelect(records);
    var query = document.createElement("input");
    query.type = "search";
    query.placeholder = "标题、地点、场合中的字词";
    var year = document.createElement("input");
    year.type = "number"; year.inputMode = "numeric"; year.min = "1949"; year.max = "2100";
    year.placeholder = "如 2016";
    var place = select(unique(records, "data-kb-place").sort(), "全部地点");
    var occasion = select(unique(records, "data-kb-occasion").sort(), "全部场合");
    var theme = select(data.themes.filter(function (t) {
      return records.some(function (r) { return r.themes.indexOf(t) >= 0; });
    }), "全部主题");
    var sort = select(SORTS, null);
    var count = document.createElement("output");
    count.className = "kb-filter-count";
    count.setAttribute("aria-live", "polite");
    var reset = document.createElement("button");
    reset.type = "reset"; reset.className = "kb-action"; reset.textContent = "清除筛选";
    [control("查找", query, "q"), control("时期", period, "period"), control("年份", year, "year"),
     control("地点", place, "place"), control("场合", occasion, "occasion"), control("主题", theme, "theme"),
     control("排序", sort, "sort"), reset, count].forEach(function (el) { form.appendChild(el); });

    // The pager, under the table.
    var pager = document.createElement("nav");
    pager.className = "kb-pager";
    pager.setAttribute("aria-label", "讲话列表分页");
    pager.setAttribute("data-kb-chrome", "");
    function pageButton(label) {
      var b = document.createElement("button");
      b.type = "button";
      b.className = "kb-action";
      b.textContent = label;
      pager.appendChild(b);
      return b;
    }
    var first = pageButton("首页"), prev = pageButton("上一页");
    var where = document.createElement("label");
    where.className = "kb-pager-page";
    var number = document.createElement("input");
    number.type = "number"; number.inputMode = "numeric"; number.min = "1"; number.name = "page";
    number.setAttribute("aria-label", "页码");
    var of = document.createElement("span");
    where.appendChild(document.createTextNode("第 "));
    where.appendChild(number);
    where.appendChild(of);
    pager.appendChild(where);
    var next = pageButton("下一页"), last = pageButton("末页");
    var anchor = table.closest(".md-typeset__scrollwrap") || table;
    // A list that fits on one page never needs one (filters only shorten it).
    if (records.length > size) anchor.parentNode.insertBefore(pager, anchor.nextSibling);
    table.setAttribute("tabindex", "-1");
    table.classList.add("kb-list-table");
    // With every row at hand, the plain pages by period are not needed.
    document.querySelectorAll(".kb-list-pages").forEach(function (p) { p.hidden = true; });

    var sorted = null, sortedBy = null, matching = records, current = 1;
    var placeholder = data.placeholder || "";

    function matches(r) {
      var y = parseInt(year.value, 10);
      var words = query.value.toLowerCase().split(/\s+/).filter(Boolean);
      var years = (r.getAttribute("data-kb-years") || "").split("-");
      return matchesPeriod(r, period.value) &&
        (!place.value || r.getAttribute("data-kb-place") === place.value) &&
        (!occasion.value || r.getAttribute("data-kb-occasion") === occasion.value) &&
        (!theme.value || r.themes.indexOf(theme.value) >= 0) &&
        (isNaN(y) || (years.length === 2 && +years[0] <= y && y <= +years[1])) &&
        words.every(function (w) { return r.text.indexOf(w) >= 0; });
    }

    function pages() { return Math.max(1, Math.ceil(matching.length / size)); }

    function show(page) {
      current = Math.min(Math.max(1, page || 1), pages());
      var rows = matching.slice((current - 1) * size, current * size).map(function (r) {
        return listRow(r, link, placeholder);
      });
      while (body.firstChild) body.removeChild(body.firstChild);
      rows.forEach(function (tr) { body.appendChild(tr); });
      var n = pages();
      number.max = String(n);
      number.value = String(current);
      of.textContent = " / " + n + " 页" + (matching.length
        ? "（第 " + ((current - 1) * size + 1) + "–" + Math.min(current * size, matching.length) + " 篇）" : "");
      first.disabled = prev.disabled = current <= 1;
      next.disabled = last.disabled = current >= n;
      pager.hidden = n <= 1;
      count.textContent = "显示 " + matching.length + " / " + records.length + " 篇";
      writeState(form);
      var params = new URLSearchParams(window.location.search);
      if (current > 1) params.set("page", String(current));
      else params.delete("page");
      var q = params.toString();
      try {
        history.replaceState(null, "", window.location.pathname + (q ? "?" + q : "") + window.location.hash);
      } catch (e) { /* file:// in some browsers */ }
      // kb.js marks tables wider than the screen (the rows changed).
      document.dispatchEvent(new Event("kb:rows"));
    }

    /* The rows for the form's values.  A text box fires "change" again
     * when it loses the focus, e.g. to a click on a row's link: the same
     * values leave the rows alone, so the link is not replaced under the
     * click. */
    var applied = null;
    function apply(page) {
      var state = Array.prototype.map.call(form.elements, function (el) {
        return el.name ? el.name + "=" + el.value : "";
      }).join("\u0000");
      if (state === applied) return;
      applied = state;
      if (sortedBy !== sort.value) {
        sorted = sortItems(records, sort.value);
        sortedBy = sort.value;
      }
      matching = sorted.filter(matches);
      show(page);
    }

    /* A page of rows from the pager: the table's top comes into view and
     * takes the focus, so Tab goes on to its first row. */
    function turn(page) {
      show(page);
      table.focus({ preventScroll: true });
      // The count above the table in view, below material's fixed header.
      var header = document.querySelector(".md-header");
      var top = form.getBoundingClientRect().bottom + window.pageYOffset;
      window.scrollTo(0, Math.max(0, top - (header ? header.offsetHeight : 0) - 8));
    }
    first.addEventListener("click", function () { turn(1); });
    prev.addEventListener("click", function () { turn(current - 1); });
    next.addEventListener("click", function () { turn(current + 1); });
    last.addEventListener("click", function () { turn(pages()); });
    number.addEventListener("change", function () { turn(parseInt(number.value, 10) || 1); });
    number.addEventListener("keydown", function (e) {
      if (e.key === "Enter") { e.preventDefault(); turn(parseInt(number.value, 10) || 1); }
    });

    readState(form);
    form.addEventListener("input", function () { apply(1); });
    form.addEventListener("change", function () { apply(1); });
    form.addEventListener("reset", function () { setTimeout(function () { apply(1); }, 0); });
    apply(parseInt(new URLSearchParams(window.location.search).get("page"), 10) || 1);
  }

  /* A group is its element, or for a heading the heading and everything
   * after it up to the next heading of its level or above. */
  function groupMembers(el) {
    if (!/^H[1-6]$/.test(el.tagName)) return [el];
    var level = +el.tagName[1], out = [el];
    for (var n = el.nextElementSibling; n; n = n.nextElementSibling) {
      if (/^H[1-6]$/.test(n.tagName) && +n.tagName[1] <= level) break;
      out.push(n);
    }
    return out;
  }

  function initGroups(content) {
    var groups = Array.prototype.slice.call(content.querySelectorAll("[data-kb-group]"));
    if (!groups.length) return;
    var members = new Map();
    groups.forEach(function (g) { members.set(g, groupMembers(g)); });
    var lastMembers = members.get(groups[groups.length - 1]);
    var last = lastMembers[lastMembers.length - 1];
    var end = document.createComment("end of kb groups");
    last.parentNode.insertBefore(end, last.nextSibling);
    var form = filterBox("kb-group-filters", "按时期筛选和排序");
    var period = periodSelect(groups);
    var sort = select([["new", "时间：新→旧"], ["old", "时间：旧→新"]], null);
    var count = document.createElement("output");
    count.className = "kb-filter-count";
    count.setAttribute("aria-live", "polite");
    [control("时期", period, "period"), control("排序", sort, "sort"), count]
      .forEach(function (el) { form.appendChild(el); });
    groups[0].parentNode.insertBefore(form, groups[0]);
    var strips = document.querySelectorAll("[data-kb-period-filter]");
    function apply() {
      var shown = 0;
      sortItems(groups, sort.value).forEach(function (g) {
        var ok = matchesPeriod(g, period.value);
        members.get(g).forEach(function (el) {
          end.parentNode.insertBefore(el, end);
          el.hidden = !ok;
        });
        if (ok) shown++;
      });
      strips.forEach(function (a) {
        a.setAttribute("aria-current", String(a.getAttribute("data-kb-period-filter") === period.value));
      });
      count.textContent = "显示 " + shown + " / " + groups.length + " 篇讲话";
      writeState(form);
    }
    // The per-period count strip filters too.
    strips.forEach(function (a) {
      a.addEventListener("click", function (e) {
        e.preventDefault();
        period.value = a.getAttribute("data-kb-period-filter");
        apply();
        form.scrollIntoView({ block: "start" });
      });
    });
    readState(form);
    form.addEventListener("change", apply);
    apply();
  }

  function init() {
    var content = document.querySelector(".md-content") || document.body;
    content.querySelectorAll("table[data-kb-list]").forEach(initList);
    initGroups(content);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
