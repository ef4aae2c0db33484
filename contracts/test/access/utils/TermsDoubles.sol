// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IAccessPasses} from "../../../src/interfaces/IAccessPasses.sol";
import {IAccessTerms} from "../../../src/interfaces/IAccessTerms.sol";

/// @notice Terms that allow every use and record the arguments of each call.
contract RecordingTerms is IAccessTerms {
    struct Call {
        address caller;
        uint256 passId;
        address developer;
        address owner;
        uint256 useIndex;
        bytes32 purpose;
    }

    Call[] internal _calls;

    function checkUse(uint256 passId, address developer, address owner, uint256 useIndex, bytes32 purpose)
        external
    {
        _calls.push(Call(msg.sender, passId, developer, owner, useIndex, purpose));
    }

    function callCount() external view returns (uint256) {
        return _calls.length;
    }

    function callAt(uint256 i) external view returns (Call memory) {
        return _calls[i];
    }
}

/// @notice Terms that call back into the passes contract (to close the pass and take its escrow
/// back mid-request).
contract ReentrantTerms is IAccessTerms {
    IAccessPasses internal immutable _passes;

    constructor(IAccessPasses passes_) {
        _passes = passes_;
    }

    function checkUse(uint256 passId, address, address, uint256, bytes32) external {
        _passes.close(passId);
    }
}
