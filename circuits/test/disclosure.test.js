'use strict';
// Tests of circuits/disclosure.circom. Run from anywhere:
//   node circuits/test/disclosure.test.js
// (node:test + node:assert; uses only circom2, snarkjs and circomlib from node_modules.)
//
// It compiles three artifacts into circuits/build/ (set SKIP_COMPILE=1 to reuse them):
//   disclosure            --O2 r1cs + wasm + sym: the production build;
//   poseidon_helper       Poseidon(1|2|4|8) evaluator (circomlibjs is not installed).
// and an "unchecked" witness generator: the same disclosure.wasm loaded through a copy of
// circom's witness_calculator.js whose exception handler ignores "Assert Failed" (the
// wasm then carries on computing every signal from the *bad* inputs: `<--` hints and
// `<==` outputs alike). Its witnesses are what an honest computation of an invalid
// statement looks like; that `wtns check` rejects them shows the constraint system,
// not the generator's asserts, is what stops them. (`--sanity_check 0` does not remove
// the generator's constraint asserts, hence the loader patch.)
//
// Three kinds of checks:
//   1. valid statements (every operator, both modes, boundaries) give witnesses that
//      `snarkjs wtns check` accepts;
//   2. the (checked) witness generator refuses invalid statements;
//   3. invalid witnesses, built by the unchecked generator or by editing signal values
//      in a valid .wtns file, are REJECTED by `snarkjs wtns check` against the r1cs.

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..');
const BUILD = path.join(ROOT, 'circuits', 'build');
const CIRCOM = path.join(ROOT, 'node_modules', '.bin', 'circom2');
const SNARKJS_CLI = path.join(ROOT, 'node_modules', '.bin', 'snarkjs');
const R1CS = path.join(BUILD, 'disclosure.r1cs');
const TMP = fs.mkdtempSync(path.join(os.tmpdir(), 'disclosure-test-'));

// BN254 scalar field.
const P = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;
const TWO64 = 1n << 64n;
const MAX_DEPTH = 20;
const N_FIELDS = 8;

// ---------------------------------------------------------------- build & helpers

function circom(args) {
  // circom2 (WASI) only sees the current directory tree: run from the repo root.
  execFileSync(CIRCOM, [...args, '-l', 'node_modules'], { cwd: ROOT, stdio: 'pipe' });
}

function compileAll() {
  fs.mkdirSync(BUILD, { recursive: true });
  circom(['circuits/disclosure.circom', '--r1cs', '--wasm', '--sym', '--O2', '-o', 'circuits/build']);
  circom(['circuits/test/poseidon_helper.circom', '--wasm', '--sym', '-o', 'circuits/build']);
}

async function loadCalculator(dir, name) {
  const builder = require(path.join(dir, `${name}_js`, 'witness_calculator.js'));
  return builder(fs.readFileSync(path.join(dir, `${name}_js`, `${name}.wasm`)));
}

