//! Agreeing: for each answered job the node asks its peers for their signed answers, keeps the
//! verified ones, reports any node key that signed two different results for the request, and,
//! once a quorum of active nodes signed its own result, carries their signatures (and the
//! dissenting active nodes' signed answers, so the chain records them) to
//! `OracleRequests.fulfill` in one transaction. Finalized requests stay watched for
//! equivocation a while (`[peers] equivocation_watch_ms`).
//!
//! Who submits: the agreeing signers are ordered by `keccak256(requestId, signer)`, a fresh order
//! per request; the first submits once every known node answered or a grace period passed, the `r`-th only after `r × submit_stagger` without the
//! request finalizing. Every send goes through the transaction manager, keyed by the request:
//! at most one fulfilment per node per request, even across restarts; a fulfilment that another
//! node's beat is refused by the revm pre-flight and never sent.

use super::{Node, NodeError, OnChain};
use crate::store::jobs::{Job, JobState, StoredAnswer};
use alloy::{
    primitives::{Address, U256, keccak256},
    sol_types::SolCall,
};
use futures::StreamExt;
use masa_bindings::{Contract, contracts::oracle::IOracleNodes};
use masa_sdk::{
    oracle::{SignedResult, equivocation_call, fulfil_call},
    tx::Call,
};
use std::{
    collections::{BTreeMap, BTreeSet},
    time::{Duration, Instant},
};

/// Jobs whose agreement runs at once.
const AGREE_CONCURRENCY: usize = 16;

fn signed(request: u64, answer: &StoredAnswer) -> SignedResult {
    SignedResult {
        signer: answer.signer,
        result: IOracleNodes::Result {
            requestId: U256::from(request),
            resultHash: answer.result_hash,
            configHash: answer.config_hash,
        },
        signature: answer.signature.clone(),
    }
}

/// The submission order of `signer` among `signers` for `request` (0 submits first).
fn rank(request: u64, own: Address, signers: &[Address]) -> usize {
    let key = |signer: &Address| {
        keccak256([U256::from(request).to_be_bytes::<32>().as_slice(), signer.as_slice()].concat())
    };
    let own_key = key(&own);
    signers.iter().filter(|s| key(s) < own_key).count()
}

impl Node {
    /// One agreement round over the answered and submitted jobs.
    pub(crate) async fn agree(&self) -> Result<(), NodeError> {
        let mut jobs = self.store.jobs_in(JobState::Answered, 256).await?;
        jobs.extend(self.store.jobs_in(JobState::Submitted, 256).await?);
        // jobs agree concurrently: a fulfilment waiting for its receipt does not hold the others
        // back (the transaction manager orders the nonces)
        futures::stream::iter(jobs)
            .for_each_concurrent(AGREE_CONCURRENCY, |job| async move {
                let id = job.request_id;
                if let Err(e) = self.agree_on(job).await {
                    tracing::warn!(request = id, error = %e, "agreement round failed");
                }
            })
            .await;
        self.watch_equivocations().await;
        for (state, count) in self.store.job_counts().await? {
            self.metrics
                .jobs
                .get_or_create(&crate::metrics::StateLabel { state: state.to_string() })
                .set(i64::try_from(count).unwrap_or(i64::MAX));
        }
        Ok(())
    }

