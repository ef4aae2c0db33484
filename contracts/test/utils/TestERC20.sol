// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title TestERC20
/// @notice A mintable ERC-20 for tests (stablecoins and other fee tokens), with chosen decimals.
contract TestERC20 is ERC20 {
    uint8 private immutable _decimals;

    /// @notice Creates the token.
    constructor(string memory name_, string memory symbol_, uint8 decimals_) ERC20(name_, symbol_) {
        _decimals = decimals_;
    }

    /// @notice Mints `amount` to `to` (anyone: test token).
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    /// @inheritdoc ERC20
    function decimals() public view override returns (uint8) {
        return _decimals;
    }
}

/// @title FeeOnTransferERC20
/// @notice A test token that burns 1% of every transfer (the kind the fee router refuses).
contract FeeOnTransferERC20 is TestERC20 {
    /// @notice Creates the token.
    constructor() TestERC20("Taxed", "TAX", 18) {}

    function _update(address from, address to, uint256 value) internal override {
        if (from != address(0) && to != address(0)) {
            uint256 tax = value / 100;
            super._update(from, address(0), tax);
            value -= tax;
        }
        super._update(from, to, value);
    }
}
