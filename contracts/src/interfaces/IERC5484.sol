// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IERC5484 (consensual soulbound tokens): who may burn a token, fixed at issuance.
interface IERC5484 {
    /// @notice Who may burn a token.
    enum BurnAuth {
        IssuerOnly,
        OwnerOnly,
        Both,
        Neither
    }

    /// @notice Emitted when a soulbound token is issued.
    event Issued(address indexed from, address indexed to, uint256 indexed tokenId, BurnAuth burnAuth);

    /// @notice The burn authorization of `tokenId`.
    function burnAuth(uint256 tokenId) external view returns (BurnAuth);
}
