/**
 * Argon2id (RFC 9106, version 0x13) with the memory fill in WebAssembly (src/kdf/argon2id.wat,
 * SIMD), for runtimes that can compile WebAssembly from bytes and have no native Argon2id.
 *
 * - H0, the first two blocks of each lane and the tag (BLAKE2b, §3.2 steps 1-6 and 8) are computed
 *   here with the TypeScript BLAKE2b: they are a few KiB of hashing per derivation. The fill, which
 *   is all the rest of the time, runs in WebAssembly.
 * - Whether WebAssembly is usable is decided by trying once per process: compiling and
 *   instantiating the embedded module (refused in workerd and in pages whose Content-Security-Policy
 *   lacks 'wasm-unsafe-eval'; a runtime without SIMD fails validation) and then deriving a small
 *   known answer (RFC 9106 §5.3). Any failure means "not here", and
 *   the caller runs the TypeScript path; nothing is sniffed.
 * - One instance and one memory serve every derivation in the process (fresh pages cost about as
 *   much as the hashing, issue 17), one derivation at a time: concurrent calls wait their turn,
 *   which costs no throughput on one thread. The memory grows when a derivation needs more and
 *   never shrinks (WebAssembly memories cannot), and everything in it (the blocks are derived from
 *   the password) is zeroed after every derivation, successful or not.
 */

import { _argon2idH0, check, yielder, type Argon2idParams } from './argon2id.js'
import { ARGON2ID_WASM } from './argon2id-wasm-bytes.js'
import { blake2bLong, le32 } from './blake2b.js'

/** Byte offset of block 0 in the module's memory (see the layout in argon2id.wat). */
const BASE = 8192
const BLOCK_BYTES = 1024
const PAGE = 65536
const SYNC_POINTS = 4
/**
 * Largest m' this path takes, in blocks (2 GiB): every byte offset in the module is then an i32
 * below 2^31 plus BASE. Larger memories go to the TypeScript path (which takes up to 8 GiB).
 */
const MAX_BLOCKS = 1 << 21
/**
 * The clock is read every CHUNK blocks and the event loop is handed back once SLICE_MS have
 * passed, or after MAX_SLICE_BLOCKS blocks where the clock does not advance during execution.
 * One block takes about 1 µs in optimised code here, so a slice is ~8 ms and the ~5 yields of an
 * OWASP derivation cost well under 1%; a first call still in the baseline compiler is slower per
 * block, and the clock keeps its slices short.
 */
const CHUNK = 256
const SLICE_MS = 8
const MAX_SLICE_BLOCKS = 8192

type Fill = (pass: number, slice: number, lane: number, from: number, to: number, lanes: number, laneLength: number, segLen: number, blocks: number, passes: number) => void

interface Engine {
  readonly memory: WebAssembly.Memory
  readonly fill: Fill
}

/** Decodes the embedded (trusted, generated) hex text of the module. */
function decode(s: string): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(s.length >> 1)
  for (let i = 0; i < out.length; i++) out[i] = parseInt(s.slice(2 * i, 2 * i + 2), 16)
  return out
}

/** The tag of RFC 9106 §5.3 (Argon2id test vector), hex. */
const RFC9106_TAG = '0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659'

/** One derivation at a time: the tail of the queue of derivations. */
let queue: Promise<unknown> = Promise.resolve()
/** The engine, once tried: undefined while untried, null where WebAssembly is not usable. */
let tried: Promise<Engine | null> | undefined

async function instantiate(): Promise<Engine | null> {
  try {
    const wasm = (globalThis as { WebAssembly?: typeof WebAssembly }).WebAssembly
    if (wasm === undefined) return null
    const module = await wasm.compile(decode(ARGON2ID_WASM))
    const instance = await wasm.instantiate(module, {})
    const exports = instance.exports as { memory?: unknown; fill?: unknown }
    const { memory, fill } = exports
    if (!(memory instanceof wasm.Memory) || typeof fill !== 'function') return null
    const engine: Engine = { memory, fill: fill as Fill }
    // The known answer of RFC 9106 §5.3 (4 lanes, 3 passes, secret and associated data: every
    // addressing case): an engine that compiles the module but computes it wrongly is not used.
    // A published constant rather than a TypeScript computation, which would block a fresh page
    // for 100-300 ms while its code is still cold.
    const tag = await compute(engine, new Uint8Array(32).fill(1), new Uint8Array(16).fill(2), {
      memoryKiB: 32, passes: 3, lanes: 4, tagLength: 32, secret: new Uint8Array(8).fill(3), associatedData: new Uint8Array(12).fill(4),
    })
    for (let i = 0; i < 32; i++) if (tag[i] !== parseInt(RFC9106_TAG.slice(2 * i, 2 * i + 2), 16)) return null
    return engine
  } catch {
    // CompileError (code generation refused, no SIMD), LinkError, RangeError (no memory): not here.
    return null
  }
}

