// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IAccessTerms} from "../../interfaces/IAccessTerms.sol";

/// @title PurposeAllowlistTerms
/// @notice Reference terms module: each record owner keeps here the purposes its data may be used
/// for; a use of a pass is allowed only while the pass's purpose is on its owner's list. An owner
/// withdraws consent for a purpose once, for every pass that names this module (without revoking
/// them one by one), and may give it again later.
/// @dev Stateless for the passes contract (a view check): anyone may call {checkUse}, it changes
/// nothing.
contract PurposeAllowlistTerms is IAccessTerms {
    /// @notice `owner` allowed (or stopped allowing) `purpose`.
    event PurposeSet(address indexed owner, bytes32 indexed purpose, bool allowed);

    /// @notice `owner` does not allow `purpose` (now).
    error PurposeAllowlistTerms__PurposeNotAllowed(address owner, bytes32 purpose);

    mapping(address owner => mapping(bytes32 purpose => bool)) private _allowed;

    /// @notice Allows or disallows `purpose` for the caller's passes (from their next use).
    /// @dev Emits {PurposeSet}.
    function setPurpose(bytes32 purpose, bool allowed) external {
        _allowed[msg.sender][purpose] = allowed;
        emit PurposeSet(msg.sender, purpose, allowed);
    }

    /// @inheritdoc IAccessTerms
    /// @dev Reverts with {PurposeAllowlistTerms__PurposeNotAllowed}.
    function checkUse(uint256, address, address owner, uint256, bytes32 purpose) external view {
        if (!_allowed[owner][purpose]) revert PurposeAllowlistTerms__PurposeNotAllowed(owner, purpose);
    }

    /// @notice Whether `owner` allows `purpose`.
    function isAllowed(address owner, bytes32 purpose) external view returns (bool) {
        return _allowed[owner][purpose];
    }
}
