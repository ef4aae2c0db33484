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
// Expiry (unix seconds, < 2^64; 0 = never) and the proof's validUntil: by default the record
// expires 2030-01-01 and the proof is valid until 2026-01-01, so it is alive.
const EXPIRY = 1893456000n;
const VALID_UNTIL = 1767225600n;
const MESSAGE = 0x00c0ffee00c0ffee00c0ffee00c0ffee00c0ffeen; // e.g. a recipient address

async function commitmentOf(rec) {
  const owner = await poseidon([rec.ownerSecret]);
  const valuesHash = await poseidon(rec.value);
  return poseidon([rec.schemaId, valuesHash, rec.salt, owner]);
}

/** The registry tree's leaf: Poseidon2(commitment, expiry). */
async function leafOf(rec, expiry) {
  return poseidon([await commitmentOf(rec), expiry]);
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
 * Builds a full input. mode 0: depth 0 (root = commitment); mode 1: `depth` levels over
 * the leaf Poseidon2(commitment, treeExpiry), treeExpiry defaulting to the witness's
 * `expiry` (`bareLeaf`: the old format, the commitment itself). Every field can be
 * overridden; root and nullifier are computed from the (possibly overridden) private data
 * unless given explicitly.
 */
async function makeInput(o) {
  const rec = { ...RECORD, ...(o.record || {}) };
  const mode = o.mode ?? 1n;
  const depth = o.depth ?? (mode === 0n ? 0 : MAX_DEPTH);
  const expiry = o.expiry ?? EXPIRY;
  const commitment = await commitmentOf(rec);
  const leaf = mode === 0n || o.bareLeaf ? commitment : await poseidon([commitment, o.treeExpiry ?? expiry]);
  const root = o.root ?? await merkleRoot(leaf, Number(depth), INDICES, SIBLINGS);
  const scope = o.scope ?? SCOPE;
  const nullifier = o.nullifier ?? await poseidon([rec.ownerSecret, scope]);
  return {
    mode, root, schemaId: rec.schemaId,
    fieldIndex: BigInt(o.fieldIndex ?? 0), operator: BigInt(o.operator),
    operandA: BigInt(o.a ?? 0), operandB: BigInt(o.b ?? 0),
    scope, nullifier, messageHash: o.messageHash ?? MESSAGE,
    validUntil: BigInt(o.validUntil ?? VALID_UNTIL),
    value: rec.value, salt: rec.salt, ownerSecret: rec.ownerSecret,
    expiry: BigInt(expiry),
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
  assert.equal(await poseidon([1n, 2n, 3n, 4n, 5n, 6n, 7n, 8n]), 0x2921ab9bd0140cbc98e40395c0fefb40337a4d54fbbecd9a4d43b3d8d0c4d8d1n);
});

test('record vectors (circuits/disclosure.md): commitment, leaf Poseidon2(commitment, expiry), nullifier', async () => {
  const owner = await poseidon([RECORD.ownerSecret]);
  const valuesHash = await poseidon(RECORD.value);
  const commitment = await commitmentOf(RECORD);
  assert.equal(owner, 0x0723556e0248730f46ea70f5d265f5de4b9fdcc4a9f305857b69c0cec23c51cen);
  assert.equal(valuesHash, 0x1bbfb35764eebf038f9903fa85db9d94b4d3f7e379b01e294e46f637c685497bn);
  assert.equal(commitment, 0x0d2e9ac0f1bb4079c0badc55ec9d754cc07574576c3ec6636b878a231df0f921n);
  assert.equal(await leafOf(RECORD, EXPIRY), 0x1b84d666bebdca3016b0dcaced3d6d6d557e3daef412e152169f43f29266da4an);
  assert.equal(await leafOf(RECORD, 0n), 0x00b5a2198486ed44e0c9992f8d08ef207a176425804a034f5441ba95c1a3ac98n);
  assert.equal(await poseidon([RECORD.ownerSecret, SCOPE]), 0x05f7f6064febf3dea8cbf5627fdbbb206fa1b59b5cfa3704e069fca100f8fe90n);
  // The circuit computes the same values (its intermediate signals, from a valid witness).
  const w = await checked.calculateWitness(await makeInput({ mode: 1n, operator: 5, a: 700 }), true);
  assert.equal(w[sym.get('main.commitment')], commitment);
  assert.equal(w[sym.get('main.leaf')], await leafOf(RECORD, EXPIRY));
  assert.equal(w[sym.get('main.merkleLeaf')], await leafOf(RECORD, EXPIRY));
  const direct = await checked.calculateWitness(await makeInput({ mode: 0n, operator: 5, a: 700 }), true);
  assert.equal(direct[sym.get('main.merkleLeaf')], commitment);
  assert.equal(direct[sym.get('main.root')], commitment);
});

const PUBLIC_SIGNALS = ['mode', 'root', 'schemaId', 'fieldIndex', 'operator', 'operandA', 'operandB', 'scope',
  'nullifier', 'messageHash', 'validUntil'];

test(`public signals are, in order: ${PUBLIC_SIGNALS.join(' ')}`, () => {
  PUBLIC_SIGNALS.forEach((name, i) => assert.equal(sym.get(`main.${name}`), i + 1, name));
  // ...and nothing else (witness 0 is the constant 1; the r1cs header counts the public ones).
  const r1cs = fs.readFileSync(R1CS);
  // r1cs header section (type 1): n8, prime, nWires, nPubOut, nPubIn, nPrvIn, ...
  let pos = 12;
  while (r1cs.readUInt32LE(pos) !== 1) pos += 12 + Number(r1cs.readBigUInt64LE(pos + 4));
  const n8 = r1cs.readUInt32LE(pos + 12);
  const header = pos + 16 + n8;
  assert.equal(r1cs.readUInt32LE(header + 4), 0, 'no public outputs');
  assert.equal(r1cs.readUInt32LE(header + 8), PUBLIC_SIGNALS.length, 'public inputs in the r1cs');
  assert.ok(sym.get('main.expiry') > PUBLIC_SIGNALS.length, 'expiry is private');
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

test('valid: anonymous mode, depth 0 (tree with a single leaf: root = Poseidon2(commitment, expiry))', async () => {
  const input = await makeInput({ mode: 1n, depth: 0, operator: 5, a: 700 });
  assert.equal(input.root, await leafOf(RECORD, EXPIRY));
  assert.equal(await wtnsCheck(await witnessFile(checked, input)), true);
});

// Expiry: the record must not have expired at validUntil: expiry == 0 or validUntil < expiry,
// with both in [0, 2^64). [label, expiry, validUntil].
const ALIVE_CASES = [
  ['expiry = 0 (never), validUntil = 0', 0n, 0n],
  ['expiry = 0 (never), validUntil = 1', 0n, 1n],
  ['expiry = 0 (never), validUntil = 2026-01-01', 0n, VALID_UNTIL],
  ['expiry = 0 (never), validUntil = 2^64 - 1', 0n, TWO64 - 1n],
  ['validUntil = expiry - 1 (boundary)', EXPIRY, EXPIRY - 1n],
  ['validUntil = 0, expiry = 1', 1n, 0n],
  ['validUntil = 2^64 - 2, expiry = 2^64 - 1', TWO64 - 1n, TWO64 - 2n],
  ['validUntil = 0, expiry = 2^64 - 1', TWO64 - 1n, 0n],
];

for (const mode of [0n, 1n]) {
  for (const [label, expiry, validUntil] of ALIVE_CASES) {
    test(`valid, mode ${mode}: alive record, ${label} -> wtns check accepts`, async () => {
      const input = await makeInput({ mode, operator: 5, a: 700, expiry, validUntil });
      assert.equal(input.expiry, expiry);
      assert.equal(input.validUntil, validUntil);
      assert.equal(await wtnsCheck(await witnessFile(checked, input)), true);
    });
  }
}

test('valid, mode 0: direct mode does not bind the expiry (the contract checks the stored record\'s)', async () => {
  // root = commitment, which does not contain the expiry: any alive claim verifies, so the
  // contract must (and does) check the token's stored expiry against the block time itself.
  for (const expiry of [0n, EXPIRY, TWO64 - 1n]) {
    const input = await makeInput({ mode: 0n, operator: 5, a: 700, expiry });
    assert.equal(input.root, await commitmentOf(RECORD));
    assert.equal(await wtnsCheck(await witnessFile(checked, input)), true, `expiry ${expiry}`);
  }
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
  // Expiry. Anonymous-mode trees are built from the leaf with the witness's expiry, so
  // only the expiry check (or its range checks) can stop these.
  ...[0n, 1n].flatMap((mode) => [
    [`mode ${mode}: expired, validUntil = expiry`, { mode, operator: 5, a: 700, expiry: EXPIRY, validUntil: EXPIRY }],
    [`mode ${mode}: expired, validUntil = expiry + 1`, { mode, operator: 5, a: 700, expiry: EXPIRY, validUntil: EXPIRY + 1n }],
    [`mode ${mode}: expired, expiry = 1, validUntil = 2^64 - 1`, { mode, operator: 5, a: 700, expiry: 1n, validUntil: TWO64 - 1n }],
    [`mode ${mode}: expired, expiry = validUntil = 2^64 - 1`, { mode, operator: 5, a: 700, expiry: TWO64 - 1n, validUntil: TWO64 - 1n }],
    [`mode ${mode}: validUntil = 2^64 (never-expiring record)`, { mode, operator: 5, a: 700, expiry: 0n, validUntil: TWO64 }],
    [`mode ${mode}: validUntil = p - 1 (never-expiring record)`, { mode, operator: 5, a: 700, expiry: 0n, validUntil: P - 1n }],
    [`mode ${mode}: validUntil = p - 1 (wrapped -1; validUntil < expiry would be "true")`,
      { mode, operator: 5, a: 700, expiry: EXPIRY, validUntil: P - 1n }],
    [`mode ${mode}: validUntil = 2^64 + 5 (wraps mod 2^64 to 5 < expiry)`,
      { mode, operator: 5, a: 700, expiry: EXPIRY, validUntil: BAD_U64 }],
    [`mode ${mode}: expiry = 2^64 (validUntil < expiry would be "true")`, { mode, operator: 5, a: 700, expiry: TWO64 }],
    [`mode ${mode}: expiry = p - 1 (wrapped -1)`, { mode, operator: 5, a: 700, expiry: P - 1n }],
  ]),
  // The leaf binds the expiry: a tree leaf with another expiry, or the old bare-commitment
  // leaf, does not give the root.
  ['mode 1: tree leaf has expiry 1 (expired), witness claims EXPIRY (revive)', { operator: 5, a: 700, treeExpiry: 1n }],
  ['mode 1: tree leaf has EXPIRY, witness claims 0 (never expires)', { operator: 5, a: 700, treeExpiry: EXPIRY, expiry: 0n }],
  ['mode 1: tree leaf has EXPIRY, witness claims EXPIRY + 1', { operator: 5, a: 700, treeExpiry: EXPIRY, expiry: EXPIRY + 1n }],
  ['mode 1: old-format tree, leaf = bare commitment (depth 20)',
    { operator: 5, a: 700, bareLeaf: true }],
  ['mode 1: old-format tree, leaf = bare commitment, expiry 0 (depth 20)',
    { operator: 5, a: 700, expiry: 0n, bareLeaf: true }],
  ['mode 1: old-format one-leaf tree, root = bare commitment (depth 0)',
    { depth: 0, operator: 5, a: 700, bareLeaf: true }],
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
  // An honest tree holds someone else's leaf L. Without `b * (b - 1) === 0`, the attacker
  // solves for a sibling s' and a "bit" t so that Mux1 yields exactly the honest level-0
  // children (A, B): then every level above, and the root, match the honest proof, for
  // the attacker's own, never-inserted leaf C = Poseidon2(commitment, expiry).
  const other = { ...RECORD, salt: RECORD.salt + 1n };
  const L = await leafOf(other, EXPIRY);
  const C = await leafOf(RECORD, EXPIRY);
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

test('attack: revive an expired record in anonymous mode by claiming a later expiry -> only the root check stops it', async () => {
  // The tree holds Poseidon2(commitment, e1) with e1 <= validUntil (expired). The witness
  // claims e2 > validUntil (or 0, never): the expiry check passes, the leaf does not.
  for (const expiry of [EXPIRY, 0n]) {
    const input = await makeInput({ operator: 5, a: 700, treeExpiry: VALID_UNTIL, expiry });
    await assert.rejects(checked.calculateWitness(input, true));
    unchecked.options.failedAsserts = 0;
    const bin = await unchecked.wc.calculateWTNSBin(input, true);
    assert.equal(unchecked.options.failedAsserts, 1, 'only root === computedRoot fails');
    assert.equal(await wtnsCheck(writeTmp(bin)), false);
    // With the true, expired, expiry the root matches and the expiry check fails instead.
    const honest = await makeInput({ operator: 5, a: 700, expiry: VALID_UNTIL });
    assert.equal(honest.root, input.root);
    unchecked.options.failedAsserts = 0;
    assert.equal(await wtnsCheck(writeTmp(await unchecked.wc.calculateWTNSBin(honest, true))), false);
    assert.equal(unchecked.options.failedAsserts, 1, 'only the expiry check fails');
  }
});

/** Index of the one witness signal whose name matches `re` (component names carry line numbers). */
function symMatch(re) {
  const hits = [...sym.entries()].filter(([name]) => re.test(name));
  assert.equal(hits.length, 1, `${re}: ${hits.map(([n]) => n).join(', ')}`);
  return hits[0][1];
}

for (const mode of [0n, 1n]) {
  test(`attack, mode ${mode}: expired record (validUntil = expiry), prover edits the comparator's or IsZero's outputs -> R1CS rejects`, async () => {
    const input = await makeInput({ mode, operator: 5, a: 700, expiry: EXPIRY, validUntil: EXPIRY });
    unchecked.options.failedAsserts = 0;
    const w = parseWtns(await unchecked.wc.calculateWTNSBin(input, true));
    assert.equal(unchecked.options.failedAsserts, 1, 'only the expiry check fails');
    assert.equal(await wtnsCheck(writeTmp(Buffer.from(w.buf))), false);
    const alive = sym.get('main.alive');
    const neverExpires = sym.get('main.neverExpires');
    assert.equal(wtnsGet(w, alive), 0n);
    assert.equal(wtnsGet(w, neverExpires), 0n);
    // alive := 1, i.e. the comparator's bit 64 of validUntil + 2^64 - expiry = 2^64 := 0
    // (alive = 1 - bit64; --O2 folds that bit into alive): the other 64 bits would have to
    // sum to 2^64.
    const a = parseWtns(Buffer.from(w.buf));
    wtnsSet(a, alive, 1n);
    const bit64 = symMatch(/^main\.BoundedLessThan_\d+_\d+\.LessThan_\d+_\d+\.n2b\.out\[64\]$/);
    if (bit64 >= 0) wtnsSet(a, bit64, 0n);
    assert.equal(await wtnsCheck(writeTmp(a.buf)), false, 'alive := 1 accepted');
    // neverExpires := 1, with IsZero's inverse hint 0 or 1/expiry: in * out === 0 fails.
    const inv = symMatch(/^main\.IsZero_\d+_\d+\.inv$/);
    assert.ok(inv > 0, 'IsZero.inv is a witness signal');
    for (const invValue of [0n, modpow(EXPIRY, P - 2n), wtnsGet(w, inv)]) {
      const n = parseWtns(Buffer.from(w.buf));
      wtnsSet(n, neverExpires, 1n);
      wtnsSet(n, inv, invValue);
      assert.equal(await wtnsCheck(writeTmp(n.buf)), false, `neverExpires := 1 accepted (inv ${invValue})`);
    }
  });
}

// Direct edits of a valid witness: [label, signal, new value (fn of the old value and of a
// getter of the witness's other signals)].
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
  ['private expiry + 1 (later expiry: the leaf is no longer in the tree)', 'main.expiry', (v) => v + 1n],
  ['private expiry := 0 (claimed never-expiring)', 'main.expiry', () => 0n],
  ['private expiry := 2^64 + expiry', 'main.expiry', (v) => v + TWO64],
  ['public validUntil := expiry (expired at validUntil)', 'main.validUntil', () => EXPIRY],
  ['public validUntil := 2^64 - 1', 'main.validUntil', () => TWO64 - 1n],
  ['public validUntil := p - 1 (wrapped -1)', 'main.validUntil', () => P - 1n],
  ['neverExpires := 1 (skip the expiry check)', 'main.neverExpires', () => 1n],
  ['leaf + 1', 'main.leaf', (v) => v + 1n],
  ['merkleLeaf := commitment (the old bare-commitment leaf)', 'main.merkleLeaf', (v, get) => get('main.commitment')],
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
    const next = ((change(old, (n) => wtnsGet(w, sym.get(n))) % P) + P) % P;
    assert.notEqual(next, old, 'tampering must change the value');
    wtnsSet(w, idx, next);
    assert.equal(await wtnsCheck(writeTmp(w.buf)), false, `R1CS accepted: ${label}`);
  });
}
