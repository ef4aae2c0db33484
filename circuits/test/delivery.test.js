'use strict';
// Tests of circuits/delivery.circom (issue 14, "delivery that cannot lie"). Run from anywhere:
//   node circuits/test/delivery.test.js
// (node:test + node:assert; uses only circom2, snarkjs and circomlib from node_modules.)
//
// It compiles three artifacts into circuits/build/ (set SKIP_COMPILE=1 to reuse them):
//   delivery               --O2 r1cs + wasm + sym: the production build;
//   poseidon_helper        Poseidon(1|2|4|5|8) evaluator, for the record's leaf and nullifier;
//   poseidon_perm_helper   the width-4 Poseidon permutation, for the reference encryption.
// The expected ciphertexts come from an independent reference written here: Baby Jubjub in
// affine twisted Edwards coordinates with BigInt (not circomlib's Montgomery ladders) and the
// Poseidon duplex of circuits/delivery.md over the permutation helper. The developer's side
// is checked too: p * E == e * P and decrypting with p gives the record's values back.
//
// As in disclosure.test.js, invalid witnesses are built two ways and must be REJECTED by
// `snarkjs wtns check` against the r1cs: by editing signal values in a valid .wtns, and by an
// "unchecked" witness generator (delivery.wasm behind a loader that ignores failed asserts,
// so every signal is computed honestly from the bad inputs).

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..');
const BUILD = path.join(ROOT, 'circuits', 'build');
const CIRCOM = path.join(ROOT, 'node_modules', '.bin', 'circom2');
const R1CS = path.join(BUILD, 'delivery.r1cs');
const TMP = fs.mkdtempSync(path.join(os.tmpdir(), 'delivery-test-'));

// BN254 scalar field (Baby Jubjub's base field).
const P = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;
const TWO64 = 1n << 64n;
const TWO128 = 1n << 128n;
const MAX_DEPTH = 20;
const N_FIELDS = 8;
const C = 10; // 3 blocks of 3 (8 values + 1 zero) + the tag

// ---------------------------------------------------------------- build & witness files

function circom(args) {
  // circom2 (WASI) only sees the current directory tree: run from the repo root.
  execFileSync(CIRCOM, [...args, '-l', 'node_modules'], { cwd: ROOT, stdio: 'pipe' });
}

function compileAll() {
  fs.mkdirSync(BUILD, { recursive: true });
  circom(['circuits/delivery.circom', '--r1cs', '--wasm', '--sym', '--O2', '-o', 'circuits/build']);
  circom(['circuits/test/poseidon_helper.circom', '--wasm', '--sym', '-o', 'circuits/build']);
  circom(['circuits/test/poseidon_perm_helper.circom', '--wasm', '--sym', '-o', 'circuits/build']);
}

const files = require('./witness');
const { readSym, parseWtns, wtnsGet, wtnsSet } = files;
const loadCalculator = (name) => files.loadCalculator(BUILD, name);
/** The delivery wasm behind a loader that ignores failed asserts (see the header). */
const loadUncheckedCalculator = () => files.loadUncheckedCalculator(BUILD, 'delivery');
const writeTmp = files.tmpWriter(TMP);
const wtnsCheck = (file) => files.wtnsCheck(R1CS, file);

// ---------------------------------------------------------------- reference: Baby Jubjub

const mod = (a, m = P) => ((a % m) + m) % m;
function powMod(b, e, m = P) {
  let r = 1n;
  b = mod(b, m);
  for (; e > 0n; e >>= 1n, b = (b * b) % m) if (e & 1n) r = (r * b) % m;
  return r;
}
const inv = (a, m = P) => powMod(a, m - 2n, m);

// circomlib's Baby Jubjub: a x^2 + y^2 = 1 + d x^2 y^2, Base8 generating the subgroup of
// prime order L (the curve has 8 * L points).
const A = 168700n;
const D = 168696n;
const L = 2736030358979909402780800718157159386076813972158567259200215660948447373041n;
const BASE8 = [
  5299619240641551281634865583518297030282874472190772894086521144482721001553n,
  16950150798460657717958625567821834550301663161624707787222815936182638968203n,
];
const IDENTITY = [0n, 1n];

