// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {FeeRouter} from "../../src/fees/FeeRouter.sol";
import {IssuerRegistry} from "../../src/identity/IssuerRegistry.sol";
import {ZkSBT} from "../../src/identity/ZkSBT.sol";
import {IDisclosureVerifier} from "../../src/interfaces/IDisclosureVerifier.sol";
import {IFeeRouter} from "../../src/interfaces/IFeeRouter.sol";
import {IIssuerRegistry} from "../../src/interfaces/IIssuerRegistry.sol";
import {IZkSBT} from "../../src/interfaces/IZkSBT.sol";
import {MasaToken} from "../../src/token/MasaToken.sol";
import {InputBoundVerifier} from "../identity/utils/InputBoundVerifier.sol";
import {ZkSBTDigests} from "../identity/utils/ZkSBTDigests.sol";
import {InvariantTest} from "../utils/InvariantTest.sol";
import {Test} from "../utils/Test.sol";

/// @dev Drives random valid actions on a zkSBT registry wired to the real fee router: mints of
/// both classes (self-attested and attested) by owners who sign and payers who pay, governance
/// changing the fees (zero included), MASA sent straight to the registry, and anyone forwarding.
/// Ghosts total what each path moved.
contract ZkSBTFeesHandler is Test {
    uint256 internal constant SELF = 1;
    uint256 internal constant ATTESTED = 2;
    uint256 internal constant ISSUER_KEY = 0x155;

    MasaToken public masa;
    FeeRouter public feeRouter;
    ZkSBT public sbt;
    address public timelock = makeAddr("timelock");
    address public issuer = vm.addr(ISSUER_KEY);
    address[4] public recipients = [
        makeAddr("oracleRewards"),
        makeAddr("validatorRewards"),
        makeAddr("contributorRewards"),
        makeAddr("treasury")
    ];
    address[3] public payers = [makeAddr("payer0"), makeAddr("payer1"), makeAddr("payer2")];

    uint256 public ghostFeesPulled; // sum of the fees the mints pulled (MintFeePaid)
    uint256 public ghostSentDirectly; // MASA transferred to the registry outside a mint
    uint256 public ghostForwarded; // sum of what forwardFees returned
    uint256 public ghostMints;
    bool public ghostPayerChargedOtherThanTheFee;
    uint256 internal commitments;
    uint256 internal attestationNonce;

    constructor() {
        masa = new MasaToken(address(this));
        feeRouter = new FeeRouter(
            address(masa),
            makeAddr("swap-router"),
            address(0),
            timelock,
            IFeeRouter.Shares(2_000, 3_000, 1_000, 3_000, 1_000),
            IFeeRouter.Recipients(recipients[0], recipients[1], recipients[2], recipients[3])
        );
        IIssuerRegistry.SchemaInit[] memory schemas = new IIssuerRegistry.SchemaInit[](2);
        schemas[0] = IIssuerRegistry.SchemaInit(SELF, IIssuerRegistry.Schema("ipfs://self", true, true));
        schemas[1] =
            IIssuerRegistry.SchemaInit(ATTESTED, IIssuerRegistry.Schema("ipfs://credit", false, true));
        IIssuerRegistry.IssuerInit[] memory issuers = new IIssuerRegistry.IssuerInit[](1);
        uint256[] memory ids = new uint256[](1);
        ids[0] = ATTESTED;
        issuers[0] = IIssuerRegistry.IssuerInit(issuer, "Credit bureau", ids);
        IssuerRegistry registry = new IssuerRegistry(
            timelock, schemas, issuers, IIssuerRegistry.OracleInit(address(0), new uint256[](0))
        );
        sbt = new ZkSBT(
            IDisclosureVerifier(address(new InputBoundVerifier())),
            registry,
            feeRouter,
            timelock,
            IZkSBT.Config(2, 1 hours, 3e18 + 1, 1e18 + 3) // odd fees: the router carries dust
        );
        for (uint256 i; i < payers.length; ++i) {
            require(masa.transfer(payers[i], 10_000_000e18), "funded");
            vm.prank(payers[i]);
            masa.approve(address(sbt), type(uint256).max);
        }
    }

    /// A mint of either class for one of 8 owners, paid by one of the payers.
    function mint(uint256 ownerSeed, uint256 payerSeed, bool attested) external {
        uint256 ownerKey = 0x1000 + ownerSeed % 8;
        address owner = vm.addr(ownerKey);
        address payer = payers[payerSeed % payers.length];
        IZkSBT.MintRequest memory req = IZkSBT.MintRequest({
            owner: owner,
            identity: uint256(keccak256(abi.encode("identity", owner))) >> 8,
            schemaId: attested ? ATTESTED : SELF,
            commitment: ++commitments,
            ciphertext: "sealed",
            issuer: attested ? issuer : address(0),
            expiry: 0,
            consentNonce: sbt.consentNonce(owner),
            consentDeadline: block.timestamp,
            attestationNonce: ++attestationNonce,
            attestationDeadline: block.timestamp
        });
        bytes memory consent = _sign(ownerKey, ZkSBTDigests.consent(sbt, req));
        bytes memory att = attested ? _sign(ISSUER_KEY, ZkSBTDigests.attestation(sbt, req)) : bytes("");
        (uint256 selfFee, uint256 attestedFee) = sbt.mintFees();
        uint256 fee = attested ? attestedFee : selfFee;
        uint256 before = masa.balanceOf(payer);
        vm.prank(payer);
        sbt.mint(req, consent, att);
        if (before - masa.balanceOf(payer) != fee) ghostPayerChargedOtherThanTheFee = true;
        ghostFeesPulled += fee;
        ++ghostMints;
    }

    /// Governance sets any fees up to 1,000 MASA (zero included).
    function setMintFees(uint256 selfFee, uint256 attestedFee, bool zero) external {
        vm.prank(timelock);
        sbt.setMintFees(zero ? 0 : bound(selfFee, 0, 1_000e18), bound(attestedFee, 0, 1_000e18));
    }

    /// Someone sends MASA straight to the registry (it becomes a fee at the next forwarding).
    function sendDirectly(uint256 amount) external {
        amount = bound(amount, 1, 1_000e18);
        require(masa.transfer(address(sbt), amount), "sent");
        ghostSentDirectly += amount;
    }

    /// Anyone forwards what the registry holds.
    function forwardFees(uint256 callerSeed) external {
        vm.prank(payers[callerSeed % payers.length]);
        ghostForwarded += sbt.forwardFees();
    }

    function distributed() public view returns (uint256 total) {
        for (uint256 i; i < 4; ++i) {
            total += masa.balanceOf(recipients[i]);
        }
    }

    function _sign(uint256 key, bytes32 digest) internal pure returns (bytes memory) {
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(key, digest);
        return abi.encodePacked(r, s, v);
    }
}

