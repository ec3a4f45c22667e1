#!/usr/bin/env node
// Generates src/kdf/argon2id.wat, the WebAssembly text of keyseal's Argon2id fill (RFC 9106 §3.2
// steps 5-7, §3.4, §3.5, §3.6). The control code (segment filling, reference indexing, address
// blocks) is written out below as it appears in the output; only the permutation P, which must be
// fully unrolled to be fast (no macro facility in WebAssembly text, and engines do not reliably
// inline small functions), is produced by code. test/argon2id-wasm.test.ts checks that the
// committed .wat is what this script writes, and scripts/build-wasm.mjs assembles it with wabt.
//
//   node scripts/gen-argon2id-wat.mjs            writes src/kdf/argon2id.wat
//   node scripts/gen-argon2id-wat.mjs --stdout   prints it
//
// Layout of a 64-bit word: WebAssembly memory is little-endian, so a block's bytes ARE its 128
// words LE64-encoded (RFC 9106 §3.2); JavaScript writes and reads whole blocks as bytes only.
import { writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

/**
 * The permutation P (RFC 9106 §3.6) on eight 16-byte registers in SIMD form: each v128 holds two
 * consecutive 64-bit words, (v0,v1) in a0, (v2,v3) in a1, (v4,v5) in b0, ... (v14,v15) in d1, so
 * the four column GBs are two vector GBs, GB(a0,b0,c0,d0) and GB(a1,b1,c1,d1). The diagonal GBs
 * are the same two after rotating row b by one word, c by two (a swap of c0 and c1, done by
 * renaming) and d by three, and back afterwards.
 */
function permutation() {
  const out = []
  const e = (s) => out.push(`    ${s}`)
  // x = x + y + 2 * lo32(x) * lo32(y) (mod 2^64), per 64-bit lane: BlaMka (§3.6). The low halves
  // are gathered into lanes 0 and 1 (words 0 and 2 of the i32x4 view) so that
  // i64x2.extmul_low_i32x4_u forms the two exact 64-bit products; x86 lowers it to pmuludq.
  const LOWS = 'i8x16.shuffle 0 1 2 3 8 9 10 11 0 1 2 3 8 9 10 11'
  const blamka = (x, y) => {
    e(`local.get $${x}`); e(`local.get $${y}`); e('i64x2.add')
    e(`local.get $${x}`); e(`local.get $${x}`); e(LOWS)
    e(`local.get $${y}`); e(`local.get $${y}`); e(LOWS)
    e('i64x2.extmul_low_i32x4_u'); e('local.tee $t'); e('local.get $t'); e('i64x2.add')
    e('i64x2.add'); e(`local.set $${x}`)
  }
  // d = rotr64(d ^ a, n): 32, 24 and 16 are byte moves (one shuffle), 63 is a rotation left by 1.
  const ROT = {
    32: 'i8x16.shuffle 4 5 6 7 0 1 2 3 12 13 14 15 8 9 10 11',
    24: 'i8x16.shuffle 3 4 5 6 7 0 1 2 11 12 13 14 15 8 9 10',
    16: 'i8x16.shuffle 2 3 4 5 6 7 0 1 10 11 12 13 14 15 8 9',
  }
  const xorRot = (d, a, n) => {
    e(`local.get $${d}`); e(`local.get $${a}`); e('v128.xor')
    if (n === 63) {
      e('local.tee $t'); e('local.get $t'); e('i64x2.add'); e('local.get $t'); e('i32.const 63'); e('i64x2.shr_u'); e('v128.or')
    } else {
      e('local.tee $t'); e('local.get $t'); e(ROT[n])
    }
    e(`local.set $${d}`)
  }
  // GB(a, b, c, d), RFC 9106 §3.6.
  const gb = (a, b, c, d) => {
    blamka(a, b); xorRot(d, a, 32)
    blamka(c, d); xorRot(b, c, 24)
    blamka(a, b); xorRot(d, a, 16)
    blamka(c, d); xorRot(b, c, 63)
  }
  // (hi word of x, lo word of y): bytes 8..15 of x then 0..7 of y.
  const CROSS = 'i8x16.shuffle 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23'
  const cross = (dst, x, y) => {
    e(`local.get $${x}`); e(`local.get $${y}`); e(CROSS); e(`local.set $${dst}`)
  }
  e(';; columns: GB(v0, v4, v8, v12) GB(v1, v5, v9, v13) | GB(v2, v6, v10, v14) GB(v3, v7, v11, v15)')
  gb('a0', 'b0', 'c0', 'd0')
  gb('a1', 'b1', 'c1', 'd1')
  e(';; diagonalise: b = (v5, v6) (v7, v4), c = (v10, v11) (v8, v9) by renaming, d = (v15, v12) (v13, v14)')
  cross('t', 'b0', 'b1'); cross('b1', 'b1', 'b0'); e('local.get $t'); e('local.set $b0')
  cross('t', 'd1', 'd0'); cross('d1', 'd0', 'd1'); e('local.get $t'); e('local.set $d0')
  e(';; diagonals: GB(v0, v5, v10, v15) GB(v1, v6, v11, v12) | GB(v2, v7, v8, v13) GB(v3, v4, v9, v14)')
  gb('a0', 'b0', 'c1', 'd0')
  gb('a1', 'b1', 'c0', 'd1')
  e(';; back: b = (v4, v5) (v6, v7), d = (v12, v13) (v14, v15); c never moved')
  cross('t', 'b1', 'b0'); cross('b1', 'b0', 'b1'); e('local.get $t'); e('local.set $b0')
  cross('t', 'd0', 'd1'); cross('d1', 'd1', 'd0'); e('local.get $t'); e('local.set $d0')
  return out.join('\n')
}

/**
 * The loops of G over the 64 registers of a block, four registers per iteration (constant
 * offsets): T = R = X ^ Y first, and at the end the result R ^ T, or R ^ T ^ old in a second
 * loop taken when $xor (so neither loop branches inside).
 */
function xyLoop() {
  const out = ['    (loop $xy']
  for (let k = 0; k < 4; k++) {
    const o = k * 16
    out.push(`      local.get $i`, `      local.get $x`, `      local.get $i`, `      i32.add`, `      v128.load offset=${o}`,
      `      local.get $y`, `      local.get $i`, `      i32.add`, `      v128.load offset=${o}`, `      v128.xor`, `      local.tee $v`,
      `      v128.store offset=${o}`, `      local.get $i`, `      local.get $v`, `      v128.store offset=${1024 + o}`)
  }
  out.push('      local.get $i', '      i32.const 64', '      i32.add', '      local.tee $i', '      i32.const 1024', '      i32.lt_u', '      br_if $xy)')
  return out.join('\n')
}

function outLoops() {
  const loop = (name, withOld) => {
    const out = ['      i32.const 0', '      local.set $i', `      (loop $${name}`]
    for (let k = 0; k < 4; k++) {
      const o = k * 16
      out.push('        local.get $cur', '        local.get $i', '        i32.add', '        local.tee $c')
      out.push('        local.get $i', `        v128.load offset=${o}`, '        local.get $i', `        v128.load offset=${1024 + o}`, '        v128.xor')
      if (withOld) out.push('        local.get $c', `        v128.load offset=${o}`, '        v128.xor')
      out.push(`        v128.store offset=${o}`)
    }
    out.push('        local.get $i', '        i32.const 64', '        i32.add', '        local.tee $i', '        i32.const 1024', '        i32.lt_u', `        br_if $${name})`)
    return out.join('\n')
  }
  return ['    local.get $xor', '    if', loop('outx', true), '    else', loop('out', false), '    end'].join('\n')
}

/** Loads and stores of the eight registers of P at $p, $p + $s, ..., $p + 7 $s. */
function registers(op) {
  const names = ['a0', 'a1', 'b0', 'b1', 'c0', 'c1', 'd0', 'd1']
  const out = []
  for (let k = 0; k < 8; k++) {
    const addr = k === 0 ? 'local.get $p' : `local.get $p\n    local.get $s\n    i32.const ${k}\n    i32.mul\n    i32.add`
    out.push(op === 'load' ? `    ${addr}\n    v128.load\n    local.set $${names[k]}` : `    ${addr}\n    local.get $${names[k]}\n    v128.store`)
  }
  return out.join('\n')
}

export function generateWat() {
  return `;; GENERATED by scripts/gen-argon2id-wat.mjs: edit that script, then run it (a test checks this
;; file is its output). Assembled by scripts/build-wasm.mjs (wabt) into src/kdf/argon2id-wasm-bytes.ts.
;;
;; Argon2id version 0x13 (RFC 9106): the memory fill. JavaScript (src/kdf/argon2id-wasm.ts) computes
;; H0 and the first two blocks of each lane (BLAKE2b, §3.2 steps 1-6), calls $fill segment by
;; segment (or a part of one, to yield), and computes the tag from the last column (§3.2 step 8).
;;
;; Memory layout (bytes); everything is wiped by JavaScript after every derivation:
;;   0      R: the block being permuted (R, then Q, then Z of §3.5)
;;   1024   T: X ^ Y, kept for the final XOR of G
;;   2048   the all-zero block (never written)
;;   3072   the input block of address generation (§3.4.1.2); only words 0-6 are ever non-zero
;;   4096   the current address block: 128 words, J1 in the low half and J2 in the high half
;;   8192   B[0][0], then the m' blocks of 1024 bytes, lane by lane (lane l column j at
;;          8192 + (l * q + j) * 1024); the memory grows from JavaScript as needed.
(module
  (memory (export "memory") 1)

  ;; P (§3.6) on the registers at $p + k * $s, k = 0..7, in place: $s = 16 for a row of R
  ;; (16 consecutive words), 128 for a column (registers Q_i, Q_{i+8}, ..., Q_{i+56}).
  (func $P (param $p i32) (param $s i32)
    (local $a0 v128) (local $a1 v128) (local $b0 v128) (local $b1 v128)
    (local $c0 v128) (local $c1 v128) (local $d0 v128) (local $d1 v128) (local $t v128)
${registers('load')}
${permutation()}
${registers('store')}
  )

  ;; G (§3.5) into the block at byte offset $cur: R = X ^ Y with X at $x and Y at $y; P on the 8
  ;; rows, then the 8 columns; result Z ^ R, XORed into the old block when $xor (version 0x13,
  ;; passes after the first, §3.2 step 7). $cur may equal $y: X ^ Y is copied to T before writing.
  (func $G (param $x i32) (param $y i32) (param $cur i32) (param $xor i32)
    (local $i i32) (local $c i32) (local $v v128)
${xyLoop()}
    i32.const 0
    i32.const 16
    call $P
    i32.const 128
    i32.const 16
    call $P
    i32.const 256
    i32.const 16
    call $P
    i32.const 384
    i32.const 16
    call $P
    i32.const 512
    i32.const 16
    call $P
    i32.const 640
    i32.const 16
    call $P
    i32.const 768
    i32.const 16
    call $P
    i32.const 896
    i32.const 16
    call $P
    i32.const 0
    i32.const 128
    call $P
    i32.const 16
    i32.const 128
    call $P
    i32.const 32
    i32.const 128
    call $P
    i32.const 48
    i32.const 128
    call $P
    i32.const 64
    i32.const 128
    call $P
    i32.const 80
    i32.const 128
    call $P
    i32.const 96
    i32.const 128
    call $P
    i32.const 112
    i32.const 128
    call $P
${outLoops()}
  )

  ;; The next address block (§3.4.1.2): Z = LE64(r) || LE64(l) || LE64(sl) || LE64(m') ||
  ;; LE64(t) || LE64(y = 2) || LE64(counter) || 0...; addresses = G(0, G(0, Z)). Words 7..127
  ;; of Z stay zero (nothing else writes there).
  (func $addresses (param $pass i32) (param $lane i32) (param $slice i32) (param $counter i32)
    (param $blocks i32) (param $passes i32)
    i32.const 3072
    local.get $pass
    i64.extend_i32_u
    i64.store
    i32.const 3080
    local.get $lane
    i64.extend_i32_u
    i64.store
    i32.const 3088
    local.get $slice
    i64.extend_i32_u
    i64.store
    i32.const 3096
    local.get $blocks
    i64.extend_i32_u
    i64.store
    i32.const 3104
    local.get $passes
    i64.extend_i32_u
    i64.store
    i32.const 3112
    i64.const 2
    i64.store
    i32.const 3120
    local.get $counter
    i64.extend_i32_u
    i64.store
    i32.const 2048
    i32.const 3072
    i32.const 4096
    i32.const 0
    call $G
    i32.const 2048
    i32.const 4096
    i32.const 4096
    i32.const 0
    call $G
  )

  ;; Fills blocks $from .. $to - 1 of the segment ($pass, $slice, $lane) (§3.2 steps 6-7, §3.4).
  ;; A range either starts its segment or continues the range filled just before (the address
  ;; block it needs is then still at 4096). q = $laneLength, segment length $segLen, m' = $blocks,
  ;; t = $passes, p = $lanes. Every block index is below 2^21 (the caller keeps m' there), so
  ;; every byte offset fits in an i32.
  (func (export "fill") (param $pass i32) (param $slice i32) (param $lane i32) (param $from i32)
    (param $to i32) (param $lanes i32) (param $laneLength i32) (param $segLen i32)
    (param $blocks i32) (param $passes i32)
    (local $independent i32) (local $laneStart i32) (local $startPos i32) (local $sliceBase i32)
    (local $first i32) (local $i i32) (local $cur i32) (local $prev i32) (local $w i64)
    (local $refLane i32) (local $area i32) (local $x i64) (local $refIndex i32)
    ;; Argon2id: data-independent addressing in the first half of the first pass (§3.4.1.3).
    local.get $pass
    i32.eqz
    local.get $slice
    i32.const 2
    i32.lt_u
    i32.and
    local.set $independent
    local.get $lane
    local.get $laneLength
    i32.mul
    local.set $laneStart
    ;; §3.4.2: from the second pass on, the window starts after the current slice (and wraps).
    i32.const 0
    local.get $slice
    i32.const 1
    i32.add
    local.get $segLen
    i32.mul
    local.get $pass
    i32.eqz
    local.get $slice
    i32.const 3
    i32.eq
    i32.or
    select
    local.set $startPos
    ;; Blocks before the current segment that the window may use (§3.4.2).
    local.get $slice
    local.get $segLen
    i32.mul
    local.get $laneLength
    local.get $segLen
    i32.sub
    local.get $pass
    i32.eqz
    select
    local.set $sliceBase
    ;; Blocks 0 and 1 of each lane come from H' (§3.2 steps 5-6).
    i32.const 2
    i32.const 0
    local.get $pass
    local.get $slice
    i32.or
    i32.eqz
    select
    local.set $first
    local.get $laneStart
    local.get $slice
    local.get $segLen
    i32.mul
    i32.add
    local.get $from
    i32.add
    local.set $cur
    local.get $from
    local.set $i
    block $done
      local.get $i
      local.get $to
      i32.ge_u
      br_if $done
      loop $next
        ;; The previous block; the first block of a later pass follows the end of its lane.
        local.get $laneStart
        local.get $laneLength
        i32.add
        i32.const 1
        i32.sub
        local.get $cur
        i32.const 1
        i32.sub
        local.get $slice
        local.get $i
        i32.or
        i32.eqz
        select
        local.set $prev
        local.get $independent
        if
          ;; Address block k serves indices 128 k .. 128 k + 127 (counter k + 1); it is made at
          ;; its first index or where the segment starts.
          local.get $i
          i32.const 127
          i32.and
          i32.eqz
          local.get $i
          local.get $first
          i32.eq
          i32.or
          if
            local.get $pass
            local.get $lane
            local.get $slice
            local.get $i
            i32.const 7
            i32.shr_u
            i32.const 1
            i32.add
            local.get $blocks
            local.get $passes
            call $addresses
          end
          local.get $i
          i32.const 127
          i32.and
          i32.const 3
          i32.shl
          i64.load offset=4096
          local.set $w
        else
          ;; §3.4.1.1: the first word of the previous block.
          local.get $prev
          i32.const 10
          i32.shl
          i64.load offset=8192
          local.set $w
        end
        ;; §3.4.1.3 / §3.4.2: l = J2 mod p, except in the first slice of the first pass.
        local.get $lane
        local.get $w
        i64.const 32
        i64.shr_u
        i32.wrap_i64
        local.get $lanes
        i32.rem_u
        local.get $pass
        local.get $slice
        i32.or
        i32.eqz
        select
        local.set $refLane
        ;; |W|: this lane's finished blocks before the current one, or another lane's finished
        ;; segments (less one at the start of a segment).
        local.get $sliceBase
        local.get $i
        i32.add
        i32.const 1
        i32.sub
        local.get $sliceBase
        local.get $i
        i32.eqz
        i32.sub
        local.get $refLane
        local.get $lane
        i32.eq
        select
        local.set $area
        ;; §3.4.2: x = J1^2 / 2^32, y = |W| * x / 2^32, index (start + |W| - 1 - y) mod q.
        local.get $w
        i64.const 0xffffffff
        i64.and
        local.tee $x
        local.get $x
        i64.mul
        i64.const 32
        i64.shr_u
        local.get $area
        i64.extend_i32_u
        i64.mul
        i64.const 32
        i64.shr_u
        local.set $x
        local.get $startPos
        local.get $area
        i32.add
        i32.const 1
        i32.sub
        local.get $x
        i32.wrap_i64
        i32.sub
        local.tee $refIndex
        local.get $refIndex
        local.get $laneLength
        i32.sub
        local.get $refIndex
        local.get $laneLength
        i32.lt_u
        select
        local.set $refIndex
        ;; B[lane][cur] = G(B[prev], B[ref]) (XORed into the old block after the first pass).
        local.get $prev
        i32.const 10
        i32.shl
        i32.const 8192
        i32.add
        local.get $refLane
        local.get $laneLength
        i32.mul
        local.get $refIndex
        i32.add
        i32.const 10
        i32.shl
        i32.const 8192
        i32.add
        local.get $cur
        i32.const 10
        i32.shl
        i32.const 8192
        i32.add
        local.get $pass
        i32.const 0
        i32.ne
        call $G
        local.get $cur
        i32.const 1
        i32.add
        local.set $cur
        local.get $i
        i32.const 1
        i32.add
        local.tee $i
        local.get $to
        i32.lt_u
        br_if $next
      end
    end
  )
)
`
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const wat = generateWat()
  if (process.argv.includes('--stdout')) process.stdout.write(wat)
  else writeFileSync(fileURLToPath(new URL('../src/kdf/argon2id.wat', import.meta.url)), wat)
}
