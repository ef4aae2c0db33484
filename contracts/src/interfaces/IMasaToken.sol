// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IMasaToken
/// @notice What the MASA token adds to the OpenZeppelin standards it implements: ERC-20 with
/// ERC-20 metadata, burn (`burn`, `burnFrom`), EIP-2612 `permit` and ERC-5805 votes on a
/// timestamp clock (ERC-6372 `mode=timestamp`). Standard errors are EIP-6093 (`ERC20*`).
interface IMasaToken {
    /// @notice Emitted once, at deployment, when the whole supply is minted to `holder`.
    /// @param holder The genesis holder that received the supply.
    /// @param amount The total supply, in wei (18 decimals).
    event GenesisMinted(address indexed holder, uint256 amount);

    /// @notice The genesis holder passed to the constructor was the zero address.
    error MasaToken__ZeroGenesisHolder();

    /// @notice The fixed total supply, 1,588,866,523 MASA in wei. Burns lower `totalSupply()`
    /// below it; nothing can raise it.
    function TOTAL_SUPPLY() external view returns (uint256);
}
