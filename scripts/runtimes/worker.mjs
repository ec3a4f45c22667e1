// The `argon2id-worker` runtime check (issue 12 §4): the Web Worker recipe of
// docs/argon2id-worker.md runs, as written there, in Chromium, and the page keeps running while
// Argon2id derives in the worker.
// The three code blocks of that page (```js title="keyseal-worker.js"```, "keyseal-client.js",
// "page.js") are extracted and bundled with esbuild the way a user's build would: the worker
// against the BUILT package (dist/index.js, dist/argon2id.js, standing in for `@org/keyseal` and
// `@org/keyseal/argon2id`), the client alone, page.js with ./keyseal-client.js left as an import.
// test/runtimes/argon2id-worker.html then runs them and reports what it saw. No timed bounds: the
// checks are the results, the error codes, that the page's bundle holds no keyseal code, and that
// the page's timer and animation-frame loops turned while each derivation ran.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { CHROMIUM, runChromium } from './browsers.mjs'
import { ROOT, runInBrowser } from './runtimes.mjs'
import { checkRecorder } from './checks.mjs'

const DOC = join(ROOT, 'docs', 'argon2id-worker.md')
const FILES = ['keyseal-worker.js', 'keyseal-client.js', 'page.js']

/** The code block titled `name` in the recipe page (exactly one). */
export function recipeBlock(markdown, name) {
  const blocks = [...markdown.matchAll(/^```js title="([^"]+)"\n([\s\S]*?)^```$/gm)].filter((m) => m[1] === name)
  if (blocks.length !== 1) throw new Error(`docs/argon2id-worker.md: expected one block titled ${name}, found ${blocks.length}`)
  return blocks[0][2]
}

async function bundle(dir) {
  const esbuild = await import('esbuild')
  const md = readFileSync(DOC, 'utf8')
  const src = join(dir, 'src')
  mkdirSync(src, { recursive: true })
  for (const f of FILES) writeFileSync(join(src, f), recipeBlock(md, f))
  // `@org/keyseal` and `@org/keyseal/argon2id` are the built package, as installed.
  const pkg = {
    name: 'keyseal-dist',
    setup(build) {
      build.onResolve({ filter: /^@org\/keyseal(\/argon2id)?$/ }, (a) => ({ path: join(ROOT, 'dist', a.path.endsWith('/argon2id') ? 'argon2id.js' : 'index.js') }))
    },
  }
  const common = { bundle: true, format: 'esm', platform: 'browser', target: 'es2022', write: true, logLevel: 'warning', plugins: [pkg] }
  const out = join(dir, 'out')
  await esbuild.build({ ...common, entryPoints: [join(src, 'keyseal-worker.js')], outfile: join(out, 'keyseal-worker.js') })
  await esbuild.build({ ...common, entryPoints: [join(src, 'keyseal-client.js')], outfile: join(out, 'keyseal-client.js') })
  await esbuild.build({ ...common, entryPoints: [join(src, 'page.js')], outfile: join(out, 'page.js'), external: ['./keyseal-client.js'] })
  return out
}

export const WORKER = {
  name: 'argon2id-worker',
  available: () => existsSync(CHROMIUM) || `${CHROMIUM} missing (apt-get install chromium)`,
  async run() {
    const dir = join(ROOT, '.tmp', 'runtimes', 'argon2id-worker')
    rmSync(dir, { recursive: true, force: true })
    const out = await bundle(dir)
    // The client's code without its comments (minified): what runs on the page.
    const client = (await (await import('esbuild')).transform(readFileSync(join(out, 'keyseal-client.js'), 'utf8'), { minify: true })).code
    const page = await runInBrowser(runChromium, { phase: 'argon2id-worker' }, { path: '/test/runtimes/argon2id-worker.html', timeoutMs: 120_000, extraMounts: { '/worker/': out } })
    const { results, test } = checkRecorder()
    const turns = (r) => `${r.timerTicks} timer turns (longest gap ${r.timerMaxGapMs} ms), ${r.frames} animation frames, in ${r.ms} ms`
    if (page.crash) {
      results.push({ name: 'the recipe page ran', status: 'fail', error: page.crash })
    } else {
      test("the page's bundle (keyseal-client.js) contains no keyseal code: the derivation cannot run on the page", () => {
        if (/crypto|subtle|deriveBits|argon2|keyseal\.|KeysealError|ks1\./i.test(client)) throw new Error('keyseal-client.js bundles keyseal code')
        return `${client.length} bytes minified`
      })
      test('the documented example (page.js) ran and logged AUTH_FAILED for the wrong passphrase', () => {
        if (page.example.code !== undefined) throw new Error(`page.js failed: ${page.example.code}`)
        if (JSON.stringify(page.example.logs) !== '["AUTH_FAILED"]') throw new Error(`logged ${JSON.stringify(page.example.logs)}`)
        return turns(page.example)
      })
      test('sealInWorker gives an Argon2id envelope at the OWASP default (m = 19456 KiB, t = 2, p = 1)', () => {
        if (page.seal.code !== undefined) throw new Error(`seal failed: ${page.seal.code}`)
        const h = page.header
        if (!(h && h.kdf === 'argon2id' && h.memoryKiB === 19456 && h.passes === 2 && h.lanes === 1)) throw new Error(`header ${JSON.stringify(h)}`)
      })
      test('openInWorker opens it to the sealed secret', () => {
        if (page.open.value !== 'sk-worker-example') throw new Error(`opened ${JSON.stringify(page.open.value)} (code ${page.open.code})`)
      })
      test('a wrong passphrase and a wrong context reject with code AUTH_FAILED', () => {
        if (page.wrongPassphrase.code !== 'AUTH_FAILED' || page.wrongContext.code !== 'AUTH_FAILED') throw new Error(`codes ${page.wrongPassphrase.code}, ${page.wrongContext.code}`)
      })
      for (const [label, r] of [['the example (first call: worker start, module load, WebAssembly compile)', page.example], ['seal', page.seal], ['a second seal', page.sealAgain], ['open', page.open], ['open with a wrong passphrase', page.wrongPassphrase]]) {
        test(`the page's timer loop and animation frames kept turning during ${label}`, () => {
          if (!(r.timerTicks > 0 && r.frames > 0)) throw new Error(turns(r))
          return turns(r)
        })
      }
      test("four seals at once (the worker runs them in turn): the page's timer turned in each half of that time", () => {
        const b = page.batch
        if (b.code !== undefined || b.value !== 4) throw new Error(`batch failed: ${b.code ?? b.value}`)
        const mid = (b.start + b.end) / 2
        const first = b.turnsAt.filter((t) => t > b.start && t <= mid).length
        const second = b.turnsAt.filter((t) => t > mid && t <= b.end).length
        const note = `${first} and ${second} timer turns in the two halves of ${Math.round(b.end - b.start)} ms`
        if (!(first > 0 && second > 0)) throw new Error(note)
        return note
      })
    }
    const count = (s) => results.filter((r) => r.status === s).length
    return { report: { passed: count('pass'), failed: count('fail'), skipped: 0, results }, version: page.browserVersion }
  },
}
