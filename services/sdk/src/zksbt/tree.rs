//! The registry's trees rebuilt from its `LeafInserted` / `LeafRemoved` events, one tree id at a
//! time (the indexer will serve them on large chains), and checked against `treeRoot`.

use super::{Error, ZkSbtClient};
use alloy::{
    primitives::{B256, U256},
    providers::Provider,
    rpc::types::Filter,
    sol_types::SolEvent,
};
use ark_bn254::Fr;
use masa_bindings::contracts::ZkSBT;
use masa_prover::{
    field::{to_fr, to_u256},
    merkle::LeanImt,
};

/// A tree as the registry holds it.
#[derive(Debug, Clone)]
pub struct RebuiltTree {
    /// The tree.
    pub tree: LeanImt,
    /// Leaves not removed (burned, revoked, expired records are zero leaves): the anonymity set
    /// of a proof against this tree.
    pub live: usize,
}

impl<P: Provider> ZkSbtClient<P> {
    /// The registry's `E` events whose first and second indexed arguments are `topic1` and
    /// `topic2` (any when `None`), from the registry's deployment block.
    pub(super) async fn logs<E: SolEvent>(
        &self,
        topic1: Option<B256>,
        topic2: Option<B256>,
    ) -> Result<Vec<E>, Error> {
        let mut filter = Filter::new()
            .address(self.registry)
            .from_block(self.from_block)
            .event_signature(E::SIGNATURE_HASH);
        if let Some(t) = topic1 {
            filter = filter.topic1(t);
        }
        if let Some(t) = topic2 {
            filter = filter.topic2(t);
        }
        let logs = self.provider.get_logs(&filter).await.map_err(crate::tx::rpc("eth_getLogs"))?;
        let decode = crate::tx::rpc("eth_getLogs");
        Ok(logs
            .iter()
            .map(|log| E::decode_log(&log.inner).map(|l| l.data).map_err(&decode))
            .collect::<Result<_, _>>()?)
    }

    /// Tree `tree_id` as the registry holds it, from its events (checked against
    /// `treeRoot(tree_id)`).
    pub async fn tree(&self, tree_id: u32) -> Result<RebuiltTree, Error> {
        let topic = Some(B256::from(U256::from(tree_id)));
        let mut inserted: Vec<(usize, U256)> = self
            .logs::<ZkSBT::LeafInserted>(topic, None)
            .await?
            .into_iter()
            .map(|e| (e.index.to(), e.leaf))
            .collect();
        inserted.sort_by_key(|(i, _)| *i);
        let mut tree = LeanImt::new();
        for (index, leaf) in inserted {
            if index != tree.size() {
                return Err(Error::Tree {
                    tree: tree_id,
                    reason: format!(
                        "the registry's LeafInserted events skip leaf {index}: incomplete logs from the RPC"
                    ),
                });
            }
            tree.insert(to_fr("leaf", leaf)?);
        }
        let mut live = tree.size();
        for e in self.logs::<ZkSBT::LeafRemoved>(topic, None).await? {
            let index: usize = e.index.to();
            if tree.leaf(index).is_some_and(|l| l != Fr::from(0u64)) {
                live -= 1;
            }
            tree.update(index, Fr::from(0u64))
                .map_err(|source| Error::TreeIndex { tree: tree_id, source })?;
        }
        let onchain =
            self.contract().treeRoot(U256::from(tree_id)).call().await.map_err(self.read("treeRoot"))?;
        if to_u256(tree.root()) != onchain {
            return Err(Error::Tree {
                tree: tree_id,
                reason: "rebuilt from events, it does not match the registry's root: is the RPC behind?"
                    .into(),
            });
        }
        Ok(RebuiltTree { tree, live })
    }
}
