// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IFeeRouter
/// @notice The single entry point for protocol fees (data-use, pool and request fees). Fees in
/// MASA, in governance-accepted ERC-20s, or in the native coin (where it is not MASA) are
/// converted to MASA through a Uniswap-V2-compatible router at a caller-given minimum output;
/// then a governance-set share is burned and the rest split among oracle node rewards,
/// validator rewards, data-contributor rewards and the DAO treasury.
interface IFeeRouter {
    /// @notice How a fee in MASA is divided, in basis points summing to exactly 10,000.
    struct Shares {
        uint16 burnBps;
        uint16 oracleBps;
        uint16 validatorBps;
        uint16 contributorBps;
        uint16 treasuryBps;
    }

    /// @notice Who receives the distributed shares.
    struct Recipients {
        address oracleRewards;
        address validatorRewards;
        address contributorRewards;
        address treasury;
    }

    /// @notice A fee was paid and routed.
    /// @param payer Who paid it.
    /// @param token What it was paid in (`address(0)` for the native coin).
    /// @param feeKind The caller's label (e.g. `keccak256("data-use")`), for accounting.
    /// @param amountIn The amount paid, in `token` units.
    /// @param masaAmount The MASA it became (equal to `amountIn` for MASA).
    event FeePaid(
        address indexed payer,
        address indexed token,
        bytes32 indexed feeKind,
        uint256 amountIn,
        uint256 masaAmount
    );

    /// @notice MASA was burned and distributed (one routing: this fee plus dust carried in).
    /// @param burned MASA burned.
    /// @param oracle MASA sent to oracle node rewards.
    /// @param validator MASA sent to validator rewards.
    /// @param contributor MASA sent to data-contributor rewards.
    /// @param treasury MASA sent to the DAO treasury.
    /// @param dust MASA carried to the next routing (integer-division remainder).
    event FeeDistributed(
        uint256 burned, uint256 oracle, uint256 validator, uint256 contributor, uint256 treasury, uint256 dust
    );

    /// @notice The shares changed.
    event SharesUpdated(Shares shares);

    /// @notice The recipients changed.
    event RecipientsUpdated(Recipients recipients);

    /// @notice `token` is accepted, swapped to MASA along `path`.
    event TokenAccepted(address indexed token, address[] path);

    /// @notice `token` is no longer accepted.
    event TokenRemoved(address indexed token);

    /// @notice The swap router changed.
    event SwapRouterUpdated(address indexed router);

    /// @notice The shares do not add up to 10,000 basis points.
    error FeeRouter__SharesDoNotSum(uint256 sum);

    /// @notice `token` is not an accepted fee token.
    error FeeRouter__TokenNotAccepted(address token);

    /// @notice The payment's deadline has passed.
    error FeeRouter__DeadlineExpired(uint256 deadline, uint256 timestamp);

    /// @notice A fee of zero.
    error FeeRouter__ZeroAmount();

    /// @notice A required address was zero.
    error FeeRouter__ZeroAddress();

    /// @notice A swap path must start at the token, end at MASA and have at least two hops' ends.
    error FeeRouter__InvalidPath(address token);

    /// @notice The swap delivered less MASA than the caller's minimum.
    error FeeRouter__InsufficientOutput(uint256 received, uint256 minimum);

    /// @notice The native coin is not accepted on this chain (it is MASA, or no wrapper is set).
    error FeeRouter__NativeNotAccepted();

    /// @notice The token delivered another amount than transferred (fee-on-transfer tokens are
    /// refused: the fee would silently shrink).
    error FeeRouter__TransferAmountMismatch(address token, uint256 expected, uint256 received);

    /// @notice Pays a fee of `amount` `token` from the caller (who approved this contract).
    /// @param token MASA or an accepted token.
    /// @param amount The fee, in `token` units.
    /// @param minMasaOut The least MASA the swap may yield (ignored for MASA); the caller quotes
    /// it off-chain, the contract never reads a spot price.
    /// @param deadline Latest timestamp the payment may execute at.
    /// @param feeKind Accounting label.
    /// @return masaAmount The MASA the fee became.
    /// @dev Emits {FeePaid} and {FeeDistributed}. Reverts with {FeeRouter__ZeroAmount},
    /// {FeeRouter__DeadlineExpired}, {FeeRouter__TokenNotAccepted},
    /// {FeeRouter__TransferAmountMismatch}, {FeeRouter__InsufficientOutput}, or the router's errors.
    function payFee(address token, uint256 amount, uint256 minMasaOut, uint256 deadline, bytes32 feeKind)
        external
        returns (uint256 masaAmount);

    /// @notice Pays a fee of `msg.value` native coin, wrapped and swapped to MASA.
    /// @dev Reverts with {FeeRouter__NativeNotAccepted} where the native coin is not accepted,
    /// and as {payFee} otherwise.
    function payFeeNative(uint256 minMasaOut, uint256 deadline, bytes32 feeKind)
        external
        payable
        returns (uint256 masaAmount);

    /// @notice Sets the shares. Only the owner (the DAO timelock).
    /// @dev Emits {SharesUpdated}. Reverts with {FeeRouter__SharesDoNotSum}.
    function setShares(Shares calldata shares) external;

    /// @notice Sets the recipients. Only the owner.
    /// @dev Emits {RecipientsUpdated}. Reverts with {FeeRouter__ZeroAddress}.
    function setRecipients(Recipients calldata recipients) external;

    /// @notice Accepts `token`, swapped along `path` (`path[0] == token`, last is MASA). Only the owner.
    /// @dev Emits {TokenAccepted}. Reverts with {FeeRouter__InvalidPath}.
    function acceptToken(address token, address[] calldata path) external;

    /// @notice Stops accepting `token`. Only the owner.
    /// @dev Emits {TokenRemoved}. Reverts with {FeeRouter__TokenNotAccepted}.
    function removeToken(address token) external;

    /// @notice Sets the Uniswap-V2-compatible router. Only the owner.
    /// @dev Emits {SwapRouterUpdated}. Reverts with {FeeRouter__ZeroAddress}.
    function setSwapRouter(address router) external;

    /// @notice The MASA token.
    function masa() external view returns (address);

    /// @notice The swap router.
    function swapRouter() external view returns (address);

    /// @notice The wrapped native coin (`address(0)` where the native coin is not accepted).
    function wrappedNative() external view returns (address);

    /// @notice The current shares.
    function shares() external view returns (Shares memory);

    /// @notice The current recipients.
    function recipients() external view returns (Recipients memory);

    /// @notice The swap path of an accepted token (empty if not accepted).
    function pathOf(address token) external view returns (address[] memory);

    /// @notice MASA carried to the next routing.
    function dust() external view returns (uint256);
}
