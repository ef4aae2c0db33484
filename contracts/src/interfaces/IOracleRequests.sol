// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IOracleNodes} from "./IOracleNodes.sol";

/// @title IOracleRequests
/// @notice Data requests answered by the oracle network. A consumer posts a request (job type,
/// parameters' hash and URI, a MASA fee held in escrow, quorum k, deadline); the nodes compute the
/// job's canonical result off-chain and each signs `Result(requestId, resultHash, configHash)`
/// (EIP-712, {IOracleNodes}' domain: the same statement an equivocation report proves). Any one
/// transaction carrying k signatures of active nodes over one result finalizes the request, as
/// Chainlink OCR's transmitter does: the fee is split among the agreeing nodes, the signed answers
/// of disagreeing nodes the transaction carries are recorded, and the consumer reads the result.
/// No quorum by the deadline refunds the consumer.
///
/// Why signatures in one transaction, not commit-reveal: commit-reveal costs every node two
/// transactions per request (2k transactions, each paying 21,000 gas plus storage) and two rounds
/// of blocks of latency; k signatures cost one transaction and about 10,000 gas per signature
/// (recovery and the active check), and nobody can copy another's answer because an answer only
/// counts under its node's own key. A node's signature binds the request id, so it cannot be
/// replayed on another request; two signatures of one key for one request and configuration
/// with different results are an equivocation anyone may report to {IOracleNodes}.
interface IOracleRequests {
    /// @notice Where a request stands.
    enum Status {
        None,
        Open,
        Finalized,
        Refunded
    }

    /// @notice A request as stored.
    /// @param consumer Who posted it (and is refunded).
    /// @param fee MASA held in escrow, paid to the agreeing nodes.
    /// @param deadline Last second at which it may finalize.
    /// @param quorum Agreeing active nodes needed.
    /// @param status Where it stands.
    /// @param jobType The job (for example `keccak256("web:v1")`); nodes serve the types they know.
    /// @param paramsHash Hash of the job's parameters (the URI holds them).
    /// @param resultHash The agreed canonical result's hash, once finalized.
    /// @param configHash The configuration (model, source version) the result was computed under.
    struct Request {
        address consumer;
        uint96 fee;
        uint64 deadline;
        uint8 quorum;
        Status status;
        bytes32 jobType;
        bytes32 paramsHash;
        bytes32 resultHash;
        bytes32 configHash;
    }

    /// @notice A disagreeing node's signed answer, recorded by {fulfill}.
    struct Dissent {
        bytes32 resultHash;
        bytes32 configHash;
        bytes signature;
    }

    /// @notice `consumer` posted request `requestId`.
    event RequestPosted(
        uint256 indexed requestId,
        address indexed consumer,
        bytes32 indexed jobType,
        bytes32 paramsHash,
        string uri,
        uint256 fee,
        uint8 quorum,
        uint64 deadline
    );

    /// @notice Request `requestId` finalized with `resultHash` under `configHash`, signed by
    /// `operators`' nodes, each paid `share` (the first also the split's remainder).
    event RequestFinalized(
        uint256 indexed requestId, bytes32 resultHash, bytes32 configHash, address[] operators, uint256 share
    );

    /// @notice `operator`'s node answered request `requestId` with another result or configuration.
    event Dissented(
        uint256 indexed requestId, address indexed operator, bytes32 resultHash, bytes32 configHash
    );

    /// @notice Request `requestId` expired without a quorum; `fee` went back to its consumer.
    event RequestRefunded(uint256 indexed requestId, address indexed consumer, uint256 fee);

    /// @notice `operator` withdrew `amount` of earned fees.
    event FeesWithdrawn(address indexed operator, uint256 amount);

