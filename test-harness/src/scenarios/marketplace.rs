//! The data marketplace end to end, with real Groth16 proofs of the delivery circuit: two
//! developers, three people with attested credit scores (alice 742, bob 815, carol 768).
//!
//! - Developer A funds pool 1 ("score >= 700", 1,000 MASA over 1,000 s); developer B funds
//!   pool 2 ("score >= 750", 600 MASA over 1,500 s), which opens 300 s later: the pools overlap.
//! - Alice stakes in pool 1 anonymously (a watcher relays it), bob directly; bob also stakes in
//!   pool 2 anonymously (the same record in two pools), carol directly.
//! - Alice leaves pool 1 early; carol claims midway.
//! - Carol sells developer A a pass (5 MASA now, 1 MASA per use, 2 uses): one use delivered,
//!   then she revokes and A takes back the unused escrow. Bob offers developer B a pass priced
//!   per use only, which B never uses: it expires and is closed for B.
//! - After both pools end, everyone leaves; the developers take back what nobody earned.
//! - Each developer's dataset, checked and written by the sdk's `dataset` module from the logs
//!   the chain recorded, equals the people's records: pool 1 holds alice's and bob's, pool 2
//!   bob's and carol's, A's pass carol's; A's key opens nothing of pool 2.
//! - Every wei: each pool's paid + refunded = funded; each person's income = the rewards claimed
//!   plus the pass payments; what the developers spent = what the people received + the fees;
//!   the pools and the passes end empty.

use crate::{
    Chain, ChainExt, Error, Expect, Result, TxOutcome,
    scenarios::{
        passes::{self as pass_scenario, Market, event, sign_offer},
        pools::{Terms, open_pool, prove_delivery},
        zksbt::{self, Ask, CREDIT, CREDIT_LIFETIME, Minted},
    },
};
use alloy::{
    primitives::{Address, B256, U256},
    rpc::types::Log,
    signers::local::PrivateKeySigner,
    sol_types::SolEvent,
};
use masa_bindings::{
    MASA,
    contracts::{
        AccessPasses, DataPools, MasaToken, ZkSBT,
        access::{IAccessPasses, IZkSBT as PassZkSBT},
        pools::{IDataPools, IZkSBT as PoolZkSBT},
    },
    eip712::access_passes_domain,
};
use masa_prover::{DeliveryRequest, Prover, encryption::OwnerKeys, merkle::Trees, statement::Mode};
use masa_sdk::{
    dataset::{self, Provenance, Verified},
    passes::DeliveryLog as PassDelivery,
    pools::{Deliveries, PoolInfo, delivery_key},
};
use std::collections::HashMap;

/// The record fields' names (the credit schema's).
const FIELDS: [&str; 3] = ["score", "scored_at", "country"];
/// `AccessPasses.DELIVERY_GRACE`.
const DELIVERY_GRACE: u64 = 86_400;

/// What the story exported, for the test to look at.
#[derive(Debug, Clone, Default)]
pub struct Exported {
    /// Rows of pool 1's, pool 2's and developer A's pass's datasets.
    pub rows: [usize; 3],
    /// MASA the three people received (rewards and pass payments), in wei.
    pub income: [U256; 3],
}

