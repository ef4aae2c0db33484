// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IssuerRegistry} from "../../../src/identity/IssuerRegistry.sol";
import {ZkSBT} from "../../../src/identity/ZkSBT.sol";
import {IDisclosureVerifier} from "../../../src/interfaces/IDisclosureVerifier.sol";
import {IIssuerRegistry} from "../../../src/interfaces/IIssuerRegistry.sol";
import {IZkSBT} from "../../../src/interfaces/IZkSBT.sol";
import {Test} from "../../utils/Test.sol";
import {InputBoundVerifier} from "./InputBoundVerifier.sol";
import {PoseidonT3} from "poseidon-solidity/PoseidonT3.sol";

/// @notice The zkSBT registry on the input-bound test verifier, with a self-attestable and an
/// attested schema, one registered issuer, and helpers that sign requests and build disclosures
/// independently of the contract (digests, scope and message hash recomputed here).
abstract contract ZkSBTFixture is Test {
    uint256 internal constant P =
        21888242871839275222246405745257275088548364400416034343698204186575808495617;
    uint256 internal constant SELF = 1; // self-attestable schema
    uint256 internal constant ATTESTED = 2; // needs an issuer
    uint256 internal constant WINDOW = 3;

    InputBoundVerifier internal verifier;
    IssuerRegistry internal registry;
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

    mapping(uint256 commitment => uint256 leaf) private _leafOf;

    function setUp() public virtual {
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
        registry = new IssuerRegistry(dao, schemas, issuers);
        verifier = new InputBoundVerifier();
        sbt = new ZkSBT(IDisclosureVerifier(address(verifier)), registry, WINDOW);
        uint256[6] memory commitments = [uint256(11), 12, 13, 14, 21, 99];
        for (uint256 i; i < commitments.length; ++i) {
            _leafOf[commitments[i]] = leaf(commitments[i], 0);
        }
    }

    // ------------------------------------------------------------------ helpers

    /// Attestation nonces handed out by `request`: unordered on-chain, so any fresh value works;
    /// spread out to show they need not be sequential.
    uint256 internal attestationNonces;

    function request(address owner, uint256 schemaId, uint256 commitment, address issuer_)
        internal
        returns (IZkSBT.MintRequest memory req)
    {
        req = IZkSBT.MintRequest({
            owner: owner,
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
        bytes32 structHash = keccak256(
            abi.encode(
                sbt.CONSENT_TYPEHASH(),
                req.owner,
                req.schemaId,
                req.commitment,
                keccak256(req.ciphertext),
                req.issuer,
                req.expiry,
                req.consentNonce,
                req.consentDeadline
            )
        );
        return keccak256(abi.encodePacked("\x19\x01", sbt.DOMAIN_SEPARATOR(), structHash));
    }

    function attestationDigest(IZkSBT.MintRequest memory req) internal view returns (bytes32) {
        bytes32 structHash = keccak256(
            abi.encode(
                sbt.ATTESTATION_TYPEHASH(),
                req.owner,
                req.schemaId,
                req.commitment,
                req.expiry,
                req.attestationNonce,
                req.attestationDeadline
            )
        );
        return keccak256(abi.encodePacked("\x19\x01", sbt.DOMAIN_SEPARATOR(), structHash));
    }

    function sign(uint256 key, bytes32 digest) internal pure returns (bytes memory) {
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(key, digest);
        return abi.encodePacked(r, s, v);
    }

    function mintSelf(uint256 ownerKey, uint256 commitment) internal returns (uint256) {
        IZkSBT.MintRequest memory req = request(vm.addr(ownerKey), SELF, commitment, address(0));
        return sbt.mint(req, sign(ownerKey, consentDigest(req)), "");
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
        return sbt.mint(req, sign(ownerKey, consentDigest(req)), sign(issuerKey, attestationDigest(req)));
    }

    function h(uint256 a, uint256 b) internal pure returns (uint256) {
        return PoseidonT3.hash([a, b]);
    }

    /// A record's tree leaf, computed here independently of the contract:
    /// `PoseidonT3(commitment, expiry)` (circuits/disclosure.md).
    function leaf(uint256 commitment, uint64 expiry) internal pure returns (uint256) {
        return PoseidonT3.hash([commitment, uint256(expiry)]);
    }

    /// The leaf of a never-expiring record with one of the tests' usual commitments, read from
    /// values computed in `setUp`: PoseidonT3 is a linked library, so computing it in a call's
    /// arguments would consume a pending `vm.prank` or `vm.expectRevert`.
    function leaf(uint256 commitment) internal view returns (uint256 value) {
        value = _leafOf[commitment];
        require(value != 0, "no precomputed leaf for this commitment: use leaf(commitment, expiry)");
    }

    function siblings1(uint256 a) internal pure returns (uint256[] memory s) {
        s = new uint256[](1);
        s[0] = a;
    }

    function siblings2(uint256 a, uint256 b) internal pure returns (uint256[] memory s) {
        s = new uint256[](2);
        s[0] = a;
        s[1] = b;
    }

    function disclosure(uint256 mode, uint256 root, uint256 schemaId, address consumer)
        internal
        view
        returns (IZkSBT.Disclosure memory d)
    {
        d.mode = mode;
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

    /// The public inputs as the circuit orders them, computed here independently.
    function inputs(address consumer, IZkSBT.Disclosure memory d)
        internal
        view
        returns (uint256[11] memory in_)
    {
        in_[0] = d.mode;
        in_[1] = d.root;
        in_[2] = d.schemaId;
        in_[3] = d.fieldIndex;
        in_[4] = d.operator;
        in_[5] = d.operandA;
        in_[6] = d.operandB;
        in_[7] = uint256(keccak256(abi.encode(block.chainid, address(sbt), consumer, d.purpose))) >> 8;
        in_[8] = d.nullifier;
        in_[9] = uint256(keccak256(abi.encode(d.recipient, d.message))) >> 8;
        in_[10] = d.validUntil;
    }

    function consumeAs(address consumer, IZkSBT.Disclosure memory d) internal {
        vm.prank(consumer);
        sbt.consumeDisclosure(d);
    }

    function expectConsumeRevert(address consumer, IZkSBT.Disclosure memory d, bytes4 err) internal {
        assertFalse(sbt.verifyDisclosure(consumer, d), "verifyDisclosure agrees with consumeDisclosure");
        vm.prank(consumer);
        vm.expectRevert(err);
        sbt.consumeDisclosure(d);
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

    function mintSelfExpiring(uint256 ownerKey, uint256 commitment, uint64 expiry)
        internal
        returns (uint256)
    {
        IZkSBT.MintRequest memory req = request(vm.addr(ownerKey), SELF, commitment, address(0));
        req.expiry = expiry;
        return sbt.mint(req, sign(ownerKey, consentDigest(req)), "");
    }
}