    /// @notice A constructor address was zero.
    error OracleRequests__ZeroAddress();
    /// @notice The quorum is not within [1, `max`].
    error OracleRequests__BadQuorum(uint256 quorum, uint256 max);
    /// @notice The deadline is not within (now, now + `maxTtl`].
    error OracleRequests__BadDeadline(uint256 deadline, uint256 now_, uint256 maxTtl);
    /// @notice The fee does not fit 96 bits.
    error OracleRequests__FeeTooLarge(uint256 fee);
    /// @notice Request `requestId` is not open (`status` says where it stands).
    error OracleRequests__NotOpen(uint256 requestId, Status status);
    /// @notice Request `requestId`'s deadline `deadline` passed.
    error OracleRequests__Expired(uint256 requestId, uint256 deadline);
    /// @notice Request `requestId` is open until `deadline`: it cannot be refunded yet.
    error OracleRequests__StillOpen(uint256 requestId, uint256 deadline);
    /// @notice `count` agreeing signatures, below the quorum `quorum`.
    error OracleRequests__NoQuorum(uint256 count, uint256 quorum);
    /// @notice Signature `index` (of the agreeing ones, or of the dissents) is malformed.
    error OracleRequests__BadSignature(uint256 index);
    /// @notice Signature `index` recovers to `signer`, which is no node's key.
    error OracleRequests__UnknownSigner(uint256 index, address signer);
    /// @notice Signature `index`'s node (`operator`) is not active (unstaked, unbonding or jailed).
    error OracleRequests__InactiveNode(uint256 index, address operator);
    /// @notice Signature `index`'s signer is not above the previous one's: signers must be sorted
    /// ascending (which also makes them distinct).
    error OracleRequests__SignersNotAscending(uint256 index, address signer);
    /// @notice Dissent `index` carries the agreed result and configuration.
    error OracleRequests__NotADissent(uint256 index);
    /// @notice Dissent `index`'s signer also signed the agreed result.
    error OracleRequests__SignerAgreed(uint256 index, address signer);
    /// @notice Nothing to withdraw.
    error OracleRequests__NothingToWithdraw(address operator);

    /// @notice Posts a request with `fee` MASA (approved) in escrow; returns its id.
    /// @param jobType The job type.
    /// @param paramsHash Hash of the job's parameters.
    /// @param uri Where the parameters are (or the parameters themselves, for small jobs).
    /// @param fee MASA paid to the agreeing nodes (may be zero: nodes then work for rewards only).
    /// @param quorum Agreeing active nodes needed, 1 to {MAX_QUORUM}.
    /// @param deadline Last second the request may finalize, at most {MAX_TTL} from now.
    function post(
        bytes32 jobType,
        bytes32 paramsHash,
        string calldata uri,
        uint256 fee,
        uint8 quorum,
        uint64 deadline
    ) external returns (uint256 requestId);

    /// @notice Finalizes request `requestId` with `resultHash` under `configHash`: `signatures` are
    /// at least the quorum's EIP-712 `Result` signatures (see {IOracleNodes.hashResult}) of active
    /// nodes' keys, sorted by signer ascending; `dissents` are other active nodes' signed, different
    /// answers, recorded (sorted by signer ascending too). Anyone may send it; the fee goes to the
    /// signers' operators, never to the sender, so copying the transaction gains nothing.
    function fulfill(
        uint256 requestId,
        bytes32 resultHash,
        bytes32 configHash,
        bytes[] calldata signatures,
        Dissent[] calldata dissents
    ) external;

    /// @notice Refunds an expired, unfinalized request's fee to its consumer; anyone may call it.
    function refund(uint256 requestId) external;

    /// @notice Pays the caller the fees its node earned.
    /// @return amount What was paid.
    function withdraw() external returns (uint256 amount);

    /// @notice Request `requestId`.
    function request(uint256 requestId) external view returns (Request memory);

    /// @notice Fees `operator` earned and has not withdrawn.
    function earned(address operator) external view returns (uint256);

    /// @notice Requests posted so far (ids run from 1).
    function requestCount() external view returns (uint256);

    /// @notice The node registry whose keys answer and whose EIP-712 domain they sign in.
    function nodes() external view returns (IOracleNodes);
}
