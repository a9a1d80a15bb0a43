// Runs kb-search.js in a Node vm context shaped like a dedicated worker
// over http: addEventListener/postMessage for material's messages, fetch()
// answered from an index folder written by make_index.py (search_index.py).
import { execFileSync } from "node:child_process"
import fs from "node:fs"
import os from "node:os"
import path from "node:path"
import { fileURLToPath } from "node:url"
import vm from "node:vm"

const HERE = path.dirname(fileURLToPath(import.meta.url))
export const ROOT = path.resolve(HERE, "..", "..")
export const WORKER = path.join(ROOT, "overrides", "assets", "javascripts", "workers", "kb-search.js")
export const SETUP = 0, READY = 1, QUERY = 2, RESULT = 3
export const BROKEN = "搜索索引不完整或已损坏，请重新构建站点"
const ORIGIN = "http://kb.test/"

function python() {
  if (process.env.PYTHON)
    return process.env.PYTHON
  const venv = path.join(ROOT, ".venv", "bin", "python")
  return fs.existsSync(venv) ? venv : "python3"
}

/** Build the tiny index (make_index.py's options: --many) into a fresh folder; returns the folder. */
export function buildIndex(...args) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kb-worker-"))
  execFileSync(python(), [path.join(HERE, "make_index.py"), dir, ...args], { stdio: ["ignore", "ignore", "inherit"] })
  return dir
}

export function readIndex(dir) {
  return JSON.parse(fs.readFileSync(path.join(dir, "search", "search_index.json"), "utf-8"))
}

/**
 * A worker instance over the index in `dir`.
 * options.fail: {shard name: status (e.g. 404) or "corrupt"}
 * Returns {setup(index?), query(q) → [replies], run(expr), requests}.
 */
export function loadWorker(dir, { fail = {} } = {}) {
  const listeners = []
  let inbox = []
  const requests = []
  const context = {
    URL,
    atob,
    console: { log() {}, warn() {}, error() {} },
    location: { href: `${ORIGIN}assets/javascripts/workers/kb-search.js` },
    addEventListener: (type, fn) => type === "message" && listeners.push(fn),
    postMessage: message => inbox.push(message),
    importScripts: () => { throw new Error("importScripts is not used over http") },
    async fetch(url) {
      requests.push(url)
      const { pathname } = new URL(url)
      const name = path.basename(pathname, ".js")
      const file = path.join(dir, decodeURIComponent(pathname))
      if (fail[name] === "corrupt")
        return { ok: true, status: 200, text: async () => `kbLoaded("${name}",{"broken":` }
      if (typeof fail[name] === "number" || !fs.existsSync(file))
        return { ok: false, status: fail[name] || 404, text: async () => "Not Found" }
      return { ok: true, status: 200, text: async () => fs.readFileSync(file, "utf-8") }
    }
  }
  context.self = context
  vm.createContext(context)
  vm.runInContext(fs.readFileSync(WORKER, "utf-8"), context, { filename: WORKER })

  async function send(type, data) {
    inbox = []
    for (const fn of listeners)
      await fn({ data: { type, data } })
    return inbox
  }
  return {
    requests,
    async setup(index = readIndex(dir)) {
      return JSON.parse(JSON.stringify(await send(SETUP, index)))
    },
    /** Every RESULT reply to `q`; the last one is the complete list */
    async query(q) {
      const replies = await send(QUERY, q)
      // JSON round trip: objects of another realm fail deepStrictEqual
      return JSON.parse(JSON.stringify(replies.filter(m => m.type === RESULT).map(m => m.data)))
    },
    run: expr => JSON.parse(JSON.stringify(vm.runInContext(expr, context)))
  }
}

/** The last reply's groups as plain objects (location, title, items) */
export function final(replies) {
  if (!replies.length)
    throw new Error("no reply")
  return replies[replies.length - 1].items
}
