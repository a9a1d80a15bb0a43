/*
 * 工会讲话知识库 — passage actions, evidence badges and the speech list's
 * filters.  Plain ES2017, no library, no request: works over http and from
 * file:// (the offline copy).  Everything is progressive enhancement: without
 * this script the pages read, link and print as before.
 *
 * What the pages must emit (build_scripts/facets.py computes the values):
 *
 *   A passage:  any element with data-kb-loc and an id
 *     id              its anchor (part-2-1 on a speech page)
 *     data-kb-loc     where it sits in its speech: 第二部分·要点一
 *     data-kb-href    (optional) link to the passage on its speech page,
 *                     relative to this page; default: this page + #id
 *   On the passage or any ancestor (the nearest one counts):
 *     data-kb-source  the speech cited, without the location:
 *                     ——《title》，place，date or period
 *                     (build_scripts/compilation.source; the print
 *                     stylesheet prints it under passages that carry it
 *                     themselves, as on theme pages)
 *
 *   A badge:    a.kb-badge with data-kb-terms (and href: the theme page)
 *     data-kb-theme   theme name            data-kb-score  the score
 *     data-kb-terms   evidence terms, separated by "|"
 *     data-kb-for     (optional) id of the element whose text holds the
 *                     evidence: a part's heading (the part runs to the
 *                     next heading of its level) or any element; default:
 *                     the passage the badge is in
 *
 *   The speech list: a <table data-kb-list> whose body holds the first
 *   page of rows (what readers without JavaScript see), with
 *     data-kb-list-data  the list's data file, relative to the page: a
 *                        classic script assigning window.kbSpeechList
 *                        (build_scripts/facets.list_data has its shape;
 *                        fetch() of JSON is refused on file://)
 *     data-kb-list-rows  rows per page
 *   Once the data is loaded this script adds the filters (search words,
 *   period, year, place, occasion, theme, sort) and a pager, and draws
 *   each page's rows from the data as the build draws the first: the
 *   links are the data's Markdown paths (x.md, relative to the list page)
 *   with the ending mkdocs gave the table's first link (x/ or x.html).
 *   Elements with class kb-list-pages (links to the plain pages by
 *   period) are hidden then.
 *
 *   A theme page's groups (one per speech): elements with data-kb-group
 *   (the speech id), data-kb-year, data-kb-period and data-kb-plan, all in
 *   one parent; a heading stands for itself and what follows it up to the
 *   next heading of its level.  Sorted by year and filtered by period.
 *   Links with data-kb-period-filter="data-kb-period=<label>" (or "" for
 *   all) set the period filter.
 *
 * UI chrome this script adds, and everything marked data-kb-chrome, is
 * user-select: none and is removed from copied text.
 */