function onCurve([x, y]) {
  return mod(A * x * x + y * y) === mod(1n + D * x * x * y * y);
}

function add([x1, y1], [x2, y2]) {
  const t = mod(D * x1 * x2 * y1 * y2);
  return [mod((x1 * y2 + y1 * x2) * inv(1n + t)), mod((y1 * y2 - A * x1 * x2) * inv(1n - t))];
}

function mul(k, pt) {
  let r = IDENTITY;
  let q = pt;
  for (k = BigInt(k); k > 0n; k >>= 1n, q = add(q, q)) if (k & 1n) r = add(r, q);
  return r;
}

const eq = (a, b) => a[0] === b[0] && a[1] === b[1];
const INV8 = inv(8n, L); // 8^-1 mod L: P / 8 for a subgroup point P

/** A developer: secret p and public key P = p * Base8. */
function developer(p) {
  return { p, key: mul(p, BASE8) };
}

// ---------------------------------------------------------------- reference: Poseidon duplex

let helper;      // poseidon_helper witness calculator
let helperSym;
let perm;        // poseidon_perm_helper witness calculator
let permSym;
let checked;     // delivery witness calculator (production build)
let unchecked;   // { wc, options }: delivery witness calculator ignoring failed asserts
let sym;         // delivery signal map

async function poseidon(inputs) {
  const n = inputs.length;
  assert.ok([1, 2, 4, 5, 8].includes(n), `no helper for Poseidon(${n})`);
  const input = { in1: [0n], in2: [0n, 0n], in4: [0n, 0n, 0n, 0n], in5: Array(5).fill(0n), in8: Array(8).fill(0n) };
  input[`in${n}`] = inputs.map(BigInt);
  const w = await helper.calculateWitness(input, true);
  return w[helperSym.get(`main.h${n}`)];
}

/** The width-4 Poseidon permutation (state[0] capacity, state[1..3] rate). */
async function permute(state) {
  const w = await perm.calculateWitness({ state: state.map(BigInt) }, true);
  return [0, 1, 2, 3].map((i) => w[permSym.get(`main.out[${i}]`)]);
}

/**
 * PoseidonEncrypt(K, N, m) of circuits/delivery.md. `length` (default m.length) is the
 * length written into the initial state; `padding` (default zeros) fills the last block.
 */
async function encrypt(key, nonce, m, { length = m.length, padding } = {}) {
  const padded = [...m];
  while (padded.length % 3) padded.push(padding ? padding.shift() : 0n);
  let s = [0n, key[0], key[1], mod(nonce + BigInt(length) * TWO128)];
  const c = [];
  for (let i = 0; i < padded.length; i += 3) {
    s = await permute(s);
    for (let j = 0; j < 3; j++) {
      s[1 + j] = mod(s[1 + j] + padded[i + j]);
      c.push(s[1 + j]);
    }
  }
  s = await permute(s);
  c.push(s[1]);
  return c;
}

/** The developer's decryption: the plaintext, or null if the tag or the padding is wrong. */
async function decrypt(key, nonce, c, length) {
  let s = [0n, key[0], key[1], mod(nonce + BigInt(length) * TWO128)];
  const m = [];
  for (let i = 0; i + 1 < c.length; i += 3) {
    s = await permute(s);
    for (let j = 0; j < 3; j++) {
      m.push(mod(c[i + j] - s[1 + j]));
      s[1 + j] = c[i + j];
    }
  }
  s = await permute(s);
  if (s[1] !== c[c.length - 1]) return null;
  if (m.slice(length).some((x) => x !== 0n)) return null;
  return m.slice(0, length);
}

// ---------------------------------------------------------------- the record (as in disclosure.test.js)