/// The story on any chain; `prover` proves the delivery circuit with the key its generated
/// verifier was made from.
pub async fn two_developers_three_people<C: Chain>(chain: &mut C, prover: &mut Prover) -> Result<Exported> {
    let signers: Vec<PrivateKeySigner> = chain.accounts().to_vec();
    let [admin, relayer, watcher] = [0, 1, 4].map(|i| signers[i].address());
    let developers = [&signers[2], &signers[3]];
    let [dev_a, dev_b] = developers.map(PrivateKeySigner::address);
    let people = [&signers[5], &signers[6], &signers[8]];
    let [alice, bob, carol] = people.map(PrivateKeySigner::address);
    let issuer = &signers[7];
    let Market { id, pools, passes } = pass_scenario::deploy(chain, admin, issuer.address()).await?;
    let balance = async |chain: &C, account| chain.view(id.masa, MasaToken::balanceOfCall { account }).await;

    // the bureau attests three credit scores
    let trees = &mut Trees::new();
    let mut minted: Vec<Minted> = Vec::new();
    for (person, score) in people.iter().zip([742, 815, 768]) {
        let keys = OwnerKeys::derive(&person.to_bytes().0);
        let now = chain.timestamp().await?;
        let mut record = keys.new_record(U256::from(CREDIT), [score, now, 840, 0, 0, 0, 0, 0]);
        record.expiry = now + CREDIT_LIFETIME;
        minted.push(zksbt::mint(chain, id, relayer, person, &keys, &record, Some(issuer), trees).await?.0);
    }
    for developer in [dev_a, dev_b] {
        let value = MASA * U256::from(2_000);
        chain.send(admin, id.masa, MasaToken::transferCall { to: developer, value }).await?;
    }
    let start_balances = balances(chain, id.masa, [dev_a, dev_b, alice, bob, carol]).await?;

    // two pools, each with its developer's delivery key (derived from its wallet, as the sdk does)
    let keys = developers.map(delivery_key);
    let bureau = [issuer.address()];
    let issuer_set = chain.view(id.sbt, ZkSBT::issuerSetOfCall { members: bureau.to_vec() }).await?;
    let start = chain.timestamp().await? + 20;
    let terms = [
        Terms { issuer_set, min: 700, budget: MASA * U256::from(1_000), start, duration: 1_000 },
        Terms { issuer_set, min: 750, budget: MASA * U256::from(600), start: start + 300, duration: 1_500 },
    ];
    let mut pool_ids = [U256::ZERO; 2];
    let mut fees = U256::ZERO;
    for (i, developer) in [dev_a, dev_b].into_iter().enumerate() {
        let (_, created, _) = open_pool(chain, id, pools, developer, keys[i].public_key(), terms[i]).await?;
        pool_ids[i] = created.poolId;
        fees += created.fee;
    }
    let mut logs = Logs::default();
    let stake = async |chain: &mut C,
                       prover: &mut Prover,
                       logs: &mut Logs,
                       (pool, person, mode, from): (usize, usize, Mode, Address)|
           -> Result<U256> {
        let purpose = chain.view(pools, DataPools::purposeOfCall { poolId: pool_ids[pool] }).await?;
        let ask = Ask {
            mode,
            min: terms[pool].min,
            consumer: pools,
            purpose,
            recipient: people[person].address(),
            message: B256::ZERO,
            issuers: Some(&bureau),
        };
        let request = DeliveryRequest { key: keys[pool].public_key(), nonce: 1 };
        let (d, delivery): (PoolZkSBT::Disclosure, IDataPools::Delivery) =
            prove_delivery(chain, prover, id, request, &minted[person], trees, ask).await?;
        let nullifier = d.nullifier;
        let outcome =
            chain.send(from, pools, DataPools::stakeCall { poolId: pool_ids[pool], d, delivery }).await?;
        logs.add(&outcome);
        Ok(nullifier)
    };

    // pool 1 opens: alice anonymously (relayed by a watcher), bob directly
    chain.advance_time(start - chain.timestamp().await?).await?;
    let alice_1 = stake(chain, prover, &mut logs, (0, 0, Mode::Anonymous, watcher)).await?;
    let bob_1 = stake(chain, prover, &mut logs, (0, 1, Mode::Direct, bob)).await?;
    // pool 2 opens: bob (the same record, another pool) anonymously, carol directly
    chain.advance_time(terms[1].start - chain.timestamp().await?).await?;
    let bob_2 = stake(chain, prover, &mut logs, (1, 1, Mode::Anonymous, watcher)).await?;
    let carol_2 = stake(chain, prover, &mut logs, (1, 2, Mode::Direct, carol)).await?;

    // alice leaves pool 1 early; carol claims from pool 2
    chain.advance_time(200).await?;
    let call = DataPools::unstakeCall { poolId: pool_ids[0], nullifier: alice_1 };
    let outcome = chain.send(alice, pools, call).await?;
    logs.add(&outcome);
    let outcome =
        chain.send(carol, pools, DataPools::claimCall { poolId: pool_ids[1], nullifier: carol_2 }).await?;
    logs.add(&outcome);

    // carol sells developer A a pass: one use delivered, then revoked, the rest refunded
    let domain = access_passes_domain(chain.chain_id(), passes);
    let now = chain.timestamp().await?;
    let offer =
        |owner: usize, developer: usize, upfront: u128, per_use: u128, nonce: u64| IAccessPasses::Offer {
            owner: people[owner].address(),
            tokenId: minted[owner].token,
            developer: developers[developer].address(),
            token: id.masa,
            upfrontPrice: upfront,
            perUsePrice: per_use,
            validFrom: now,
            validUntil: now + 3_600,
            maxUses: 2,
            purpose: B256::repeat_byte(7),
            deliveryKeyX: keys[developer].public_key().to_words()[0],
            deliveryKeyY: keys[developer].public_key().to_words()[1],
            terms: Address::ZERO,
            nonce: U256::from(nonce),
            deadline: U256::from(now + 600),
        };
    let offers =
        [(2, offer(2, 0, 5 * 10u128.pow(18), 10u128.pow(18), 1)), (1, offer(1, 1, 0, 3 * 10u128.pow(18), 1))];
    let mut pass_ids = Vec::new();
    for (owner, o) in &offers {
        let total = U256::from(o.upfrontPrice) + U256::from(o.perUsePrice) * U256::from(o.maxUses);
        chain.send(o.developer, id.masa, MasaToken::approveCall { spender: passes, value: total }).await?;
        let call =
            AccessPasses::acceptCall { offer: o.clone(), signature: sign_offer(people[*owner], o, &domain) };
        let outcome = chain.send(o.developer, passes, call).await?;
        pass_ids.push(event::<AccessPasses::PassAccepted, C>(chain, &outcome.logs)?.passId);
    }
    let [sold, idle] = [pass_ids[0], pass_ids[1]];
    chain.send(dev_a, passes, AccessPasses::requestUseCall { passId: sold }).await?;
    let use_index = U256::ZERO;
    let ask = Ask {
        mode: Mode::Direct,
        min: 0,
        consumer: passes,
        purpose: chain.view(passes, AccessPasses::purposeOfCall { passId: sold }).await?,
        recipient: carol,
        message: chain
            .view(passes, AccessPasses::useMessageOfCall { passId: sold, useIndex: use_index })
            .await?,
        issuers: None,
    };
    let nonce =
        chain.view(passes, AccessPasses::deliveryNonceOfCall { passId: sold, useIndex: use_index }).await?;
    let request = DeliveryRequest { key: keys[0].public_key(), nonce: nonce.to() };
    let (d, delivery): (PassZkSBT::Disclosure, IAccessPasses::Delivery) =
        prove_delivery(chain, prover, id, request, &minted[2], trees, ask).await?;
    let outcome = chain.send(carol, passes, AccessPasses::deliverCall { passId: sold, d, delivery }).await?;
    logs.add(&outcome);
    chain.send(dev_a, passes, AccessPasses::requestUseCall { passId: sold }).await?;
    chain.send(carol, passes, AccessPasses::revokeCall { passId: sold }).await?;
    chain.send(dev_a, passes, AccessPasses::closeCall { passId: sold }).await?;

    // both pools end and the idle pass expires; everyone leaves, the developers take the rest
    let idle_closable = now + 3_600 + DELIVERY_GRACE;
    let last = (terms[1].start + terms[1].duration).max(idle_closable);
    chain.advance_time(last + 1 - chain.timestamp().await?).await?;
    for (pool, nullifier, recipient) in [(0, bob_1, bob), (1, bob_2, bob), (1, carol_2, carol)] {
        let call = DataPools::unstakeCall { poolId: pool_ids[pool], nullifier };
        let outcome = chain.send(recipient, pools, call).await?;
        logs.add(&outcome);
    }
    for (pool, developer) in pool_ids.into_iter().zip([dev_a, dev_b]) {
        if chain.view(pools, DataPools::refundableCall { poolId: pool }).await? > U256::ZERO {
            chain.send(developer, pools, DataPools::refundCall { poolId: pool }).await?;
        }
    }
    chain.send(watcher, passes, AccessPasses::closeCall { passId: idle }).await?;

    // the datasets: every delivery checked against the recorded logs, written, read back
    let dir = tempfile::tempdir().map_err(|e| expectation(chain, e.to_string()))?;
    let mut exported = Exported::default();
    let record = |person: usize| minted[person].record.values;
    let expected: [Vec<[u64; 8]>; 2] = [vec![record(0), record(1)], vec![record(1), record(2)]];
    for (i, &pool) in pool_ids.iter().enumerate() {
        let info = PoolInfo {
            id: pool,
            pool: chain.view(pools, DataPools::poolCall { poolId: pool }).await?,
            refundable: U256::ZERO,
        };
        let verified = dataset::pools::verify(&info, &logs.pool(pool)?, &keys[i], |_| {});
        chain
            .ensure(verified.refused.is_empty(), || format!("pool {pool} refused {:?}", verified.refused))?;
        let rows = written(chain, dir.path(), &format!("pool-{pool}"), &verified)?;
        exported.rows[i] = rows.len();
        chain.ensure_eq("a pool's dataset = its stakers' records", rows, expected[i].clone())?;
        if i == 0 {
            // alice left early: the developer sees from which block its access to her ended
            let left = verified.rows.iter().find(|r| r.provenance.recipient == Some(alice));
            chain.ensure(left.is_some_and(|r| r.provenance.unstaked_block.is_some()), || {
                "alice's row does not say she left".into()
            })?;
            // developer A's key opens nothing of developer B's pool
            let other = chain.view(pools, DataPools::poolCall { poolId: pool_ids[1] }).await?;
            let info = PoolInfo { id: pool_ids[1], pool: other, refundable: U256::ZERO };
            let foreign = dataset::pools::verify(&info, &logs.pool(pool_ids[1])?, &keys[0], |_| {});
            chain.ensure_eq(
                "another developer's key opens nothing",
                (foreign.rows.len(), foreign.refused.len()),
                (0, 2),
            )?;
        }
    }
    let pass = chain.view(passes, AccessPasses::passCall { passId: sold }).await?;
    let verified = dataset::passes::verify(sold, &pass, &logs.pass(sold)?, &keys[0], |_| {});
    let rows = written(chain, dir.path(), &format!("pass-{sold}"), &verified)?;
    chain.ensure_eq("the pass's dataset = carol's record", rows, vec![record(2)])?;
    exported.rows[2] = 1;

    // every wei
    let end_balances = balances(chain, id.masa, [dev_a, dev_b, alice, bob, carol]).await?;
    for (i, &pool) in pool_ids.iter().enumerate() {
        let p = chain.view(pools, DataPools::poolCall { poolId: pool }).await?;
        chain.ensure_eq("a pool's paid + refunded = funded", p.paid + p.refunded, p.funded)?;
        let claimed = logs.claimed(pool);
        chain.ensure_eq("a pool's claims = its paid", claimed, U256::from(p.paid))?;
        chain.ensure(i == 1 || claimed > U256::ZERO, || "pool 1 paid nothing".into())?;
    }
    let mut pass_income: HashMap<Address, U256> = HashMap::new();
    for passed in [sold, idle] {
        let p = chain.view(passes, AccessPasses::passCall { passId: passed }).await?;
        *pass_income.entry(p.owner).or_default() += U256::from(p.ownerPaid);
        fees += U256::from(p.fees);
        let paid = U256::from(p.upfrontPrice) + U256::from(p.perUsePrice) * U256::from(p.maxUses);
        let accounted =
            U256::from(p.ownerPaid) + U256::from(p.fees) + U256::from(p.escrow) + U256::from(p.refunded);
        chain.ensure_eq("a pass's paid = owner paid + fees + escrow + refunded", accounted, paid)?;
    }
    chain.ensure_eq(
        "carol's pass income: 4.95 + 0.99",
        pass_income[&carol],
        MASA * U256::from(594) / U256::from(100),
    )?;
    let mut received = U256::ZERO;
    for (i, person) in [alice, bob, carol].into_iter().enumerate() {
        let income = end_balances[2 + i] - start_balances[2 + i];
        let expected = logs.claimed_by(person) + pass_income.get(&person).copied().unwrap_or_default();
        chain.ensure_eq("a person's income = rewards claimed + pass payments", income, expected)?;
        exported.income[i] = income;
        received += income;
    }
    let spent = (start_balances[0] - end_balances[0]) + (start_balances[1] - end_balances[1]);
    chain.ensure_eq("the developers' spending = the people's income + the fees", spent, received + fees)?;
    chain.ensure_eq("the pools hold nothing", balance(chain, pools).await?, U256::ZERO)?;
    chain.ensure_eq("the passes hold nothing", balance(chain, passes).await?, U256::ZERO)?;
    Ok(exported)
}

