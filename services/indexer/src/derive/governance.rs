//! Governor: proposals as created, vote tallies by support, lifecycle counts, votes per wallet.

use super::{Changes, Context, DeriveError, Event};

/// Proposals are rows created by `ProposalCreated`.
pub(super) const ROW_TABLE: &str = "proposals";

/// `support` values of OpenZeppelin's simple counting.
const TALLIES: [&str; 3] = ["against_votes", "for_votes", "abstain_votes"];

pub(super) fn changes(ev: &Event<'_>, _: &Context, out: &mut Changes) -> Result<(), DeriveError> {
    if ev.contract != "MasaGovernor" {
        return Ok(());
    }
    let id = || -> Result<_, DeriveError> { Ok(vec![("proposal_id", ev.uint("proposalId")?.into())]) };
    match ev.name {
        "ProposalCreated" => {
            let mut row = id()?;
            row.extend([
                ("proposer", ev.address("proposer")?.into()),
                ("vote_start", ev.int("voteStart")?.into()),
                ("vote_end", ev.int("voteEnd")?.into()),
                ("description", ev.str("description")?.into()),
                ("block_number", ev.block().into()),
            ]);
            out.row(ROW_TABLE, row);
        }
        "VoteCast" | "VoteCastWithParams" => {
            let support = usize::try_from(ev.uint("support")?).ok();
            let column = support.and_then(|s| TALLIES.get(s)).ok_or_else(|| ev.err("support"))?;
            out.amount("proposal_tallies", id()?, column, ev.uint("weight")?, true);
            out.count("proposal_tallies", id()?, "voters", 1);
            out.wallet_count(ev.address("voter")?, "votes_cast", 1);
        }
        "ProposalQueued" => out.count("proposal_tallies", id()?, "queued", 1),
        "ProposalExecuted" => out.count("proposal_tallies", id()?, "executed", 1),
        "ProposalCanceled" => out.count("proposal_tallies", id()?, "canceled", 1),
        _ => {}
    }
    Ok(())
}
