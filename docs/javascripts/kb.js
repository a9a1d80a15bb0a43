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
 *                     relative to this page; default: the first link of a
 *                     p.kb-passage-meta right after the passage (theme
 *                     pages), else this page + #id
 *   On the passage, an ancestor, or a preceding sibling of either (the
 *   nearest one counts; a speech page has it once, on its facts line, a
 *   theme page once per speech, on the speech's facts line):
 *     data-kb-source  the speech cited, without the location:
 *                     ——《title》，place，date or period
 *                     (build_scripts/compilation.source)
 *
 *   A badge:    a.kb-badge with data-kb-terms (and href: the theme page),
 *               its text the theme's name (or data-kb-theme)
 *     data-kb-score  the score
 *     data-kb-terms   evidence terms, separated by "|"
 *     data-kb-for     (optional) id of the element whose text holds the
 *                     evidence: a part's heading (the part runs to the
 *                     next heading of its level) or any element; default:
 *                     the passage the badge is in
 *
 *   The speech list and theme pages' groups are filtered by kb-list.js,
 *   which only the pages that have them load (overrides/main.html):
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

  /* The nearest value of attribute name: on el, an ancestor, or a preceding
   * sibling of either (a speech page states its citation once, on the
   * facts line before the text). */
  function attr(el, name) {
    for (var n = el; n && n.nodeType === 1; n = n.parentElement)
      for (var s = n; s; s = s.previousElementSibling)
        if (s.hasAttribute(name)) return s.getAttribute(name);
    return "";
  }

  function passageOf(node) {
    var el = node && (node.nodeType === 1 ? node : node.parentElement);
    return el ? el.closest("[data-kb-loc]") : null;
  }

  /* The passage's address without this visit's query (?h=…, filters):
   * data-kb-href, else the link of the .kb-passage-meta line right after
   * it (a theme page's passage: its place on its speech page), else this
   * page + #id. */
  function passageUrl(passage) {
    var page = window.location.href.split(/[?#]/)[0];
    var meta = passage.nextElementSibling;
    var link = meta && meta.classList.contains("kb-passage-meta") ? meta.querySelector("a[href]") : null;
    var url = new URL(passage.getAttribute("data-kb-href") || (link ? link.getAttribute("href") : "#" + passage.id), page);
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

  // --- the search box ------------------------------------------------------

  /* maxlength on material's search box (the worker reads the first 100
   * characters of a query; the help page says so), and a visible message
   * when the search index is broken.  material loads search/search_index.json
   * (http) or search/search_index.js (file://) itself and, when that fails,
   * never starts the worker and shows "正在初始化搜索引擎" forever; so on the
   * first opening of the search this checks the same file and, if it cannot
   * be loaded or parsed or is not this site's index, says so in the result
   * list.  The worker reports broken shards as a result item
   * (.kb-search-error); the message then goes in the list's heading, where
   * material would say how many pages matched. */
  function initSearchBox() {
    var MAX_QUERY = 100;
    var BROKEN = "搜索索引不完整或已损坏，请重新构建站点";
    var form = document.forms.namedItem("search");
    var toggle = document.getElementById("__search");
    var configEl = document.getElementById("__config");
    if (!form || !toggle || !configEl) return;
    var input = form.querySelector("input.md-search__input");
    var meta = document.querySelector(".md-search-result__meta");
    var list = document.querySelector(".md-search-result__list");
    if (input) input.maxLength = MAX_QUERY;
    function broken(detail) {
      if (!meta) return;
      meta.textContent = BROKEN;
      meta.classList.add("kb-search-broken");
      meta.setAttribute("role", "alert");
      if (detail) meta.title = detail;
    }
    if (list && meta)
      new MutationObserver(function () {
        if (list.querySelector(".kb-search-error")) broken("");
        else if (meta.classList.contains("kb-search-broken") && list.childElementCount) {
          meta.classList.remove("kb-search-broken");
          meta.removeAttribute("role");
        }
      }).observe(list, { childList: true });
    var config = JSON.parse(configEl.textContent);
    var base = new URL(config.base, location.href);
    function isIndex(index) {
      return index && index.config && typeof index.config.kb === "object" && index.config.kb !== null;
    }
    var probed = false;
    function probe() {
      if (probed || !toggle.checked) return;
      probed = true;
      if (location.protocol === "file:") {
        var script = document.createElement("script");
        script.src = new URL("search/search_index.js", base).href;
        script.onload = function () {
          if (typeof __index === "undefined" || !isIndex(__index)) broken("search/search_index.js");
        };
        script.onerror = function () { broken("search/search_index.js"); };
        document.body.appendChild(script);
      } else {
        fetch(new URL("search/search_index.json", base).href, { cache: "force-cache" })
          .then(function (response) {
            if (!response.ok) throw new Error("HTTP " + response.status);
            return response.json();
          })
          .then(function (index) {
            if (!isIndex(index)) throw new Error("not this site's index");
          })
          .catch(function (err) { broken("search/search_index.json: " + err); });
      }
    }
    toggle.addEventListener("change", probe);
    probe();
  }

  // --- start -------------------------------------------------------------

  function init() {
    var content = document.querySelector(".md-content") || document.body;
    content.querySelectorAll("[data-kb-loc]").forEach(addActions);
    initBadges(content);
    document.documentElement.classList.add("kb-js");
    initSearchBox();
    // material's search overlay is a dialog without a name.
    document.querySelectorAll('.md-search[role="dialog"]:not([aria-label])').forEach(function (d) {
      d.setAttribute("aria-label", "搜索");
    });
    markScrollable();
    // material wraps the tables in its own script, which may run later.
    window.addEventListener("load", markScrollable);
    // kb-list.js drew other rows.
    document.addEventListener("kb:rows", markScrollable);
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