const RECORD = {
  schemaId: 7n,
  value: [720n, 400n, 1700000000n, 3n, 0n, TWO64 - 1n, 42n, 99999n],
  salt: 0x1234567890abcdef1234567890abcdef1234567890abcdefn,
  ownerSecret: 0x2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2an,
};
const OTHER_VALUES = [721n, 400n, 1700000000n, 3n, 0n, TWO64 - 1n, 42n, 99999n];
const SCOPE = 0xdecafn;
const EXPIRY = 1893456000n;
const VALID_UNTIL = 1767225600n;
const MESSAGE = 0x00c0ffee00c0ffee00c0ffee00c0ffee00c0ffeen;
const ISSUER = 0xa0Ee7A142d267C1f36714E4a8F75612F20a79720n;
const ISSUER_B = 0x70997970C51812dc3A010C7d01b50e0d17dc79C8n;
const MEMBERS = [ISSUER_B, ISSUER, ISSUER_B, ISSUER_B]; // the set {B, ISSUER}, padded

const SIBLINGS = Array.from({ length: MAX_DEPTH }, (_, i) => (BigInt(i + 1) * 0x9e3779b97f4a7c15f39cc0605cedc835n) % P);
const INDICES = Array.from({ length: MAX_DEPTH }, (_, i) => ((0xb5a3d >> i) & 1));

// Two developers (pool keys) and the ephemeral secret of a delivery.
const DEV = developer(0x0b5e55ed5ec7e7d0b5e55ed5ec7e7d0b5e55ed5ec7e7d0b5e55ed5ec7e7dn);
const DEV2 = developer(0x07a11ce0ff1ce0ff1ce0ff1ce0ff1ce0ff1ce0ff1ce0ff1ce0ff1ce0ffn);
const E_SECRET = 0x03e9f1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5dn;
const NONCE = 0x5eed0000000000000000000000000001n;

async function disclosureInput(mode, values = RECORD.value) {
  const rec = { ...RECORD, value: values };
  const identity = await poseidon([rec.ownerSecret]);
  const commitment = await poseidon([rec.schemaId, await poseidon(rec.value), rec.salt, identity]);
  const leaf = await poseidon([commitment, rec.schemaId, ISSUER, EXPIRY, identity]);
  const depth = mode === 0n ? 0 : MAX_DEPTH;
  let root = leaf;
  for (let i = 0; i < depth; i++) root = INDICES[i] ? await poseidon([SIBLINGS[i], root]) : await poseidon([root, SIBLINGS[i]]);
  return {
    mode, root, schemaId: rec.schemaId, issuerSet: await poseidon(MEMBERS),
    fieldIndex: 0n, operator: 5n, operandA: 700n, operandB: 0n, // value[0] >= 700
    scope: SCOPE, nullifier: await poseidon([rec.ownerSecret, SCOPE]), messageHash: MESSAGE,
    validUntil: VALID_UNTIL,
    value: rec.value, salt: rec.salt, ownerSecret: rec.ownerSecret, issuer: ISSUER, expiry: EXPIRY,
    issuers: MEMBERS, merkleDepth: BigInt(depth), pathIndices: INDICES.map(BigInt), pathElements: SIBLINGS,
  };
}

/**
 * A delivery input: the disclosure of RECORD in `mode`, delivered to `dev` with ephemeral
 * secret `e` and `nonce`. The ciphertext is the reference encryption of `encrypted` (default:
 * the record's values) under e * (the key of `encryptTo`, default the public delivery key) or
 * `shared`, and `encryptNonce` (default nonce), unless `ciphertext` is given. `deliveryKey`, `ephemeralKey` and
 * `deliveryKeyDiv8` override the honest public values.
 */
async function makeInput(o = {}) {
  const mode = o.mode ?? 1n;
  const dev = o.dev ?? DEV;
  const e = o.e ?? E_SECRET;
  const nonce = o.nonce ?? NONCE;
  // The key the ciphertext is made with: e * (encryptTo's key, else the public deliveryKey), or
  // `shared` (an attacker's choice, e.g. what circomlib's EscalarMulAny returns for x = 0).
  const shared = o.shared ?? mul(e, o.encryptTo ? o.encryptTo.key : (o.deliveryKey ?? dev.key));
  const ciphertext = o.ciphertext ?? await encrypt(shared, o.encryptNonce ?? nonce, o.encrypted ?? RECORD.value, o.encryptOptions);
  const deliveryKey = o.deliveryKey ?? dev.key;
  return {
    ...(await disclosureInput(mode)),
    deliveryKey,
    ephemeralKey: o.ephemeralKey ?? mul(e, BASE8),
    nonce,
    ciphertext,
    ephemeralSecret: e,
    deliveryKeyDiv8: o.deliveryKeyDiv8 ?? mul(INV8, deliveryKey),
  };
}

