// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

/// @notice Benchmark helper (indexer backfill): many token transfers, so many `Transfer` events
/// of the suite's own token, in one transaction. It spends tokens sent to it beforehand.
contract TransferSpray {
    error TransferSpray__TransferFailed();

    /// @notice Sends `amount` of `token` to each of `recipients`, `rounds` times over.
    function spray(IERC20 token, address[] calldata recipients, uint256 rounds, uint256 amount) external {
        for (uint256 r; r < rounds; ++r) {
            for (uint256 i; i < recipients.length; ++i) {
                if (!token.transfer(recipients[i], amount)) revert TransferSpray__TransferFailed();
            }
        }
    }
}
