// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IMasaGenesis} from "../interfaces/IMasaGenesis.sol";
import {IMasaToken} from "../interfaces/IMasaToken.sol";
import {IMasaVesting} from "../interfaces/IMasaVesting.sol";
import {Clones} from "@openzeppelin/contracts/proxy/Clones.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";

/// @title MasaGenesis
/// @notice Distributes the whole MASA supply, once, into one vesting wallet per allocation entry,
/// enforcing the published table: the entries add up to the supply and each category to its
/// published amount, with ecosystem growth absorbing the table's extra 1 MASA (see {IMasaGenesis}).
/// @dev Flow: deploy the token (supply to the genesis holder), a {MasaVestingWallet}
/// implementation and this contract; the holder transfers the whole supply here; the owner calls
/// {distribute} with the reviewed data file's entries. Each wallet is a `Clones.cloneDeterministic`
/// clone whose salt is the hash of its entry, initialized and funded in the same transaction, so
/// nobody can initialize it first and its address is known before the distribution.
contract MasaGenesis is IMasaGenesis {
    using SafeERC20 for IERC20;

    /// @inheritdoc IMasaGenesis
    uint256 public constant TOTAL_SUPPLY = 1_588_866_523 ether;

    /// @notice Core team: 406,485,769 MASA (25.58%), revocable per member.
    uint256 public constant CORE_TEAM = 406_485_769 ether;
    /// @notice Major partners & advisors: 113,296,478 MASA (7.13%).
    uint256 public constant PARTNERS_ADVISORS = 113_296_478 ether;
    /// @notice Private round: 421,864,898 MASA (26.55%).
    uint256 public constant PRIVATE_ROUND = 421_864_898 ether;
    /// @notice CoinList community sale: 111,220,657 MASA (7%).
    uint256 public constant COINLIST = 111_220_657 ether;
    /// @notice Community rewards: 158,886,652 MASA (10%).
    uint256 public constant COMMUNITY_REWARDS = 158_886_652 ether;
    /// @notice Oracle node staking rewards: 66,032,028 MASA (4.16%).
    uint256 public constant ORACLE_STAKING_REWARDS = 66_032_028 ether;
    /// @notice Ecosystem growth (treasury): 311,080,041 MASA, one less than the published
    /// 311,080,042, because the published table adds up to one more than the supply. The DAO pool
    /// absorbs the difference (its 19.58% is itself a rounded share) so that every external party
    /// keeps its published number exactly.
    uint256 public constant ECOSYSTEM_GROWTH = 311_080_041 ether;

    uint256 private constant CATEGORIES = 7;

    address private immutable _token;
    address private immutable _vestingImplementation;
    uint64 private immutable _publicSale;
    uint64 private immutable _listing;
    uint64 private immutable _oracleLaunch;
    address private immutable _treasury;
    address private immutable _revoker;
    address private immutable _owner;

    bool private _distributed;

    /// @notice Sets the token, the wallet implementation, the reference events and the revocation
    /// parties; the deployer becomes the owner.
    /// @param token_ The MASA token (its `TOTAL_SUPPLY()` must be the table's total).
    /// @param vestingImplementation_ The {MasaVestingWallet} implementation to clone.
    /// @param publicSale_ The public sale's unix timestamp.
    /// @param listing_ The exchange listing's unix timestamp.
    /// @param oracleLaunch_ The oracle network launch's unix timestamp.
    /// @param treasury_ Receives unvested tokens of revoked wallets (the DAO timelock).
    /// @param revoker_ May revoke revocable wallets (the DAO timelock).
    /// @dev Reverts with {MasaGenesis__ZeroAddress}, {MasaGenesis__ZeroTimestamp} or
    /// {MasaGenesis__TokenSupplyMismatch}.
    constructor(
        address token_,
        address vestingImplementation_,
        uint64 publicSale_,
        uint64 listing_,
        uint64 oracleLaunch_,
        address treasury_,
        address revoker_
    ) {
        if (
            token_ == address(0) || vestingImplementation_ == address(0) || treasury_ == address(0)
                || revoker_ == address(0)
        ) revert MasaGenesis__ZeroAddress();
        if (publicSale_ == 0 || listing_ == 0 || oracleLaunch_ == 0) revert MasaGenesis__ZeroTimestamp();
        uint256 tokenSupply = IMasaToken(token_).TOTAL_SUPPLY();
        if (tokenSupply != TOTAL_SUPPLY) revert MasaGenesis__TokenSupplyMismatch(tokenSupply, TOTAL_SUPPLY);

        _token = token_;
        _vestingImplementation = vestingImplementation_;
        _publicSale = publicSale_;
        _listing = listing_;
        _oracleLaunch = oracleLaunch_;
        _treasury = treasury_;
        _revoker = revoker_;
        _owner = msg.sender;
    }

    /// @inheritdoc IMasaGenesis
    function distribute(Allocation[] calldata entries) external {
        if (msg.sender != _owner) revert MasaGenesis__NotOwner(msg.sender, _owner);
        if (_distributed) revert MasaGenesis__AlreadyDistributed();

        uint256[CATEGORIES] memory totals;
        uint256 sum;
        uint256 count = entries.length;
        for (uint256 i; i < count; ++i) {
            Allocation calldata entry = entries[i];
            if (entry.revocable && !_isRevocable(entry.category)) {
                revert MasaGenesis__NotRevocableCategory(i, entry.category);
            }
            totals[uint256(entry.category)] += entry.amount;
            sum += entry.amount;
        }
        if (sum != TOTAL_SUPPLY) revert MasaGenesis__WrongTotal(sum, TOTAL_SUPPLY);
        for (uint256 c; c < CATEGORIES; ++c) {
            uint256 expected = _categoryTotal(Category(c));
            if (totals[c] != expected) {
                revert MasaGenesis__WrongCategoryTotal(Category(c), totals[c], expected);
            }
        }
        IERC20 masa = IERC20(_token);
        uint256 held = masa.balanceOf(address(this));
        if (held != TOTAL_SUPPLY) revert MasaGenesis__SupplyNotHeld(held, TOTAL_SUPPLY);

        _distributed = true;

        for (uint256 i; i < count; ++i) {
            Allocation calldata entry = entries[i];
            address wallet = _createWallet(i, entry);
            masa.safeTransfer(wallet, entry.amount);
            emit AllocationCreated(entry.category, entry.beneficiary, wallet, entry.amount);
        }
        emit GenesisDistributed(count, sum);
    }

    /// @inheritdoc IMasaGenesis
    function predictWallet(Allocation calldata entry) external view returns (address) {
        return Clones.predictDeterministicAddress(_vestingImplementation, _salt(entry));
    }

    /// @inheritdoc IMasaGenesis
    function walletSalt(Allocation calldata entry) external pure returns (bytes32) {
        return _salt(entry);
    }

    /// @inheritdoc IMasaGenesis
    function categoryTotal(Category category) external pure returns (uint256) {
        return _categoryTotal(category);
    }

    /// @inheritdoc IMasaGenesis
    function referenceTimestamp(ReferenceEvent referenceEvent) external view returns (uint64) {
        return _referenceTimestamp(referenceEvent);
    }

    /// @inheritdoc IMasaGenesis
    function token() external view returns (address) {
        return _token;
    }

    /// @inheritdoc IMasaGenesis
    function vestingImplementation() external view returns (address) {
        return _vestingImplementation;
    }

    /// @inheritdoc IMasaGenesis
    function publicSale() external view returns (uint64) {
        return _publicSale;
    }

    /// @inheritdoc IMasaGenesis
    function listing() external view returns (uint64) {
        return _listing;
    }

    /// @inheritdoc IMasaGenesis
    function oracleLaunch() external view returns (uint64) {
        return _oracleLaunch;
    }

    /// @inheritdoc IMasaGenesis
    function treasury() external view returns (address) {
        return _treasury;
    }

    /// @inheritdoc IMasaGenesis
    function revoker() external view returns (address) {
        return _revoker;
    }

    /// @inheritdoc IMasaGenesis
    function owner() external view returns (address) {
        return _owner;
    }

    /// @inheritdoc IMasaGenesis
    function distributed() external view returns (bool) {
        return _distributed;
    }

    /// @dev Clones, at the entry's CREATE2 address, and initializes one wallet.
    function _createWallet(uint256 index, Allocation calldata entry) private returns (address wallet) {
        bytes32 salt = _salt(entry);
        address predicted = Clones.predictDeterministicAddress(_vestingImplementation, salt);
        if (predicted.code.length != 0) revert MasaGenesis__DuplicateAllocation(index, predicted);
        wallet = Clones.cloneDeterministic(_vestingImplementation, salt);
        bool revocable = entry.revocable;
        IMasaVesting.Schedule memory schedule = IMasaVesting.Schedule({
            start: _referenceTimestamp(entry.referenceEvent),
            lockup: entry.lockup,
            unlockAtLockEndBps: entry.unlockBps,
            linearDuration: entry.linearDuration,
            revocable: revocable
        });
        address revoker_ = revocable ? _revoker : address(0);
        address revokeTo = revocable ? _treasury : address(0);
        IMasaVesting(wallet).initialize(_token, entry.beneficiary, entry.amount, schedule, revoker_, revokeTo);
    }

    /// @dev Team members can leave and advisors can stop advising, so governance may revoke their
    /// unvested tokens; buyers (private round, CoinList) and the pools keep theirs unconditionally.
    function _isRevocable(Category category) private pure returns (bool) {
        return category == Category.CoreTeam || category == Category.PartnersAdvisors;
    }

    function _referenceTimestamp(ReferenceEvent referenceEvent) private view returns (uint64) {
        if (referenceEvent == ReferenceEvent.PublicSale) return _publicSale;
        if (referenceEvent == ReferenceEvent.Listing) return _listing;
        return _oracleLaunch;
    }

    function _categoryTotal(Category category) private pure returns (uint256) {
        if (category == Category.CoreTeam) return CORE_TEAM;
        if (category == Category.PartnersAdvisors) return PARTNERS_ADVISORS;
        if (category == Category.PrivateRound) return PRIVATE_ROUND;
        if (category == Category.CoinList) return COINLIST;
        if (category == Category.CommunityRewards) return COMMUNITY_REWARDS;
        if (category == Category.OracleStakingRewards) return ORACLE_STAKING_REWARDS;
        return ECOSYSTEM_GROWTH;
    }

    function _salt(Allocation calldata entry) private pure returns (bytes32) {
        return keccak256(abi.encode(entry));
    }
}
