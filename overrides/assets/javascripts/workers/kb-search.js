// @ts-check
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
 * The index (build_scripts/search_index.py, whose docstring is the format's
 * spec) is a positional character-bigram index split into shards; a query
 * loads only the shards of its own keys and the text of the passages it
 * shows — fetched and parsed over http, with <script> tags from file://
 * under the iframe-worker shim that material's offline plugin uses.
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
 *   - one page is one result group, ranked by its best passage: every page
 *     with an exact passage comes before every page without one, and in a
 *     page its exact passages come before its approximate ones (under
 *     material's "more");
 *   - help pages (hand-written docs) come after speeches and themes;
 *   - a speech is also found by its metadata (place, occasion, years, named
 *     period 十八大…), indexed with its title, and its place · occasion ·
 *     period line is shown under its title;
 *   - nothing else: a query whose words are not in the corpus finds nothing;
 *   - when tier 0 fills the first screen it is answered at once, and the
 *     full list (tiers 1 and 2 below it) follows; the first screen comes
 *     first with titles and counts, then with its passages (only the
 *     documents files holding them);
 *   - a hot key (职工, 工会: postings of most pages) is read in parts in
 *     page order, the first small: the first screen is ranked among the
 *     pages its loaded parts cover (more are read until that has a screen
 *     of exact matches), the full list follows once all are read;
 *   - a query is cut to its first MAX_QUERY characters (documented on the
 *     help page; the search box has the same maxlength), and matching work
 *     grows about linearly with the query's length below that;
 *   - a shard that cannot be loaded or parsed, or a manifest of another
 *     format, puts INDEX_BROKEN at the top of the result list (with what
 *     failed), never an empty list; what did load is still searched.
 *
 * Everything shown is HTML-escaped here: material inserts the strings with
 * innerHTML, and speech text is untrusted.
 *
 * Tests: tests/js/ (node --test, run by tests/test_search_worker.py) and
 * tests/test_search.py (the real site in Chromium).  Types are JSDoc,
 * checked with `tsc --noEmit --allowJs --checkJs --strict --target es2022
 * --lib es2022,dom` (TypeScript is not a dependency; nothing is compiled).
 */
"use strict"

/* Message types: material's SearchMessageType */
const SETUP = 0, READY = 1, QUERY = 2, RESULT = 3

/* Index format this worker reads (search_index.FORMAT) */
const FORMAT = 5

/* Longest query, in characters (code points); the rest is ignored */
const MAX_QUERY = 100

/* Shown at the top of the result list when the index is broken */
const INDEX_BROKEN = "搜索索引不完整或已损坏，请重新构建站点"

/* Pages of the first screen: as many as the browser fetches at once from
   one host over HTTP/1.1 (six), more than fit on the screen.  They are
   answered first with titles only, then with their passages; material
   renders ten result items at once; the next answer fills in the rest */
const FIRST_PAGES = 6
/* Pages whose passages are loaded at all; further pages show their title
   and number of matches.  Kept small: a query's fetches queue before the
   next query's (typing one more character) */
const MAX_PAGES = 30
/* Pages listed at all (their page-table entries are fetched); the count
   of matching pages is given in full */
const MAX_LISTED = 200
/* Passages shown open per page; the rest go under material's "more" */
const OPEN_PER_PAGE = 3
/* Snippet length and lead-in, in UTF-16 code units */
const SNIPPET = 120, LEAD = 24
/* Characters that join the words of a phrase; dropped when a phrase is
   split into pieces (党的领导 → 党 领导) */
const JOINERS = new Set([..."的和与及之了在对把被并或而是"])
/** A term's pieces must lie within this many characters of each other
 * @param {string[]} term */
const WINDOW = term => Math.max(16, 3 * term.length)

/**
 * The manifest (search_index.py's module docstring).
 * @typedef {[string, string, string, number, string, number[]]} PageEntry
 *   location, title, kind, first document, facts line, where its documents
 *   files after the first start (location, title and facts are "" and the
 *   starts [] until the page's table file is loaded: `entry`)
 * @typedef {{format: number, digest: string, shards: number, docs: number,
 *   pages: number, kinds: [string, number][], chunk: number, help: string}} Manifest
 * @typedef {[string, string, string, string]} DocRow anchor, title, text, kind
 *   (the title as shown: `rowsOf` expands the file's short forms)
 * @typedef {Map<number, number[]> | Posting | Map<number, number>} Occurrences
 *   doc → start positions (a phrase), or doc → count (one character)
 * @typedef {{tier: number, exact: number, partial: number, score: number,
 *   found: string[][], missing: string[]}} Hit
 * @typedef {{chars: string[], text: string}} Term
 * @typedef {{page: number, tier: number, score: number, docs: [number, Hit][]}} Group
 * @typedef {{location: string, title: string, text: string, score: number,
 *   terms: Record<string, boolean>}} SearchItem material's result item
 */

/** @type {Manifest | null} */
let manifest = null
/** Why the manifest was refused ("" when it was not) */
let refused = ""
/** Part-heading documents, as their postings are read
 * @type {Set<number>} */
const headings = new Set()
/** Every page's entry (filled in from its table file by `entry`)
 * @type {PageEntry[]} */
let pages = []
/** Each page's title length (code points), as postings are read
 * @type {Map<number, number>} */
const titleLengths = new Map()
/** The site root; set on SETUP (nothing is loaded before) */
let base = new URL("http://localhost/")
let latest = 0
/** @type {Map<string, any>} shard name → its data */
const shards = new Map()
/** @type {Map<string, string>} shard name → why it did not load */
const broken = new Map()
/** @type {Map<string, Occurrences>} */
const phrases = new Map()

/**
 * Called by every shard script.
 * @param {string} name
 * @param {any} data
 */
function kbLoaded(name, data) {
  /* A postings shard is an object, a documents or page-table shard an array */
  const ok = name[0] === "d" || name[0] === "t" ? Array.isArray(data)
    : data !== null && typeof data === "object" && !Array.isArray(data)
  if (ok)
    shards.set(name, data)
  else
    broken.set(name, "不是有效的索引文件")
}
/** @type {any} */ (self).kbLoaded = kbLoaded

/* ------------------------------------------------------------------------ */

/* Under the iframe-worker shim (file://) this script runs in an iframe, where
   self.location is not the script's own address */
function scriptUrl() {
  if (typeof document !== "undefined") {
    const el = /** @type {HTMLScriptElement | null} */ (document.querySelector("script[src*='kb-search']"))
    if (el)
      return el.src
  }
  return self.location.href
}

/**
 * One shard from file://, as a <script> tag (the shim runs this worker in an
 * iframe).  The shim's own importScripts waits forever for a script that
 * fails, so a missing shard would leave the search hanging.
 * @param {string} url
 * @returns {Promise<void>}
 */
function addScript(url) {
  return new Promise(resolve => {
    const el = document.createElement("script")
    el.src = url
    el.onload = () => resolve()
    el.onerror = () => resolve()
    document.body.appendChild(el)
  })
}

/**
 * Fetch one shard over http and parse it: the JSON between
 * `kbLoaded("<name>",` and the final `);`, never run.
 * @param {string} name
 * @param {string} url
 */
async function fetchShard(name, url) {
  const response = await fetch(url)
  if (!response.ok)
    throw new Error(`HTTP ${response.status}`)
  const text = await response.text()
  const head = `kbLoaded("${name}",`
  const end = text.lastIndexOf(");")
  if (!text.startsWith(head) || end < head.length)
    throw new Error("不是有效的索引文件")
  kbLoaded(name, JSON.parse(text.slice(head.length, end)))
}

/**
 * Load the shards not loaded yet.  Never throws: a shard that fails is
 * recorded in `broken` (and not tried again), and the rest is used.
 * @param {string[]} names
 */
async function load(names) {
  const missing = [...new Set(names)].filter(name => !shards.has(name) && !broken.has(name))
  if (!missing.length || !manifest)
    return
  const version = manifest.digest
  const urls = missing.map(name => new URL(`search/kb/${name}.js?v=${version}`, base).href)
  if (base.protocol === "file:" && typeof document !== "undefined") {
    await Promise.all(urls.map(addScript))
  } else if (base.protocol === "file:") {
    /* A real worker on file:// (a browser that allows it): one by one */
    const { importScripts } = /** @type {{importScripts: (url: string) => void}} */ (/** @type {unknown} */ (self))
    for (const url of urls)
      try {
        importScripts(url)
      } catch (err) {
        /* recorded below */
      }
  } else {
    await Promise.all(missing.map((name, i) => fetchShard(name, urls[i]).catch(err => {
      broken.set(name, err instanceof SyntaxError ? "不是有效的索引文件" : String(err.message || err))
    })))
  }
  for (const name of missing)
    if (!shards.has(name) && !broken.has(name))
      broken.set(name, "无法读取")
}

/* ------------------------------------------------------------------------ */

/* Same as search_index.fold_char: full-width ASCII → ASCII, A–Z → a–z,
   ideographic space → space; keeps the UTF-16 length */
const FOLDED = /[\uFF01-\uFF5E\u3000A-Z]/g
/**
 * @param {string} text
 * @returns {string}
 */
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

/**
 * Same as search_index.key_hash: 32-bit FNV-1a over code points.
 * @param {string} key
 * @returns {number}
 */
function keyHash(key) {
  let h = 0x811C9DC5
  for (const ch of key)
    h = Math.imul(h ^ /** @type {number} */ (ch.codePointAt(0)), 0x01000193) >>> 0
  return h
}

/** The postings shard of a key
 * @param {string} key */
function shardOf(key) {
  return `p${keyHash(key) % (manifest ? manifest.shards : 1)}`
}

/**
 * A key's value in its shard (loaded): its entries as text, or for a hot
 * key [file number, end page of part 0, of part 1, …], or null
 * @param {string} key
 * @returns {string | number[] | null}
 */
function valueOf(key) {
  const shard = shards.get(shardOf(key))
  const value = shard && Object.prototype.hasOwnProperty.call(shard, key) ? shard[key] : null
  return typeof value === "string" || Array.isArray(value) ? value : null
}

/**
 * A hot key's parts: the file names, and how many of them, from the first,
 * are loaded (a part that failed counts as loaded: what did load is used)
 * @param {number[]} ref
 */
function partsOf(ref) {
  const names = ref.slice(1).map((_, j) => `h${ref[0]}.${j}`)
  let loaded = 0
  while (loaded < names.length && (shards.has(names[loaded]) || broken.has(names[loaded])))
    loaded++
  return { names, loaded }
}

/**
 * The pages (from 0, end exclusive) for which every hot key of `keys` has
 * its parts loaded: the documents of those pages are matched exactly
 * @param {string[]} keys
 */
function covered(keys) {
  let end = manifest ? manifest.pages : 0
  for (const key of keys) {
    const ref = valueOf(key)
    if (!Array.isArray(ref))
      continue
    const { names, loaded } = partsOf(ref)
    if (loaded < names.length)
      end = Math.min(end, loaded ? Number(ref[loaded]) : 0)
  }
  return end
}

/**
 * The next part of every hot key of `keys` whose loaded parts end first
 * @param {string[]} keys
 * @param {number} end what `covered` gave
 * @returns {string[]}
 */
function nextParts(keys, end) {
  const out = []
  for (const key of keys) {
    const ref = valueOf(key)
    if (!Array.isArray(ref))
      continue
    const { names, loaded } = partsOf(ref)
    if (loaded < names.length && (loaded ? Number(ref[loaded]) : 0) <= end)
      out.push(names[loaded])
  }
  return out
}

/**
 * The files not loaded yet of every hot key of `keys`
 * @param {string[]} keys
 */
function allParts(keys) {
  return keys.flatMap(key => {
    const ref = valueOf(key)
    return Array.isArray(ref) ? ref.slice(1).map((_, j) => `h${ref[0]}.${j}`) : []
  })
}

/* A term's or piece's characters as a string, made once per array: the
   same arrays are looked at for every hit */
/** @type {WeakMap<string[], string>} */
const strings = new WeakMap()
/**
 * @param {string[]} chars
 * @returns {string}
 */
function str(chars) {
  let text = strings.get(chars)
  if (text === undefined)
    strings.set(chars, text = chars.join(""))
  return text
}

/* A postings value's digits (search_index.DIGITS: printable ASCII but
   " and \, in order): the first TERMINAL end a number, the others
   continue it (see Numbers in search_index.py) */
const TERMINAL = 64
/** character code → digit value (-1: not a digit)
 * @type {Int8Array} */
const DIGIT = new Int8Array(128).fill(-1)
for (let code = 0x20, n = 0; code < 0x7F; code++)
  if (code !== 0x22 && code !== 0x5C)
    DIGIT[code] = n++
const CONTINUATION = 93 - TERMINAL

/* The varint reader's position (one reader at a time: no allocation per
   number) */
let at = 0
/**
 * The number at `at` in a postings value; moves `at` past it.  A
 * character that is not a digit ends the value (it is read as 0).
 * @param {string} text
 */
function varint(text) {
  /* Most numbers are one digit */
  const d = DIGIT[text.charCodeAt(at++) & 127]
  if (d < TERMINAL)
    return d < 0 ? 0 : d
  let n = d - TERMINAL, scale = CONTINUATION
  while (at < text.length) {
    const e = DIGIT[text.charCodeAt(at++) & 127]
    if (e < TERMINAL)
      return n + (e < 0 ? 0 : e) * scale
    n += (e - TERMINAL) * scale
    scale *= CONTINUATION
  }
  return n
}

/* Documents are numbered page × PAGE + local number (the page's own
   document is 0): the page of a document is a division away */
const PAGE = 65536

/**
 * Read the entries of one postings value (see Entries in search_index.py),
 * calling `each(doc, from, to)` with a bigram's position deltas at
 * bytes[from..to) (empty for a character); records part headings and
 * title lengths on the way.
 * @param {string} bytes
 * @param {boolean} bigram
 * @param {(doc: number, from: number, to: number) => void} each
 */
function entries(bytes, bigram, each) {
  let page = 0, local = -1
  /* Headers stay below 2^31 (pages below 2^28): bit operations */
  const shift = bigram ? 2 : 1
  at = 0
  while (at < bytes.length) {
    const header = varint(bytes)
    const flags = header & ((1 << shift) - 1), step = header >>> shift
    if (step & 1) {
      local += (step - 1) / 2
    } else {
      page += step / 2
      local = varint(bytes)
    }
    const doc = page * PAGE + local
    if (flags & 1)
      headings.add(doc)
    if (local === 0)
      titleLengths.set(page, varint(bytes))
    let from = at
    if (flags & 2) {
      varint(bytes)
    } else if (bigram) {
      const length = varint(bytes)
      from = at
      at += length
    }
    each(doc, from, at)
  }
}

/* A bigram's posting, read lazily: the documents are found at once, a
   document's positions only when asked for.
   A common bigram (职工) is in most documents, and a phrase needs the
   positions of those holding its rarest bigram only.  Map-like: size,
   has(doc), get(doc) → ascending positions, keys(), [doc, positions]… */
class Posting {
  /** @param {string[]} raws the key's value, or its loaded parts in order */
  constructor(raws) {
    /** Ascending documents, the value each one's positions are in, and
     * where in it they start and end
     * @type {number[]} */
    this.docs = []
    /** @type {string[]} */
    this.bytes = []
    /** @type {number[]} */
    this.from = []
    /** @type {number[]} */
    this.to = []
    for (const raw of raws) {
      entries(raw, true, (doc, from, to) => {
        this.docs.push(doc)
        this.bytes.push(raw)
        this.from.push(from)
        this.to.push(to)
      })
    }
  }
  get size() {
    return this.docs.length
  }
  /** Index of doc in docs, or -1 (binary search: no Map to build)
   * @param {number} doc */
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
  /** @param {number} doc */
  has(doc) {
    return this.find(doc) >= 0
  }
  keys() {
    return this.docs.values()
  }
  /** @param {number} doc
   * @returns {number[] | undefined} */
  get(doc) {
    const k = this.find(doc)
    return k < 0 ? undefined : this.at(k)
  }
  /** The positions of the k-th document
   * @param {number} k
   * @returns {number[]} */
  at(k) {
    const bytes = this.bytes[k], end = this.to[k], positions = []
    let p = 0
    at = this.from[k]
    while (at < end)
      positions.push(p += varint(bytes))
    return positions
  }
  /** @returns {Generator<[number, number[]]>} */
  *[Symbol.iterator]() {
    for (let k = 0; k < this.docs.length; k++)
      yield [this.docs[k], this.at(k)]
  }
}

/** key → [number of values it was read from, its posting]
 * @type {Map<string, [number, Posting | Map<number, number>]>} */
const postings = new Map()

/**
 * key → Posting for a bigram, Map(doc → count) for a character; for a hot
 * key, from the parts loaded so far
 * @param {string} key
 * @returns {Posting | Map<number, number>}
 */
function posting(key) {
  const value = valueOf(key)
  /** @type {string[]} */
  let raws = []
  if (typeof value === "string") {
    raws = [value]
  } else if (Array.isArray(value)) {
    const { names, loaded } = partsOf(value)
    for (const name of names.slice(0, loaded)) {
      const part = shards.get(name)
      if (part && typeof part[key] === "string")
        raws.push(part[key])
    }
  }
  const cached = postings.get(key)
  if (cached && cached[0] === raws.length)
    return cached[1]
  /** @type {Posting | Map<number, number>} */
  let found
  if ([...key].length > 1) {
    found = new Posting(raws)
  } else {
    /* A character's number of occurrences is not stored: each counts once */
    const counts = new Map()
    for (const raw of raws)
      entries(raw, false, doc => counts.set(doc, 1))
    found = counts
  }
  postings.set(key, [raws.length, found])
  return found
}

/**
 * The starts s (ascending) with s + shift in `other` (ascending)
 * @param {number[]} starts
 * @param {number[]} other
 * @param {number} shift
 * @returns {number[]}
 */
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

/**
 * An array of characters (a term) → Map(doc → start positions) (for one
 * bigram, its Posting), or for a single character Map(doc → number of
 * occurrences)
 * @param {string[]} chars
 * @returns {Occurrences}
 */
function phrase(chars) {
  const key = str(chars)
  let result = phrases.get(key)
  if (result)
    return result
  if (chars.length <= 2) {
    result = posting(key)
  } else {
    /** @type {Map<number, number[]>} */
    const starts = new Map()
    /** @type {[number, Posting][]} */
    const lists = []
    for (let i = 0; i + 1 < chars.length; i++)
      lists.push([i, /** @type {Posting} */ (posting(chars[i] + chars[i + 1]))])
    lists.sort((a, b) => a[1].size - b[1].size)
    const [offset, rarest] = lists[0]
    for (const [doc, positions] of rarest) {
      let found = offset ? positions.map(p => p - offset) : positions
      for (let j = 1; j < lists.length && found.length; j++) {
        const other = lists[j][1].get(doc)
        found = other ? shifted(found, other, lists[j][0]) : []
      }
      if (found.length)
        starts.set(doc, found)
    }
    result = starts
  }
  phrases.set(key, result)
  return result
}

/**
 * The occurrences of chars[i..j+1) from those of chars[i..j) (j - i ≥ 2):
 * the starts followed by the bigram ending at j.  Work in proportion to the
 * shorter phrase's occurrences, so growing a piece one character at a time
 * costs about its length, not its length squared.
 * @param {string[]} chars
 * @param {Occurrences} shorter occurrences of chars[0..-1)
 * @returns {Occurrences}
 */
function extended(chars, shorter) {
  const key = str(chars)
  let result = phrases.get(key)
  if (result)
    return result
  const n = chars.length
  const last = /** @type {Posting} */ (posting(chars[n - 2] + chars[n - 1]))
  /** @type {Map<number, number[]>} */
  const starts = new Map()
  for (const [doc, found] of shorter) {
    const other = last.get(doc)
    const kept = other && Array.isArray(found) ? shifted(found, other, n - 2) : []
    if (kept.length)
      starts.set(doc, kept)
  }
  phrases.set(key, starts)
  return starts
}

/**
 * @param {number[] | number} value
 * @returns {number}
 */
function count(value) {
  return Array.isArray(value) ? value.length : value
}

/**
 * Does `piece` (at `offset` in the term) occur anywhere but inside an
 * occurrence of the whole term (`whole`: Map doc → starts)?
 * @param {string[]} piece
 * @param {number} offset
 * @param {Occurrences} whole
 */
function standsAlone(piece, offset, whole) {
  for (const [doc, starts] of phrase(piece)) {
    const inside = whole.get(doc)
    if (!inside || !Array.isArray(starts) || !Array.isArray(inside) ||
        shifted(starts, inside, -offset).length < starts.length)
      return true
  }
  return false
}

/**
 * A term → its pieces, for passages that say the same in other words
 * (困难职工帮扶 → 困难职工 … 帮扶): greedy longest substrings, at least two
 * characters, that occur in the corpus on their own, not only inside the
 * term.  Lone joiners (的, 和 …) are dropped; any other lone character means
 * the term has no such reading (null), as has a term of one piece.
 *
 * From each start, the substring is first grown while it occurs at all
 * (`extended`, one bigram per step), then shortened until it stands alone:
 * about (term length × longest piece) steps, not the cube of the length.
 * @param {string[]} chars
 * @param {Occurrences} whole
 * @returns {string[][] | null}
 */
function pieces(chars, whole) {
  const out = []
  let i = 0
  while (i < chars.length) {
    let j = i + 1
    if (i + 1 < chars.length) {
      let occurs = phrase(chars.slice(i, i + 2))
      if (occurs.size) {
        j = i + 2
        while (j < chars.length) {
          const longer = extended(chars.slice(i, j + 1), occurs)
          if (!longer.size)
            break
          occurs = longer
          j++
        }
      }
    }
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

/**
 * Query → terms: runs of indexed characters, folded; only the first
 * MAX_QUERY characters of the query count.
 * @param {string} query
 * @returns {Term[]}
 */
function parse(query) {
  /** @type {Term[]} */
  const terms = []
  /** @type {string[]} */
  let run = []
  let raw = ""
  for (const ch of [...query].slice(0, MAX_QUERY)) {
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

/**
 * @param {Term[]} terms
 * @returns {string[]}
 */
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

/** @param {number} df */
function idf(df) {
  return Math.log(1 + (manifest ? manifest.docs : 1) / Math.max(df, 1))
}

/**
 * The page-table file of a page
 * @param {number} page
 */
function tableOf(page) {
  return `t${Math.floor(page / (manifest ? manifest.chunk || 1 : 1))}`
}

/**
 * A page's entry, with location, title and facts from its table file when
 * that is loaded (the title falls back to the page's location, then "")
 * @param {number} page
 * @returns {PageEntry}
 */
function entry(page) {
  const known = pages[page]
  const rows = shards.get(tableOf(page))
  const row = Array.isArray(rows) ? rows[page % (manifest ? manifest.chunk || 1 : 1)] : null
  if (Array.isArray(row) && !known[0]) {
    known[0] = String(row[0])
    known[1] = String(row[1])
    known[4] = String(row[2] || "")
    known[5] = Array.isArray(row[3]) ? row[3].map(Number) : []
  }
  return known
}

/**
 * Page number of a document number
 * @param {number} doc
 */
function pageOf(doc) {
  return Math.floor(doc / PAGE)
}

/**
 * Does the doc hold all pieces within `window` characters?
 * @param {number} doc
 * @param {string[][]} parts
 * @param {number} window
 */
function near(doc, parts, window) {
  /** @type {[number, number, number][]} */
  const events = []
  parts.forEach((chars, k) => {
    const starts = phrase(chars).get(doc)
    for (const s of Array.isArray(starts) ? starts : [])
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

/**
 * The matches of a query: Map(doc → hit); with exactOnly, those of tier 0
 * in the pages before `end` only
 * @param {Term[]} terms
 * @param {number} [end]
 * @returns {Map<number, Hit>}
 */
function match(terms, exactOnly = false, end = Infinity) {
  phrases.clear()
  const before = end * PAGE
  const exact = terms.map(t => phrase(t.chars))
  const split = terms.map((t, i) => !exactOnly && t.chars.length > 1 ? pieces(t.chars, exact[i]) : null)
  /** @type {Map<number, Hit>} */
  const hits = new Map()
  /** @param {number} doc */
  const hit = doc => {
    let h = hits.get(doc)
    if (!h)
      hits.set(doc, h = { tier: 0, exact: 0, partial: 0, score: 0, found: [], missing: [] })
    return h
  }
  terms.forEach((term, i) => {
    const weight = idf(exact[i].size)
    for (const [doc, tf] of exact[i]) {
      if (doc >= before)
        break
      const h = hit(doc)
      h.exact++
      h.score += weight * (1 + Math.log(count(tf)))
      h.found.push(term.chars)
    }
    const parts = split[i]
    if (parts) {
      const docs = parts.map(p => phrase(p))
      const [first, ...rest] = [...docs].sort((a, b) => a.size - b.size)
      for (const doc of first.keys())
        if (!exact[i].has(doc) && rest.every(d => d.has(doc)) && near(doc, parts, WINDOW(term.chars))) {
          const h = hit(doc)
          h.partial++
          h.score += 0.5 * parts.reduce((s, p, k) => s + idf(docs[k].size), 0)
          h.found.push(...parts)
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

/** @param {string} text */
function escapeHTML(text) {
  return text.replace(/[&<>"']/g, ch => `&#${ch.charCodeAt(0)};`)
}

/**
 * text → HTML with every occurrence of the found phrases in <mark>; when
 * `limit` is given, a window of the text around the first one
 * @param {string} text
 * @param {string[]} found
 * @param {number} [limit]
 */
function mark(text, found, limit) {
  const folded = fold(text)
  /** @type {[number, number][]} */
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

/**
 * The terms map material shows: found phrases true, missing terms false
 * @param {Hit} hit
 * @returns {Record<string, boolean>}
 */
function termsOf(hit) {
  /** @type {Record<string, boolean>} */
  const terms = {}
  for (const chars of hit.found)
    terms[str(chars)] = true
  for (const text of hit.missing)
    terms[text] = false
  return terms
}

/**
 * Group hits by page, best first: one group per page, ranked by its best
 * passage (tier, then score); hand-written help pages after all others
 * (they quote example queries)
 * @param {Map<number, Hit>} hits
 * @param {Term[]} terms
 * @returns {Group[]}
 */
function groups(hits, terms) {
  /** @type {Map<number, Group>} */
  const byPage = new Map()
  for (const [doc, h] of hits) {
    const page = pageOf(doc)
    const [, , kind, first] = pages[page]
    if (doc === first) {
      /* A page whose name is the query is the answer to it.  The page
         document starts with the title: a term is in the title when it
         occurs within its first titleLengths(page) characters */
      const length = titleLengths.get(page) || 0
      /** @param {Term} t @param {(p: number) => boolean} ok */
      const at = (t, ok) => {
        const found = phrase(t.chars).get(doc)
        return Array.isArray(found) ? found.some(ok) : found !== undefined && t.chars.length <= length
      }
      if (terms.length === 1 && terms[0].chars.length === length && at(terms[0], p => p === 0))
        h.score += 1000
      else if (terms.every(t => at(t, p => p + t.chars.length <= length)))
        h.score += kind === "theme" ? 100 : 10
    }
    let g = byPage.get(page)
    if (!g)
      byPage.set(page, g = { page, tier: h.tier, score: 0, docs: [] })
    g.docs.push([doc, h])
    g.tier = Math.min(g.tier, h.tier)
  }
  for (const g of byPage.values()) {
    g.score = Math.max(...g.docs.filter(([, h]) => h.tier === g.tier).map(([, h]) => h.score))
    g.docs.sort((a, b) => a[1].tier - b[1].tier || a[0] - b[0])
  }
  /** @param {Group} g */
  const help = g => pages[g.page][2] === "doc" ? 1 : 0
  return [...byPage.values()].sort((a, b) =>
    help(a) - help(b) || a.tier - b.tier || b.score - a.score || a.page - b.page)
}

/**
 * search_index._short: the text, trimmed, cut to `limit` characters (code
 * points) with "…"
 * @param {string} text
 * @param {number} limit
 */
function short(text, limit) {
  const chars = [...text.trim()]
  return chars.length <= limit ? chars.join("") : chars.slice(0, limit - 1).join("") + "…"
}

/**
 * The documents files of a group's documents (from its page's table entry)
 * @param {Group} group
 * @returns {string[]}
 */
function docFiles(group) {
  const starts = entry(group.page)[5]
  const files = group.docs.map(([doc]) => {
    const local = doc % PAGE
    let c = 0
    while (c < starts.length && starts[c] <= local)
      c++
    return `d${group.page}.${c}`
  })
  return [...new Set(files)]
}

/**
 * A page's documents, from the files loaded (a sparse array: local number
 * → row; null when none is loaded)
 * @param {number} page
 * @returns {DocRow[] | null}
 */
function rowsOf(page) {
  const starts = [0, ...entry(page)[5]]
  /** @type {DocRow[]} */
  const rows = []
  let any = false
  starts.forEach((start, c) => {
    const chunk = expand(`d${page}.${c}`)
    if (chunk) {
      any = true
      chunk.forEach((row, i) => { rows[start + i] = row })
    }
  })
  return any ? rows : null
}

/** @type {Map<string, DocRow[]>} */
const expanded = new Map()
/**
 * One documents file with every title as shown (search_index's
 * ``d<n>.<c>.js``): 0 is the title of the part above (its heading, short),
 * 1 that, " · " and the start of the passage, [suffix] that and the suffix,
 * 2 the row's text, 3 its text up to the first U+3000
 * @param {string} name
 * @returns {DocRow[] | null}
 */
function expand(name) {
  const done = expanded.get(name)
  if (done)
    return done
  const raw = shards.get(name)
  if (!Array.isArray(raw))
    return null
  let part = ""
  const rows = raw.map(row => {
    const [anchor, title, text, kind] = Array.isArray(row) ? row : []
    let shown = String(title)
    if (title === 2)
      shown = String(text)
    else if (title === 3)
      shown = String(text).split("\u3000")[0]
    else if (title === 0)
      shown = part
    else if (title === 1)
      shown = `${part} · ${short(String(text), 24)}`
    else if (Array.isArray(title))
      shown = part + String(title[0])
    if (kind === "section")
      part = short(shown, 28)
    return /** @type {DocRow} */ ([String(anchor), shown, String(text), String(kind)])
  })
  expanded.set(name, rows)
  return rows
}

/**
 * One page's result list in material's shape: the page, then its passages.
 * The group's best-tier passages are open (up to OPEN_PER_PAGE), the others
 * under material's "more"; approximate passages of a page that also has
 * exact ones are labelled 相近表述.
 * @param {Group} group
 * @param {boolean} withText
 * @returns {SearchItem[]}
 */
function render(group, withText) {
  const [location, title, , first, facts] = entry(group.page)
  const rows = withText ? rowsOf(group.page) : null
  const score = 1 + group.score
  const pageHit = group.docs.find(([doc]) => doc === first)
  const passages = group.docs.filter(([doc]) => doc !== first)
  const all = group.docs.map(([, h]) => h)
  const exact = group.docs.filter(([, h]) => h.tier === 0).length
  const approximate = group.docs.length - exact
  const counts = [exact ? `${exact} 处` : "", approximate ? `相近表述 ${approximate} 处` : ""]
    .filter(Boolean).join("，")
  const count = `<span class="kb-search-count">${counts}</span>`
  const line = facts ? `<span class="kb-search-facts">${escapeHTML(facts)}</span>` : ""
  /** @type {SearchItem} */
  const article = {
    location,
    title: `${mark(title, [...new Set(all.flatMap(h => h.found.map(str)))])} ${count}${line}`,
    text: pageHit && rows && rows[0] ? mark(rows[0][2], pageHit[1].found.map(str), SNIPPET) : "",
    score,
    terms: termsOf(pageHit ? pageHit[1] : all[0])
  }
  const items = [article]
  if (rows) {
    let open = 0
    for (const [doc, h] of passages) {
      const row = rows[doc - first]
      if (!row)
        continue
      const [anchor, heading, text] = row
      const found = h.found.map(str)
      const shown = h.tier === group.tier && open++ < OPEN_PER_PAGE
      const label = h.tier > 0 && group.tier === 0 ? `<span class="kb-search-count">相近表述</span> ` : ""
      items.push({
        location: `${location}#${anchor}`,
        title: label + mark(heading, found),
        text: mark(text, found, SNIPPET),
        score: shown ? score : score - 1,
        terms: termsOf(h)
      })
    }
  } else if (!pageHit) {
    article.text = `${passages.length} 段匹配`
  }
  return items
}

/**
 * The result item that says the index is broken, with what failed; links
 * to the help page when there is one.
 * @param {string} detail
 * @returns {SearchItem[]}
 */
function brokenItem(detail) {
  return [{
    location: manifest && manifest.help ? String(manifest.help) : "",
    title: `<span class="kb-search-error">${INDEX_BROKEN}</span>`,
    text: escapeHTML(detail),
    score: 1e9,
    terms: {}
  }]
}

/**
 * What failed of the shards a query needed, for the broken-index item, or ""
 * @param {Iterable<string>} needed shard names
 */
function failures(needed) {
  if (refused)
    return refused
  const failed = [...new Set(needed)].filter(name => broken.has(name)).sort()
  if (!failed.length)
    return ""
  const names = failed.slice(0, 5).map(name => `search/kb/${name}.js（${broken.get(name)}）`)
  return `无法读取 ${names.join("、")}${failed.length > 5 ? " 等" : ""}；以下结果可能不全。`
}

/**
 * @param {string} query
 * @param {number} id
 * @param {(data: {items: SearchItem[][], total?: number}) => void} reply
 */
async function search(query, id, reply) {
  if (!manifest)
    return reply({ items: [brokenItem(failures([]))] })
  const terms = parse(query)
  if (!terms.length)
    return reply({ items: [] })
  const keys = keysOf(terms)
  const needed = keys.map(shardOf)
  await load(needed)
  if (id !== latest)
    return
  /** @param {Group[]} ranked @param {number} upto @param {number} listed */
  const answer = (ranked, upto, listed) => {
    const shown = ranked.slice(0, listed)
    const items = shown.map((g, i) => render(g, i < upto))
    const failed = failures([...needed, ...allParts(keys), ...ranked.slice(0, upto).flatMap(docFiles),
      ...shown.map(g => tableOf(g.page))])
    reply(failed ? { items: [brokenItem(failed), ...items], total: ranked.length + 1 }
      : { items, total: ranked.length })
  }
  /* Exact passages rank above all others, so when they fill the first
     screen they are answered at once, and the rest (相近表述, partial
     matches) follows below them in the next answer.  A hot key (职工) is
     read part by part, in page order: the first screen comes from the
     pages all its loaded parts cover, once they hold enough exact
     matches; the whole list follows */
  const pages = manifest ? manifest.pages : 0
  let end = covered(keys)
  let ranked = groups(match(terms, true, end), terms)
  while (ranked.length < FIRST_PAGES && end < pages) {
    await load(nextParts(keys, end))
    if (id !== latest)
      return
    end = covered(keys)
    ranked = groups(match(terms, true, end), terms)
  }
  let complete = end >= pages && ranked.length < FIRST_PAGES
  if (complete)
    ranked = groups(match(terms), terms)
  /* The first screen, as Pagefind does it: its pages' titles and numbers
     of matches as soon as their table entries are in (a few hundred
     bytes), then their passages (about 10 KB a page) */
  const first = ranked.slice(0, FIRST_PAGES)
  await load(first.map(g => tableOf(g.page)))
  if (id !== latest)
    return
  answer(ranked, 0, FIRST_PAGES)
  await load(first.flatMap(docFiles))
  if (id !== latest)
    return
  answer(ranked, FIRST_PAGES, FIRST_PAGES)
  if (!complete) {
    await load(allParts(keys))
    if (id !== latest)
      return
    ranked = groups(match(terms), terms)
  }
  if (!complete || ranked.length > FIRST_PAGES) {
    await load(ranked.slice(0, MAX_LISTED).map(g => tableOf(g.page)))
    if (id !== latest)
      return
    await load(ranked.slice(0, MAX_PAGES).flatMap(docFiles))
    if (id === latest)
      answer(ranked, MAX_PAGES, MAX_LISTED)
  }
}

/* ------------------------------------------------------------------------ */

/**
 * SETUP: take the manifest from material's search config.
 * @param {any} data
 */
function setup(data) {
  const kb = data && data.config ? data.config.kb : null
  manifest = null
  refused = ""
  if (!kb || typeof kb !== "object")
    refused = "search/search_index.json 不是本知识库的索引。"
  else if (kb.format !== FORMAT)
    refused = `搜索索引的格式（${kb.format}）与搜索程序（${FORMAT}）不符。`
  if (refused) {
    console.error(`kb-search: ${refused}`)
    return
  }
  manifest = kb
  const runs = Array.isArray(kb.kinds) ? kb.kinds : []
  let run = -1
  pages = Array.from({ length: Number(kb.pages) || 0 }, (_, n) => {
    while (run + 1 < runs.length && runs[run + 1][1] <= n)
      run++
    return /** @type {PageEntry} */ (["", "", run >= 0 ? String(runs[run][0]) : "", n * PAGE, "", []])
  })
}

addEventListener("message", async ev => {
  const message = /** @type {MessageEvent} */ (ev).data
  switch (message.type) {
    case SETUP:
      setup(message.data)
      base = new URL("../../../", scriptUrl())
      postMessage({ type: READY })
      break
    case QUERY: {
      const id = ++latest
      /** @param {{items: SearchItem[][], total?: number}} data */
      const reply = data => postMessage({ type: RESULT, data })
      try {
        await search(String(message.data || ""), id, reply)
      } catch (err) {
        /* A bug or an index that parses but does not fit: say so rather
           than show "no results" */
        console.warn("kb-search:", err)
        if (id === latest)
          reply({ items: [brokenItem(String(err instanceof Error ? err.message : err))] })
      }
      break
    }
  }
})
