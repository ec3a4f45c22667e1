// The shell examples of docs/storage.md (the ops CLI) are copy-paste examples too: each `sh` block
// runs, as written, under `bash -euo pipefail` in an empty folder with the built CLI on PATH as
// `keyseal` (what `npm install @org/keyseal` puts in node_modules/.bin), and must exit 0. What
// each block is for is checked on its output: the secrets come back out, the rotation wrote a
// line per row and the resumed run added nothing.
import { execFileSync } from 'node:child_process'
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('..', import.meta.url))
const blocks = [...readFileSync(`${root}docs/storage.md`, 'utf8').matchAll(/^```sh\n([\s\S]*?)^```$/gm)].map((m) => m[1]!)

describe('docs/storage.md shell examples run against the built CLI', () => {
  let bin = ''
  const dirs: string[] = []
  beforeAll(() => {
    if (!existsSync(`${root}dist/cli.js`)) throw new Error('dist/ is missing: run `npm run build` first (npm test does)')
    bin = mkdtempSync(join(tmpdir(), 'keyseal-bin-'))
    dirs.push(bin)
    writeFileSync(join(bin, 'keyseal'), `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(`${root}dist/cli.js`)} "$@"\n`)
    chmodSync(join(bin, 'keyseal'), 0o755)
  })
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true })
  })

  const run = (code: string): { out: string; cwd: string } => {
    const cwd = mkdtempSync(join(tmpdir(), 'keyseal-docs-sh-'))
    dirs.push(cwd)
    mkdirSync(cwd, { recursive: true })
    // stdin is not a terminal here, so no prompt can wait for input; stderr is kept for the report.
    const out = execFileSync('bash', ['-euo', 'pipefail', '-c', code], { cwd, encoding: 'utf8', env: { ...process.env, PATH: `${bin}:${process.env.PATH}` }, stdio: ['ignore', 'pipe', 'pipe'] })
    return { out, cwd }
  }

  it('finds the three CLI examples', () => {
    expect(blocks.length).toBe(3)
  })

  it('a raw key: seal, inspect, open', () => {
    const { out } = run(blocks.find((b) => b.includes('keyseal keygen > server.key'))!)
    expect(out).toContain('"keyId": "server-2026"')
    expect(out.trimEnd().endsWith('sk-proj-example')).toBe(true)
  })

  it('rotation from an export: check, rotate, resume', () => {
    const { cwd } = run(blocks.find((b) => b.includes('export.jsonl'))!)
    const lines = readFileSync(join(cwd, 'rotated.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { id: string; status: string; previous: string; envelope: string })
    // One line per row, each rotated once (the resumed run found nothing left to do).
    expect(lines.map((l) => l.id).sort()).toEqual(['1', '2', '3'])
    expect(lines.every((l) => l.status === 'ok' && l.envelope !== l.previous)).toBe(true)
    for (const l of lines) {
      const secret = execFileSync(process.execPath, [`${root}dist/cli.js`, 'open', '--key-file', join(cwd, 'new.key'), '--context', `user:${l.id}`], { input: l.envelope, encoding: 'utf8' })
      expect(secret.trim()).toBe(`sk-${l.id}`)
    }
  })

  it('a key pair: seal to the public key, open with the private key', () => {
    const { out, cwd } = run(blocks.find((b) => b.includes('--pair'))!)
    expect(out.trim()).toBe('sk-ant-example')
    expect(readFileSync(join(cwd, 'v2.txt'), 'utf8').startsWith('ks2.')).toBe(true)
  })
})
