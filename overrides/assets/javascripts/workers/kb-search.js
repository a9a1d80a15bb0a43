/*
 * kb-search.js — the knowledge base's search worker.
 *
 * Replaces mkdocs-material's search worker (lunr) behind material's own
 * search box and result list: it speaks the same four messages (SETUP,
 * READY, QUERY, RESULT; see material's
 * src/templates/assets/javascripts/integrations/search/worker/message) and
 * returns results in material's shape (SearchItem[][], one list per page,
 * the page first).  overrides/main.html points material at this file.
 *
 * The index (build_scripts/search_index.py) is a positional character-bigram
 * index split into shards; a query loads only the shards of its own keys and
 * the text of the pages it shows, with importScripts — which also works from
 * file:// under the iframe-worker shim that material's offline plugin uses.
 *
 * Query semantics (what the tests in tests/test_search.py hold us to):
 *   - whitespace and punctuation separate terms; every term is an exact
 *     phrase, and all terms are required (AND);
 *   - tier 0: passages holding every term as an exact phrase;
 *   - tier 1 ("相近表述"): passages where a term's pieces (its longest
 *     substrings that occur in the corpus outside the term, at least two
 *     characters each; 的/和/与… dropped) lie close together — 帮扶援助困难职工
 *     for 困难职工帮扶;
 *   - tier 2 (several terms only): passages holding some of the terms, if
 *     those carry at least half the query's weight (idf);
 *   - exact and approximate passages of a page are separate result groups,
 *     so every exact passage is listed before every approximate one;
 *   - nothing else: a query whose words are not in the corpus finds nothing;
 *   - when tier 0 fills the first screen it is answered at once, and the
 *     full list (tiers 1 and 2 below it) follows.
 *
 * Everything shown is HTML-escaped here: material inserts the strings with
 * innerHTML, and speech text is untrusted.
 */
"use strict"

/* Message types: material's SearchMessageType */
const SETUP = 0, READY = 1, QUERY = 2, RESULT = 3

/* Index format this worker reads (search_index.VERSION) */
const FORMAT = 1

/* Pages whose passages are loaded before the first answer: as many as the
   browser fetches at once from one host over HTTP/1.1 (six), more than fit
   on the screen.  Material renders ten result items at once; the next
   answer fills in the rest */
const FIRST_PAGES = 6
/* Pages whose passages are loaded at all; further pages show their title
   and number of matches.  Kept small: a query's fetches queue before the
   next query's (typing one more character) */
const MAX_PAGES = 30
/* Passages shown open per page; the rest go under material's "more" */
const OPEN_PER_PAGE = 3
/* Snippet length and lead-in, in UTF-16 code units */
const SNIPPET = 120, LEAD = 24
/* Characters that join the words of a phrase; dropped when a phrase is
   split into pieces (党的领导 → 党 领导) */
const JOINERS = new Set([..."的和与及之了在对把被并或而是"])
/* A term's pieces must lie within this many characters of each other */
const WINDOW = term => Math.max(16, 3 * term.length)

let manifest = null
let headings = new Set()
let base = null
let latest = 0
const shards = new Map()
const postings = new Map()
const phrases = new Map()

/* Called by every shard script */
function kbLoaded(name, data) {
  shards.set(name, data)
}
self.kbLoaded = kbLoaded

/* ------------------------------------------------------------------------ */

/* Under the iframe-worker shim (file://) this script runs in an iframe, where
   self.location is not the script's own address */
function scriptUrl() {
  if (typeof document !== "undefined") {
    const el = document.querySelector("script[src*='kb-search']")
    if (el)
      return el.src
  }
  return self.location.href
}

