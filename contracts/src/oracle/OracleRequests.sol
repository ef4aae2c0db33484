// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IOracleNodes} from "../interfaces/IOracleNodes.sol";
import {IOracleRequests} from "../interfaces/IOracleRequests.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";

/// @title OracleRequests
/// @notice Data requests, answered by k signatures of active oracle nodes. See {IOracleRequests}.
/// @dev
/// - **Conservation.** MASA in (fees posted) = out (withdrawn + refunded) + held, with
///   held = Σ fees of open requests + Σ {earned}; a finalization moves a fee from the first to
///   the second exactly (the split's remainder goes to the first signer, so no dust stays).
///   The balance is never read: a donation changes nothing.
/// - **Who may answer** is checked live, per signature, against {IOracleNodes.isActive}: an
///   unstaked, unbonding or jailed node's signature is refused, whatever it signed earlier.
/// - **Front-running.** A fulfilment copied from the mempool pays the same signers; of two
///   fulfilments of one request the first to land wins and the other reverts
///   (`OracleRequests__NotOpen`), spending nobody's fee.
/// - No owner: the bounds are constants, and nothing here can be paused or redirected.
contract OracleRequests is IOracleRequests, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    /// @notice Most agreeing nodes a request may require.
    uint8 public constant MAX_QUORUM = 16;
    /// @notice Longest a request may stay open.
    uint64 public constant MAX_TTL = 30 days;

    IERC20 private immutable _masa;
    IOracleNodes private immutable _nodes;

    mapping(uint256 requestId => Request) private _requests;
    mapping(address operator => uint256) private _earned;
    uint256 private _requestCount;

    /// @notice Creates the request book.
    /// @param masa_ MASA, the fee token.
    /// @param nodes_ The node registry.
    constructor(IERC20 masa_, IOracleNodes nodes_) {
        if (address(masa_) == address(0) || address(nodes_) == address(0)) {
            revert OracleRequests__ZeroAddress();
        }
        (_masa, _nodes) = (masa_, nodes_);
    }

    /// @inheritdoc IOracleRequests
    function post(
        bytes32 jobType,
        bytes32 paramsHash,
        string calldata uri,
        uint256 fee,
        uint8 quorum,
        uint64 deadline
    ) external nonReentrant returns (uint256 requestId) {
        if (quorum == 0 || quorum > MAX_QUORUM) {
            revert OracleRequests__BadQuorum(quorum, MAX_QUORUM);
        }
        // forge-lint: disable-next-line(block-timestamp)
        if (deadline <= block.timestamp || deadline > block.timestamp + MAX_TTL) {
            revert OracleRequests__BadDeadline(deadline, block.timestamp, MAX_TTL);
        }
        if (fee > type(uint96).max) revert OracleRequests__FeeTooLarge(fee);
        requestId = ++_requestCount;
        Request storage r = _requests[requestId];
        r.consumer = msg.sender;
        // forge-lint: disable-next-line(unsafe-typecast)
        r.fee = uint96(fee); // checked above
        r.deadline = deadline;
        r.quorum = quorum;
        r.status = Status.Open;
        r.jobType = jobType;
        r.paramsHash = paramsHash;
        emit RequestPosted(requestId, msg.sender, jobType, paramsHash, uri, fee, quorum, deadline);
        if (fee != 0) _masa.safeTransferFrom(msg.sender, address(this), fee);
    }

    /// @inheritdoc IOracleRequests
    function fulfill(
        uint256 requestId,
        bytes32 resultHash,
        bytes32 configHash,
        bytes[] calldata signatures,
        Dissent[] calldata dissents
    ) external {
        Request storage r = _open(requestId);
        // forge-lint: disable-next-line(block-timestamp)
        if (block.timestamp > r.deadline) revert OracleRequests__Expired(requestId, r.deadline);
        uint256 count = signatures.length;
        if (count < r.quorum) revert OracleRequests__NoQuorum(count, r.quorum);

        bytes32 digest = _nodes.hashResult(IOracleNodes.Result(requestId, resultHash, configHash));
        address[] memory operators = new address[](count);
        address[] memory signers = new address[](count);
        address previous;
        for (uint256 i; i < count; ++i) {
            address signer = _recover(digest, signatures[i], i);
            if (signer <= previous) revert OracleRequests__SignersNotAscending(i, signer);
            previous = signer;
            signers[i] = signer;
            operators[i] = _activeOperator(signer, i);
        }
        _recordDissents(requestId, resultHash, configHash, signers, dissents);

        r.status = Status.Finalized;
        r.resultHash = resultHash;
        r.configHash = configHash;
        uint256 fee = r.fee;
        uint256 share = fee / count;
        for (uint256 i; i < count; ++i) {
            _earned[operators[i]] += share;
        }
        _earned[operators[0]] += fee - share * count;
        emit RequestFinalized(requestId, resultHash, configHash, operators, share);
    }

    /// @inheritdoc IOracleRequests
    function refund(uint256 requestId) external nonReentrant {
        Request storage r = _open(requestId);
        // forge-lint: disable-next-line(block-timestamp)
        if (block.timestamp <= r.deadline) revert OracleRequests__StillOpen(requestId, r.deadline);
        r.status = Status.Refunded;
        uint256 fee = r.fee;
        emit RequestRefunded(requestId, r.consumer, fee);
        if (fee != 0) _masa.safeTransfer(r.consumer, fee);
    }

    /// @inheritdoc IOracleRequests
    function withdraw() external nonReentrant returns (uint256 amount) {
        amount = _earned[msg.sender];
        if (amount == 0) revert OracleRequests__NothingToWithdraw(msg.sender);
        _earned[msg.sender] = 0;
        emit FeesWithdrawn(msg.sender, amount);
        _masa.safeTransfer(msg.sender, amount);
    }

    /// @inheritdoc IOracleRequests
    function request(uint256 requestId) external view returns (Request memory) {
        return _requests[requestId];
    }

    /// @inheritdoc IOracleRequests
    function earned(address operator) external view returns (uint256) {
        return _earned[operator];
    }

    /// @inheritdoc IOracleRequests
    function requestCount() external view returns (uint256) {
        return _requestCount;
    }

    /// @inheritdoc IOracleRequests
    function nodes() external view returns (IOracleNodes) {
        return _nodes;
    }

    function _open(uint256 requestId) private view returns (Request storage r) {
        r = _requests[requestId];
        if (r.status != Status.Open) revert OracleRequests__NotOpen(requestId, r.status);
    }

    function _recover(bytes32 digest, bytes calldata signature, uint256 index)
        private
        pure
        returns (address)
    {
        (address signer, ECDSA.RecoverError error_,) = ECDSA.tryRecover(digest, signature);
        if (error_ != ECDSA.RecoverError.NoError) revert OracleRequests__BadSignature(index);
        return signer;
    }

    /// The operator of `signer`'s node, which must be active now.
    function _activeOperator(address signer, uint256 index) private view returns (address operator) {
        operator = _nodes.operatorOf(signer);
        if (operator == address(0)) revert OracleRequests__UnknownSigner(index, signer);
        if (!_nodes.isActive(operator)) revert OracleRequests__InactiveNode(index, operator);
    }

    /// Records each dissent: another result or configuration, signed by an active node that did
    /// not sign the agreed one (`agreed`, sorted). Dissents' signers are sorted ascending too.
    function _recordDissents(
        uint256 requestId,
        bytes32 resultHash,
        bytes32 configHash,
        address[] memory agreed,
        Dissent[] calldata dissents
    ) private {
        address previous;
        for (uint256 i; i < dissents.length; ++i) {
            Dissent calldata d = dissents[i];
            if (d.resultHash == resultHash && d.configHash == configHash) {
                revert OracleRequests__NotADissent(i);
            }
            bytes32 digest = _nodes.hashResult(IOracleNodes.Result(requestId, d.resultHash, d.configHash));
            address signer = _recover(digest, d.signature, i);
            if (signer <= previous) revert OracleRequests__SignersNotAscending(i, signer);
            previous = signer;
            for (uint256 j; j < agreed.length; ++j) {
                if (agreed[j] == signer) revert OracleRequests__SignerAgreed(i, signer);
            }
            emit Dissented(requestId, _activeOperator(signer, i), d.resultHash, d.configHash);
        }
    }
}
