// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IFeeRouter} from "../interfaces/IFeeRouter.sol";
import {IWrappedNative} from "../interfaces/IWrappedNative.sol";
import {IUniswapV2Router02} from "../interfaces/uniswap/IUniswapV2Router02.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ERC20Burnable} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Burnable.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Address} from "@openzeppelin/contracts/utils/Address.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

/// @title FeeRouter
/// @notice Converts every protocol fee to MASA, burns the governance-set share and distributes the
/// rest. See {IFeeRouter}.
/// @dev
/// - **No on-chain price.** Swaps take the caller's minimum output and deadline: nothing here
///   reads a spot price, which a same-block trade could move (the old Masa gateway quoted
///   `getAmountsIn` on-chain). The deadline is checked here before any token moves, and the MASA
///   received is measured as a balance change, not taken from the router's return value.
/// - **Push, not pull.** Shares are transferred to the four recipients in the fee's own
///   transaction. MASA is a plain OpenZeppelin ERC-20 without hooks or blocklists, so a transfer
///   to a recipient can neither re-enter nor fail on its own (only a zero recipient could, and
///   {setRecipients} refuses it); the recipients are governance-chosen reward contracts and the
///   treasury, which then hold their MASA at once instead of a claimable balance here, and this
///   contract holds nothing but {dust} between transactions.
/// - **Dust.** Integer-division remainders (at most 4 wei per fee) are carried in {dust} and
///   routed with the next fee, so every wei is burned or distributed eventually and none is lost.
/// - **Native coin.** Accepted only where `wrappedNative` is set at construction (immutable):
///   `payFeeNative` wraps `msg.value` (WETH9 `deposit`) and swaps it along the wrapper's path. On
///   the Masa subnet the native coin is MASA itself and no wrapper is set.
/// - **Fee-on-transfer tokens are refused** ({FeeRouter__TransferAmountMismatch}): the pull is
///   measured and must deliver exactly `amount`, so the fee the payer names is the fee swapped.
/// - **Access control.** Owned by the DAO timelock through {Ownable2Step} (a new owner must
///   accept; ownership cannot be renounced). Every parameter (shares, recipients, accepted tokens
///   and their paths, the exchange) is owner-only; others get OpenZeppelin's
///   `OwnableUnauthorizedAccount`. Entry points are `nonReentrant` (transient storage, Cancun).
contract FeeRouter is IFeeRouter, Ownable2Step, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    uint256 private constant BPS = 10_000;

    ERC20Burnable private immutable _masa;
    address private immutable _wrappedNative;
    IUniswapV2Router02 private _swapRouter;
    Shares private _shares;
    Recipients private _recipients;
    mapping(address token => address[] path) private _paths;
    uint256 private _dust;

    /// @notice Creates the router.
    /// @param masa_ The MASA token.
    /// @param swapRouter_ A Uniswap-V2-compatible router.
    /// @param wrappedNative_ The wrapped native coin, or `address(0)` where the native coin is MASA.
    /// @param owner_ The DAO timelock.
    /// @param shares_ Initial shares (summing to 10,000).
    /// @param recipients_ Initial recipients.
    constructor(
        address masa_,
        address swapRouter_,
        address wrappedNative_,
        address owner_,
        Shares memory shares_,
        Recipients memory recipients_
    ) Ownable(owner_) {
        if (masa_ == address(0) || swapRouter_ == address(0)) revert FeeRouter__ZeroAddress();
        _masa = ERC20Burnable(masa_);
        _wrappedNative = wrappedNative_;
        _swapRouter = IUniswapV2Router02(swapRouter_);
        emit SwapRouterUpdated(swapRouter_);
        _setShares(shares_);
        _setRecipients(recipients_);
    }

    /// @inheritdoc IFeeRouter
    function payFee(address token, uint256 amount, uint256 minMasaOut, uint256 deadline, bytes32 feeKind)
        external
        nonReentrant
        returns (uint256 masaAmount)
    {
        _checkPayment(amount, deadline);
        if (token == address(_masa)) {
            _pull(token, amount);
            masaAmount = amount;
        } else {
            address[] memory path = _paths[token];
            if (path.length == 0) revert FeeRouter__TokenNotAccepted(token);
            _pull(token, amount);
            masaAmount = _swap(token, amount, path, minMasaOut, deadline);
        }
        emit FeePaid(msg.sender, token, feeKind, amount, masaAmount);
        _route(masaAmount);
    }

    /// @inheritdoc IFeeRouter
    function payFeeNative(uint256 minMasaOut, uint256 deadline, bytes32 feeKind)
        external
        payable
        nonReentrant
        returns (uint256 masaAmount)
    {
        address wrapped = _wrappedNative;
        if (wrapped == address(0)) revert FeeRouter__NativeNotAccepted(wrapped);
        address[] memory path = _paths[wrapped];
        if (path.length == 0) revert FeeRouter__NativeNotAccepted(wrapped);
        _checkPayment(msg.value, deadline);
        IWrappedNative(wrapped).deposit{value: msg.value}();
        masaAmount = _swap(wrapped, msg.value, path, minMasaOut, deadline);
        emit FeePaid(msg.sender, address(0), feeKind, msg.value, masaAmount);
        _route(masaAmount);
    }

    /// @inheritdoc IFeeRouter
    function setShares(Shares calldata shares_) external onlyOwner {
        _setShares(shares_);
    }

    /// @inheritdoc IFeeRouter
    function setRecipients(Recipients calldata recipients_) external onlyOwner {
        _setRecipients(recipients_);
    }

    /// @inheritdoc IFeeRouter
    function acceptToken(address token, address[] calldata path) external onlyOwner {
        uint256 hops = path.length;
        address masa_ = address(_masa);
        if (token == address(0) || token == masa_ || hops < 2) revert FeeRouter__InvalidPath(token);
        if (path[0] != token || path[hops - 1] != masa_) revert FeeRouter__InvalidPath(token);
        // intermediate hops (none on a direct path): real tokens, not MASA, no token paired with itself
        for (uint256 i = 1; i < hops - 1; ++i) {
            address hop = path[i];
            if (hop == address(0) || hop == masa_ || hop == path[i - 1]) {
                revert FeeRouter__InvalidPath(token);
            }
        }
        _paths[token] = path;
        emit TokenAccepted(token, path);
    }

    /// @inheritdoc IFeeRouter
    function removeToken(address token) external onlyOwner {
        if (_paths[token].length == 0) revert FeeRouter__TokenNotAccepted(token);
        delete _paths[token];
        emit TokenRemoved(token);
    }

    /// @inheritdoc IFeeRouter
    function setSwapRouter(address router) external onlyOwner {
        if (router == address(0)) revert FeeRouter__ZeroAddress();
        _swapRouter = IUniswapV2Router02(router);
        emit SwapRouterUpdated(router);
    }

    /// @inheritdoc IFeeRouter
    function sweep(address token, address to) external onlyOwner nonReentrant returns (uint256 amount) {
        if (to == address(0)) revert FeeRouter__ZeroAddress();
        if (token == address(0)) {
            amount = address(this).balance;
            if (amount != 0) Address.sendValue(payable(to), amount);
        } else {
            amount = IERC20(token).balanceOf(address(this));
            // The carried dust belongs to the next fee. Between transactions the MASA balance is
            // at least the dust (it is only ever routed out together with a new fee).
            if (token == address(_masa)) amount -= _dust;
            if (amount != 0) IERC20(token).safeTransfer(to, amount);
        }
        emit Swept(token, to, amount);
    }

    /// @notice Always reverts: the fee router must keep an owner (see {FeeRouter__RenounceDisabled}).
    /// @dev Only the owner reaches the revert; others get `OwnableUnauthorizedAccount`.
    function renounceOwnership() public view override onlyOwner {
        revert FeeRouter__RenounceDisabled();
    }

    /// @inheritdoc IFeeRouter
    function masa() external view returns (address) {
        return address(_masa);
    }

    /// @inheritdoc IFeeRouter
    function swapRouter() external view returns (address) {
        return address(_swapRouter);
    }

    /// @inheritdoc IFeeRouter
    function wrappedNative() external view returns (address) {
        return _wrappedNative;
    }

    /// @inheritdoc IFeeRouter
    function shares() external view returns (Shares memory) {
        return _shares;
    }

    /// @inheritdoc IFeeRouter
    function recipients() external view returns (Recipients memory) {
        return _recipients;
    }

    /// @inheritdoc IFeeRouter
    function pathOf(address token) external view returns (address[] memory) {
        return _paths[token];
    }

    /// @inheritdoc IFeeRouter
    function dust() external view returns (uint256) {
        return _dust;
    }

    function _checkPayment(uint256 amount, uint256 deadline) private view {
        if (amount == 0) revert FeeRouter__ZeroAmount();
        // a deadline is a timestamp by definition; validators can shift it by seconds, not more
        // forge-lint: disable-next-line(block-timestamp)
        if (block.timestamp > deadline) revert FeeRouter__DeadlineExpired(deadline, block.timestamp);
    }

    /// @dev Pulls exactly `amount`; a token that delivers less (fee on transfer) is refused.
    function _pull(address token, uint256 amount) private {
        IERC20 erc20 = IERC20(token);
        uint256 before = erc20.balanceOf(address(this));
        erc20.safeTransferFrom(msg.sender, address(this), amount);
        uint256 received = erc20.balanceOf(address(this)) - before;
        if (received != amount) revert FeeRouter__TransferAmountMismatch(token, amount, received);
    }

    /// @dev Swaps `amount` of `token` along `path`; the MASA received is measured, not trusted.
    function _swap(address token, uint256 amount, address[] memory path, uint256 minMasaOut, uint256 deadline)
        private
        returns (uint256 received)
    {
        IUniswapV2Router02 router = _swapRouter;
        uint256 before = _masa.balanceOf(address(this));
        IERC20(token).forceApprove(address(router), amount);
        router.swapExactTokensForTokens(amount, minMasaOut, path, address(this), deadline);
        received = _masa.balanceOf(address(this)) - before;
        if (received < minMasaOut) revert FeeRouter__InsufficientOutput(received, minMasaOut);
    }

    /// @dev Burns and distributes `masaAmount` plus the dust carried in; carries the new dust.
    function _route(uint256 masaAmount) private {
        uint256 total = masaAmount + _dust;
        Shares memory s = _shares;
        uint256 burned = total * s.burnBps / BPS;
        uint256 oracle = total * s.oracleBps / BPS;
        uint256 validator = total * s.validatorBps / BPS;
        uint256 contributor = total * s.contributorBps / BPS;
        uint256 treasury = total * s.treasuryBps / BPS;
        // The shares sum to BPS, so the five parts are at most `total` (each rounds down).
        uint256 carried = total - burned - oracle - validator - contributor - treasury;
        _dust = carried;
        emit FeeDistributed(burned, oracle, validator, contributor, treasury, carried);

        Recipients memory r = _recipients;
        if (burned != 0) _masa.burn(burned);
        IERC20 masa_ = IERC20(address(_masa));
        if (oracle != 0) masa_.safeTransfer(r.oracleRewards, oracle);
        if (validator != 0) masa_.safeTransfer(r.validatorRewards, validator);
        if (contributor != 0) masa_.safeTransfer(r.contributorRewards, contributor);
        if (treasury != 0) masa_.safeTransfer(r.treasury, treasury);
    }

    function _checkRecipient(address recipient) private view {
        if (recipient == address(this)) revert FeeRouter__InvalidRecipient(recipient);
    }

    function _setShares(Shares memory s) private {
        uint256 sum = uint256(s.burnBps) + s.oracleBps + s.validatorBps + s.contributorBps + s.treasuryBps;
        if (sum != BPS) revert FeeRouter__SharesDoNotSum(sum);
        _shares = s;
        emit SharesUpdated(s);
    }

    function _setRecipients(Recipients memory r) private {
        if (
            r.oracleRewards == address(0) || r.validatorRewards == address(0)
                || r.contributorRewards == address(0) || r.treasury == address(0)
        ) revert FeeRouter__ZeroAddress();
        _checkRecipient(r.oracleRewards);
        _checkRecipient(r.validatorRewards);
        _checkRecipient(r.contributorRewards);
        _checkRecipient(r.treasury);
        _recipients = r;
        emit RecipientsUpdated(r);
    }
}