async function load(names) {
  const missing = [...new Set(names)].filter(name => !shards.has(name))
  if (!missing.length)
    return
  const urls = missing.map(name =>
    new URL(`search/kb/${name}.js?v=${manifest.version}`, base).href)
  if (base.protocol === "file:") {
    /* Browsers refuse fetch() on file://; the shim's importScripts adds
       <script> tags, one after the other */
    await importScripts(...urls)
  } else {
    /* Over http, fetch all at once (importScripts would fetch one by one) and
       read the JSON between `kbLoaded("<name>",` and `);` — parsed, never run */
    await Promise.all(missing.map(async (name, i) => {
      const response = await fetch(urls[i])
      if (!response.ok)
        throw new Error(`search shard ${name}: HTTP ${response.status}`)
      const text = await response.text()
      const head = `kbLoaded("${name}",`
      if (!text.startsWith(head))
        throw new Error(`search shard ${name} is not a knowledge-base shard`)
      kbLoaded(name, JSON.parse(text.slice(head.length, text.lastIndexOf(");"))))
    }))
  }
  for (const name of missing)
    if (!shards.has(name))
      throw new Error(`search shard ${name} did not load`)
}

/* ------------------------------------------------------------------------ */

/* Same as search_index.fold_char: full-width ASCII → ASCII, A–Z → a–z,
   ideographic space → space; keeps the UTF-16 length */
const FOLDED = /[\uFF01-\uFF5E\u3000A-Z]/g
function fold(text) {
  /* A regex finds the few characters to change: most text has none, and
     this runs over every title and snippet of a result list */
  return text.replace(FOLDED, ch => {
    let cp = ch.charCodeAt(0)
    if (cp >= 0xFF01 && cp <= 0xFF5E)
      cp -= 0xFEE0
    else if (cp === 0x3000)
      cp = 0x20
    if (cp >= 0x41 && cp <= 0x5A)
      cp += 0x20
    return String.fromCharCode(cp)
  })
}

/* Same as search_index.is_indexed */
const INDEXED = /[\p{L}\p{N}]/u

/* Same as search_index.key_hash: 32-bit FNV-1a over code points */
function keyHash(key) {
  let h = 0x811C9DC5
  for (const ch of key)
    h = Math.imul(h ^ ch.codePointAt(0), 0x01000193) >>> 0
  return h
}

function shardOf(key) {
  return `p${keyHash(key) % manifest.shards}`
}

/* A term's or piece's characters as a string, made once per array: the
   same arrays are looked at for every hit */
const strings = new WeakMap()
function str(chars) {
  let text = strings.get(chars)
  if (text === undefined)
    strings.set(chars, text = chars.join(""))
  return text
}

/* Value of a base-36 digit's character code (0-9, a-z) */
const digit = c => c <= 57 ? c - 48 : c - 87

/* A bigram's posting, read lazily: the documents are found at once, a
   document's positions only when asked for.
   A common bigram (职工) is in most documents, and a phrase needs the
   positions of those holding its rarest bigram only.  Map-like: size,
   has(doc), get(doc) → ascending positions, keys(), [doc, positions]… */
class Posting {
  constructor(raw) {
    this.raw = raw
    /* Ascending documents, and where each one's positions start in raw */
    this.docs = []
    this.from = []
    let doc = 0, i = 0
    while (i < raw.length) {
      /* entry: doc-delta ":" position-delta ("," position-delta)*, ";"-joined */
      let n = 0, c
      while ((c = raw.charCodeAt(i++)) !== 58)
        n = n * 36 + digit(c)
      this.docs.push(doc += n)
      this.from.push(i)
      const end = raw.indexOf(";", i)
      i = end < 0 ? raw.length : end + 1
    }
  }
  get size() {
    return this.docs.length
  }
  /* Index of doc in docs, or -1 (binary search: no Map to build) */
  find(doc) {
    const docs = this.docs
    let lo = 0, hi = docs.length - 1
    while (lo <= hi) {
      const mid = (lo + hi) >> 1
      if (docs[mid] < doc)
        lo = mid + 1
      else if (docs[mid] > doc)
        hi = mid - 1
      else
        return mid
    }
    return -1
  }
  has(doc) {
    return this.find(doc) >= 0
  }
  keys() {
    return this.docs.values()
  }
  get(doc) {
    const k = this.find(doc)
    return k < 0 ? undefined : this.at(k)
  }
  /* The positions of the k-th document */
  at(k) {
    const raw = this.raw, positions = []
    let i = this.from[k], p = 0, n = 0
    for (; i < raw.length; i++) {
      const c = raw.charCodeAt(i)
      if (c === 44) {
        positions.push(p += n)
        n = 0
      } else if (c === 59) {
        break
      } else {
        n = n * 36 + digit(c)
      }
    }
    positions.push(p + n)
    return positions
  }
  *[Symbol.iterator]() {
    for (let k = 0; k < this.docs.length; k++)
      yield [this.docs[k], this.at(k)]
  }
}

