// The `keyseal` ops CLI (issue 16): Node built-ins only, bundled into dist/cli.js on its own (the
// library entries never include it). Secrets and passphrases come from stdin, a file, an
// environment variable or a hidden prompt on the terminal: never from argv, where `ps` and shell
// history would show them, and never echoed (SECURITY-NOTES: secrets in argv and logs).
import { closeSync, existsSync, fstatSync, openSync, readFileSync, statSync, writeSync, ftruncateSync, createReadStream } from 'node:fs'
import { createInterface } from 'node:readline'
import { ReadStream, WriteStream } from 'node:tty'
import { parseArgs, type ParseArgsConfig } from 'node:util'
import { argon2id } from '../src/argon2id.js'
import {
  createKeyring,
  createPolicy,
  generateKey,
  importKey as importKeyV1,
  isKeysealError,
  needsRotation,
  rotateStream,
  type KeyInput,
  type KeysealPolicy,
  type RotateItem,
  type RotationKdf,
} from '../src/index.js'
// The v2 entry's functions read both formats (a single passphrase or raw key still seals v1,
// byte for byte as v1's sealKey): open and inspect take ks2. envelopes, seal takes a public key.
import { generateKeyPair, importKey, importPublicKey, inspect, openKey, sealKey, type KeysealPublicKey, type OpenKeyInput } from '../src/v2/index.js'

/** Exit codes (documented in `keyseal --help` and docs/storage.md, "The keyseal CLI"). */
const EXIT = { ok: 0, keyseal: 1, usage: 2, attention: 3, interrupted: 130 } as const

class UsageError extends Error {}
class Interrupted extends Error {}

const MAIN_HELP = `keyseal: seal, open, inspect and rotate keyseal envelopes

Usage: keyseal <command> [options]      keyseal <command> --help

Commands:
  keygen    print a new raw 256-bit key (ksk1.…), or make a key pair (--pair)
  seal      seal a secret (stdin or a hidden prompt) into an envelope
  open      open an envelope and print the secret
  inspect   describe an envelope without a key (JSON)
  check     rotation reasons for every row of a JSONL export, with a summary table
  rotate    re-seal every row of a JSONL export into a JSONL file ready for compare-and-swap

Secrets and passphrases are never taken from the command line: they come from stdin, a file
(--key-file), an environment variable (--key-env) or a hidden prompt on the terminal.

Exit codes:
  0    success (check: no row needs rotation)
  1    a keyseal error, printed as its fixed message and code (for example AUTH_FAILED)
  2    usage error (unknown command or option, missing input, no terminal for a prompt)
  3    check: some rows need rotation or cannot be opened under the policy; rotate: some rows failed
  130  interrupted (Ctrl-C at a prompt)
`

const POLICY_HELP = `Policy options:
  --iterations N            PBKDF2 iterations to seal with (and the sealing floor); default 600000
  --open-min-iterations N   the fewest PBKDF2 iterations accepted when opening; default min(100000, N)
  --argon2id                seal passphrases with Argon2id (OWASP parameters); PBKDF2 still opens`

const KEY_HELP = (p: string, what: string) => `  --${p}key-file PATH     ${what}: a file holding a raw key (ksk1.…), a key pair's private
                          key (kssk1.…, to open) or public key (kspk1.…, to seal), or a passphrase
  --${p}key-env NAME      ${what}: an environment variable holding either
  --${p}key-id ID         the key id to record (or expect) for that key
                          (neither given: a hidden prompt on the terminal)`

