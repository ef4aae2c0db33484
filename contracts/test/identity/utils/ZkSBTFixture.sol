// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {FeeRouter} from "../../../src/fees/FeeRouter.sol";
import {IssuerRegistry} from "../../../src/identity/IssuerRegistry.sol";
import {ZkSBT} from "../../../src/identity/ZkSBT.sol";
import {IDisclosureVerifier} from "../../../src/interfaces/IDisclosureVerifier.sol";
import {IFeeRouter} from "../../../src/interfaces/IFeeRouter.sol";
import {IIssuerRegistry} from "../../../src/interfaces/IIssuerRegistry.sol";
import {IZkSBT} from "../../../src/interfaces/IZkSBT.sol";
import {MasaToken} from "../../../src/token/MasaToken.sol";
import {Test} from "../../utils/Test.sol";
import {InputBoundVerifier} from "./InputBoundVerifier.sol";
import {ZkSBTDigests} from "./ZkSBTDigests.sol";
import {PoseidonT3} from "poseidon-solidity/PoseidonT3.sol";
import {PoseidonT6} from "poseidon-solidity/PoseidonT6.sol";

/// @notice The zkSBT registry on the input-bound test verifier and the real fee router (MASA
/// fees), with a self-attestable and an attested schema, one registered issuer, and helpers that
/// sign requests, compute leaves and build disclosures independently of the contract (digests,
/// leaves, scope and message hash recomputed here).
abstract contract ZkSBTFixture is Test {
    uint256 internal constant P =
        21888242871839275222246405745257275088548364400416034343698204186575808495617;
    uint256 internal constant SELF = 1; // self-attestable schema
    uint256 internal constant ATTESTED = 2; // needs an issuer
    uint8 internal constant DEPTH = 20; // the production tree depth
    uint64 internal constant ROOT_HISTORY = 1 hours;
    uint256 internal constant SELF_FEE = 3e18;
    uint256 internal constant ATTESTED_FEE = 1e18;

    InputBoundVerifier internal verifier;
    IssuerRegistry internal registry;
    MasaToken internal masa;
    FeeRouter internal feeRouter;
    ZkSBT internal sbt;

    uint256 internal aliceKey = 0xA11CE;
    uint256 internal bobKey = 0xB0B;
    uint256 internal issuerKey = 0x155;
    address internal alice;
    address internal bob;
    address internal issuer;
    address internal dao = makeAddr("dao");
    address internal dapp = makeAddr("dapp");
    address internal recipient = makeAddr("recipient");
    address[4] internal feeRecipients = [
        makeAddr("oracleRewards"),
        makeAddr("validatorRewards"),
        makeAddr("contributorRewards"),
        makeAddr("treasury")
    ];

    /// The leaf each minted token should have, computed here from its request.
    mapping(uint256 tokenId => uint256 leaf) internal expectedLeaf;

    function setUp() public virtual {
        vm.warp(1_750_000_000);
        alice = vm.addr(aliceKey);
        bob = vm.addr(bobKey);
        issuer = vm.addr(issuerKey);
        IIssuerRegistry.SchemaInit[] memory schemas = new IIssuerRegistry.SchemaInit[](2);
        schemas[0] = IIssuerRegistry.SchemaInit(SELF, IIssuerRegistry.Schema("ipfs://self", true, true));
        schemas[1] =
            IIssuerRegistry.SchemaInit(ATTESTED, IIssuerRegistry.Schema("ipfs://credit", false, true));
        IIssuerRegistry.IssuerInit[] memory issuers = new IIssuerRegistry.IssuerInit[](1);
        uint256[] memory ids = new uint256[](1);
        ids[0] = ATTESTED;
        issuers[0] = IIssuerRegistry.IssuerInit(issuer, "Credit bureau", ids);
        registry = new IssuerRegistry(
            dao, schemas, issuers, IIssuerRegistry.OracleInit(address(0), new uint256[](0))
        );
        verifier = new InputBoundVerifier();
        masa = new MasaToken(address(this));
        feeRouter = new FeeRouter(
            address(masa),
            makeAddr("swap-router"), // MASA fees are never swapped
            address(0),
            dao,
            IFeeRouter.Shares(2_000, 3_000, 1_000, 3_000, 1_000),
            IFeeRouter.Recipients(feeRecipients[0], feeRecipients[1], feeRecipients[2], feeRecipients[3])
        );
        sbt = deploy(DEPTH);
    }

    /// A registry of `depth` (2^depth leaves per tree) with the fixture's fees and root history;
    /// the test contract (the minter of every helper) approves it for MASA.
    function deploy(uint8 depth) internal returns (ZkSBT registry_) {
        return deploy(depth, IDisclosureVerifier(address(verifier)));
    }

    /// The same, checking proofs with `verifier_`.
    function deploy(uint8 depth, IDisclosureVerifier verifier_) internal returns (ZkSBT registry_) {
        registry_ = new ZkSBT(
            verifier_, registry, feeRouter, dao, IZkSBT.Config(depth, ROOT_HISTORY, SELF_FEE, ATTESTED_FEE)
        );
        masa.approve(address(registry_), type(uint256).max);
    }

    // ------------------------------------------------------------------ helpers

    /// Attestation nonces handed out by `request`: unordered on-chain, so any fresh value works;
    /// spread out to show they need not be sequential.
    uint256 internal attestationNonces;

    /// The identity commitment the fixture's wallets use (a stand-in for Poseidon1(ownerSecret)).
    function identity(address owner) internal pure returns (uint256) {
        return uint256(keccak256(abi.encode("identity", owner))) % (P - 1) + 1;
    }

    function request(address owner, uint256 schemaId, uint256 commitment, address issuer_)
        internal
        returns (IZkSBT.MintRequest memory req)
    {
        req = IZkSBT.MintRequest({
            owner: owner,
            identity: identity(owner),
            schemaId: schemaId,
            commitment: commitment,
            ciphertext: abi.encodePacked("sealed:", commitment),
            issuer: issuer_,
            expiry: 0,
            consentNonce: sbt.consentNonce(owner),
            consentDeadline: block.timestamp + 1 hours,
            attestationNonce: issuer_ == address(0) ? 0 : 1000 * ++attestationNonces + 7,
            attestationDeadline: block.timestamp + 1 hours
        });
    }

    function consentDigest(IZkSBT.MintRequest memory req) internal view returns (bytes32) {
        return consentDigest(sbt, req);
    }

    function consentDigest(ZkSBT registry_, IZkSBT.MintRequest memory req) internal view returns (bytes32) {
        return ZkSBTDigests.consent(registry_, req);
    }

    function attestationDigest(IZkSBT.MintRequest memory req) internal view returns (bytes32) {
        return ZkSBTDigests.attestation(sbt, req);
    }

    function sign(uint256 key, bytes32 digest) internal pure returns (bytes memory) {
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(key, digest);
        return abi.encodePacked(r, s, v);
    }

    /// Mints `req` (signed here: the owner's consent with `ownerKey`, the issuer's attestation if
    /// any) and remembers the leaf it must have.
    function mintRequest(uint256 ownerKey, IZkSBT.MintRequest memory req) internal returns (uint256 id) {
        bytes memory consent = sign(ownerKey, consentDigest(req));
        bytes memory att = req.issuer == address(0) ? bytes("") : sign(issuerKey, attestationDigest(req));
        id = sbt.mint(req, consent, att);
        // computed after the mint: a linked-library call in between would be taken for the call
        // a pending `vm.expectEmit` or `vm.expectRevert` is about
        expectedLeaf[id] = leafOf(req);
    }

    function mintSelf(uint256 ownerKey, uint256 commitment) internal returns (uint256) {
        return mintRequest(ownerKey, request(vm.addr(ownerKey), SELF, commitment, address(0)));
    }

    function mintSelfExpiring(uint256 ownerKey, uint256 commitment, uint64 expiry)
        internal
        returns (uint256)
    {
        IZkSBT.MintRequest memory req = request(vm.addr(ownerKey), SELF, commitment, address(0));
        req.expiry = expiry;
        return mintRequest(ownerKey, req);
    }

    function mintAttested(uint256 ownerKey, uint256 commitment) internal returns (uint256) {
        return mintAttestedExpiring(ownerKey, commitment, 0);
    }

    function mintAttestedExpiring(uint256 ownerKey, uint256 commitment, uint64 expiry)
        internal
        returns (uint256)
    {
        IZkSBT.MintRequest memory req = request(vm.addr(ownerKey), ATTESTED, commitment, issuer);
        req.expiry = expiry;
        return mintRequest(ownerKey, req);
    }

    function h(uint256 a, uint256 b) internal pure returns (uint256) {
        return PoseidonT3.hash([a, b]);
    }

    /// A record's tree leaf, computed here independently of the contract:
    /// `PoseidonT6(commitment, schemaId, issuer, expiry, identity)` (circuits/disclosure.md).
    function leaf(uint256 commitment, uint256 schemaId, address issuer_, uint64 expiry, uint256 identity_)
        internal
        pure
        returns (uint256)
    {
        return PoseidonT6.hash([commitment, schemaId, uint256(uint160(issuer_)), uint256(expiry), identity_]);
    }

    function leafOf(IZkSBT.MintRequest memory req) internal pure returns (uint256) {
        return leaf(req.commitment, req.schemaId, req.issuer, req.expiry, req.identity);
    }

    /// A disclosure (mode, token, root, schema; issuer set 0) with a valid test-verifier proof.
    function disclosure(uint256 mode, uint256 tokenId, uint256 root, uint256 schemaId, address consumer)
        internal
        view
        returns (IZkSBT.Disclosure memory d)
    {
        d.mode = mode;
        d.tokenId = tokenId;
        d.root = root;
        d.schemaId = schemaId;
        d.fieldIndex = 0;
        d.operator = 5;
        d.operandA = 700;
        d.purpose = keccak256("credit-check");
        d.nullifier = 0x1234;
        d.recipient = recipient;
        d.message = keccak256("loan #1");
        d.validUntil = uint64(block.timestamp + 1 hours);
        d.proof[0] = verifier.proofFor(inputs(consumer, d));
    }

    /// A direct disclosure about token `tokenId` against the leaf computed here.
    function direct(uint256 tokenId, uint256 schemaId, address consumer)
        internal
        view
        returns (IZkSBT.Disclosure memory)
    {
        return disclosure(0, tokenId, expectedLeaf[tokenId], schemaId, consumer);
    }

    /// An anonymous disclosure against `root`.
    function anonDisclosure(uint256 root, uint256 schemaId, address consumer)
        internal
        view
        returns (IZkSBT.Disclosure memory)
    {
        return disclosure(1, 0, root, schemaId, consumer);
    }

    /// The public inputs as the circuit orders them, computed here independently.
    function inputs(address consumer, IZkSBT.Disclosure memory d)
        internal
        view
        returns (uint256[12] memory in_)
    {
        in_[0] = d.mode;
        in_[1] = d.root;
        in_[2] = d.schemaId;
        in_[3] = d.issuerSet;
        in_[4] = d.fieldIndex;
        in_[5] = d.operator;
        in_[6] = d.operandA;
        in_[7] = d.operandB;
        in_[8] = uint256(keccak256(abi.encode(block.chainid, address(sbt), consumer, d.purpose))) >> 8;
        in_[9] = d.nullifier;
        in_[10] = uint256(keccak256(abi.encode(d.recipient, d.message))) >> 8;
        in_[11] = d.validUntil;
    }

    function consumeAs(address consumer, IZkSBT.Disclosure memory d) internal {
        vm.prank(consumer);
        sbt.consumeDisclosure(d);
    }

    /// `consumeDisclosure(d)` by `consumer` reverts with exactly `err` (selector and values), and
    /// `verifyDisclosure` refuses it too; `checkStatement(d)` reverts with the same error unless
    /// only the proof is wrong (it does not verify proofs).
    function expectConsumeRevert(address consumer, IZkSBT.Disclosure memory d, bytes memory err) internal {
        assertFalse(sbt.verifyDisclosure(consumer, d), "verifyDisclosure agrees with consumeDisclosure");
        vm.prank(consumer);
        vm.expectRevert(err);
        sbt.consumeDisclosure(d);
        // forge-lint: disable-next-line(unsafe-typecast)
        if (bytes4(err) == IZkSBT.ZkSBT__InvalidProof.selector) {
            sbt.checkStatement(d);
        } else {
            vm.expectRevert(err);
            sbt.checkStatement(d);
        }
    }

    /// The same for an error without parameters.
    function expectConsumeRevert(address consumer, IZkSBT.Disclosure memory d, bytes4 err) internal {
        expectConsumeRevert(consumer, d, abi.encodeWithSelector(err));
    }

    /// A valid test-verifier proof of `d` (as it now stands) for `consumer`.
    function reprove(address consumer, IZkSBT.Disclosure memory d)
        internal
        view
        returns (IZkSBT.Disclosure memory)
    {
        d.proof[0] = verifier.proofFor(inputs(consumer, d));
        return d;
    }
}
