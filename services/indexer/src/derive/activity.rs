//! Network activity over time: events per UTC day, contract and event name.

use super::{Changes, Context, DeriveError, Event};

const DAY: u64 = 86_400;

pub(super) fn changes(ev: &Event<'_>, _: &Context, out: &mut Changes) -> Result<(), DeriveError> {
    let day = i64::try_from(ev.block_time / DAY).expect("days fit in i64");
    out.count(
        "activity",
        vec![("day", day.into()), ("contract", ev.contract.name().into()), ("event", ev.name.into())],
        "events",
        1,
    );
    Ok(())
}
