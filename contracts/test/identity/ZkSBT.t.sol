// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ZkSBT} from "../../src/identity/ZkSBT.sol";
import {IDisclosureVerifier} from "../../src/interfaces/IDisclosureVerifier.sol";
import {IERC5192} from "../../src/interfaces/IERC5192.sol";
import {IERC5484} from "../../src/interfaces/IERC5484.sol";
import {IIssuerRegistry} from "../../src/interfaces/IIssuerRegistry.sol";
import {IZkSBT} from "../../src/interfaces/IZkSBT.sol";
import {TestSmartAccount} from "./utils/TestSmartAccount.sol";
import {ZkSBTFixture} from "./utils/ZkSBTFixture.sol";
import {IERC721Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";
import {Base64} from "@openzeppelin/contracts/utils/Base64.sol";
import {Strings} from "@openzeppelin/contracts/utils/Strings.sol";

contract ZkSBTTest is ZkSBTFixture {
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
        assertEq(sbt.root(), leaf(11), "one leaf: the root is the leaf");
        assertTrue(sbt.isKnownRoot(leaf(11)));
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

    /// The metadata is on-chain JSON of the public fields only, written out here by hand.
    function test_tokenURI_publicFieldsOnly() public {
        vm.warp(1_700_000_000);
        IZkSBT.MintRequest memory req = request(alice, ATTESTED, 21, issuer);
        req.expiry = 1_800_000_000;
        uint256 id =
            sbt.mint(req, sign(aliceKey, consentDigest(req)), sign(issuerKey, attestationDigest(req)));
        string memory json = string.concat(
            '{"name":"Masa zkSBT #1","description":"Soulbound zero-knowledge data token: a commitment to a private record, proven about without revealing it.","attributes":[',
            '{"trait_type":"schema","value":"2"},{"trait_type":"schema_uri","value":"ipfs://credit"},',
            '{"trait_type":"issuer","value":"',
            Strings.toHexString(issuer),
            '"},{"display_type":"date","trait_type":"issued","value":1700000000},',
            '{"display_type":"date","trait_type":"expiry","value":1800000000},',
            '{"trait_type":"revoked","value":"false"},{"trait_type":"soulbound","value":"true"}]}'
        );
        assertEq(sbt.tokenURI(id), string.concat("data:application/json;base64,", Base64.encode(bytes(json))));

        // a revoked token says so; a schema URI with JSON metacharacters is escaped
        vm.prank(issuer);
        sbt.revoke(id, new uint256[](0));
        vm.prank(dao);
        registry.setSchema(ATTESTED, IIssuerRegistry.Schema('ipfs://"x"', false, true));
        json = string.concat(
            '{"name":"Masa zkSBT #1","description":"Soulbound zero-knowledge data token: a commitment to a private record, proven about without revealing it.","attributes":[',
            '{"trait_type":"schema","value":"2"},{"trait_type":"schema_uri","value":"ipfs://\\"x\\""},',
            '{"trait_type":"issuer","value":"',
            Strings.toHexString(issuer),
            '"},{"display_type":"date","trait_type":"issued","value":1700000000},',
            '{"display_type":"date","trait_type":"expiry","value":1800000000},',
            '{"trait_type":"revoked","value":"true"},{"trait_type":"soulbound","value":"true"}]}'
        );
        assertEq(sbt.tokenURI(id), string.concat("data:application/json;base64,", Base64.encode(bytes(json))));
        vm.expectRevert(abi.encodeWithSelector(IERC721Errors.ERC721NonexistentToken.selector, 9));
        sbt.tokenURI(9);
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
        IZkSBT.MintRequest memory req = request(alice, ATTESTED, 21, issuer);
        assertFalse(sbt.attestationNonceUsed(issuer, req.attestationNonce));
        uint256 id =
            sbt.mint(req, sign(aliceKey, consentDigest(req)), sign(issuerKey, attestationDigest(req)));
        assertEq(sbt.record(id).issuer, issuer);
        assertTrue(sbt.attestationNonceUsed(issuer, req.attestationNonce));
    }

    /// Attestation nonces are unordered: an issuer signs several, owners submit them in any order;
    /// each works once, and an issuer can cancel one before it is used.
    function test_attestationNonces_unordered_singleUse_cancellable() public {
        IZkSBT.MintRequest memory first = request(alice, ATTESTED, 21, issuer);
        IZkSBT.MintRequest memory second = request(bob, ATTESTED, 22, issuer);
        IZkSBT.MintRequest memory third = request(bob, ATTESTED, 23, issuer);
        first.attestationNonce = 5;
        second.attestationNonce = type(uint256).max; // any value, even the last bit of the last word
        third.attestationNonce = 6;
        bytes memory firstAtt = sign(issuerKey, attestationDigest(first));
        bytes memory secondAtt = sign(issuerKey, attestationDigest(second));
        bytes memory thirdAtt = sign(issuerKey, attestationDigest(third));
        // the second is submitted first
        sbt.mint(second, sign(bobKey, consentDigest(second)), secondAtt);
        sbt.mint(first, sign(aliceKey, consentDigest(first)), firstAtt);
        assertTrue(sbt.attestationNonceUsed(issuer, 5) && sbt.attestationNonceUsed(issuer, type(uint256).max));
        assertFalse(sbt.attestationNonceUsed(issuer, 4) || sbt.attestationNonceUsed(issuer, 6));
        // the issuer cancels the third before it is submitted; cancelling twice reverts
        vm.expectEmit(address(sbt));
        emit IZkSBT.AttestationNonceCancelled(issuer, 6);
        vm.prank(issuer);
        sbt.cancelAttestationNonce(6);
        vm.prank(issuer);
        vm.expectRevert(abi.encodeWithSelector(IZkSBT.ZkSBT__NonceUsed.selector, issuer, 6));
        sbt.cancelAttestationNonce(6);
        third.consentNonce = sbt.consentNonce(bob);
        bytes memory bobConsent = sign(bobKey, consentDigest(third));
        vm.expectRevert(abi.encodeWithSelector(IZkSBT.ZkSBT__NonceUsed.selector, issuer, 6));
        sbt.mint(third, bobConsent, thirdAtt);
        // another issuer's nonce 6 is its own
        assertFalse(sbt.attestationNonceUsed(bob, 6));
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
        again.attestationNonce = req.attestationNonce; // the nonce the first attestation used
        bytes memory bobConsent = sign(bobKey, consentDigest(again));
        bytes memory replayed = sign(issuerKey, attestationDigest(again));
        vm.expectRevert(
            abi.encodeWithSelector(IZkSBT.ZkSBT__NonceUsed.selector, issuer, req.attestationNonce)
        );
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
        assertEq(sbt.root(), h(leaf(11), leaf(12)));
        mintSelf(aliceKey, 13);
        // the third leaf has no sibling and is carried up unhashed
        assertEq(sbt.root(), h(h(leaf(11), leaf(12)), leaf(13)));
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
        sbt.burn(a, siblings2(leaf(12), leaf(13)));
        assertEq(sbt.root(), h(h(0, leaf(12)), leaf(13)), "leaf 0 set to zero");
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
        sbt.burn(a, siblings1(leaf(12)));
        vm.prank(alice);
        vm.expectRevert(); // LeanIMT's WrongSiblingNodes
        sbt.burn(a, siblings1(leaf(99)));
    }

    function test_revoke_byIssuerOnly_makesTheRecordUnusable() public {
        uint256 id = mintAttested(aliceKey, 21);
        mintSelf(bobKey, 12);
        uint256 before = sbt.root();
        vm.prank(alice);
        vm.expectRevert(IZkSBT.ZkSBT__NotIssuer.selector);
        sbt.revoke(id, siblings1(leaf(12)));
        vm.prank(issuer);
        sbt.revoke(id, siblings1(leaf(12)));
        assertTrue(sbt.record(id).revoked);
        assertFalse(sbt.record(id).inTree);
        assertFalse(sbt.isKnownRoot(before));
        assertEq(sbt.root(), h(0, leaf(12)));
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
        sbt.expire(id, siblings1(leaf(12)));
        vm.warp(block.timestamp + 1 days);
        expectConsumeRevert(dapp, disclosure(0, 11, SELF, dapp), IZkSBT.ZkSBT__RecordNotUsable.selector);
        vm.prank(bob); // anyone
        sbt.expire(id, siblings1(leaf(12)));
        assertEq(sbt.root(), h(0, leaf(12)));
        vm.expectRevert(IZkSBT.ZkSBT__NotExpirable.selector);
        sbt.expire(id, siblings1(leaf(12)));
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
        sbt.burn(a, siblings1(leaf(12)));
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
        uint256 nullifier,
        uint64 validUntil
    ) public {
        mintSelf(aliceKey, 11);
        IZkSBT.Disclosure memory d = disclosure(0, 11, SELF, dapp);
        // forge-lint: disable-next-line(unsafe-typecast)
        d.validUntil = uint64(bound(validUntil, block.timestamp, type(uint64).max)); // <= uint64 max
        d.fieldIndex = field % 8;
        d.operator = op % 7;
        d.operandA = a;
        d.operandB = b;
        d.purpose = purpose;
        d.recipient = to;
        d.message = message;
        nullifier = bound(nullifier, 0, P - 1);
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

    // ------------------------------------------------------------------ soulbound (more)

    function test_soulbound_noApprovalCanExist() public {
        uint256 id = mintSelf(aliceKey, 11);
        vm.prank(bob); // not even a stranger's approval call gets past the soulbound check
        vm.expectRevert(IZkSBT.ZkSBT__Soulbound.selector);
        sbt.approve(bob, id);
        vm.prank(alice);
        vm.expectRevert(IZkSBT.ZkSBT__Soulbound.selector);
        sbt.setApprovalForAll(bob, false);
        vm.prank(alice);
        vm.expectRevert(IZkSBT.ZkSBT__Soulbound.selector);
        sbt.approve(address(0), id);
        assertEq(sbt.getApproved(id), address(0));
        assertFalse(sbt.isApprovedForAll(alice, bob));
    }

    /// Whoever calls whichever transfer or approval path, for whatever target, the token stays put.
    function testFuzz_noTransferOrApprovalPathEverSucceeds(address caller, address to, uint8 path) public {
        uint256 id = mintSelf(aliceKey, 11);
        vm.prank(caller);
        bool ok;
        path %= 5;
        if (path == 0) {
            (ok,) = address(sbt)
                .call(abi.encodeWithSignature("transferFrom(address,address,uint256)", alice, to, id));
        } else if (path == 1) {
            (ok,) = address(sbt)
                .call(abi.encodeWithSignature("safeTransferFrom(address,address,uint256)", alice, to, id));
        } else if (path == 2) {
            (ok,) = address(sbt)
                .call(
                    abi.encodeWithSignature(
                        "safeTransferFrom(address,address,uint256,bytes)", alice, to, id, ""
                    )
                );
        } else if (path == 3) {
            (ok,) = address(sbt).call(abi.encodeWithSignature("approve(address,uint256)", to, id));
        } else {
            (ok,) = address(sbt).call(abi.encodeWithSignature("setApprovalForAll(address,bool)", to, true));
        }
        assertFalse(ok, "every transfer and approval path reverts");
        assertEq(sbt.ownerOf(id), alice);
        assertEq(sbt.getApproved(id), address(0));
        assertFalse(sbt.isApprovedForAll(alice, to));
    }

    function test_interfaceIds_areTheStandardOnes() public view {
        assertEq(type(IERC5192).interfaceId, bytes4(0xb45a3c0e), "ERC-5192 id");
        assertEq(type(IERC5484).interfaceId, IERC5484.burnAuth.selector, "ERC-5484 id");
        assertFalse(sbt.supportsInterface(type(IZkSBT).interfaceId), "not advertised");
    }

    function test_burnAuthAndLocked_revertAfterBurn() public {
        uint256 id = mintSelf(aliceKey, 11);
        vm.expectRevert(abi.encodeWithSelector(IERC721Errors.ERC721NonexistentToken.selector, 2));
        sbt.burnAuth(2);
        vm.prank(alice);
        sbt.burn(id, new uint256[](0));
        vm.expectRevert(abi.encodeWithSelector(IERC721Errors.ERC721NonexistentToken.selector, id));
        sbt.locked(id);
        vm.expectRevert(abi.encodeWithSelector(IERC721Errors.ERC721NonexistentToken.selector, id));
        sbt.burnAuth(id);
    }

    function test_eip712_domainAndTypehashes() public view {
        (
            bytes1 fields,
            string memory name,
            string memory version,
            uint256 chainId,
            address verifyingContract,
            bytes32 salt,
            uint256[] memory extensions
        ) = sbt.eip712Domain();
        assertEq(fields, hex"0f");
        assertEq(name, "Masa zkSBT");
        assertEq(version, "1");
        assertEq(chainId, block.chainid);
        assertEq(verifyingContract, address(sbt));
        assertEq(salt, bytes32(0));
        assertEq(extensions.length, 0);
        bytes32 expected = keccak256(
            abi.encode(
                keccak256(
                    "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"
                ),
                keccak256("Masa zkSBT"),
                keccak256("1"),
                block.chainid,
                address(sbt)
            )
        );
        assertEq(sbt.DOMAIN_SEPARATOR(), expected);
        assertEq(
            sbt.CONSENT_TYPEHASH(),
            keccak256(
                "Consent(address owner,uint256 schemaId,uint256 commitment,bytes32 ciphertextHash,address issuer,uint64 expiry,uint256 nonce,uint256 deadline)"
            )
        );
        assertEq(
            sbt.ATTESTATION_TYPEHASH(),
            keccak256(
                "Attestation(address owner,uint256 schemaId,uint256 commitment,uint64 expiry,uint256 nonce,uint256 deadline)"
            )
        );
    }

    function test_mint_emitsRecordMintedAndLeafInserted() public {
        IZkSBT.MintRequest memory req = request(alice, ATTESTED, 21, issuer);
        req.expiry = uint64(block.timestamp + 30 days);
        bytes memory consent = sign(aliceKey, consentDigest(req));
        bytes memory att = sign(issuerKey, attestationDigest(req));
        uint256 expected = leaf(21, req.expiry);
        assertNotEq(expected, leaf(21), "the leaf binds the expiry");
        vm.expectEmit(address(sbt));
        emit IZkSBT.LeafInserted(0, expected, expected);
        vm.expectEmit(address(sbt));
        emit IZkSBT.RecordMinted(1, alice, ATTESTED, 21, issuer, 0, req.expiry, req.ciphertext);
        sbt.mint(req, consent, att);
        IZkSBT.Record memory rec = sbt.record(1);
        assertEq(rec.expiry, req.expiry);
        assertEq(rec.leafIndex, 0);
        assertFalse(rec.revoked);
    }

    // ------------------------------------------------------------------ consent (more)

    function test_consent_wrongNonce_reverts_andFailedMintsConsumeNoNonce() public {
        IZkSBT.MintRequest memory req = request(alice, ATTESTED, 21, issuer);
        req.consentNonce = 1; // skips 0
        bytes memory consent = sign(aliceKey, consentDigest(req));
        bytes memory att = sign(issuerKey, attestationDigest(req));
        vm.expectRevert(abi.encodeWithSelector(IZkSBT.ZkSBT__InvalidNonce.selector, alice, 0));
        sbt.mint(req, consent, att);
        req.consentNonce = 0;
        consent = sign(aliceKey, consentDigest(req));
        bytes memory forged = sign(bobKey, attestationDigest(req));
        vm.expectRevert(IZkSBT.ZkSBT__InvalidAttestation.selector);
        sbt.mint(req, consent, forged);
        assertEq(sbt.consentNonce(alice), 0, "a failed mint consumes no consent nonce");
        assertFalse(sbt.attestationNonceUsed(issuer, req.attestationNonce), "nor an attestation nonce");
        sbt.mint(req, consent, att);
        assertEq(sbt.consentNonce(alice), 1);
        assertTrue(sbt.attestationNonceUsed(issuer, req.attestationNonce));
    }

    function test_consent_deadlineIsInclusive() public {
        IZkSBT.MintRequest memory req = request(alice, SELF, 11, address(0));
        bytes memory consent = sign(aliceKey, consentDigest(req));
        vm.warp(req.consentDeadline);
        sbt.mint(req, consent, "");
    }

    function test_consent_malformedSignatures_revertAsInvalidConsent() public {
        IZkSBT.MintRequest memory req = request(alice, SELF, 11, address(0));
        vm.expectRevert(IZkSBT.ZkSBT__InvalidConsent.selector);
        sbt.mint(req, "", "");
        vm.expectRevert(IZkSBT.ZkSBT__InvalidConsent.selector);
        sbt.mint(req, new bytes(65), "");
        bytes memory good = sign(aliceKey, consentDigest(req));
        bytes memory truncated = new bytes(64);
        for (uint256 i; i < 64; ++i) {
            truncated[i] = good[i];
        }
        vm.expectRevert(IZkSBT.ZkSBT__InvalidConsent.selector);
        sbt.mint(req, truncated, "");
    }

    /// The consent covers every field it names: change any one after signing and it fails.
    function testFuzz_consent_boundToEveryField(uint8 which) public {
        IZkSBT.MintRequest memory req = request(alice, SELF, 11, address(0));
        bytes memory consent = sign(aliceKey, consentDigest(req));
        which %= 6;
        if (which == 0) req.commitment = 12;
        else if (which == 1) req.ciphertext = "sealed:other";
        else if (which == 2) req.expiry = uint64(block.timestamp + 1);
        else if (which == 3) req.consentDeadline += 1;
        else if (which == 4) req.schemaId = ATTESTED + 1; // registered below, self-attestable
        else req.owner = bob;
        vm.prank(dao);
        registry.setSchema(ATTESTED + 1, IIssuerRegistry.Schema("ipfs://other", true, true));
        vm.expectRevert(IZkSBT.ZkSBT__InvalidConsent.selector);
        sbt.mint(req, consent, "");
    }

    function test_consent_forAnotherRegistry_isRejected() public {
        ZkSBT other = new ZkSBT(IDisclosureVerifier(address(verifier)), registry, WINDOW);
        IZkSBT.MintRequest memory req = request(alice, SELF, 11, address(0));
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
        bytes memory forOther =
            sign(aliceKey, keccak256(abi.encodePacked("\x19\x01", other.DOMAIN_SEPARATOR(), structHash)));
        vm.expectRevert(IZkSBT.ZkSBT__InvalidConsent.selector);
        sbt.mint(req, forOther, "");
        other.mint(req, forOther, ""); // where it was meant to be used
    }

    function test_consent_smartAccount_replayRejected() public {
        TestSmartAccount account = new TestSmartAccount(bob);
        IZkSBT.MintRequest memory req = request(address(account), SELF, 11, address(0));
        bytes memory consent = sign(bobKey, consentDigest(req));
        uint256 id = sbt.mint(req, consent, "");
        vm.prank(address(account)); // the account itself burns (ERC-1271 owners act by calling)
        sbt.burn(id, new uint256[](0));
        vm.expectRevert(abi.encodeWithSelector(IZkSBT.ZkSBT__InvalidNonce.selector, address(account), 1));
        sbt.mint(req, consent, "");
    }

    function test_consent_contractWithoutErc1271_cannotConsent() public {
        address noWallet = address(registry); // a contract with code but no isValidSignature
        IZkSBT.MintRequest memory req = request(noWallet, SELF, 11, address(0));
        bytes memory consent = sign(aliceKey, consentDigest(req));
        vm.expectRevert(IZkSBT.ZkSBT__InvalidConsent.selector);
        sbt.mint(req, consent, "");
    }

    // ------------------------------------------------------------------ attestation (more)

    function test_attestation_boundToCommitmentAndExpiry() public {
        IZkSBT.MintRequest memory req = request(alice, ATTESTED, 21, issuer);
        bytes memory att = sign(issuerKey, attestationDigest(req));
        req.commitment = 22; // the owner re-consents to another record; the attestation was not for it
        bytes memory consent = sign(aliceKey, consentDigest(req));
        vm.expectRevert(IZkSBT.ZkSBT__InvalidAttestation.selector);
        sbt.mint(req, consent, att);
        req.commitment = 21;
        req.expiry = uint64(block.timestamp + 1 days);
        consent = sign(aliceKey, consentDigest(req));
        vm.expectRevert(IZkSBT.ZkSBT__InvalidAttestation.selector);
        sbt.mint(req, consent, att);
        req.expiry = 0;
        req.owner = bob; // attested for alice, consented by bob
        req.consentNonce = 0;
        consent = sign(bobKey, consentDigest(req));
        vm.expectRevert(IZkSBT.ZkSBT__InvalidAttestation.selector);
        sbt.mint(req, consent, att);
    }

    function test_attestation_consentSignatureIsNoAttestation() public {
        // the issuer mints for itself: its consent must not double as its attestation
        vm.prank(dao);
        registry.setIssuerSchema(issuer, SELF, true);
        IZkSBT.MintRequest memory req = request(issuer, SELF, 21, issuer);
        bytes memory consent = sign(issuerKey, consentDigest(req));
        vm.expectRevert(IZkSBT.ZkSBT__InvalidAttestation.selector);
        sbt.mint(req, consent, consent);
        sbt.mint(req, consent, sign(issuerKey, attestationDigest(req)));
    }

    function test_attestation_bySmartAccountIssuer() public {
        TestSmartAccount bureau = new TestSmartAccount(bob);
        vm.startPrank(dao);
        registry.setIssuer(address(bureau), "Bureau (multisig)", true);
        registry.setIssuerSchema(address(bureau), ATTESTED, true);
        vm.stopPrank();
        IZkSBT.MintRequest memory req = request(alice, ATTESTED, 21, address(bureau));
        uint256 id = sbt.mint(req, sign(aliceKey, consentDigest(req)), sign(bobKey, attestationDigest(req)));
        assertEq(sbt.record(id).issuer, address(bureau));
        assertTrue(sbt.attestationNonceUsed(address(bureau), req.attestationNonce));
    }

    function test_attestation_reactivatedOrAnySchemaIssuer() public {
        vm.prank(dao);
        registry.setIssuer(issuer, "Credit bureau", false);
        IZkSBT.MintRequest memory req = request(alice, ATTESTED, 21, issuer);
        bytes memory consent = sign(aliceKey, consentDigest(req));
        bytes memory att = sign(issuerKey, attestationDigest(req));
        vm.expectRevert(abi.encodeWithSelector(IZkSBT.ZkSBT__NotAnIssuer.selector, issuer, ATTESTED));
        sbt.mint(req, consent, att);
        vm.startPrank(dao);
        registry.setIssuer(issuer, "Credit bureau", true);
        registry.setIssuerAnySchema(issuer, true);
        registry.setSchema(7, IIssuerRegistry.Schema("ipfs://later", false, true));
        vm.stopPrank();
        sbt.mint(req, consent, att);
        // any schema, including one registered after the permission and a self-attestable one
        mintAttestedAs(aliceKey, 7, 31);
        mintAttestedAs(bobKey, SELF, 32);
    }

    function test_attestation_inactiveSchema_reverts() public {
        vm.prank(dao);
        registry.setSchema(ATTESTED, IIssuerRegistry.Schema("ipfs://credit", false, false));
        IZkSBT.MintRequest memory req = request(alice, ATTESTED, 21, issuer);
        bytes memory consent = sign(aliceKey, consentDigest(req));
        bytes memory att = sign(issuerKey, attestationDigest(req));
        vm.expectRevert(abi.encodeWithSelector(IZkSBT.ZkSBT__SchemaNotActive.selector, ATTESTED));
        sbt.mint(req, consent, att);
    }

    function mintAttestedAs(uint256 ownerKey, uint256 schemaId, uint256 commitment)
        internal
        returns (uint256)
    {
        IZkSBT.MintRequest memory req = request(vm.addr(ownerKey), schemaId, commitment, issuer);
        return sbt.mint(req, sign(ownerKey, consentDigest(req)), sign(issuerKey, attestationDigest(req)));
    }

    // ------------------------------------------------------------------ commitments (more)

    function testFuzz_commitmentOutsideTheField_reverts(uint256 c) public {
        c = bound(c, P, type(uint256).max);
        IZkSBT.MintRequest memory req = request(alice, SELF, c, address(0));
        bytes memory consent = sign(aliceKey, consentDigest(req));
        vm.expectRevert(IZkSBT.ZkSBT__InvalidCommitment.selector);
        sbt.mint(req, consent, "");
    }

    function test_commitment_largestFieldElement_isAccepted() public {
        uint256 id = mintSelf(aliceKey, P - 1);
        assertEq(sbt.tokenOfCommitment(P - 1), id);
        assertEq(sbt.root(), leaf(P - 1, 0), "one leaf: the root is the leaf");
    }

    function test_commitment_inUseByRevokedOrExpiredToken() public {
        uint64 expiry = uint64(block.timestamp + 1 days);
        uint256 expiring = mintSelfExpiring(aliceKey, 11, expiry);
        uint256 revoked = mintAttested(aliceKey, 21);
        uint256[] memory siblings = siblings1(leaf(11, expiry));
        vm.prank(issuer);
        sbt.revoke(revoked, siblings);
        // revoked: its commitment is erased, so it is free for a new (consented, attested) record
        uint256 again = mintAttested(bobKey, 21);
        assertEq(sbt.tokenOfCommitment(21), again);
        // expired but not burned: the token still holds its commitment
        vm.warp(block.timestamp + 1 days);
        IZkSBT.MintRequest memory req = request(bob, SELF, 11, address(0));
        bytes memory consent = sign(bobKey, consentDigest(req));
        vm.expectRevert(abi.encodeWithSelector(IZkSBT.ZkSBT__CommitmentInUse.selector, expiring));
        sbt.mint(req, consent, "");
    }

    // ------------------------------------------------------------------ revoke, expire (more)

    function test_revoke_erasesTheRecordButKeepsTheToken() public {
        uint256 id = mintAttested(aliceKey, 21);
        mintSelf(bobKey, 12);
        uint256 newRoot = h(0, leaf(12));
        vm.expectEmit(address(sbt));
        emit IZkSBT.LeafRemoved(0, leaf(21), newRoot);
        vm.expectEmit(address(sbt));
        emit IZkSBT.RecordRevoked(id, issuer, 21);
        vm.prank(issuer);
        sbt.revoke(id, siblings1(leaf(12)));
        IZkSBT.Record memory rec = sbt.record(id);
        assertTrue(rec.revoked);
        assertFalse(rec.inTree);
        assertEq(rec.commitment, 0, "commitment erased");
        assertEq(rec.ciphertext.length, 0, "ciphertext erased");
        assertEq(rec.schemaId, ATTESTED);
        assertEq(rec.issuer, issuer);
        assertEq(sbt.tokenOfCommitment(21), 0);
        assertEq(sbt.ownerOf(id), alice, "the token stays");
        assertTrue(sbt.locked(id));
        vm.expectEmit(address(sbt));
        emit IZkSBT.RecordBurned(id, alice, 0);
        vm.prank(alice);
        sbt.burn(id, new uint256[](0));
    }

    function test_revoke_selfAttestedOrByOthers_reverts_deactivatedIssuerStillRevokes() public {
        uint256 own = mintSelf(aliceKey, 11);
        vm.prank(issuer);
        vm.expectRevert(IZkSBT.ZkSBT__NotIssuer.selector);
        sbt.revoke(own, new uint256[](0));
        vm.prank(alice);
        vm.expectRevert(IZkSBT.ZkSBT__NotIssuer.selector);
        sbt.revoke(own, new uint256[](0));
        vm.prank(issuer);
        vm.expectRevert(abi.encodeWithSelector(IERC721Errors.ERC721NonexistentToken.selector, 9));
        sbt.revoke(9, new uint256[](0));

        uint256 id = mintAttested(bobKey, 21);
        vm.prank(dao);
        registry.setIssuer(issuer, "Credit bureau", false);
        vm.prank(issuer); // a deactivated issuer can still withdraw what it attested
        sbt.revoke(id, siblings1(leaf(11)));
        assertTrue(sbt.record(id).revoked);
        assertEq(sbt.root(), h(leaf(11), 0));
    }

    function test_expire_invalidatesEarlierRoots_andBurnStillWorks() public {
        uint256 id = mintSelfExpiring(aliceKey, 11, uint64(block.timestamp + 1 days));
        mintSelf(bobKey, 12);
        uint256 withIt = sbt.root();
        vm.warp(block.timestamp + 1 days); // expiry is inclusive: expired at `expiry`
        vm.expectEmit(address(sbt));
        emit IZkSBT.RecordExpired(id, 11);
        sbt.expire(id, siblings1(leaf(12)));
        assertFalse(sbt.isKnownRoot(withIt));
        expectConsumeRevert(dapp, disclosure(1, withIt, SELF, dapp), IZkSBT.ZkSBT__UnknownRoot.selector);
        IZkSBT.Record memory rec = sbt.record(id);
        assertFalse(rec.inTree);
        assertEq(rec.commitment, 11, "expiry only takes the leaf out; the owner decides on erasure");
        vm.prank(alice);
        sbt.burn(id, new uint256[](0));
        assertEq(sbt.tokenOfCommitment(11), 0);
    }

    function test_expire_neverExpiringOrRevoked_reverts() public {
        uint256 forever = mintSelf(aliceKey, 11);
        uint256 revoked = mintAttested(aliceKey, 21);
        vm.prank(issuer);
        sbt.revoke(revoked, siblings1(leaf(11)));
        vm.warp(block.timestamp + 3650 days);
        vm.expectRevert(IZkSBT.ZkSBT__NotExpirable.selector);
        sbt.expire(forever, new uint256[](0));
        vm.expectRevert(IZkSBT.ZkSBT__NotExpirable.selector);
        sbt.expire(revoked, new uint256[](0));
        vm.expectRevert(abi.encodeWithSelector(IERC721Errors.ERC721NonexistentToken.selector, 9));
        sbt.expire(9, new uint256[](0));
    }

    // ------------------------------------------------------------------ disclosures (more)

    function test_disclosure_exactPublicInputs_recordedByTheVerifier() public {
        mintSelf(aliceKey, 11);
        IZkSBT.Disclosure memory d = disclosure(0, 11, SELF, dapp);
        d.fieldIndex = 7;
        d.operator = 6;
        d.operandA = 18;
        d.operandB = 65;
        d.validUntil = 1_900_000_000;
        d = reprove(dapp, d);
        uint256[11] memory expected = [
            uint256(0),
            11,
            SELF,
            7,
            6,
            18,
            65,
            uint256(keccak256(abi.encode(block.chainid, address(sbt), dapp, keccak256("credit-check")))) >> 8,
            0x1234,
            uint256(keccak256(abi.encode(recipient, keccak256("loan #1")))) >> 8,
            1_900_000_000
        ];
        assertEq(d.proof[0], verifier.proofFor(expected), "the test's own input vector");
        assertEq(sbt.scopeOf(dapp, d.purpose), expected[7]);
        assertEq(sbt.messageHashOf(recipient, d.message), expected[9]);
        consumeAs(dapp, d);
    }

    /// Two records (11 never expires, 12 expires in 30 days), a direct disclosure about 12 and an
    /// anonymous one (distinct nullifiers), both valid until `validUntil`.
    function twoDisclosures(uint64 validUntil)
        internal
        returns (IZkSBT.Disclosure memory direct, IZkSBT.Disclosure memory anon)
    {
        mintSelf(aliceKey, 11);
        mintSelfExpiring(bobKey, 12, uint64(block.timestamp + 30 days));
        direct = disclosure(0, 12, SELF, dapp);
        direct.validUntil = validUntil;
        direct = reprove(dapp, direct);
        anon = disclosure(1, sbt.root(), SELF, dapp);
        anon.nullifier = 0x5678;
        anon.validUntil = validUntil;
        anon = reprove(dapp, anon);
    }

    /// `validUntil` is inclusive: at `block.timestamp == validUntil` both entry points accept, in
    /// both modes.
    function test_disclosure_atValidUntil_isAccepted_inBothModes() public {
        uint64 validUntil = uint64(block.timestamp + 1 hours);
        (IZkSBT.Disclosure memory direct, IZkSBT.Disclosure memory anon) = twoDisclosures(validUntil);
        vm.warp(validUntil);
        assertTrue(sbt.verifyDisclosure(dapp, direct), "direct: valid at validUntil");
        assertTrue(sbt.verifyDisclosure(dapp, anon), "anonymous: valid at validUntil");
        consumeAs(dapp, direct);
        consumeAs(dapp, anon);
        assertTrue(sbt.nullifierUsed(direct.nullifier));
        assertTrue(sbt.nullifierUsed(anon.nullifier));
    }

    /// One second after `validUntil`, `ZkSBT__DisclosureExpired` from both entry points
    /// (`expectConsumeRevert` checks `verifyDisclosure` too), in both modes, even though the
    /// records are alive and the proofs valid; a later `validUntil` needs a new proof.
    function test_disclosure_pastValidUntil_isExpired_inBothModes() public {
        uint64 validUntil = uint64(block.timestamp + 1 hours);
        (IZkSBT.Disclosure memory direct, IZkSBT.Disclosure memory anon) = twoDisclosures(validUntil);
        vm.warp(uint256(validUntil) + 1);
        expectConsumeRevert(dapp, direct, IZkSBT.ZkSBT__DisclosureExpired.selector);
        expectConsumeRevert(dapp, anon, IZkSBT.ZkSBT__DisclosureExpired.selector);
        assertFalse(sbt.nullifierUsed(direct.nullifier), "a refused disclosure records nothing");
        // validUntil is a public input: extending it invalidates the proof, a new one is accepted
        direct.validUntil = validUntil + 1 hours;
        anon.validUntil = validUntil + 1 hours;
        expectConsumeRevert(dapp, direct, IZkSBT.ZkSBT__InvalidProof.selector);
        expectConsumeRevert(dapp, anon, IZkSBT.ZkSBT__InvalidProof.selector);
        consumeAs(dapp, reprove(dapp, direct));
        consumeAs(dapp, reprove(dapp, anon));
    }

    /// The expiry check comes right after the statement checks: an expired disclosure reports
    /// `DisclosureExpired` before any root, record or nullifier problem, but a malformed one is
    /// still reported as malformed.
    function test_disclosure_expiredCheck_order() public {
        uint64 validUntil = uint64(block.timestamp + 1 hours);
        (IZkSBT.Disclosure memory direct, IZkSBT.Disclosure memory anon) = twoDisclosures(validUntil);
        vm.warp(uint256(validUntil) + 1);
        IZkSBT.Disclosure memory unknownRoot = disclosure(1, 777, SELF, dapp);
        unknownRoot.validUntil = validUntil;
        expectConsumeRevert(dapp, reprove(dapp, unknownRoot), IZkSBT.ZkSBT__DisclosureExpired.selector);
        IZkSBT.Disclosure memory noRecord = disclosure(0, 99, SELF, dapp);
        noRecord.validUntil = validUntil;
        expectConsumeRevert(dapp, reprove(dapp, noRecord), IZkSBT.ZkSBT__DisclosureExpired.selector);
        direct.proof[0] ^= 1; // and before the proof
        expectConsumeRevert(dapp, direct, IZkSBT.ZkSBT__DisclosureExpired.selector);
        anon.operator = 7;
        expectConsumeRevert(dapp, anon, IZkSBT.ZkSBT__MalformedStatement.selector);
        anon.operator = 5;
        anon.mode = 2;
        expectConsumeRevert(dapp, anon, IZkSBT.ZkSBT__InvalidMode.selector);
    }

    /// `validUntil` reaches the verifier as the last public input, `input[10]`: a double that
    /// accepts exactly when `input[10] == proof[0]`.
    function test_disclosure_validUntil_isPublicInput10() public {
        LastInputVerifier last = new LastInputVerifier();
        sbt = new ZkSBT(IDisclosureVerifier(address(last)), registry, WINDOW);
        mintSelf(aliceKey, 11);
        IZkSBT.Disclosure memory d = disclosure(0, 11, SELF, dapp);
        d.validUntil = type(uint64).max;
        d.proof[0] = uint256(type(uint64).max) - 1;
        expectConsumeRevert(dapp, d, IZkSBT.ZkSBT__InvalidProof.selector);
        d.proof[0] = type(uint64).max;
        assertTrue(sbt.verifyDisclosure(dapp, d));
        consumeAs(dapp, d);
        IZkSBT.Disclosure memory anon = disclosure(1, sbt.root(), SELF, dapp);
        anon.nullifier = 0x5678;
        anon.validUntil = uint64(block.timestamp);
        anon.proof[0] = block.timestamp;
        consumeAs(dapp, anon);
    }

    /// The leaf of every record is `PoseidonT3(commitment, expiry)` (never the bare commitment),
    /// with and without expiry: the emitted leaves and the root match leaves computed here.
    function test_mint_leafIsPoseidonOfCommitmentAndExpiry() public {
        uint64 expiry = uint64(block.timestamp + 1 days);
        uint256 forever = leaf(11, 0);
        uint256 expiring = leaf(12, expiry);
        uint256 attested = leaf(21, expiry + 1);
        assertNotEq(forever, 11, "not the bare commitment");
        assertNotEq(expiring, leaf(12, 0), "the leaf binds the expiry");
        assertNotEq(attested, leaf(21, expiry), "every second of it");
        uint256 root2 = h(forever, expiring);
        uint256 root3 = h(root2, attested); // the third leaf is carried up unhashed
        vm.expectEmit(address(sbt));
        emit IZkSBT.LeafInserted(0, forever, forever);
        mintSelf(aliceKey, 11);
        vm.expectEmit(address(sbt));
        emit IZkSBT.LeafInserted(1, expiring, root2);
        mintSelfExpiring(bobKey, 12, expiry);
        vm.expectEmit(address(sbt));
        emit IZkSBT.LeafInserted(2, attested, root3);
        mintAttestedExpiring(aliceKey, 21, expiry + 1);
        assertEq(sbt.root(), root3);
    }

    /// Burn, revoke and expire each remove the record's own leaf `PoseidonT3(commitment, expiry)`
    /// (recomputed from the stored record), emit it, and leave the root a model tree predicts.
    function test_burnRevokeExpire_removeTheRecordsLeaf() public {
        uint64 expiry = uint64(block.timestamp + 1 days);
        uint256[4] memory l = [leaf(11, expiry), leaf(12, expiry + 1), leaf(21, expiry + 2), leaf(13)];
        uint256 burned = mintSelfExpiring(aliceKey, 11, expiry);
        uint256 expired = mintSelfExpiring(bobKey, 12, expiry + 1);
        uint256 revoked = mintAttestedExpiring(aliceKey, 21, expiry + 2);
        mintSelf(bobKey, 13);
        assertEq(sbt.root(), h(h(l[0], l[1]), h(l[2], l[3])));

        uint256[] memory siblings = siblings2(l[1], h(l[2], l[3]));
        uint256 root = h(h(0, l[1]), h(l[2], l[3]));
        vm.expectEmit(address(sbt));
        emit IZkSBT.LeafRemoved(0, l[0], root);
        vm.prank(alice);
        sbt.burn(burned, siblings);
        assertEq(sbt.root(), root, "burn: expiring leaf removed");

        siblings = siblings2(l[3], h(0, l[1]));
        root = h(h(0, l[1]), h(0, l[3]));
        vm.expectEmit(address(sbt));
        emit IZkSBT.LeafRemoved(2, l[2], root);
        vm.prank(issuer);
        sbt.revoke(revoked, siblings);
        assertEq(sbt.root(), root, "revoke: expiring leaf removed");

        vm.warp(expiry + 1);
        siblings = siblings2(0, h(0, l[3]));
        root = h(h(0, 0), h(0, l[3]));
        vm.expectEmit(address(sbt));
        emit IZkSBT.LeafRemoved(1, l[1], root);
        sbt.expire(expired, siblings);
        assertEq(sbt.root(), root, "expire: expiring leaf removed");
        assertFalse(sbt.record(expired).inTree);
    }

    /// Siblings built for the bare commitment (the old leaf) no longer prove a record's leaf.
    function test_removal_withTheBareCommitmentAsSibling_reverts() public {
        uint256 id = mintSelf(aliceKey, 11);
        mintSelf(bobKey, 12);
        vm.prank(alice);
        vm.expectRevert(); // LeanIMT's WrongSiblingNodes
        sbt.burn(id, siblings1(12));
        assertEq(sbt.root(), h(leaf(11), leaf(12)));
    }

    function test_disclosure_consumerA_proofUselessToConsumerB() public {
        mintSelf(aliceKey, 11);
        address other = makeAddr("other-dapp");
        IZkSBT.Disclosure memory d = disclosure(0, 11, SELF, dapp);
        assertTrue(sbt.verifyDisclosure(dapp, d));
        assertFalse(sbt.verifyDisclosure(other, d));
        expectConsumeRevert(other, d, IZkSBT.ZkSBT__InvalidProof.selector);
        assertFalse(sbt.nullifierUsed(d.nullifier), "a failed consume records nothing");
        // the same owner proving for the other consumer gets another scope (and nullifier)
        IZkSBT.Disclosure memory forOther = disclosure(0, 11, SELF, other);
        forOther.nullifier = 0x5678;
        forOther = reprove(other, forOther);
        consumeAs(other, forOther);
        consumeAs(dapp, d);
    }

    function test_disclosure_boundToTheChain() public {
        mintSelf(aliceKey, 11);
        IZkSBT.Disclosure memory d = disclosure(0, 11, SELF, dapp);
        vm.chainId(block.chainid + 1);
        expectConsumeRevert(dapp, d, IZkSBT.ZkSBT__InvalidProof.selector);
    }

    function test_disclosure_nullifierSpentAcrossModes() public {
        mintSelf(aliceKey, 11);
        consumeAs(dapp, disclosure(0, 11, SELF, dapp));
        expectConsumeRevert(dapp, disclosure(1, sbt.root(), SELF, dapp), IZkSBT.ZkSBT__NullifierUsed.selector);
    }

    function test_disclosure_nonCanonicalNullifier_rejected() public {
        mintSelf(aliceKey, 11);
        IZkSBT.Disclosure memory d = disclosure(0, 11, SELF, dapp);
        consumeAs(dapp, d);
        d.nullifier += P; // the same field element: must not count as a fresh nullifier
        d = reprove(dapp, d);
        expectConsumeRevert(dapp, d, IZkSBT.ZkSBT__MalformedStatement.selector);
    }

    function test_disclosure_evictedRoot_rejected() public {
        mintSelf(aliceKey, 11);
        uint256 old = sbt.root();
        for (uint256 c = 12; c < 12 + WINDOW; ++c) {
            mintSelf(bobKey, c);
        }
        expectConsumeRevert(dapp, disclosure(1, old, SELF, dapp), IZkSBT.ZkSBT__UnknownRoot.selector);
        consumeAs(dapp, disclosure(1, sbt.root(), SELF, dapp));
    }

    function test_disclosure_emptiedTree_rootZeroRejected() public {
        uint256 id = mintSelf(aliceKey, 11);
        vm.prank(alice);
        sbt.burn(id, new uint256[](0));
        assertEq(sbt.root(), 0);
        assertFalse(sbt.isKnownRoot(0));
        expectConsumeRevert(dapp, disclosure(1, 0, SELF, dapp), IZkSBT.ZkSBT__UnknownRoot.selector);
        expectConsumeRevert(dapp, disclosure(0, 0, SELF, dapp), IZkSBT.ZkSBT__RecordNotUsable.selector);
    }

    function test_disclosure_anonymous_emitsAndNeverLeaksPrivateData() public {
        mintSelf(aliceKey, 11);
        mintSelf(bobKey, 12);
        IZkSBT.Disclosure memory d = disclosure(1, sbt.root(), SELF, dapp);
        uint256 scope = sbt.scopeOf(dapp, d.purpose);
        uint256 root = h(leaf(11), leaf(12));
        vm.expectEmit(address(sbt));
        emit IZkSBT.DisclosureConsumed(
            dapp, d.purpose, d.nullifier, scope, 1, root, SELF, 0, 5, 700, 0, recipient, d.message
        );
        consumeAs(dapp, d);
    }

    function testFuzz_scopeAndMessageHash_areFieldElements(
        address consumer,
        bytes32 purpose,
        address to,
        bytes32 m
    ) public view {
        assertLt(sbt.scopeOf(consumer, purpose), P);
        assertLt(sbt.messageHashOf(to, m), P);
        assertEq(
            sbt.scopeOf(consumer, purpose),
            uint256(keccak256(abi.encode(block.chainid, address(sbt), consumer, purpose))) >> 8
        );
    }

    /// For arbitrary disclosures (valid or not), `verifyDisclosure` never reverts and agrees with
    /// what `consumeDisclosure` does.
    function testFuzz_verifyDisclosure_agreesWithConsume(
        uint8 mode,
        uint8 rootKind,
        uint256 field,
        uint256 op,
        uint256 a,
        uint256 nullifier,
        bool honestProof,
        bool asOther,
        uint8 untilKind
    ) public {
        mintSelf(aliceKey, 11);
        mintSelf(bobKey, 12);
        IZkSBT.Disclosure memory d = disclosure(mode % 3, 11, SELF, dapp);
        // a second too late, just in time, or in an hour
        uint64 now_ = uint64(block.timestamp);
        d.validUntil = [now_ - 1, now_, now_ + 1 hours][untilKind % 3];
        rootKind %= 4;
        d.root = rootKind == 0 ? 11 : rootKind == 1 ? sbt.root() : rootKind == 2 ? 12 : 99;
        d.fieldIndex = field % 10;
        d.operator = op % 9;
        d.operandA = a % 2 == 0 ? a % (uint256(type(uint64).max) + 1) : a; // half in range
        d.nullifier = nullifier;
        d = reprove(dapp, d);
        if (!honestProof) d.proof[0] ^= 1;
        address consumer = asOther ? bob : dapp;
        bool verified = sbt.verifyDisclosure(consumer, d);
        vm.prank(consumer);
        try sbt.consumeDisclosure(d) {
            assertTrue(verified, "consumed: verifyDisclosure said true");
            assertTrue(sbt.nullifierUsed(nullifier));
        } catch {
            assertFalse(verified, "reverted: verifyDisclosure said false");
            assertFalse(sbt.nullifierUsed(nullifier));
        }
    }
}

/// @notice A verifier double that accepts exactly when the last public input (`validUntil`) equals
/// `proof[0]`, whatever the other inputs.
contract LastInputVerifier is IDisclosureVerifier {
    error ProofInvalid();

    function verifyProof(uint256[8] calldata proof, uint256[11] calldata input) external pure {
        if (input[10] != proof[0]) revert ProofInvalid();
    }
}
