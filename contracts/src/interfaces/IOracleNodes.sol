// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IOracleNodes
/// @notice The oracle network's node registry and stake: an operator registers a node (its
/// signing key and endpoint) and stakes MASA between a governance-set minimum and maximum;
/// withdrawal is unbond-then-claim (an unbonding period, then a claim window, as Chainlink
/// staking v0.2). A node is *active* — may answer requests and attest — only while registered,
/// staked at least the minimum, not unbonding and not jailed; other contracts check
/// {isActive} at every submission.
///
/// Faults are slashed from the stake (active and unbonding alike: unbonding does not escape a
/// slash) and the node is jailed. Two faults are provable on-chain or judged by governance:
/// - **equivocation**: two different results signed by one node key for one request and
///   configuration ({reportEquivocation}); anyone may report it and is paid a share of the slash;
/// - **governance**: a fault judged off-chain, slashed by the DAO timelock ({slash}).
/// Slashing is rate-limited by a capacity that refills at a governance-set rate (a bad
/// governance key or an unforeseen equivocation path cannot empty the network at once); the
/// slashed MASA goes to the reporter (its share), then is burned (the burn share) and the rest
/// to the treasury.
interface IOracleNodes {
    /// @notice A node as the registry holds it.
    /// @param signer The key the node signs results and attestations with (one node per key).
    /// @param staked The active stake.
    /// @param unbonding The stake in unbonding (still slashable).
    /// @param unbondedAt When the unbonding stake becomes claimable (0: none pending).
    /// @param jailedUntil The node is inactive until then.
    /// @param registered Whether the operator registered a node.
    /// @param endpoint Where the node is reached (a URI; metadata only).
    struct Node {
        address signer;
        uint96 staked;
        uint64 unbondedAt;
        uint96 unbonding;
        uint64 jailedUntil;
        bool registered;
        string endpoint;
    }

    /// @notice What a node signs when it answers a request (EIP-712, this contract's domain):
    /// the request, the hash of its canonical result, and the hash of the job's configuration
    /// (model, source, parameters) the answer was computed under.
    struct Result {
        uint256 requestId;
        bytes32 resultHash;
        bytes32 configHash;
    }

    /// @notice The staking and slashing parameters (set by governance).
    /// @param minStake Least stake of an active node.
    /// @param maxStake Most stake of one node.
    /// @param unbondingPeriod Seconds from {unbond} until the stake is claimable.
    /// @param claimWindow Seconds the unbonded stake stays claimable; after it, the stake is
    /// active again and must be unbonded anew.
    /// @param jailPeriod Seconds a slashed node stays inactive.
    /// @param equivocationPenalty MASA slashed for one equivocation (less if the node or the
    /// capacity holds less).
    /// @param reporterShareBps Share of a reported slash paid to the reporter.
    /// @param burnBps Share of the rest burned (the remainder goes to the treasury).
    /// @param slashCapacity Most MASA slashable at once (the bucket's size).
    /// @param refillPerSecond MASA of capacity regained per second.
    /// @param treasury Receives the slashed MASA neither paid to a reporter nor burned.
    struct Params {
        uint96 minStake;
        uint96 maxStake;
        uint32 unbondingPeriod;
        uint32 claimWindow;
        uint32 jailPeriod;
        uint96 equivocationPenalty;
        uint16 reporterShareBps;
        uint16 burnBps;
        uint96 slashCapacity;
        uint96 refillPerSecond;
        address treasury;
    }

    /// @notice `operator` registered a node signing with `signer`.
    event NodeRegistered(address indexed operator, address indexed signer, string endpoint);

    /// @notice `operator` changed its node's endpoint.
    event EndpointChanged(address indexed operator, string endpoint);

    /// @notice `operator` staked `amount`; its stake is now `staked`.
    event Staked(address indexed operator, uint256 amount, uint256 staked);

    /// @notice `operator` started unbonding `amount`, claimable from `unbondedAt`.
    event Unbonding(address indexed operator, uint256 amount, uint64 unbondedAt);

    /// @notice `operator`'s unbonding lapsed (not claimed in its window): `amount` is staked again.
    event UnbondingLapsed(address indexed operator, uint256 amount);

    /// @notice `operator` withdrew `amount` of unbonded stake.
    event Claimed(address indexed operator, uint256 amount);

    /// @notice `operator` was slashed `amount` (`reporter` paid `reward`, `burned` burned, the
    /// rest to the treasury) and jailed until `jailedUntil`; `reason` says why.
    event Slashed(
        address indexed operator,
        address indexed reporter,
        bytes32 indexed reason,
        uint256 amount,
        uint256 reward,
        uint256 burned,
        uint64 jailedUntil
    );

    /// @notice Governance set the parameters.
    event ParamsSet(Params params);

    /// @notice The rewards contract told of every stake change is now `rewards`.
    event RewardsSet(address indexed rewards);