/* key → Posting for a bigram, Map(doc → count) for a character */
function posting(key) {
  let found = postings.get(key)
  if (found)
    return found
  const raw = (shards.get(shardOf(key)) || {})[key] || ""
  if ([...key].length > 1) {
    found = new Posting(raw)
  } else {
    found = new Map()
    let doc = 0
    for (const entry of raw ? raw.split(";") : []) {
      const [d, tf] = entry.split(":")
      found.set(doc += parseInt(d, 36), parseInt(tf, 36))
    }
  }
  postings.set(key, found)
  return found
}

/* The starts s (ascending) with s + shift in `other` (ascending) */
function shifted(starts, other, shift) {
  const out = []
  let k = 0
  for (const s of starts) {
    while (k < other.length && other[k] < s + shift)
      k++
    if (k < other.length && other[k] === s + shift)
      out.push(s)
  }
  return out
}

/* An array of characters (a term) → Map(doc → start positions) (for one
   bigram, its Posting), or for a single character Map(doc → number of
   occurrences) */
function phrase(chars) {
  const key = str(chars)
  let result = phrases.get(key)
  if (result)
    return result
  if (chars.length <= 2) {
    result = posting(key)
  } else {
    result = new Map()
    const lists = []
    for (let i = 0; i + 1 < chars.length; i++)
      lists.push([i, posting(chars[i] + chars[i + 1])])
    lists.sort((a, b) => a[1].size - b[1].size)
    const [offset, rarest] = lists[0]
    for (const [doc, positions] of rarest) {
      let starts = offset ? positions.map(p => p - offset) : positions
      for (let j = 1; j < lists.length && starts.length; j++) {
        const other = lists[j][1].get(doc)
        starts = other ? shifted(starts, other, lists[j][0]) : []
      }
      if (starts.length)
        result.set(doc, starts)
    }
  }
  phrases.set(key, result)
  return result
}

function count(value) {
  return Array.isArray(value) ? value.length : value
}

/* Does `piece` (at `offset` in the term) occur anywhere but inside an
   occurrence of the whole term (`whole`: Map doc → starts)? */
function standsAlone(piece, offset, whole) {
  for (const [doc, starts] of phrase(piece)) {
    const inside = whole.get(doc)
    if (!inside || shifted(starts, inside, -offset).length < starts.length)
      return true
  }
  return false
}

/* A term → its pieces, for passages that say the same in other words
   (困难职工帮扶 → 困难职工 … 帮扶): greedy longest substrings, at least two
   characters, that occur in the corpus on their own, not only inside the
   term.  Lone joiners (的, 和 …) are dropped; any other lone character means
   the term has no such reading (null), as has a term of one piece */
function pieces(chars, whole) {
  const out = []
  let i = 0
  while (i < chars.length) {
    let j = chars.length
    while (j > i + 1 && !standsAlone(chars.slice(i, j), i, whole))
      j--
    if (j === i + 1) {
      if (!JOINERS.has(chars[i]))
        return null
    } else {
      out.push(chars.slice(i, j))
    }
    i = j
  }
  return out.length > 1 ? out : null
}

