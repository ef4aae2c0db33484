// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IZkSBT} from "../../src/interfaces/IZkSBT.sol";
import {LeanIMTModel} from "./utils/LeanIMTModel.sol";
import {ZkSBTFixture} from "./utils/ZkSBTFixture.sol";
import {PoseidonT5} from "poseidon-solidity/PoseidonT5.sol";

/// @notice Issue 12's attacks, each as the attacker would run it, against the hardened registry
/// (test-verifier doubles; the real Groth16 proofs of the same attacks run in the Rust scenarios
/// and DisclosureVerifier.t.sol). Each asserts the exact custom error, or that the honest call
/// still succeeds.
contract ZkSBTAttacksTest is ZkSBTFixture, LeanIMTModel {
    uint256 internal malloryKey = 0xBAD;
    address internal mallory;

    function setUp() public override {
        super.setUp();
        mallory = vm.addr(malloryKey);
    }

    // ================================================================== 1. the schema lie

    /// Alice's commitment says "schema 2" in its preimage, but she mints it as a self-attested
    /// schema-1 record. Its leaf is `PoseidonT6(c, 1, 0, expiry, identity)`: the leaf a proof of
    /// "schema 2" recomputes, `PoseidonT6(c, 2, 0, expiry, identity)`, is in no tree, so the root
    /// such a proof is built on is one the registry never had.
    function test_RevertWhen_SchemaLie_AnonymousClaimOfAnotherSchemaIsOnAnUnknownRoot() public {
        uint256 c = 0xC0FFEE; // its preimage claims schema 2 (a credit score)
        uint256 honestBefore = mintAttested(bobKey, 21); // an honest attested record in the tree
        uint256 lie = mintSelf(aliceKey, c);
        uint256 lieLeaf = leaf(c, SELF, address(0), 0, identity(alice));
        assertEq(expectedLeaf[lie], lieLeaf, "the registry's leaf: schema 1, self-attested");
        assertEq(sbt.leafAt(0, 1), lieLeaf);

        // the leaf a schema-2 proof of this commitment recomputes, in the tree where it would be
        uint256[] memory forged = new uint256[](2);
        forged[0] = expectedLeaf[honestBefore];
        forged[1] = leaf(c, ATTESTED, address(0), 0, identity(alice));
        uint256 forgedRoot = modelRoot(forged);
        assertNotEq(forgedRoot, sbt.root());
        assertFalse(sbt.isKnownRoot(forgedRoot));
        assertEq(sbt.rootDeadline(forgedRoot), 0, "never a root");
        expectConsumeRevert(
            dapp,
            anonDisclosure(forgedRoot, ATTESTED, dapp),
            abi.encodeWithSelector(IZkSBT.ZkSBT__UnknownRoot.selector, forgedRoot)
        );
        // nor with an attested issuer in the forged leaf (the attestation class is bound too)
        forged[1] = leaf(c, ATTESTED, issuer, 0, identity(alice));
        forgedRoot = modelRoot(forged);
        expectConsumeRevert(
            dapp,
            anonDisclosure(forgedRoot, ATTESTED, dapp),
            abi.encodeWithSelector(IZkSBT.ZkSBT__UnknownRoot.selector, forgedRoot)
        );
    }

    /// The same lie in direct mode: the token's record says schema 1.
    function test_RevertWhen_SchemaLie_DirectClaimOfAnotherSchema() public {
        uint256 lie = mintSelf(aliceKey, 0xC0FFEE);
        expectConsumeRevert(
            dapp,
            direct(lie, ATTESTED, dapp),
            abi.encodeWithSelector(IZkSBT.ZkSBT__SchemaMismatch.selector, ATTESTED, SELF)
        );
        // and a "leaf" recomputed with schema 2 is not the token's leaf
        uint256 forgedLeaf = leaf(0xC0FFEE, ATTESTED, address(0), 0, identity(alice));
        expectConsumeRevert(
            dapp,
            disclosure(0, lie, forgedLeaf, ATTESTED, dapp),
            abi.encodeWithSelector(IZkSBT.ZkSBT__RecordNotUsable.selector, lie)
        );
    }

    /// The registry hands the verifier the schema and the issuer set the consumer asked for, in
    /// their circuit positions (2 and 3): the input-bound double accepts a proof only for the
    /// exact inputs it was made for, so a proof made for schema 1 / any issuer is refused when
    /// presented as schema 2 or as "attested by the bureau", and accepted as made.
    function test_SchemaLie_PublicInputsBindSchemaAndIssuerSet() public {
        mintSelf(aliceKey, 0xC0FFEE);
        uint256 root = sbt.root();
        IZkSBT.Disclosure memory honest = anonDisclosure(root, SELF, dapp); // schema 1, issuerSet 0
        IZkSBT.Disclosure memory claimsSchema2 = anonDisclosure(root, SELF, dapp);
        claimsSchema2.schemaId = ATTESTED;
        expectConsumeRevert(dapp, claimsSchema2, IZkSBT.ZkSBT__InvalidProof.selector);
        address[] memory bureau = new address[](1);
        bureau[0] = issuer;
        IZkSBT.Disclosure memory claimsAttested = anonDisclosure(root, SELF, dapp);
        claimsAttested.issuerSet = sbt.issuerSetOf(bureau);
        expectConsumeRevert(dapp, claimsAttested, IZkSBT.ZkSBT__InvalidProof.selector);
        uint256[12] memory expected = inputs(dapp, honest);
        assertEq(expected[2], SELF);
        assertEq(expected[3], 0);
        consumeAs(dapp, honest);
    }

    /// The issuer-set input: `Poseidon4` of 1..4 members as uint160, padded with the first,
    /// recomputed here; 0 or 5 members are refused.
    function test_IssuerSetOf_PadsWithTheFirstMember() public {
        address[] memory one = new address[](1);
        one[0] = issuer;
        uint256 i = uint256(uint160(issuer));
        assertEq(sbt.issuerSetOf(one), PoseidonT5.hash([i, i, i, i]));
        address[] memory three = new address[](3);
        (three[0], three[1], three[2]) = (address(0), issuer, bob);
        uint256 b = uint256(uint160(bob));
        assertEq(sbt.issuerSetOf(three), PoseidonT5.hash([uint256(0), i, b, 0]), "self-attested first");
        address[] memory four = new address[](4);
        (four[0], four[1], four[2], four[3]) = (bob, issuer, alice, address(0));
        assertEq(sbt.issuerSetOf(four), PoseidonT5.hash([b, i, uint256(uint160(alice)), 0]));
        vm.expectRevert(abi.encodeWithSelector(IZkSBT.ZkSBT__InvalidIssuerSet.selector, 0));
        sbt.issuerSetOf(new address[](0));
        vm.expectRevert(abi.encodeWithSelector(IZkSBT.ZkSBT__InvalidIssuerSet.selector, 5));
        sbt.issuerSetOf(new address[](5));
    }

    /// A record its issuer revoked does not come back: re-minting the commitment self-attested
    /// gives another leaf (issuer 0; schema 2 is not even self-attestable), and the roots holding
    /// the attested leaf expire after the root history.
    function test_RevertWhen_RevokedRecordIsRemintedSelfAttested() public {
        uint256 id = mintAttested(aliceKey, 21);
        uint256 attestedRoot = sbt.root();
        vm.prank(issuer);
        sbt.revoke(id);
        IZkSBT.MintRequest memory req = request(alice, ATTESTED, 21, address(0));
        bytes memory consent = sign(aliceKey, consentDigest(req));
        vm.expectRevert(abi.encodeWithSelector(IZkSBT.ZkSBT__AttestationRequired.selector, ATTESTED));
        sbt.mint(req, consent, "");
        uint256 again = mintSelf(aliceKey, 21); // as schema 1: a self-attested claim, nothing more
        assertNotEq(expectedLeaf[again], expectedLeaf[id]);
        vm.warp(block.timestamp + ROOT_HISTORY + 1);
        expectConsumeRevert(
            dapp,
            anonDisclosure(attestedRoot, ATTESTED, dapp),
            abi.encodeWithSelector(IZkSBT.ZkSBT__UnknownRoot.selector, attestedRoot)
        );
    }

    // ================================================================== identity

    /// One wallet, one identity: a second mint with another owner secret (hence identity) would
    /// give the wallet a second nullifier per scope, and is refused.
    function test_RevertWhen_SecondMintUsesAnotherIdentity() public {
        mintSelf(aliceKey, 11);
        IZkSBT.MintRequest memory req = request(alice, SELF, 12, address(0));
        req.identity = identity(bob);
        bytes memory consent = sign(aliceKey, consentDigest(req));
        vm.expectRevert(
            abi.encodeWithSelector(IZkSBT.ZkSBT__IdentityMismatch.selector, alice, identity(alice))
        );
        sbt.mint(req, consent, "");
        // attested records too
        req = request(alice, ATTESTED, 21, issuer);
        req.identity = identity(bob);
        consent = sign(aliceKey, consentDigest(req));
        bytes memory att = sign(issuerKey, attestationDigest(req));
        vm.expectRevert(
            abi.encodeWithSelector(IZkSBT.ZkSBT__IdentityMismatch.selector, alice, identity(alice))
        );
        sbt.mint(req, consent, att);
        // burning every record does not free the identity
        vm.prank(alice);
        sbt.burn(1);
        req = request(alice, SELF, 13, address(0));
        req.identity = identity(bob);
        consent = sign(aliceKey, consentDigest(req));
        vm.expectRevert(
            abi.encodeWithSelector(IZkSBT.ZkSBT__IdentityMismatch.selector, alice, identity(alice))
        );
        sbt.mint(req, consent, "");
    }

    function test_RevertWhen_IdentityZeroOrOutsideTheField() public {
        uint256[3] memory bad = [uint256(0), P, type(uint256).max];
        for (uint256 i; i < bad.length; ++i) {
            IZkSBT.MintRequest memory req = request(alice, SELF, 11, address(0));
            req.identity = bad[i];
            bytes memory consent = sign(aliceKey, consentDigest(req));
            vm.expectRevert(abi.encodeWithSelector(IZkSBT.ZkSBT__InvalidIdentity.selector, bad[i]));
            sbt.mint(req, consent, "");
        }
        IZkSBT.MintRequest memory top = request(alice, SELF, 11, address(0));
        top.identity = P - 1;
        mintRequest(aliceKey, top);
        assertEq(sbt.identityOf(alice), P - 1);
    }

    /// The consent signs the identity: a relayer cannot register another identity for the wallet
    /// (which would lock the owner out of proving its own records).
    function test_RevertWhen_RelayerChangesTheSignedIdentity() public {
        IZkSBT.MintRequest memory req = request(alice, SELF, 11, address(0));
        bytes memory consent = sign(aliceKey, consentDigest(req));
        req.identity = identity(mallory);
        vm.prank(mallory);
        vm.expectRevert(abi.encodeWithSelector(IZkSBT.ZkSBT__InvalidConsent.selector, alice));
        sbt.mint(req, consent, "");
        assertEq(sbt.identityOf(alice), 0);
    }

    function test_Identity_RegisteredAtFirstMint_AndRepeated() public {
        IZkSBT.MintRequest memory req = request(alice, SELF, 11, address(0));
        bytes memory consent = sign(aliceKey, consentDigest(req));
        vm.expectEmit(address(sbt));
        emit IZkSBT.IdentityRegistered(alice, identity(alice));
        sbt.mint(req, consent, "");
        uint256 second = mintAttested(aliceKey, 21); // the same identity: no new registration
        assertEq(sbt.identityOf(alice), identity(alice));
        assertEq(expectedLeaf[second], leaf(21, ATTESTED, issuer, 0, identity(alice)));
        assertEq(sbt.identityOf(bob), 0);
    }

    /// Identities are not unique across wallets, so nobody can squat one: a watcher registering
    /// Bob's identity first does not stop Bob (and gains nothing: proving needs Bob's secret).
    function test_IdentitySquatting_DoesNotBlockTheOwner() public {
        IZkSBT.MintRequest memory squat = request(mallory, SELF, 11, address(0));
        squat.identity = identity(bob);
        mintRequest(malloryKey, squat);
        assertEq(sbt.identityOf(mallory), identity(bob));
        uint256 id = mintSelf(bobKey, 12);
        assertEq(sbt.identityOf(bob), identity(bob));
        assertEq(sbt.ownerOf(id), bob);
    }

    // ================================================================== 4. squatting

    /// A watcher copies the commitment of Bob's pending attested mint and mints it first as its
    /// own self-attested record: Bob's mint still succeeds (no commitment uniqueness), and the
    /// copy's leaf (the watcher's identity, no issuer) proves nothing about Bob's attestation.
    function test_Squatting_CopiedPendingCommitment_DoesNotBlockTheMint() public {
        IZkSBT.MintRequest memory bobs = request(bob, ATTESTED, 0xB0B5, issuer);
        bytes memory consent = sign(bobKey, consentDigest(bobs));
        bytes memory att = sign(issuerKey, attestationDigest(bobs));
        // the watcher front-runs with the same commitment (and even the same ciphertext)
        IZkSBT.MintRequest memory copy = request(mallory, SELF, bobs.commitment, address(0));
        copy.ciphertext = bobs.ciphertext;
        uint256 squatted = mintRequest(malloryKey, copy);
        address relayer = makeAddr("relayer"); // Bob's relayer pays his fee
        require(masa.transfer(relayer, ATTESTED_FEE), "funded");
        vm.prank(relayer);
        masa.approve(address(sbt), ATTESTED_FEE);
        vm.prank(relayer);
        uint256 id = sbt.mint(bobs, consent, att);
        assertEq(sbt.ownerOf(id), bob);
        assertEq(sbt.record(id).commitment, sbt.record(squatted).commitment);
        assertEq(sbt.leafAt(0, 1), leaf(0xB0B5, ATTESTED, issuer, 0, identity(bob)));
        assertNotEq(sbt.leafAt(0, 0), sbt.leafAt(0, 1));
    }

    // ================================================================== 2. tree filling

    /// On 4-leaf trees: tree 0 fills, the next mint starts tree 1 (events and record say so),
    /// both trees' roots are valid, and removals in the full tree still work.
    function test_TreeFilling_MintingContinuesInTheNextTree() public {
        sbt = deploy(2);
        uint256[] memory ids = new uint256[](5);
        for (uint256 i; i < 4; ++i) {
            ids[i] = i % 2 == 0 ? mintSelf(malloryKey, 100 + i) : mintAttested(bobKey, 100 + i);
        }
        assertEq(sbt.treeSize(0), 4);
        assertEq(sbt.currentTree(), 0, "full, but the next tree starts with the next mint");
        uint256 fullRoot = sbt.treeRoot(0);
        assertEq(
            fullRoot,
            h(h(expectedLeaf[ids[0]], expectedLeaf[ids[1]]), h(expectedLeaf[ids[2]], expectedLeaf[ids[3]]))
        );

        IZkSBT.MintRequest memory req = request(bob, ATTESTED, 200, issuer);
        uint256 next = leafOf(req);
        vm.expectEmit(address(sbt));
        emit IZkSBT.LeafInserted(1, 0, next, next);
        vm.expectEmit(address(sbt));
        emit IZkSBT.RecordMinted(5, bob, ATTESTED, 200, issuer, 1, 0, 0, req.ciphertext);
        ids[4] = mintRequest(bobKey, req);
        IZkSBT.Record memory rec = sbt.record(ids[4]);
        assertEq(rec.treeId, 1);
        assertEq(rec.leafIndex, 0);
        assertEq(sbt.currentTree(), 1);
        assertEq(sbt.root(), next);
        assertTrue(sbt.isKnownRoot(fullRoot), "tree 0's root is still a current root");
        assertTrue(sbt.isKnownRoot(next));
        consumeAs(dapp, anonDisclosure(fullRoot, SELF, dapp));

        // a removal in the full tree: its root changes, the old one lasts the history
        uint256 newRoot = h(h(0, expectedLeaf[ids[1]]), h(expectedLeaf[ids[2]], expectedLeaf[ids[3]]));
        vm.expectEmit(address(sbt));
        emit IZkSBT.LeafRemoved(0, 0, expectedLeaf[ids[0]], newRoot);
        vm.prank(mallory);
        sbt.burn(ids[0]);
        assertEq(sbt.treeRoot(0), newRoot);
        assertEq(sbt.treeRoot(1), next, "the other tree is untouched");
        assertEq(sbt.rootDeadline(fullRoot), block.timestamp + ROOT_HISTORY);
        assertTrue(sbt.isKnownRoot(newRoot));
        vm.prank(issuer);
        sbt.revoke(ids[3]);
        // and minting goes on in tree 1, whatever happens in tree 0
        for (uint256 i; i < 3; ++i) {
            mintSelf(malloryKey, 300 + i);
        }
        assertEq(sbt.treeSize(1), 4);
        uint256 third = mintSelf(aliceKey, 400);
        assertEq(sbt.record(third).treeId, 2);
        assertEq(sbt.treeSize(0), 4, "removed leaves keep their slots: capacity renews by new trees");
    }

    // ================================================================== 3. churn

    /// Alice's anonymous disclosure is in flight against the current root; someone else's burn,
    /// expiry or mint lands first and replaces it. Her proof still verifies for the root history
    /// and fails with `UnknownRoot` only after.
    function test_Churn_InFlightProofSurvivesOthersBurnExpireAndMint() public {
        mintSelf(aliceKey, 11);
        uint256 bobs = mintSelf(bobKey, 12);
        uint256 expiring = mintSelfExpiring(malloryKey, 13, uint64(block.timestamp + 1 minutes));
        uint256 inFlight = sbt.root();
        IZkSBT.Disclosure memory d = anonDisclosure(inFlight, SELF, dapp);
        d.validUntil = uint64(block.timestamp + 2 days);
        d = reprove(dapp, d);

        vm.prank(bob);
        sbt.burn(bobs); // front-run 1: a burn
        uint256 replacedAt = block.timestamp;
        vm.warp(block.timestamp + 1 minutes);
        sbt.expire(expiring); // front-run 2: anyone expires an expired record
        mintSelf(malloryKey, 14); // front-run 3: a mint
        assertNotEq(sbt.root(), inFlight);
        assertEq(sbt.rootDeadline(inFlight), replacedAt + ROOT_HISTORY, "the deadline set at replacement");
        assertTrue(sbt.verifyDisclosure(dapp, d));

        vm.warp(replacedAt + ROOT_HISTORY + 1);
        expectConsumeRevert(dapp, d, abi.encodeWithSelector(IZkSBT.ZkSBT__UnknownRoot.selector, inFlight));
        // re-proven against the current root, it goes through
        consumeAs(dapp, reprove(dapp, anonDisclosure(sbt.root(), SELF, dapp)));
    }

    /// Within the history the same proof is consumed.
    function test_Churn_InFlightProofConsumedWithinTheHistory() public {
        mintSelf(aliceKey, 11);
        uint256 bobs = mintSelf(bobKey, 12);
        IZkSBT.Disclosure memory d = anonDisclosure(sbt.root(), SELF, dapp);
        vm.prank(bob);
        sbt.burn(bobs);
        mintSelf(malloryKey, 13);
        vm.warp(block.timestamp + ROOT_HISTORY);
        consumeAs(dapp, d);
    }

    /// A removed record stops being provable: every root that still holds its leaf is refused
    /// at most `rootHistory` seconds after the removal (and its token in direct mode at once).
    function test_Churn_RemovedRecordsRootsExpireAfterTheHistory() public {
        uint256 a = mintAttested(aliceKey, 21);
        uint256 r1 = sbt.root();
        vm.warp(block.timestamp + 3 hours);
        mintSelf(bobKey, 12);
        uint256 r2 = sbt.root(); // also holds alice's leaf
        vm.warp(block.timestamp + 3 hours);
        vm.prank(issuer);
        sbt.revoke(a);
        uint256 removedAt = block.timestamp;
        expectConsumeRevert(
            dapp, direct(a, ATTESTED, dapp), abi.encodeWithSelector(IZkSBT.ZkSBT__RecordNotUsable.selector, a)
        );
        assertFalse(sbt.isKnownRoot(r1), "replaced 3 hours ago: past the history already");
        assertTrue(sbt.isKnownRoot(r2));
        vm.warp(removedAt + ROOT_HISTORY + 1);
        assertFalse(sbt.isKnownRoot(r2));
        expectConsumeRevert(
            dapp,
            anonDisclosure(r2, ATTESTED, dapp),
            abi.encodeWithSelector(IZkSBT.ZkSBT__UnknownRoot.selector, r2)
        );
    }

    /// Governance changing the root history applies to roots replaced from then on: lengthening
    /// it never revives (nor extends) a root replaced before; shortening it does not cut the
    /// deadline a replaced root already has.
    function test_Churn_RootHistoryChangeNeverRevivesARoot() public {
        mintSelf(aliceKey, 11);
        uint256 r1 = sbt.root();
        mintSelf(bobKey, 12);
        uint256 r2 = sbt.root();
        uint256 deadline1 = block.timestamp + ROOT_HISTORY;
        vm.warp(deadline1 + 1);
        assertFalse(sbt.isKnownRoot(r1));
        vm.prank(dao);
        sbt.setRootHistory(1 days);
        assertFalse(sbt.isKnownRoot(r1), "not revived");
        assertEq(sbt.rootDeadline(r1), deadline1);
        mintSelf(bobKey, 13); // replaces r2 under the new history
        assertEq(sbt.rootDeadline(r2), block.timestamp + 1 days);
        uint256 r3 = sbt.root();
        vm.prank(dao);
        sbt.setRootHistory(1 minutes);
        assertEq(sbt.rootDeadline(r2), block.timestamp + 1 days, "not cut either");
        mintSelf(bobKey, 14);
        assertEq(sbt.rootDeadline(r3), block.timestamp + 1 minutes);
    }

    /// Burn and revoke take no witness: whichever mint or removal lands right before them, they
    /// succeed (the front-running orders of the issue).
    function test_Churn_BurnAndRevokeSucceedAfterAnyFrontRun() public {
        uint256 alices = mintSelf(aliceKey, 11);
        uint256 attested = mintAttested(aliceKey, 21);
        uint256 bobs = mintSelf(bobKey, 12);
        uint256 malloryOwn = mintSelf(malloryKey, 13);
        // a mint lands right before alice's burn
        mintSelf(malloryKey, 14);
        vm.prank(alice);
        sbt.burn(alices);
        // a burn lands right before the issuer's revocation
        vm.prank(mallory);
        sbt.burn(malloryOwn);
        vm.prank(issuer);
        sbt.revoke(attested);
        // a revocation-free mint and an expiry land right before bob's burn
        uint256 exp = mintSelfExpiring(malloryKey, 15, uint64(block.timestamp + 1));
        vm.warp(block.timestamp + 1);
        sbt.expire(exp);
        vm.prank(bob);
        sbt.burn(bobs);
        assertEq(sbt.leafAt(0, 0), 0);
        assertEq(sbt.leafAt(0, 1), 0);
        assertEq(sbt.leafAt(0, 2), 0);
    }

    /// A fuzzed sequence of other people's mints and burns before a burn: it always succeeds and
    /// zeroes exactly its own leaf.
    function testFuzz_Churn_BurnNeverFailsWhateverLandsFirst(uint256 seed, uint8 n) public {
        sbt = deploy(3);
        n = uint8(bound(n, 0, 12));
        uint256 target = mintSelf(aliceKey, 1);
        uint256[] memory others = new uint256[](n);
        bool[] memory burned = new bool[](n);
        uint256 count;
        for (uint256 i; i < n; ++i) {
            uint256 r = uint256(keccak256(abi.encode(seed, i)));
            if (count == 0 || r % 3 != 0) {
                others[count++] = mintSelf(malloryKey, 100 + i);
            } else {
                uint256 k = (r >> 8) % count;
                if (!burned[k]) {
                    burned[k] = true;
                    vm.prank(mallory);
                    sbt.burn(others[k]);
                }
            }
        }
        vm.prank(alice);
        sbt.burn(target);
        assertEq(sbt.leafAt(0, 0), 0);
    }

    /// Two trees holding the same leaves in the same order have the same root. Mallory can copy
    /// public self-attested leaves (she registers Alice's identity for her own wallet) and so
    /// rebuild a full tree's root in the next tree; her later burn there must not retire the
    /// root that is still tree 0's current one.
    function test_Churn_ClonedTreeCannotRetireAnotherTreesRoot() public {
        sbt = deploy(1); // 2 leaves per tree
        mintSelf(aliceKey, 11);
        mintSelf(aliceKey, 12);
        uint256 root0 = sbt.treeRoot(0);
        uint256[2] memory clones;
        for (uint256 i; i < 2; ++i) {
            IZkSBT.MintRequest memory req = request(mallory, SELF, 11 + i, address(0));
            req.identity = identity(alice);
            clones[i] = mintRequest(malloryKey, req);
        }
        assertEq(sbt.treeRoot(1), root0, "the clone tree has the same root");
        vm.prank(mallory);
        sbt.burn(clones[0]);
        assertNotEq(sbt.treeRoot(1), root0);
        assertEq(sbt.rootDeadline(root0), type(uint64).max, "still tree 0's current root");
        vm.warp(block.timestamp + 30 days);
        assertTrue(sbt.isKnownRoot(root0));
        consumeAs(dapp, anonDisclosure(root0, SELF, dapp));
    }
}
