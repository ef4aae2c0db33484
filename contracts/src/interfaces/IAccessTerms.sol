// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IAccessTerms
/// @notice Programmable terms of an access pass (`IAccessPasses`): a contract the record's owner
/// names in the offer it signs, consulted by the passes contract each time the pass's developer
/// asks for a use of the record. It refuses the use by reverting (with its own error, which the
/// developer's transaction then reverts with); returning means the use is allowed.
///
/// - **Who calls.** Only the passes contract calls {checkUse}, after it has checked the pass
///   itself (live, within its validity, uses left) and counted the use: a stateful module (a rate
///   limit) must refuse any other caller, or anyone could use up a pass's allowance.
/// - **What it may rely on.** The arguments are the pass's own (stored at accept, never changed):
///   `useIndex` counts the pass's uses from 0, one per call that returns.
/// - **Trust.** The owner chooses the module and the developer accepts the offer naming it: a
///   developer should accept only terms it has read. A module that refuses every use leaves the
///   developer's per-use escrow refundable after the pass's validity (`IAccessPasses.close`);
///   the passes contract is non-reentrant while it calls a module.
interface IAccessTerms {
    /// @notice Reverts unless the pass's developer may make use `useIndex` of the pass now.
    /// @param passId The pass.
    /// @param developer Its developer (who asked for the use).
    /// @param owner The record's owner (who granted the pass).
    /// @param useIndex The use being made (0 for the first).
    /// @param purpose The purpose the owner granted the pass for.
    function checkUse(uint256 passId, address developer, address owner, uint256 useIndex, bytes32 purpose)
        external;
}
