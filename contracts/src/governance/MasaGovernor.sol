// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Governor} from "@openzeppelin/contracts/governance/Governor.sol";
import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";
import {
    GovernorCountingSimple
} from "@openzeppelin/contracts/governance/extensions/GovernorCountingSimple.sol";
import {
    GovernorPreventLateQuorum
} from "@openzeppelin/contracts/governance/extensions/GovernorPreventLateQuorum.sol";
import {GovernorSettings} from "@openzeppelin/contracts/governance/extensions/GovernorSettings.sol";
import {
    GovernorTimelockControl
} from "@openzeppelin/contracts/governance/extensions/GovernorTimelockControl.sol";
import {GovernorVotes} from "@openzeppelin/contracts/governance/extensions/GovernorVotes.sol";
import {
    GovernorVotesQuorumFraction
} from "@openzeppelin/contracts/governance/extensions/GovernorVotesQuorumFraction.sol";
import {IVotes} from "@openzeppelin/contracts/governance/utils/IVotes.sol";

/// @title MasaGovernor
/// @notice The Masa DAO: MASA holders (through their ERC-5805 delegates) propose and vote; passed
/// proposals are queued in and executed by a {TimelockController}, which owns every protocol
/// parameter (fee shares, accepted tokens, minimum stakes, ...).
/// @dev OpenZeppelin Governor with: simple counting (for / against / abstain), votes and quorum
/// from the MASA token (its clock is the block timestamp, so every period here is in seconds),
/// late-quorum protection (a proposal reaching quorum near its deadline gets `voteExtension` more
/// seconds, so a last-minute whale cannot pass it unopposed), and timelock execution. Deploy the
/// timelock with this governor as its only proposer and canceller, executors open
/// (`address(0)`), and no admin.
contract MasaGovernor is
    Governor,
    GovernorSettings,
    GovernorCountingSimple,
    GovernorVotes,
    GovernorVotesQuorumFraction,
    GovernorPreventLateQuorum,
    GovernorTimelockControl
{
    /// @notice Parameters of a governor deployment (all durations in seconds).
    /// @param votingDelay Seconds between proposal and the vote snapshot/start.
    /// @param votingPeriod Seconds the vote stays open.
    /// @param proposalThreshold Votes (MASA wei) an account needs to propose.
    /// @param quorumPercent Share of the past total supply that must vote for or abstain, in percent.
    /// @param voteExtension Minimum seconds of voting left after quorum is reached.
    struct Config {
        uint48 votingDelay;
        uint32 votingPeriod;
        uint256 proposalThreshold;
        uint256 quorumPercent;
        uint48 voteExtension;
    }

    /// @notice Creates the governor over `token` votes, executing through `timelock`.
    /// @param token The MASA token (ERC-5805 votes, timestamp clock).
    /// @param timelock The timelock that will hold the protocol's parameters.
    /// @param config Voting delay, period, threshold, quorum and late-quorum extension.
    constructor(IVotes token, TimelockController timelock, Config memory config)
        Governor("Masa DAO")
        GovernorSettings(config.votingDelay, config.votingPeriod, config.proposalThreshold)
        GovernorVotes(token)
        GovernorVotesQuorumFraction(config.quorumPercent)
        GovernorPreventLateQuorum(config.voteExtension)
        GovernorTimelockControl(timelock)
    {}

    /// @inheritdoc Governor
    function proposalThreshold() public view override(Governor, GovernorSettings) returns (uint256) {
        return super.proposalThreshold();
    }

    /// @inheritdoc Governor
    function proposalDeadline(uint256 proposalId)
        public
        view
        override(Governor, GovernorPreventLateQuorum)
        returns (uint256)
    {
        return super.proposalDeadline(proposalId);
    }

    /// @inheritdoc Governor
    function state(uint256 proposalId)
        public
        view
        override(Governor, GovernorTimelockControl)
        returns (ProposalState)
    {
        return super.state(proposalId);
    }

    /// @inheritdoc Governor
    function proposalNeedsQueuing(uint256 proposalId)
        public
        view
        override(Governor, GovernorTimelockControl)
        returns (bool)
    {
        return super.proposalNeedsQueuing(proposalId);
    }

    function _tallyUpdated(uint256 proposalId) internal override(Governor, GovernorPreventLateQuorum) {
        super._tallyUpdated(proposalId);
    }

    function _queueOperations(
        uint256 proposalId,
        address[] memory targets,
        uint256[] memory values,
        bytes[] memory calldatas,
        bytes32 descriptionHash
    ) internal override(Governor, GovernorTimelockControl) returns (uint48) {
        return super._queueOperations(proposalId, targets, values, calldatas, descriptionHash);
    }

    function _executeOperations(
        uint256 proposalId,
        address[] memory targets,
        uint256[] memory values,
        bytes[] memory calldatas,
        bytes32 descriptionHash
    ) internal override(Governor, GovernorTimelockControl) {
        super._executeOperations(proposalId, targets, values, calldatas, descriptionHash);
    }

    function _cancel(
        address[] memory targets,
        uint256[] memory values,
        bytes[] memory calldatas,
        bytes32 descriptionHash
    ) internal override(Governor, GovernorTimelockControl) returns (uint256) {
        return super._cancel(targets, values, calldatas, descriptionHash);
    }

    function _executor() internal view override(Governor, GovernorTimelockControl) returns (address) {
        return super._executor();
    }
}