/* ------------------------------------------------------------------------ */

/* Query → terms: runs of indexed characters, folded */
function parse(query) {
  const terms = []
  let run = [], raw = ""
  for (const ch of query) {
    const f = fold(ch)
    if (INDEXED.test(f)) {
      run.push(f)
      raw += ch
    } else if (run.length) {
      terms.push({ chars: run, text: raw })
      run = []
      raw = ""
    }
  }
  if (run.length)
    terms.push({ chars: run, text: raw })
  /* The same term twice adds nothing */
  const seen = new Set()
  return terms.filter(t => !seen.has(str(t.chars)) && seen.add(str(t.chars)))
}

function keysOf(terms) {
  const keys = []
  for (const { chars } of terms)
    if (chars.length === 1)
      keys.push(chars[0])
    else
      for (let i = 0; i + 1 < chars.length; i++)
        keys.push(chars[i] + chars[i + 1])
  return keys
}

function idf(df) {
  return Math.log(1 + manifest.docs / Math.max(df, 1))
}

/* Page number of a global document number (pages hold consecutive docs) */
function pageOf(doc) {
  const pages = manifest.pages
  let lo = 0, hi = pages.length - 1
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1
    if (pages[mid][3] <= doc)
      lo = mid
    else
      hi = mid - 1
  }
  return lo
}

/* Does the doc hold all pieces within `window` characters? */
function near(doc, parts, window) {
  const events = []
  parts.forEach((chars, k) => {
    for (const s of phrase(chars).get(doc) || [])
      events.push([s, k, chars.length])
  })
  events.sort((a, b) => a[0] - b[0])
  const seen = new Array(parts.length).fill(0)
  let have = 0, lo = 0
  for (let hi = 0; hi < events.length; hi++) {
    if (seen[events[hi][1]]++ === 0)
      have++
    while (have === parts.length) {
      if (events[hi][0] + events[hi][2] - events[lo][0] <= window)
        return true
      if (--seen[events[lo][1]] === 0)
        have--
      lo++
    }
  }
  return false
}

/* The matches of a query: Map(doc → { tier, score, found: [chars…],
   missing: [term text…] }); with exactOnly, those of tier 0 only */
function match(terms, exactOnly = false) {
  const exact = terms.map(t => phrase(t.chars))
  const split = terms.map((t, i) => !exactOnly && t.chars.length > 1 ? pieces(t.chars, exact[i]) : null)
  const hits = new Map()
  const hit = doc => {
    let h = hits.get(doc)
    if (!h)
      hits.set(doc, h = { exact: 0, partial: 0, score: 0, found: [], missing: [] })
    return h
  }
  terms.forEach((term, i) => {
    const weight = idf(exact[i].size)
    for (const [doc, tf] of exact[i]) {
      const h = hit(doc)
      h.exact++
      h.score += weight * (1 + Math.log(count(tf)))
      h.found.push(term.chars)
    }
    if (split[i]) {
      const docs = split[i].map(p => phrase(p))
      const [first, ...rest] = [...docs].sort((a, b) => a.size - b.size)
      for (const doc of first.keys())
        if (!exact[i].has(doc) && rest.every(d => d.has(doc)) && near(doc, split[i], WINDOW(term.chars))) {
          const h = hit(doc)
          h.partial++
          h.score += 0.5 * split[i].reduce((s, p, k) => s + idf(docs[k].size), 0)
          h.found.push(...split[i])
          h.missing.push(term.text)
        }
    }
  })
  /* Tier 2 only for a passage whose terms carry at least half the query's
     weight: 职工 alone does not answer 职工 培训, 培训 alone may */
  const weights = terms.map((t, i) => idf(exact[i].size || 1))
  const total = weights.reduce((a, b) => a + b, 0)
  for (const [doc, h] of hits) {
    const matched = h.exact + h.partial
    h.tier = matched < terms.length ? 2 : h.partial ? 1 : 0
    if (exactOnly && h.tier > 0) {
      hits.delete(doc)
      continue
    }
    /* A part heading is a hit when it holds the whole query; its part's
       passages carry the rest */
    if (h.tier > 0 && headings.has(doc)) {
      hits.delete(doc)
      continue
    }
    if (h.tier === 2) {
      const have = new Set(h.found.map(str))
      const weight = terms.reduce((sum, t, i) =>
        sum + (have.has(str(t.chars)) || h.missing.includes(t.text) ? weights[i] : 0), 0)
      if (terms.length < 2 || weight < total / 2) {
        hits.delete(doc)
        continue
      }
      for (const t of terms)
        if (!have.has(str(t.chars)) && !h.missing.includes(t.text))
          h.missing.push(t.text)
    }
  }
  return hits
}

