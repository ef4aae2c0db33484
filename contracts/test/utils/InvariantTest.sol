// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title InvariantTest
/// @notice The part of forge-std's `StdInvariant` the Masa invariant suites use: forge's invariant
/// runner calls `targetContracts()` and `targetSelectors()` on the test contract to decide what to
/// fuzz, so a suite registers its handler here (same names and struct layout as forge-std).
abstract contract InvariantTest {
    /// @dev A contract and the functions of it the invariant runner may call (forge-std layout).
    struct FuzzSelector {
        address addr;
        bytes4[] selectors;
    }

    address[] private _targetedContracts;
    FuzzSelector[] private _targetedSelectors;

    /// @dev Lets the invariant runner call `target` (all of its functions unless selectors are given).
    function targetContract(address target) internal {
        _targetedContracts.push(target);
    }

    /// @dev Restricts the invariant runner to `selector.selectors` of `selector.addr`.
    function targetSelector(FuzzSelector memory selector) internal {
        _targetedSelectors.push(selector);
    }

    /// @notice The contracts the invariant runner calls (read by forge).
    /// @return targetedContracts_ The registered contracts.
    function targetContracts() public view returns (address[] memory targetedContracts_) {
        targetedContracts_ = _targetedContracts;
    }

    /// @notice The functions the invariant runner calls (read by forge).
    /// @return targetedSelectors_ The registered contracts and selectors.
    function targetSelectors() public view returns (FuzzSelector[] memory targetedSelectors_) {
        targetedSelectors_ = _targetedSelectors;
    }
}