async function witness(input) {
  return parseWtns(await checked.calculateWTNSBin(input, true));
}

async function accepted(input, label) {
  const w = await witness(input);
  assert.equal(await wtnsCheck(writeTmp(Buffer.from(w.buf))), true, `R1CS rejected: ${label}`);
  return w;
}

/** Generator refuses; the unchecked witness fails `wtns check`. Returns the failed-assert count. */
async function refusedAndRejected(input, label) {
  await assert.rejects(checked.calculateWitness(input, true), `generator accepted: ${label}`);
  unchecked.options.failedAsserts = 0;
  const bin = await unchecked.wc.calculateWTNSBin(input, true);
  const failed = unchecked.options.failedAsserts;
  assert.ok(failed > 0, `the unchecked generator saw no failure: ${label}`);
  assert.equal(await wtnsCheck(writeTmp(bin)), false, `R1CS accepted: ${label}`);
  return failed;
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

// ---------------------------------------------------------------- tests

before(async () => {
  if (!process.env.SKIP_COMPILE) compileAll();
  helper = await loadCalculator('poseidon_helper');
  helperSym = readSym(path.join(BUILD, 'poseidon_helper.sym'));
  perm = await loadCalculator('poseidon_perm_helper');
  permSym = readSym(path.join(BUILD, 'poseidon_perm_helper.sym'));
  checked = await loadCalculator('delivery');
  unchecked = await loadUncheckedCalculator();
  sym = readSym(path.join(BUILD, 'delivery.sym'));
});

after(async () => {
  // snarkjs' bn128 instance (shared, cached by ffjavascript) keeps worker threads alive.
  const { buildBn128 } = require(path.join(ROOT, 'node_modules', 'ffjavascript'));
  await (await buildBn128()).terminate();
  fs.rmSync(TMP, { recursive: true, force: true });
});

test('reference: the permutation helper is the permutation behind Poseidon(3) (circomlibjs vector poseidon([1, 2, 3]))', async () => {
  const s = await permute([0n, 1n, 2n, 3n]);
  assert.equal(s[0], 0x0e7732d89e6939c0ff03d5e58dab6302f3230e269dc5b968f725df34ab36d732n);
});

test('reference: Baby Jubjub constants (Base8 on the curve, of order L; a square, d not a square: the addition law is complete)', () => {
  assert.ok(onCurve(BASE8));
  assert.ok(eq(mul(L, BASE8), IDENTITY));
  assert.ok(!eq(BASE8, IDENTITY));
  assert.equal(powMod(A, (P - 1n) / 2n), 1n, 'a is a square');
  assert.equal(powMod(D, (P - 1n) / 2n), P - 1n, 'd is not a square');
  assert.ok(L < 1n << 251n && L > 1n << 250n);
  // ECDH: the developer's p * E equals the sender's e * P.
  assert.ok(eq(mul(DEV.p, mul(E_SECRET, BASE8)), mul(E_SECRET, DEV.key)));
});

test('vectors (circuits/delivery.md): P = p * Base8, E = e * Base8, S = e * P, and the ciphertext of RECORD', async () => {
  const hex = (x) => BigInt(x);
  assert.equal(DEV.p, 0x0b5e55ed5ec7e7d0b5e55ed5ec7e7d0b5e55ed5ec7e7d0b5e55ed5ec7e7dn);
  assert.deepEqual(DEV.key, [0x024076bfed77ac2c86c631b691df89cff2173c843a57b9314f379871864a2d76n,
    0x22e5d922c88cc34dee7e578ad8ebf754af3efd336ec016e88f12edafd3a7fe0bn]);
  const E = mul(E_SECRET, BASE8);
  assert.deepEqual(E, [0x287aadc922877ca898bfed6fcea77ee5d6913706bb34c4981dc06302b355500fn,
    0x216831a113ba2bdfaaf34c7bf5f65b8d4f299b7973ca691ab427087abd381df2n]);
  const S = mul(E_SECRET, DEV.key);
  assert.deepEqual(S, [0x0bfdfaa461cdcb7d8c0419affbd5e8ad9c8d9c7f9703ec4aa1fe9715df174249n,
    0x1cf46c56cf1b43ab6c3c3e0b9d77d6aeff411176daa5b7c6dc5b303180eb9ebbn]);
  assert.deepEqual(mul(DEV.p, E), S);
  const c = await encrypt(S, NONCE, RECORD.value);
  assert.deepEqual(c, [
    '0x055572f5ca568ed0cf66927a88635b7b6fedaaecdad228a9e4c768b3a00fed91',
    '0x1d705ffd91f0122b779f080e9aeee1fbc30cb58f8af97d9cf70c06828b518dba',
    '0x1b4bd72b7483252c9211e3e35d440bc86a7ed8d94d41b10cdbddac19f079291b',
    '0x300174d2f08719b0f2405ae2c092449778226bcfc630918c08e99331e1651514',
    '0x178cc73685dafa443671dfaa5a8c4771c80fb083e5a95572fa2c0d3390492d5b',
    '0x1dea6eee4dffaee27a0ff3c3dd536ec458d75a82a186c538e14888e9020e8ba9',
    '0x1f9f7d8028ab22d6f6526f0424f51e30e1cc04edc70481f7a83209848741467f',
    '0x2d1015fb8843a35f70754023fd9927c5616d88843e92d2ae64cd70cceb8201a3',
    '0x304762780f1ff4bd1660aa45b660dcfd8a47fdfafb449893222b824899a2f63b',
    '0x03f719bdb6b4ee883c1cade96c42ce5e216512352037bf48d96b587fc36ef88e',
  ].map(hex));
  assert.deepEqual(await decrypt(S, NONCE, c, N_FIELDS), RECORD.value);
});

test('public signals: the 12 disclosure inputs first (in Disclosure\'s order), then deliveryKey, ephemeralKey, nonce, ciphertext[10]', () => {
  const names = ['mode', 'root', 'schemaId', 'issuerSet', 'fieldIndex', 'operator', 'operandA', 'operandB', 'scope',
    'nullifier', 'messageHash', 'validUntil', 'deliveryKey[0]', 'deliveryKey[1]', 'ephemeralKey[0]', 'ephemeralKey[1]',
    'nonce', ...Array.from({ length: C }, (_, i) => `ciphertext[${i}]`)];
  names.forEach((n, i) => assert.equal(sym.get(`main.${n}`), i + 1, n));
});

for (const mode of [0n, 1n]) {
  test(`valid delivery, mode ${mode}: accepted; E, S match the reference; the developer decrypts the record's values with p`, async () => {
    const input = await makeInput({ mode });
    const w = await accepted(input, `mode ${mode}`);
    // The circuit's E = e * Base8 (circomlib's windowed Montgomery ladder) is the reference's
    // (affine BigInt); its S = e * P (eliminated by --O2, so not in the witness) is too, since
    // the accepted ciphertext was computed from the reference's S.
    assert.equal(wtnsGet(w, sym.get('main.ephemeralKey[0]')), mul(E_SECRET, BASE8)[0]);
    assert.equal(wtnsGet(w, sym.get('main.ephemeralKey[1]')), mul(E_SECRET, BASE8)[1]);
    // The developer's side: K = p * E, decrypt.
    const K = mul(DEV.p, input.ephemeralKey);
    assert.deepEqual(await decrypt(K, input.nonce, input.ciphertext, N_FIELDS), RECORD.value);
    // Another developer's key does not decrypt (the tag fails).
    assert.equal(await decrypt(mul(DEV2.p, input.ephemeralKey), input.nonce, input.ciphertext, N_FIELDS), null);
  });
}

test('valid deliveries: boundary ephemeral secrets (1, L - 1, L + 1, 2^251 - 1), another developer, nonces 0 and 2^128 - 1', async () => {
  for (const [label, o] of [
    ['e = 1', { e: 1n }],
    ['e = L - 1', { e: L - 1n }],
    ['e = L + 1 (same key as e = 1)', { e: L + 1n }],
    ['e = 2^251 - 1', { e: (1n << 251n) - 1n }],
    ['developer 2', { dev: DEV2 }],
    ['nonce 0', { nonce: 0n }],
    ['nonce 2^128 - 1', { nonce: TWO128 - 1n }],
  ]) {
    const input = await makeInput(o);
    await accepted(input, label);
    const dev = o.dev ?? DEV;
    assert.deepEqual(await decrypt(mul(dev.p, input.ephemeralKey), input.nonce, input.ciphertext, N_FIELDS), RECORD.value, label);
  }
});

// Edited public inputs of a valid witness: each must be rejected by the R1CS.
test('rejected (edited .wtns): a tampered ciphertext element, the tag, another developer key, another ephemeral key, a wrong nonce', async () => {
  const input = await makeInput({ mode: 1n });
  const w = await accepted(input, 'baseline');
  const E2 = mul(E_SECRET + 1n, BASE8);
  const edits = [
    ['ciphertext[3] + 1', { 'main.ciphertext[3]': input.ciphertext[3] + 1n }],
    ['ciphertext[0] + 1', { 'main.ciphertext[0]': input.ciphertext[0] + 1n }],
    ['ciphertext[8] (the padding slot) + 1', { 'main.ciphertext[8]': input.ciphertext[8] + 1n }],
    ['the tag ciphertext[9] + 1', { 'main.ciphertext[9]': input.ciphertext[9] + 1n }],
    ['deliveryKey := developer 2', { 'main.deliveryKey[0]': DEV2.key[0], 'main.deliveryKey[1]': DEV2.key[1] }],
    ['deliveryKey := developer 2, with its div8', {
      'main.deliveryKey[0]': DEV2.key[0], 'main.deliveryKey[1]': DEV2.key[1],
      'main.deliveryKeyDiv8[0]': mul(INV8, DEV2.key)[0], 'main.deliveryKeyDiv8[1]': mul(INV8, DEV2.key)[1],
    }],
    ['ephemeralKey := (e + 1) * Base8', { 'main.ephemeralKey[0]': E2[0], 'main.ephemeralKey[1]': E2[1] }],
    ['nonce + 1', { 'main.nonce': NONCE + 1n }],
    ['value[0] + 1 (the private record value)', { 'main.value[0]': RECORD.value[0] + 1n }],
  ];
  for (const [label, e] of edits) assert.equal(await editedAccepted(w, e), false, `R1CS accepted: ${label}`);
});

// Honestly computed witnesses of false statements (the unchecked generator).
for (const mode of [0n, 1n]) {
  test(`rejected, mode ${mode}: the ciphertext of another record's values (the proof is about RECORD)`, async () => {
    const failed = await refusedAndRejected(await makeInput({ mode, encrypted: OTHER_VALUES }), 'other record');
    assert.equal(failed, 1, 'only plaintext[0] === value[0] fails');
  });
}

test('rejected: a ciphertext encrypted to another developer key, or with another nonce, than the public ones', async () => {
  assert.ok(await refusedAndRejected(await makeInput({ encryptTo: DEV2 }), 'developer 2\'s ciphertext, developer 1\'s key') > 0);
  assert.ok(await refusedAndRejected(await makeInput({ dev: DEV2, encryptTo: DEV }), 'developer 1\'s ciphertext, developer 2\'s key') > 0);
  assert.ok(await refusedAndRejected(await makeInput({ encryptNonce: NONCE + 1n }), 'another nonce') > 0);
  // The ciphertext of another ephemeral secret than the one behind the public E.
  const other = await makeInput({ e: E_SECRET + 1n });
  assert.ok(await refusedAndRejected(await makeInput({ ciphertext: other.ciphertext }), 'another ephemeral secret\'s ciphertext') > 0);
  // A public E that is not e * Base8 of the witness's e.
  assert.ok(await refusedAndRejected(await makeInput({ ephemeralKey: other.ephemeralKey }), 'E of another e') > 0);
  // A ciphertext that encodes another length in its initial state.
  assert.ok(await refusedAndRejected(await makeInput({ encryptOptions: { length: 9 } }), 'length 9') > 0);
});

test('rejected: a wrong tag; padding not zero (an honest duplex over [values, 1], valid tag)', async () => {
  const honest = await makeInput();
  const badTag = [...honest.ciphertext];
  badTag[9] += 1n;
  assert.equal(await refusedAndRejected(await makeInput({ ciphertext: badTag }), 'tag + 1'), 1, 'only the tag fails');
  const padded = await encrypt(mul(E_SECRET, DEV.key), NONCE, RECORD.value, { length: 8, padding: [1n] });
  assert.deepEqual(padded.slice(0, 8), honest.ciphertext.slice(0, 8), 'same first 8 elements');
  // The developer's decryption refuses it too.
  assert.equal(await decrypt(mul(DEV.p, honest.ephemeralKey), NONCE, padded, N_FIELDS), null);
  assert.equal(await refusedAndRejected(await makeInput({ ciphertext: padded }), 'padding 1'), 1, 'only padded[8] === 0 fails');
});

test('rejected: degenerate keys - e = 0 and e = L (E = identity), a developer key that is the identity, of order 2, off the curve, or outside the prime-order subgroup', async () => {
  // e = 0 or L: E = S = identity, the key (0, 1) is public knowledge.
  for (const e of [0n, L]) {
    const input = await makeInput({ e });
    assert.ok(eq(input.ephemeralKey, IDENTITY));
    assert.equal(await refusedAndRejected(input, `e = ${e}`), 1, 'only E != identity fails');
  }
  // e >= 2^251 (no 251-bit decomposition).
  assert.ok(await refusedAndRejected(await makeInput({ e: 1n << 251n }), 'e = 2^251') > 0);
  // P with x = 0: circomlib's EscalarMulAny returns the identity (0, 1) for any e, a key
  // everyone knows; the ciphertext is made with it (the attacker's consistent choice), so only
  // the key checks stand in the way (P = identity passes the subgroup check: only P.x != 0
  // stops it).
  const T2 = [0n, P - 1n]; // the point of order 2
  assert.ok(onCurve(T2) && eq(add(T2, T2), IDENTITY));
  for (const [label, key, div8] of [
    ['P = identity', IDENTITY, IDENTITY],
    ['P = (0, -1), order 2', T2, IDENTITY],
    ['P = (0, -1), div8 := (0, -1)', T2, T2],
  ]) {
    assert.ok(await refusedAndRejected(await makeInput({ deliveryKey: key, deliveryKeyDiv8: div8, shared: IDENTITY }), label) > 0);
  }
  // P + T2: on the curve, order 2L, not in the subgroup; no div8 exists (try P / 8 and (P + T2) / 8 as the
  // reference computes it, which is not a preimage under doubling thrice).
  const mixed = add(DEV.key, T2);
  assert.ok(onCurve(mixed) && !eq(mul(L, mixed), IDENTITY));
  assert.ok(await refusedAndRejected(await makeInput({ deliveryKey: mixed, deliveryKeyDiv8: mul(INV8, DEV.key) }), 'P + T2, div8 of P') > 0);
  assert.ok(await refusedAndRejected(await makeInput({ deliveryKey: mixed, deliveryKeyDiv8: mul(INV8, mixed) }), 'P + T2, its own "div8"') > 0);
  // Off the curve.
  assert.ok(await refusedAndRejected(await makeInput({ deliveryKey: [DEV.key[0], DEV.key[1] + 1n], deliveryKeyDiv8: mul(INV8, DEV.key) }), 'off curve') > 0);
});

test('rejected: nonce >= 2^128 (nonce and length share one state element: N + 8 * 2^128 with N = 2^128 is N = 0 with length 9)', async () => {
  assert.equal(mod(TWO128 + 8n * TWO128), mod(0n + 9n * TWO128));
  for (const nonce of [TWO128, P - 1n]) {
    // The honest ciphertext for the (wrapped) state element: only the range check stops it.
    assert.equal(await refusedAndRejected(await makeInput({ nonce }), `nonce ${nonce}`), 1, 'only the 128-bit range check fails');
  }
});
