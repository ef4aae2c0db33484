//! Governor: proposals as created, vote tallies by support, lifecycle counts, votes per wallet.

use super::{Changes, Context, DeriveError, Event};
use crate::events::SuiteEvent;
use masa_bindings::contracts::MasaGovernor::{
    MasaGovernorEvents, ProposalCanceled, ProposalCreated, ProposalExecuted, ProposalQueued, VoteCast,
    VoteCastWithParams,
};

/// Proposals are rows created by `ProposalCreated`.
pub(super) const ROW_TABLE: &str = "proposals";

/// `support` values of OpenZeppelin's simple counting.
const TALLIES: [&str; 3] = ["against_votes", "for_votes", "abstain_votes"];

pub(super) fn changes(ev: &Event<'_>, _: &Context, out: &mut Changes) -> Result<(), DeriveError> {
    let Some(SuiteEvent::MasaGovernor(event)) = ev.event else { return Ok(()) };
    let id = |id: &alloy::primitives::U256| vec![("proposal_id", (*id).into())];
    match event {
        MasaGovernorEvents::ProposalCreated(ProposalCreated {
            proposalId: proposal_id,
            proposer,
            voteStart: vote_start,
            voteEnd: vote_end,
            description,
            ..
        }) => {
            let mut row = id(proposal_id);
            row.extend([
                ("proposer", (*proposer).into()),
                ("vote_start", ev.int("voteStart", *vote_start)?.into()),
                ("vote_end", ev.int("voteEnd", *vote_end)?.into()),
                ("description", description.as_str().into()),
                ("block_number", ev.block().into()),
            ]);
            out.row(ROW_TABLE, row);
        }
        MasaGovernorEvents::VoteCast(VoteCast {
            voter, proposalId: proposal_id, support, weight, ..
        })
        | MasaGovernorEvents::VoteCastWithParams(VoteCastWithParams {
            voter,
            proposalId: proposal_id,
            support,
            weight,
            ..
        }) => {
            let column = ev.choice("support", *support, &TALLIES)?;
            out.amount("proposal_tallies", id(proposal_id), column, *weight, true);
            out.count("proposal_tallies", id(proposal_id), "voters", 1);
            out.wallet_count(*voter, "votes_cast", 1);
        }
        MasaGovernorEvents::ProposalQueued(ProposalQueued { proposalId: proposal_id, .. }) => {
            out.count("proposal_tallies", id(proposal_id), "queued", 1);
        }
        MasaGovernorEvents::ProposalExecuted(ProposalExecuted { proposalId: proposal_id }) => {
            out.count("proposal_tallies", id(proposal_id), "executed", 1);
        }
        MasaGovernorEvents::ProposalCanceled(ProposalCanceled { proposalId: proposal_id }) => {
            out.count("proposal_tallies", id(proposal_id), "canceled", 1);
        }
        _ => {}
    }
    Ok(())
}
