// The search worker against a tiny index built by search_index.py
// (make_index.py): tiers, pieces (相近表述), near-matches, grouping,
// metadata, escaping, the query cap, and a broken index.
// Run: node --test tests/js/   (pytest runs it: tests/test_search_worker.py)
import assert from "node:assert/strict"
import fs from "node:fs"
import { after, before, describe, test } from "node:test"

import { BROKEN, READY, buildIndex, final, loadWorker, readIndex } from "./harness.mjs"

let dir
before(() => { dir = buildIndex() })
after(() => fs.rmSync(dir, { recursive: true, force: true }))

async function ready(options) {
  const worker = loadWorker(dir, options)
  const replies = await worker.setup()
  assert.deepEqual(replies.map(m => m.type), [READY])
  return worker
}

const pathOf = item => item.location.split("#")[0]
const anchors = group => group.slice(1).map(item => item.location.split("#")[1])
const strip = html => html.replace(/<[^>]*>/g, "")

describe("tiers", () => {
  test("exact passages first, each page one group, 相近表述 after the exact ones", async () => {
    const worker = await ready()
    const replies = await worker.query("困难职工帮扶")
    const groups = final(replies)
    const pages = groups.map(g => pathOf(g[0]))
    assert.equal(new Set(pages).size, pages.length, `a page appears twice: ${pages}`)
    // A and B hold the phrase; the help page quotes it and comes last.
    assert.ok(pages.includes("speeches/a/") && pages.includes("speeches/b/"))
    assert.equal(pages[pages.length - 1], "about/")
    const b = groups.find(g => pathOf(g[0]) === "speeches/b/")
    assert.deepEqual(anchors(b), ["p1", "p2"])
    // p1 is exact and open, p2 says it in other words: labelled, under "more"
    assert.equal(b[1].score, b[0].score)
    assert.ok(b[2].score < b[0].score)
    assert.match(b[2].title, /相近表述/)
    assert.match(b[0].title, /1 处，相近表述 1 处/)
    assert.equal(b[2].terms["困难职工帮扶"], false, "the missing term is named")
    assert.equal(b[2].terms["困难职工"], true)
    assert.match(b[2].text, /<mark>帮扶<\/mark>援助<mark>困难职工<\/mark>/)
  })

  test("pieces too far apart are no match (near)", async () => {
    const worker = await ready()
    const pages = final(await worker.query("困难职工帮扶")).map(g => pathOf(g[0]))
    assert.ok(!pages.includes("speeches/c/"), "C has 困难职工 and 帮扶 35 characters apart")
  })

  test("a page-only query word finds nothing else; absent words find nothing", async () => {
    const worker = await ready()
    assert.deepEqual(final(await worker.query("区块链")), [])
    assert.deepEqual(final(await worker.query("，。、")), [])
  })

  test("several terms: all required; the weaker term alone is no answer", async () => {
    const worker = await ready()
    const groups = final(await worker.query("劳动竞赛 技术革新"))
    assert.equal(groups.length, 1)
    assert.deepEqual(anchors(groups[0]), ["p3"])
  })

  test("width and case folding, highlighted in the original", async () => {
    const worker = await ready()
    for (const q of ["gdp", "ＧＤＰ", "GdP"]) {
      const groups = final(await worker.query(q))
      assert.equal(groups.length, 1, q)
      assert.match(groups[0][1].text, /<mark>ＧＤＰ<\/mark>/)
    }
    const wifi = final(await worker.query("WI-FI"))
    assert.deepEqual(anchors(wifi[0]), ["p3"])
  })
})

