//! zkSBT registry: records as minted (never the ciphertext) with their tree and leaf, burns,
//! revocations, expiries, consumed disclosures; registered identities and mint fees; per-tree,
//! per-schema and per-wallet counts.
//!
//! The governance settings (`MintFeesSet`, `RootHistorySet`) are kept as events only: a current
//! value is not a sum, so it is read from the stored events (or the contract), not derived.

use super::{Changes, Context, DeriveError, Event};
use alloy::primitives::U256;

/// Records are rows created by `RecordMinted`.
pub(super) const ROW_TABLE: &str = "zksbt_records";

/// `mode` of a disclosure: 0 = direct (root is the token's leaf), 1 = anonymous (tree root).
const MODES: [&str; 2] = ["disclosures_direct", "disclosures_anonymous"];

pub(super) fn changes(ev: &Event<'_>, _: &Context, out: &mut Changes) -> Result<(), DeriveError> {
    if ev.contract != "ZkSBT" {
        return Ok(());
    }
    let token = || -> Result<_, DeriveError> { Ok(vec![("token_id", ev.uint("tokenId")?.into())]) };
    let tree = || -> Result<_, DeriveError> { Ok(vec![("tree_id", ev.int("treeId")?.into())]) };
    let stat = |out: &mut Changes, counter: &'static str| {
        out.count("zksbt_stats", vec![("counter", counter.into())], "value", 1);
    };
    let stat_amount = |out: &mut Changes, counter: &'static str, amount: U256| {
        out.count("zksbt_stats", vec![("counter", counter.into())], "value", 1);
        out.amount("zksbt_stats", vec![("counter", counter.into())], "amount", amount, true);
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
                ("tree_id", ev.int("treeId")?.into()),
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
        "LeafInserted" => out.count("zksbt_trees", tree()?, "inserted", 1),
        "LeafRemoved" => out.count("zksbt_trees", tree()?, "removed", 1),
        "IdentityRegistered" => stat(out, "identities"),
        "MintFeePaid" => {
            // a registry that emits zero fees would otherwise count every mint
            let amount = ev.uint("amount")?;
            if !amount.is_zero() {
                stat_amount(out, "mint_fees", amount);
            }
        }
        "FeesForwarded" => stat_amount(out, "fees_forwarded", ev.uint("amount")?),
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

#[cfg(test)]
mod tests {
    use super::super::{Changes, Context, Event, Key, Value};
    use alloy::primitives::{Address, I256};
    use serde_json::json;

    fn event<'a>(name: &'a str, args: &'a serde_json::Value) -> Event<'a> {
        Event {
            contract: "ZkSBT",
            address: Address::repeat_byte(7),
            name,
            args,
            block_number: 9,
            block_time: 5,
        }
    }

    fn key(k: &'static str, v: Value) -> Key {
        vec![(k, v)]
    }

    #[test]
    fn records_trees_identities_and_fees() {
        let owner = Address::repeat_byte(1).to_checksum(None);
        let zero = Address::ZERO.to_checksum(None);
        let minted = json!({ "tokenId": "3", "owner": owner, "schemaId": "1", "commitment": "77",
            "issuer": zero, "treeId": "1", "leafIndex": "4", "expiry": "0", "ciphertext": { "length": 161 } });
        let inserted = json!({ "treeId": "1", "index": "4", "leaf": "88", "root": "99" });
        let removed = json!({ "treeId": "0", "index": "2", "leaf": "66", "root": "98" });
        let identity = json!({ "owner": owner, "identity": "55" });
        let fee = json!({ "payer": owner, "tokenId": "3", "amount": "1000000000000000000" });
        let free = json!({ "payer": owner, "tokenId": "4", "amount": "0" });
        let forwarded = json!({ "amount": "1000000000000000000" });
        let changes = Changes::of(
            [
                event("RecordMinted", &minted),
                event("LeafInserted", &inserted),
                event("LeafRemoved", &removed),
                event("IdentityRegistered", &identity),
                event("MintFeePaid", &fee),
                event("MintFeePaid", &free),
                event("FeesForwarded", &forwarded),
            ],
            &Context::default(),
        )
        .unwrap();
        let row = &changes.rows[0];
        assert_eq!(row.0, "zksbt_records");
        assert!(
            row.1.contains(&("tree_id", Value::Int(1))) && row.1.contains(&("leaf_index", Value::Int(4)))
        );
        assert_eq!(changes.counts[&("zksbt_trees", key("tree_id", Value::Int(1)), "inserted")], 1);
        assert_eq!(changes.counts[&("zksbt_trees", key("tree_id", Value::Int(0)), "removed")], 1);
        let stat = |counter: &str| ("zksbt_stats", key("counter", counter.into()), "value");
        assert_eq!(changes.counts[&stat("identities")], 1);
        assert_eq!(changes.counts[&stat("mint_fees")], 1, "a zero fee is not a fee paid");
        assert_eq!(changes.counts[&stat("fees_forwarded")], 1);
        let one = I256::try_from(10u64.pow(18)).unwrap();
        assert_eq!(changes.amounts[&("zksbt_stats", key("counter", "mint_fees".into()), "amount")], one);
        assert_eq!(changes.amounts[&("zksbt_stats", key("counter", "fees_forwarded".into()), "amount")], one);
        // governance settings are events only
        let set = json!({ "selfAttested": "1", "attested": "0" });
        let none = Changes::of([event("MintFeesSet", &set)], &Context::default()).unwrap();
        assert!(none.counts.keys().all(|(table, _, _)| *table == "activity"), "{none:?}");
    }
}
