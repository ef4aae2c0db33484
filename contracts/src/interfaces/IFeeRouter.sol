// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IFeeRouter
/// @notice The single entry point for protocol fees (data-use, pool and request fees). Fees in
/// MASA, in governance-accepted ERC-20s, or in the native coin (where it is not MASA) are
/// converted to MASA through a Uniswap-V2-compatible router at a caller-given minimum output;
/// then a governance-set share is burned and the rest split among oracle node rewards,
/// validator rewards, data-contributor rewards and the DAO treasury.
/// @dev The payer is always `msg.sender`: the contract that takes a fee from a user (a data
/// staking pool, an oracle request contract) pays it from its own balance and labels it with
/// `feeKind`. An `onBehalfOf` argument would only be an unverified label, so there is none.
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

    /// @notice The shares changed (also emitted at construction).
    /// @param shares The new shares.
    event SharesUpdated(Shares shares);

    /// @notice The recipients changed (also emitted at construction).
    /// @param recipients The new recipients.
    event RecipientsUpdated(Recipients recipients);

    /// @notice `token` is accepted, swapped to MASA along `path` (a new path replaces the old).
    /// @param token The accepted token.
    /// @param path Its swap path, `token` first and MASA last.
    event TokenAccepted(address indexed token, address[] path);

    /// @notice `token` is no longer accepted.
    /// @param token The removed token.
    event TokenRemoved(address indexed token);

    /// @notice The swap router changed (also emitted at construction).
    /// @param router The new Uniswap-V2-compatible router.
    event SwapRouterUpdated(address indexed router);

    /// @notice Tokens sent here outside a fee (never fees, never the carried dust) were recovered.
    /// @param token The token (`address(0)` for the native coin).
    /// @param to Who received them.
    /// @param amount How much.
    event Swept(address indexed token, address indexed to, uint256 amount);

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

    /// @notice A swap path must start at the token and end at MASA, with no zero address, no MASA
    /// before the end and no token twice in a row; MASA itself and `address(0)` have no path.
    error FeeRouter__InvalidPath(address token);

    /// @notice The swap delivered less MASA than the caller's minimum. (A Uniswap V2 router
    /// refuses first, with "UniswapV2Router: INSUFFICIENT_OUTPUT_AMOUNT"; this check on the
    /// measured balance is the backstop against a router that reports more than it delivers.)
    error FeeRouter__InsufficientOutput(uint256 received, uint256 minimum);

    /// @notice The native coin is not accepted on this chain: it is MASA, or no wrapper is set
    /// (`wrappedNative` is zero), or the wrapper has no swap path.
    /// @param wrappedNative The wrapped native token, or zero.
    error FeeRouter__NativeNotAccepted(address wrappedNative);

    /// @notice The token delivered another amount than transferred (fee-on-transfer tokens are
    /// refused: the fee would silently shrink).
    error FeeRouter__TransferAmountMismatch(address token, uint256 expected, uint256 received);

    /// @notice A recipient cannot be the fee router itself (its share would be stranded here).
    error FeeRouter__InvalidRecipient(address recipient);

    /// @notice The owner cannot renounce: a router without an owner could never be re-pointed at
    /// a new exchange, nor its shares changed.
    error FeeRouter__RenounceDisabled();

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

    /// @notice Pays a fee of `msg.value` native coin, wrapped and swapped to MASA along the path
    /// governance accepted for the wrapped native token.
    /// @param minMasaOut The least MASA the swap may yield, quoted off-chain by the caller.
    /// @param deadline Latest timestamp the payment may execute at.
    /// @param feeKind Accounting label.
    /// @return masaAmount The MASA the fee became.
    /// @dev Emits {FeePaid} (token `address(0)`) and {FeeDistributed}. Reverts with
    /// {FeeRouter__NativeNotAccepted} where the native coin is not accepted (no wrapper: the
    /// native coin is MASA; or no path for the wrapper), and as {payFee} otherwise.
    function payFeeNative(uint256 minMasaOut, uint256 deadline, bytes32 feeKind)
        external
        payable
        returns (uint256 masaAmount);

    /// @notice Sets the shares. Only the owner (the DAO timelock).
    /// @dev Emits {SharesUpdated}. Reverts with {FeeRouter__SharesDoNotSum}.
    function setShares(Shares calldata shares) external;

    /// @notice Sets the recipients. Only the owner.
    /// @dev Emits {RecipientsUpdated}. Reverts with {FeeRouter__ZeroAddress} or
    /// {FeeRouter__InvalidRecipient} (the router itself).
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

    /// @notice Sends `to` what this contract holds of `token` beyond the carried dust: tokens or
    /// native coin sent here outside a fee. Fees never stay here (each is swapped, burned and
    /// distributed in its own transaction), so only such strays can be swept. Only the owner.
    /// @param token The token, or `address(0)` for the native coin.
    /// @param to The receiver.
    /// @return amount What was sent (zero if nothing was stray).
    /// @dev Emits {Swept}. Reverts with {FeeRouter__ZeroAddress} when `to` is zero.
    function sweep(address token, address to) external returns (uint256 amount);

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