/// @notice Conservation of the registry's MASA.
/// Law: fees pulled + MASA sent directly = forwarded + held (the registry's balance, {pendingFees}),
/// and the fee router accounts for every forwarded wei: forwarded = burned + distributed + dust.
contract ZkSBTFeesInvariantTest is Test, InvariantTest {
    ZkSBTFeesHandler internal handler;
    uint256 internal genesisSupply;

    function setUp() public {
        vm.warp(1_750_000_000);
        handler = new ZkSBTFeesHandler();
        genesisSupply = handler.masa().totalSupply();
        bytes4[] memory selectors = new bytes4[](5);
        selectors[0] = ZkSBTFeesHandler.mint.selector;
        selectors[1] = ZkSBTFeesHandler.mint.selector; // mints twice as likely
        selectors[2] = ZkSBTFeesHandler.setMintFees.selector;
        selectors[3] = ZkSBTFeesHandler.sendDirectly.selector;
        selectors[4] = ZkSBTFeesHandler.forwardFees.selector;
        targetContract(address(handler));
        targetSelector(FuzzSelector({addr: address(handler), selectors: selectors}));
    }

    /// Fees pulled + MASA sent directly == forwarded + held.
    function invariant_RegistryMasaIsConserved() public view {
        ZkSBT sbt = handler.sbt();
        uint256 held = handler.masa().balanceOf(address(sbt));
        assertEq(sbt.pendingFees(), held);
        assertEq(handler.ghostFeesPulled() + handler.ghostSentDirectly(), handler.ghostForwarded() + held);
    }

    /// Forwarded == burned + distributed + the router's carried dust.
    function invariant_RouterAccountsForEveryForwardedWei() public view {
        uint256 burned = genesisSupply - handler.masa().totalSupply();
        FeeRouter feeRouter = handler.feeRouter();
        assertEq(handler.ghostForwarded(), burned + handler.distributed() + feeRouter.dust());
        assertEq(handler.masa().balanceOf(address(feeRouter)), feeRouter.dust());
    }

    /// Every mint charged its payer exactly the fee of its class at that moment.
    function invariant_PayersPayExactlyTheFee() public view {
        assertFalse(handler.ghostPayerChargedOtherThanTheFee());
    }
}