describe("metadata", () => {
  test("a named period, a year and a place find the speech page", async () => {
    const worker = await ready()
    for (const [q, page] of [["十八大", "speeches/a/"], ["2016", "speeches/a/"], ["乙县", "speeches/b/"],
                             ["十九大", "speeches/c/"]]) {
      const groups = final(await worker.query(q))
      assert.deepEqual(groups.map(g => pathOf(g[0])), [page], q)
    }
  })

  test("place, occasion and period are shown under every speech title", async () => {
    const worker = await ready()
    /* The pages as indexed (make_index.py); the worker reads the facts
       from the page table files (search/kb/t<k>.js) */
    const indexed = JSON.parse(fs.readFileSync(`${dir}/pages.json`, "utf-8"))
    const facts = Object.fromEntries(indexed.map(p => [p.location, p.facts]))
    const groups = final(await worker.query("工会"))
    const speeches = groups.filter(g => pathOf(g[0]).startsWith("speeches/"))
    assert.equal(speeches.length, 3)
    for (const g of speeches)
      assert.ok(g[0].title.includes(`<span class="kb-search-facts">${facts[pathOf(g[0])]}</span>`), g[0].title)
  })
})

describe("escaping", () => {
  test("markup in speech text is shown as text", async () => {
    const worker = await ready()
    for (const q of ["onerror", "script"]) {
      const groups = final(await worker.query(q))
      assert.equal(groups.length, 1, q)
      const html = groups.flat().map(i => i.title + i.text).join("")
      assert.ok(!/<(img|script)/i.test(html), html)
      assert.match(html, /&#60;img src=x <mark>onerror<\/mark>=&#34;alert\(1\)&#34;&#62;|&#60;<mark>script<\/mark>&#62;/)
    }
  })
})

describe("query length", () => {
  test("only the first 100 characters count", async () => {
    const worker = await ready()
    const head = "困难职工帮扶中心要常年开放"
    // 区块链 (in no passage) is the 101st to 103rd character: ignored.
    const long = head + "，".repeat(100 - head.length) + "区块链" + "，".repeat(4900)
    assert.equal([...long].length, 5003)
    const groups = final(await worker.query(long))
    assert.ok(groups.length > 0)
    assert.deepEqual(groups, final(await worker.query(head)))
    const within = head + "，".repeat(99 - head.length - 3) + "区块链"
    const inside = final(await worker.query(within))
    assert.ok(inside.length && inside.every(g => g[0].terms["区块链"] === false),
              "inside the cap every term counts (here: as missing)")
    assert.ok(groups.every(g => !("区块链" in g[0].terms)))
    const noise = "困难职工" + "帮扶援助困难职工渡过难关".repeat(500)
    const started = performance.now()
    await worker.query(noise)
    // Not a timing test (make bench measures speed): a guard that the
    // cubic blow-up (minutes for 5,000 characters) is gone.
    assert.ok(performance.now() - started < 20_000)
  })
})

describe("a hot key in parts (职工 on every page)", () => {
  let many
  before(() => { many = buildIndex("--many") })
  after(() => fs.rmSync(many, { recursive: true, force: true }))
  const parts = requests => requests.map(url => new URL(url).pathname.split("/").pop()).filter(n => /^h\d+\.\d+\.js$/.test(n))

  test("the first screen needs only the first part; the whole list follows", async () => {
    const worker = loadWorker(many)
    await worker.setup()
    const replies = await worker.query("职工")
    const ref = worker.run(`valueOf("职工")`)
    assert.ok(Array.isArray(ref) && ref.length > 3, `职工 is not in parts: ${JSON.stringify(ref)}`)
    const first = replies[0].items.map(g => Number(pathOf(g[0]).slice(-3, -1)))
    assert.ok(first.length === 6 && first.every(n => n < ref[1]), `first screen from part 0 only: ${first}`)
    // Every page holds 职工: the final list has all forty, each once.
    const pages = final(replies).map(g => pathOf(g[0]))
    assert.equal(pages.length, 40)
    assert.equal(new Set(pages).size, 40)
    assert.equal(replies[replies.length - 1].total, 40)
    assert.deepEqual(parts(worker.requests), ref.slice(1).map((_, j) => `h${ref[0]}.${j}.js`))
  })

  test("a phrase beyond the first part: parts are read until it is found, nothing else shown", async () => {
    const worker = loadWorker(many)
    await worker.setup()
    const replies = await worker.query("困难职工")
    assert.ok(replies.length > 0 && replies.every(r => r.items.length > 0), "never an empty answer")
    for (const reply of replies)
      assert.deepEqual(reply.items.map(g => pathOf(g[0])).sort(),
                       ["speeches/s35/", "speeches/s36/", "speeches/s37/", "speeches/s38/", "speeches/s39/"])
    assert.ok(final(replies).every(g => g.slice(1).every(item => strip(item.text).includes("困难职工"))))
    // The last speech's documents are in several files: the passage comes
    // from the last one, with its part's title written out.
    const last = final(replies).find(g => pathOf(g[0]) === "speeches/s39/")
    assert.deepEqual(anchors(last), ["p1", "part-4", "part-4-1"])
    assert.equal(strip(last[3].title), "四、关心困难职工 · 一要关心困难职工的生活，帮助他们解决实际…")
    const files = worker.requests.map(url => new URL(url).pathname.split("/").pop()).filter(n => n.startsWith("d39."))
    assert.deepEqual(files, ["d39.0.js", "d39.2.js"], "only the files holding its passages")
  })
})

describe("a broken index", () => {
  test("a missing documents shard: a message on top, the other pages still shown", async () => {
    const worker = await ready({ fail: { "d1.0": 404 } })
    const groups = final(await worker.query("困难职工帮扶"))
    assert.match(groups[0][0].title, new RegExp(BROKEN))
    assert.match(groups[0][0].text, /search\/kb\/d1\.0\.js（HTTP 404）/)
    const a = groups.find(g => pathOf(g[0]) === "speeches/a/")
    assert.deepEqual(anchors(a), ["p1"], "page A's passages are still listed")
    assert.ok(groups.some(g => pathOf(g[0]) === "speeches/b/"), "page B is listed by title")
  })

  test("a corrupt postings shard: a message, never an empty list; other shards keep working", async () => {
    const index = readIndex(dir)
    const worker0 = loadWorker(dir)
    await worker0.setup(index)
    const shard = worker0.run(`shardOf("困难")`)
    const worker = await ready({ fail: { [shard]: "corrupt" } })
    const groups = final(await worker.query("困难"))
    assert.match(groups[0][0].title, new RegExp(BROKEN))
    assert.match(groups[0][0].text, new RegExp(`search/kb/${shard}\\.js（不是有效的索引文件）`))
    // A query whose keys all live elsewhere answers normally.
    const other = ["厂务公开", "劳动竞赛", "开放", "常态化", "gdp"].find(q =>
      worker0.run(`keysOf(parse(${JSON.stringify(q)})).map(shardOf)`).every(s => s !== shard))
    assert.ok(other, "no query avoids the broken shard; change the fixture")
    const fine = final(await worker.query(other))
    assert.ok(fine.length > 0 && !fine.some(g => g[0].title.includes(BROKEN)), other)
  })

  test("a manifest of another format or none: the message", async () => {
    const index = readIndex(dir)
    for (const config of [{ ...index.config, kb: { ...index.config.kb, format: 1 } }, { lang: ["zh"] }]) {
      const worker = loadWorker(dir)
      assert.deepEqual((await worker.setup({ config, docs: [] })).map(m => m.type), [READY])
      const groups = final(await worker.query("困难职工"))
      assert.equal(groups.length, 1)
      assert.match(groups[0][0].title, new RegExp(BROKEN))
      assert.equal(worker.requests.length, 0)
    }
  })
})

describe("shared with search_index.py", () => {
  test("fold and keyHash on fixed vectors", async () => {
    const worker = await ready()
    assert.equal(worker.run(`fold("ＧＤＰ２０２３Gdp\u3000Ｗｉ－Ｆｉ")`), "gdp2023gdp wi-fi")
    assert.equal(worker.run(`keyHash("")`), 0x811C9DC5)
    assert.equal(worker.run(`keyHash("a")`), 0xE40C292C)
    assert.equal(worker.run(`keyHash("foobar")`), 0xBF9CF968)
    assert.equal(strip("<mark>x</mark>"), "x")
  })
})
