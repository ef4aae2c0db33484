// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IOracleNodes} from "../interfaces/IOracleNodes.sol";
import {IOracleRewards} from "../interfaces/IOracleRewards.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ERC20Burnable} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Burnable.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";

/// @title OracleNodes
/// @notice The oracle nodes' registry, stake and slashing. See {IOracleNodes}.
/// @dev
/// - **Conservation.** MASA in (stakes) = MASA out (claims + slashes) + held, with
///   held = Σ staked + Σ unbonding = {totalStaked}; every slash pays exactly
///   reward + burned + treasury share. The MASA balance is never read: every amount comes from
///   this accounting, so a donation changes nothing (and stays here).
/// - **Unbonding cannot dodge a slash**: a slash takes the active stake first, then the
///   unbonding stake; a pending unbond cannot be restarted (to move its window) until claimed or
///   lapsed, and a lapsed one returns to the active stake, whose node is active again.
/// - **Rate limit**: slashes draw from a bucket of `slashCapacity` MASA refilled at
///   `refillPerSecond`; a slash larger than the bucket slashes what the bucket holds (and jails
///   all the same).
/// - **Equivocation** is proven by two EIP-712 `Result` signatures of one key, same request and
///   configuration, different result hashes; once per key and request. The first report to land
///   is paid; a copy of it that lands first takes the reward and the original is refused
///   (`OracleNodes__AlreadySlashed`): the node is slashed once either way.
/// - **Node keys** are EOA keys (ECDSA, low-s only); registering one takes its signature, so no
///   operator can claim (or squat) another's key.
contract OracleNodes is IOracleNodes, EIP712, Ownable2Step, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    /// @notice `Result`'s EIP-712 type hash.
    bytes32 public constant RESULT_TYPEHASH =
        keccak256("Result(uint256 requestId,bytes32 resultHash,bytes32 configHash)");

    /// @notice `Registration`'s EIP-712 type hash.
    bytes32 public constant REGISTRATION_TYPEHASH =
        keccak256("Registration(address operator,address signer,uint256 deadline)");

    /// @notice The `reason` of an equivocation slash.
    bytes32 public constant EQUIVOCATION = keccak256("equivocation");

    /// @notice Bounds of the parameters governance may set.
    uint32 public constant MIN_UNBONDING_PERIOD = 1 hours;
    uint32 public constant MAX_UNBONDING_PERIOD = 90 days;
    uint32 public constant MIN_CLAIM_WINDOW = 1 hours;
    uint32 public constant MAX_CLAIM_WINDOW = 30 days;
    uint32 public constant MAX_JAIL_PERIOD = 365 days;
    uint16 public constant MAX_REPORTER_SHARE_BPS = 5_000;

    uint256 private constant _BPS = 10_000;

    IERC20 private immutable _masa;
    /// The account that deployed the registry, which may wire the rewards once (as governance may).
    address private immutable _deployer;

    Params private _params;
    mapping(address operator => Node) private _nodes;
    mapping(address signer => address operator) private _operatorOf;
    mapping(address signer => mapping(uint256 requestId => bool)) private _equivocationSlashed;
    uint256 private _totalStaked;
    uint96 private _capacityLevel;
    uint64 private _capacityUpdatedAt;
    IOracleRewards private _rewards;

    /// @notice Creates the registry.
    /// @param masa_ MASA, the staked token.
    /// @param owner_ The DAO timelock (sets the parameters, slashes faults judged off-chain).
    /// @param params_ The initial parameters.
    constructor(IERC20 masa_, address owner_, Params memory params_)
        EIP712("Masa OracleNodes", "1")
        Ownable(owner_)
    {
        if (address(masa_) == address(0)) revert OracleNodes__ZeroAddress();
        _masa = masa_;
        _deployer = msg.sender;
        _setParams(params_);
        _capacityLevel = params_.slashCapacity;
        _capacityUpdatedAt = uint64(block.timestamp);
    }

    // ---------------------------------------------------------------- operators

    /// @inheritdoc IOracleNodes
    function register(address signer, string calldata endpoint, uint256 deadline, bytes calldata signature)
        external
    {
        // forge-lint: disable-next-line(block-timestamp)
        if (block.timestamp > deadline) revert OracleNodes__RegistrationExpired(deadline);
        if (signer == address(0)) revert OracleNodes__ZeroAddress();
        Node storage n = _nodes[msg.sender];
        if (n.registered) revert OracleNodes__AlreadyRegistered(msg.sender);
        address taken = _operatorOf[signer];
        if (taken != address(0)) revert OracleNodes__SignerTaken(signer, taken);
        (address recovered, ECDSA.RecoverError error_,) =
            ECDSA.tryRecover(hashRegistration(msg.sender, signer, deadline), signature);
        if (error_ != ECDSA.RecoverError.NoError || recovered != signer) {
            revert OracleNodes__InvalidRegistration(signer);
        }
        n.registered = true;
        n.signer = signer;
        n.endpoint = endpoint;
        _operatorOf[signer] = msg.sender;
        emit NodeRegistered(msg.sender, signer, endpoint);
    }

    /// @inheritdoc IOracleNodes
    function setEndpoint(string calldata endpoint) external {
        _registered(msg.sender).endpoint = endpoint;
        emit EndpointChanged(msg.sender, endpoint);
    }

    /// @inheritdoc IOracleNodes
    function stake(uint256 amount) external nonReentrant {
        if (amount == 0) revert OracleNodes__ZeroAmount();
        Node storage n = _registered(msg.sender);
        _lapse(msg.sender, n);
        uint256 total = uint256(n.staked) + n.unbonding + amount;
        if (total > _params.maxStake) revert OracleNodes__AboveMaxStake(msg.sender, total, _params.maxStake);
        // forge-lint: disable-next-line(unsafe-typecast)
        n.staked += uint96(amount); // total <= maxStake < 2^96
        _totalStaked += amount;
        emit Staked(msg.sender, amount, n.staked);
        _masa.safeTransferFrom(msg.sender, address(this), amount);
        _syncRewards(msg.sender);
    }

    /// @inheritdoc IOracleNodes
    function unbond(uint256 amount) external {
        if (amount == 0) revert OracleNodes__ZeroAmount();
        Node storage n = _registered(msg.sender);
        _lapse(msg.sender, n);
        if (n.unbondedAt != 0) revert OracleNodes__UnbondingPending(msg.sender, n.unbondedAt);
        if (amount > n.staked) revert OracleNodes__InsufficientStake(msg.sender, amount, n.staked);
        // forge-lint: disable-next-line(unsafe-typecast)
        n.staked -= uint96(amount); // amount <= staked
        // forge-lint: disable-next-line(unsafe-typecast)
        n.unbonding = uint96(amount);
        n.unbondedAt = uint64(block.timestamp) + _params.unbondingPeriod;
        emit Unbonding(msg.sender, amount, n.unbondedAt);
        _syncRewards(msg.sender);
    }

    /// @inheritdoc IOracleNodes
    function claim() external nonReentrant returns (uint256 amount) {
        Node storage n = _registered(msg.sender);
        uint256 from = n.unbondedAt;
        uint256 until = from + _params.claimWindow;
        // forge-lint: disable-next-line(block-timestamp)
        if (from == 0 || block.timestamp < from || block.timestamp > until) {
            revert OracleNodes__NotClaimable(msg.sender, from, until, block.timestamp);
        }
        amount = n.unbonding;
        (n.unbonding, n.unbondedAt) = (0, 0);
        _totalStaked -= amount;
        emit Claimed(msg.sender, amount);
        _masa.safeTransfer(msg.sender, amount);
        _syncRewards(msg.sender);
    }

    // ---------------------------------------------------------------- slashing

    /// @inheritdoc IOracleNodes
    function reportEquivocation(
        Result calldata a,
        bytes calldata sigA,
        Result calldata b,
        bytes calldata sigB
    ) external nonReentrant returns (uint256 amount) {
        if (a.requestId != b.requestId) {
            revert OracleNodes__NotEquivocation("different requests");
        }
        if (a.configHash != b.configHash) revert OracleNodes__NotEquivocation("different configurations");
        if (a.resultHash == b.resultHash) revert OracleNodes__NotEquivocation("the same result");
        address signer = ECDSA.recover(hashResult(a), sigA);
        if (ECDSA.recover(hashResult(b), sigB) != signer) {
            revert OracleNodes__NotEquivocation("signed by different keys");
        }
        address operator = _operatorOf[signer];
        if (operator == address(0)) revert OracleNodes__UnknownSigner(signer);
        if (_equivocationSlashed[signer][a.requestId]) {
            revert OracleNodes__AlreadySlashed(signer, a.requestId);
        }
        _equivocationSlashed[signer][a.requestId] = true;
        return _slash(operator, _params.equivocationPenalty, msg.sender, EQUIVOCATION);
    }

    /// @inheritdoc IOracleNodes
    function slash(address operator, uint256 amount, bytes32 reason)
        external
        onlyOwner
        nonReentrant
        returns (uint256 slashed)
    {
        _registered(operator);
        return _slash(operator, amount, address(0), reason);
    }

    // ---------------------------------------------------------------- governance

    /// @inheritdoc IOracleNodes
    function setParams(Params calldata params_) external onlyOwner {
        _refill();
        _setParams(params_);
        if (_capacityLevel > params_.slashCapacity) _capacityLevel = params_.slashCapacity;
    }

    /// @inheritdoc IOracleNodes
    function setRewards(address rewards_) external {
        if (msg.sender != owner() && msg.sender != _deployer) revert OwnableUnauthorizedAccount(msg.sender);
        if (rewards_ == address(0)) revert OracleNodes__ZeroAddress();
        if (address(_rewards) != address(0)) revert OracleNodes__RewardsAlreadySet(address(_rewards));
        _rewards = IOracleRewards(rewards_);
        emit RewardsSet(rewards_);
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc IOracleNodes
    function isActive(address operator) external view returns (bool) {
        return activeStake(operator) != 0; // an active stake is at least minStake > 0
    }

    /// @inheritdoc IOracleNodes
    function activeStake(address operator) public view returns (uint256) {
        Node storage n = _nodes[operator];
        (uint256 staked, bool unbonding) = (n.staked, n.unbondedAt != 0);
        // a lapsed unbonding is active stake again
        // forge-lint: disable-next-line(block-timestamp)
        if (unbonding && block.timestamp > uint256(n.unbondedAt) + _params.claimWindow) {
            (staked, unbonding) = (staked + n.unbonding, false);
        }
        // forge-lint: disable-next-line(block-timestamp)
        bool jailed = block.timestamp < n.jailedUntil;
        return n.registered && !unbonding && !jailed && staked >= _params.minStake ? staked : 0;
    }

    /// @inheritdoc IOracleNodes
    function rewards() external view returns (address) {
        return address(_rewards);
    }

    /// @inheritdoc IOracleNodes
    function operatorOf(address signer) external view returns (address) {
        return _operatorOf[signer];
    }

    /// @inheritdoc IOracleNodes
    function node(address operator) external view returns (Node memory) {
        return _nodes[operator];
    }

    /// @inheritdoc IOracleNodes
    function params() external view returns (Params memory) {
        return _params;
    }

    /// @inheritdoc IOracleNodes
    function slashCapacity() public view returns (uint256) {
        uint256 level =
            uint256(_capacityLevel) + (block.timestamp - _capacityUpdatedAt) * _params.refillPerSecond;
        return level < _params.slashCapacity ? level : _params.slashCapacity;
    }

    /// @inheritdoc IOracleNodes
    function totalStaked() external view returns (uint256) {
        return _totalStaked;
    }

    /// @inheritdoc IOracleNodes
    function hashRegistration(address operator, address signer, uint256 deadline)
        public
        view
        returns (bytes32)
    {
        return _hashTypedDataV4(keccak256(abi.encode(REGISTRATION_TYPEHASH, operator, signer, deadline)));
    }

    /// @inheritdoc IOracleNodes
    function hashResult(Result calldata result) public view returns (bytes32) {
        return _hashTypedDataV4(
            keccak256(abi.encode(RESULT_TYPEHASH, result.requestId, result.resultHash, result.configHash))
        );
    }

    /// @inheritdoc IOracleNodes
    function signerOf(Result calldata result, bytes calldata signature) external view returns (address) {
        return ECDSA.recover(hashResult(result), signature);
    }

    // ---------------------------------------------------------------- internals

    function _registered(address operator) private view returns (Node storage n) {
        n = _nodes[operator];
        if (!n.registered) revert OracleNodes__NotRegistered(operator);
    }

    /// Returns a lapsed unbonding (not claimed within its window) to the active stake.
    function _lapse(address operator, Node storage n) private {
        // forge-lint: disable-next-line(block-timestamp)
        if (n.unbondedAt != 0 && block.timestamp > uint256(n.unbondedAt) + _params.claimWindow) {
            uint96 amount = n.unbonding;
            n.staked += amount;
            (n.unbonding, n.unbondedAt) = (0, 0);
            emit UnbondingLapsed(operator, amount);
        }
    }

    /// Brings the capacity bucket up to now.
    function _refill() private {
        // forge-lint: disable-next-line(unsafe-typecast)
        _capacityLevel = uint96(slashCapacity()); // <= slashCapacity, a uint96
        _capacityUpdatedAt = uint64(block.timestamp);
    }

    /// Slashes `operator` up to `wanted` (its stake, then its unbonding stake; at most the
    /// bucket's level), pays `reporter` (if any) its share, burns the burn share of the rest and
    /// sends the remainder to the treasury; jails the node.
    function _slash(address operator, uint256 wanted, address reporter, bytes32 reason)
        private
        returns (uint256 amount)
    {
        Node storage n = _nodes[operator];
        _lapse(operator, n);
        _refill();
        uint256 held = uint256(n.staked) + n.unbonding;
        amount = wanted;
        if (amount > held) amount = held;
        if (amount > _capacityLevel) amount = _capacityLevel;
        if (amount == 0) revert OracleNodes__NothingToSlash(operator, held, _capacityLevel);
        // forge-lint: disable-next-line(unsafe-typecast)
        _capacityLevel -= uint96(amount); // amount <= level
        uint256 fromStake = amount < n.staked ? amount : n.staked;
        // forge-lint: disable-next-line(unsafe-typecast)
        n.staked -= uint96(fromStake);
        // forge-lint: disable-next-line(unsafe-typecast)
        n.unbonding -= uint96(amount - fromStake); // amount <= staked + unbonding
        if (n.unbonding == 0) n.unbondedAt = 0;
        _totalStaked -= amount;
        uint64 jailedUntil = uint64(block.timestamp) + _params.jailPeriod;
        if (jailedUntil > n.jailedUntil) n.jailedUntil = jailedUntil;

        Params storage p = _params;
        uint256 reward = reporter == address(0) ? 0 : amount * p.reporterShareBps / _BPS;
        uint256 burned = (amount - reward) * p.burnBps / _BPS;
        uint256 toTreasury = amount - reward - burned;
        emit Slashed(operator, reporter, reason, amount, reward, burned, n.jailedUntil);
        if (reward != 0) _masa.safeTransfer(reporter, reward);
        if (burned != 0) ERC20Burnable(address(_masa)).burn(burned);
        if (toTreasury != 0) _masa.safeTransfer(p.treasury, toTreasury);
        _syncRewards(operator);
    }

    /// Tells the rewards (once wired) that `operator`'s weight may have changed.
    function _syncRewards(address operator) private {
        if (address(_rewards) != address(0)) _rewards.sync(operator);
    }

    function _setParams(Params memory p) private {
        if (p.treasury == address(0)) revert OracleNodes__ZeroAddress();
        if (p.minStake == 0 || p.minStake > p.maxStake) {
            revert OracleNodes__BadParams("0 < minStake <= maxStake");
        }
        if (p.unbondingPeriod < MIN_UNBONDING_PERIOD || p.unbondingPeriod > MAX_UNBONDING_PERIOD) {
            revert OracleNodes__BadParams("unbondingPeriod out of [1 hour, 90 days]");
        }
        if (p.claimWindow < MIN_CLAIM_WINDOW || p.claimWindow > MAX_CLAIM_WINDOW) {
            revert OracleNodes__BadParams("claimWindow out of [1 hour, 30 days]");
        }
        if (p.jailPeriod > MAX_JAIL_PERIOD) revert OracleNodes__BadParams("jailPeriod above 365 days");
        if (p.reporterShareBps > MAX_REPORTER_SHARE_BPS) {
            revert OracleNodes__BadParams("reporterShareBps above 50%");
        }
        if (p.burnBps > _BPS) revert OracleNodes__BadParams("burnBps above 100%");
        if (p.slashCapacity == 0) revert OracleNodes__BadParams("slashCapacity is 0");
        _params = p;
        emit ParamsSet(p);
    }
}
