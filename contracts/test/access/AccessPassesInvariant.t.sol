// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {AccessPasses} from "../../src/access/AccessPasses.sol";
import {RateLimitTerms} from "../../src/access/terms/RateLimitTerms.sol";
import {IAccessPasses} from "../../src/interfaces/IAccessPasses.sol";
import {InvariantTest} from "../utils/InvariantTest.sol";
import {Test} from "../utils/Test.sol";
import {AccessPassesFixture} from "./utils/AccessPassesFixture.sol";

/// @dev Drives random valid actions on the passes contract over the real registry and fee router
/// (the fixture's): three owners sign offers (MASA or USDC, any prices from zero, 1 to 6 uses,
/// validity from an hour to 10 days, some starting later, some under a 2-a-day rate limit) that
/// two developers accept; developers ask for uses; owners deliver, revoke; anyone closes; time
/// moves; MASA is donated; governance changes the fee and forwards the held USDC fees. An action
/// is taken only when the contract must accept it: any revert then is counted as unexpected.
/// Ghosts record every token movement as the parties' balances saw it.
contract AccessPassesHandler is AccessPassesFixture {
    uint256 internal constant MAX_PASSES = 30;

    RateLimitTerms public rateLimit;
    address public developer2 = makeAddr("developer2");
    address[3] internal owners;
    mapping(address owner => uint256) internal nextNonce;

    uint256[] public passIds;
    // ghosts, per pass, as the balances moved
    mapping(uint256 passId => uint256) public ghostPaidByDeveloper;
    mapping(uint256 passId => uint256) public ghostOwnerReceived;
    mapping(uint256 passId => uint256) public ghostRefunded;
    uint256 public ghostMasaFees; // fees in MASA, paid to the router at once
    uint256 public ghostForwardedMasa; // MASA the held USDC fees became
    uint256 public ghostDonated;
    uint256 public ghostUnexpectedReverts;
    bytes public ghostLastRevert;
    mapping(bytes32 action => uint256) public calls;

    constructor() {
        setUp();
        rateLimit = new RateLimitTerms(address(passes), 2, 1 days);
        owners = [alice, bob, carol];
        require(masa.transfer(developer2, 100_000_000e18), "funded");
        usdc.mint(developer2, 1_000_000e6);
        vm.startPrank(developer2);
        masa.approve(address(passes), type(uint256).max);
        usdc.approve(address(passes), type(uint256).max);
        vm.stopPrank();
    }

    // ------------------------------------------------------------------ actions

    function accept(uint256 seed, uint128 upfront, uint128 perUse, uint256 uses, uint256 duration) external {
        if (passIds.length == MAX_PASSES) return;
        address owner = owners[seed % 3];
        IAccessPasses.Offer memory o = offerOf(owner);
        o.developer = (seed >> 8) % 2 == 0 ? developer : developer2;
        bool inUsdc = (seed >> 16) % 3 == 0;
        o.token = inUsdc ? address(usdc) : address(masa);
        // a quarter of the prices are zero, the others from one unit (wei) up
        uint256 cap = inUsdc ? 1_000e6 : 1_000e18;
        o.upfrontPrice = (seed >> 24) % 4 == 0 ? 0 : uint128(bound(upfront, 1, cap));
        o.perUsePrice = (seed >> 32) % 4 == 0 ? 0 : uint128(bound(perUse, 1, cap));
        o.maxUses = uint32(bound(uses, 1, 6));
        if ((seed >> 40) % 4 == 0) o.validFrom += uint64(bound(duration >> 128, 1, 2 days));
        o.validUntil = o.validFrom + uint64(bound(duration, 1 hours, 10 days));
        if ((seed >> 48) % 3 == 0) o.terms = address(rateLimit);
        o.nonce = nextNonce[owner]++;

        IERC20Like token = IERC20Like(o.token);
        uint256 devBefore = token.balanceOf(o.developer);
        uint256 ownerBefore = token.balanceOf(owner);
        bytes memory signature = signOffer(keyOf[owner], o);
        vm.prank(o.developer);
        try passes.accept(o, signature) returns (uint256 passId) {
            passIds.push(passId);
            ghostPaidByDeveloper[passId] = devBefore - token.balanceOf(o.developer);
            ghostOwnerReceived[passId] = token.balanceOf(owner) - ownerBefore;
            if (!inUsdc) ghostMasaFees += passes.pass(passId).fees;
            ++calls["accept"];
        } catch (bytes memory err) {
            _unexpected(err);
        }
    }

    function request(uint256 seed) external {
        (bool found, uint256 passId, IAccessPasses.Pass memory p) = _pick(seed);
        if (!found) return;
        if (
            // forge-lint: disable-next-line(block-timestamp)
            p.revoked || p.refunded != 0 || block.timestamp < p.validFrom || block.timestamp > p.validUntil
                || p.requested >= p.maxUses
                || (p.terms == address(rateLimit) && rateLimit.remaining(passId) == 0)
        ) return;
        vm.prank(p.developer);
        try passes.requestUse(passId) {
            ++calls["request"];
        } catch (bytes memory err) {
            _unexpected(err);
        }
    }

    function deliver(uint256 seed) external {
        (bool found, uint256 passId, IAccessPasses.Pass memory p) = _pick(seed);
        if (!found) return;
        // forge-lint: disable-next-line(block-timestamp)
        if (p.revoked || p.delivered >= p.requested || block.timestamp > uint256(p.validUntil) + GRACE) {
            return;
        }
        IERC20Like token = IERC20Like(p.token);
        uint256 ownerBefore = token.balanceOf(p.owner);
        uint256 feesBefore = p.fees;
        (bool ok, bytes memory err) = _deliver(passId, p);
        if (!ok) return _unexpected(err);
        ghostOwnerReceived[passId] += token.balanceOf(p.owner) - ownerBefore;
        if (p.token == address(masa)) ghostMasaFees += passes.pass(passId).fees - feesBefore;
        ++calls["deliver"];
    }

    function revoke(uint256 seed) external {
        (bool found, uint256 passId, IAccessPasses.Pass memory p) = _pick(seed);
        if (!found || p.revoked) return;
        vm.prank(p.owner);
        try passes.revoke(passId) {
            ++calls["revoke"];
        } catch (bytes memory err) {
            _unexpected(err);
        }
    }

    /// Anyone once the pass is revoked or past its grace; before, its developer when no use waits
    /// for its delivery.
    function close(uint256 seed) external {
        (bool found, uint256 passId, IAccessPasses.Pass memory p) = _pick(seed);
        if (!found || p.escrow == 0) return;
        // forge-lint: disable-next-line(block-timestamp)
        if (p.revoked || block.timestamp > uint256(p.validUntil) + GRACE) {
            return _close(passId, p, address(this));
        }
        if (p.delivered == p.requested) _close(passId, p, p.developer);
    }

    function warp(uint256 seconds_) external {
        vm.warp(block.timestamp + bound(seconds_, 1, 3 days));
        ++calls["warp"];
    }

    function donate(uint256 amount) external {
        amount = bound(amount, 1, 1_000e18);
        require(masa.transfer(address(passes), amount), "donated");
        ghostDonated += amount;
    }

    function setFee(uint16 bps) external {
        vm.prank(dao);
        passes.setFee(uint16(bound(bps, 0, 1_000)));
    }

    function forwardFees() external {
        if (passes.pendingFees(address(usdc)) == 0) return;
        vm.prank(dao);
        try passes.forwardFees(address(usdc), 0, block.timestamp) returns (uint256 masaAmount) {
            ghostForwardedMasa += masaAmount;
            ++calls["forward"];
        } catch (bytes memory err) {
            _unexpected(err);
        }
    }

    /// After a run: past every pass's grace, every escrow is returned.
    function closeAll() external {
        vm.warp(block.timestamp + 11 days + GRACE + 2 days);
        for (uint256 i; i < passIds.length; ++i) {
            IAccessPasses.Pass memory p = passes.pass(passIds[i]);
            if (p.escrow != 0) _close(passIds[i], p, address(this));
        }
    }

    // ------------------------------------------------------------------ views

    function passesAddress() external view returns (address) {
        return address(passes);
    }

    function usdcAddress() external view returns (address) {
        return address(usdc);
    }

    function passCount() external view returns (uint256) {
        return passIds.length;
    }

    function distributed() external view returns (uint256 total) {
        for (uint256 i; i < 4; ++i) {
            total += masa.balanceOf(feeRecipients[i]);
        }
    }

    // ------------------------------------------------------------------ internals

    function _pick(uint256 seed) internal view returns (bool, uint256, IAccessPasses.Pass memory p) {
        if (passIds.length == 0) return (false, 0, p);
        uint256 passId = passIds[seed % passIds.length];
        return (true, passId, passes.pass(passId));
    }

    function _deliver(uint256 passId, IAccessPasses.Pass memory p) internal returns (bool, bytes memory) {
        IAccessPasses.Delivery memory del = deliveryFor(passId, p.delivered);
        vm.startPrank(p.owner);
        try passes.deliver(passId, useDisclosure(passId, p.owner, p.tokenId, p.delivered), del) {
            vm.stopPrank();
            return (true, "");
        } catch (bytes memory err) {
            vm.stopPrank();
            return (false, err);
        }
    }

    function _close(uint256 passId, IAccessPasses.Pass memory p, address caller) internal {
        IERC20Like token = IERC20Like(p.token);
        uint256 before = token.balanceOf(p.developer);
        vm.prank(caller);
        try passes.close(passId) returns (uint256 amount) {
            ghostRefunded[passId] += token.balanceOf(p.developer) - before;
            if (amount != p.escrow) _unexpected("close returned another amount");
            ++calls["close"];
        } catch (bytes memory err) {
            _unexpected(err);
        }
    }

    function _unexpected(bytes memory err) internal {
        ++ghostUnexpectedReverts;
        ghostLastRevert = err;
    }
}

