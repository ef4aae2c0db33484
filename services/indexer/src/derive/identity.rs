//! zkSBT registry: records as minted (never the ciphertext) with their tree and leaf, burns,
//! revocations, expiries, consumed disclosures; registered identities and mint fees; per-tree,
//! per-schema and per-wallet counts.
//!
//! The governance settings (`MintFeesSet`, `RootHistorySet`) are kept as events only: a current
//! value is not a sum, so it is read from the stored events (or the contract), not derived.

use super::{Changes, Context, DeriveError, Event};
use crate::events::SuiteEvent;
use alloy::primitives::U256;
use masa_bindings::contracts::ZkSBT::{
    DisclosureConsumed, FeesForwarded, LeafInserted, LeafRemoved, MintFeePaid, RecordBurned, RecordExpired,
    RecordMinted, RecordRevoked, ZkSBTEvents,
};

/// Records are rows created by `RecordMinted`.
pub(super) const ROW_TABLE: &str = "zksbt_records";

/// `mode` of a disclosure: 0 = direct (root is the token's leaf), 1 = anonymous (tree root).
const MODES: [&str; 2] = ["disclosures_direct", "disclosures_anonymous"];

fn stat(out: &mut Changes, counter: &'static str) {
    out.count("zksbt_stats", vec![("counter", counter.into())], "value", 1);
}

fn stat_amount(out: &mut Changes, counter: &'static str, amount: U256) {
    stat(out, counter);
    out.amount("zksbt_stats", vec![("counter", counter.into())], "amount", amount, true);
}

