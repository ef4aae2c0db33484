//! zkSBT registry: records as minted (never the ciphertext), burns, revocations, expiries,
//! consumed disclosures; per-schema and per-wallet counts.

use super::{Changes, Context, DeriveError, Event};

/// Records are rows created by `RecordMinted`.
pub(super) const ROW_TABLE: &str = "zksbt_records";

/// `mode` of a disclosure: 0 = direct (root is the commitment), 1 = anonymous (tree root).
const MODES: [&str; 2] = ["disclosures_direct", "disclosures_anonymous"];

pub(super) fn changes(ev: &Event<'_>, _: &Context, out: &mut Changes) -> Result<(), DeriveError> {
    if ev.contract != "ZkSBT" {
        return Ok(());
    }
    let token = || -> Result<_, DeriveError> { Ok(vec![("token_id", ev.uint("tokenId")?.into())]) };
    let stat = |out: &mut Changes, counter: &'static str| {
        out.count("zksbt_stats", vec![("counter", counter.into())], "value", 1);
    };
    match ev.name {
        "RecordMinted" => {
            let owner = ev.address("owner")?;
            let schema = ev.uint("schemaId")?;
            let mut row = token()?;
            row.extend([
                ("owner", owner.into()),
                ("schema_id", schema.into()),
                ("issuer", ev.address("issuer")?.into()),
                ("commitment", ev.uint("commitment")?.into()),
                ("leaf_index", ev.int("leafIndex")?.into()),
                ("expiry", ev.int("expiry")?.into()),
                ("block_number", ev.block().into()),
            ]);
            out.row(ROW_TABLE, row);
            out.count("zksbt_schemas", vec![("schema_id", schema.into())], "minted", 1);
            stat(out, "minted");
            out.wallet_count(owner, "records_held", 1);
            out.wallet_count(owner, "records_minted", 1);
        }
        "RecordBurned" => {
            out.count("zksbt_status", token()?, "burned", 1);
            stat(out, "burned");
            out.wallet_count(ev.address("owner")?, "records_held", -1);
        }
        "RecordRevoked" => {
            out.count("zksbt_status", token()?, "revoked", 1);
            stat(out, "revoked");
        }
        "RecordExpired" => {
            out.count("zksbt_status", token()?, "expired", 1);
            stat(out, "expired");
        }
        "DisclosureConsumed" => {
            let mode = usize::try_from(ev.uint("mode")?).ok();
            let mode = mode.and_then(|m| MODES.get(m)).ok_or_else(|| ev.err("mode"))?;
            stat(out, "disclosures");
            stat(out, mode);
            out.count("zksbt_schemas", vec![("schema_id", ev.uint("schemaId")?.into())], "disclosures", 1);
            out.wallet_count(ev.address("recipient")?, "disclosures", 1);
            out.wallet_count(ev.address("consumer")?, "disclosures_consumed", 1);
        }
        _ => {}
    }
    Ok(())
}
