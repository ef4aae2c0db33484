// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IssuerRegistry} from "../../src/identity/IssuerRegistry.sol";
import {ZkSBT} from "../../src/identity/ZkSBT.sol";
import {IDisclosureVerifier} from "../../src/interfaces/IDisclosureVerifier.sol";
import {IERC5192} from "../../src/interfaces/IERC5192.sol";
import {IERC5484} from "../../src/interfaces/IERC5484.sol";
import {IIssuerRegistry} from "../../src/interfaces/IIssuerRegistry.sol";
import {IZkSBT} from "../../src/interfaces/IZkSBT.sol";
import {Test} from "../utils/Test.sol";
import {InputBoundVerifier} from "./utils/InputBoundVerifier.sol";
import {TestSmartAccount} from "./utils/TestSmartAccount.sol";
import {IERC721Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";
import {PoseidonT3} from "poseidon-solidity/PoseidonT3.sol";

contract ZkSBTTest is Test {
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
    }

    // ------------------------------------------------------------------ helpers

    function request(address owner, uint256 schemaId, uint256 commitment, address issuer_)
        internal
        view
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
            attestationNonce: issuer_ == address(0) ? 0 : sbt.attestationNonce(issuer_),
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
        IZkSBT.MintRequest memory req = request(vm.addr(ownerKey), ATTESTED, commitment, issuer);
        return sbt.mint(req, sign(ownerKey, consentDigest(req)), sign(issuerKey, attestationDigest(req)));
    }

    function h(uint256 a, uint256 b) internal pure returns (uint256) {
        return PoseidonT3.hash([a, b]);
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
        d.proof[0] = verifier.proofFor(inputs(consumer, d));
    }

    /// The public inputs as the circuit orders them, computed here independently.
    function inputs(address consumer, IZkSBT.Disclosure memory d)
        internal
        view
        returns (uint256[10] memory in_)
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

    // ------------------------------------------------------------------ soulbound

    function test_mint_selfAttested_recordsEverything() public {
        uint256 id = mintSelf(aliceKey, 11);
        assertEq(sbt.ownerOf(id), alice);
        assertTrue(sbt.locked(id));
        assertEq(uint256(sbt.burnAuth(id)), uint256(IERC5484.BurnAuth.OwnerOnly));
        IZkSBT.Record memory rec = sbt.record(id);
        assertEq(rec.schemaId, SELF);
        assertEq(rec.commitment, 11);
        assertEq(rec.issuer, address(0));
        assertEq(rec.issuedAt, block.timestamp);
        assertTrue(rec.inTree);
        assertEq(rec.ciphertext, abi.encodePacked("sealed:", uint256(11)));
        assertEq(sbt.tokenOfCommitment(11), id);
        assertEq(sbt.root(), 11, "one leaf: the root is the leaf");
        assertTrue(sbt.isKnownRoot(11));
        assertEq(sbt.consentNonce(alice), 1);
    }

    function test_mint_emitsLockedAndIssued() public {
        IZkSBT.MintRequest memory req = request(alice, SELF, 11, address(0));
        bytes memory consent = sign(aliceKey, consentDigest(req));
        vm.expectEmit(address(sbt));
        emit IERC5192.Locked(1);
        vm.expectEmit(address(sbt));
        emit IERC5484.Issued(address(0), alice, 1, IERC5484.BurnAuth.OwnerOnly);
        sbt.mint(req, consent, "");
    }

    function test_transfersAndApprovals_revert() public {
        uint256 id = mintSelf(aliceKey, 11);
        vm.startPrank(alice);
        vm.expectRevert(IZkSBT.ZkSBT__Soulbound.selector);
        sbt.transferFrom(alice, bob, id);
        vm.expectRevert(IZkSBT.ZkSBT__Soulbound.selector);
        sbt.safeTransferFrom(alice, bob, id);
        vm.expectRevert(IZkSBT.ZkSBT__Soulbound.selector);
        sbt.safeTransferFrom(alice, bob, id, "");
        vm.expectRevert(IZkSBT.ZkSBT__Soulbound.selector);
        sbt.approve(bob, id);
        vm.expectRevert(IZkSBT.ZkSBT__Soulbound.selector);
        sbt.setApprovalForAll(bob, true);
        vm.stopPrank();
        assertEq(sbt.ownerOf(id), alice);
    }

    function testFuzz_noTransferEverSucceeds(address caller, address to) public {
        uint256 id = mintSelf(aliceKey, 11);
        vm.prank(caller);
        vm.expectRevert();
        sbt.transferFrom(alice, to, id);
        assertEq(sbt.ownerOf(id), alice);
    }

    function test_supportsInterface() public view {
        assertTrue(sbt.supportsInterface(0xb45a3c0e), "ERC-5192");
        assertTrue(sbt.supportsInterface(type(IERC5484).interfaceId), "ERC-5484");
        assertTrue(sbt.supportsInterface(0x80ac58cd), "ERC-721");
        assertTrue(sbt.supportsInterface(0x5b5e139f), "ERC-721 metadata");
        assertTrue(sbt.supportsInterface(0x01ffc9a7), "ERC-165");
        assertFalse(sbt.supportsInterface(0xffffffff));
    }

    function test_lockedAndRecord_revertForNonexistentTokens() public {
        vm.expectRevert(abi.encodeWithSelector(IERC721Errors.ERC721NonexistentToken.selector, 7));
        sbt.locked(7);
        vm.expectRevert(abi.encodeWithSelector(IERC721Errors.ERC721NonexistentToken.selector, 7));
        sbt.record(7);
    }

    // ------------------------------------------------------------------ consent

    function test_consent_wrongSigner_reverts() public {
        IZkSBT.MintRequest memory req = request(alice, SELF, 11, address(0));
        bytes memory consent = sign(bobKey, consentDigest(req));
        vm.expectRevert(IZkSBT.ZkSBT__InvalidConsent.selector);
        sbt.mint(req, consent, "");
    }

    function test_consent_expired_reverts() public {
        IZkSBT.MintRequest memory req = request(alice, SELF, 11, address(0));
        bytes memory consent = sign(aliceKey, consentDigest(req));
        vm.warp(req.consentDeadline + 1);
        vm.expectRevert(abi.encodeWithSelector(IZkSBT.ZkSBT__SignatureExpired.selector, req.consentDeadline));
        sbt.mint(req, consent, "");
    }

    function test_consent_replayed_reverts() public {
        IZkSBT.MintRequest memory req = request(alice, SELF, 11, address(0));
        bytes memory consent = sign(aliceKey, consentDigest(req));
        uint256 id = sbt.mint(req, consent, "");
        vm.prank(alice);
        sbt.burn(id, new uint256[](0)); // commitment free again: only the nonce stops a replay
        vm.expectRevert(abi.encodeWithSelector(IZkSBT.ZkSBT__InvalidNonce.selector, alice, 1));
        sbt.mint(req, consent, "");
    }

    function test_consent_tamperedRequest_reverts() public {
        IZkSBT.MintRequest memory req = request(alice, SELF, 11, address(0));
        bytes memory consent = sign(aliceKey, consentDigest(req));
        req.ciphertext = "other data";
        vm.expectRevert(IZkSBT.ZkSBT__InvalidConsent.selector);
        sbt.mint(req, consent, "");
    }

    function test_consent_smartAccount_erc1271() public {
        TestSmartAccount account = new TestSmartAccount(bob);
        IZkSBT.MintRequest memory req = request(address(account), SELF, 11, address(0));
        uint256 id = sbt.mint(req, sign(bobKey, consentDigest(req)), "");
        assertEq(sbt.ownerOf(id), address(account));

        IZkSBT.MintRequest memory req2 = request(address(account), SELF, 12, address(0));
        bytes memory wrong = sign(aliceKey, consentDigest(req2));
        vm.expectRevert(IZkSBT.ZkSBT__InvalidConsent.selector);
        sbt.mint(req2, wrong, "");
    }

    // ------------------------------------------------------------------ attestation

    function test_attested_mint() public {
        uint256 id = mintAttested(aliceKey, 21);
        assertEq(sbt.record(id).issuer, issuer);
        assertEq(sbt.attestationNonce(issuer), 1);
    }

    function test_attestedSchema_withoutIssuer_reverts() public {
        IZkSBT.MintRequest memory req = request(alice, ATTESTED, 21, address(0));
        bytes memory consent = sign(aliceKey, consentDigest(req));
        vm.expectRevert(abi.encodeWithSelector(IZkSBT.ZkSBT__AttestationRequired.selector, ATTESTED));
        sbt.mint(req, consent, "");
    }

    function test_attestation_unregisteredOrWrongSchemaOrDeactivated_reverts() public {
        address stranger = vm.addr(0x5757);
        IZkSBT.MintRequest memory req = request(alice, ATTESTED, 21, stranger);
        bytes memory consent = sign(aliceKey, consentDigest(req));
        bytes memory att = sign(0x5757, attestationDigest(req));
        vm.expectRevert(abi.encodeWithSelector(IZkSBT.ZkSBT__NotAnIssuer.selector, stranger, ATTESTED));
        sbt.mint(req, consent, att);

        // the issuer is registered for ATTESTED only
        req = request(alice, SELF, 22, issuer);
        consent = sign(aliceKey, consentDigest(req));
        att = sign(issuerKey, attestationDigest(req));
        vm.expectRevert(abi.encodeWithSelector(IZkSBT.ZkSBT__NotAnIssuer.selector, issuer, SELF));
        sbt.mint(req, consent, att);

        vm.prank(dao);
        registry.setIssuer(issuer, "Credit bureau", false);
        req = request(alice, ATTESTED, 23, issuer);
        consent = sign(aliceKey, consentDigest(req));
        att = sign(issuerKey, attestationDigest(req));
        vm.expectRevert(abi.encodeWithSelector(IZkSBT.ZkSBT__NotAnIssuer.selector, issuer, ATTESTED));
        sbt.mint(req, consent, att);
    }

    function test_attestation_badSignatureExpiredOrReplayed_reverts() public {
        IZkSBT.MintRequest memory req = request(alice, ATTESTED, 21, issuer);
        bytes memory consent = sign(aliceKey, consentDigest(req));
        bytes memory forged = sign(bobKey, attestationDigest(req));
        vm.expectRevert(IZkSBT.ZkSBT__InvalidAttestation.selector);
        sbt.mint(req, consent, forged);

        bytes memory att = sign(issuerKey, attestationDigest(req));
        vm.warp(req.attestationDeadline + 1);
        req.consentDeadline = block.timestamp + 1; // a fresh consent; the attestation is stale
        consent = sign(aliceKey, consentDigest(req));
        vm.expectRevert(
            abi.encodeWithSelector(IZkSBT.ZkSBT__SignatureExpired.selector, req.attestationDeadline)
        );
        sbt.mint(req, consent, att);

        req = request(alice, ATTESTED, 21, issuer);
        consent = sign(aliceKey, consentDigest(req));
        att = sign(issuerKey, attestationDigest(req));
        sbt.mint(req, consent, att);
        IZkSBT.MintRequest memory again = request(bob, ATTESTED, 22, issuer);
        again.attestationNonce = 0; // the nonce the first attestation used
        bytes memory bobConsent = sign(bobKey, consentDigest(again));
        bytes memory replayed = sign(issuerKey, attestationDigest(again));
        vm.expectRevert(abi.encodeWithSelector(IZkSBT.ZkSBT__InvalidNonce.selector, issuer, 1));
        sbt.mint(again, bobConsent, replayed);
    }

    // ------------------------------------------------------------------ commitments

    function test_commitment_zeroOutOfFieldOrDuplicate_reverts() public {
        IZkSBT.MintRequest memory req = request(alice, SELF, 0, address(0));
        bytes memory consent = sign(aliceKey, consentDigest(req));
        vm.expectRevert(IZkSBT.ZkSBT__InvalidCommitment.selector);
        sbt.mint(req, consent, "");
        req = request(alice, SELF, P, address(0));
        consent = sign(aliceKey, consentDigest(req));
        vm.expectRevert(IZkSBT.ZkSBT__InvalidCommitment.selector);
        sbt.mint(req, consent, "");
        uint256 id = mintSelf(aliceKey, 11);
        req = request(bob, SELF, 11, address(0));
        consent = sign(bobKey, consentDigest(req));
        vm.expectRevert(abi.encodeWithSelector(IZkSBT.ZkSBT__CommitmentInUse.selector, id));
        sbt.mint(req, consent, "");
    }

    function test_schemaInactiveOrExpiryPast_reverts() public {
        IZkSBT.MintRequest memory req = request(alice, 99, 11, address(0));
        bytes memory consent = sign(aliceKey, consentDigest(req));
        vm.expectRevert(abi.encodeWithSelector(IZkSBT.ZkSBT__SchemaNotActive.selector, 99));
        sbt.mint(req, consent, "");
        vm.warp(1000);
        req = request(alice, SELF, 11, address(0));
        req.expiry = 1000;
        consent = sign(aliceKey, consentDigest(req));
        vm.expectRevert(IZkSBT.ZkSBT__InvalidExpiry.selector);
        sbt.mint(req, consent, "");
    }

    // ------------------------------------------------------------------ tree

    function test_treeRoot_matchesLeanImt() public {
        mintSelf(aliceKey, 11);
        mintSelf(bobKey, 12);
        assertEq(sbt.root(), h(11, 12));
        mintSelf(aliceKey, 13);
        // the third leaf has no sibling and is carried up unhashed
        assertEq(sbt.root(), h(h(11, 12), 13));
        assertEq(sbt.treeSize(), 3);
        assertEq(sbt.treeDepth(), 2);
    }

    function test_rootWindow_evictsOldRoots() public {
        mintSelf(aliceKey, 11);
        uint256 first = sbt.root();
        mintSelf(aliceKey, 12);
        mintSelf(aliceKey, 13);
        assertTrue(sbt.isKnownRoot(first), "within the window of 3");
        mintSelf(aliceKey, 14);
        assertFalse(sbt.isKnownRoot(first), "evicted after 3 newer roots");
        assertTrue(sbt.isKnownRoot(sbt.root()));
        assertFalse(sbt.isKnownRoot(0));
        assertFalse(sbt.isKnownRoot(999));
    }

    // ------------------------------------------------------------------ burn, revoke, expire

    function test_burn_erasesTheRecordAndRemovesTheLeaf() public {
        uint256 a = mintSelf(aliceKey, 11);
        mintSelf(bobKey, 12);
        mintSelf(bobKey, 13);
        uint256 before = sbt.root();
        vm.prank(alice);
        sbt.burn(a, siblings2(12, 13));
        assertEq(sbt.root(), h(h(0, 12), 13), "leaf 0 set to zero");
        assertFalse(sbt.isKnownRoot(before), "roots that contain the burned record are rejected");
        assertTrue(sbt.isKnownRoot(sbt.root()));
        assertEq(sbt.tokenOfCommitment(11), 0);
        vm.expectRevert(abi.encodeWithSelector(IERC721Errors.ERC721NonexistentToken.selector, a));
        sbt.record(a);
        assertEq(sbt.balanceOf(alice), 0);
        // storage is zeroed: the same commitment can be minted again (new consent)
        mintSelf(aliceKey, 11);
    }

    function test_burn_onlyOwner_andWrongSiblings_revert() public {
        uint256 a = mintSelf(aliceKey, 11);
        mintSelf(bobKey, 12);
        vm.prank(bob);
        vm.expectRevert(IZkSBT.ZkSBT__NotOwner.selector);
        sbt.burn(a, siblings1(12));
        vm.prank(alice);
        vm.expectRevert(); // LeanIMT's WrongSiblingNodes
        sbt.burn(a, siblings1(99));
    }

    function test_revoke_byIssuerOnly_makesTheRecordUnusable() public {
        uint256 id = mintAttested(aliceKey, 21);
        mintSelf(bobKey, 12);
        uint256 before = sbt.root();
        vm.prank(alice);
        vm.expectRevert(IZkSBT.ZkSBT__NotIssuer.selector);
        sbt.revoke(id, siblings1(12));
        vm.prank(issuer);
        sbt.revoke(id, siblings1(12));
        assertTrue(sbt.record(id).revoked);
        assertFalse(sbt.record(id).inTree);
        assertFalse(sbt.isKnownRoot(before));
        assertEq(sbt.root(), h(0, 12));
        expectConsumeRevert(dapp, disclosure(0, 21, ATTESTED, dapp), IZkSBT.ZkSBT__RecordNotUsable.selector);
        vm.prank(issuer);
        vm.expectRevert(IZkSBT.ZkSBT__AlreadyRevoked.selector);
        sbt.revoke(id, new uint256[](0));
        // the owner can still burn it (the leaf is already out)
        vm.prank(alice);
        sbt.burn(id, new uint256[](0));
    }

    function test_expire_removesAnExpiredLeaf() public {
        IZkSBT.MintRequest memory req = request(alice, SELF, 11, address(0));
        req.expiry = uint64(block.timestamp + 1 days);
        uint256 id = sbt.mint(req, sign(aliceKey, consentDigest(req)), "");
        mintSelf(bobKey, 12);
        vm.expectRevert(IZkSBT.ZkSBT__NotExpirable.selector);
        sbt.expire(id, siblings1(12));
        vm.warp(block.timestamp + 1 days);
        expectConsumeRevert(dapp, disclosure(0, 11, SELF, dapp), IZkSBT.ZkSBT__RecordNotUsable.selector);
        vm.prank(bob); // anyone
        sbt.expire(id, siblings1(12));
        assertEq(sbt.root(), h(0, 12));
        vm.expectRevert(IZkSBT.ZkSBT__NotExpirable.selector);
        sbt.expire(id, siblings1(12));
    }

    // ------------------------------------------------------------------ disclosures

    function test_direct_disclosure_consumedOnce() public {
        mintSelf(aliceKey, 11);
        IZkSBT.Disclosure memory d = disclosure(0, 11, SELF, dapp);
        assertTrue(sbt.verifyDisclosure(dapp, d));
        vm.expectEmit(address(sbt));
        emit IZkSBT.DisclosureConsumed(
            dapp,
            d.purpose,
            d.nullifier,
            sbt.scopeOf(dapp, d.purpose),
            0,
            11,
            SELF,
            0,
            5,
            700,
            0,
            d.recipient,
            d.message
        );
        consumeAs(dapp, d);
        assertTrue(sbt.nullifierUsed(d.nullifier));
        expectConsumeRevert(dapp, d, IZkSBT.ZkSBT__NullifierUsed.selector);
    }

    function test_anonymous_disclosure_againstRecentRoots() public {
        mintSelf(aliceKey, 11);
        mintSelf(bobKey, 12);
        uint256 inFlight = sbt.root();
        mintSelf(bobKey, 13); // a new mint does not invalidate the in-flight proof
        IZkSBT.Disclosure memory d = disclosure(1, inFlight, SELF, dapp);
        consumeAs(dapp, d);
        expectConsumeRevert(dapp, disclosure(1, 777, SELF, dapp), IZkSBT.ZkSBT__UnknownRoot.selector);
    }

    function test_disclosure_boundToConsumerRecipientMessageAndPurpose() public {
        mintSelf(aliceKey, 11);
        IZkSBT.Disclosure memory d = disclosure(0, 11, SELF, dapp);
        // a watcher replaying the proof from its own address: other scope
        expectConsumeRevert(makeAddr("front-runner"), d, IZkSBT.ZkSBT__InvalidProof.selector);
        IZkSBT.Disclosure memory redirected = disclosure(0, 11, SELF, dapp);
        redirected.recipient = makeAddr("thief");
        expectConsumeRevert(dapp, redirected, IZkSBT.ZkSBT__InvalidProof.selector);
        IZkSBT.Disclosure memory otherMessage = disclosure(0, 11, SELF, dapp);
        otherMessage.message = keccak256("loan #2");
        expectConsumeRevert(dapp, otherMessage, IZkSBT.ZkSBT__InvalidProof.selector);
        IZkSBT.Disclosure memory otherPurpose = disclosure(0, 11, SELF, dapp);
        otherPurpose.purpose = keccak256("other");
        expectConsumeRevert(dapp, otherPurpose, IZkSBT.ZkSBT__InvalidProof.selector);
        IZkSBT.Disclosure memory otherStatement = disclosure(0, 11, SELF, dapp);
        otherStatement.operandA = 600;
        expectConsumeRevert(dapp, otherStatement, IZkSBT.ZkSBT__InvalidProof.selector);
        consumeAs(dapp, d); // the original still works for its consumer
    }

    function test_disclosure_malformedOrMismatched_reverts() public {
        mintSelf(aliceKey, 11);
        expectConsumeRevert(dapp, disclosure(2, 11, SELF, dapp), IZkSBT.ZkSBT__InvalidMode.selector);
        IZkSBT.Disclosure memory d = disclosure(0, 11, SELF, dapp);
        d.fieldIndex = 8;
        expectConsumeRevert(dapp, d, IZkSBT.ZkSBT__MalformedStatement.selector);
        d = disclosure(0, 11, SELF, dapp);
        d.operator = 7;
        expectConsumeRevert(dapp, d, IZkSBT.ZkSBT__MalformedStatement.selector);
        d = disclosure(0, 11, SELF, dapp);
        d.operandB = uint256(type(uint64).max) + 1;
        expectConsumeRevert(dapp, d, IZkSBT.ZkSBT__MalformedStatement.selector);
        expectConsumeRevert(dapp, disclosure(0, 11, ATTESTED, dapp), IZkSBT.ZkSBT__SchemaMismatch.selector);
        expectConsumeRevert(dapp, disclosure(0, 99, SELF, dapp), IZkSBT.ZkSBT__RecordNotUsable.selector);
    }

    function test_burnedRecord_cannotBeProvenInEitherMode() public {
        uint256 a = mintSelf(aliceKey, 11);
        mintSelf(bobKey, 12);
        uint256 withAlice = sbt.root();
        vm.prank(alice);
        sbt.burn(a, siblings1(12));
        expectConsumeRevert(dapp, disclosure(0, 11, SELF, dapp), IZkSBT.ZkSBT__RecordNotUsable.selector);
        expectConsumeRevert(dapp, disclosure(1, withAlice, SELF, dapp), IZkSBT.ZkSBT__UnknownRoot.selector);
    }

    /// Whatever the statement, the registry hands the verifier exactly the circuit's inputs.
    function testFuzz_verifierReceivesExactlyTheCircuitInputs(
        uint8 field,
        uint8 op,
        uint64 a,
        uint64 b,
        bytes32 purpose,
        address to,
        bytes32 message,
        uint256 nullifier
    ) public {
        mintSelf(aliceKey, 11);
        IZkSBT.Disclosure memory d = disclosure(0, 11, SELF, dapp);
        d.fieldIndex = field % 8;
        d.operator = op % 7;
        d.operandA = a;
        d.operandB = b;
        d.purpose = purpose;
        d.recipient = to;
        d.message = message;
        d.nullifier = nullifier;
        d.proof[0] = verifier.proofFor(inputs(dapp, d));
        assertTrue(sbt.verifyDisclosure(dapp, d));
        consumeAs(dapp, d);
        assertTrue(sbt.nullifierUsed(nullifier));
    }

    // ------------------------------------------------------------------ registry

    function test_registry_ownerOnly_andValidation() public {
        vm.expectRevert(); // OwnableUnauthorizedAccount
        registry.setSchema(5, IIssuerRegistry.Schema("x", true, true));
        vm.startPrank(dao);
        vm.expectRevert(abi.encodeWithSelector(IIssuerRegistry.IssuerRegistry__InvalidSchemaId.selector, 0));
        registry.setSchema(0, IIssuerRegistry.Schema("x", true, true));
        vm.expectRevert(abi.encodeWithSelector(IIssuerRegistry.IssuerRegistry__InvalidSchemaId.selector, P));
        registry.setSchema(P, IIssuerRegistry.Schema("x", true, true));
        vm.expectRevert(abi.encodeWithSelector(IIssuerRegistry.IssuerRegistry__UnknownSchema.selector, 5));
        registry.setIssuerSchema(issuer, 5, true);
        vm.expectRevert(IIssuerRegistry.IssuerRegistry__ZeroIssuer.selector);
        registry.setIssuer(address(0), "none", true);
        vm.expectRevert(IIssuerRegistry.IssuerRegistry__RenounceDisabled.selector);
        registry.renounceOwnership();
        registry.setSchema(5, IIssuerRegistry.Schema("ipfs://age", false, true));
        registry.setIssuerSchema(issuer, 5, true);
        vm.stopPrank();
        assertTrue(registry.isIssuer(issuer, 5));
        assertTrue(registry.schemaExists(5));
        assertFalse(registry.isIssuer(bob, 5));
    }
}