/* ------------------------------------------------------------------------ */

function escapeHTML(text) {
  return text.replace(/[&<>"']/g, ch => `&#${ch.charCodeAt(0)};`)
}

/* text → HTML with every occurrence of the found phrases in <mark>; when
   `limit` is given, a window of the text around the first one */
function mark(text, found, limit) {
  const folded = fold(text)
  const ranges = []
  for (const p of [...found].sort((a, b) => b.length - a.length)) {
    if (!p)
      continue
    for (let at = folded.indexOf(p); at >= 0; at = folded.indexOf(p, at + p.length))
      if (ranges.every(([s, e]) => at + p.length <= s || at >= e))
        ranges.push([at, at + p.length])
  }
  ranges.sort((a, b) => a[0] - b[0])
  let start = 0, end = text.length
  if (limit && text.length > limit) {
    start = ranges.length ? Math.max(0, ranges[0][0] - LEAD) : 0
    end = Math.min(text.length, start + limit)
    start = Math.max(0, Math.min(start, end - limit))
  }
  let out = start > 0 ? "…" : ""
  let at = start
  for (const [s, e] of ranges) {
    if (e <= start || s >= end)
      continue
    out += escapeHTML(text.slice(at, Math.max(s, at)))
    out += `<mark>${escapeHTML(text.slice(Math.max(s, at), Math.min(e, end)))}</mark>`
    at = Math.min(e, end)
  }
  out += escapeHTML(text.slice(at, end))
  return end < text.length ? out + "…" : out
}

/* The terms map material shows: found phrases true, missing terms false */
function termsOf(hit) {
  const terms = {}
  for (const chars of hit.found)
    terms[str(chars)] = true
  for (const text of hit.missing)
    terms[text] = false
  return terms
}

/* Group hits by page, best first.  A page's exact passages and its
   approximate ones (tiers 1 and 2) are two groups, so that every passage
   holding the whole query comes before every one that does not */
function groups(hits, terms) {
  const query = terms.map(t => str(t.chars)).join(" ")
  const byPage = new Map()
  for (const [doc, h] of hits) {
    const page = pageOf(doc)
    const [, title, kind, first] = manifest.pages[page]
    if (doc === first) {
      /* A page whose name is the query is the answer to it */
      const name = fold(title)
      if (name === query)
        h.score += 1000
      else if (terms.every(t => name.includes(str(t.chars))))
        h.score += kind === "theme" ? 100 : 10
    }
    const key = 2 * page + (h.tier ? 1 : 0)
    let g = byPage.get(key)
    if (!g)
      byPage.set(key, g = { page, tier: h.tier, approximate: h.tier > 0, score: 0, docs: [] })
    g.docs.push([doc, h])
    g.tier = Math.min(g.tier, h.tier)
  }
  for (const g of byPage.values()) {
    g.score = Math.max(...g.docs.filter(([, h]) => h.tier === g.tier).map(([, h]) => h.score))
    g.docs.sort((a, b) => a[1].tier - b[1].tier || a[0] - b[0])
  }
  /* Help pages quote example queries; within a tier they come last */
  const help = g => manifest.pages[g.page][2] === "doc" ? 1 : 0
  return [...byPage.values()].sort((a, b) =>
    a.tier - b.tier || help(a) - help(b) || b.score - a.score || a.page - b.page)
}

/* One page's result list in material's shape: the page, then its passages */
function render(group, withText) {
  const [location, title, , first] = manifest.pages[group.page]
  const rows = withText ? shards.get(`d${group.page}`) : null
  const score = 1 + group.score
  const pageHit = group.docs.find(([doc]) => doc === first)
  const passages = group.docs.filter(([doc]) => doc !== first)
  const all = group.docs.map(([, h]) => h)
  const count = `<span class="kb-search-count">${group.approximate ? "相近表述 " : ""}${group.docs.length} 处</span>`
  const article = {
    location,
    title: `${mark(title, [...new Set(all.flatMap(h => h.found.map(str)))])} ${count}`,
    text: pageHit && rows ? mark(rows[0][2], pageHit[1].found.map(str), SNIPPET) : "",
    score,
    terms: termsOf(pageHit ? pageHit[1] : all[0])
  }
  const items = [article]
  if (rows)
    passages.forEach(([doc, h], k) => {
      const [anchor, heading, text] = rows[doc - first]
      const found = h.found.map(str)
      items.push({
        location: `${location}#${anchor}`,
        title: mark(heading, found),
        text: mark(text, found, SNIPPET),
        score: k < OPEN_PER_PAGE ? score : score - 1,
        terms: termsOf(h)
      })
    })
  else if (!pageHit)
    article.text = `${passages.length} 段匹配`
  return items
}

async function search(query, id, reply) {
  const terms = parse(query)
  if (!terms.length)
    return reply({ items: [] })
  await load(keysOf(terms).map(shardOf))
  if (id !== latest)
    return
  /* Exact passages rank above all others, so when they fill the first
     screen they are answered at once, and the rest (相近表述, partial
     matches) follows below them in the next answer */
  let ranked = groups(match(terms, true), terms)
  const complete = ranked.length < FIRST_PAGES
  if (complete)
    ranked = groups(match(terms), terms)
  await load(ranked.slice(0, FIRST_PAGES).map(g => `d${g.page}`))
  if (id !== latest)
    return
  reply({
    items: ranked.map((g, i) => render(g, i < FIRST_PAGES)),
    total: ranked.length
  })
  if (!complete)
    ranked = groups(match(terms), terms)
  if (ranked.length > FIRST_PAGES) {
    await load(ranked.slice(FIRST_PAGES, MAX_PAGES).map(g => `d${g.page}`))
    if (id === latest)
      reply({
        items: ranked.map((g, i) => render(g, i < MAX_PAGES)),
        total: ranked.length
      })
  }
}

/* ------------------------------------------------------------------------ */

addEventListener("message", async ev => {
  const message = ev.data
  switch (message.type) {
    case SETUP:
      manifest = (message.data.config || {}).kb || null
      if (!manifest || manifest.format !== FORMAT) {
        console.error("kb-search: search/search_index.json is not a knowledge-base index; rebuild the site")
        manifest = null
      }
      if (manifest) {
        let doc = 0
        headings = new Set(manifest.headings
          ? manifest.headings.split(",").map(d => (doc += parseInt(d, 36)))
          : [])
      }
      base = new URL("../../../", scriptUrl())
      postMessage({ type: READY })
      break
    case QUERY: {
      const id = ++latest
      const reply = data => postMessage({ type: RESULT, data })
      if (!manifest)
        return reply({ items: [] })
      try {
        await search(String(message.data || ""), id, reply)
      } catch (err) {
        console.warn("kb-search:", err)
        if (id === latest)
          reply({ items: [] })
      }
      break
    }
  }
})
