// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IMasaVesting} from "../../src/interfaces/IMasaVesting.sol";
import {MasaToken} from "../../src/token/MasaToken.sol";
import {MasaVestingWallet} from "../../src/token/MasaVestingWallet.sol";
import {InvariantTest} from "../utils/InvariantTest.sol";
import {Test} from "../utils/Test.sol";
import {Clones} from "@openzeppelin/contracts/proxy/Clones.sol";

/// @dev Drives random valid actions on a few vesting wallets: time passes, anyone releases,
/// beneficiaries hand over, governance revokes, tokens are sent in and swept out, holders burn.
/// Ghost variables record everything that left or entered the wallets.
contract VestingHandler is Test {
    uint64 internal constant MONTH = 30 days;
    uint64 internal constant YEAR = 365 days;

    MasaToken public immutable token;
    address public immutable holder;
    address public immutable timelock;
    address public immutable treasury;

    MasaVestingWallet[] internal _wallets;
    address[] internal _actors;

    /// @dev The handler's clock: forge does not carry `vm.warp` from one handler call to the next.
    uint256 public currentTime;

    uint256 public ghostAllocated;
    uint256 public ghostReleased; // paid to beneficiaries by release() and revoke()
    uint256 public ghostReturned; // paid to the treasury by revoke()
    uint256 public ghostExcessIn;
    uint256 public ghostExcessSwept;
    uint256 public ghostLastSupply;
    bool public ghostReleasedDecreased;
    bool public ghostSupplyIncreased;
    bool public ghostPaidWrongAccount;
    mapping(address wallet => uint256) public ghostLastReleased;
    mapping(bytes32 action => uint256) public calls;

    constructor(uint64 start) {
        currentTime = block.timestamp;
        holder = makeAddr("genesisHolder");
        timelock = makeAddr("timelock");
        treasury = makeAddr("treasury");
        _actors.push(makeAddr("actor0"));
        _actors.push(makeAddr("actor1"));
        _actors.push(makeAddr("actor2"));
        _actors.push(makeAddr("actor3"));
        _actors.push(makeAddr("actor4"));
        token = new MasaToken(holder);
        ghostLastSupply = token.totalSupply();

        MasaVestingWallet implementation = new MasaVestingWallet();
        // core team (a), revocable
        _add(
            implementation,
            _actors[0],
            40_000_000 ether,
            IMasaVesting.Schedule(start, 180 days, 2500, 12 * MONTH, true)
        );
        // core team (d), revocable, odd amount
        _add(
            implementation,
            _actors[1],
            12_345_678.9 ether + 7,
            IMasaVesting.Schedule(start, 12 * MONTH, 2500, 36 * MONTH, true)
        );
        // private round, irrevocable
        _add(
            implementation,
            _actors[2],
            100_000_000 ether,
            IMasaVesting.Schedule(start, 12 * MONTH, 2500, 3 * YEAR, false)
        );
        // CoinList-like with dust: 1,000,003 wei over 7 seconds after a 35-day lock, revocable
        _add(implementation, _actors[3], 1_000_003, IMasaVesting.Schedule(start, 35 days, 3333, 7, true));
        // oracle staking rewards: linear from launch, irrevocable
        _add(
            implementation, _actors[4], 66_032_028 ether, IMasaVesting.Schedule(start, 0, 0, 2 * YEAR, false)
        );
    }

    function _add(
        MasaVestingWallet implementation,
        address beneficiary,
        uint256 amount,
        IMasaVesting.Schedule memory s
    ) internal {
        MasaVestingWallet w = MasaVestingWallet(Clones.clone(address(implementation)));
        w.initialize(
            address(token),
            beneficiary,
            amount,
            s,
            s.revocable ? timelock : address(0),
            s.revocable ? treasury : address(0)
        );
        vm.prank(holder);
        require(token.transfer(address(w), amount), "fund");
        _wallets.push(w);
        ghostAllocated += amount;
    }

    modifier atCurrentTime(bytes32 action) {
        vm.warp(currentTime);
        calls[action]++;
        _;
        _observe();
    }

    /// @dev After every action: released never decreases, the supply never increases.
    function _observe() internal {
        for (uint256 i; i < _wallets.length; ++i) {
            address w = address(_wallets[i]);
            uint256 released = _wallets[i].released();
            if (released < ghostLastReleased[w]) ghostReleasedDecreased = true;
            ghostLastReleased[w] = released;
        }
        uint256 supply = token.totalSupply();
        if (supply > ghostLastSupply) ghostSupplyIncreased = true;
        ghostLastSupply = supply;
    }

    function _wallet(uint256 seed) internal view returns (MasaVestingWallet) {
        return _wallets[seed % _wallets.length];
    }

    function _actor(uint256 seed) internal view returns (address) {
        return _actors[seed % _actors.length];
    }

    /*//////////////////////////////////////////////////////////////
                                ACTIONS
    //////////////////////////////////////////////////////////////*/

    function warp(uint256 seconds_) external atCurrentTime("warp") {
        currentTime += bound(seconds_, 0, 120 days);
    }

    function release(uint256 walletSeed, uint256 callerSeed) external atCurrentTime("release") {
        MasaVestingWallet w = _wallet(walletSeed);
        if (w.releasable() == 0) return;
        address beneficiary = w.beneficiary();
        uint256 before = token.balanceOf(beneficiary);
        vm.prank(_actor(callerSeed));
        uint256 amount = w.release();
        if (token.balanceOf(beneficiary) != before + amount) ghostPaidWrongAccount = true;
        ghostReleased += amount;
    }

    function changeBeneficiary(uint256 walletSeed, uint256 newSeed, bool accept)
        external
        atCurrentTime("handover")
    {
        MasaVestingWallet w = _wallet(walletSeed);
        address proposed = _actor(newSeed);
        vm.prank(w.beneficiary());
        w.proposeBeneficiary(proposed);
        if (accept) {
            vm.prank(proposed);
            w.acceptBeneficiary();
        }
    }

    function revoke(uint256 walletSeed) external atCurrentTime("revoke") {
        MasaVestingWallet w = _wallet(walletSeed);
        if (!w.schedule().revocable || w.revoked()) return;
        uint256 releasedBefore = w.released();
        vm.prank(timelock);
        (uint256 vested, uint256 unvested) = w.revoke();
        ghostReleased += vested - releasedBefore;
        ghostReturned += unvested;
    }

    function sendExcess(uint256 walletSeed, uint256 amount) external atCurrentTime("sendExcess") {
        MasaVestingWallet w = _wallet(walletSeed);
        amount = bound(amount, 1, 1_000 ether);
        vm.prank(holder);
        require(token.transfer(address(w), amount), "excess");
        ghostExcessIn += amount;
    }

    function sweepExcess(uint256 walletSeed, uint256 callerSeed) external atCurrentTime("sweep") {
        MasaVestingWallet w = _wallet(walletSeed);
        if (w.excess() == 0) return;
        vm.prank(_actor(callerSeed));
        ghostExcessSwept += w.sweepExcess();
    }

    function delegate(uint256 walletSeed, uint256 delegateeSeed) external atCurrentTime("delegate") {
        MasaVestingWallet w = _wallet(walletSeed);
        vm.prank(w.beneficiary());
        w.delegate(_actor(delegateeSeed));
    }

    function burn(uint256 amount) external atCurrentTime("burn") {
        amount = bound(amount, 0, token.balanceOf(holder) / 1_000);
        vm.prank(holder);
        token.burn(amount);
    }

    /*//////////////////////////////////////////////////////////////
                                 VIEWS
    //////////////////////////////////////////////////////////////*/

    function walletCount() external view returns (uint256) {
        return _wallets.length;
    }

    function wallet(uint256 i) external view returns (MasaVestingWallet) {
        return _wallets[i];
    }
}