    /// @notice A constructor or parameter address was zero.
    error OracleNodes__ZeroAddress();
    /// @notice The parameters are inconsistent (`reason` says which).
    error OracleNodes__BadParams(string reason);
    /// @notice `operator` already registered a node.
    error OracleNodes__AlreadyRegistered(address operator);
    /// @notice `signer` already signs for `operator`'s node.
    error OracleNodes__SignerTaken(address signer, address operator);
    /// @notice `operator` has no node.
    error OracleNodes__NotRegistered(address operator);
    /// @notice A zero amount.
    error OracleNodes__ZeroAmount();
    /// @notice The rewards contract is already set (to `rewards`).
    error OracleNodes__RewardsAlreadySet(address rewards);
    /// @notice Staking `amount` would take `operator` to `total`, above `maxStake`.
    error OracleNodes__AboveMaxStake(address operator, uint256 total, uint256 maxStake);
    /// @notice Unbonding `amount` of a stake of `staked`.
    error OracleNodes__InsufficientStake(address operator, uint256 amount, uint256 staked);
    /// @notice `operator` already has an unbonding stake, claimable from `unbondedAt`.
    error OracleNodes__UnbondingPending(address operator, uint64 unbondedAt);
    /// @notice `operator`'s unbonded stake is claimable from `from` to `until`; now is `now_`.
    error OracleNodes__NotClaimable(address operator, uint256 from, uint256 until, uint256 now_);
    /// @notice The two results are not an equivocation (`reason` says why).
    error OracleNodes__NotEquivocation(string reason);
    /// @notice The registration's signature is not `signer`'s.
    error OracleNodes__InvalidRegistration(address signer);
    /// @notice The registration expired at `deadline`.
    error OracleNodes__RegistrationExpired(uint256 deadline);
    /// @notice A signature recovers to `signer`, which is no node's key.
    error OracleNodes__UnknownSigner(address signer);
    /// @notice `signer`'s equivocation on `requestId` was already slashed.
    error OracleNodes__AlreadySlashed(address signer, uint256 requestId);
    /// @notice Nothing to slash: `operator` holds no stake, or the capacity is spent.
    error OracleNodes__NothingToSlash(address operator, uint256 stake, uint256 capacity);

    /// @notice Registers the caller's node: `signer` signs its results and attestations, and
    /// proves it by signing `Registration(operator, signer, deadline)` (EIP-712, this contract's
    /// domain): nobody can claim another's key, and a copied registration names its operator.
    /// A key registers once, so the signature cannot be replayed.
    function register(address signer, string calldata endpoint, uint256 deadline, bytes calldata signature)
        external;

    /// @notice Changes the caller's node's endpoint.
    function setEndpoint(string calldata endpoint) external;

    /// @notice Stakes `amount` MASA (approved) for the caller's node.
    function stake(uint256 amount) external;

    /// @notice Starts unbonding `amount` of the caller's stake: claimable after the unbonding
    /// period, for the claim window. The node is inactive while it unbonds. One unbonding at a
    /// time: it cannot be restarted (to move its window) until claimed or lapsed.
    function unbond(uint256 amount) external;

    /// @notice Withdraws the caller's unbonded stake, within its claim window.
    /// @return amount What was paid.
    function claim() external returns (uint256 amount);

    /// @notice Slashes the node whose key signed two different results for one request and
    /// configuration; pays the caller its share. Once per key and request.
    /// @return amount What was slashed.
    function reportEquivocation(
        Result calldata a,
        bytes calldata sigA,
        Result calldata b,
        bytes calldata sigB
    ) external returns (uint256 amount);

    /// @notice Governance slashes `operator` up to `amount` for a fault judged off-chain.
    /// @return slashed What was slashed (capped by the stake and the capacity).
    function slash(address operator, uint256 amount, bytes32 reason) external returns (uint256 slashed);

    /// @notice Sets the parameters (governance).
    function setParams(Params calldata params) external;

    /// @notice Sets, once, the rewards contract told of every stake change of a node (its
    /// `sync(operator)`): the deployer wires it at deployment, or governance later.
    function setRewards(address rewards) external;

    /// @notice Whether `operator`'s node may answer and attest now.
    function isActive(address operator) external view returns (bool);

    /// @notice `operator`'s stake if its node is active now (counting an unbonding that lapsed),
    /// zero otherwise: the node's weight in the rewards.
    function activeStake(address operator) external view returns (uint256);

    /// @notice The rewards contract told of stake changes (zero until wired).
    function rewards() external view returns (address);

    /// @notice The operator whose node signs with `signer` (zero if none).
    function operatorOf(address signer) external view returns (address);

    /// @notice `operator`'s node.
    function node(address operator) external view returns (Node memory);

    /// @notice The parameters.
    function params() external view returns (Params memory);

    /// @notice MASA slashable now (the bucket's level).
    function slashCapacity() external view returns (uint256);

    /// @notice Σ active and unbonding stakes: what the contract owes its operators.
    function totalStaked() external view returns (uint256);

    /// @notice The EIP-712 digest of a registration (what the node's key signs to register).
    function hashRegistration(address operator, address signer, uint256 deadline)
        external
        view
        returns (bytes32);

    /// @notice The EIP-712 digest of `result` (what a node's key signs).
    function hashResult(Result calldata result) external view returns (bytes32);

    /// @notice The node key that signed `result` with `signature` (reverts on a malformed one).
    function signerOf(Result calldata result, bytes calldata signature) external view returns (address);
}
