// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {TestERC20} from "../../utils/TestERC20.sol";

/// @notice A token with a blocklist (as USDC's): transfers from or to a blocked account revert.
contract BlocklistERC20 is TestERC20 {
    error Blocked(address account);

    mapping(address account => bool) public blocked;

    constructor() TestERC20("Blocklist", "BLK", 18) {}

    function setBlocked(address account, bool isBlocked) external {
        blocked[account] = isBlocked;
    }

    function _update(address from, address to, uint256 value) internal override {
        if (blocked[from]) revert Blocked(from);
        if (blocked[to]) revert Blocked(to);
        super._update(from, to, value);
    }
}
