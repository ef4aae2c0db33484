// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IMasaGenesis} from "../../src/interfaces/IMasaGenesis.sol";
import {IMasaVesting} from "../../src/interfaces/IMasaVesting.sol";
import {MasaGenesis} from "../../src/token/MasaGenesis.sol";
import {MasaToken} from "../../src/token/MasaToken.sol";
import {MasaVestingWallet} from "../../src/token/MasaVestingWallet.sol";
import {Test} from "../utils/Test.sol";
import {Clones} from "@openzeppelin/contracts/proxy/Clones.sol";

/// @dev A token whose fixed supply is not the published table's total.
contract OtherSupplyToken {
    function TOTAL_SUPPLY() external pure returns (uint256) {
        return 1_000_000 ether;
    }
}

/// @dev The genesis distribution of deployments/allocations/anvil.json. forge cannot read that file
/// here (foundry.toml's fs_permissions only allow ./out and the Uniswap builds), so the same table
/// is written out below; keep the two in sync.
contract MasaGenesisTest is Test {
    uint64 internal constant MONTH = 30 days;
    uint64 internal constant YEAR = 365 days;
    uint64 internal constant PUBLIC_SALE = 1_760_000_000;
    uint64 internal constant LISTING = PUBLIC_SALE + 14 days;
    uint64 internal constant ORACLE_LAUNCH = PUBLIC_SALE + 90 days;
    uint256 internal constant SUPPLY = 1_588_866_523 ether;

    // anvil's well-known dev accounts
    address internal constant DEV0 = 0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266;
    address internal constant DEV1 = 0x70997970C51812dc3A010C7d01b50e0d17dc79C8;
    address internal constant DEV2 = 0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC;
    address internal constant DEV3 = 0x90F79bf6EB2c4f870365E785982E1f101E93b906;
    address internal constant DEV4 = 0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65;
    address internal constant DEV5 = 0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc;
    address internal constant DEV6 = 0x976EA74026E726554dB657fA54763abd0C3a0aa9;
    address internal constant DEV7 = 0x14dC79964da2C08b23698B3D3cc7Ca32193d9955;
    address internal constant DEV8 = 0x23618e81E3f5cdF7f54C3d65f7FBc0aBf5B21E8f;
    address internal constant DEV9 = 0xa0Ee7A142d267C1f36714E4a8F75612F20a79720;

    // entry positions in the table
    uint256 internal constant CORE_A1 = 0;
    uint256 internal constant CORE_A2 = 1;
    uint256 internal constant CORE_B = 2;
    uint256 internal constant CORE_C = 3;
    uint256 internal constant CORE_D = 4;
    uint256 internal constant PARTNERS_2Y = 5;
    uint256 internal constant PARTNERS_3Y = 6;
    uint256 internal constant PRIVATE_1 = 7;
    uint256 internal constant PRIVATE_2 = 8;
    uint256 internal constant COINLIST = 9;
    uint256 internal constant COMMUNITY = 10;
    uint256 internal constant ORACLE = 11;
    uint256 internal constant ECOSYSTEM = 12;
    uint256 internal constant ENTRIES = 13;

    /// @dev A named schedule of the data file.
    struct Sched {
        IMasaGenesis.ReferenceEvent ref;
        uint64 lockup;
        uint16 bps;
        uint64 linear;
        bool revocable;
    }

    MasaToken internal token;
    MasaVestingWallet internal implementation;
    MasaGenesis internal genesis;

    address internal holder;
    address internal deployer;
    address internal timelock;
    address internal treasury;

    function setUp() public {
        vm.warp(PUBLIC_SALE - 30 days);
        holder = makeAddr("genesisHolder");
        deployer = makeAddr("deployer");
        timelock = makeAddr("timelock");
        treasury = makeAddr("treasury");

        token = new MasaToken(holder);
        implementation = new MasaVestingWallet();
        vm.prank(deployer);
        genesis = new MasaGenesis(
            address(token), address(implementation), PUBLIC_SALE, LISTING, ORACLE_LAUNCH, treasury, timelock
        );
    }

    /*//////////////////////////////////////////////////////////////
                       THE DATA FILE (anvil.json)
    //////////////////////////////////////////////////////////////*/

    function _sched(
        IMasaGenesis.ReferenceEvent ref,
        uint64 lockupDays,
        uint16 bps,
        uint64 linearDays,
        bool revocable
    ) internal pure returns (Sched memory) {
        return Sched(ref, lockupDays * 1 days, bps, linearDays * 1 days, revocable);
    }

    function _coreTeamA() internal pure returns (Sched memory) {
        return _sched(IMasaGenesis.ReferenceEvent.PublicSale, 180, 2500, 360, true);
    }

    function _coreTeamB() internal pure returns (Sched memory) {
        return _sched(IMasaGenesis.ReferenceEvent.PublicSale, 180, 2500, 930, true);
    }

    function _coreTeamC() internal pure returns (Sched memory) {
        return _sched(IMasaGenesis.ReferenceEvent.PublicSale, 180, 2500, 960, true);
    }

    function _coreTeamD() internal pure returns (Sched memory) {
        return _sched(IMasaGenesis.ReferenceEvent.PublicSale, 360, 2500, 1080, true);
    }

    function _partners2y() internal pure returns (Sched memory) {
        return _sched(IMasaGenesis.ReferenceEvent.PublicSale, 360, 2500, 370, true);
    }

    function _partners3y() internal pure returns (Sched memory) {
        return _sched(IMasaGenesis.ReferenceEvent.PublicSale, 360, 2500, 735, true);
    }

    function _privateRound() internal pure returns (Sched memory) {
        return _sched(IMasaGenesis.ReferenceEvent.PublicSale, 360, 2500, 1095, false);
    }

    function _coinList() internal pure returns (Sched memory) {
        return _sched(IMasaGenesis.ReferenceEvent.PublicSale, 35, 2500, 180, false);
    }

    function _communityRewards() internal pure returns (Sched memory) {
        return _sched(IMasaGenesis.ReferenceEvent.Listing, 30, 10_000, 0, false);
    }

    function _oracleStakingRewards() internal pure returns (Sched memory) {
        return _sched(IMasaGenesis.ReferenceEvent.OracleLaunch, 0, 0, 730, false);
    }

    function _ecosystemGrowth() internal pure returns (Sched memory) {
        return _sched(IMasaGenesis.ReferenceEvent.Listing, 0, 2500, 730, false);
    }

    function _entry(IMasaGenesis.Category category, address beneficiary, uint256 wholeMasa, Sched memory s)
        internal
        pure
        returns (IMasaGenesis.Allocation memory)
    {
        return IMasaGenesis.Allocation({
            category: category,
            beneficiary: beneficiary,
            amount: wholeMasa * 1 ether,
            referenceEvent: s.ref,
            lockup: s.lockup,
            unlockBps: s.bps,
            linearDuration: s.linear,
            revocable: s.revocable
        });
    }

    /// @dev deployments/allocations/anvil.json, entry by entry.
    function _table() internal pure returns (IMasaGenesis.Allocation[] memory t) {
        t = new IMasaGenesis.Allocation[](ENTRIES);
        t[CORE_A1] = _entry(IMasaGenesis.Category.CoreTeam, DEV1, 101_621_442, _coreTeamA());
        t[CORE_A2] = _entry(IMasaGenesis.Category.CoreTeam, DEV5, 50_000_000, _coreTeamA());
        t[CORE_B] = _entry(IMasaGenesis.Category.CoreTeam, DEV2, 90_000_000, _coreTeamB());
        t[CORE_C] = _entry(IMasaGenesis.Category.CoreTeam, DEV3, 85_000_000, _coreTeamC());
        t[CORE_D] = _entry(IMasaGenesis.Category.CoreTeam, DEV4, 79_864_327, _coreTeamD());
        t[PARTNERS_2Y] = _entry(IMasaGenesis.Category.PartnersAdvisors, DEV6, 56_648_239, _partners2y());
        t[PARTNERS_3Y] = _entry(IMasaGenesis.Category.PartnersAdvisors, DEV7, 56_648_239, _partners3y());
        t[PRIVATE_1] = _entry(IMasaGenesis.Category.PrivateRound, DEV8, 300_000_000, _privateRound());
        t[PRIVATE_2] = _entry(IMasaGenesis.Category.PrivateRound, DEV9, 121_864_898, _privateRound());
        t[COINLIST] = _entry(IMasaGenesis.Category.CoinList, DEV7, 111_220_657, _coinList());
        t[COMMUNITY] = _entry(IMasaGenesis.Category.CommunityRewards, DEV0, 158_886_652, _communityRewards());
        t[ORACLE] =
            _entry(IMasaGenesis.Category.OracleStakingRewards, DEV0, 66_032_028, _oracleStakingRewards());
        t[ECOSYSTEM] = _entry(IMasaGenesis.Category.EcosystemGrowth, DEV0, 311_080_041, _ecosystemGrowth());
    }

    /// @dev The published table, as published (MISSION.md section 2), in whole MASA.
    function _published(IMasaGenesis.Category category) internal pure returns (uint256) {
        if (category == IMasaGenesis.Category.CoreTeam) return 406_485_769;
        if (category == IMasaGenesis.Category.PartnersAdvisors) return 113_296_478;
        if (category == IMasaGenesis.Category.PrivateRound) return 421_864_898;
        if (category == IMasaGenesis.Category.CoinList) return 111_220_657;
        if (category == IMasaGenesis.Category.CommunityRewards) return 158_886_652;
        if (category == IMasaGenesis.Category.OracleStakingRewards) return 66_032_028;
        return 311_080_042;
    }

    /*//////////////////////////////////////////////////////////////
                                HELPERS
    //////////////////////////////////////////////////////////////*/

    function _fundGenesis() internal {
        vm.prank(holder);
        assertTrue(token.transfer(address(genesis), SUPPLY));
    }

    function _distribute()
        internal
        returns (IMasaGenesis.Allocation[] memory t, IMasaVesting[] memory wallets)
    {
        _fundGenesis();
        t = _table();
        vm.prank(deployer);
        genesis.distribute(t);
        wallets = new IMasaVesting[](t.length);
        for (uint256 i; i < t.length; ++i) {
            wallets[i] = IMasaVesting(genesis.predictWallet(t[i]));
        }
    }

    function _expectDistributeRevert(IMasaGenesis.Allocation[] memory t, bytes memory err) internal {
        vm.expectRevert(err);
        vm.prank(deployer);
        genesis.distribute(t);
    }

    /*//////////////////////////////////////////////////////////////
                              CONSTRUCTOR
    //////////////////////////////////////////////////////////////*/

    function test_Constructor_RecordsParameters() public view {
        assertEq(genesis.token(), address(token));
        assertEq(genesis.vestingImplementation(), address(implementation));
        assertEq(genesis.publicSale(), PUBLIC_SALE);
        assertEq(genesis.listing(), LISTING);
        assertEq(genesis.oracleLaunch(), ORACLE_LAUNCH);
        assertEq(genesis.treasury(), treasury);
        assertEq(genesis.revoker(), timelock);
        assertEq(genesis.owner(), deployer);
        assertFalse(genesis.distributed());
        assertEq(genesis.TOTAL_SUPPLY(), token.TOTAL_SUPPLY());
        assertEq(genesis.referenceTimestamp(IMasaGenesis.ReferenceEvent.PublicSale), PUBLIC_SALE);
        assertEq(genesis.referenceTimestamp(IMasaGenesis.ReferenceEvent.Listing), LISTING);
        assertEq(genesis.referenceTimestamp(IMasaGenesis.ReferenceEvent.OracleLaunch), ORACLE_LAUNCH);
    }

    function test_RevertWhen_ConstructedWithZeroAddress() public {
        address t = address(token);
        address i = address(implementation);
        vm.expectRevert(IMasaGenesis.MasaGenesis__ZeroAddress.selector);
        new MasaGenesis(address(0), i, PUBLIC_SALE, LISTING, ORACLE_LAUNCH, treasury, timelock);
        vm.expectRevert(IMasaGenesis.MasaGenesis__ZeroAddress.selector);
        new MasaGenesis(t, address(0), PUBLIC_SALE, LISTING, ORACLE_LAUNCH, treasury, timelock);
        vm.expectRevert(IMasaGenesis.MasaGenesis__ZeroAddress.selector);
        new MasaGenesis(t, i, PUBLIC_SALE, LISTING, ORACLE_LAUNCH, address(0), timelock);
        vm.expectRevert(IMasaGenesis.MasaGenesis__ZeroAddress.selector);
        new MasaGenesis(t, i, PUBLIC_SALE, LISTING, ORACLE_LAUNCH, treasury, address(0));
    }

    function test_RevertWhen_ConstructedWithZeroTimestamp() public {
        address t = address(token);
        address i = address(implementation);
        vm.expectRevert(IMasaGenesis.MasaGenesis__ZeroTimestamp.selector);
        new MasaGenesis(t, i, 0, LISTING, ORACLE_LAUNCH, treasury, timelock);
        vm.expectRevert(IMasaGenesis.MasaGenesis__ZeroTimestamp.selector);
        new MasaGenesis(t, i, PUBLIC_SALE, 0, ORACLE_LAUNCH, treasury, timelock);
        vm.expectRevert(IMasaGenesis.MasaGenesis__ZeroTimestamp.selector);
        new MasaGenesis(t, i, PUBLIC_SALE, LISTING, 0, treasury, timelock);
    }

    function test_RevertWhen_TokenSupplyIsNotTheTable() public {
        OtherSupplyToken other = new OtherSupplyToken();
        vm.expectRevert(
            abi.encodeWithSelector(
                IMasaGenesis.MasaGenesis__TokenSupplyMismatch.selector, 1_000_000 ether, SUPPLY
            )
        );
        new MasaGenesis(
            address(other), address(implementation), PUBLIC_SALE, LISTING, ORACLE_LAUNCH, treasury, timelock
        );
    }

    /*//////////////////////////////////////////////////////////////
                             THE PUBLISHED TABLE
    //////////////////////////////////////////////////////////////*/

    function test_EcosystemGrowthAbsorbsTheExtraMasa() public view {
        uint256 published;
        for (uint256 c; c < 7; ++c) {
            published += _published(IMasaGenesis.Category(c));
        }
        assertEq(published, 1_588_866_524, "the published table adds up to one more than the supply");
        assertEq(published * 1 ether, SUPPLY + 1 ether);

        // every category but ecosystem growth keeps its published number exactly
        for (uint256 c; c < 6; ++c) {
            IMasaGenesis.Category category = IMasaGenesis.Category(c);
            assertEq(genesis.categoryTotal(category), _published(category) * 1 ether);
        }
        assertEq(genesis.categoryTotal(IMasaGenesis.Category.EcosystemGrowth), 311_080_041 ether);
        assertEq(genesis.ECOSYSTEM_GROWTH(), 311_080_042 ether - 1 ether);

        uint256 enforced;
        for (uint256 c; c < 7; ++c) {
            enforced += genesis.categoryTotal(IMasaGenesis.Category(c));
        }
        assertEq(enforced, SUPPLY, "the enforced table adds up to the supply");
        assertEq(enforced, token.TOTAL_SUPPLY());
    }

    function test_DataFileMatchesTheTable() public view {
        IMasaGenesis.Allocation[] memory t = _table();
        uint256[7] memory totals;
        uint256 sum;
        for (uint256 i; i < t.length; ++i) {
            totals[uint256(t[i].category)] += t[i].amount;
            sum += t[i].amount;
        }
        assertEq(sum, SUPPLY, "entries add up to the supply");
        for (uint256 c; c < 7; ++c) {
            assertEq(totals[c], genesis.categoryTotal(IMasaGenesis.Category(c)), "category total");
        }
    }

    function test_RevertWhen_PublishedTableDistributedAsIs() public {
        _fundGenesis();
        IMasaGenesis.Allocation[] memory t = _table();
        t[ECOSYSTEM].amount = 311_080_042 ether;
        _expectDistributeRevert(
            t, abi.encodeWithSelector(IMasaGenesis.MasaGenesis__WrongTotal.selector, SUPPLY + 1 ether, SUPPLY)
        );
    }

    /*//////////////////////////////////////////////////////////////
                               DISTRIBUTE
    //////////////////////////////////////////////////////////////*/

    function test_Distribute_CreatesAndFundsEveryWallet() public {
        _fundGenesis();
        IMasaGenesis.Allocation[] memory t = _table();
        address[] memory predicted = new address[](t.length);
        for (uint256 i; i < t.length; ++i) {
            predicted[i] = genesis.predictWallet(t[i]);
            assertEq(predicted[i].code.length, 0, "nothing deployed before the distribution");
            for (uint256 j; j < i; ++j) {
                assertNotEq(predicted[i], predicted[j], "distinct wallets");
            }
        }

        for (uint256 i; i < t.length; ++i) {
            vm.expectEmit(address(genesis));
            emit IMasaGenesis.AllocationCreated(t[i].category, t[i].beneficiary, predicted[i], t[i].amount);
        }
        vm.expectEmit(address(genesis));
        emit IMasaGenesis.GenesisDistributed(ENTRIES, SUPPLY);
        vm.prank(deployer);
        genesis.distribute(t);

        assertTrue(genesis.distributed());
        assertEq(token.balanceOf(address(genesis)), 0, "everything distributed");
        uint256 held;
        uint256[7] memory totals;
        for (uint256 i; i < t.length; ++i) {
            IMasaVesting w = IMasaVesting(predicted[i]);
            assertGt(predicted[i].code.length, 0, "wallet deployed at the predicted address");
            assertEq(token.balanceOf(address(w)), t[i].amount, "funded");
            assertEq(w.allocation(), t[i].amount);
            assertEq(w.released(), 0);
            assertEq(w.token(), address(token));
            assertEq(w.beneficiary(), t[i].beneficiary);
            IMasaVesting.Schedule memory s = w.schedule();
            assertEq(s.start, genesis.referenceTimestamp(t[i].referenceEvent));
            assertEq(s.lockup, t[i].lockup);
            assertEq(s.unlockAtLockEndBps, t[i].unlockBps);
            assertEq(s.linearDuration, t[i].linearDuration);
            assertEq(s.revocable, t[i].revocable);
            assertEq(w.revoker(), t[i].revocable ? timelock : address(0));
            assertEq(w.revokeTo(), t[i].revocable ? treasury : address(0));
            held += token.balanceOf(address(w));
            totals[uint256(t[i].category)] += token.balanceOf(address(w));
        }
        assertEq(held, SUPPLY, "wallets hold the whole supply");
        assertEq(held, token.totalSupply());
        for (uint256 c; c < 7; ++c) {
            assertEq(totals[c], genesis.categoryTotal(IMasaGenesis.Category(c)), "held per category");
        }
    }

    function test_PredictWallet_IsTheCreate2AddressOfTheEntrySalt() public view {
        IMasaGenesis.Allocation[] memory t = _table();
        bytes32 salt = genesis.walletSalt(t[CORE_A1]);
        assertEq(salt, keccak256(abi.encode(t[CORE_A1])));
        assertEq(
            genesis.predictWallet(t[CORE_A1]),
            Clones.predictDeterministicAddress(address(implementation), salt, address(genesis))
        );
        // any field changes the address
        address original = genesis.predictWallet(t[CORE_A1]);
        t[CORE_A1].lockup += 1;
        assertNotEq(genesis.predictWallet(t[CORE_A1]), original);
        t[CORE_A1].lockup -= 1;
        t[CORE_A1].beneficiary = DEV2;
        assertNotEq(genesis.predictWallet(t[CORE_A1]), original);
    }

    function test_RevertWhen_DistributedTwice() public {
        (IMasaGenesis.Allocation[] memory t,) = _distribute();
        _expectDistributeRevert(
            t, abi.encodeWithSelector(IMasaGenesis.MasaGenesis__AlreadyDistributed.selector)
        );
    }

    function test_RevertWhen_DistributedByOther() public {
        _fundGenesis();
        IMasaGenesis.Allocation[] memory t = _table();
        vm.expectRevert(abi.encodeWithSelector(IMasaGenesis.MasaGenesis__NotOwner.selector, holder, deployer));
        vm.prank(holder);
        genesis.distribute(t);
    }

    function test_RevertWhen_EntriesMissing() public {
        _fundGenesis();
        IMasaGenesis.Allocation[] memory t = _table();
        IMasaGenesis.Allocation[] memory shorter = new IMasaGenesis.Allocation[](ENTRIES - 1);
        for (uint256 i; i < shorter.length; ++i) {
            shorter[i] = t[i];
        }
        _expectDistributeRevert(
            shorter,
            abi.encodeWithSelector(
                IMasaGenesis.MasaGenesis__WrongTotal.selector, SUPPLY - t[ECOSYSTEM].amount, SUPPLY
            )
        );
        _expectDistributeRevert(
            new IMasaGenesis.Allocation[](0),
            abi.encodeWithSelector(IMasaGenesis.MasaGenesis__WrongTotal.selector, 0, SUPPLY)
        );
    }

    function test_RevertWhen_CategoryTotalIsWrong() public {
        _fundGenesis();
        IMasaGenesis.Allocation[] memory t = _table();
        // one MASA moved from a team member to an investor: right total, wrong categories
        t[CORE_A1].amount -= 1 ether;
        t[PRIVATE_1].amount += 1 ether;
        _expectDistributeRevert(
            t,
            abi.encodeWithSelector(
                IMasaGenesis.MasaGenesis__WrongCategoryTotal.selector,
                IMasaGenesis.Category.CoreTeam,
                406_485_768 ether,
                406_485_769 ether
            )
        );
    }

    function test_RevertWhen_SupplyNotHeld() public {
        vm.prank(holder);
        assertTrue(token.transfer(address(genesis), SUPPLY - 1));
        _expectDistributeRevert(
            _table(),
            abi.encodeWithSelector(IMasaGenesis.MasaGenesis__SupplyNotHeld.selector, SUPPLY - 1, SUPPLY)
        );
    }

    function test_RevertWhen_InvestorEntryRevocable() public {
        _fundGenesis();
        IMasaGenesis.Allocation[] memory t = _table();
        t[PRIVATE_2].revocable = true;
        _expectDistributeRevert(
            t,
            abi.encodeWithSelector(
                IMasaGenesis.MasaGenesis__NotRevocableCategory.selector,
                PRIVATE_2,
                IMasaGenesis.Category.PrivateRound
            )
        );
        t = _table();
        t[COMMUNITY].revocable = true;
        _expectDistributeRevert(
            t,
            abi.encodeWithSelector(
                IMasaGenesis.MasaGenesis__NotRevocableCategory.selector,
                COMMUNITY,
                IMasaGenesis.Category.CommunityRewards
            )
        );
    }

    function test_RevertWhen_EntryDuplicated() public {
        _fundGenesis();
        IMasaGenesis.Allocation[] memory t = _table();
        // the 50,000,000 core (a) entry split into two identical halves
        IMasaGenesis.Allocation[] memory withDuplicate = new IMasaGenesis.Allocation[](ENTRIES + 1);
        for (uint256 i; i < ENTRIES; ++i) {
            withDuplicate[i] = t[i];
        }
        withDuplicate[CORE_A2].amount = 25_000_000 ether;
        withDuplicate[ENTRIES] = withDuplicate[CORE_A2];
        _expectDistributeRevert(
            withDuplicate,
            abi.encodeWithSelector(
                IMasaGenesis.MasaGenesis__DuplicateAllocation.selector,
                ENTRIES,
                genesis.predictWallet(withDuplicate[CORE_A2])
            )
        );
    }

    function test_RevertWhen_EntryScheduleInvalid() public {
        _fundGenesis();
        IMasaGenesis.Allocation[] memory t = _table();
        // a forgotten linear duration is rejected by the wallet, not turned into a 100% unlock
        t[PRIVATE_1].linearDuration = 0;
        _expectDistributeRevert(
            t, abi.encodeWithSelector(IMasaVesting.MasaVesting__InconsistentSchedule.selector, 2500, 0)
        );
    }

    /*//////////////////////////////////////////////////////////////
                      SCHEDULES AT THEIR KEY TIMEPOINTS
    //////////////////////////////////////////////////////////////*/

    function test_Schedules_CoreTeam() public {
        (, IMasaVesting[] memory w) = _distribute();
        // (a) 101,621,442: 180-day lock, 25%, 75% over 12 months
        assertEq(w[CORE_A1].vestedAmount(PUBLIC_SALE + 180 days - 1), 0);
        assertEq(w[CORE_A1].vestedAmount(PUBLIC_SALE + 180 days), 25_405_360.5 ether);
        assertEq(w[CORE_A1].vestedAmount(PUBLIC_SALE + 180 days + 180 days), 63_513_401.25 ether);
        assertEq(
            w[CORE_A1].vestedAmount(PUBLIC_SALE + 180 days + 12 * MONTH - 1),
            101_621_439.549637297453703703 ether
        );
        assertEq(w[CORE_A1].vestedAmount(PUBLIC_SALE + 180 days + 12 * MONTH), 101_621_442 ether);
        // (b) 90,000,000: 180-day lock, 25%, rest over 31 months
        assertEq(w[CORE_B].vestedAmount(PUBLIC_SALE + 180 days - 1), 0);
        assertEq(w[CORE_B].vestedAmount(PUBLIC_SALE + 180 days), 22_500_000 ether);
        assertEq(w[CORE_B].end(), PUBLIC_SALE + 180 days + 31 * MONTH);
        assertEq(w[CORE_B].vestedAmount(PUBLIC_SALE + 180 days + 31 * MONTH), 90_000_000 ether);
        // (c) 85,000,000: 180-day lock, 25%, 75% over 32 months
        assertEq(w[CORE_C].vestedAmount(PUBLIC_SALE + 180 days), 21_250_000 ether);
        assertEq(w[CORE_C].vestedAmount(PUBLIC_SALE + 180 days + 16 * MONTH), 53_125_000 ether);
        assertEq(w[CORE_C].end(), PUBLIC_SALE + 180 days + 32 * MONTH);
        // (d) 79,864,327: 12-month lock, 25%, rest over 36 months
        assertEq(w[CORE_D].vestedAmount(PUBLIC_SALE + 12 * MONTH - 1), 0);
        assertEq(w[CORE_D].vestedAmount(PUBLIC_SALE + 12 * MONTH), 19_966_081.75 ether);
        assertEq(w[CORE_D].vestedAmount(PUBLIC_SALE + 12 * MONTH + 18 * MONTH), 49_915_204.375 ether);
        assertEq(w[CORE_D].end(), PUBLIC_SALE + 48 * MONTH);
        assertEq(w[CORE_D].vestedAmount(PUBLIC_SALE + 48 * MONTH), 79_864_327 ether);
    }

    function test_Schedules_PartnersAndAdvisors() public {
        (, IMasaVesting[] memory w) = _distribute();
        // 56,648,239 each: 12-month lock, 25%, the rest linear to 2 or 3 years after the sale
        assertEq(w[PARTNERS_2Y].vestedAmount(PUBLIC_SALE + 12 * MONTH - 1), 0);
        assertEq(w[PARTNERS_2Y].vestedAmount(PUBLIC_SALE + 12 * MONTH), 14_162_059.75 ether);
        assertEq(w[PARTNERS_2Y].end(), PUBLIC_SALE + 2 * YEAR);
        assertEq(w[PARTNERS_2Y].vestedAmount(PUBLIC_SALE + 2 * YEAR), 56_648_239 ether);
        assertEq(w[PARTNERS_3Y].vestedAmount(PUBLIC_SALE + 12 * MONTH), 14_162_059.75 ether);
        assertEq(w[PARTNERS_3Y].end(), PUBLIC_SALE + 3 * YEAR);
        assertLt(w[PARTNERS_3Y].vestedAmount(PUBLIC_SALE + 3 * YEAR - 1), 56_648_239 ether);
        assertEq(w[PARTNERS_3Y].vestedAmount(PUBLIC_SALE + 3 * YEAR), 56_648_239 ether);
    }

    function test_Schedules_PrivateRound() public {
        (, IMasaVesting[] memory w) = _distribute();
        // 300,000,000: 12-month lock, 25%, 75% linear over 3 years
        assertEq(w[PRIVATE_1].vestedAmount(PUBLIC_SALE + 12 * MONTH - 1), 0);
        assertEq(w[PRIVATE_1].vestedAmount(PUBLIC_SALE + 12 * MONTH), 75_000_000 ether);
        assertEq(w[PRIVATE_1].vestedAmount(PUBLIC_SALE + 12 * MONTH + YEAR), 150_000_000 ether);
        assertEq(w[PRIVATE_1].vestedAmount(PUBLIC_SALE + 12 * MONTH + 2 * YEAR), 225_000_000 ether);
        assertEq(w[PRIVATE_1].vestedAmount(PUBLIC_SALE + 12 * MONTH + 3 * YEAR), 300_000_000 ether);
        assertEq(w[PRIVATE_2].vestedAmount(PUBLIC_SALE + 12 * MONTH), 30_466_224.5 ether);
        assertEq(w[PRIVATE_2].end(), PUBLIC_SALE + 12 * MONTH + 3 * YEAR);
    }

    function test_Schedules_CoinList() public {
        (, IMasaVesting[] memory w) = _distribute();
        // 111,220,657: 35-day lock, 25%, 75% linear over 6 months
        assertEq(w[COINLIST].vestedAmount(PUBLIC_SALE + 35 days - 1), 0);
        assertEq(w[COINLIST].vestedAmount(PUBLIC_SALE + 35 days), 27_805_164.25 ether);
        assertEq(w[COINLIST].vestedAmount(PUBLIC_SALE + 35 days + 3 * MONTH), 69_512_910.625 ether);
        assertEq(w[COINLIST].vestedAmount(PUBLIC_SALE + 35 days + 6 * MONTH), 111_220_657 ether);
    }

    function test_Schedules_CommunityRewards() public {
        (, IMasaVesting[] memory w) = _distribute();
        // 158,886,652: everything one month after the listing
        assertEq(w[COMMUNITY].vestedAmount(LISTING + MONTH - 1), 0);
        assertEq(w[COMMUNITY].vestedAmount(LISTING + MONTH), 158_886_652 ether);
        vm.warp(LISTING + MONTH);
        w[COMMUNITY].release();
        assertEq(token.balanceOf(DEV0), 158_886_652 ether);
    }

    function test_Schedules_OracleStakingRewards() public {
        (, IMasaVesting[] memory w) = _distribute();
        // 66,032,028: linear over 2 years from the oracle network's launch
        assertEq(w[ORACLE].vestedAmount(ORACLE_LAUNCH - 1), 0);
        assertEq(w[ORACLE].vestedAmount(ORACLE_LAUNCH), 0);
        assertEq(w[ORACLE].vestedAmount(ORACLE_LAUNCH + YEAR), 33_016_014 ether);
        assertEq(w[ORACLE].vestedAmount(ORACLE_LAUNCH + 2 * YEAR), 66_032_028 ether);
    }

    function test_Schedules_EcosystemGrowth() public {
        (, IMasaVesting[] memory w) = _distribute();
        // 311,080,041: 25% at the listing, 75% linear over 2 years
        assertEq(w[ECOSYSTEM].vestedAmount(LISTING - 1), 0);
        assertEq(w[ECOSYSTEM].vestedAmount(LISTING), 77_770_010.25 ether);
        assertEq(w[ECOSYSTEM].vestedAmount(LISTING + YEAR), 194_425_025.625 ether);
        assertEq(w[ECOSYSTEM].vestedAmount(LISTING + 2 * YEAR), 311_080_041 ether);
    }

    function test_AllVested_WholeSupplyReleasable() public {
        (IMasaGenesis.Allocation[] memory t, IMasaVesting[] memory w) = _distribute();
        vm.warp(PUBLIC_SALE + 10 * YEAR);
        uint256 paid;
        for (uint256 i; i < t.length; ++i) {
            paid += w[i].release();
        }
        assertEq(paid, SUPPLY, "the whole supply reaches its beneficiaries");
    }

    /*//////////////////////////////////////////////////////////////
                          GOVERNANCE OVER WALLETS
    //////////////////////////////////////////////////////////////*/

    function test_TeamWalletRevocableByGovernance() public {
        (, IMasaVesting[] memory w) = _distribute();
        vm.warp(PUBLIC_SALE + 180 days + 180 days); // core (a): 62.5% vested
        vm.prank(timelock);
        (uint256 vested, uint256 unvested) = w[CORE_A2].revoke();
        assertEq(vested, 31_250_000 ether);
        assertEq(unvested, 18_750_000 ether);
        assertEq(token.balanceOf(DEV5), 31_250_000 ether);
        assertEq(token.balanceOf(treasury), 18_750_000 ether);

        vm.expectRevert(IMasaVesting.MasaVesting__NotRevocable.selector);
        vm.prank(timelock);
        w[PRIVATE_1].revoke();
        vm.expectRevert(
            abi.encodeWithSelector(IMasaVesting.MasaVesting__NotRevoker.selector, deployer, timelock)
        );
        vm.prank(deployer);
        w[CORE_B].revoke();
    }

    function test_LockedAllocationsVoteFromGenesis() public {
        (, IMasaVesting[] memory w) = _distribute();
        vm.prank(DEV8);
        w[PRIVATE_1].delegate(DEV8);
        vm.prank(DEV1);
        w[CORE_A1].delegate(DEV1);
        assertEq(token.getVotes(DEV8), 300_000_000 ether);
        assertEq(token.getVotes(DEV1), 101_621_442 ether);
    }
}