interface IERC20Like {
    function balanceOf(address account) external view returns (uint256);
    function totalSupply() external view returns (uint256);
}

/// @notice The money path of access passes under random sequences and time warps.
///
/// The conservation law, per pass (in its price token):
///   paid by the developer = paid to the owner + protocol fee + escrow held + refunded,
/// where "paid by the developer" is `upfrontPrice + perUsePrice * maxUses`, and each term is both
/// the contract's stored total and what the parties' balances measured (ghosts). Per token:
///   MASA balance of the contract = Σ escrow of MASA passes + donations,
///   USDC balance of the contract = Σ escrow of USDC passes + held USDC fees.
/// The owner receives exactly `price - fee(price)` for the upfront price and for each delivered
/// use, at the pass's own fee; every MASA fee (and every forwarded USDC fee, as the MASA it
/// became) reached the fee router, which burned or distributed it (or carries it as dust).
contract AccessPassesInvariantTest is Test, InvariantTest {
    AccessPassesHandler internal handler;
    AccessPasses internal passes;
    uint256 internal genesisSupply;

    function setUp() public {
        handler = new AccessPassesHandler();
        passes = AccessPasses(handler.passesAddress());
        genesisSupply = IERC20Like(passes.masa()).totalSupply();
        bytes4[] memory selectors = new bytes4[](12);
        selectors[0] = AccessPassesHandler.accept.selector;
        selectors[1] = AccessPassesHandler.accept.selector;
        selectors[2] = AccessPassesHandler.request.selector;
        selectors[3] = AccessPassesHandler.request.selector;
        selectors[4] = AccessPassesHandler.deliver.selector;
        selectors[5] = AccessPassesHandler.deliver.selector;
        selectors[6] = AccessPassesHandler.revoke.selector;
        selectors[7] = AccessPassesHandler.close.selector;
        selectors[8] = AccessPassesHandler.warp.selector;
        selectors[9] = AccessPassesHandler.donate.selector;
        selectors[10] = AccessPassesHandler.setFee.selector;
        selectors[11] = AccessPassesHandler.forwardFees.selector;
        targetContract(address(handler));
        targetSelector(FuzzSelector({addr: address(handler), selectors: selectors}));
    }

    /// paid by the developer = owner paid + fee + escrow held + refunded, stored and measured.
    function invariant_EachPassIsConserved() public view {
        for (uint256 i; i < handler.passCount(); ++i) {
            uint256 passId = handler.passIds(i);
            IAccessPasses.Pass memory p = passes.pass(passId);
            uint256 paid = uint256(p.upfrontPrice) + uint256(p.perUsePrice) * p.maxUses;
            assertEq(paid, uint256(p.ownerPaid) + p.fees + p.escrow + p.refunded, "conservation");
            assertEq(handler.ghostPaidByDeveloper(passId), paid, "the developer paid exactly the price");
            assertEq(handler.ghostOwnerReceived(passId), p.ownerPaid, "the owner received ownerPaid");
            assertEq(handler.ghostRefunded(passId), p.refunded, "the developer received refunded");
        }
    }

    /// The owner gets exactly price - fee per payment; uses stay within what was asked and bought;
    /// the escrow is exactly the undelivered uses' prices until closed.
    function invariant_OwnerReceivesPriceLessFeePerUse() public view {
        for (uint256 i; i < handler.passCount(); ++i) {
            IAccessPasses.Pass memory p = passes.pass(handler.passIds(i));
            uint256 upfrontFee = uint256(p.upfrontPrice) * p.feeBps / 10_000;
            uint256 useFee = uint256(p.perUsePrice) * p.feeBps / 10_000;
            assertEq(p.ownerPaid, p.upfrontPrice - upfrontFee + p.delivered * (p.perUsePrice - useFee));
            assertEq(p.fees, upfrontFee + p.delivered * useFee);
            assertLe(p.delivered, p.requested);
            assertLe(p.requested, p.maxUses);
            uint256 undelivered = uint256(p.perUsePrice) * (p.maxUses - p.delivered);
            if (p.refunded == 0) assertEq(p.escrow, undelivered, "escrow = undelivered uses");
            else assertEq(p.refunded, undelivered, "refunded = undelivered uses");
        }
    }

    /// The contract holds exactly the escrows (plus donations in MASA, held fees in USDC).
    function invariant_BalanceIsEscrowPlusHeldFees() public view {
        address masa = passes.masa();
        address usdc = handler.usdcAddress();
        uint256 masaEscrow;
        uint256 usdcEscrow;
        for (uint256 i; i < handler.passCount(); ++i) {
            IAccessPasses.Pass memory p = passes.pass(handler.passIds(i));
            if (p.token == masa) masaEscrow += p.escrow;
            else usdcEscrow += p.escrow;
        }
        assertEq(IERC20Like(masa).balanceOf(address(passes)), masaEscrow + handler.ghostDonated(), "MASA");
        assertEq(IERC20Like(usdc).balanceOf(address(passes)), usdcEscrow + passes.pendingFees(usdc), "USDC");
    }

    /// Every MASA fee, and the MASA every forwarded USDC fee became, was burned or distributed.
    function invariant_FeesReachTheRouter() public view {
        uint256 burned = genesisSupply - IERC20Like(passes.masa()).totalSupply();
        uint256 dust = IERC20Like(passes.masa()).balanceOf(passes.feeRouter());
        assertEq(
            burned + handler.distributed() + dust, handler.ghostMasaFees() + handler.ghostForwardedMasa()
        );
    }

    /// Every action the handler found valid was accepted.
    function invariant_NoValidActionReverts() public view {
        assertEq(handler.ghostUnexpectedReverts(), 0, string(handler.ghostLastRevert()));
    }

    /// After each run: past every grace, every escrow is back with its developer and the law
    /// closes: paid = owner paid + fees + refunded; only donations and held fees stay.
    function afterInvariant() public {
        handler.closeAll();
        assertEq(handler.ghostUnexpectedReverts(), 0, string(handler.ghostLastRevert()));
        for (uint256 i; i < handler.passCount(); ++i) {
            IAccessPasses.Pass memory p = passes.pass(handler.passIds(i));
            assertEq(p.escrow, 0);
            assertEq(
                uint256(p.upfrontPrice) + uint256(p.perUsePrice) * p.maxUses,
                uint256(p.ownerPaid) + p.fees + p.refunded
            );
        }
        assertEq(IERC20Like(passes.masa()).balanceOf(address(passes)), handler.ghostDonated());
        address usdc = handler.usdcAddress();
        assertEq(IERC20Like(usdc).balanceOf(address(passes)), passes.pendingFees(usdc));
    }
}
