// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IMasaGenesis
/// @notice The one-shot genesis distributor of MASA: it receives the whole supply and, in one call,
/// puts every allocation of the published table into its own vesting wallet (an EIP-1167 clone of
/// {MasaVestingWallet} at a CREATE2 address predictable from the entry).
///
/// Published table (MASA): core team 406,485,769; major partners & advisors 113,296,478; private
/// round 421,864,898; CoinList community sale 111,220,657; community rewards 158,886,652; oracle
/// node staking rewards 66,032,028; ecosystem growth (treasury) 311,080,042. These add up to
/// 1,588,866,524, one more than the supply of 1,588,866,523. Resolution: ecosystem growth absorbs
/// the difference and is 311,080,041 MASA. It is the DAO-controlled pool, its 19.58% is itself a
/// rounded share, and this way every external party (team, partners, investors, community, node
/// operators) keeps its published number exactly. {distribute} enforces these per-category totals.
///
/// Durations in an {Allocation} are seconds. The Masa data files (deployments/allocations/*.json)
/// and tests count a month as 30 days and a year as 365 days, and apply them literally to the
/// published wording ("12-month lock" = 360 days, "over 3 years" = 1,095 days).
interface IMasaGenesis {
    /// @notice The allocation categories of the published table.
    enum Category {
        CoreTeam,
        PartnersAdvisors,
        PrivateRound,
        CoinList,
        CommunityRewards,
        OracleStakingRewards,
        EcosystemGrowth
    }

    /// @notice The event a schedule's lock-up counts from.
    enum ReferenceEvent {
        PublicSale,
        Listing,
        OracleLaunch
    }

    /// @notice One line of the genesis distribution: one beneficiary, one amount, one schedule.
    /// @param category The table row it belongs to.
    /// @param beneficiary Receives the vested tokens.
    /// @param amount The allocation, in MASA wei.
    /// @param referenceEvent The event the schedule starts at.
    /// @param lockup Seconds after the reference event during which nothing vests.
    /// @param unlockBps Share vesting when the lock-up ends, in basis points.
    /// @param linearDuration Seconds over which the rest vests linearly (zero iff `unlockBps` is 10_000).
    /// @param revocable Whether governance may revoke it (only CoreTeam and PartnersAdvisors may be).
    struct Allocation {
        Category category;
        address beneficiary;
        uint256 amount;
        ReferenceEvent referenceEvent;
        uint64 lockup;
        uint16 unlockBps;
        uint64 linearDuration;
        bool revocable;
    }

    /*//////////////////////////////////////////////////////////////
                                 EVENTS
    //////////////////////////////////////////////////////////////*/

    /// @notice Emitted for every entry of {distribute}, once its wallet is created and funded.
    /// @param category The entry's category.
    /// @param beneficiary The entry's beneficiary.
    /// @param wallet The vesting wallet holding the allocation.
    /// @param amount The allocation, in MASA wei.
    event AllocationCreated(
        Category indexed category, address indexed beneficiary, address indexed wallet, uint256 amount
    );

    /// @notice Emitted once, after every allocation has been created.
    /// @param allocations The number of entries (wallets).
    /// @param total The amount distributed (the whole supply).
    event GenesisDistributed(uint256 allocations, uint256 total);

    /*//////////////////////////////////////////////////////////////
                                 ERRORS
    //////////////////////////////////////////////////////////////*/

    /// @notice A constructor address (token, implementation, treasury or revoker) was zero.
    error MasaGenesis__ZeroAddress();

    /// @notice A reference timestamp passed to the constructor was zero.
    error MasaGenesis__ZeroTimestamp();

    /// @notice The token's fixed supply is not the published table's total.
    /// @param tokenSupply The token's `TOTAL_SUPPLY()`.
    /// @param expected The table's total.
    error MasaGenesis__TokenSupplyMismatch(uint256 tokenSupply, uint256 expected);

    /// @notice The caller is not the owner (the deployer).
    /// @param caller The caller.
    /// @param owner The owner.
    error MasaGenesis__NotOwner(address caller, address owner);

    /// @notice {distribute} has already run.
    error MasaGenesis__AlreadyDistributed();

    /// @notice The entries do not add up to the total supply.
    /// @param sum What they add up to.
    /// @param expected The total supply.
    error MasaGenesis__WrongTotal(uint256 sum, uint256 expected);