pub(super) fn changes(ev: &Event<'_>, _: &Context, out: &mut Changes) -> Result<(), DeriveError> {
    let Some(SuiteEvent::ZkSBT(event)) = ev.event else { return Ok(()) };
    let token = |id: &U256| vec![("token_id", (*id).into())];
    let tree = |id: &U256| -> Result<_, DeriveError> { Ok(vec![("tree_id", ev.int("treeId", *id)?.into())]) };
    match event {
        ZkSBTEvents::RecordMinted(RecordMinted {
            tokenId: token_id,
            owner,
            schemaId: schema_id,
            commitment,
            issuer,
            treeId: tree_id,
            leafIndex: leaf_index,
            expiry,
            ciphertext: _,
        }) => {
            let mut row = token(token_id);
            row.extend([
                ("owner", (*owner).into()),
                ("schema_id", (*schema_id).into()),
                ("issuer", (*issuer).into()),
                ("commitment", (*commitment).into()),
                ("tree_id", ev.int("treeId", *tree_id)?.into()),
                ("leaf_index", ev.int("leafIndex", *leaf_index)?.into()),
                ("expiry", ev.int("expiry", *expiry)?.into()),
                ("block_number", ev.block().into()),
            ]);
            out.row(ROW_TABLE, row);
            out.count("zksbt_schemas", vec![("schema_id", (*schema_id).into())], "minted", 1);
            stat(out, "minted");
            out.wallet_count(*owner, "records_held", 1);
            out.wallet_count(*owner, "records_minted", 1);
        }
        ZkSBTEvents::LeafInserted(LeafInserted { treeId: tree_id, .. }) => {
            out.count("zksbt_trees", tree(tree_id)?, "inserted", 1);
        }
        ZkSBTEvents::LeafRemoved(LeafRemoved { treeId: tree_id, .. }) => {
            out.count("zksbt_trees", tree(tree_id)?, "removed", 1);
        }
        ZkSBTEvents::IdentityRegistered(_) => stat(out, "identities"),
        // a registry that emits zero fees would otherwise count every mint
        ZkSBTEvents::MintFeePaid(MintFeePaid { amount, .. }) if !amount.is_zero() => {
            stat_amount(out, "mint_fees", *amount);
        }
        ZkSBTEvents::FeesForwarded(FeesForwarded { amount }) => stat_amount(out, "fees_forwarded", *amount),
        ZkSBTEvents::RecordBurned(RecordBurned { tokenId: token_id, owner, .. }) => {
            out.count("zksbt_status", token(token_id), "burned", 1);
            stat(out, "burned");
            out.wallet_count(*owner, "records_held", -1);
        }
        ZkSBTEvents::RecordRevoked(RecordRevoked { tokenId: token_id, .. }) => {
            out.count("zksbt_status", token(token_id), "revoked", 1);
            stat(out, "revoked");
        }
        ZkSBTEvents::RecordExpired(RecordExpired { tokenId: token_id, .. }) => {
            out.count("zksbt_status", token(token_id), "expired", 1);
            stat(out, "expired");
        }
        ZkSBTEvents::DisclosureConsumed(DisclosureConsumed {
            consumer,
            mode,
            schemaId: schema_id,
            recipient,
            ..
        }) => {
            let mode = ev.choice("mode", *mode, &MODES)?;
            stat(out, "disclosures");
            stat(out, mode);
            out.count("zksbt_schemas", vec![("schema_id", (*schema_id).into())], "disclosures", 1);
            out.wallet_count(*recipient, "disclosures", 1);
            out.wallet_count(*consumer, "disclosures_consumed", 1);
        }
        _ => {}
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::{Key, Value, tests::Logs};
    use alloy::{
        primitives::{Address, Bytes, I256, U256},
        sol_types::SolEvent,
    };
    use masa_bindings::{
        Contract,
        contracts::ZkSBT::{
            FeesForwarded, IdentityRegistered, LeafInserted, LeafRemoved, MintFeePaid, MintFeesSet,
            RecordMinted,
        },
    };

    fn key(k: &'static str, v: Value) -> Key {
        vec![(k, v)]
    }

    #[test]
    fn records_trees_identities_and_fees() {
        let owner = Address::repeat_byte(1);
        let minted = RecordMinted {
            tokenId: U256::from(3),
            owner,
            schemaId: U256::from(1),
            commitment: U256::from(77),
            issuer: Address::ZERO,
            treeId: U256::from(1),
            leafIndex: U256::from(4),
            expiry: 0,
            ciphertext: Bytes::from_static(&[7; 161]),
        };
        let leaf =
            |tree: u64, index: u64| (U256::from(tree), U256::from(index), U256::from(88), U256::from(99));
        let (tree_id, index, leaf_value, root) = leaf(1, 4);
        let inserted = LeafInserted { treeId: tree_id, index, leaf: leaf_value, root };
        let (tree_id, index, leaf_value, root) = leaf(0, 2);
        let removed = LeafRemoved { treeId: tree_id, index, leaf: leaf_value, root };
        let identity = IdentityRegistered { owner, identity: U256::from(55) };
        let one = U256::from(10u64.pow(18));
        let fee = MintFeePaid { payer: owner, tokenId: U256::from(3), amount: one };
        let free = MintFeePaid { payer: owner, tokenId: U256::from(4), amount: U256::ZERO };
        let forwarded = FeesForwarded { amount: one };
        let logs = Logs::new(
            Contract::ZkSBT,
            [
                minted.encode_log_data(),
                inserted.encode_log_data(),
                removed.encode_log_data(),
                identity.encode_log_data(),
                fee.encode_log_data(),
                free.encode_log_data(),
                forwarded.encode_log_data(),
            ],
        );
        let changes = logs.changes().unwrap();
        let row = &changes.rows[0];
        assert_eq!(row.0, "zksbt_records");
        assert!(
            row.1.contains(&("tree_id", Value::Int(1))) && row.1.contains(&("leaf_index", Value::Int(4)))
        );
        assert!(row.1.iter().all(|(column, _)| *column != "ciphertext"), "never the ciphertext");
        assert_eq!(changes.counts[&("zksbt_trees", key("tree_id", Value::Int(1)), "inserted")], 1);
        assert_eq!(changes.counts[&("zksbt_trees", key("tree_id", Value::Int(0)), "removed")], 1);
        let stat = |counter: &str| ("zksbt_stats", key("counter", counter.into()), "value");
        assert_eq!(changes.counts[&stat("identities")], 1);
        assert_eq!(changes.counts[&stat("mint_fees")], 1, "a zero fee is not a fee paid");
        assert_eq!(changes.counts[&stat("fees_forwarded")], 1);
        let one = I256::from_raw(one);
        assert_eq!(changes.amounts[&("zksbt_stats", key("counter", "mint_fees".into()), "amount")], one);
        assert_eq!(changes.amounts[&("zksbt_stats", key("counter", "fees_forwarded".into()), "amount")], one);
        // governance settings are events only
        let set = MintFeesSet { selfAttested: U256::from(1), attested: U256::ZERO };
        let none = Logs::new(Contract::ZkSBT, [set.encode_log_data()]).changes().unwrap();
        assert!(none.counts.keys().all(|(table, _, _)| *table == "activity"), "{none:?}");
    }
}