/** The disclosure wasm behind a loader that ignores failed asserts (see the header). */
async function loadUncheckedCalculator() {
  const src = fs.readFileSync(path.join(BUILD, 'disclosure_js', 'witness_calculator.js'), 'utf8');
  const needle = 'throw new Error(err + errStr);';
  assert.ok(src.includes(needle), 'witness_calculator.js changed shape; update the patch');
  const patched = src.replace(needle,
    'if (code == 4) { options.failedAsserts = (options.failedAsserts || 0) + 1; return; }\n' + needle);
  const file = path.join(BUILD, 'unchecked_witness_calculator.js');
  fs.writeFileSync(file, patched);
  const options = {};
  const wc = await require(file)(fs.readFileSync(path.join(BUILD, 'disclosure_js', 'disclosure.wasm')), options);
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

let fileCounter = 0;
function writeTmp(buf) {
  const f = path.join(TMP, `w${fileCounter++}.wtns`);
  fs.writeFileSync(f, buf);
  return f;
}

const snarkjs = require(path.join(ROOT, 'node_modules', 'snarkjs'));
const quietLogger = { info() {}, debug() {}, warn() {}, error() {} };

/** snarkjs' witness check (the same code as `snarkjs wtns check`): true iff R1CS holds. */
async function wtnsCheck(file) {
  return snarkjs.wtns.check(R1CS, file, quietLogger);
}

// ---------------------------------------------------------------- Poseidon + record

let helper;      // poseidon_helper witness calculator
let helperSym;   // its signal map
let checked;     // disclosure witness calculator (production build)
let unchecked;   // { wc, options }: disclosure witness calculator ignoring failed asserts
let sym;         // disclosure signal map

async function poseidon(inputs) {
  const n = inputs.length;
  assert.ok([1, 2, 4, 8].includes(n), `no helper for Poseidon(${n})`);
  const input = { in1: [0n], in2: [0n, 0n], in4: [0n, 0n, 0n, 0n], in8: Array(8).fill(0n) };
  input[`in${n}`] = inputs.map(BigInt);
  const w = await helper.calculateWitness(input, true);
  return w[helperSym.get(`main.h${n}`)];
}

const RECORD = {
  schemaId: 7n,
  // score, age, created-at, country code, zero, max u64, small, large-ish
  value: [720n, 400n, 1700000000n, 3n, 0n, TWO64 - 1n, 42n, 99999n],
  salt: 0x1234567890abcdef1234567890abcdef1234567890abcdefn,
  ownerSecret: 0x2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2an,
};
const SCOPE = 0xdecafn;
const MESSAGE = 0x00c0ffee00c0ffee00c0ffee00c0ffee00c0ffeen; // e.g. a recipient address

async function commitmentOf(rec) {
  const owner = await poseidon([rec.ownerSecret]);
  const valuesHash = await poseidon(rec.value);
  return poseidon([rec.schemaId, valuesHash, rec.salt, owner]);
}

async function merkleRoot(leaf, depth, indices, siblings) {
  let node = leaf;
  for (let i = 0; i < depth; i++) {
    node = indices[i] ? await poseidon([siblings[i], node]) : await poseidon([node, siblings[i]]);
  }
  return node;
}

// Deterministic "random" siblings and path bits.
const SIBLINGS = Array.from({ length: MAX_DEPTH }, (_, i) => (BigInt(i + 1) * 0x9e3779b97f4a7c15f39cc0605cedc835n) % P);
const INDICES = Array.from({ length: MAX_DEPTH }, (_, i) => ((0xb5a3d >> i) & 1));

/**
 * Builds a full input. mode 0: depth 0 (root = commitment); mode 1: `depth` levels.
 * Every field can be overridden; root and nullifier are computed from the
 * (possibly overridden) private data unless given explicitly.
 */
async function makeInput(o) {
  const rec = { ...RECORD, ...(o.record || {}) };
  const mode = o.mode ?? 1n;
  const depth = o.depth ?? (mode === 0n ? 0 : MAX_DEPTH);
  const commitment = await commitmentOf(rec);
  const root = o.root ?? await merkleRoot(commitment, Number(depth), INDICES, SIBLINGS);
  const scope = o.scope ?? SCOPE;
  const nullifier = o.nullifier ?? await poseidon([rec.ownerSecret, scope]);
  return {
    mode, root, schemaId: rec.schemaId,
    fieldIndex: BigInt(o.fieldIndex ?? 0), operator: BigInt(o.operator),
    operandA: BigInt(o.a ?? 0), operandB: BigInt(o.b ?? 0),
    scope, nullifier, messageHash: o.messageHash ?? MESSAGE,
    value: rec.value, salt: rec.salt, ownerSecret: rec.ownerSecret,
    merkleDepth: BigInt(depth),
    pathIndices: (o.pathIndices ?? INDICES).map(BigInt),
    pathElements: o.pathElements ?? SIBLINGS,
  };
}

async function witnessFile(calc, input) {
  return writeTmp(await calc.calculateWTNSBin(input, true));
}

// ---------------------------------------------------------------- tests

before(async () => {
  if (!process.env.SKIP_COMPILE) compileAll();
  helper = await loadCalculator(BUILD, 'poseidon_helper');
  helperSym = readSym(path.join(BUILD, 'poseidon_helper.sym'));
  checked = await loadCalculator(BUILD, 'disclosure');
  unchecked = await loadUncheckedCalculator();
  sym = readSym(path.join(BUILD, 'disclosure.sym'));
});

after(async () => {
  // snarkjs' bn128 instance (shared, cached by ffjavascript) keeps worker threads alive.
  const { buildBn128 } = require(path.join(ROOT, 'node_modules', 'ffjavascript'));
  await (await buildBn128()).terminate();
  fs.rmSync(TMP, { recursive: true, force: true });
});

test('Poseidon helper matches circomlibjs / light-poseidon test vectors', async () => {
  assert.equal(await poseidon([1n]), 0x29176100eaa962bdc1fe6c654d6a3c130e96a4d1168b33848b897dc502820133n);
  assert.equal(await poseidon([1n, 2n]), 0x115cc0f5e7d690413df64c6b9662e9cf2a3617f2743245519e19607a4417189an);
  assert.equal(await poseidon([1n, 2n, 3n, 4n]), 0x299c867db6c1fdd79dcefa40e4510b9837e60ebb1ce0663dbaa525df65250465n);
});

test('public signals are, in order: mode root schemaId fieldIndex operator operandA operandB scope nullifier messageHash', () => {
  const order = ['mode', 'root', 'schemaId', 'fieldIndex', 'operator', 'operandA', 'operandB', 'scope', 'nullifier', 'messageHash'];
  order.forEach((name, i) => assert.equal(sym.get(`main.${name}`), i + 1, name));
});

// True statements: [label, fieldIndex, operator, a, b]. Field 0 = 720, 4 = 0, 5 = 2^64-1.
const TRUE_CASES = [
  ['== (x=720, a=720)', 0, 0, 720, 0],
  ['!= (x=720, a=700)', 0, 1, 700, 0],
  ['!= (x=720, a=721)', 0, 1, 721, 0],
  ['<  (x=720, a=721)', 0, 2, 721, 0],
  ['<= (x=720, a=720)', 0, 3, 720, 0],
  ['<= (x=720, a=2^64-1)', 0, 3, TWO64 - 1n, 0],
  ['>  (x=720, a=719)', 0, 4, 719, 0],
  ['>  (x=720, a=0)', 0, 4, 0, 0],
  ['>= (x=720, a=720)', 0, 5, 720, 0],
  ['>= (x=720, a=700)', 0, 5, 700, 0],
  ['in [700, 800] (x=720)', 0, 6, 700, 800],
  ['in [720, 720] (x=720)', 0, 6, 720, 720],
  ['in [0, 2^64-1] (x=2^64-1, field 5)', 5, 6, 0, TWO64 - 1n],
  ['== 0 (field 4)', 4, 0, 0, 0],
  ['>= 2^64-1 (field 5)', 5, 5, TWO64 - 1n, 0],
  ['< 100000 (field 7, last index)', 7, 2, 100000, 0],
];

// False statements about the real record, one or more per operator.
const FALSE_CASES = [
  ['== (x=720, a=721)', 0, 0, 721, 0],
  ['!= (x=720, a=720)', 0, 1, 720, 0],
  ['<  (x=720, a=720)', 0, 2, 720, 0],
  ['<= (x=720, a=719)', 0, 3, 719, 0],
  ['>  (x=720, a=720)', 0, 4, 720, 0],
  ['>= (x=720, a=721)', 0, 5, 721, 0],
  ['in [721, 800] (x=720)', 0, 6, 721, 800],
  ['in [700, 719] (x=720)', 0, 6, 700, 719],
  ['in [800, 700] (empty, x=720)', 0, 6, 800, 700],
  ['>= 2^64-1 (x=0, field 4)', 4, 5, TWO64 - 1n, 0],
];

for (const mode of [0n, 1n]) {
  for (const [label, fieldIndex, operator, a, b] of TRUE_CASES) {
    test(`valid, mode ${mode}: ${label} -> wtns check accepts`, async () => {
      const input = await makeInput({ mode, fieldIndex, operator, a, b });
      assert.equal(await wtnsCheck(await witnessFile(checked, input)), true);
    });
  }
}

test('valid: LeanIMT-style short proof (anonymous mode, depth 3)', async () => {
  const input = await makeInput({ mode: 1n, depth: 3, operator: 5, a: 700 });
  assert.equal(await wtnsCheck(await witnessFile(checked, input)), true);
});

test('valid: anonymous mode, depth 0 (tree with a single leaf: root = commitment)', async () => {
  const input = await makeInput({ mode: 1n, depth: 0, operator: 5, a: 700 });
  assert.equal(input.root, await commitmentOf(RECORD));
  assert.equal(await wtnsCheck(await witnessFile(checked, input)), true);
});

test('the snarkjs CLI agrees (`snarkjs wtns check` on one valid and one tampered witness)', async () => {
  const input = await makeInput({ mode: 1n, operator: 5, a: 700 });
  const good = await checked.calculateWTNSBin(input, true);
  const goodFile = writeTmp(good);
  const out = execFileSync(SNARKJS_CLI, ['wtns', 'check', R1CS, goodFile], { encoding: 'utf8' });
  assert.match(out, /WITNESS IS CORRECT/);
  const w = parseWtns(good);
  wtnsSet(w, sym.get('main.value[3]'), RECORD.value[3] + 1n);
  const bad = spawnSync(SNARKJS_CLI, ['wtns', 'check', R1CS, writeTmp(w.buf)], { encoding: 'utf8' });
  assert.match(bad.stdout + bad.stderr, /WITNESS IS NOT CORRECT/);
});

// Invalid statements: [label, makeInput overrides]. Each must be refused by the witness
// generator, and its honestly computed (unchecked) witness must fail the R1CS check.
const BAD_U64 = TWO64 + 5n;
const INVALID = [
  ...FALSE_CASES.map(([label, fieldIndex, operator, a, b]) =>
    [`false predicate ${label}`, { fieldIndex, operator, a, b }]),
  ['fieldIndex = 8 (out of range)', { fieldIndex: 8, operator: 5, a: 0 }],
  ['fieldIndex = p - 1 (wrapped -1)', { fieldIndex: P - 1n, operator: 5, a: 0 }],
  ['operator = 7', { operator: 7, a: 0 }],
  ['operator = p - 1 (wrapped -1)', { operator: P - 1n, a: 0 }],
  ['operandA = 2^64 + 5 (x < a would be "true")', { operator: 2, a: BAD_U64 }],
  ['operandA = p - 1 (wrapped -1; x > a would be "true")', { operator: 4, a: P - 1n }],
  ['operandB = 2^64 + 5 in range', { operator: 6, a: 0, b: BAD_U64 }],
  ['operandB != 0 for a non-range operator', { operator: 5, a: 700, b: 1 }],
  // A record that itself holds out-of-range values, committed consistently (the
  // commitment and root are recomputed from it): only the range checks can stop it.
  ['committed value[0] = 2^64 + 5 claimed >= 2^64 - 1',
    { record: { value: [BAD_U64, ...RECORD.value.slice(1)] }, operator: 5, a: TWO64 - 1n }],
  ['committed value[0] = p - 1 (wrapped -1) claimed < 10',
    { record: { value: [P - 1n, ...RECORD.value.slice(1)] }, operator: 2, a: 10 }],
  ['committed non-selected value[3] = 2^64 + 5',
    { record: { value: [720n, 400n, 1700000000n, BAD_U64, 0n, TWO64 - 1n, 42n, 99999n] }, operator: 5, a: 700 }],
  ['wrong nullifier (another scope\'s nullifier)', { operator: 5, a: 700, nullifier: 0x1234n }],
  ['root that does not contain the commitment', { operator: 5, a: 700, root: 0xabcdefn }],
  ['mode = 2', { mode: 2n, depth: 0, operator: 5, a: 700 }],
  ['direct mode with a Merkle root (mode 0, depth 20)', { mode: 0n, depth: MAX_DEPTH, operator: 5, a: 700 }],
  ['merkleDepth = 21 (> MAX_DEPTH)', { mode: 1n, depth: 21, operator: 5, a: 700, root: 0n }],
  ['non-boolean path index (pathIndices[0] = 2)',
    { operator: 5, a: 700, pathIndices: [2, ...INDICES.slice(1)] }],
];

for (const [label, overrides] of INVALID) {
  test(`invalid: ${label} -> generator refuses, R1CS rejects the unchecked witness`, async () => {
    const input = await makeInput(overrides);
    await assert.rejects(checked.calculateWitness(input, true), `generator accepted: ${label}`);
    unchecked.options.failedAsserts = 0;
    const bin = await unchecked.wc.calculateWTNSBin(input, true);
    assert.ok(unchecked.options.failedAsserts > 0, 'the unchecked generator saw the failure');
    assert.equal(await wtnsCheck(writeTmp(bin)), false, `R1CS accepted: ${label}`);
  });
}

function modpow(b, e) {
  let r = 1n;
  b %= P;
  for (; e > 0n; e >>= 1n, b = (b * b) % P) if (e & 1n) r = (r * b) % P;
  return r;
}

test('attack: forged membership with a non-boolean path bit -> generator refuses, R1CS rejects', async () => {
  // An honest tree holds someone else's commitment L. Without `b * (b - 1) === 0`, the
  // attacker solves for a sibling s' and a "bit" t so that Mux1 yields exactly the honest
  // level-0 children (A, B): then every level above, and the root, match the honest
  // proof, for the attacker's own, never-inserted commitment C.
  const other = { ...RECORD, salt: RECORD.salt + 1n };
  const L = await commitmentOf(other);
  const C = await commitmentOf(RECORD);
  const R = await merkleRoot(L, MAX_DEPTH, INDICES, SIBLINGS);
  const [A, B] = INDICES[0] ? [SIBLINGS[0], L] : [L, SIBLINGS[0]];
  const sib = (((A + B - C) % P) + P) % P;
  const t = (((A - C) % P + P) % P) * modpow(((sib - C) % P + P) % P, P - 2n) % P;
  assert.notEqual(t, 0n);
  assert.notEqual(t, 1n);
  const input = await makeInput({
    mode: 1n, operator: 5, a: 700, root: R,
    pathIndices: [t, ...INDICES.slice(1)], pathElements: [sib, ...SIBLINGS.slice(1)],
  });
  await assert.rejects(checked.calculateWitness(input, true));
  unchecked.options.failedAsserts = 0;
  const bin = await unchecked.wc.calculateWTNSBin(input, true);
  // Only the boolean check fails: the forged path reaches the honest root.
  assert.equal(unchecked.options.failedAsserts, 1);
  assert.equal(await wtnsCheck(writeTmp(bin)), false);
});

// Direct edits of a valid witness: [label, signal, new value (fn of old)].
const TAMPER = [
  ['value[3] + 1 (no longer matches the commitment)', 'main.value[3]', (v) => v + 1n],
  ['selected value[0] := 800 (not the committed value)', 'main.value[0]', () => 800n],
  ['value[0] := 2^64 + 720 (out of range, wraps mod 2^64 to 720)', 'main.value[0]', () => TWO64 + 720n],
  ['value[5] := p - 1', 'main.value[5]', () => P - 1n],
  ['salt + 1', 'main.salt', (v) => v + 1n],
  ['ownerSecret + 1 (someone else\'s secret)', 'main.ownerSecret', (v) => v + 1n],
  ['pathIndices[0] flipped', 'main.pathIndices[0]', (v) => 1n - v],
  ['pathIndices[7] flipped', 'main.pathIndices[7]', (v) => 1n - v],
  ['pathElements[19] + 1', 'main.pathElements[19]', (v) => v + 1n],
  ['merkleDepth := 19', 'main.merkleDepth', () => 19n],
  ['public root + 1', 'main.root', (v) => v + 1n],
  ['public nullifier + 1 (fresh nullifier to replay)', 'main.nullifier', (v) => v + 1n],
  ['public scope + 1 (reuse the proof in another scope)', 'main.scope', (v) => v + 1n],
  ['public messageHash + 1 (front-run for another recipient)', 'main.messageHash', (v) => v + 1n],
  ['public schemaId + 1', 'main.schemaId', (v) => v + 1n],
  ['public fieldIndex := 1 (value[1] = 400)', 'main.fieldIndex', () => 1n],
  ['public fieldIndex := 8', 'main.fieldIndex', () => 8n],
  ['public operator := 7', 'main.operator', () => 7n],
  ['public operator := 4 (> 700 also true; witness internals still for >=)', 'main.operator', () => 4n],
  ['public operandA := 751 (predicate false)', 'main.operandA', () => 751n],
  ['public operandA := p - 1', 'main.operandA', () => P - 1n],
  ['public operandB := 1 (non-range operator)', 'main.operandB', () => 1n],
  ['public mode := 0 (anonymous witness claimed as direct)', 'main.mode', () => 0n],
  ['public mode := 2', 'main.mode', () => 2n],
];

for (const [label, name, change] of TAMPER) {
  test(`tampered witness: ${label} -> R1CS rejects`, async () => {
    // valid: anonymous mode, depth 20, value[0] = 720 >= 750? no: use >= 700.
    const input = await makeInput({ mode: 1n, operator: 5, a: 700 });
    const w = parseWtns(await checked.calculateWTNSBin(input, true));
    assert.equal(await wtnsCheck(writeTmp(Buffer.from(w.buf))), true, 'baseline must be valid');
    const idx = sym.get(name);
    assert.ok(idx > 0, `${name} is not a witness signal`);
    const old = wtnsGet(w, idx);
    const next = ((change(old) % P) + P) % P;
    assert.notEqual(next, old, 'tampering must change the value');
    wtnsSet(w, idx, next);
    assert.equal(await wtnsCheck(writeTmp(w.buf)), false, `R1CS accepted: ${label}`);
  });
}