/// @dev Handler actions only attempt valid operations, so any revert is a failure.
/// forge-config: default.invariant.fail-on-revert = true
contract VestingInvariantTest is Test, InvariantTest {
    uint64 internal constant START = 1_760_000_000;

    VestingHandler internal handler;
    MasaToken internal token;

    function setUp() public {
        vm.warp(START - 30 days);
        handler = new VestingHandler(START);
        token = handler.token();

        bytes4[] memory selectors = new bytes4[](8);
        selectors[0] = VestingHandler.warp.selector;
        selectors[1] = VestingHandler.release.selector;
        selectors[2] = VestingHandler.changeBeneficiary.selector;
        selectors[3] = VestingHandler.revoke.selector;
        selectors[4] = VestingHandler.sendExcess.selector;
        selectors[5] = VestingHandler.sweepExcess.selector;
        selectors[6] = VestingHandler.delegate.selector;
        selectors[7] = VestingHandler.burn.selector;
        targetContract(address(handler));
        targetSelector(FuzzSelector({addr: address(handler), selectors: selectors}));
    }

    function invariant_ReleasedNeverAboveAllocation() public view {
        uint256 totalReleased;
        for (uint256 i; i < handler.walletCount(); ++i) {
            MasaVestingWallet w = handler.wallet(i);
            assertLe(w.released(), w.allocation(), "wallet released above its allocation");
            totalReleased += w.released();
        }
        assertLe(totalReleased, handler.ghostAllocated(), "total released above total allocated");
        assertEq(totalReleased, handler.ghostReleased(), "released == what beneficiaries were paid");
    }

    function invariant_ReleasedIsMonotone() public view {
        assertFalse(handler.ghostReleasedDecreased(), "released decreased");
    }

    function invariant_TotalSupplyNeverIncreases() public view {
        assertFalse(handler.ghostSupplyIncreased(), "supply increased");
        assertLe(token.totalSupply(), token.TOTAL_SUPPLY(), "supply above the genesis supply");
    }

    function invariant_OnlyBeneficiariesArePaid() public view {
        assertFalse(handler.ghostPaidWrongAccount(), "a release paid someone else");
    }

    function invariant_WalletsStayFunded() public {
        vm.warp(handler.currentTime());
        for (uint256 i; i < handler.walletCount(); ++i) {
            MasaVestingWallet w = handler.wallet(i);
            uint256 owed = w.revoked() ? 0 : w.allocation() - w.released();
            assertGe(token.balanceOf(address(w)), owed, "wallet cannot pay what it owes");
            // releasable() = vested(now) - released never underflows and never exceeds what is owed
            assertLe(w.releasable(), owed, "releasable above what is owed");
            assertEq(token.balanceOf(address(w)) - owed, w.excess(), "excess is exactly the surplus");
        }
    }

    function invariant_TokensAreConserved() public view {
        uint256 held;
        for (uint256 i; i < handler.walletCount(); ++i) {
            held += token.balanceOf(address(handler.wallet(i)));
        }
        assertEq(
            held + handler.ghostReleased() + handler.ghostReturned() + handler.ghostExcessSwept(),
            handler.ghostAllocated() + handler.ghostExcessIn(),
            "tokens in == tokens out + tokens held"
        );
    }

    function invariant_RevocationSplitsExactly() public view {
        for (uint256 i; i < handler.walletCount(); ++i) {
            MasaVestingWallet w = handler.wallet(i);
            if (!w.revoked()) continue;
            assertEq(w.vestedAmount(type(uint64).max), w.released(), "vesting frozen at revocation");
            assertEq(w.releasable(), 0, "nothing releasable after revocation");
        }
    }
}