/**
 * Argon2id through the WebAssembly fill, or undefined where WebAssembly cannot be used here (or
 * the memory is beyond this path's 2 GiB): the caller then runs the TypeScript implementation.
 * Parameters are checked as {@link argon2idTs} checks them, before anything is allocated.
 *
 * @throws RangeError with a fixed message for an invalid parameter, or when the memory cannot
 *   grow to the size asked for.
 */
export async function argon2idWasm(password: Uint8Array, salt: Uint8Array, params: Argon2idParams): Promise<Uint8Array<ArrayBuffer> | undefined> {
  const c = check(password, salt, params)
  if (Math.floor(c.m / (SYNC_POINTS * c.p)) * SYNC_POINTS * c.p > MAX_BLOCKS) return undefined
  const engine = await (tried ??= instantiate())
  if (engine === null) return undefined
  const run = queue.then(() => compute(engine, password, salt, params))
  queue = run.catch(() => undefined)
  return run
}

/** The path argon2idWasm takes here, once tried: true when WebAssembly runs the fill. */
export async function argon2idWasmAvailable(): Promise<boolean> {
  return (await (tried ??= instantiate())) !== null
}

async function compute(engine: Engine, password: Uint8Array, salt: Uint8Array, params: Argon2idParams): Promise<Uint8Array<ArrayBuffer>> {
  const c = check(password, salt, params)
  const { memory, fill } = engine
  const segLen = Math.floor(c.m / (SYNC_POINTS * c.p))
  const laneLength = segLen * SYNC_POINTS
  const blocks = laneLength * c.p
  const used = BASE + blocks * BLOCK_BYTES
  if (memory.buffer.byteLength < used) {
    try {
      memory.grow(Math.ceil((used - memory.buffer.byteLength) / PAGE))
    } catch {
      throw new RangeError('argon2id: out of memory')
    }
  }
  const h0 = _argon2idH0(password, salt, params)
  const pause = yielder()
  try {
    // §3.2 steps 5-6: B[i][0] = H'^1024(H0 || LE32(0) || LE32(i)), B[i][1] likewise with 1,
    // written as bytes straight into the memory (which is little-endian, as the RFC's encoding).
    // The TypeScript BLAKE2b is slow while its code is still cold (a fresh page: ~30 ms per lane
    // here), so the event loop may get a turn between lanes too.
    let sliceStart = Date.now()
    let sliceBlocks = 0
    for (let lane = 0; lane < c.p; lane++) {
      for (let col = 0; col < 2; col++) {
        const off = BASE + (lane * laneLength + col) * BLOCK_BYTES
        blake2bLong(new Uint8Array(memory.buffer, off, BLOCK_BYTES), h0, le32(col), le32(lane))
      }
      if (Date.now() - sliceStart >= SLICE_MS) {
        await pause()
        sliceStart = Date.now()
      }
    }
    for (let pass = 0; pass < c.t; pass++) {
      for (let slice = 0; slice < SYNC_POINTS; slice++) {
        for (let lane = 0; lane < c.p; lane++) {
          // Blocks 0 and 1 of each lane are already there (§3.2 steps 5-6).
          let i = pass === 0 && slice === 0 ? 2 : 0
          while (i < segLen) {
            const n = Math.min(segLen - i, CHUNK)
            fill(pass, slice, lane, i, i + n, c.p, laneLength, segLen, blocks, c.t)
            i += n
            sliceBlocks += n
            if (sliceBlocks >= MAX_SLICE_BLOCKS || Date.now() - sliceStart >= SLICE_MS) {
              await pause()
              sliceBlocks = 0
              sliceStart = Date.now()
            }
          }
        }
      }
    }
    // §3.2 step 8: C = B[0][q-1] XOR ... XOR B[p-1][q-1]; Tag = H'^T(C).
    const mem = new Uint8Array(memory.buffer)
    const last = new Uint8Array(BLOCK_BYTES)
    for (let lane = 0; lane < c.p; lane++) {
      const off = BASE + (lane * laneLength + laneLength - 1) * BLOCK_BYTES
      for (let i = 0; i < BLOCK_BYTES; i++) last[i] = last[i]! ^ mem[off + i]!
    }
    const tag = new Uint8Array(c.tag)
    blake2bLong(tag, last)
    last.fill(0)
    return tag
  } finally {
    h0.fill(0)
    // Every block and the scratch area (R, T, the address blocks) hold password-derived data.
    new Uint8Array(memory.buffer).fill(0, 0, used)
  }
}

/** @internal For tests: the engine's memory (to check that it is wiped), or undefined. */
export async function _argon2idWasmMemory(): Promise<WebAssembly.Memory | undefined> {
  return (await (tried ??= instantiate()))?.memory
}