    /// @notice The entries of one category do not add up to its published amount.
    /// @param category The category.
    /// @param sum What its entries add up to.
    /// @param expected Its published amount ({categoryTotal}).
    error MasaGenesis__WrongCategoryTotal(Category category, uint256 sum, uint256 expected);

    /// @notice The distributor does not hold the whole supply.
    /// @param held Its MASA balance.
    /// @param required The total supply.
    error MasaGenesis__SupplyNotHeld(uint256 held, uint256 required);

    /// @notice An entry of a category whose schedules are irrevocable was marked revocable.
    /// @param index The entry's position.
    /// @param category Its category.
    error MasaGenesis__NotRevocableCategory(uint256 index, Category category);

    /// @notice Two entries are identical (same salt, same wallet address).
    /// @param index The position of the second one.
    /// @param wallet The wallet the first one created.
    error MasaGenesis__DuplicateAllocation(uint256 index, address wallet);

    /*//////////////////////////////////////////////////////////////
                               FUNCTIONS
    //////////////////////////////////////////////////////////////*/

    /// @notice Creates, initializes and funds one vesting wallet per entry; callable once, by the
    /// owner, once the distributor holds the whole supply. A revocable wallet gets the revoker and
    /// the treasury (as `revokeTo`); an irrevocable one gets neither.
    /// @param entries The allocations; they must add up to the total supply and, per category, to
    /// the published amounts ({categoryTotal}).
    /// @dev Emits {AllocationCreated} per entry, then {GenesisDistributed}. Reverts with
    /// {MasaGenesis__NotOwner}, {MasaGenesis__AlreadyDistributed},
    /// {MasaGenesis__NotRevocableCategory}, {MasaGenesis__WrongTotal},
    /// {MasaGenesis__WrongCategoryTotal}, {MasaGenesis__SupplyNotHeld},
    /// {MasaGenesis__DuplicateAllocation}, or a wallet's initialization error for an invalid entry.
    function distribute(Allocation[] calldata entries) external;

    /// @notice The wallet address {distribute} creates (or created) for `entry`.
    /// @param entry The allocation entry.
    /// @return The CREATE2 address of its clone.
    function predictWallet(Allocation calldata entry) external view returns (address);

    /// @notice The CREATE2 salt of `entry`'s wallet: `keccak256(abi.encode(entry))`.
    /// @param entry The allocation entry.
    /// @return The salt.
    function walletSalt(Allocation calldata entry) external pure returns (bytes32);

    /// @notice The published amount of `category`, in MASA wei (ecosystem growth: 311,080,041 MASA).
    /// @param category The category.
    /// @return The amount its entries must add up to.
    function categoryTotal(Category category) external pure returns (uint256);

    /// @notice The timestamp of a reference event.
    /// @param referenceEvent The event.
    /// @return Its unix timestamp.
    function referenceTimestamp(ReferenceEvent referenceEvent) external view returns (uint64);

    /// @notice The total supply distributed, 1,588,866,523 MASA in wei.
    /// @return The total supply.
    function TOTAL_SUPPLY() external view returns (uint256);

    /// @notice The MASA token.
    /// @return The token address.
    function token() external view returns (address);

    /// @notice The {MasaVestingWallet} implementation every wallet is a clone of.
    /// @return The implementation address.
    function vestingImplementation() external view returns (address);

    /// @notice The public sale's timestamp.
    /// @return The unix timestamp.
    function publicSale() external view returns (uint64);

    /// @notice The exchange listing's timestamp.
    /// @return The unix timestamp.
    function listing() external view returns (uint64);

    /// @notice The oracle network launch's timestamp.
    /// @return The unix timestamp.
    function oracleLaunch() external view returns (uint64);

    /// @notice Receives unvested tokens of revoked wallets (the DAO treasury, i.e. the timelock).
    /// @return The treasury address.
    function treasury() external view returns (address);

    /// @notice May revoke the revocable wallets (the governance timelock).
    /// @return The revoker address.
    function revoker() external view returns (address);

    /// @notice The deployer, the only account that may call {distribute}.
    /// @return The owner address.
    function owner() external view returns (address);

    /// @notice Whether {distribute} has run.
    /// @return True after the distribution.
    function distributed() external view returns (bool);
}
