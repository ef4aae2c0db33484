// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {AccessPasses} from "../../src/access/AccessPasses.sol";
import {FeeRouter} from "../../src/fees/FeeRouter.sol";
import {IssuerRegistry} from "../../src/identity/IssuerRegistry.sol";
import {ZkSBT} from "../../src/identity/ZkSBT.sol";
import {IAccessPasses} from "../../src/interfaces/IAccessPasses.sol";
import {IDeliveryVerifier} from "../../src/interfaces/IDeliveryVerifier.sol";
import {IDisclosureVerifier} from "../../src/interfaces/IDisclosureVerifier.sol";
import {IFeeRouter} from "../../src/interfaces/IFeeRouter.sol";
import {IIssuerRegistry} from "../../src/interfaces/IIssuerRegistry.sol";
import {IZkSBT} from "../../src/interfaces/IZkSBT.sol";
import {DeliveryVerifier} from "../../src/pools/generated/DeliveryVerifier.sol";
import {MasaToken} from "../../src/token/MasaToken.sol";
import {InputBoundVerifier} from "../identity/utils/InputBoundVerifier.sol";
import {ZkSBTDigests} from "../identity/utils/ZkSBTDigests.sol";
import {Test} from "../utils/Test.sol";
import {PassDeliveryProof} from "./fixtures/PassDeliveryProof.sol";
import {PoseidonT2} from "poseidon-solidity/PoseidonT2.sol";
import {PoseidonT5} from "poseidon-solidity/PoseidonT5.sol";
import {PoseidonT6} from "poseidon-solidity/PoseidonT6.sol";

