'use strict';
// Tests of circuits/disclosure.circom. Run from anywhere:
//   node circuits/test/disclosure.test.js
// (node:test + node:assert; uses only circom2, snarkjs and circomlib from node_modules.)
//
// It compiles two artifacts into circuits/build/ (set SKIP_COMPILE=1 to reuse them):
//   disclosure            --O2 r1cs + wasm + sym: the production build;
//   poseidon_helper       Poseidon(1|2|4|5|8) evaluator (circomlibjs is not installed).
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

const files = require('./witness');
const { loadCalculator, readSym, parseWtns, wtnsGet, wtnsSet } = files;
/** The disclosure wasm behind a loader that ignores failed asserts (see the header). */
const loadUncheckedCalculator = () => files.loadUncheckedCalculator(BUILD, 'disclosure');
const writeTmp = files.tmpWriter(TMP);
const wtnsCheck = (file) => files.wtnsCheck(R1CS, file);

// ---------------------------------------------------------------- Poseidon + record

let helper;      // poseidon_helper witness calculator
let helperSym;   // its signal map
let checked;     // disclosure witness calculator (production build)
let unchecked;   // { wc, options }: disclosure witness calculator ignoring failed asserts
let sym;         // disclosure signal map

async function poseidon(inputs) {
  const n = inputs.length;
  assert.ok([1, 2, 4, 5, 8].includes(n), `no helper for Poseidon(${n})`);
  const input = { in1: [0n], in2: [0n, 0n], in4: [0n, 0n, 0n, 0n], in5: Array(5).fill(0n), in8: Array(8).fill(0n) };
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

// Issuers: addresses as uint160 (anvil's accounts 9, 1, 2, 3); 0 = self-attested.
const ISSUER = 0xa0Ee7A142d267C1f36714E4a8F75612F20a79720n;   // the test record's issuer
const ISSUER_B = 0x70997970C51812dc3A010C7d01b50e0d17dc79C8n;
const ISSUER_C = 0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BCn;
const ISSUER_D = 0x90F79bf6EB2c4f870365E785982E1f101E93b906n;
const SELF = 0n;
// The consumer's default issuer set: "attested by B or by ISSUER" (ISSUER not first, so the
// padding and a non-first member are exercised by every default witness).
const DEFAULT_MEMBERS = [ISSUER_B, ISSUER];

/** An issuer set's 4 members: 1..4 addresses, padded by repeating the first. */
function padSet(members) {
  assert.ok(members.length >= 1 && members.length <= 4, 'an issuer set has 1..4 members');
  return [...members, ...Array(4 - members.length).fill(members[0])].map(BigInt);
}

/** issuerSetHash = Poseidon4(m0, m1, m2, m3) of the padded members. */
async function issuerSetOf(members) {
  return poseidon(padSet(members));
}

async function identityOf(rec) {
  return poseidon([rec.ownerSecret]);
}

async function commitmentOf(rec) {
  const owner = await identityOf(rec);
  const valuesHash = await poseidon(rec.value);
  return poseidon([rec.schemaId, valuesHash, rec.salt, owner]);
}

/** The registry's leaf: Poseidon5(commitment, schemaId, issuer, expiry, identity). */
async function leafOf({ commitment, schemaId, issuer, expiry, identity }) {
  return poseidon([commitment, schemaId, issuer, expiry, identity]);
}

/** The leaf a record gets when minted honestly with that issuer and expiry. */
async function recordLeaf(rec, issuer = ISSUER, expiry = EXPIRY) {
  return leafOf({ commitment: await commitmentOf(rec), schemaId: rec.schemaId, issuer, expiry, identity: await identityOf(rec) });
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
 * Builds a full input. The witness's private record is RECORD (overridden by `record`), its
 * `issuer` (default ISSUER) and `expiry` (default EXPIRY). The registry's leaf is
 * Poseidon5(commitment, schemaId, issuer, expiry, identity) of the values the REGISTRY
 * inserted: by default the witness's own (an honest proof); `tree` overrides any of them
 * ({ commitment, schemaId, issuer, expiry, identity }) to model an attacker whose witness
 * lies about what was minted; `leafFormat` 'bare' (the commitment) or 'v1'
 * (Poseidon2(commitment, expiry)) builds a tree of an older leaf format. mode 0: depth 0,
 * root = the leaf; mode 1: `depth` (default 20) levels over the leaf along INDICES and
 * `siblings` (default SIBLINGS). The consumer's issuer set is `members` (default
 * DEFAULT_MEMBERS; the public issuerSet is their hash and the private issuers their
 * padding) unless `issuerSet` / `issuers` are given. root and nullifier are computed
 * unless given.
 */
async function makeInput(o) {
  const rec = { ...RECORD, ...(o.record || {}) };
  const mode = o.mode ?? 1n;
  const depth = o.depth ?? (mode === 0n ? 0 : MAX_DEPTH);
  const expiry = o.expiry ?? EXPIRY;
  const issuer = o.issuer ?? ISSUER;
  const commitment = await commitmentOf(rec);
  const t = o.tree || {};
  let leaf;
  if (o.leafFormat === 'bare') leaf = commitment;
  else if (o.leafFormat === 'v1') leaf = await poseidon([commitment, t.expiry ?? expiry]);
  else {
    leaf = await leafOf({
      commitment: t.commitment ?? commitment, schemaId: t.schemaId ?? rec.schemaId,
      issuer: t.issuer ?? issuer, expiry: t.expiry ?? expiry, identity: t.identity ?? await identityOf(rec),
    });
  }
  const siblings = o.siblings ?? SIBLINGS;
  const root = o.root ?? await merkleRoot(leaf, Number(depth), INDICES, siblings);
  const scope = o.scope ?? SCOPE;
  const nullifier = o.nullifier ?? await poseidon([rec.ownerSecret, scope]);
  const members = o.members ?? DEFAULT_MEMBERS;
  const issuerSet = o.issuerSet ?? await issuerSetOf(members);
  return {
    mode, root, schemaId: rec.schemaId, issuerSet,
    fieldIndex: BigInt(o.fieldIndex ?? 0), operator: BigInt(o.operator),
    operandA: BigInt(o.a ?? 0), operandB: BigInt(o.b ?? 0),
    scope, nullifier, messageHash: o.messageHash ?? MESSAGE,
    validUntil: BigInt(o.validUntil ?? VALID_UNTIL),
    value: rec.value, salt: rec.salt, ownerSecret: rec.ownerSecret,
    issuer: BigInt(issuer),
    expiry: BigInt(expiry),
    issuers: (o.issuers ?? padSet(members)).map(BigInt),
    merkleDepth: BigInt(depth),
    pathIndices: (o.pathIndices ?? INDICES).map(BigInt),
    pathElements: o.pathElements ?? siblings,
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

test('Poseidon_5 helper matches circomlibjs (poseidon([1, 2, 3, 4, 5]))', async () => {
  assert.equal(await poseidon([1n, 2n, 3n, 4n, 5n]), 0x0dab9449e4a1398a15224c0b15a49d598b2174d305a316c918125f8feeb123c0n);
});

test('record vectors (circuits/disclosure.md): commitment, leaf Poseidon5(commitment, schemaId, issuer, expiry, identity), issuer sets, nullifier', async () => {
  const owner = await identityOf(RECORD);
  const valuesHash = await poseidon(RECORD.value);
  const commitment = await commitmentOf(RECORD);
  assert.equal(owner, 0x0723556e0248730f46ea70f5d265f5de4b9fdcc4a9f305857b69c0cec23c51cen);
  assert.equal(valuesHash, 0x1bbfb35764eebf038f9903fa85db9d94b4d3f7e379b01e294e46f637c685497bn);
  assert.equal(commitment, 0x0d2e9ac0f1bb4079c0badc55ec9d754cc07574576c3ec6636b878a231df0f921n);
  assert.equal(ISSUER, 918756735253610709936507276127632253845124912928n);
  const leaf = { commitment, schemaId: 7n, issuer: ISSUER, expiry: EXPIRY, identity: owner };
  assert.equal(await leafOf(leaf), 0x223731895db87563e9190cb4728829f125b131980701ab7dd3a4b17b6750ad97n);
  assert.equal(await leafOf({ ...leaf, expiry: 0n }), 0x157380b8c806595b05cb3f94458e52fa421057b9e721fe67d582a3be5c373429n);
  assert.equal(await leafOf({ ...leaf, issuer: SELF }), 0x0aa3f94f34baa1de6f3de39e2b78c1367148e7c14758e7036191739488d3e806n);
  assert.equal(await issuerSetOf([ISSUER]), 0x046d7912f09c06461ba8dd418c030da2dc96bf2844483f261cf3acf5def40aa5n);
  assert.equal(await issuerSetOf([SELF, ISSUER]), 0x2b6c88c265917e835bf625e8efef1bc73f4205629d7785ed62669d4fc7cd6370n);
  assert.deepEqual(padSet([SELF, ISSUER]), [0n, ISSUER, 0n, 0n]);
  assert.equal(await poseidon([RECORD.ownerSecret, SCOPE]), 0x05f7f6064febf3dea8cbf5627fdbbb206fa1b59b5cfa3704e069fca100f8fe90n);
  // The circuit computes the same values (its intermediate signals, from valid witnesses).
  for (const mode of [0n, 1n]) {
    const w = await checked.calculateWitness(await makeInput({ mode, operator: 5, a: 700, members: [ISSUER] }), true);
    assert.equal(w[sym.get('main.ownerCommitment')], owner);
    assert.equal(w[sym.get('main.commitment')], commitment);
    assert.equal(w[sym.get('main.leaf')], await leafOf(leaf));
    assert.equal(w[sym.get('main.setHash')], await issuerSetOf([ISSUER]));
    assert.equal(w[sym.get('main.issuerSet')], await issuerSetOf([ISSUER]));
  }
  // Direct mode: the public root is the token's leaf itself.
  const direct = await checked.calculateWitness(await makeInput({ mode: 0n, operator: 5, a: 700 }), true);
  assert.equal(direct[sym.get('main.root')], await leafOf(leaf));
});

const PUBLIC_SIGNALS = ['mode', 'root', 'schemaId', 'issuerSet', 'fieldIndex', 'operator', 'operandA', 'operandB',
  'scope', 'nullifier', 'messageHash', 'validUntil'];
// Private inputs in declaration order (the witness generator's input order).
const PRIVATE_INPUTS = [...Array.from({ length: N_FIELDS }, (_, i) => `value[${i}]`), 'salt', 'ownerSecret', 'issuer',
  'expiry', 'issuers[0]', 'issuers[1]', 'issuers[2]', 'issuers[3]', 'merkleDepth',
  ...Array.from({ length: MAX_DEPTH }, (_, i) => `pathIndices[${i}]`),
  ...Array.from({ length: MAX_DEPTH }, (_, i) => `pathElements[${i}]`)];

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
  assert.equal(r1cs.readUInt32LE(header + 12), PRIVATE_INPUTS.length, 'private inputs in the r1cs');
  // Private inputs follow, in the spec's order (witness indices 13, 14, ...).
  PRIVATE_INPUTS.forEach((name, i) => assert.equal(sym.get(`main.${name}`), PUBLIC_SIGNALS.length + 1 + i, name));
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

test('valid: anonymous mode, depth 0 (tree with a single leaf: root = the leaf)', async () => {
  const input = await makeInput({ mode: 1n, depth: 0, operator: 5, a: 700 });
  assert.equal(input.root, await recordLeaf(RECORD));
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

test('valid, mode 0: direct mode proves against the token\'s leaf (root = Poseidon5 leaf), for any expiry it holds', async () => {
  // The contract compares the public root with the token's stored leaf, which binds the
  // schema, issuer, expiry and identity the registry checked; claiming another expiry than
  // the leaf's is an invalid statement (see the invalid cases).
  for (const expiry of [0n, EXPIRY, TWO64 - 1n]) {
    const input = await makeInput({ mode: 0n, operator: 5, a: 700, expiry });
    assert.equal(input.root, await recordLeaf(RECORD, ISSUER, expiry));
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
  // The leaf binds the expiry, in both modes now (the direct root is the token's leaf): a
  // leaf with another expiry than the witness's does not give the root.
  ...[0n, 1n].flatMap((mode) => [
    [`mode ${mode}: leaf has expiry 1 (expired), witness claims EXPIRY (revive)`, { mode, operator: 5, a: 700, tree: { expiry: 1n } }],
    [`mode ${mode}: leaf has EXPIRY, witness claims 0 (never expires)`, { mode, operator: 5, a: 700, tree: { expiry: EXPIRY }, expiry: 0n }],
    [`mode ${mode}: leaf has EXPIRY, witness claims EXPIRY + 1`, { mode, operator: 5, a: 700, tree: { expiry: EXPIRY }, expiry: EXPIRY + 1n }],
    [`mode ${mode}: leaf has EXPIRY, witness claims EXPIRY + 2^64 (same mod 2^64)`, { mode, operator: 5, a: 700, tree: { expiry: EXPIRY }, expiry: EXPIRY + TWO64 }],
  ]),
  // Older leaf formats (bare commitment; Poseidon2(commitment, expiry)) are not leaves.
  ['mode 1: old-format tree, leaf = bare commitment (depth 20)', { operator: 5, a: 700, leafFormat: 'bare' }],
  ['mode 1: old-format tree, leaf = bare commitment, expiry 0 (depth 20)', { operator: 5, a: 700, expiry: 0n, leafFormat: 'bare' }],
  ['mode 1: old-format one-leaf tree, root = bare commitment (depth 0)', { depth: 0, operator: 5, a: 700, leafFormat: 'bare' }],
  ['mode 0: old direct mode, root = bare commitment', { mode: 0n, operator: 5, a: 700, leafFormat: 'bare' }],
  ['mode 1: previous tree format, leaf = Poseidon2(commitment, expiry) (depth 20)', { operator: 5, a: 700, leafFormat: 'v1' }],
  ['mode 1: previous format one-leaf tree, root = Poseidon2(commitment, expiry) (depth 0)', { depth: 0, operator: 5, a: 700, leafFormat: 'v1' }],
  // The leaf binds the issuer, the schema and the identity (details: the attack tests below).
  ...[0n, 1n].flatMap((mode) => [
    [`mode ${mode}: leaf has issuer B, witness claims ISSUER (issuerSet {ISSUER})`, { mode, operator: 5, a: 700, tree: { issuer: ISSUER_B }, members: [ISSUER] }],
    [`mode ${mode}: leaf has issuer B, witness claims ISSUER (issuerSet 0)`, { mode, operator: 5, a: 700, tree: { issuer: ISSUER_B }, issuerSet: 0n }],
    [`mode ${mode}: leaf has schema 8, witness and public schemaId 7`, { mode, operator: 5, a: 700, tree: { schemaId: 8n } }],
    [`mode ${mode}: leaf has another identity than Poseidon1(ownerSecret)`, { mode, operator: 5, a: 700, tree: { identity: 0x1d3n } }],
    [`mode ${mode}: issuer not in the set {B, C}`, { mode, operator: 5, a: 700, members: [ISSUER_B, ISSUER_C] }],
    [`mode ${mode}: members [ISSUER, ...] do not hash to issuerSet {B, C}`,
      { mode, operator: 5, a: 700, issuerSet: 'BC', issuers: padSet([ISSUER, ISSUER_C]) }],
    [`mode ${mode}: issuerSet = p - 1 with members hashing elsewhere`,
      { mode, operator: 5, a: 700, issuerSet: P - 1n }],
  ]),
];

/** Resolves symbolic values in overrides ('BC': the issuer set {B, C}). */
async function resolve(overrides) {
  if (overrides.issuerSet === 'BC') return { ...overrides, issuerSet: await issuerSetOf([ISSUER_B, ISSUER_C]) };
  return overrides;
}

for (const [label, overrides] of INVALID) {
  test(`invalid: ${label} -> generator refuses, R1CS rejects the unchecked witness`, async () => {
    const input = await makeInput(await resolve(overrides));
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
  // the attacker's own, never-inserted leaf C.
  const other = { ...RECORD, salt: RECORD.salt + 1n };
  const L = await recordLeaf(other);
  const C = await recordLeaf(RECORD);
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

for (const mode of [0n, 1n]) test(`attack, mode ${mode}: revive an expired record by claiming a later expiry (another expiry than the leaf's) -> only the root check stops it`, async () => {
  // The leaf holds e1 <= validUntil (expired). The witness claims e2 > validUntil (or 0,
  // never): the expiry check passes, the leaf does not.
  for (const expiry of [EXPIRY, 0n]) {
    const input = await makeInput({ mode, operator: 5, a: 700, tree: { expiry: VALID_UNTIL }, expiry });
    await assert.rejects(checked.calculateWitness(input, true));
    unchecked.options.failedAsserts = 0;
    const bin = await unchecked.wc.calculateWTNSBin(input, true);
    assert.equal(unchecked.options.failedAsserts, 1, 'only root === computedRoot fails');
    assert.equal(await wtnsCheck(writeTmp(bin)), false);
    // With the true, expired, expiry the root matches and the expiry check fails instead.
    const honest = await makeInput({ mode, operator: 5, a: 700, expiry: VALID_UNTIL });
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
  ['leaf := commitment (the old bare-commitment leaf)', 'main.leaf', (v, get) => get('main.commitment')],
  ['leaf := Poseidon2(commitment, expiry) (the previous leaf)', 'main.leaf',
    async (v, get) => poseidon([get('main.commitment'), EXPIRY])],
  ['leaf := the same record\'s self-attested leaf (issuer 0)', 'main.leaf', async () => recordLeaf(RECORD, SELF)],
  ['commitment + 1', 'main.commitment', (v) => v + 1n],
  ['ownerCommitment := another identity', 'main.ownerCommitment', (v) => v + 1n],
  ['private issuer := ISSUER_B (the other member of the set; not the leaf\'s issuer)', 'main.issuer', () => ISSUER_B],
  ['private issuer := 0 (claimed self-attested)', 'main.issuer', () => SELF],
  ['private issuer + 2^160', 'main.issuer', (v) => v + (1n << 160n)],
  ['private issuers[0] + 1', 'main.issuers[0]', (v) => v + 1n],
  ['private issuers[1] := ISSUER_B (drop the issuer from the members)', 'main.issuers[1]', () => ISSUER_B],
  ['private issuers[2] + 1', 'main.issuers[2]', (v) => v + 1n],
  ['private issuers[3] := ISSUER (still contains it, no longer hashes to issuerSet)', 'main.issuers[3]', () => ISSUER],
  ['public issuerSet + 1', 'main.issuerSet', (v) => v + 1n],
  ['public issuerSet := {B, C} (a set without the issuer)', 'main.issuerSet', async () => issuerSetOf([ISSUER_B, ISSUER_C])],
  ['public issuerSet := {0} (self-attested only)', 'main.issuerSet', async () => issuerSetOf([SELF])],
  ['setHash + 1', 'main.setHash', (v) => v + 1n],
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
    const next = (((await change(old, (n) => wtnsGet(w, sym.get(n)))) % P) + P) % P;
    assert.notEqual(next, old, 'tampering must change the value');
    wtnsSet(w, idx, next);
    assert.equal(await wtnsCheck(writeTmp(w.buf)), false, `R1CS accepted: ${label}`);
  });
}

// ---------------------------------------------------------------- issue 12: what the leaf binds
//
// The registry's leaf is Poseidon5(commitment, schemaId, issuer, expiry, identity) with the
// values it checked at mint. Each attack below is one the issue found against the old leaf
// Poseidon2(commitment, expiry); each must now have no witness: refused by the generator and,
// computed with the asserts bypassed or edited by hand, rejected by the R1CS.

/** Generator refuses; the unchecked witness fails `wtns check`. Returns its failed-assert count and witness. */
async function refusedAndRejected(input, label) {
  await assert.rejects(checked.calculateWitness(input, true), `generator accepted: ${label}`);
  unchecked.options.failedAsserts = 0;
  const bin = await unchecked.wc.calculateWTNSBin(input, true);
  const failed = unchecked.options.failedAsserts;
  assert.ok(failed > 0, `the unchecked generator saw no failure: ${label}`);
  assert.equal(await wtnsCheck(writeTmp(bin)), false, `R1CS accepted: ${label}`);
  return { failed, w: parseWtns(bin) };
}

async function accepted(input, label) {
  assert.equal(await wtnsCheck(await witnessFile(checked, input)), true, `R1CS rejected: ${label}`);
}

/** A copy of witness `w` with signals set ({ name: value }); true iff the R1CS accepts it. */
async function editedAccepted(w, edits) {
  const e = parseWtns(Buffer.from(w.buf));
  for (const [name, value] of Object.entries(edits)) {
    const idx = sym.get(name);
    assert.ok(idx > 0, `${name} is not a witness signal`);
    wtnsSet(e, idx, value);
  }
  return wtnsCheck(writeTmp(e.buf));
}

for (const mintIssuer of [SELF, ISSUER_B]) {
  const how = mintIssuer === SELF ? 'minted self-attested (issuer 0)' : 'minted by issuer B, allowed for schema 1 only';
  for (const mode of [0n, 1n]) {
    test(`attack, mode ${mode}: schema lie - a commitment whose preimage says schema 2, inserted as schema 1 (${how}): no witness proves schema 2 or schema 1`, async () => {
      // The preimage says schema 2 (say, an issuer-attested credit score of 850); the
      // registry checked and inserted schema 1 with issuer `mintIssuer`.
      const lie = { ...RECORD, schemaId: 2n, value: [850n, ...RECORD.value.slice(1)] };
      const inserted = {
        commitment: await commitmentOf(lie), schemaId: 1n, issuer: mintIssuer, expiry: EXPIRY, identity: await identityOf(lie),
      };
      const leaf = await leafOf(inserted);
      const root = mode === 0n ? leaf : await merkleRoot(leaf, MAX_DEPTH, INDICES, SIBLINGS);
      const base = { mode, root, operator: 5, a: 800 };
      // Schema 2, whatever attestation class is claimed: the commitment matches, the leaf does not.
      const claims = [
        ['schema 2, any issuer (issuerSet 0), issuer as inserted', { issuer: mintIssuer, issuerSet: 0n }],
        ['schema 2, set {0}, issuer 0', { issuer: SELF, members: [SELF] }],
        ['schema 2, set {ISSUER}, issuer ISSUER (the schema\'s real issuer)', { issuer: ISSUER, members: [ISSUER] }],
        ['schema 2, set {B}, issuer B', { issuer: ISSUER_B, members: [ISSUER_B] }],
      ];
      let schema2;
      for (const [claim, extra] of claims) {
        const r = await refusedAndRejected(await makeInput({ ...base, record: lie, ...extra }), claim);
        assert.equal(r.failed, 1, `${claim}: only root === computedRoot fails (the leaf binds schema 1)`);
        schema2 ??= r.w;
      }
      // Schema 1 (the leaf's): the preimage says 2, so Poseidon4(1, ...) is not the commitment.
      const r1 = await refusedAndRejected(
        await makeInput({ ...base, record: { ...lie, schemaId: 1n }, issuer: mintIssuer, issuerSet: 0n }), 'schema 1');
      assert.equal(r1.failed, 1, 'schema 1: only root === computedRoot fails');
      // Edited witnesses: the inserted leaf put in the schema-2 witness (the root then
      // matches; Poseidon5 does not), and the public schemaId set to 1 in it.
      assert.equal(wtnsGet(schema2, sym.get('main.root')), root);
      assert.equal(await editedAccepted(schema2, { 'main.leaf': leaf }), false, 'leaf := inserted leaf');
      assert.equal(await editedAccepted(schema2, { 'main.leaf': leaf, 'main.schemaId': 1n }), false, 'leaf and schemaId');
      assert.equal(await editedAccepted(r1.w, { 'main.commitment': inserted.commitment }), false, 'schema 1, commitment := inserted');
    });
  }
}

// Issuer sets accepted: [label, the leaf's issuer, the consumer's members].
const SET_ACCEPTED = [
  ['issuer first of 3 ([ISSUER, B, C] padded to [ISSUER, B, C, ISSUER])', ISSUER, [ISSUER, ISSUER_B, ISSUER_C]],
  ['issuer last of 4 ([B, C, D, ISSUER], no padding)', ISSUER, [ISSUER_B, ISSUER_C, ISSUER_D, ISSUER]],
  ['issuer second, padding repeats the first ([B, ISSUER] -> [B, ISSUER, B, B])', ISSUER, [ISSUER_B, ISSUER]],
  ['issuer first, padding repeats it ([ISSUER, B] -> [ISSUER, B, ISSUER, ISSUER])', ISSUER, [ISSUER, ISSUER_B]],
  ['single member ([ISSUER] -> 4 x ISSUER)', ISSUER, [ISSUER]],
  ['self-attested record, set {address(0)}', SELF, [SELF]],
  ['self-attested record, set {B, address(0)} (self-attested is a member)', SELF, [ISSUER_B, SELF]],
  ['attested record, set {address(0), ISSUER}', ISSUER, [SELF, ISSUER]],
];

for (const mode of [0n, 1n]) {
  test(`issuer sets, mode ${mode}: a member issuer is accepted (first, last, padded duplicates, address(0) = self-attested)`, async () => {
    for (const [label, issuer, members] of SET_ACCEPTED) {
      await accepted(await makeInput({ mode, operator: 5, a: 700, issuer, members }), label);
    }
  });

  test(`issuer sets, mode ${mode}: issuerSet = 0 accepts any issuer, whatever the (unconstrained) members`, async () => {
    for (const issuer of [ISSUER, SELF, ISSUER_B, (1n << 160n) - 1n]) {
      for (const issuers of [padSet([ISSUER_C]), [1n, 2n, 3n, 4n], [0n, 0n, 0n, 0n]]) {
        await accepted(await makeInput({ mode, operator: 5, a: 700, issuer, issuerSet: 0n, issuers }), `issuer ${issuer}`);
      }
    }
    // A set witness with its public issuerSet edited to 0 verifies: "any issuer" is a weaker
    // true statement, and the consumer compares issuerSet with the set it asked for.
    const w = parseWtns(await checked.calculateWTNSBin(await makeInput({ mode, operator: 5, a: 700 }), true));
    assert.equal(await editedAccepted(w, { 'main.issuerSet': 0n }), true);
  });

  test(`attack, mode ${mode}: issuer sets - a self-attested record (issuer 0) cannot prove a set of real issuers {B, ISSUER}`, async () => {
    const base = { mode, operator: 5, a: 700, members: [ISSUER_B, ISSUER], tree: { issuer: SELF } };
    // Claiming its true issuer 0: not a member.
    const asSelf = await refusedAndRejected(await makeInput({ ...base, issuer: SELF }), 'issuer 0');
    assert.equal(asSelf.failed, 1, 'only issuerSet * prod === 0 fails');
    // Claiming ISSUER: a member, but not the leaf's issuer.
    const asIssuer = await refusedAndRejected(await makeInput({ ...base, issuer: ISSUER }), 'issuer ISSUER');
    assert.equal(asIssuer.failed, 1, 'only root === computedRoot fails');
    // Edited: the product forced to 0, or address(0) slipped into the members (setHash kept).
    const w = asSelf.w;
    assert.equal(await editedAccepted(w, { 'main.prod[3]': 0n }), false, 'prod[3] := 0');
    assert.equal(await editedAccepted(w, { 'main.prod[1]': 0n, 'main.prod[2]': 0n, 'main.prod[3]': 0n }), false, 'prod[1..3] := 0');
    assert.equal(await editedAccepted(w, { 'main.issuers[0]': SELF, 'main.prod[1]': 0n, 'main.prod[2]': 0n, 'main.prod[3]': 0n }),
      false, 'issuers[0] := 0 with the products recomputed');
    assert.equal(await editedAccepted(w, { 'main.issuers[2]': SELF, 'main.prod[2]': 0n, 'main.prod[3]': 0n }),
      false, 'issuers[2] := 0 (a padding slot) with the products recomputed');
  });

  test(`attack, mode ${mode}: issuer sets - members that do not hash to issuerSet are rejected`, async () => {
    // The consumer asks for {B, C}; the record's issuer is ISSUER.
    const issuerSet = await issuerSetOf([ISSUER_B, ISSUER_C]);
    for (const issuers of [padSet([ISSUER]), [ISSUER_B, ISSUER_C, ISSUER, ISSUER_B], [ISSUER, ISSUER_B, ISSUER_C, ISSUER_B]]) {
      const r = await refusedAndRejected(await makeInput({ mode, operator: 5, a: 700, issuerSet, issuers }), `${issuers}`);
      assert.equal(r.failed, 1, 'only issuerSet * (setHash - issuerSet) === 0 fails');
      // setHash edited to the public issuerSet: Poseidon4 of the members does not give it.
      assert.equal(await editedAccepted(r.w, { 'main.setHash': issuerSet }), false, 'setHash := issuerSet');
    }
    // The true members {B, C}: the issuer is not one of them.
    const r = await refusedAndRejected(await makeInput({ mode, operator: 5, a: 700, members: [ISSUER_B, ISSUER_C] }), 'B, C');
    assert.equal(r.failed, 1, 'only issuerSet * prod === 0 fails');
  });

  test(`attack, mode ${mode}: issuer sets - another issuer's leaf: an issuer forged in the witness (not the leaf's) is rejected`, async () => {
    // The leaf was inserted with issuer B; the consumer asks for {ISSUER}.
    const base = { mode, operator: 5, a: 700, tree: { issuer: ISSUER_B }, members: [ISSUER] };
    const forged = await refusedAndRejected(await makeInput({ ...base, issuer: ISSUER }), 'issuer := ISSUER');
    assert.equal(forged.failed, 1, 'only root === computedRoot fails');
    const honest = await refusedAndRejected(await makeInput({ ...base, issuer: ISSUER_B }), 'issuer B');
    assert.equal(honest.failed, 1, 'only issuerSet * prod === 0 fails');
    // The leaf's issuer with issuerSet 0 is fine (control).
    await accepted(await makeInput({ ...base, issuer: ISSUER_B, issuerSet: 0n }), 'issuer B, any');
    // Edited: the issuer of a valid issuer-B witness (set {B, ISSUER}) set to ISSUER: still a
    // member, so the products stay 0; the leaf does not match.
    const w = parseWtns(await checked.calculateWTNSBin(
      await makeInput({ ...base, issuer: ISSUER_B, members: [ISSUER_B, ISSUER] }), true));
    assert.equal(await editedAccepted(w, { 'main.issuer': ISSUER }), false, 'issuer := ISSUER');
  });

  test(`attack, mode ${mode}: issuer sets - a record revoked by its issuer, then re-minted as self-attested, cannot satisfy a set requiring its old issuer`, async () => {
    // The issuer's leaf Poseidon5(c, 7, ISSUER, ...) was revoked (its slot set to 0); the same
    // commitment was minted again self-attested: Poseidon5(c, 7, 0, ...) in the next slot,
    // the zeroed slot as its level-0 sibling (INDICES[0] = 1: the new leaf is a right child).
    assert.equal(INDICES[0], 1);
    const siblings = [0n, ...SIBLINGS.slice(1)];
    const reminted = await recordLeaf(RECORD, SELF);
    const root = mode === 0n ? reminted : await merkleRoot(reminted, MAX_DEPTH, INDICES, siblings);
    const base = { mode, root, siblings, operator: 5, a: 700, members: [ISSUER] };
    // Control: the re-minted record proves what it is (self-attested).
    await accepted(await makeInput({ ...base, tree: { issuer: SELF }, issuer: SELF, members: [SELF] }), 'self-attested');
    await accepted(await makeInput({ ...base, tree: { issuer: SELF }, issuer: SELF, issuerSet: 0n }), 'any issuer');
    // The old issuer claimed for the re-minted leaf: not its leaf.
    const r1 = await refusedAndRejected(await makeInput({ ...base, tree: { issuer: SELF }, issuer: ISSUER }), 'issuer ISSUER');
    assert.equal(r1.failed, 1, 'only root === computedRoot fails');
    // Its true issuer 0: not in the set.
    const r2 = await refusedAndRejected(await makeInput({ ...base, tree: { issuer: SELF }, issuer: SELF }), 'issuer 0');
    assert.equal(r2.failed, 1, 'only issuerSet * prod === 0 fails');
    if (mode === 1n) {
      // The old leaf at its old (revoked, now 0) slot: the left child, the re-minted leaf as sibling.
      const r3 = await refusedAndRejected(await makeInput({
        ...base, issuer: ISSUER, pathIndices: [0, ...INDICES.slice(1)], pathElements: [reminted, ...SIBLINGS.slice(1)],
      }), 'old slot');
      assert.equal(r3.failed, 1, 'only root === computedRoot fails: the slot holds 0');
    }
  });

  test(`attack, mode ${mode}: identity - a leaf inserted with another identity than Poseidon1(ownerSecret) has no witness (one wallet = one identity = one nullifier per scope)`, async () => {
    // The wallet registered identity X = Poseidon1(s) at its first mint; every later leaf of
    // the wallet carries X. A record committed with a second secret s2 (to get a second
    // nullifier Poseidon2(s2, scope)) is still inserted with identity X.
    const X = await identityOf(RECORD);
    const second = { ...RECORD, ownerSecret: RECORD.ownerSecret + 1n };
    assert.notEqual(await identityOf(second), X);
    const tree = { commitment: await commitmentOf(second), schemaId: RECORD.schemaId, issuer: ISSUER, expiry: EXPIRY, identity: X };
    const leaf = await leafOf(tree);
    const root = mode === 0n ? leaf : await merkleRoot(leaf, MAX_DEPTH, INDICES, SIBLINGS);
    // With s2: the commitment matches, the identity in the leaf does not.
    const r1 = await refusedAndRejected(await makeInput({ mode, root, record: second, operator: 5, a: 700 }), 's2');
    assert.equal(r1.failed, 1, 'only root === computedRoot fails');
    assert.notEqual(wtnsGet(r1.w, sym.get('main.nullifier')), await poseidon([RECORD.ownerSecret, SCOPE]), 'would be a second nullifier');
    // With s (the registered identity's secret): the commitment (made with Poseidon1(s2)) does not match.
    const r2 = await refusedAndRejected(await makeInput({ mode, root, operator: 5, a: 700 }), 's');
    assert.equal(r2.failed, 1, 'only root === computedRoot fails');
    // Edited: the s2 witness with ownerCommitment := X (the leaf then matches; Poseidon1 does not).
    assert.equal(await editedAccepted(r1.w, { 'main.ownerCommitment': X }), false, 'ownerCommitment := X');
    assert.equal(await editedAccepted(r1.w, { 'main.ownerCommitment': X, 'main.leaf': leaf }), false, 'ownerCommitment and leaf');
    // Control: the wallet's honest record proves, with its one nullifier Poseidon2(s, scope).
    const honest = await makeInput({ mode, operator: 5, a: 700 });
    assert.equal(honest.nullifier, await poseidon([RECORD.ownerSecret, SCOPE]));
    await accepted(honest, 'honest record');
  });
}