const HELP: Record<string, string> = {
  keygen: `Usage: keyseal keygen
       keyseal keygen --pair --private-out FILE
       keyseal keygen --pair --private-stdout

Without --pair: print a new random 256-bit raw key (ksk1.…) on stdout. Store it like a password.

With --pair: make a P-256 key pair for public-key sealing (format v2, ks2.). The public key
(kspk1.…) is printed on stdout: give it to whoever seals. The private key (kssk1.…) opens: it
goes where you say, and --pair alone is a usage error (exit 2), so it never lands on a terminal
or in a log by accident.
  --private-out FILE   write the private key to FILE, a new file (never an existing one) with
                       mode 0600 (owner read/write only)
  --private-stdout     print the private key on stdout too, as a second line after the public key
                       (for a pipe into a secrets manager)
`,
  seal: `Usage: keyseal seal [--context C] [key options] [policy options]

Reads the secret from stdin (one trailing newline is removed) or, on a terminal, from a hidden
prompt; prints the envelope on stdout.
  --context C               the context to bind (for example user:42/openai)
${KEY_HELP('', 'the key')}
${POLICY_HELP}
`,
  open: `Usage: keyseal open [ENVELOPE] [--context C] [key options] [policy options]

Opens ENVELOPE (or the envelope on stdin) and prints the secret on stdout.
  --context C               the context it was sealed with
${KEY_HELP('', 'the key')}
${POLICY_HELP}
`,
  inspect: `Usage: keyseal inspect [ENVELOPE]

Prints what the header says (version, KDF and parameters, key id, salt, sizes) as JSON. No key.
`,
  check: `Usage: keyseal check [--in FILE] [--key-ids PRIMARY,OTHER…] [--max-age-days D] [--rows FILE] [policy options]

Reads JSONL rows {"id": …, "envelope": "ks1.…", "sealedAt": "2026-01-01T00:00:00Z"?} from FILE or
stdin and prints a summary table of rotation reasons. An envelope the policy would refuse to open
is counted under its error code.
  --key-ids IDS       the keyring's ids, primary first: flags KEY_NOT_PRIMARY and UNKNOWN_KEY_ID
  --max-age-days D    flags TOO_OLD for rows whose sealedAt is older
  --rows FILE         also write one JSONL line per row: {"id", "reasons"} or {"id", "code"}
${POLICY_HELP}
Exit 0 when no row needs anything, 3 otherwise.
`,
  rotate: `Usage: keyseal rotate --in FILE --out FILE [--resume] [options]

Re-seals every row of FILE (JSONL {"id", "envelope", "context"?}) from one key to another and
writes one JSONL line per row to --out as soon as it is done:
  {"id", "status": "ok"|"skipped", "previous", "envelope", "reasons"}  or  {"id", "status": "failed", "code", "previous"}
Store "envelope" only where the row still holds "previous" (compare-and-swap; docs/storage.md).
A progress bar is drawn on stderr when it is a terminal.
  --resume                  continue into an existing --out: rows already in it are not redone
  --context-template T      the context of rows without one, {id} replaced (for example user:{id})
  --concurrency N           rows in flight, 1-256 (default 4)
  --kdf keep|policy         keep each row's passphrase KDF, or move to the policy's (default policy)
${KEY_HELP('from-', 'the current key')}
${KEY_HELP('to-', 'the new key')}
${POLICY_HELP}
Exit 0 when every row is ok or skipped, 3 when some failed.
`,
}

// ---- input -------------------------------------------------------------------------------------

