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

    function test_Mint_SelfAttested_RecordsEverything() public {
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
        assertEq(rec.treeId, 0);
        assertEq(rec.leafIndex, 0);
        assertEq(rec.ciphertext, abi.encodePacked("sealed:", uint256(11)));
        uint256 expected = leaf(11, SELF, address(0), 0, identity(alice));
        assertEq(expectedLeaf[id], expected);
        assertEq(sbt.leafAt(0, 0), expected);
        assertEq(sbt.root(), expected, "one leaf: the root is the leaf");
        assertTrue(sbt.isKnownRoot(expected));
        assertEq(sbt.consentNonce(alice), 1);
        assertEq(sbt.identityOf(alice), identity(alice));
    }

    function test_Mint_EmitsLockedAndIssued() public {
        IZkSBT.MintRequest memory req = request(alice, SELF, 11, address(0));
        bytes memory consent = sign(aliceKey, consentDigest(req));
        vm.expectEmit(address(sbt));
        emit IERC5192.Locked(1);
        vm.expectEmit(address(sbt));
        emit IERC5484.Issued(address(0), alice, 1, IERC5484.BurnAuth.OwnerOnly);
        sbt.mint(req, consent, "");
    }

    function test_RevertWhen_TransferringOrApproving() public {
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

    function testFuzz_NoTransferEverSucceeds(address caller, address to) public {
        uint256 id = mintSelf(aliceKey, 11);
        vm.prank(caller);
        vm.expectRevert(); // Soulbound, or ERC721InvalidReceiver for the zero address
        sbt.transferFrom(alice, to, id);
        assertEq(sbt.ownerOf(id), alice);
    }

    /// The metadata is on-chain JSON of the public fields only, written out here by hand.
    function test_TokenURI_PublicFieldsOnly() public {
        vm.warp(1_700_000_000);
        IZkSBT.MintRequest memory req = request(alice, ATTESTED, 21, issuer);
        req.expiry = 1_800_000_000;
        uint256 id = mintRequest(aliceKey, req);
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
        sbt.revoke(id);
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

    /// The registry's own JSON escaping and address formatting (written for code size) produce
    /// exactly what OpenZeppelin's `Strings.escapeJSON` and `Strings.toHexString` do, for any
    /// schema URI (every special character included) and any issuer address.
    function testFuzz_TokenURI_EscapingAndHex_MatchOpenZeppelin(bytes memory uriBytes, uint256 key) public {
        key = bound(key, 1, 2 ** 160);
        address anyIssuer = vm.addr(key);
        // every byte JSON escaping cares about, wherever the fuzzer puts them
        string memory uri = string.concat(string(uriBytes), '"\\\x08\t\n\x0c\r/\x01\x1f\x7f');
        vm.startPrank(dao);
        registry.setSchema(ATTESTED, IIssuerRegistry.Schema(uri, false, true));
        registry.setIssuer(anyIssuer, "any", true);
        registry.setIssuerSchema(anyIssuer, ATTESTED, true);
        vm.stopPrank();
        IZkSBT.MintRequest memory req = request(alice, ATTESTED, 21, anyIssuer);
        uint256 id = sbt.mint(req, sign(aliceKey, consentDigest(req)), sign(key, attestationDigest(req)));
        string memory json = string.concat(
            '{"name":"Masa zkSBT #1","description":"Soulbound zero-knowledge data token: a commitment to a private record, proven about without revealing it.","attributes":[',
            '{"trait_type":"schema","value":"2"},{"trait_type":"schema_uri","value":"',
            Strings.escapeJSON(uri),
            '"},{"trait_type":"issuer","value":"',
            Strings.toHexString(anyIssuer),
            '"},{"display_type":"date","trait_type":"issued","value":',
            Strings.toString(block.timestamp),
            '},{"display_type":"date","trait_type":"expiry","value":0},',
            '{"trait_type":"revoked","value":"false"},{"trait_type":"soulbound","value":"true"}]}'
        );
        assertEq(sbt.tokenURI(id), string.concat("data:application/json;base64,", Base64.encode(bytes(json))));
    }

    function test_SupportsInterface() public view {
        assertTrue(sbt.supportsInterface(0xb45a3c0e), "ERC-5192");
        assertTrue(sbt.supportsInterface(type(IERC5484).interfaceId), "ERC-5484");
        assertTrue(sbt.supportsInterface(0x80ac58cd), "ERC-721");
        assertTrue(sbt.supportsInterface(0x5b5e139f), "ERC-721 metadata");
        assertTrue(sbt.supportsInterface(0x01ffc9a7), "ERC-165");
        assertFalse(sbt.supportsInterface(0xffffffff));
    }

    function test_RevertWhen_LockedOrRecordOfANonexistentToken() public {
        vm.expectRevert(abi.encodeWithSelector(IERC721Errors.ERC721NonexistentToken.selector, 7));
        sbt.locked(7);
        vm.expectRevert(abi.encodeWithSelector(IERC721Errors.ERC721NonexistentToken.selector, 7));
        sbt.record(7);
    }

    // ------------------------------------------------------------------ consent

    function test_RevertWhen_ConsentHasTheWrongSigner() public {
        IZkSBT.MintRequest memory req = request(alice, SELF, 11, address(0));
        bytes memory consent = sign(bobKey, consentDigest(req));
        vm.expectRevert(abi.encodeWithSelector(IZkSBT.ZkSBT__InvalidConsent.selector, alice));
        sbt.mint(req, consent, "");
    }

    function test_RevertWhen_ConsentExpired() public {
        IZkSBT.MintRequest memory req = request(alice, SELF, 11, address(0));
        bytes memory consent = sign(aliceKey, consentDigest(req));
        vm.warp(req.consentDeadline + 1);
        vm.expectRevert(
            abi.encodeWithSelector(
                IZkSBT.ZkSBT__SignatureExpired.selector, req.consentDeadline, block.timestamp
            )
        );
        sbt.mint(req, consent, "");
    }

    function test_RevertWhen_ConsentReplayed() public {
        IZkSBT.MintRequest memory req = request(alice, SELF, 11, address(0));
        bytes memory consent = sign(aliceKey, consentDigest(req));
        uint256 id = sbt.mint(req, consent, "");
        vm.prank(alice);
        sbt.burn(id);
        vm.expectRevert(abi.encodeWithSelector(IZkSBT.ZkSBT__InvalidNonce.selector, alice, 1));
        sbt.mint(req, consent, "");
    }

    function test_RevertWhen_ConsentedRequestIsTampered() public {
        IZkSBT.MintRequest memory req = request(alice, SELF, 11, address(0));
        bytes memory consent = sign(aliceKey, consentDigest(req));
        req.ciphertext = "other data";
        vm.expectRevert(abi.encodeWithSelector(IZkSBT.ZkSBT__InvalidConsent.selector, alice));
        sbt.mint(req, consent, "");
    }

    function test_Consent_SmartAccount_Erc1271() public {
        TestSmartAccount account = new TestSmartAccount(bob);
        IZkSBT.MintRequest memory req = request(address(account), SELF, 11, address(0));
        uint256 id = sbt.mint(req, sign(bobKey, consentDigest(req)), "");
        assertEq(sbt.ownerOf(id), address(account));
        assertEq(sbt.identityOf(address(account)), identity(address(account)));

        IZkSBT.MintRequest memory req2 = request(address(account), SELF, 12, address(0));
        bytes memory wrong = sign(aliceKey, consentDigest(req2));
        vm.expectRevert(abi.encodeWithSelector(IZkSBT.ZkSBT__InvalidConsent.selector, address(account)));
        sbt.mint(req2, wrong, "");
    }

    // ------------------------------------------------------------------ attestation

    function test_Attested_Mint() public {
        IZkSBT.MintRequest memory req = request(alice, ATTESTED, 21, issuer);
        assertFalse(sbt.attestationNonceUsed(issuer, req.attestationNonce));
        uint256 id = mintRequest(aliceKey, req);
        assertEq(sbt.record(id).issuer, issuer);
        assertTrue(sbt.attestationNonceUsed(issuer, req.attestationNonce));
        assertEq(
            sbt.leafAt(0, 0), leaf(21, ATTESTED, issuer, 0, identity(alice)), "the leaf binds the issuer"
        );
    }

    /// Attestation nonces are unordered: an issuer signs several, owners submit them in any order;
    /// each works once, and an issuer can cancel one before it is used.
    function test_AttestationNonces_Unordered_SingleUse_Cancellable() public {
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

    function test_RevertWhen_AttestedSchemaHasNoIssuer() public {
        IZkSBT.MintRequest memory req = request(alice, ATTESTED, 21, address(0));
        bytes memory consent = sign(aliceKey, consentDigest(req));
        vm.expectRevert(abi.encodeWithSelector(IZkSBT.ZkSBT__AttestationRequired.selector, ATTESTED));
        sbt.mint(req, consent, "");
    }

    function test_RevertWhen_IssuerUnregisteredWrongSchemaOrDeactivated() public {
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

    function test_RevertWhen_AttestationForgedExpiredOrReplayed() public {
        IZkSBT.MintRequest memory req = request(alice, ATTESTED, 21, issuer);
        bytes memory consent = sign(aliceKey, consentDigest(req));
        bytes memory forged = sign(bobKey, attestationDigest(req));
        vm.expectRevert(abi.encodeWithSelector(IZkSBT.ZkSBT__InvalidAttestation.selector, issuer));
        sbt.mint(req, consent, forged);

        bytes memory att = sign(issuerKey, attestationDigest(req));
        vm.warp(req.attestationDeadline + 1);
        req.consentDeadline = block.timestamp + 1; // a fresh consent; the attestation is stale
        consent = sign(aliceKey, consentDigest(req));
        vm.expectRevert(
            abi.encodeWithSelector(
                IZkSBT.ZkSBT__SignatureExpired.selector, req.attestationDeadline, block.timestamp
            )
        );
        sbt.mint(req, consent, att);

        req = request(alice, ATTESTED, 21, issuer);
        mintRequest(aliceKey, req);
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

    function test_RevertWhen_CommitmentZeroOrOutsideTheField() public {
        IZkSBT.MintRequest memory req = request(alice, SELF, 0, address(0));
        bytes memory consent = sign(aliceKey, consentDigest(req));
        vm.expectRevert(abi.encodeWithSelector(IZkSBT.ZkSBT__InvalidCommitment.selector, 0));
        sbt.mint(req, consent, "");
        req = request(alice, SELF, P, address(0));
        consent = sign(aliceKey, consentDigest(req));
        vm.expectRevert(abi.encodeWithSelector(IZkSBT.ZkSBT__InvalidCommitment.selector, P));
        sbt.mint(req, consent, "");
    }

    /// Commitments are not unique any more (nothing global can be squatted): two owners, or one
    /// owner twice, may hold the same commitment; each gets its own leaf (its own identity).
    function test_Commitment_DuplicatesAreAllowed() public {
        uint256 a = mintSelf(aliceKey, 11);
        uint256 b = mintSelf(bobKey, 11);
        uint256 c = mintSelf(aliceKey, 11);
        assertEq(sbt.record(a).commitment, 11);
        assertEq(sbt.record(b).commitment, 11);
        assertNotEq(expectedLeaf[a], expectedLeaf[b], "another identity, another leaf");
        assertEq(expectedLeaf[a], expectedLeaf[c], "the same record twice: equal leaves");
        assertEq(sbt.leafAt(0, 0), sbt.leafAt(0, 2));
        assertEq(sbt.root(), h(h(expectedLeaf[a], expectedLeaf[b]), expectedLeaf[c]));
        // equal leaves are still separate records: burning one keeps the other in the tree
        vm.prank(alice);
        sbt.burn(a);
        assertEq(sbt.root(), h(h(0, expectedLeaf[b]), expectedLeaf[c]));
        consumeAs(dapp, direct(c, SELF, dapp));
    }

    function test_RevertWhen_SchemaInactiveOrExpiryPast() public {
        IZkSBT.MintRequest memory req = request(alice, 99, 11, address(0));
        bytes memory consent = sign(aliceKey, consentDigest(req));
        vm.expectRevert(abi.encodeWithSelector(IZkSBT.ZkSBT__SchemaNotActive.selector, 99));
        sbt.mint(req, consent, "");
        req = request(alice, SELF, 11, address(0));
        req.expiry = uint64(block.timestamp);
        consent = sign(aliceKey, consentDigest(req));
        vm.expectRevert(
            abi.encodeWithSelector(IZkSBT.ZkSBT__InvalidExpiry.selector, req.expiry, block.timestamp)
        );
        sbt.mint(req, consent, "");
    }

    // ------------------------------------------------------------------ tree

    function test_TreeRoot_MatchesLeanImt() public {
        uint256 a = mintSelf(aliceKey, 11);
        uint256 b = mintSelf(bobKey, 12);
        assertEq(sbt.root(), h(expectedLeaf[a], expectedLeaf[b]));
        uint256 c = mintSelf(aliceKey, 13);
        // the third leaf has no sibling and is carried up unhashed
        assertEq(sbt.root(), h(h(expectedLeaf[a], expectedLeaf[b]), expectedLeaf[c]));
        assertEq(sbt.treeSize(0), 3);
        assertEq(sbt.treeDepthOf(0), 2);
        assertEq(sbt.treeRoot(0), sbt.root());
        assertEq(sbt.currentTree(), 0);
        assertEq(sbt.treeDepth(), DEPTH);
        assertEq(sbt.treeRoot(1), 0, "not started");
        assertEq(sbt.treeSize(1), 0);
        assertEq(sbt.leafAt(0, 3), 0, "beyond the size");
    }

    /// A replaced root stays valid for `rootHistory` seconds after it was replaced (inclusive),
    /// the current root always; 0 and never-seen values never.
    function test_RootHistory_KeepsReplacedRootsForTheHistory() public {
        mintSelf(aliceKey, 11);
        uint256 first = sbt.root();
        assertEq(sbt.rootDeadline(first), type(uint64).max, "current");
        vm.warp(block.timestamp + 10 days); // a current root never ages
        assertTrue(sbt.isKnownRoot(first));
        mintSelf(aliceKey, 12);
        uint256 replacedAt = block.timestamp;
        assertEq(sbt.rootDeadline(first), replacedAt + ROOT_HISTORY);
        mintSelf(aliceKey, 13);
        mintSelf(aliceKey, 14);
        vm.warp(replacedAt + ROOT_HISTORY);
        assertTrue(sbt.isKnownRoot(first), "at the deadline");
        vm.warp(replacedAt + ROOT_HISTORY + 1);
        assertFalse(sbt.isKnownRoot(first), "a second later");
        assertTrue(sbt.isKnownRoot(sbt.root()));
        assertFalse(sbt.isKnownRoot(0));
        assertFalse(sbt.isKnownRoot(999));
        assertEq(sbt.rootDeadline(999), 0);
    }

    // ------------------------------------------------------------------ burn, revoke, expire

    function test_Burn_ErasesTheRecordAndRemovesTheLeaf() public {
        uint256 a = mintSelf(aliceKey, 11);
        uint256 b = mintSelf(bobKey, 12);
        uint256 c = mintSelf(bobKey, 13);
        uint256 before = sbt.root();
        vm.prank(alice);
        sbt.burn(a);
        assertEq(sbt.root(), h(h(0, expectedLeaf[b]), expectedLeaf[c]), "leaf 0 set to zero");
        assertEq(sbt.leafAt(0, 0), 0);
        assertTrue(sbt.isKnownRoot(before), "the replaced root stays valid for the history");
        assertEq(sbt.rootDeadline(before), block.timestamp + ROOT_HISTORY);
        assertTrue(sbt.isKnownRoot(sbt.root()));
        vm.expectRevert(abi.encodeWithSelector(IERC721Errors.ERC721NonexistentToken.selector, a));
        sbt.record(a);
        assertEq(sbt.balanceOf(alice), 0);
        assertEq(sbt.identityOf(alice), identity(alice), "the identity stays registered");
        mintSelf(aliceKey, 11); // the same record again (new consent)
    }

    function test_RevertWhen_BurnByAnotherThanTheOwner() public {
        uint256 a = mintSelf(aliceKey, 11);
        mintSelf(bobKey, 12);
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(IZkSBT.ZkSBT__NotOwner.selector, bob, alice));
        sbt.burn(a);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IERC721Errors.ERC721NonexistentToken.selector, 9));
        sbt.burn(9);
    }

    function test_Revoke_ByIssuerOnly_MakesTheRecordUnusable() public {
        uint256 id = mintAttested(aliceKey, 21);
        uint256 other = mintSelf(bobKey, 12);
        IZkSBT.Disclosure memory d = direct(id, ATTESTED, dapp);
        assertTrue(sbt.verifyDisclosure(dapp, d));
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IZkSBT.ZkSBT__NotIssuer.selector, alice, issuer));
        sbt.revoke(id);
        vm.prank(issuer);
        sbt.revoke(id);
        assertTrue(sbt.record(id).revoked);
        assertFalse(sbt.record(id).inTree);
        assertEq(sbt.root(), h(0, expectedLeaf[other]));
        expectConsumeRevert(dapp, d, abi.encodeWithSelector(IZkSBT.ZkSBT__RecordNotUsable.selector, id));
        vm.prank(issuer);
        vm.expectRevert(abi.encodeWithSelector(IZkSBT.ZkSBT__AlreadyRevoked.selector, id));
        sbt.revoke(id);
        // the owner can still burn it (the leaf is already out)
        vm.prank(alice);
        sbt.burn(id);
    }

    function test_Expire_RemovesAnExpiredLeaf() public {
        uint64 expiry = uint64(block.timestamp + 1 days);
        uint256 id = mintSelfExpiring(aliceKey, 11, expiry);
        uint256 other = mintSelf(bobKey, 12);
        vm.expectRevert(
            abi.encodeWithSelector(IZkSBT.ZkSBT__NotExpirable.selector, id, expiry, block.timestamp)
        );
        sbt.expire(id);
        IZkSBT.Disclosure memory d = direct(id, SELF, dapp);
        vm.warp(block.timestamp + 1 days);
        d.validUntil = uint64(block.timestamp);
        expectConsumeRevert(
            dapp, reprove(dapp, d), abi.encodeWithSelector(IZkSBT.ZkSBT__RecordNotUsable.selector, id)
        );
        vm.prank(bob); // anyone
        sbt.expire(id);
        assertEq(sbt.root(), h(0, expectedLeaf[other]));
        vm.expectRevert(
            abi.encodeWithSelector(IZkSBT.ZkSBT__NotExpirable.selector, id, expiry, block.timestamp)
        );
        sbt.expire(id);
    }

    // ------------------------------------------------------------------ disclosures

    function test_Direct_Disclosure_ConsumedOnce() public {
        uint256 id = mintSelf(aliceKey, 11);
        IZkSBT.Disclosure memory d = direct(id, SELF, dapp);
        assertTrue(sbt.verifyDisclosure(dapp, d));
        vm.expectEmit(address(sbt));
        emit IZkSBT.DisclosureConsumed(
            dapp,
            d.purpose,
            d.nullifier,
            sbt.scopeOf(dapp, d.purpose),
            0,
            id,
            expectedLeaf[id],
            SELF,
            0,
            0,
            5,
            700,
            0,
            d.recipient,
            d.message
        );
        consumeAs(dapp, d);
        assertTrue(sbt.nullifierUsed(d.nullifier));
        expectConsumeRevert(
            dapp, d, abi.encodeWithSelector(IZkSBT.ZkSBT__NullifierUsed.selector, d.nullifier)
        );
    }

    /// `checkStatement` holds for a consumable statement whatever its proof (a consumer verifying
    /// a proof of an extending circuit passes its own), and consumes nothing; the failures are the
    /// consume's (`expectConsumeRevert` checks each across this suite).
    function test_CheckStatement_IgnoresTheProof_ConsumesNothing() public {
        uint256 id = mintSelf(aliceKey, 11);
        IZkSBT.Disclosure memory d = direct(id, SELF, dapp);
        d.proof[0] = 1;
        assertFalse(sbt.verifyDisclosure(dapp, d));
        sbt.checkStatement(d);
        d = anonDisclosure(sbt.root(), SELF, dapp);
        d.proof = [uint256(0), 0, 0, 0, 0, 0, 0, 0];
        sbt.checkStatement(d);
        assertFalse(sbt.nullifierUsed(d.nullifier));
        vm.prank(alice);
        sbt.burn(id);
        d = direct(id, SELF, dapp);
        vm.expectRevert(abi.encodeWithSelector(IZkSBT.ZkSBT__RecordNotUsable.selector, id));
        sbt.checkStatement(d);
    }

    function test_Anonymous_Disclosure_AgainstRecentRoots() public {
        mintSelf(aliceKey, 11);
        mintSelf(bobKey, 12);
        uint256 inFlight = sbt.root();
        mintSelf(bobKey, 13); // a new mint does not invalidate the in-flight proof
        consumeAs(dapp, anonDisclosure(inFlight, SELF, dapp));
        expectConsumeRevert(
            dapp,
            anonDisclosure(777, SELF, dapp),
            abi.encodeWithSelector(IZkSBT.ZkSBT__UnknownRoot.selector, 777)
        );
    }

    function test_Disclosure_BoundToConsumerRecipientMessageAndPurpose() public {
        uint256 id = mintSelf(aliceKey, 11);
        IZkSBT.Disclosure memory d = direct(id, SELF, dapp);
        // a watcher replaying the proof from its own address: other scope
        expectConsumeRevert(makeAddr("front-runner"), d, IZkSBT.ZkSBT__InvalidProof.selector);
        IZkSBT.Disclosure memory redirected = direct(id, SELF, dapp);
        redirected.recipient = makeAddr("thief");
        expectConsumeRevert(dapp, redirected, IZkSBT.ZkSBT__InvalidProof.selector);
        IZkSBT.Disclosure memory otherMessage = direct(id, SELF, dapp);
        otherMessage.message = keccak256("loan #2");
        expectConsumeRevert(dapp, otherMessage, IZkSBT.ZkSBT__InvalidProof.selector);
        IZkSBT.Disclosure memory otherPurpose = direct(id, SELF, dapp);
        otherPurpose.purpose = keccak256("other");
        expectConsumeRevert(dapp, otherPurpose, IZkSBT.ZkSBT__InvalidProof.selector);
        IZkSBT.Disclosure memory otherStatement = direct(id, SELF, dapp);
        otherStatement.operandA = 600;
        expectConsumeRevert(dapp, otherStatement, IZkSBT.ZkSBT__InvalidProof.selector);
        IZkSBT.Disclosure memory otherIssuerSet = direct(id, SELF, dapp);
        otherIssuerSet.issuerSet = 5;
        expectConsumeRevert(dapp, otherIssuerSet, IZkSBT.ZkSBT__InvalidProof.selector);
        consumeAs(dapp, d); // the original still works for its consumer
    }

    function test_RevertWhen_DisclosureMalformedOrMismatched() public {
        uint256 id = mintSelf(aliceKey, 11);
        IZkSBT.Disclosure memory d = direct(id, SELF, dapp);
        d.mode = 2;
        expectConsumeRevert(
            dapp, reprove(dapp, d), abi.encodeWithSelector(IZkSBT.ZkSBT__InvalidMode.selector, 2)
        );
        d = direct(id, SELF, dapp);
        d.fieldIndex = 8;
        expectConsumeRevert(dapp, reprove(dapp, d), IZkSBT.ZkSBT__MalformedStatement.selector);
        d = direct(id, SELF, dapp);
        d.operator = 7;
        expectConsumeRevert(dapp, reprove(dapp, d), IZkSBT.ZkSBT__MalformedStatement.selector);
        d = direct(id, SELF, dapp);
        d.operandA = uint256(type(uint64).max) + 1;
        expectConsumeRevert(dapp, reprove(dapp, d), IZkSBT.ZkSBT__MalformedStatement.selector);
        d = direct(id, SELF, dapp);
        d.operandB = uint256(type(uint64).max) + 1;
        expectConsumeRevert(dapp, reprove(dapp, d), IZkSBT.ZkSBT__MalformedStatement.selector);
        d = direct(id, SELF, dapp);
        d.issuerSet = P; // not canonical
        expectConsumeRevert(dapp, reprove(dapp, d), IZkSBT.ZkSBT__MalformedStatement.selector);
        d = anonDisclosure(sbt.root(), SELF, dapp);
        d.tokenId = id; // an anonymous disclosure names no token
        expectConsumeRevert(dapp, reprove(dapp, d), IZkSBT.ZkSBT__MalformedStatement.selector);
        expectConsumeRevert(
            dapp,
            direct(id, ATTESTED, dapp),
            abi.encodeWithSelector(IZkSBT.ZkSBT__SchemaMismatch.selector, ATTESTED, SELF)
        );
        expectConsumeRevert(
            dapp,
            disclosure(0, 99, expectedLeaf[id], SELF, dapp),
            abi.encodeWithSelector(IZkSBT.ZkSBT__RecordNotUsable.selector, 99)
        );
        expectConsumeRevert(
            dapp,
            disclosure(0, id, 11, SELF, dapp),
            abi.encodeWithSelector(IZkSBT.ZkSBT__RecordNotUsable.selector, id)
        );
        expectConsumeRevert(
            dapp,
            disclosure(0, 0, expectedLeaf[id], SELF, dapp),
            abi.encodeWithSelector(IZkSBT.ZkSBT__RecordNotUsable.selector, 0)
        );
    }

    function test_BurnedRecord_CannotBeProvenInEitherMode() public {
        uint256 a = mintSelf(aliceKey, 11);
        mintSelf(bobKey, 12);
        uint256 withAlice = sbt.root();
        IZkSBT.Disclosure memory d = direct(a, SELF, dapp);
        vm.prank(alice);
        sbt.burn(a);
        expectConsumeRevert(dapp, d, abi.encodeWithSelector(IZkSBT.ZkSBT__RecordNotUsable.selector, a));
        // the root that holds the burned leaf lasts the root history, then no longer
        assertTrue(sbt.verifyDisclosure(dapp, anonDisclosure(withAlice, SELF, dapp)));
        vm.warp(block.timestamp + ROOT_HISTORY + 1);
        expectConsumeRevert(
            dapp,
            anonDisclosure(withAlice, SELF, dapp),
            abi.encodeWithSelector(IZkSBT.ZkSBT__UnknownRoot.selector, withAlice)
        );
    }

    /// Whatever the statement, the registry hands the verifier exactly the circuit's inputs.
    function testFuzz_VerifierReceivesExactlyTheCircuitInputs(
        uint8 field,
        uint8 op,
        uint64 a,
        uint64 b,
        bytes32 purpose,
        address to,
        bytes32 message,
        uint256 nullifier,
        uint64 validUntil,
        uint256 issuerSet
    ) public {
        uint256 id = mintSelf(aliceKey, 11);
        IZkSBT.Disclosure memory d = direct(id, SELF, dapp);
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
        d.issuerSet = bound(issuerSet, 0, P - 1);
        d.proof[0] = verifier.proofFor(inputs(dapp, d));
        assertTrue(sbt.verifyDisclosure(dapp, d));
        consumeAs(dapp, d);
        assertTrue(sbt.nullifierUsed(nullifier));
    }

    // ------------------------------------------------------------------ registry

    function test_Registry_OwnerOnly_AndValidation() public {
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

    function test_Soulbound_NoApprovalCanExist() public {
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
    function testFuzz_NoTransferOrApprovalPathEverSucceeds(address caller, address to, uint8 path) public {
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

    function test_InterfaceIds_AreTheStandardOnes() public view {
        assertEq(type(IERC5192).interfaceId, bytes4(0xb45a3c0e), "ERC-5192 id");
        assertEq(type(IERC5484).interfaceId, IERC5484.burnAuth.selector, "ERC-5484 id");
        assertFalse(sbt.supportsInterface(type(IZkSBT).interfaceId), "not advertised");
    }

    function test_RevertWhen_BurnAuthOrLockedAfterBurn() public {
        uint256 id = mintSelf(aliceKey, 11);
        vm.expectRevert(abi.encodeWithSelector(IERC721Errors.ERC721NonexistentToken.selector, 2));
        sbt.burnAuth(2);
        vm.prank(alice);
        sbt.burn(id);
        vm.expectRevert(abi.encodeWithSelector(IERC721Errors.ERC721NonexistentToken.selector, id));
        sbt.locked(id);
        vm.expectRevert(abi.encodeWithSelector(IERC721Errors.ERC721NonexistentToken.selector, id));
        sbt.burnAuth(id);
    }

    function test_Eip712_DomainAndTypehashes() public view {
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
                "Consent(address owner,uint256 identity,uint256 schemaId,uint256 commitment,bytes32 ciphertextHash,address issuer,uint64 expiry,uint256 nonce,uint256 deadline)"
            )
        );
        assertEq(
            sbt.ATTESTATION_TYPEHASH(),
            keccak256(
                "Attestation(address owner,uint256 schemaId,uint256 commitment,uint64 expiry,uint256 nonce,uint256 deadline)"
            )
        );
    }

    function test_Mint_EmitsRecordMintedAndLeafInserted() public {
        IZkSBT.MintRequest memory req = request(alice, ATTESTED, 21, issuer);
        req.expiry = uint64(block.timestamp + 30 days);
        bytes memory consent = sign(aliceKey, consentDigest(req));
        bytes memory att = sign(issuerKey, attestationDigest(req));
        uint256 expected = leafOf(req);
        assertNotEq(expected, leaf(21, ATTESTED, issuer, 0, identity(alice)), "the leaf binds the expiry");
        vm.expectEmit(address(sbt));
        emit IZkSBT.IdentityRegistered(alice, identity(alice));
        vm.expectEmit(address(sbt));
        emit IZkSBT.LeafInserted(0, 0, expected, expected);
        vm.expectEmit(address(sbt));
        emit IZkSBT.RecordMinted(1, alice, ATTESTED, 21, issuer, 0, 0, req.expiry, req.ciphertext);
        vm.expectEmit(address(sbt));
        emit IZkSBT.MintFeePaid(address(this), 1, ATTESTED_FEE);
        sbt.mint(req, consent, att);
        IZkSBT.Record memory rec = sbt.record(1);
        assertEq(rec.expiry, req.expiry);
        assertEq(rec.treeId, 0);
        assertEq(rec.leafIndex, 0);
        assertFalse(rec.revoked);
    }

    // ------------------------------------------------------------------ consent (more)

    function test_Consent_WrongNonceReverts_AndFailedMintsConsumeNoNonce() public {
        IZkSBT.MintRequest memory req = request(alice, ATTESTED, 21, issuer);
        req.consentNonce = 1; // skips 0
        bytes memory consent = sign(aliceKey, consentDigest(req));
        bytes memory att = sign(issuerKey, attestationDigest(req));
        vm.expectRevert(abi.encodeWithSelector(IZkSBT.ZkSBT__InvalidNonce.selector, alice, 0));
        sbt.mint(req, consent, att);
        req.consentNonce = 0;
        consent = sign(aliceKey, consentDigest(req));
        bytes memory forged = sign(bobKey, attestationDigest(req));
        vm.expectRevert(abi.encodeWithSelector(IZkSBT.ZkSBT__InvalidAttestation.selector, issuer));
        sbt.mint(req, consent, forged);
        assertEq(sbt.consentNonce(alice), 0, "a failed mint consumes no consent nonce");
        assertFalse(sbt.attestationNonceUsed(issuer, req.attestationNonce), "nor an attestation nonce");
        assertEq(sbt.identityOf(alice), 0, "nor registers an identity");
        sbt.mint(req, consent, att);
        assertEq(sbt.consentNonce(alice), 1);
        assertTrue(sbt.attestationNonceUsed(issuer, req.attestationNonce));
    }

    function test_Consent_DeadlineIsInclusive() public {
        IZkSBT.MintRequest memory req = request(alice, SELF, 11, address(0));
        bytes memory consent = sign(aliceKey, consentDigest(req));
        vm.warp(req.consentDeadline);
        sbt.mint(req, consent, "");
    }

    function test_RevertWhen_ConsentSignatureMalformed() public {
        IZkSBT.MintRequest memory req = request(alice, SELF, 11, address(0));
        vm.expectRevert(abi.encodeWithSelector(IZkSBT.ZkSBT__InvalidConsent.selector, alice));
        sbt.mint(req, "", "");
        vm.expectRevert(abi.encodeWithSelector(IZkSBT.ZkSBT__InvalidConsent.selector, alice));
        sbt.mint(req, new bytes(65), "");
        bytes memory good = sign(aliceKey, consentDigest(req));
        bytes memory truncated = new bytes(64);
        for (uint256 i; i < 64; ++i) {
            truncated[i] = good[i];
        }
        vm.expectRevert(abi.encodeWithSelector(IZkSBT.ZkSBT__InvalidConsent.selector, alice));
        sbt.mint(req, truncated, "");
    }

    /// The consent covers every field it names, the identity included: change any one after
    /// signing (as a relayer could) and it fails.
    function testFuzz_Consent_BoundToEveryField(uint8 which) public {
        IZkSBT.MintRequest memory req = request(alice, SELF, 11, address(0));
        bytes memory consent = sign(aliceKey, consentDigest(req));
        which %= 7;
        if (which == 0) req.commitment = 12;
        else if (which == 1) req.ciphertext = "sealed:other";
        else if (which == 2) req.expiry = uint64(block.timestamp + 1);
        else if (which == 3) req.consentDeadline += 1;
        else if (which == 4) req.schemaId = ATTESTED + 1; // registered below, self-attestable
        else if (which == 5) req.identity = identity(bob);
        else req.owner = bob;
        vm.prank(dao);
        registry.setSchema(ATTESTED + 1, IIssuerRegistry.Schema("ipfs://other", true, true));
        vm.expectRevert(abi.encodeWithSelector(IZkSBT.ZkSBT__InvalidConsent.selector, req.owner));
        sbt.mint(req, consent, "");
    }

    function test_RevertWhen_ConsentIsForAnotherRegistry() public {
        ZkSBT other = deploy(DEPTH);
        IZkSBT.MintRequest memory req = request(alice, SELF, 11, address(0));
        bytes memory forOther = sign(aliceKey, consentDigest(other, req));
        vm.expectRevert(abi.encodeWithSelector(IZkSBT.ZkSBT__InvalidConsent.selector, alice));
        sbt.mint(req, forOther, "");
        other.mint(req, forOther, ""); // where it was meant to be used
    }

    function test_RevertWhen_Consent_SmartAccountReplays() public {
        TestSmartAccount account = new TestSmartAccount(bob);
        IZkSBT.MintRequest memory req = request(address(account), SELF, 11, address(0));
        bytes memory consent = sign(bobKey, consentDigest(req));
        uint256 id = sbt.mint(req, consent, "");
        vm.prank(address(account)); // the account itself burns (ERC-1271 owners act by calling)
        sbt.burn(id);
        vm.expectRevert(abi.encodeWithSelector(IZkSBT.ZkSBT__InvalidNonce.selector, address(account), 1));
        sbt.mint(req, consent, "");
    }

    function test_RevertWhen_ConsentByContractWithoutErc1271() public {
        address noWallet = address(registry); // a contract with code but no isValidSignature
        IZkSBT.MintRequest memory req = request(noWallet, SELF, 11, address(0));
        bytes memory consent = sign(aliceKey, consentDigest(req));
        vm.expectRevert(abi.encodeWithSelector(IZkSBT.ZkSBT__InvalidConsent.selector, noWallet));
        sbt.mint(req, consent, "");
    }

    // ------------------------------------------------------------------ attestation (more)

    function test_Attestation_BoundToCommitmentExpiryAndOwner() public {
        IZkSBT.MintRequest memory req = request(alice, ATTESTED, 21, issuer);
        bytes memory att = sign(issuerKey, attestationDigest(req));
        req.commitment = 22; // the owner re-consents to another record; the attestation was not for it
        bytes memory consent = sign(aliceKey, consentDigest(req));
        vm.expectRevert(abi.encodeWithSelector(IZkSBT.ZkSBT__InvalidAttestation.selector, issuer));
        sbt.mint(req, consent, att);
        req.commitment = 21;
        req.expiry = uint64(block.timestamp + 1 days);
        consent = sign(aliceKey, consentDigest(req));
        vm.expectRevert(abi.encodeWithSelector(IZkSBT.ZkSBT__InvalidAttestation.selector, issuer));
        sbt.mint(req, consent, att);
        req.expiry = 0;
        req.owner = bob; // attested for alice, consented by bob
        req.identity = identity(bob);
        req.consentNonce = 0;
        consent = sign(bobKey, consentDigest(req));
        vm.expectRevert(abi.encodeWithSelector(IZkSBT.ZkSBT__InvalidAttestation.selector, issuer));
        sbt.mint(req, consent, att);
    }

    function test_Attestation_ConsentSignatureIsNoAttestation() public {
        // the issuer mints for itself: its consent must not double as its attestation
        vm.prank(dao);
        registry.setIssuerSchema(issuer, SELF, true);
        IZkSBT.MintRequest memory req = request(issuer, SELF, 21, issuer);
        bytes memory consent = sign(issuerKey, consentDigest(req));
        vm.expectRevert(abi.encodeWithSelector(IZkSBT.ZkSBT__InvalidAttestation.selector, issuer));
        sbt.mint(req, consent, consent);
        sbt.mint(req, consent, sign(issuerKey, attestationDigest(req)));
    }

    function test_Attestation_BySmartAccountIssuer() public {
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

    function test_Attestation_ReactivatedOrAnySchemaIssuer() public {
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
        mintRequest(aliceKey, request(alice, 7, 31, issuer));
        mintRequest(bobKey, request(bob, SELF, 32, issuer));
    }

    function test_RevertWhen_AttestedSchemaInactive() public {
        vm.prank(dao);
        registry.setSchema(ATTESTED, IIssuerRegistry.Schema("ipfs://credit", false, false));
        IZkSBT.MintRequest memory req = request(alice, ATTESTED, 21, issuer);
        bytes memory consent = sign(aliceKey, consentDigest(req));
        bytes memory att = sign(issuerKey, attestationDigest(req));
        vm.expectRevert(abi.encodeWithSelector(IZkSBT.ZkSBT__SchemaNotActive.selector, ATTESTED));
        sbt.mint(req, consent, att);
    }

    // ------------------------------------------------------------------ commitments (more)

    function testFuzz_RevertWhen_CommitmentOutsideTheField(uint256 c) public {
        c = bound(c, P, type(uint256).max);
        IZkSBT.MintRequest memory req = request(alice, SELF, c, address(0));
        bytes memory consent = sign(aliceKey, consentDigest(req));
        vm.expectRevert(abi.encodeWithSelector(IZkSBT.ZkSBT__InvalidCommitment.selector, c));
        sbt.mint(req, consent, "");
    }

    function test_Commitment_LargestFieldElement_IsAccepted() public {
        uint256 id = mintSelf(aliceKey, P - 1);
        assertEq(sbt.record(id).commitment, P - 1);
        assertEq(
            sbt.root(), leaf(P - 1, SELF, address(0), 0, identity(alice)), "one leaf: the root is the leaf"
        );
    }

    // ------------------------------------------------------------------ revoke, expire (more)

    function test_Revoke_ErasesTheRecordButKeepsTheToken() public {
        uint256 id = mintAttested(aliceKey, 21);
        uint256 other = mintSelf(bobKey, 12);
        uint256 newRoot = h(0, expectedLeaf[other]);
        vm.expectEmit(address(sbt));
        emit IZkSBT.LeafRemoved(0, 0, expectedLeaf[id], newRoot);
        vm.expectEmit(address(sbt));
        emit IZkSBT.RecordRevoked(id, issuer, 21);
        vm.prank(issuer);
        sbt.revoke(id);
        IZkSBT.Record memory rec = sbt.record(id);
        assertTrue(rec.revoked);
        assertFalse(rec.inTree);
        assertEq(rec.commitment, 0, "commitment erased");
        assertEq(rec.ciphertext.length, 0, "ciphertext erased");
        assertEq(rec.schemaId, ATTESTED);
        assertEq(rec.issuer, issuer);
        assertEq(sbt.ownerOf(id), alice, "the token stays");
        assertTrue(sbt.locked(id));
        vm.expectEmit(address(sbt));
        emit IZkSBT.RecordBurned(id, alice, 0);
        vm.prank(alice);
        sbt.burn(id);
    }

    function test_RevertWhen_RevokeSelfAttestedOrByOthers_DeactivatedIssuerStillRevokes() public {
        uint256 own = mintSelf(aliceKey, 11);
        vm.prank(issuer);
        vm.expectRevert(abi.encodeWithSelector(IZkSBT.ZkSBT__NotIssuer.selector, issuer, address(0)));
        sbt.revoke(own);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IZkSBT.ZkSBT__NotIssuer.selector, alice, address(0)));
        sbt.revoke(own);
        vm.prank(issuer);
        vm.expectRevert(abi.encodeWithSelector(IERC721Errors.ERC721NonexistentToken.selector, 9));
        sbt.revoke(9);

        uint256 id = mintAttested(bobKey, 21);
        vm.prank(dao);
        registry.setIssuer(issuer, "Credit bureau", false);
        vm.prank(issuer); // a deactivated issuer can still withdraw what it attested
        sbt.revoke(id);
        assertTrue(sbt.record(id).revoked);
        assertEq(sbt.root(), h(expectedLeaf[own], 0));
    }

    function test_Expire_KeepsEarlierRootsForTheHistory_AndBurnStillWorks() public {
        uint256 id = mintSelfExpiring(aliceKey, 11, uint64(block.timestamp + 1 days));
        mintSelf(bobKey, 12);
        uint256 withIt = sbt.root();
        vm.warp(block.timestamp + 1 days); // expiry is inclusive: expired at `expiry`
        vm.expectEmit(address(sbt));
        emit IZkSBT.RecordExpired(id, 11);
        sbt.expire(id);
        assertEq(sbt.rootDeadline(withIt), block.timestamp + ROOT_HISTORY);
        vm.warp(block.timestamp + ROOT_HISTORY + 1);
        assertFalse(sbt.isKnownRoot(withIt));
        expectConsumeRevert(
            dapp,
            anonDisclosure(withIt, SELF, dapp),
            abi.encodeWithSelector(IZkSBT.ZkSBT__UnknownRoot.selector, withIt)
        );
        IZkSBT.Record memory rec = sbt.record(id);
        assertFalse(rec.inTree);
        assertEq(rec.commitment, 11, "expiry only takes the leaf out; the owner decides on erasure");
        vm.prank(alice);
        sbt.burn(id);
    }

    function test_RevertWhen_ExpireNeverExpiringOrRevoked() public {
        uint256 forever = mintSelf(aliceKey, 11);
        uint256 revoked = mintAttested(aliceKey, 21);
        vm.prank(issuer);
        sbt.revoke(revoked);
        vm.warp(block.timestamp + 3650 days);
        vm.expectRevert(
            abi.encodeWithSelector(IZkSBT.ZkSBT__NotExpirable.selector, forever, 0, block.timestamp)
        );
        sbt.expire(forever);
        vm.expectRevert(
            abi.encodeWithSelector(IZkSBT.ZkSBT__NotExpirable.selector, revoked, 0, block.timestamp)
        );
        sbt.expire(revoked);
        vm.expectRevert(abi.encodeWithSelector(IERC721Errors.ERC721NonexistentToken.selector, 9));
        sbt.expire(9);
    }

    // ------------------------------------------------------------------ disclosures (more)

    function test_Disclosure_ExactPublicInputs_RecordedByTheVerifier() public {
        uint256 id = mintSelf(aliceKey, 11);
        uint256 tokenLeaf = expectedLeaf[id];
        IZkSBT.Disclosure memory d = direct(id, SELF, dapp);
        d.issuerSet = 0xabc;
        d.fieldIndex = 7;
        d.operator = 6;
        d.operandA = 18;
        d.operandB = 65;
        d.validUntil = 1_900_000_000;
        d = reprove(dapp, d);
        uint256[12] memory expected = [
            uint256(0),
            tokenLeaf,
            SELF,
            0xabc,
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
        assertEq(sbt.scopeOf(dapp, d.purpose), expected[8]);
        assertEq(sbt.messageHashOf(recipient, d.message), expected[10]);
        consumeAs(dapp, d);
    }

    /// Two records (alice's never expires, bob's expires in 30 days), a direct disclosure about
    /// bob's and an anonymous one (distinct nullifiers), both valid until `validUntil`.
    function twoDisclosures(uint64 validUntil)
        internal
        returns (IZkSBT.Disclosure memory directD, IZkSBT.Disclosure memory anon)
    {
        mintSelf(aliceKey, 11);
        uint256 id = mintSelfExpiring(bobKey, 12, uint64(block.timestamp + 30 days));
        directD = direct(id, SELF, dapp);
        directD.validUntil = validUntil;
        directD = reprove(dapp, directD);
        anon = anonDisclosure(sbt.root(), SELF, dapp);
        anon.nullifier = 0x5678;
        anon.validUntil = validUntil;
        anon = reprove(dapp, anon);
    }

    /// `validUntil` is inclusive: at `block.timestamp == validUntil` both entry points accept, in
    /// both modes.
    function test_Disclosure_AtValidUntil_IsAccepted_InBothModes() public {
        uint64 validUntil = uint64(block.timestamp + 1 hours);
        (IZkSBT.Disclosure memory directD, IZkSBT.Disclosure memory anon) = twoDisclosures(validUntil);
        vm.warp(validUntil);
        assertTrue(sbt.verifyDisclosure(dapp, directD), "direct: valid at validUntil");
        assertTrue(sbt.verifyDisclosure(dapp, anon), "anonymous: valid at validUntil");
        consumeAs(dapp, directD);
        consumeAs(dapp, anon);
        assertTrue(sbt.nullifierUsed(directD.nullifier));
        assertTrue(sbt.nullifierUsed(anon.nullifier));
    }

    /// One second after `validUntil`, `ZkSBT__DisclosureExpired` from both entry points
    /// (`expectConsumeRevert` checks `verifyDisclosure` too), in both modes, even though the
    /// records are alive and the proofs valid; a later `validUntil` needs a new proof.
    function test_RevertWhen_DisclosurePastValidUntil_InBothModes() public {
        uint64 validUntil = uint64(block.timestamp + 1 hours);
        (IZkSBT.Disclosure memory directD, IZkSBT.Disclosure memory anon) = twoDisclosures(validUntil);
        vm.warp(uint256(validUntil) + 1);
        expectConsumeRevert(
            dapp,
            directD,
            abi.encodeWithSelector(IZkSBT.ZkSBT__DisclosureExpired.selector, validUntil, block.timestamp)
        );
        expectConsumeRevert(
            dapp,
            anon,
            abi.encodeWithSelector(IZkSBT.ZkSBT__DisclosureExpired.selector, validUntil, block.timestamp)
        );
        assertFalse(sbt.nullifierUsed(directD.nullifier), "a refused disclosure records nothing");
        // validUntil is a public input: extending it invalidates the proof, a new one is accepted
        directD.validUntil = validUntil + 1 hours;
        anon.validUntil = validUntil + 1 hours;
        expectConsumeRevert(dapp, directD, IZkSBT.ZkSBT__InvalidProof.selector);
        expectConsumeRevert(dapp, anon, IZkSBT.ZkSBT__InvalidProof.selector);
        consumeAs(dapp, reprove(dapp, directD));
        consumeAs(dapp, reprove(dapp, anon));
    }

    /// The expiry check comes right after the statement checks: an expired disclosure reports
    /// `DisclosureExpired` before any root, record or nullifier problem, but a malformed one is
    /// still reported as malformed.
    function test_Disclosure_ExpiredCheck_Order() public {
        uint64 validUntil = uint64(block.timestamp + 1 hours);
        (IZkSBT.Disclosure memory directD, IZkSBT.Disclosure memory anon) = twoDisclosures(validUntil);
        vm.warp(uint256(validUntil) + 1);
        IZkSBT.Disclosure memory unknownRoot = anonDisclosure(777, SELF, dapp);
        unknownRoot.validUntil = validUntil;
        expectConsumeRevert(
            dapp,
            reprove(dapp, unknownRoot),
            abi.encodeWithSelector(IZkSBT.ZkSBT__DisclosureExpired.selector, validUntil, block.timestamp)
        );
        IZkSBT.Disclosure memory noRecord = disclosure(0, 99, 99, SELF, dapp);
        noRecord.validUntil = validUntil;
        expectConsumeRevert(
            dapp,
            reprove(dapp, noRecord),
            abi.encodeWithSelector(IZkSBT.ZkSBT__DisclosureExpired.selector, validUntil, block.timestamp)
        );
        directD.proof[0] ^= 1; // and before the proof
        expectConsumeRevert(
            dapp,
            directD,
            abi.encodeWithSelector(IZkSBT.ZkSBT__DisclosureExpired.selector, validUntil, block.timestamp)
        );
        anon.operator = 7;
        expectConsumeRevert(dapp, anon, IZkSBT.ZkSBT__MalformedStatement.selector);
        anon.operator = 5;
        anon.mode = 2;
        expectConsumeRevert(dapp, anon, abi.encodeWithSelector(IZkSBT.ZkSBT__InvalidMode.selector, 2));
    }

    /// `validUntil` reaches the verifier as the last public input, `input[11]`: a double that
    /// accepts exactly when `input[11] == proof[0]`.
    function test_Disclosure_ValidUntil_IsPublicInput11() public {
        LastInputVerifier last = new LastInputVerifier();
        sbt = deploy(DEPTH, IDisclosureVerifier(address(last)));
        uint256 id = mintSelf(aliceKey, 11);
        IZkSBT.Disclosure memory d = direct(id, SELF, dapp);
        d.validUntil = type(uint64).max;
        d.proof[0] = uint256(type(uint64).max) - 1;
        expectConsumeRevert(dapp, d, IZkSBT.ZkSBT__InvalidProof.selector);
        d.proof[0] = type(uint64).max;
        assertTrue(sbt.verifyDisclosure(dapp, d));
        consumeAs(dapp, d);
        IZkSBT.Disclosure memory anon = anonDisclosure(sbt.root(), SELF, dapp);
        anon.nullifier = 0x5678;
        anon.validUntil = uint64(block.timestamp);
        anon.proof[0] = block.timestamp;
        consumeAs(dapp, anon);
    }

    /// The leaf of every record is `PoseidonT6(commitment, schemaId, issuer, expiry, identity)`,
    /// each part of it mattering: the emitted leaves and the root match leaves computed here.
    function test_Mint_LeafBindsCommitmentSchemaIssuerExpiryAndIdentity() public {
        uint64 expiry = uint64(block.timestamp + 1 days);
        uint256 forever = leaf(11, SELF, address(0), 0, identity(alice));
        uint256 expiring = leaf(12, SELF, address(0), expiry, identity(bob));
        uint256 attested = leaf(21, ATTESTED, issuer, expiry + 1, identity(alice));
        assertNotEq(forever, leaf(11, ATTESTED, address(0), 0, identity(alice)), "the leaf binds the schema");
        assertNotEq(forever, leaf(11, SELF, issuer, 0, identity(alice)), "and the issuer");
        assertNotEq(forever, leaf(11, SELF, address(0), 1, identity(alice)), "and the expiry");
        assertNotEq(forever, leaf(11, SELF, address(0), 0, identity(bob)), "and the identity");
        uint256 root2 = h(forever, expiring);
        uint256 root3 = h(root2, attested); // the third leaf is carried up unhashed
        vm.expectEmit(address(sbt));
        emit IZkSBT.LeafInserted(0, 0, forever, forever);
        mintSelf(aliceKey, 11);
        vm.expectEmit(address(sbt));
        emit IZkSBT.LeafInserted(0, 1, expiring, root2);
        mintSelfExpiring(bobKey, 12, expiry);
        vm.expectEmit(address(sbt));
        emit IZkSBT.LeafInserted(0, 2, attested, root3);
        mintAttestedExpiring(aliceKey, 21, expiry + 1);
        assertEq(sbt.root(), root3);
    }

    /// Burn, revoke and expire each remove the record's own leaf (read from the registry's
    /// nodes: no siblings are passed), emit it, and leave the root a model tree predicts.
    function test_BurnRevokeExpire_RemoveTheRecordsLeaf() public {
        uint64 expiry = uint64(block.timestamp + 1 days);
        uint256 burned = mintSelfExpiring(aliceKey, 11, expiry);
        uint256 expired = mintSelfExpiring(bobKey, 12, expiry + 1);
        uint256 revoked = mintAttestedExpiring(aliceKey, 21, expiry + 2);
        uint256 last = mintSelf(bobKey, 13);
        uint256[4] memory l =
            [expectedLeaf[burned], expectedLeaf[expired], expectedLeaf[revoked], expectedLeaf[last]];
        assertEq(sbt.root(), h(h(l[0], l[1]), h(l[2], l[3])));

        uint256 root = h(h(0, l[1]), h(l[2], l[3]));
        vm.expectEmit(address(sbt));
        emit IZkSBT.LeafRemoved(0, 0, l[0], root);
        vm.prank(alice);
        sbt.burn(burned);
        assertEq(sbt.root(), root, "burn: expiring leaf removed");

        root = h(h(0, l[1]), h(0, l[3]));
        vm.expectEmit(address(sbt));
        emit IZkSBT.LeafRemoved(0, 2, l[2], root);
        vm.prank(issuer);
        sbt.revoke(revoked);
        assertEq(sbt.root(), root, "revoke: expiring leaf removed");

        vm.warp(expiry + 1);
        root = h(h(0, 0), h(0, l[3]));
        vm.expectEmit(address(sbt));
        emit IZkSBT.LeafRemoved(0, 1, l[1], root);
        sbt.expire(expired);
        assertEq(sbt.root(), root, "expire: expiring leaf removed");
        assertFalse(sbt.record(expired).inTree);
    }

    function test_Disclosure_ConsumerA_ProofUselessToConsumerB() public {
        uint256 id = mintSelf(aliceKey, 11);
        address other = makeAddr("other-dapp");
        IZkSBT.Disclosure memory d = direct(id, SELF, dapp);
        assertTrue(sbt.verifyDisclosure(dapp, d));
        assertFalse(sbt.verifyDisclosure(other, d));
        expectConsumeRevert(other, d, IZkSBT.ZkSBT__InvalidProof.selector);
        assertFalse(sbt.nullifierUsed(d.nullifier), "a failed consume records nothing");
        // the same owner proving for the other consumer gets another scope (and nullifier)
        IZkSBT.Disclosure memory forOther = direct(id, SELF, other);
        forOther.nullifier = 0x5678;
        forOther = reprove(other, forOther);
        consumeAs(other, forOther);
        consumeAs(dapp, d);
    }

    function test_Disclosure_BoundToTheChain() public {
        uint256 id = mintSelf(aliceKey, 11);
        IZkSBT.Disclosure memory d = direct(id, SELF, dapp);
        vm.chainId(block.chainid + 1);
        expectConsumeRevert(dapp, d, IZkSBT.ZkSBT__InvalidProof.selector);
    }

    function test_RevertWhen_NullifierSpentInTheOtherMode() public {
        uint256 id = mintSelf(aliceKey, 11);
        IZkSBT.Disclosure memory d = direct(id, SELF, dapp);
        consumeAs(dapp, d);
        expectConsumeRevert(
            dapp,
            anonDisclosure(sbt.root(), SELF, dapp),
            abi.encodeWithSelector(IZkSBT.ZkSBT__NullifierUsed.selector, d.nullifier)
        );
    }

    function test_RevertWhen_NullifierNotCanonical() public {
        uint256 id = mintSelf(aliceKey, 11);
        IZkSBT.Disclosure memory d = direct(id, SELF, dapp);
        consumeAs(dapp, d);
        d.nullifier += P; // the same field element: must not count as a fresh nullifier
        d = reprove(dapp, d);
        expectConsumeRevert(dapp, d, IZkSBT.ZkSBT__MalformedStatement.selector);
    }

    function test_RevertWhen_EmptiedTreeRootZero() public {
        uint256 id = mintSelf(aliceKey, 11);
        vm.prank(alice);
        sbt.burn(id);
        assertEq(sbt.root(), 0);
        assertFalse(sbt.isKnownRoot(0));
        expectConsumeRevert(
            dapp, anonDisclosure(0, SELF, dapp), abi.encodeWithSelector(IZkSBT.ZkSBT__UnknownRoot.selector, 0)
        );
        expectConsumeRevert(
            dapp,
            disclosure(0, id, 0, SELF, dapp),
            abi.encodeWithSelector(IZkSBT.ZkSBT__RecordNotUsable.selector, id)
        );
    }

    function test_Disclosure_Anonymous_EmitsAndNeverLeaksPrivateData() public {
        uint256 a = mintSelf(aliceKey, 11);
        uint256 b = mintSelf(bobKey, 12);
        uint256 root = h(expectedLeaf[a], expectedLeaf[b]); // before expectEmit: a library call
        IZkSBT.Disclosure memory d = anonDisclosure(root, SELF, dapp);
        uint256 scope = sbt.scopeOf(dapp, keccak256("credit-check"));
        vm.expectEmit(address(sbt));
        emit IZkSBT.DisclosureConsumed(
            dapp,
            keccak256("credit-check"),
            0x1234,
            scope,
            1,
            0,
            root,
            SELF,
            0,
            0,
            5,
            700,
            0,
            recipient,
            keccak256("loan #1")
        );
        consumeAs(dapp, d);
    }

    function testFuzz_ScopeAndMessageHash_AreFieldElements(
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
    function testFuzz_VerifyDisclosure_AgreesWithConsume(
        uint8 mode,
        uint8 rootKind,
        uint256 field,
        uint256 op,
        uint256 a,
        uint256 nullifier,
        bool honestProof,
        bool asOther,
        uint8 untilKind,
        uint8 tokenKind
    ) public {
        uint256 first = mintSelf(aliceKey, 11);
        uint256 second = mintSelf(bobKey, 12);
        IZkSBT.Disclosure memory d = direct(first, SELF, dapp);
        d.mode = mode % 3;
        // a second too late, just in time, or in an hour
        uint64 now_ = uint64(block.timestamp);
        d.validUntil = [now_ - 1, now_, now_ + 1 hours][untilKind % 3];
        rootKind %= 4;
        d.root = rootKind == 0
            ? expectedLeaf[first]
            : rootKind == 1 ? sbt.root() : rootKind == 2 ? expectedLeaf[second] : 99;
        d.tokenId = [0, first, second, 7][tokenKind % 4];
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

    // ------------------------------------------------------------------ construction

    function test_Constructor_SetsEverything() public {
        vm.expectEmit();
        emit IZkSBT.RootHistorySet(ROOT_HISTORY);
        vm.expectEmit();
        emit IZkSBT.MintFeesSet(SELF_FEE, ATTESTED_FEE);
        ZkSBT fresh = deploy(7);
        assertEq(address(fresh.verifier()), address(verifier));
        assertEq(address(fresh.issuers()), address(registry));
        assertEq(address(fresh.feeRouter()), address(feeRouter));
        assertEq(address(fresh.masa()), address(masa));
        assertEq(fresh.owner(), dao);
        assertEq(fresh.treeDepth(), 7);
        assertEq(fresh.rootHistory(), ROOT_HISTORY);
        (uint256 selfFee, uint256 attestedFee) = fresh.mintFees();
        assertEq(selfFee, SELF_FEE);
        assertEq(attestedFee, ATTESTED_FEE);
        assertEq(fresh.root(), 0);
        assertEq(fresh.currentTree(), 0);
        assertEq(fresh.MINT_FEE_KIND(), keccak256("zksbt-mint"));
    }

    function test_RevertWhen_ConstructorGetsABadDepthHistoryOrZeroAddress() public {
        IZkSBT.Config memory config = IZkSBT.Config(0, ROOT_HISTORY, 0, 0);
        IDisclosureVerifier v = IDisclosureVerifier(address(verifier));
        vm.expectRevert(abi.encodeWithSelector(IZkSBT.ZkSBT__InvalidTreeDepth.selector, 0));
        new ZkSBT(v, registry, feeRouter, dao, config);
        config.treeDepth = 21;
        vm.expectRevert(abi.encodeWithSelector(IZkSBT.ZkSBT__InvalidTreeDepth.selector, 21));
        new ZkSBT(v, registry, feeRouter, dao, config);
        config.treeDepth = 20;
        config.rootHistory = 59;
        vm.expectRevert(abi.encodeWithSelector(IZkSBT.ZkSBT__InvalidRootHistory.selector, 59));
        new ZkSBT(v, registry, feeRouter, dao, config);
        config.rootHistory = 1 days + 1;
        vm.expectRevert(abi.encodeWithSelector(IZkSBT.ZkSBT__InvalidRootHistory.selector, 1 days + 1));
        new ZkSBT(v, registry, feeRouter, dao, config);
        config.rootHistory = 1 days;
        vm.expectRevert(IZkSBT.ZkSBT__ZeroAddress.selector);
        new ZkSBT(IDisclosureVerifier(address(0)), registry, feeRouter, dao, config);
        vm.expectRevert(IZkSBT.ZkSBT__ZeroAddress.selector);
        new ZkSBT(v, IIssuerRegistry(address(0)), feeRouter, dao, config);
        vm.expectRevert(abi.encodeWithSignature("OwnableInvalidOwner(address)", address(0)));
        new ZkSBT(v, registry, feeRouter, address(0), config);
        config.treeDepth = 1;
        config.rootHistory = 1 minutes;
        assertEq(new ZkSBT(v, registry, feeRouter, dao, config).treeDepth(), 1, "the bounds are inclusive");
    }
}

/// @notice A verifier double that accepts exactly when the last public input (`validUntil`) equals
/// `proof[0]`, whatever the other inputs.
contract LastInputVerifier is IDisclosureVerifier {
    error ProofInvalid();

    function verifyProof(uint256[8] calldata proof, uint256[12] calldata input) external pure {
        if (input[11] != proof[0]) revert ProofInvalid();
    }
}
