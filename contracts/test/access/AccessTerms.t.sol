// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {PurposeAllowlistTerms} from "../../src/access/terms/PurposeAllowlistTerms.sol";
import {RateLimitTerms} from "../../src/access/terms/RateLimitTerms.sol";
import {IAccessPasses} from "../../src/interfaces/IAccessPasses.sol";
import {AccessPassesFixture} from "./utils/AccessPassesFixture.sol";

/// @notice The two reference terms modules, through the passes contract: a rate limit per period
/// and the owner's purpose allowlist.
contract AccessTermsTest is AccessPassesFixture {
    RateLimitTerms internal rateLimit;
    PurposeAllowlistTerms internal allowlist;

    function setUp() public override {
        super.setUp();
        rateLimit = new RateLimitTerms(address(passes), 2, 1 days);
        allowlist = new PurposeAllowlistTerms();
        // start at a period boundary, so "the next period" is plain
        vm.warp((block.timestamp / 1 days + 1) * 1 days);
    }

    uint256 internal nextNonce;

    function passWith(address owner, address terms) internal returns (uint256) {
        IAccessPasses.Offer memory o = offerOf(owner);
        o.terms = terms;
        o.nonce = nextNonce++;
        o.maxUses = 10;
        return acceptOffer(o);
    }

    // ------------------------------------------------------------------ rate limit

    /// Two uses a day: the third of the day is refused (and not counted by the pass); the next
    /// day allows two more.
    function test_RateLimit_NUsesPerPeriod() public {
        uint256 day = block.timestamp;
        uint256 passId = passWith(alice, address(rateLimit));
        assertEq(rateLimit.remaining(passId), 2);
        vm.expectEmit(address(rateLimit));
        emit RateLimitTerms.UseCounted(passId, 0, day / 1 days, 1);
        requestAs(developer, passId);
        vm.warp(day + 1 days - 1);
        requestAs(developer, passId);
        assertEq(rateLimit.remaining(passId), 0);
        vm.expectRevert(
            abi.encodeWithSelector(
                RateLimitTerms.RateLimitTerms__RateLimited.selector, passId, 2, day + 1 days
            )
        );
        requestAs(developer, passId);
        assertEq(passes.pass(passId).requested, 2, "the refused request is not counted");
        vm.warp(day + 1 days);
        assertEq(rateLimit.remaining(passId), 2);
        assertEq(requestAs(developer, passId), 2);
        assertEq(requestAs(developer, passId), 3);
        vm.expectRevert(
            abi.encodeWithSelector(
                RateLimitTerms.RateLimitTerms__RateLimited.selector, passId, 2, day + 2 days
            )
        );
        requestAs(developer, passId);
        // an idle period does not bank uses
        vm.warp(day + 5 days);
        requestAs(developer, passId);
        requestAs(developer, passId);
        vm.expectRevert(
            abi.encodeWithSelector(
                RateLimitTerms.RateLimitTerms__RateLimited.selector, passId, 2, day + 6 days
            )
        );
        requestAs(developer, passId);
    }

    /// One deployment serves many passes, each with its own count.
    function test_RateLimit_CountsPerPass() public {
        uint256 a = passWith(alice, address(rateLimit));
        uint256 b = passWith(bob, address(rateLimit));
        requestAs(developer, a);
        requestAs(developer, a);
        requestAs(developer, b);
        requestAs(developer, b);
        assertEq(rateLimit.remaining(a), 0);
        assertEq(rateLimit.remaining(b), 0);
        assertEq(passes.pass(a).requested + passes.pass(b).requested, 4);
    }

    /// Only the passes contract consumes an allowance: a stranger cannot use up a pass's uses.
    function test_RevertWhen_RateLimitCalledByAnyoneElse() public {
        uint256 passId = passWith(alice, address(rateLimit));
        vm.prank(watcher);
        vm.expectRevert(
            abi.encodeWithSelector(
                RateLimitTerms.RateLimitTerms__NotPasses.selector, watcher, address(passes)
            )
        );
        rateLimit.checkUse(passId, developer, alice, 0, RESEARCH);
        assertEq(rateLimit.remaining(passId), 2);
    }

    function test_RevertWhen_RateLimitConfigInvalid() public {
        vm.expectRevert(RateLimitTerms.RateLimitTerms__InvalidConfig.selector);
        new RateLimitTerms(address(0), 1, 1);
        vm.expectRevert(RateLimitTerms.RateLimitTerms__InvalidConfig.selector);
        new RateLimitTerms(address(passes), 0, 1);
        vm.expectRevert(RateLimitTerms.RateLimitTerms__InvalidConfig.selector);
        new RateLimitTerms(address(passes), 1, 0);
        RateLimitTerms ok = new RateLimitTerms(address(passes), 3, 1 hours);
        assertEq(ok.passes(), address(passes));
        assertEq(ok.maxUsesPerPeriod(), 3);
        assertEq(ok.period(), 1 hours);
    }

    /// Whatever the timing of the requests, no period ever holds more than its limit.
    function testFuzz_RateLimit_NeverMoreThanTheLimitPerPeriod(uint256 seed) public {
        uint256 passId = passWith(alice, address(rateLimit));
        uint256 start = block.timestamp;
        uint256[8] memory perDay;
        for (uint256 i; i < 20; ++i) {
            seed = uint256(keccak256(abi.encode(seed, i)));
            vm.warp(block.timestamp + seed % 10 hours);
            // forge-lint: disable-next-line(block-timestamp)
            if (block.timestamp >= start + 8 days) break;
            vm.prank(developer);
            try passes.requestUse(passId) {
                ++perDay[(block.timestamp - start) / 1 days];
            } catch (bytes memory err) {
                // forge-lint: disable-next-line(unsafe-typecast)
                assertEq(bytes4(err), RateLimitTerms.RateLimitTerms__RateLimited.selector);
                assertEq(perDay[(block.timestamp - start) / 1 days], 2, "refused only at the limit");
            }
            if (passes.pass(passId).requested == 10) break;
        }
        for (uint256 d; d < 8; ++d) {
            assertLe(perDay[d], 2);
        }
    }

    // ------------------------------------------------------------------ purpose allowlist

    /// A use is allowed only while the owner allows the pass's purpose; the owner withdraws it
    /// once for every pass naming the module, and may give it again.
    function test_PurposeAllowlist_AllowsOnlyTheOwnersPurposes() public {
        uint256 passId = passWith(alice, address(allowlist));
        vm.expectRevert(
            abi.encodeWithSelector(
                PurposeAllowlistTerms.PurposeAllowlistTerms__PurposeNotAllowed.selector, alice, RESEARCH
            )
        );
        requestAs(developer, passId);

        // another owner's consent does not count
        vm.prank(bob);
        allowlist.setPurpose(RESEARCH, true);
        vm.expectRevert(
            abi.encodeWithSelector(
                PurposeAllowlistTerms.PurposeAllowlistTerms__PurposeNotAllowed.selector, alice, RESEARCH
            )
        );
        requestAs(developer, passId);

        vm.expectEmit(address(allowlist));
        emit PurposeAllowlistTerms.PurposeSet(alice, RESEARCH, true);
        vm.prank(alice);
        allowlist.setPurpose(RESEARCH, true);
        assertTrue(allowlist.isAllowed(alice, RESEARCH));
        requestAs(developer, passId);
        deliverNext(passId);

        vm.prank(alice);
        allowlist.setPurpose(RESEARCH, false);
        uint256 second = passWith(alice, address(allowlist)); // accepted: consulted on use only
        for (uint256 i; i < 2; ++i) {
            uint256 id = i == 0 ? passId : second;
            vm.expectRevert(
                abi.encodeWithSelector(
                    PurposeAllowlistTerms.PurposeAllowlistTerms__PurposeNotAllowed.selector, alice, RESEARCH
                )
            );
            requestAs(developer, id);
        }
        vm.prank(alice);
        allowlist.setPurpose(RESEARCH, true);
        requestAs(developer, second);
        assertEq(passes.pass(second).requested, 1);
    }

    /// Purposes are told apart: allowing one allows no other.
    function test_PurposeAllowlist_OnePurposeAllowsNoOther() public {
        IAccessPasses.Offer memory o = offerOf(alice);
        o.terms = address(allowlist);
        o.purpose = keccak256("advertising");
        uint256 passId = acceptOffer(o);
        vm.prank(alice);
        allowlist.setPurpose(RESEARCH, true);
        vm.expectRevert(
            abi.encodeWithSelector(
                PurposeAllowlistTerms.PurposeAllowlistTerms__PurposeNotAllowed.selector,
                alice,
                keccak256("advertising")
            )
        );
        requestAs(developer, passId);
    }
}