(function () {
  "use strict";

  var CHROME = "[data-kb-chrome], .kb-badges, .kb-actions, .kb-evidence, .headerlink, .kb-passage-meta";

  // --- helpers ---------------------------------------------------------

  function attr(el, name) {
    var holder = el.closest("[" + name + "]");
    return holder ? holder.getAttribute(name) : "";
  }

  function passageOf(node) {
    var el = node && (node.nodeType === 1 ? node : node.parentElement);
    return el ? el.closest("[data-kb-loc]") : null;
  }

  /* The passage's address without this visit's query (?h=…, filters). */
  function passageUrl(passage) {
    var page = window.location.href.split(/[?#]/)[0];
    var url = new URL(passage.getAttribute("data-kb-href") || "#" + passage.id, page);
    url.search = "";
    return url.href;
  }

  /* ——《title》，place，when，loc  (as build_scripts/compilation.citation) */
  function citation(passage, locations) {
    var source = attr(passage, "data-kb-source");
    var loc = locations || passage.getAttribute("data-kb-loc");
    return source ? source + "，" + loc : "——" + loc;
  }

  var BLOCK = /^(P|DIV|LI|H[1-6]|TR|SECTION|ARTICLE|BLOCKQUOTE|DETAILS|SUMMARY|UL|OL|TABLE|PRE|BR)$/;

  /* Text of a node or fragment without chrome; blocks on their own lines. */
  function plainText(root) {
    var copy = root.cloneNode(true);
    var chrome = copy.querySelectorAll ? copy.querySelectorAll(CHROME) : [];
    Array.prototype.forEach.call(chrome, function (el) { el.remove(); });
    var out = [];
    (function walk(node) {
      if (node.nodeType === 3) { out.push(node.nodeValue); return; }
      var block = node.nodeType === 1 && BLOCK.test(node.tagName);
      if (block) out.push("\n");
      for (var c = node.firstChild; c; c = c.nextSibling) walk(c);
      if (block) out.push("\n");
    })(copy);
    return out.join("").replace(/[ \t]*\n[ \t\n]*/g, "\n\n").trim();
  }

  function passageText(passage) { return plainText(passage); }

  function status(message) {
    var box = document.getElementById("kb-status");
    if (!box) {
      box = document.createElement("div");
      box.id = "kb-status";
      box.className = "kb-status";
      box.setAttribute("role", "status");
      box.setAttribute("aria-live", "polite");
      box.setAttribute("data-kb-chrome", "");
      document.body.appendChild(box);
    }
    box.textContent = message;
    box.classList.add("kb-status--on");
    clearTimeout(status.timer);
    status.timer = setTimeout(function () { box.classList.remove("kb-status--on"); }, 2500);
  }

  /* Clipboard API where the page is a secure context (http://127.0.0.1,
   * https, file://); else a hidden textarea and execCommand. */
  function copyText(text) {
    function fallback() {
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.style.position = "fixed";
      area.style.opacity = "0";
      document.body.appendChild(area);
      area.select();
      var ok = false;
      try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
      area.remove();
      return ok ? Promise.resolve() : Promise.reject(new Error("copy refused"));
    }
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).catch(fallback);
    }
    return fallback();
  }

  // --- passage actions -------------------------------------------------

  function button(label, action, title) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "kb-action";
    b.textContent = label;
    b.setAttribute("data-kb-action", action);
    if (title) b.title = title;
    return b;
  }

  function addActions(passage) {
    if (passage.querySelector(":scope > .kb-actions")) return;
    var bar = document.createElement("span");
    bar.className = "kb-actions";
    bar.setAttribute("data-kb-chrome", "");
    bar.setAttribute("role", "group");
    bar.setAttribute("aria-label", "段落操作");
    bar.appendChild(button("复制（含出处）", "cite", "复制这段文字，连同讲话标题、地点、时间、位置和链接"));
    bar.appendChild(button("复制链接", "link", "复制指向这一段的链接"));
    passage.appendChild(bar);
  }

  function onAction(event) {
    var b = event.target.closest("[data-kb-action]");
    if (!b) return;
    var passage = passageOf(b);
    if (!passage) return;
    event.preventDefault();
    var text = b.getAttribute("data-kb-action") === "cite"
      ? passageText(passage) + "\n" + citation(passage) + "\n" + passageUrl(passage)
      : passageUrl(passage);
    copyText(text).then(function () {
      b.classList.add("kb-action--done");
      status(b.getAttribute("data-kb-action") === "cite" ? "已复制段落及出处" : "已复制链接");
      setTimeout(function () { b.classList.remove("kb-action--done"); }, 1500);
    }, function () { status("浏览器不允许复制，请手动选择文字复制"); });
  }

  /* Touch: a tap on a passage (not on a link, button or while selecting)
   * shows its actions; hover and keyboard focus do it through CSS. */
  function onTap(event) {
    if (event.target.closest("a, button, input, select, summary")) return;
    var sel = window.getSelection();
    if (sel && !sel.isCollapsed) return;
    var passage = passageOf(event.target);
    document.querySelectorAll(".kb-active").forEach(function (el) {
      if (el !== passage) el.classList.remove("kb-active");
    });
    if (passage) passage.classList.toggle("kb-active");
  }

  /* A plain selection copied from passages keeps the text without badges
   * or buttons and gains the source: one citation per speech. */
  function onCopy(event) {
    var sel = window.getSelection();
    if (!sel || sel.isCollapsed || !sel.rangeCount || !event.clipboardData) return;
    if (event.target.closest && event.target.closest("textarea, input")) return;
    var range = sel.getRangeAt(0);
    var scope = range.commonAncestorContainer;
    scope = scope.nodeType === 1 ? scope : scope.parentElement;
    var touched = [];
    var start = passageOf(range.startContainer);
    if (start) touched.push(start);
    (scope.closest("[data-kb-loc]") ? [] : scope.querySelectorAll("[data-kb-loc]")).forEach(function (p) {
      if (range.intersectsNode(p) && touched.indexOf(p) < 0) touched.push(p);
    });
    if (!touched.length) return;
    var text = plainText(range.cloneContents());
    if (!text) return;
    var bySpeech = [];
    touched.forEach(function (p) {
      var key = attr(p, "data-kb-source");
      var group = bySpeech.filter(function (g) { return g.key === key; })[0];
      if (!group) bySpeech.push(group = { key: key, first: p, locs: [] });
      var loc = p.getAttribute("data-kb-loc");
      if (group.locs.indexOf(loc) < 0) group.locs.push(loc);
    });
    var sources = bySpeech.map(function (g) {
      return citation(g.first, g.locs.join("、")) + "\n" + passageUrl(g.first);
    });
    event.clipboardData.setData("text/plain", text + "\n" + sources.join("\n"));
    event.preventDefault();
  }

  // --- evidence badges -------------------------------------------------

  function scopeOf(badge) {
    var id = badge.getAttribute("data-kb-for");
    var el = id ? document.getElementById(id) : null;
    if (!el) el = passageOf(badge);
    if (!el) return [];
    if (/^H[1-6]$/.test(el.tagName)) {
      // A part's heading: the part runs to the next heading of its level.
      var level = +el.tagName[1], out = [];
      for (var n = el.nextElementSibling; n; n = n.nextElementSibling) {
        if (/^H[1-6]$/.test(n.tagName) && +n.tagName[1] <= level) break;
        out.push(n);
      }
      return out;
    }
    return [el];
  }

  function unmark(root) {
    root.querySelectorAll("mark.kb-ev").forEach(function (m) {
      m.replaceWith(document.createTextNode(m.textContent));
    });
    root.normalize();
  }

  function markTerms(elements, terms) {
    terms = terms.filter(Boolean).sort(function (a, b) { return b.length - a.length; });
    if (!terms.length) return 0;
    var pattern = new RegExp(terms.map(function (t) {
      return t.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    }).join("|"), "g");
    var count = 0;
    elements.forEach(function (root) {
      var walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT, {
        acceptNode: function (n) {
          return n.parentElement.closest(CHROME + ", mark") ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT;
        }
      });
      var nodes = [];
      while (walker.nextNode()) nodes.push(walker.currentNode);
      nodes.forEach(function (node) {
        var text = node.nodeValue, last = 0, frag = null, m;
        pattern.lastIndex = 0;
        while ((m = pattern.exec(text))) {
          frag = frag || document.createDocumentFragment();
          frag.appendChild(document.createTextNode(text.slice(last, m.index)));
          var mark = document.createElement("mark");
          mark.className = "kb-ev";
          mark.textContent = m[0];
          frag.appendChild(mark);
          last = m.index + m[0].length;
          count++;
        }
        if (frag) {
          frag.appendChild(document.createTextNode(text.slice(last)));
          node.replaceWith(frag);
        }
      });
    });
    return count;
  }

  var panelCount = 0;

  function closeBadge(badge) {
    var panel = document.getElementById(badge.getAttribute("aria-controls"));
    if (panel) panel.remove();
    badge.setAttribute("aria-expanded", "false");
    badge.removeAttribute("aria-controls");
    scopeOf(badge).forEach(unmark);
  }

  function openBadge(badge) {
    var line = badge.closest(".kb-badges") || badge.parentElement;
    line.querySelectorAll('.kb-badge[aria-expanded="true"]').forEach(closeBadge);
    var terms = (badge.getAttribute("data-kb-terms") || "").split("|");
    var found = markTerms(scopeOf(badge), terms);
    var panel = document.createElement("span");
    panel.className = "kb-evidence";
    panel.id = "kb-evidence-" + (++panelCount);
    panel.setAttribute("data-kb-chrome", "");
    panel.setAttribute("role", "note");
    var theme = badge.getAttribute("data-kb-theme") || badge.textContent;
    var score = badge.getAttribute("data-kb-score");
    panel.appendChild(document.createTextNode(
      "「" + theme + "」" + (score ? "得分 " + score + "；" : "") + "证据（已在文中高亮" +
      (found ? " " + found + " 处" : "") + "）：" + terms.filter(Boolean).join("、") + "。"));
    var more = document.createElement("a");
    more.href = badge.getAttribute("href");
    more.textContent = "在主题页查看";
    panel.appendChild(more);
    line.parentNode.insertBefore(panel, line.nextSibling);
    badge.setAttribute("aria-expanded", "true");
    badge.setAttribute("aria-controls", panel.id);
  }

  function onBadge(event) {
    var badge = event.target.closest("a.kb-badge[data-kb-terms]");
    if (!badge || event.ctrlKey || event.metaKey || event.shiftKey || event.button > 0) return;
    event.preventDefault();
    if (badge.getAttribute("aria-expanded") === "true") closeBadge(badge);
    else openBadge(badge);
  }

  /* role=button: Space opens it as well as Enter. */
  function onBadgeKey(event) {
    if (event.key !== " ") return;
    var badge = event.target.closest && event.target.closest("a.kb-badge[data-kb-terms]");
    if (!badge) return;
    event.preventDefault();
    badge.click();
  }

  function initBadges(root) {
    root.querySelectorAll("a.kb-badge[data-kb-terms]").forEach(function (badge) {
      badge.setAttribute("aria-expanded", "false");
      badge.setAttribute("role", "button");
    });
  }

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
      markScrollable();
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

  // --- wide tables ----------------------------------------------------------

  /* A table wider than the screen scrolls sideways: say so above it, and
   * make it focusable so the keyboard can scroll it. */
  function markScrollable() {
    document.querySelectorAll(".md-typeset__scrollwrap").forEach(function (wrap) {
      var wide = wrap.scrollWidth > wrap.clientWidth + 1;
      wrap.classList.toggle("kb-scrollable", wide);
      var hint = wrap.previousElementSibling && wrap.previousElementSibling.classList.contains("kb-scroll-hint")
        ? wrap.previousElementSibling : null;
      if (wide) {
        wrap.setAttribute("tabindex", "0");
        wrap.setAttribute("role", "region");
        wrap.setAttribute("aria-label", "表格（可左右滚动）");
        if (!hint) {
          hint = document.createElement("p");
          hint.className = "kb-scroll-hint";
          hint.setAttribute("data-kb-chrome", "");
          hint.textContent = "← 表格较宽，可左右滑动查看 →";
          wrap.parentNode.insertBefore(hint, wrap);
        }
        hint.classList.add("kb-on");
      } else {
        wrap.removeAttribute("tabindex");
        wrap.removeAttribute("role");
        wrap.removeAttribute("aria-label");
        if (hint) hint.classList.remove("kb-on");
      }
    });
  }

  // --- start -------------------------------------------------------------

  function init() {
    var content = document.querySelector(".md-content") || document.body;
    content.querySelectorAll("[data-kb-loc]").forEach(addActions);
    initBadges(content);
    content.querySelectorAll("table[data-kb-list]").forEach(initList);
    initGroups(content);
    document.documentElement.classList.add("kb-js");
    // material's search overlay is a dialog without a name.
    document.querySelectorAll('.md-search[role="dialog"]:not([aria-label])').forEach(function (d) {
      d.setAttribute("aria-label", "搜索");
    });
    markScrollable();
    // material wraps the tables in its own script, which may run later.
    window.addEventListener("load", markScrollable);
    setTimeout(markScrollable, 300);
    var timer;
    window.addEventListener("resize", function () {
      clearTimeout(timer);
      timer = setTimeout(markScrollable, 150);
    });
  }

  document.addEventListener("click", onAction);
  document.addEventListener("click", onBadge);
  document.addEventListener("click", onTap);
  document.addEventListener("keydown", onBadgeKey);
  document.addEventListener("copy", onCopy);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