/// The logs of the pools' and passes' transactions, as an RPC node returns them (the scenario's
/// chains mine one transaction per block, so a log's index in its transaction is its index in
/// the block).
#[derive(Debug, Default)]
struct Logs(Vec<Log>);

impl Logs {
    fn add(&mut self, outcome: &TxOutcome) {
        self.0.extend(outcome.logs.iter().enumerate().map(|(i, log)| Log {
            inner: log.clone(),
            block_hash: Some(outcome.block_hash),
            block_number: Some(outcome.block_number),
            transaction_hash: Some(outcome.tx_hash),
            log_index: Some(i as u64),
            ..Log::default()
        }));
    }

    /// Pool `id`'s stakes and deliveries, as `PoolsClient::deliveries` collects them.
    fn pool(&self, id: U256) -> Result<Deliveries> {
        let mut out = Deliveries::default();
        for log in self.0.iter().filter(|log| log.topics().get(1) == Some(&B256::from(id))) {
            if [
                DataPools::Delivered::SIGNATURE_HASH,
                DataPools::Staked::SIGNATURE_HASH,
                DataPools::Unstaked::SIGNATURE_HASH,
            ]
            .contains(&log.topics()[0])
            {
                out.record(log).map_err(|message| Error::Expectation { chain: "logs", message })?;
            }
        }
        Ok(out)
    }