/// @notice A pass used with a real delivery proof, through the generated Groth16 verifier: the
/// record of test/identity/fixtures/record.json, minted to its owner, delivered for use 0 of pass
/// 1 to the key `P` of circuits/delivery.md's vectors (a public test key, so anyone can decrypt
/// the fixture's ciphertext). The proof (fixtures/PassDeliveryProof.sol, written by
/// fixtures/generate.sh with `masa-prover`) binds this deployment's scope, the owner and the use:
/// the suite deploys in a fixed order from the fixed test address, so the registry and passes
/// addresses (hence the scope) are always the same; {test_Fixture_IsForThisDeployment} says
/// which input moved if they are not.
contract AccessPassesRealProofTest is Test {
    uint256 internal constant OWNER_KEY = 0x0A5E;
    uint256 internal constant SCHEMA = 1;
    /// record.json's secrets: the record's values hash to VALUES_HASH (Poseidon_8, which no
    /// on-chain library has; checked below through the leaf the proof was made against).
    uint256 internal constant OWNER_SECRET = 0x1d2e3f405162738495a6b7c8d9eafb0c1d2e3f405162738495a6b7c8d9eafb;
    uint256 internal constant SALT = 0x2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091;
    uint256 internal constant VALUES_HASH =
        0x2c9caedb0858d3188bc57e318df95558a878f44c7fa6b3843a6ee4998c3b3ea6;
    /// circuits/delivery.md's developer key `P`.
    uint256 internal constant KEY_X = 0x024076bfed77ac2c86c631b691df89cff2173c843a57b9314f379871864a2d76;
    uint256 internal constant KEY_Y = 0x22e5d922c88cc34dee7e578ad8ebf754af3efd336ec016e88f12edafd3a7fe0b;
    uint128 internal constant PER_USE = 3e18;

    MasaToken internal masa;
    ZkSBT internal sbt;
    DeliveryVerifier internal verifier;
    AccessPasses internal passes;
    address internal owner;
    address internal developer = makeAddr("developer");
    uint256 internal tokenId;
    uint256 internal passId;
    uint256[8] internal proof;
    uint256[27] internal input;

    function setUp() public {
        vm.warp(1_750_000_000);
        owner = vm.addr(OWNER_KEY);
        // the deployment order fixes every address (this contract's nonces): keep it
        masa = new MasaToken(address(this));
        FeeRouter feeRouter = new FeeRouter(
            address(masa),
            makeAddr("swap-router"),
            address(0),
            address(this),
            IFeeRouter.Shares(2_000, 3_000, 1_000, 3_000, 1_000),
            IFeeRouter.Recipients(makeAddr("o"), makeAddr("v"), makeAddr("c"), makeAddr("t"))
        );
        IIssuerRegistry.SchemaInit[] memory schemas = new IIssuerRegistry.SchemaInit[](1);
        schemas[0] = IIssuerRegistry.SchemaInit(SCHEMA, IIssuerRegistry.Schema("ipfs://self", true, true));
        IssuerRegistry issuers = new IssuerRegistry(
            address(this),
            schemas,
            new IIssuerRegistry.IssuerInit[](0),
            IIssuerRegistry.OracleInit(address(0), new uint256[](0))
        );
        // the registry only checks the statement of a delivery: its disclosure verifier is not used
        sbt = new ZkSBT(
            IDisclosureVerifier(address(new InputBoundVerifier())),
            issuers,
            feeRouter,
            address(this),
            IZkSBT.Config(20, 1 hours, 0, 0)
        );
        verifier = new DeliveryVerifier();
        passes = new AccessPasses(sbt, IDeliveryVerifier(address(verifier)), feeRouter, address(this), 500);

        tokenId = _mintFixtureRecord();
        require(masa.transfer(developer, 1_000e18), "funded");
        vm.prank(developer);
        masa.approve(address(passes), type(uint256).max);
        passId = _acceptPass();
        vm.prank(developer);
        passes.requestUse(passId);

        (proof, input) = (PassDeliveryProof.proof(), PassDeliveryProof.publicInputs());
    }

    /// The fixture was made for this record, pass, use, owner and key (each input named).
    function test_Fixture_IsForThisDeployment() public view {
        IZkSBT.Disclosure memory d = _disclosure();
        assertEq(input[0], 0, "mode: direct");
        assertEq(input[1], sbt.leafAt(0, 0), "root: the minted record's leaf");
        assertEq(input[2], SCHEMA, "schemaId");
        assertEq(input[8], passes.scopeOf(passId), "scope: pass 1 of this deployment's passes contract");
        assertEq(input[10], sbt.messageHashOf(owner, d.message), "messageHash: the owner, use 0");
        assertEq(input[12], KEY_X, "the pass's delivery key");
        assertEq(input[13], KEY_Y, "the pass's delivery key");
        assertEq(input[16], passes.deliveryNonceOf(passId, 0), "nonce of use 0");
    }

    /// The owner delivers use 0 with the real proof: verified by the generated verifier, the
    /// owner paid, the ciphertext emitted.
    function test_RealProof_DeliversAUse() public {
        IAccessPasses.Delivery memory del = _delivery();
        uint256 fee = uint256(PER_USE) * 500 / 10_000;
        uint256 before = masa.balanceOf(owner);
        vm.expectEmit(address(passes));
        emit IAccessPasses.UseDelivered(passId, 0, PER_USE - fee, fee, del);
        vm.prank(owner);
        passes.deliver(passId, _disclosure(), del);
        assertEq(masa.balanceOf(owner) - before, PER_USE - fee);
        assertEq(passes.pass(passId).delivered, 1);
    }

    /// The real verifier refuses the proof with any delivery word changed, and for the next use.
    function test_RevertWhen_RealProofTampered() public {
        IZkSBT.Disclosure memory d = _disclosure();
        for (uint256 i; i < 10; ++i) {
            IAccessPasses.Delivery memory del = _delivery();
            del.ciphertext[i] = addmod(
                del.ciphertext[i],
                1,
                21888242871839275222246405745257275088548364400416034343698204186575808495617
            );
            vm.expectRevert(
                abi.encodeWithSelector(IAccessPasses.AccessPasses__InvalidDeliveryProof.selector, passId, 0)
            );
            passes.deliver(passId, d, del);
        }
        IAccessPasses.Delivery memory swapped = _delivery();
        (swapped.ephemeralKey[0], swapped.ephemeralKey[1]) = (KEY_X, KEY_Y);
        vm.expectRevert(
            abi.encodeWithSelector(IAccessPasses.AccessPasses__InvalidDeliveryProof.selector, passId, 0)
        );
        passes.deliver(passId, d, swapped);
        // the statement changed (a different predicate) has no proof either
        d.operandA = 701;
        vm.expectRevert(
            abi.encodeWithSelector(IAccessPasses.AccessPasses__InvalidDeliveryProof.selector, passId, 0)
        );
        passes.deliver(passId, d, _delivery());
    }

    /// Delivered once, the proof is spent: it binds use 0, and the next use needs its own.
    function test_RevertWhen_RealProofReplayed() public {
        IZkSBT.Disclosure memory d = _disclosure();
        passes.deliver(passId, d, _delivery());
        vm.prank(developer);
        passes.requestUse(passId);
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessPasses.AccessPasses__MessageMismatch.selector,
                passes.useMessageOf(passId, 1),
                d.message
            )
        );
        passes.deliver(passId, d, _delivery());
    }

    function _mintFixtureRecord() internal returns (uint256) {
        uint256 identity = PoseidonT2.hash([OWNER_SECRET]);
        IZkSBT.MintRequest memory req = IZkSBT.MintRequest({
            owner: owner,
            identity: identity,
            schemaId: SCHEMA,
            commitment: PoseidonT5.hash([SCHEMA, VALUES_HASH, SALT, identity]),
            ciphertext: "sealed",
            issuer: address(0),
            expiry: 0,
            consentNonce: 0,
            consentDeadline: block.timestamp + 1 hours,
            attestationNonce: 0,
            attestationDeadline: 0
        });
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(OWNER_KEY, ZkSBTDigests.consent(sbt, req));
        uint256 id = sbt.mint(req, abi.encodePacked(r, s, v), "");
        assertEq(
            sbt.leafAt(0, 0), PoseidonT6.hash([req.commitment, SCHEMA, 0, 0, identity]), "the record's leaf"
        );
        return id;
    }

    function _acceptPass() internal returns (uint256) {
        IAccessPasses.Offer memory o = IAccessPasses.Offer({
            owner: owner,
            tokenId: tokenId,
            developer: developer,
            token: address(masa),
            upfrontPrice: 0,
            perUsePrice: PER_USE,
            validFrom: uint64(block.timestamp),
            validUntil: uint64(block.timestamp + 30 days),
            maxUses: 2,
            purpose: keccak256("research"),
            deliveryKeyX: KEY_X,
            deliveryKeyY: KEY_Y,
            terms: address(0),
            nonce: 0,
            deadline: block.timestamp + 1 hours
        });
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(OWNER_KEY, passes.hashOffer(o));
        vm.prank(developer);
        return passes.accept(o, abi.encodePacked(r, s, v));
    }

    /// The disclosure half of the fixture's statement: field 0 >= 700 about the record, direct.
    function _disclosure() internal view returns (IZkSBT.Disclosure memory d) {
        d.mode = input[0];
        d.tokenId = tokenId;
        d.root = input[1];
        d.schemaId = input[2];
        d.issuerSet = input[3];
        d.fieldIndex = input[4];
        d.operator = input[5];
        d.operandA = input[6];
        d.operandB = input[7];
        d.purpose = passes.purposeOf(passId);
        d.nullifier = input[9];
        d.recipient = owner;
        d.message = passes.useMessageOf(passId, 0);
        d.validUntil = uint64(input[11]);
        d.proof = proof;
    }

    function _delivery() internal view returns (IAccessPasses.Delivery memory del) {
        del.ephemeralKey = [input[14], input[15]];
        del.nonce = input[16];
        for (uint256 i; i < 10; ++i) {
            del.ciphertext[i] = input[17 + i];
        }
    }
}
