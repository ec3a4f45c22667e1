// The `keyseal` CLI (issue 16), run as built (dist/cli.js) in child processes: through pipes, and
// through a real pseudo-terminal for the hidden prompts and the progress bar. The pty comes from
// `script` (util-linux, in Debian's essential bsdutils package): no native module to build.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { generateKey, importKey, inspect, openKey, sealKey } from '../src/index.js'
import * as v2 from '../src/v2/index.js'
import { TEST_POLICY } from './helpers.js'

const root = new URL('..', import.meta.url).pathname
const CLI = join(root, 'dist/cli.js')
const CHEAP = ['--iterations', '1000']
let dir: string

beforeAll(() => {
  if (!existsSync(CLI)) throw new Error('dist/cli.js is missing: run `npm run build` first (npm test does)')
  dir = mkdtempSync(join(tmpdir(), 'keyseal-cli-'))
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/**
 * Run the CLI through pipes, in a new session (setsid(1)): no controlling terminal, so a prompt
 * cannot open /dev/tty even when the tests run in one.
 */
function cli(args: string[], input = '', env: Record<string, string> = {}) {
  const r = spawnSync('setsid', [process.execPath, CLI, ...args], { input, encoding: 'utf8', env: { ...process.env, ...env }, timeout: 60_000 })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

/**
 * Run the CLI on a pseudo-terminal (stdin, stdout and stderr are the pty, as in a real terminal).
 * `answers`: each prompt to wait for and what to type once it appears (typing before the prompt
 * would be echoed by the terminal before the CLI turns echo off, so the test waits, like a user).
 */
function pty(args: string[], answers: [prompt: string, typed: string][]): Promise<{ code: number | null; transcript: string }> {
  const quote = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`
  const command = [process.execPath, CLI, ...args].map(quote).join(' ')
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-q', '-e', '-c', command, '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'], cwd: dir })
    let transcript = ''
    let from = 0
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000)
    child.stdout.on('data', (d: Buffer) => {
      transcript += d.toString('utf8')
      while (answers.length > 0) {
        const at = transcript.indexOf(answers[0]![0], from)
        if (at < 0) break
        from = at + answers[0]![0].length
        child.stdin.write(answers.shift()![1])
      }
    })
    child.on('error', reject)
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({ code, transcript })
    })
  })
}

describe('keyseal CLI: commands, help, exit codes', () => {
  it('--help lists every command and the exit codes; each command has its own --help', () => {
    const r = cli(['--help'])
    expect(r.code).toBe(0)
    for (const c of ['keygen', 'seal', 'open', 'inspect', 'check', 'rotate']) {
      expect(r.stdout).toMatch(new RegExp(`^  ${c} `, 'm'))
      const h = cli([c, '--help'])
      expect(h.code).toBe(0)
      expect(h.stdout).toContain(`Usage: keyseal ${c}`)
    }
    expect(r.stdout).toMatch(/Exit codes:[\s\S]*130/)
    expect(cli([]).code).toBe(2)
    expect(cli(['frobnicate']).code).toBe(2)
  })

  it('has no way to take a passphrase or secret from argv: such options are usage errors that do not echo the value', () => {
    for (const flag of ['--passphrase', '--secret', '--key', '--password']) {
      const r = cli(['seal', flag, 'hunter2-on-argv'], 'sk')
      expect(r.code).toBe(2)
      expect(r.stdout + r.stderr).not.toContain('hunter2-on-argv')
    }
  })

  it('keygen prints a raw key that imports', async () => {
    const r = cli(['keygen'])
    expect(r.code).toBe(0)
    const key = r.stdout.trim()
    expect(key).toMatch(/^ksk1\.[A-Za-z0-9_-]{43}$/)
    await importKey(key)
    expect(cli(['keygen']).stdout.trim()).not.toBe(key)
    expect(cli(['keygen', '--private-stdout']).code).toBe(2)
  })

  it('keygen --pair: the public key on stdout, the private key only where asked (a new 0600 file, or stdout with --private-stdout)', async () => {
    // --pair alone would put the private key nowhere safe: a usage error, nothing printed.
    expect(cli(['keygen', '--pair'])).toMatchObject({ code: 2, stdout: '' })
    const priv = join(dir, 'pair.key')
    expect(cli(['keygen', '--pair', '--private-out', priv, '--private-stdout']).code).toBe(2)
    expect(existsSync(priv)).toBe(false)
    const r = cli(['keygen', '--pair', '--private-out', priv])
    expect(r).toMatchObject({ code: 0, stderr: '' })
    const pub = r.stdout.trim()
    expect(pub).toMatch(/^kspk1\.[A-Za-z0-9_-]{87}$/)
    expect(statSync(priv).mode & 0o777).toBe(0o600)
    const privText = readFileSync(priv, 'utf8')
    expect(privText).toMatch(/^kssk1\.[A-Za-z0-9_-]{130}\n$/)
    expect(r.stdout).not.toContain('kssk1.')
    // An existing file is never overwritten.
    const again = cli(['keygen', '--pair', '--private-out', priv])
    expect(again.code).toBe(2)
    expect(again.stderr).toContain('EEXIST')
    expect(readFileSync(priv, 'utf8')).toBe(privText)
    // The pair works, through the CLI: seal to the public key, open with the private key.
    writeFileSync(join(dir, 'pair.pub'), pub + '\n')
    const sealed = cli(['seal', '--key-file', join(dir, 'pair.pub'), '--key-id', 'srv', '--context', 'user:5'], 'sk-for-the-server\n')
    expect(sealed.code).toBe(0)
    const envelope = sealed.stdout.trim()
    expect(v2.inspect(envelope).recipients).toEqual([{ kind: 'p256', keyId: 'srv' }])
    expect(cli(['open', envelope, '--key-file', priv, '--context', 'user:5'])).toMatchObject({ code: 0, stdout: 'sk-for-the-server\n' })
    expect(await v2.openKey(envelope, await v2.importKey(privText.trim()), { context: 'user:5' })).toBe('sk-for-the-server')
    // --private-stdout: the public key, then the private key, one per line.
    const both = cli(['keygen', '--pair', '--private-stdout'])
    expect(both.code).toBe(0)
    const [p1, p2, rest] = both.stdout.split('\n')
    expect(p1).toMatch(/^kspk1\./)
    expect(p2).toMatch(/^kssk1\./)
    expect(rest).toBe('')
    const e2 = await v2.sealKey('sk-2', await v2.importPublicKey(p1!))
    expect(await v2.openKey(e2, await v2.importKey(p2!))).toBe('sk-2')
  })

  it('seal and open through pipes, the key from a file or the environment; inspect; typed errors', async () => {
    const keyFile = join(dir, 'pass.txt')
    writeFileSync(keyFile, 'file passphrase\n')
    const sealed = cli(['seal', '--key-file', keyFile, '--context', 'user:1', ...CHEAP], 'sk-from-stdin\n')
    expect(sealed.code).toBe(0)
    const envelope = sealed.stdout.trim()
    expect(await openKey(envelope, 'file passphrase', { context: 'user:1', policy: TEST_POLICY })).toBe('sk-from-stdin')
    const opened = cli(['open', '--key-env', 'KS_PASS', '--context', 'user:1', ...CHEAP], envelope, { KS_PASS: 'file passphrase' })
    expect(opened).toMatchObject({ code: 0, stdout: 'sk-from-stdin\n' })
    const info = JSON.parse(cli(['inspect', envelope]).stdout)
    expect(info).toEqual(JSON.parse(JSON.stringify(v2.inspect(envelope))))
    expect(info).toMatchObject(JSON.parse(JSON.stringify(inspect(envelope))))
    // A raw key from a file, with a key id.
    const raw = await generateKey()
    writeFileSync(join(dir, 'raw.key'), raw + '\n')
    const e2 = cli(['seal', '--key-file', join(dir, 'raw.key'), '--key-id', 'k7'], 'sk-raw').stdout.trim()
    expect(inspect(e2).keyId).toBe('k7')
    expect(await openKey(e2, await importKey(raw, { keyId: 'k7' }))).toBe('sk-raw')
    // Wrong context: the fixed message with its code, exit 1, nothing of the inputs.
    const wrong = cli(['open', envelope, '--key-file', keyFile, '--context', 'user:2', ...CHEAP])
    expect(wrong).toMatchObject({ code: 1, stdout: '', stderr: 'keyseal: auth failed (AUTH_FAILED)\n' })
    const bad = cli(['inspect', 'sk-not-an-envelope'])
    expect(bad).toMatchObject({ code: 1, stderr: 'keyseal: malformed envelope (MALFORMED_ENVELOPE)\n' })
    // No terminal for a prompt: a usage error, not a hang.
    expect(cli(['open', envelope, ...CHEAP], '', {}).code).toBe(2)
  })

  it('check: a summary table of reasons and refusals over a JSONL export, exit 3 when rows need attention', async () => {
    const good = await sealKey('a', 'pw pw pw', { policy: TEST_POLICY, keyId: 'k2' })
    const oldKey = await sealKey('b', 'pw pw pw', { policy: TEST_POLICY, keyId: 'k1' })
    const [, head, body] = good.split('.')
    const h = Buffer.from(head!, 'base64url')
    h.writeUInt32BE(2 ** 31, 2)
    const huge = `ks1.${h.toString('base64url')}.${body}`
    const lines = [
      { id: 1, envelope: good },
      { id: 2, envelope: oldKey },
      { id: 3, envelope: huge },
      { id: 4, envelope: 'sk-plaintext-key' },
    ]
    const file = join(dir, 'export.jsonl')
    writeFileSync(file, lines.map((l) => JSON.stringify(l)).join('\n') + '\n')
    const rows = join(dir, 'rows.jsonl')
    const r = cli(['check', '--in', file, '--key-ids', 'k2,k1', '--rows', rows, ...CHEAP])
    expect(r.code).toBe(3)
    const table = Object.fromEntries(r.stdout.trim().split('\n').slice(1).map((l) => [l.replace(/\s+\d+$/, '').trim(), Number(/(\d+)$/.exec(l)![1])]))
    expect(table).toEqual({
      'nothing to do': 1,
      KEY_NOT_PRIMARY: 1,
      'refused: MALFORMED_ENVELOPE': 1,
      'refused: PARAMS_OUT_OF_POLICY': 1,
      'rows needing attention': 3,
      rows: 4,
    })
    expect(readFileSync(rows, 'utf8').trim().split('\n').map((l) => JSON.parse(l))).toEqual([
      { id: 1, reasons: [] },
      { id: 2, reasons: ['KEY_NOT_PRIMARY'] },
      { id: 3, code: 'PARAMS_OUT_OF_POLICY' },
      { id: 4, code: 'MALFORMED_ENVELOPE' },
    ])
    writeFileSync(file, JSON.stringify(lines[0]) + '\n')
    expect(cli(['check', '--key-ids', 'k2', ...CHEAP], readFileSync(file, 'utf8')).code).toBe(0)
  })

  it('rotate: JSONL in, JSONL out ready for compare-and-swap; resumable after a crash mid-line', async () => {
    const [ka, kb] = [await generateKey(), await generateKey()]
    writeFileSync(join(dir, 'a.key'), ka)
    writeFileSync(join(dir, 'b.key'), kb)
    const a = await importKey(ka, { keyId: 'a' })
    const b = await importKey(kb, { keyId: 'b' })
    const n = 30
    const input = join(dir, 'in.jsonl')
    const rows = await Promise.all(Array.from({ length: n }, async (_, i) => ({ id: `u${i}`, envelope: await sealKey(`sk-${i}`, a, { context: `user:u${i}` }) })))
    writeFileSync(input, rows.map((r) => JSON.stringify(r)).join('\n') + '\n')
    const keys = ['--from-key-file', join(dir, 'a.key'), '--from-key-id', 'a', '--to-key-file', join(dir, 'b.key'), '--to-key-id', 'b', '--context-template', 'user:{id}']
    const full = join(dir, 'full.jsonl')
    const r = cli(['rotate', '--in', input, '--out', full, ...keys])
    expect(r.code).toBe(0)
    expect(r.stderr).toBe(`rotated ${n}, skipped 0, failed 0\n`) // not a terminal: no progress bar
    const outLines = readFileSync(full, 'utf8').trim().split('\n').map((l) => JSON.parse(l))
    expect(outLines).toHaveLength(n)
    for (const o of outLines) {
      const row = rows.find((x) => x.id === o.id)!
      expect(o).toMatchObject({ status: 'ok', previous: row.envelope })
      expect(await openKey(o.envelope, b, { context: `user:${o.id}` })).toBe(`sk-${o.id.slice(1)}`)
    }
    // An existing --out is never overwritten without --resume.
    expect(cli(['rotate', '--in', input, '--out', full, ...keys]).code).toBe(2)
    // A crash: 10 complete lines and half of the 11th. --resume cuts the half line and does the rest.
    const text = readFileSync(full, 'utf8').split('\n')
    const crashed = join(dir, 'crashed.jsonl')
    writeFileSync(crashed, text.slice(0, 10).join('\n') + '\n' + text[10]!.slice(0, 40))
    const resumed = cli(['rotate', '--in', input, '--out', crashed, '--resume', ...keys])
    expect(resumed).toMatchObject({ code: 0, stderr: `rotated ${n - 10}, skipped 0, failed 0\n` })
    const ids = readFileSync(crashed, 'utf8').trim().split('\n').map((l) => JSON.parse(l).id)
    expect(ids.slice().sort()).toEqual(rows.map((x) => x.id).sort())
    // A failing row is a result (exit 3), not a crash.
    writeFileSync(input, JSON.stringify({ id: 'x', envelope: 'not an envelope' }) + '\n')
    const failing = cli(['rotate', '--in', input, '--out', join(dir, 'f.jsonl'), ...keys])
    expect(failing.code).toBe(3)
    expect(JSON.parse(readFileSync(join(dir, 'f.jsonl'), 'utf8'))).toEqual({ id: 'x', status: 'failed', code: 'MALFORMED_ENVELOPE', previous: 'not an envelope' })
  })
})

describe('keyseal CLI on a pseudo-terminal', () => {
  it('keygen --pair --private-out on a terminal: only the public key is shown; the file is 0600', async () => {
    const r = await pty(['keygen', '--pair', '--private-out', 'tty-pair.key'], [])
    expect(r.code).toBe(0)
    const priv = readFileSync(join(dir, 'tty-pair.key'), 'utf8').trim()
    expect(statSync(join(dir, 'tty-pair.key')).mode & 0o777).toBe(0o600)
    expect(r.transcript.trim()).toMatch(/^kspk1\.[A-Za-z0-9_-]{87}$/)
    expect(r.transcript).not.toContain('kssk1.')
    expect(r.transcript).not.toContain(priv.slice(6, 30))
    const pub = await v2.importPublicKey(r.transcript.trim())
    expect(await v2.openKey(await v2.sealKey('sk-tty', pub), await v2.importKey(priv))).toBe('sk-tty')
  })

  it('script(1) is available and gives the child a terminal', async () => {
    const r = await pty(['--version'], [])
    expect(r.code).toBe(0)
    expect(r.transcript.trim()).toBe(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version)
  })

  it('seal: the secret and the passphrase are read from hidden prompts, never echoed', async () => {
    const secret = 'sk-typed-secret-0123456789'
    const pass = 'typed passphrase 42'
    const r = await pty(['seal', '--context', 'user:9', ...CHEAP], [
      ['Secret: ', secret + '\r'],
      ['Passphrase: ', pass + '\r'],
      ['Repeat passphrase: ', pass + '\r'],
    ])
    expect(r.code).toBe(0)
    expect(r.transcript).not.toContain(secret)
    expect(r.transcript).not.toContain(pass)
    expect(r.transcript).not.toContain(pass.slice(0, 6))
    const envelope = /ks1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/.exec(r.transcript)![0]
    expect(await openKey(envelope, pass, { context: 'user:9', policy: TEST_POLICY })).toBe(secret)
  })

  it('seal: a mistyped repeat is refused (exit 2); backspace edits the hidden entry', async () => {
    const mismatch = await pty(['seal', ...CHEAP], [
      ['Secret: ', 'sk-1\r'],
      ['Passphrase: ', 'one passphrase\r'],
      ['Repeat passphrase: ', 'another one\r'],
    ])
    expect(mismatch.code).toBe(2)
    expect(mismatch.transcript).toContain('the two entries differ')
    const edited = await pty(['seal', ...CHEAP], [
      ['Secret: ', 'sk-2\r'],
      ['Passphrase: ', 'pass wordX\u007f\r'],
      ['Repeat passphrase: ', 'pass word\r'],
    ])
    expect(edited.code).toBe(0)
    const envelope = /ks1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/.exec(edited.transcript)![0]
    expect(await openKey(envelope, 'pass word', { policy: TEST_POLICY })).toBe('sk-2')
  })

  it('open: the passphrase prompt is hidden; Ctrl-C at a prompt exits 130', async () => {
    const envelope = await sealKey('sk-open-me', 'open sesame phrase', { policy: TEST_POLICY, context: 'c' })
    const r = await pty(['open', envelope, '--context', 'c', ...CHEAP], [['Passphrase: ', 'open sesame phrase\r']])
    expect(r.code).toBe(0)
    expect(r.transcript).toContain('sk-open-me')
    expect(r.transcript).not.toContain('open sesame')
    const c = await pty(['open', envelope, ...CHEAP], [['Passphrase: ', 'open ses\u0003']])
    expect(c.code).toBe(130)
    expect(c.transcript).not.toContain('open ses')
  })

  it('rotate: hidden prompts for both keys and a progress bar on the terminal', async () => {
    const n = 12
    const rows = await Promise.all(Array.from({ length: n }, async (_, i) => ({ id: i, envelope: await sealKey(`sk-${i}`, 'old rotate phrase', { policy: TEST_POLICY, context: `r${i}` }), context: `r${i}` })))
    writeFileSync(join(dir, 'pty-in.jsonl'), rows.map((r) => JSON.stringify(r)).join('\n') + '\n')
    const out = join(dir, 'pty-out.jsonl')
    const r = await pty(['rotate', '--in', join(dir, 'pty-in.jsonl'), '--out', out, ...CHEAP], [
      ['Current passphrase: ', 'old rotate phrase\r'],
      ['New passphrase: ', 'new rotate phrase\r'],
      ['Repeat new passphrase: ', 'new rotate phrase\r'],
    ])
    expect(r.code).toBe(0)
    expect(r.transcript).not.toContain('rotate phrase')
    expect(r.transcript).toContain(`\r[${'#'.repeat(30)}] ${n}/${n}  ok ${n}  skipped 0  failed 0`)
    expect(r.transcript).toMatch(/\r\[#*\.+\] 1\/12/)
    const lines = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l))
    expect(lines).toHaveLength(n)
    for (const l of lines) expect(await openKey(l.envelope, 'new rotate phrase', { context: `r${l.id}`, policy: TEST_POLICY })).toBe(`sk-${l.id}`)
  })
})