    /// Pass `id`'s deliveries, as `PassesClient::deliveries` collects them.
    fn pass(&self, id: U256) -> Result<Vec<PassDelivery>> {
        self.0
            .iter()
            .filter(|log| log.topics().first() == Some(&AccessPasses::UseDelivered::SIGNATURE_HASH))
            .filter(|log| log.topics().get(1) == Some(&B256::from(id)))
            .map(|log| {
                PassDelivery::from_log(log).map_err(|message| Error::Expectation { chain: "logs", message })
            })
            .collect()
    }

    /// What pool `id`'s `Claimed` events paid.
    fn claimed(&self, id: U256) -> U256 {
        self.claims().filter(|c| c.poolId == id).map(|c| c.amount).sum()
    }

    /// What every `Claimed` event paid `recipient`.
    fn claimed_by(&self, recipient: Address) -> U256 {
        self.claims().filter(|c| c.recipient == recipient).map(|c| c.amount).sum()
    }

    fn claims(&self) -> impl Iterator<Item = DataPools::Claimed> + '_ {
        self.0.iter().filter_map(|log| DataPools::Claimed::decode_log(&log.inner).ok().map(|l| l.data))
    }
}

/// MASA balances of `accounts`.
async fn balances<C: Chain, const N: usize>(
    chain: &C,
    masa: Address,
    accounts: [Address; N],
) -> Result<[U256; N]> {
    let mut out = [U256::ZERO; N];
    for (slot, account) in out.iter_mut().zip(accounts) {
        *slot = chain.view(masa, MasaToken::balanceOfCall { account }).await?;
    }
    Ok(out)
}