    async fn agree_on(&self, job: Job) -> Result<(), NodeError> {
        let id = job.request_id;
        match self.on_chain(&job).await? {
            OnChain::Open => {}
            other => return self.settle(&job, other).await,
        }
        let (Some(own_result), Some(own_config)) = (job.result_hash, job.config_hash) else {
            return Ok(());
        };

        let mut active_cache: BTreeMap<Address, bool> = BTreeMap::new();
        let answers = self.gather(id, &mut active_cache).await?;
        let by_signer = self.report_equivocations(id, &answers).await;

        // a quorum of active nodes on this node's answer
        let mut active = BTreeSet::new();
        for signer in by_signer.keys() {
            if self.active_cached(&mut active_cache, *signer).await? {
                active.insert(*signer);
            }
        }
        let agreeing: Vec<&StoredAnswer> = answers
            .iter()
            .filter(|a| {
                a.result_hash == own_result && a.config_hash == own_config && active.contains(&a.signer)
            })
            .filter(|a| by_signer.get(&a.signer).is_some_and(|v| v.len() == 1))
            .collect();
        // a job left `submitted` (a node killed between the state and the outbox) is tried again:
        // the transaction manager's key returns the fulfilment already sent, if any
        if agreeing.len() < usize::from(job.quorum) {
            return Ok(());
        }
        let signers: Vec<Address> = agreeing.iter().map(|a| a.signer).collect();
        let my_rank = rank(id, self.node_key.address(), &signers);
        let waited = {
            let mut first_seen = self.quorum_seen.lock().await;
            first_seen.entry(id).or_insert_with(Instant::now).elapsed()
        };
        // the first submitter waits a grace period for the nodes that have not answered yet (their
        // agreement is paid, their dissent recorded), unless every known node answered; the others
        // add their stagger
        let peers_known = self.peers.endpoints().await.map_or(0, |e| e.len());
        let grace = if by_signer.len() > peers_known {
            Duration::ZERO
        } else {
            Duration::from_millis(self.config.peers.grace_ms)
        };
        let wait = grace
            + Duration::from_millis(self.config.peers.submit_stagger_ms)
                * u32::try_from(my_rank).unwrap_or(u32::MAX);
        if waited < wait {
            return Ok(());
        }
        let dissents: Vec<SignedResult> = by_signer
            .iter()
            .filter(|(signer, theirs)| {
                active.contains(*signer) && !signers.contains(signer) && theirs.len() == 1
            })
            .map(|(_, theirs)| signed(id, theirs[0]))
            .filter(|d| d.result.resultHash != own_result || d.result.configHash != own_config)
            .collect();
        let call = fulfil_call(agreeing.iter().map(|a| signed(id, a)).collect(), dissents);
        self.store.set_state(id, JobState::Submitted, None).await?;
        tracing::info!(
            request = id,
            signers = signers.len(),
            rank = my_rank,
            "quorum: submitting the fulfilment"
        );
        match self
            .tx
            .send(
                &format!("fulfill:{id}"),
                Call::new(Contract::OracleRequests, "fulfill"),
                self.requests,
                call.abi_encode().into(),
            )
            .await
        {
            Ok(sent) => {
                if !sent.already_done {
                    self.metrics.fulfilments_sent.inc();
                }
                tracing::info!(request = id, tx = %sent.tx_hash, "fulfilment mined");
                self.store.set_state(id, JobState::Submitted, Some(sent.tx_hash)).await?;
            }
            Err(e) => {
                // another node's fulfilment landed first (the pre-flight refuses ours), or the send
                // failed: the next round reads the request's status and tries again if still open
                tracing::info!(request = id, error = %e, "fulfilment not sent");
                self.store.set_state(id, JobState::Answered, None).await?;
            }
        }
        Ok(())
    }

    /// Asks the peers for their answers to request `id` and stores the verified ones; returns
    /// every answer stored for it. Only the answers of registered, active node keys are kept:
    /// anyone can sign junk with fresh keys, and an inactive node's answer counts for nothing
    /// on-chain.
    async fn gather(
        &self,
        id: u64,
        active_cache: &mut BTreeMap<Address, bool>,
    ) -> Result<Vec<StoredAnswer>, NodeError> {
        let (served, failures) = self.peers.ask(id).await;
        for failure in failures {
            self.metrics.peer_failures.inc();
            tracing::debug!(request = id, failure, "peer did not answer");
        }
        for message in served {
            let Some(answer) = message.verified(id, self.chain_id, self.nodes) else {
                tracing::debug!(request = id, signer = %message.signer, "a peer's answer does not verify");
                continue;
            };
            if !self.active_cached(active_cache, answer.signer).await? {
                continue;
            }
            if self.store.insert_answer(id, &answer).await? {
                self.metrics.peer_answers.inc();
            }
        }
        Ok(self.store.answers(id).await?)
    }