/** All of stdin as UTF-8. */
async function readStdin(): Promise<string> {
  const chunks: Buffer[] = []
  for await (const c of process.stdin) chunks.push(c as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

/** One trailing newline (as `echo` and files add) is not part of the value. */
const chomp = (s: string): string => s.replace(/\r?\n$/, '')

/**
 * A hidden prompt on the controlling terminal (/dev/tty), so it works while stdin is a pipe. Raw
 * mode is set before the label is written: nothing typed after the label is ever echoed.
 */
async function hiddenPrompt(label: string): Promise<string> {
  let inFd: number
  let outFd: number
  try {
    inFd = openSync('/dev/tty', 'r')
    outFd = openSync('/dev/tty', 'w')
  } catch {
    throw new UsageError(`no terminal for the "${label.replace(/:\s*$/, '')}" prompt: use --key-file or --key-env (or stdin for the secret)`)
  }
  const input = new ReadStream(inFd)
  const output = new WriteStream(outFd)
  input.setRawMode(true)
  output.write(label)
  try {
    return await new Promise<string>((resolve, reject) => {
      let value = ''
      input.on('data', (chunk: Buffer) => {
        for (const ch of chunk.toString('utf8')) {
          if (ch === '\r' || ch === '\n') return resolve(value)
          if (ch === '\u0003') return reject(new Interrupted()) // Ctrl-C
          if (ch === '\u0004' && value === '') return reject(new Interrupted()) // Ctrl-D on an empty line
          if (ch === '\u007f' || ch === '\b') value = [...value].slice(0, -1).join('')
          else if (ch >= ' ') value += ch
        }
      })
    })
  } finally {
    input.setRawMode(false)
    output.write('\r\n')
    input.destroy()
    output.destroy()
  }
}

/** The key for `prefix` (''/'from-'/'to-'): a file, an environment variable, or a hidden prompt. */
async function keyFrom(v: Record<string, unknown>, prefix: string, label: string, confirm = false): Promise<KeyInput | OpenKeyInput | KeysealPublicKey> {
  const file = v[`${prefix}key-file`] as string | undefined
  const env = v[`${prefix}key-env`] as string | undefined
  const keyId = v[`${prefix}key-id`] as string | undefined
  if (file !== undefined && env !== undefined) throw new UsageError(`--${prefix}key-file and --${prefix}key-env: give one`)
  let text: string
  if (file !== undefined) text = chomp(readFileSync(file, 'utf8'))
  else if (env !== undefined) {
    const e = process.env[env]
    if (e === undefined) throw new UsageError(`the environment variable ${env} is not set`)
    text = e
  } else {
    text = await hiddenPrompt(`${label}: `)
    if (confirm && (await hiddenPrompt(`Repeat ${label.toLowerCase()}: `)) !== text) throw new UsageError('the two entries differ')
  }
  const idOption = keyId === undefined ? {} : { keyId }
  if (text.startsWith('ksk1.') || text.startsWith('kssk1.')) return importKey(text, idOption)
  if (text.startsWith('kspk1.')) return importPublicKey(text, idOption)
  // A passphrase with a key id: a one-entry keyring records (and expects) it.
  return keyId === undefined ? text : createKeyring([{ id: keyId, key: text }])
}

function policyFrom(v: Record<string, unknown>): KeysealPolicy {
  const int = (name: string): number | undefined => {
    const s = v[name] as string | undefined
    if (s === undefined) return undefined
    if (!/^[1-9][0-9]*$/.test(s)) throw new UsageError(`--${name}: a positive integer`)
    return Number(s)
  }
  const iterations = int('iterations')
  const openMin = int('open-min-iterations')
  const pbkdf2 = {
    ...(iterations !== undefined && { iterations, minIterations: iterations, openMinIterations: Math.min(iterations, 100_000) }),
    ...(openMin !== undefined && { openMinIterations: openMin }),
  }
  return createPolicy({ pbkdf2, ...(v['argon2id'] === true && { argon2id: { implementation: argon2id } }) })
}

const POLICY_OPTIONS = {
  iterations: { type: 'string' },
  'open-min-iterations': { type: 'string' },
  argon2id: { type: 'boolean' },
} as const
const keyOptions = (p: string) => ({ [`${p}key-file`]: { type: 'string' }, [`${p}key-env`]: { type: 'string' }, [`${p}key-id`]: { type: 'string' } }) as const

function parse(args: string[], options: ParseArgsConfig['options'], positionals = 0) {
  let r
  try {
    r = parseArgs({ args, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals: positionals > 0, strict: true })
  } catch (error) {
    // parseArgs quotes the offending option (never a value of ours: there are no secret options).
    throw new UsageError((error as Error).message.split('\n')[0]!)
  }
  if (r.positionals.length > positionals) throw new UsageError('too many arguments')
  return { values: r.values as Record<string, unknown>, positionals: r.positionals }
}

/** JSONL rows of a file or stdin, one object per non-empty line. */
async function* jsonl(file: string | undefined): AsyncGenerator<{ line: number; row: Record<string, unknown> }> {
  const rl = createInterface({ input: file === undefined ? process.stdin : createReadStream(file), crlfDelay: Infinity })
  let line = 0
  try {
    for await (const text of rl) {
      line++
      if (text.trim() === '') continue
      let row: unknown
      try {
        row = JSON.parse(text)
      } catch {
        throw new UsageError(`line ${line}: not JSON`)
      }
      if (typeof row !== 'object' || row === null || Array.isArray(row)) throw new UsageError(`line ${line}: not a JSON object`)
      yield { line, row: row as Record<string, unknown> }
    }
  } finally {
    rl.close()
  }
}

// ---- commands ----------------------------------------------------------------------------------

const out = (s: string): void => void process.stdout.write(s)

async function keygen(args: string[]): Promise<number> {
  const { values: v } = parse(args, { pair: { type: 'boolean' }, 'private-out': { type: 'string' }, 'private-stdout': { type: 'boolean' } })
  const file = v['private-out'] as string | undefined
  const toStdout = v['private-stdout'] === true
  if (v['pair'] !== true) {
    if (file !== undefined || toStdout) throw new UsageError('--private-out and --private-stdout go with --pair')
    out((await generateKey()) + '\n')
    return EXIT.ok
  }
  if (file !== undefined && toStdout) throw new UsageError('--private-out and --private-stdout: give one')
  if (file === undefined && !toStdout) throw new UsageError('--pair needs --private-out FILE (written with mode 0600) or --private-stdout')
  let fd: number | undefined
  if (file !== undefined) {
    // 'wx': O_CREAT | O_EXCL, so an existing file (or a symlink planted in its place) is never
    // written through; mode 0600 from the start, so the key is never readable by others, even briefly.
    fd = openSync(file, 'wx', 0o600)
  }
  try {
    const pair = await generateKeyPair()
    if (fd !== undefined) {
      writeSync(fd, pair.privateKey + '\n')
      // The umask can only remove bits from 0600; a mode that is still wider means a filesystem
      // that ignores modes (FAT, some network mounts): say so instead of pretending.
      if ((fstatSync(fd).mode & 0o077) !== 0) process.stderr.write(`keyseal: warning: ${file} is readable by others on this filesystem\n`)
    }
    out(pair.publicKey + '\n' + (toStdout ? pair.privateKey + '\n' : ''))
  } finally {
    if (fd !== undefined) closeSync(fd)
  }
  return EXIT.ok
}

async function seal(args: string[]): Promise<number> {
  const { values: v } = parse(args, { context: { type: 'string' }, ...keyOptions(''), ...POLICY_OPTIONS })
  const policy = policyFrom(v)
  const secret = process.stdin.isTTY ? await hiddenPrompt('Secret: ') : chomp(await readStdin())
  if (secret === '') throw new UsageError('no secret on stdin')
  const key = await keyFrom(v, '', 'Passphrase', true)
  const context = v['context'] as string | undefined
  const keyId = v['key-id'] as string | undefined
  const plainKeyId = typeof key === 'string' || key instanceof Uint8Array ? keyId : undefined
  out((await sealKey(secret, key as OpenKeyInput, { policy, ...(context !== undefined && { context }), ...(plainKeyId !== undefined && { keyId: plainKeyId }) })) + '\n')
  return EXIT.ok
}

async function envelopeArg(positionals: string[]): Promise<string> {
  const e = positionals[0] ?? (process.stdin.isTTY ? undefined : (await readStdin()).trim())
  if (e === undefined || e === '') throw new UsageError('no envelope: give it as an argument or on stdin')
  return e
}

async function open(args: string[]): Promise<number> {
  const { values: v, positionals } = parse(args, { context: { type: 'string' }, ...keyOptions(''), ...POLICY_OPTIONS }, 1)
  const policy = policyFrom(v)
  const envelope = await envelopeArg(positionals)
  inspect(envelope) // a malformed envelope fails before any prompt
  const key = await keyFrom(v, '', 'Passphrase')
  const context = v['context'] as string | undefined
  out((await openKey(envelope, key as OpenKeyInput, { policy, ...(context !== undefined && { context }) })) + '\n')
  return EXIT.ok
}

async function inspectCmd(args: string[]): Promise<number> {
  const { positionals } = parse(args, {}, 1)
  out(JSON.stringify(inspect(await envelopeArg(positionals)), null, 2) + '\n')
  return EXIT.ok
}

function table(rows: [string, string | number][]): string {
  const w = Math.max(...rows.map(([k]) => k.length))
  return rows.map(([k, n]) => `${k.padEnd(w)}  ${String(n).padStart(8)}`).join('\n') + '\n'
}

async function check(args: string[]): Promise<number> {
  const { values: v } = parse(args, { in: { type: 'string' }, 'key-ids': { type: 'string' }, 'max-age-days': { type: 'string' }, rows: { type: 'string' }, ...POLICY_OPTIONS })
  const policy = policyFrom(v)
  const ids = (v['key-ids'] as string | undefined)?.split(',').filter((s) => s !== '')
  // needsRotation reads only a keyring's ids; the keys of this one are throwaway raw keys.
  const keyring = ids && ids.length > 0 ? createKeyring(await Promise.all(ids.map(async (id, i) => ({ id, key: await importKeyV1(await generateKey()), primary: i === 0 })))) : undefined
  const days = v['max-age-days'] as string | undefined
  if (days !== undefined && !/^[0-9]+(\.[0-9]+)?$/.test(days)) throw new UsageError('--max-age-days: a number')
  const maxAgeMs = days === undefined ? undefined : Number(days) * 86_400_000
  const rowsFd = v['rows'] === undefined ? undefined : openSync(v['rows'] as string, 'w')
  const counts = new Map<string, number>()
  const bump = (k: string) => counts.set(k, (counts.get(k) ?? 0) + 1)
  let total = 0
  let attention = 0
  try {
    for await (const { line, row } of jsonl(v['in'] as string | undefined)) {
      total++
      let sealedAt: number | undefined
      if (maxAgeMs !== undefined) {
        sealedAt = typeof row['sealedAt'] === 'string' || typeof row['sealedAt'] === 'number' ? new Date(row['sealedAt']).getTime() : Number.NaN
        if (!Number.isFinite(sealedAt)) throw new UsageError(`line ${line}: --max-age-days needs a sealedAt date`)
      }
      let detail: Record<string, unknown>
      try {
        const reasons = needsRotation(row['envelope'] as string, { policy, ...(keyring && { keyring }), ...(maxAgeMs !== undefined && { maxAgeMs, sealedAt: sealedAt! }) })
        if (reasons.length === 0) bump('nothing to do')
        else attention++
        for (const r of reasons) bump(r)
        detail = { id: row['id'], reasons }
      } catch (error) {
        if (!isKeysealError(error)) throw error
        attention++
        bump(`refused: ${error.code}`)
        detail = { id: row['id'], code: error.code }
      }
      if (rowsFd !== undefined) writeSync(rowsFd, JSON.stringify(detail) + '\n')
    }
  } finally {
    if (rowsFd !== undefined) closeSync(rowsFd)
  }
  const order = [...counts].sort(([a], [b]) => (a === 'nothing to do' ? -1 : b === 'nothing to do' ? 1 : a < b ? -1 : 1))
  out(table([['reason', 'rows'], ...order, ['rows needing attention', attention], ['rows', total]]))
  return attention === 0 ? EXIT.ok : EXIT.attention
}

/** The ids already in an --out file, after cutting a last line a crash left half-written. */
function resumeFrom(path: string): Set<string> {
  const done = new Set<string>()
  if (!existsSync(path)) return done
  const text = readFileSync(path, 'utf8')
  const end = text.lastIndexOf('\n') + 1
  if (end < text.length) {
    const fd = openSync(path, 'r+')
    ftruncateSync(fd, Buffer.byteLength(text.slice(0, end)))
    closeSync(fd)
  }
  for (const line of text.slice(0, end).split('\n')) if (line !== '') done.add(JSON.stringify((JSON.parse(line) as { id: unknown }).id))
  return done
}

function progress(done: number, total: number, c: { ok: number; skipped: number; failed: number }): string {
  const width = 30
  const filled = total > 0 ? Math.round((width * done) / total) : 0
  return `\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}  ok ${c.ok}  skipped ${c.skipped}  failed ${c.failed}`
}

async function rotate(args: string[]): Promise<number> {
  const { values: v } = parse(args, {
    in: { type: 'string' },
    out: { type: 'string' },
    resume: { type: 'boolean' },
    'context-template': { type: 'string' },
    concurrency: { type: 'string' },
    kdf: { type: 'string' },
    ...keyOptions('from-'),
    ...keyOptions('to-'),
    ...POLICY_OPTIONS,
  })
  const inPath = v['in'] as string | undefined
  const outPath = v['out'] as string | undefined
  if (inPath === undefined || outPath === undefined) throw new UsageError('rotate needs --in FILE and --out FILE')
  const policy = policyFrom(v)
  const kdf = (v['kdf'] ?? 'policy') as RotationKdf
  if (kdf !== 'keep' && kdf !== 'policy') throw new UsageError('--kdf: keep or policy')
  const concurrency = v['concurrency'] === undefined ? 4 : Number(v['concurrency'])
  if (!Number.isSafeInteger(concurrency) || concurrency < 1 || concurrency > 256) throw new UsageError('--concurrency: 1 to 256')
  const template = v['context-template'] as string | undefined
  if (v['resume'] !== true && existsSync(outPath) && statSync(outPath).size > 0) throw new UsageError(`${outPath} exists: pass --resume to continue it`)
  const done = v['resume'] === true ? resumeFrom(outPath) : new Set<string>()
  let total = 0
  for await (const { row } of jsonl(inPath)) if (!done.has(JSON.stringify(row['id']))) total++
  // Rotation is v1 (rotateStream): a key pair's key here is refused by it as INVALID_KEY (exit 1).
  const from = (await keyFrom(v, 'from-', 'Current passphrase')) as KeyInput
  const to = (await keyFrom(v, 'to-', 'New passphrase', true)) as KeyInput

  async function* items(): AsyncGenerator<RotateItem> {
    for await (const { line, row } of jsonl(inPath)) {
      if (done.has(JSON.stringify(row['id']))) continue
      if (typeof row['envelope'] !== 'string') throw new UsageError(`line ${line}: no "envelope" string`)
      const context = typeof row['context'] === 'string' ? row['context'] : template?.replaceAll('{id}', String(row['id']))
      yield { id: row['id'], envelope: row['envelope'], ...(context !== undefined && { context }) }
    }
  }
  const fd = openSync(outPath, 'a')
  const c = { ok: 0, skipped: 0, failed: 0 }
  const bar = process.stderr.isTTY === true
  let n = 0
  try {
    for await (const r of rotateStream(items(), { from, to, policy, concurrency, kdf })) {
      const line = r.status === 'failed' ? { id: r.id, status: r.status, code: r.code, previous: r.previous } : { id: r.id, status: r.status, previous: r.previous, envelope: r.envelope, reasons: r.reasons }
      // Written (synchronously) before the next row is read: a crash loses at most the rows in flight.
      writeSync(fd, JSON.stringify(line) + '\n')
      c[r.status]++
      n++
      if (bar) process.stderr.write(progress(n, total, c))
    }
  } finally {
    closeSync(fd)
    if (bar) process.stderr.write('\n')
  }
  process.stderr.write(`rotated ${c.ok}, skipped ${c.skipped}, failed ${c.failed}\n`)
  return c.failed === 0 ? EXIT.ok : EXIT.attention
}

const COMMANDS: Record<string, (args: string[]) => Promise<number>> = { keygen, seal, open, inspect: inspectCmd, check, rotate }

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv
  try {
    if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
      out(MAIN_HELP)
      return command === undefined ? EXIT.usage : EXIT.ok
    }
    if (command === '--version') {
      out(JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version + '\n')
      return EXIT.ok
    }
    const run = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined
    if (run === undefined) throw new UsageError(`unknown command: ${command.slice(0, 40)} (keyseal --help lists them)`)
    if (rest.includes('--help') || rest.includes('-h')) {
      out(HELP[command]!)
      return EXIT.ok
    }
    return await run(rest)
  } catch (error) {
    if (isKeysealError(error)) {
      // The fixed message and the code: never the input, key or secret (src/errors.ts).
      process.stderr.write(`${error.message} (${error.code})\n`)
      return EXIT.keyseal
    }
    if (error instanceof UsageError) {
      process.stderr.write(`keyseal: ${error.message}\n`)
      return EXIT.usage
    }
    if (error instanceof Interrupted) {
      process.stderr.write('keyseal: interrupted\n')
      return EXIT.interrupted
    }
    const e = error as NodeJS.ErrnoException
    if (typeof e?.code === 'string' && typeof e.path === 'string') {
      process.stderr.write(`keyseal: ${e.code}: ${e.path}\n`)
      return EXIT.usage
    }
    throw error
  }
}

process.exitCode = await main(process.argv.slice(2))