/// Writes `verified` as `<stem>.jsonl` and `.parquet` in `dir` with the schema's field names, and
/// reads the JSONL back: each row's record values, in order (the 3 named fields and 5 zeros).
fn written<C: Chain, P: Provenance>(
    chain: &C,
    dir: &std::path::Path,
    stem: &str,
    verified: &Verified<P>,
) -> Result<Vec<[u64; 8]>> {
    let names = FIELDS.map(String::from);
    let fail = |e: &dyn std::fmt::Display| expectation(chain, format!("{stem}: {e}"));
    let columns = dataset::columns(&names, &verified.rows).map_err(|e| fail(&e))?;
    let files = dataset::write(dir, stem, verified, &columns).map_err(|e| fail(&e))?;
    chain.ensure(files.parquet.exists(), || format!("{stem}: no Parquet file"))?;
    let text = std::fs::read_to_string(&files.jsonl).map_err(|e| fail(&e))?;
    let mut rows = Vec::new();
    for line in text.lines() {
        let row: serde_json::Value = serde_json::from_str(line).map_err(|e| fail(&e))?;
        let mut values = [0u64; 8];
        for (slot, name) in values.iter_mut().zip(FIELDS) {
            *slot = row[name].as_u64().ok_or_else(|| fail(&format!("no {name} in {line}")))?;
        }
        rows.push(values);
    }
    Ok(rows)
}

fn expectation<C: Chain>(chain: &C, message: String) -> Error {
    Error::Expectation { chain: chain.name(), message }
}