    /// Groups `answers` by signer and reports every other key that signed two results.
    async fn report_equivocations<'a>(
        &self,
        id: u64,
        answers: &'a [StoredAnswer],
    ) -> BTreeMap<Address, Vec<&'a StoredAnswer>> {
        let mut by_signer: BTreeMap<Address, Vec<&StoredAnswer>> = BTreeMap::new();
        for answer in answers {
            by_signer.entry(answer.signer).or_default().push(answer);
        }
        for (signer, theirs) in &by_signer {
            if let [a, b, ..] = theirs.as_slice()
                && *signer != self.node_key.address()
            {
                self.report_equivocation(id, signed(id, a), signed(id, b)).await;
            }
        }
        by_signer
    }

    /// Keeps asking the peers about the requests finalized less than `equivocation_watch_ms`
    /// ago, reporting any key seen signing two results (the contract takes a report at any time);
    /// forgets the older ones.
    async fn watch_equivocations(&self) {
        let window = Duration::from_millis(self.config.peers.equivocation_watch_ms);
        let ids: Vec<u64> = {
            let mut watched = self.watched.lock().await;
            watched.retain(|_, since| since.elapsed() < window);
            watched.keys().copied().collect()
        };
        futures::stream::iter(ids)
            .for_each_concurrent(AGREE_CONCURRENCY, |id| async move {
                let mut active_cache = BTreeMap::new();
                match self.gather(id, &mut active_cache).await {
                    Ok(answers) => {
                        self.report_equivocations(id, &answers).await;
                    }
                    Err(e) => tracing::warn!(request = id, error = %e, "equivocation watch failed"),
                }
            })
            .await;
    }

    /// Reports `a` and `b`, two different results signed by one key for one request (once per
    /// key and request).
    async fn report_equivocation(&self, request: u64, a: SignedResult, b: SignedResult) {
        let signer = a.signer;
        if self.reported.lock().await.contains(&(request, signer)) {
            return;
        }
        let key = format!("equivocation:{request}:{signer}");
        let call = equivocation_call(a, b);
        match self
            .tx
            .send(
                &key,
                Call::new(Contract::OracleNodes, "reportEquivocation"),
                self.nodes,
                call.abi_encode().into(),
            )
            .await
        {
            Ok(sent) => {
                self.reported.lock().await.insert((request, signer));
                if !sent.already_done {
                    self.metrics.equivocations_reported.inc();
                    tracing::warn!(request, %signer, tx = %sent.tx_hash, "equivocation reported: the node signed two results");
                }
            }
            Err(e) => {
                // the contract refuses it (another node's report landed first: `AlreadySlashed`):
                // not tried again every round
                if e.refusal().is_some() {
                    self.reported.lock().await.insert((request, signer));
                }
                tracing::info!(request, %signer, error = %e, "equivocation not reported");
            }
        }
    }

    /// [`is_active_signer`](Self::is_active_signer), asked once per round and signer.
    async fn active_cached(
        &self,
        cache: &mut BTreeMap<Address, bool>,
        signer: Address,
    ) -> Result<bool, NodeError> {
        if let Some(active) = cache.get(&signer) {
            return Ok(*active);
        }
        let active = self.is_active_signer(signer).await?;
        cache.insert(signer, active);
        Ok(active)
    }

    /// Whether `signer` is the key of a node that may answer now.
    async fn is_active_signer(&self, signer: Address) -> Result<bool, NodeError> {
        let operator = self.oracle.operator_of(signer).await.map_err(|e| NodeError::Chain(e.to_string()))?;
        if operator == Address::ZERO {
            return Ok(false);
        }
        Ok(self.oracle.node(operator).await.map_err(|e| NodeError::Chain(e.to_string()))?.active())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_signer_gets_a_distinct_rank_that_changes_per_request() {
        let signers: Vec<Address> = (1..=3u8).map(Address::repeat_byte).collect();
        let ranks: BTreeSet<usize> = signers.iter().map(|s| rank(7, *s, &signers)).collect();
        assert_eq!(ranks, BTreeSet::from([0, 1, 2]));
        let firsts: BTreeSet<Address> =
            (1..40u64).map(|r| *signers.iter().find(|s| rank(r, **s, &signers) == 0).unwrap()).collect();
        assert_eq!(firsts.len(), 3, "the first submitter rotates between requests");
    }
}
