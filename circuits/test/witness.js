'use strict';
// What the circuit tests share: loading circom's witness calculators (checked, and "unchecked":
// failed asserts ignored, so the wasm computes every signal from bad inputs), reading .sym and
// .wtns files, editing witness values, and snarkjs' r1cs check. Uses only node, the circom2
// build outputs and snarkjs from node_modules.

const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..');

// BN254 scalar field.
const P = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;

/** circom's witness calculator for `<dir>/<name>_js/<name>.wasm`. */
async function loadCalculator(dir, name) {
  const builder = require(path.join(dir, `${name}_js`, 'witness_calculator.js'));
  return builder(fs.readFileSync(path.join(dir, `${name}_js`, `${name}.wasm`)));
}

/** The same wasm behind a loader that counts failed asserts instead of throwing. */
async function loadUncheckedCalculator(dir, name) {
  const src = fs.readFileSync(path.join(dir, `${name}_js`, 'witness_calculator.js'), 'utf8');
  const needle = 'throw new Error(err + errStr);';
  assert.ok(src.includes(needle), 'witness_calculator.js changed shape; update the patch');
  const patched = src.replace(needle,
    'if (code == 4) { options.failedAsserts = (options.failedAsserts || 0) + 1; return; }\n' + needle);
  const file = path.join(dir, `${name}_unchecked_witness_calculator.js`);
  fs.writeFileSync(file, patched);
  const options = {};
  const wc = await require(file)(fs.readFileSync(path.join(dir, `${name}_js`, `${name}.wasm`)), options);
  return { wc, options };
}

/** name -> witness index, from a .sym file (labelIdx,witnessIdx,componentIdx,name). */
function readSym(file) {
  const map = new Map();
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (!line) continue;
    const [, widx, , name] = line.split(',');
    map.set(name, Number(widx));
  }
  return map;
}

// .wtns v2: "wtns", u32 version, u32 nSections, then sections (u32 type, u64 size, body);
// section 1 = u32 n8, prime (n8 bytes LE), u32 nWitness; section 2 = values, n8 bytes LE.
function parseWtns(buf) {
  buf = Buffer.from(buf);
  assert.equal(buf.toString('latin1', 0, 4), 'wtns');
  const nSections = buf.readUInt32LE(8);
  let pos = 12;
  let n8 = 0;
  let valuesOffset = -1;
  let n = 0;
  for (let s = 0; s < nSections; s++) {
    const type = buf.readUInt32LE(pos);
    const size = Number(buf.readBigUInt64LE(pos + 4));
    const body = pos + 12;
    if (type === 1) {
      n8 = buf.readUInt32LE(body);
      n = buf.readUInt32LE(body + 4 + n8);
    } else if (type === 2) {
      valuesOffset = body;
    }
    pos = body + size;
  }
  assert.ok(n8 === 32 && valuesOffset > 0);
  return { buf, n8, valuesOffset, n };
}

function wtnsGet(w, idx) {
  let v = 0n;
  for (let i = w.n8 - 1; i >= 0; i--) v = (v << 8n) | BigInt(w.buf[w.valuesOffset + idx * w.n8 + i]);
  return v;
}

function wtnsSet(w, idx, value) {
  assert.ok(idx >= 0 && idx < w.n, `witness index ${idx} out of range`);
  let v = ((value % P) + P) % P;
  for (let i = 0; i < w.n8; i++) {
    w.buf[w.valuesOffset + idx * w.n8 + i] = Number(v & 0xffn);
    v >>= 8n;
  }
}

/** A function writing each witness buffer it is given to a new file under `dir`. */
function tmpWriter(dir) {
  let counter = 0;
  return (buf) => {
    const f = path.join(dir, `w${counter++}.wtns`);
    fs.writeFileSync(f, buf);
    return f;
  };
}

const snarkjs = require(path.join(ROOT, 'node_modules', 'snarkjs'));
const quietLogger = { info() {}, debug() {}, warn() {}, error() {} };

/** snarkjs' witness check (the same code as `snarkjs wtns check`): true iff the r1cs holds. */
async function wtnsCheck(r1cs, file) {
  return snarkjs.wtns.check(r1cs, file, quietLogger);
}

module.exports = {
  P, loadCalculator, loadUncheckedCalculator, readSym, parseWtns, wtnsGet, wtnsSet, tmpWriter, wtnsCheck,
  snarkjs,
};
