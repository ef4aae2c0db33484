//! Access passes end to end, with real Groth16 proofs of the delivery circuit: alice, holding an
//! attested credit score, signs two offers (no transaction). The first developer accepts the
//! first (10 MASA now, 2 MASA per use, 3 uses) and asks for a use; a watcher relays alice's
//! delivery (she is paid all the same), the developer opens it into alice's record; a delivery
//! of the same proof again, or for a use nobody asked for, is refused; alice revokes and the
//! developer closes the pass for the unused escrow. The second developer accepts the second offer
//! (per-use only) and never asks: after the validity and the delivery grace the pass is closed
//! and its escrow refunded. Every wei is accounted for: paid by each developer = alice's income +
//! fees + refunds, and the passes contract ends empty.

use crate::{
    Chain, ChainExt, Error, Expect, Result,
    scenarios::{
        pools::prove_delivery,
        zksbt::{self, Ask, CREDIT, CREDIT_LIFETIME, Identity, REGISTRY},
    },
};
use alloy::{
    primitives::{Address, B256, Bytes, U256},
    signers::{SignerSync, local::PrivateKeySigner},
    sol_types::{Eip712Domain, SolEvent, SolStruct},
};
use masa_bindings::{
    Contract, MASA,
    contracts::{
        AccessPasses, MasaToken,
        access::{IAccessPasses, IZkSBT},
    },
    eip712::access_passes_domain,
};
use masa_prover::{
    DeliveryRequest, Prover, delivery::DeliverySecretKey, encryption::OwnerKeys, merkle::Trees,
    statement::Mode,
};
use masa_sdk::{
    deploy::{
        Deployer,
        access::{self, PassesInit},
        params::PassesParams,
        pools::{self, PoolsInit},
    },
    pools::open,
};

/// The protocol fee of the scenario: 1% of every payment to the owner.
const FEE_BPS: u16 = 100;
/// Seconds a pass is valid for.
const VALIDITY: u64 = 3_600;
/// `AccessPasses.DELIVERY_GRACE`.
const DELIVERY_GRACE: u64 = 86_400;

/// Gas of the pass operations, with a real proof.
#[derive(Debug, Clone, Default)]
pub struct GasReport {
    /// `accept` (signature checked, upfront price paid less the fee through the fee router,
    /// per-use prices escrowed).
    pub accept: u64,
    /// `requestUse` (no terms contract).
    pub request_use: u64,
    /// `deliver` with its delivery proof (one use's price released less the fee).
    pub deliver: u64,
    /// `close` of a revoked pass (its unused escrow refunded).
    pub close: u64,
}

/// The story on any chain; `prover` proves the delivery circuit with the key its generated
/// verifier was made from.
pub async fn buy_use_revoke_expire<C: Chain>(chain: &mut C, prover: &mut Prover) -> Result<GasReport> {
    let signers: Vec<PrivateKeySigner> = chain.accounts().to_vec();
    let [admin, relayer, first, second, watcher] = [0, 1, 2, 3, 4].map(|i| signers[i].address());
    let (alice, issuer) = (&signers[5], &signers[7]);
    let Market { id, passes, .. } = deploy(chain, admin, issuer.address()).await?;
    let mut gas = GasReport::default();
    let balance = async |chain: &C, account| chain.view(id.masa, MasaToken::balanceOfCall { account }).await;

    // the bureau attests alice's credit score
    let trees = &mut Trees::new();
    let keys = OwnerKeys::derive(&alice.to_bytes().0);
    let now = chain.timestamp().await?;
    let mut record = keys.new_record(U256::from(CREDIT), [742, now, 840, 0, 0, 0, 0, 0]);
    record.expiry = now + CREDIT_LIFETIME;
    let (minted, _) = zksbt::mint(chain, id, relayer, alice, &keys, &record, Some(issuer), trees).await?;

    // alice signs two offers; each developer gets MASA and approves exactly its offer's total
    let key = DeliverySecretKey::generate();
    let now = chain.timestamp().await?;
    let offer = |developer, upfront: u128, nonce: u64| IAccessPasses::Offer {
        owner: alice.address(),
        tokenId: minted.token,
        developer,
        token: id.masa,
        upfrontPrice: upfront,
        perUsePrice: 2 * 10u128.pow(18),
        validFrom: now,
        validUntil: now + VALIDITY,
        maxUses: 3,
        purpose: B256::repeat_byte(7),
        deliveryKeyX: key.public_key().to_words()[0],
        deliveryKeyY: key.public_key().to_words()[1],
        terms: Address::ZERO,
        nonce: U256::from(nonce),
        deadline: U256::from(now + 600),
    };
    let offers = [offer(first, 10 * 10u128.pow(18), 1), offer(second, 0, 2)];
    let domain = access_passes_domain(chain.chain_id(), passes);
    let sign = |o: &IAccessPasses::Offer| sign_offer(alice, o, &domain);
    let alice_before = balance(chain, alice.address()).await?;
    let mut ids = Vec::new();
    for o in &offers {
        let total = U256::from(o.upfrontPrice) + U256::from(o.perUsePrice) * U256::from(o.maxUses);
        chain.send(admin, id.masa, MasaToken::transferCall { to: o.developer, value: total }).await?;
        chain.send(o.developer, id.masa, MasaToken::approveCall { spender: passes, value: total }).await?;
        let call = AccessPasses::acceptCall { offer: o.clone(), signature: sign(o) };
        // nobody but the named developer accepts an offer
        chain
            .expect_revert::<AccessPasses::AccessPasses__NotOfferedDeveloper, _>(
                watcher,
                passes,
                call.clone(),
            )
            .await?;
        let outcome = chain.send(o.developer, passes, call).await?;
        if ids.is_empty() {
            gas.accept = outcome.gas_used;
        }
        let accepted = event::<AccessPasses::PassAccepted, C>(chain, &outcome.logs)?;
        ids.push(accepted.passId);
    }
    let [pass, idle] = [ids[0], ids[1]];
    chain.ensure_eq(
        "alice is paid the upfront price less the fee at accept",
        balance(chain, alice.address()).await? - alice_before,
        MASA * U256::from(99) / U256::from(10),
    )?;

    // the first developer asks for a use; a watcher relays alice's delivery
    gas.request_use =
        chain.send(first, passes, AccessPasses::requestUseCall { passId: pass }).await?.gas_used;
    let use_index = U256::ZERO;
    let purpose = chain.view(passes, AccessPasses::purposeOfCall { passId: pass }).await?;
    let message =
        chain.view(passes, AccessPasses::useMessageOfCall { passId: pass, useIndex: use_index }).await?;
    let nonce =
        chain.view(passes, AccessPasses::deliveryNonceOfCall { passId: pass, useIndex: use_index }).await?;
    let ask = Ask {
        mode: Mode::Direct,
        min: 0,
        consumer: passes,
        purpose,
        recipient: alice.address(),
        message,
        issuers: None,
    };
    let request = DeliveryRequest { key: key.public_key(), nonce: nonce.to() };
    let (d, delivery): (IZkSBT::Disclosure, IAccessPasses::Delivery) =
        prove_delivery(chain, prover, id, request, &minted, trees, ask).await?;
    let call = AccessPasses::deliverCall { passId: pass, d, delivery };
    let outcome = chain.send(watcher, passes, call.clone()).await?;
    gas.deliver = outcome.gas_used;
    let delivered = event::<AccessPasses::UseDelivered, C>(chain, &outcome.logs)?;
    let values = open(&key, &delivered.delivery)
        .map_err(|e| Error::Expectation { chain: chain.name(), message: e.to_string() })?;
    chain.ensure_eq("the developer opens alice's record", values, record.values.map(U256::from))?;
    // the same delivery again is for a use nobody asked for
    let again: AccessPasses::AccessPasses__NoPendingUse =
        chain.expect_revert(watcher, passes, call.clone()).await?;
    chain.ensure_eq("no second delivery of one use", again.requested, U256::from(1))?;
    // asked again, the old proof is bound to use 0, not use 1
    chain.send(first, passes, AccessPasses::requestUseCall { passId: pass }).await?;
    chain.expect_revert::<AccessPasses::AccessPasses__MessageMismatch, _>(watcher, passes, call).await?;

    // alice revokes; the first developer closes: the two unused uses come back
    chain.send(alice.address(), passes, AccessPasses::revokeCall { passId: pass }).await?;
    let first_before = balance(chain, first).await?;
    let outcome = chain.send(first, passes, AccessPasses::closeCall { passId: pass }).await?;
    gas.close = outcome.gas_used;
    chain.ensure_eq(
        "two uses refunded",
        balance(chain, first).await? - first_before,
        MASA * U256::from(4),
    )?;

    // the idle pass expires: after the grace, anyone closes it for its developer
    let closable = now + VALIDITY + DELIVERY_GRACE;
    chain
        .expect_revert::<AccessPasses::AccessPasses__NotClosable, _>(
            watcher,
            passes,
            AccessPasses::closeCall { passId: idle },
        )
        .await?;
    chain.advance_time(closable + 1 - chain.timestamp().await?).await?;
    chain.send(watcher, passes, AccessPasses::closeCall { passId: idle }).await?;
    chain.ensure_eq("the idle pass's escrow is back", balance(chain, second).await?, MASA * U256::from(6))?;

    // every wei: alice got 9.9 + 1.98; the fees are 0.1 + 0.02; the rest came back
    let income = balance(chain, alice.address()).await? - alice_before;
    chain.ensure_eq("alice's income", income, MASA * U256::from(1188) / U256::from(100))?;
    chain.ensure_eq("the passes hold nothing", balance(chain, passes).await?, U256::ZERO)?;
    for id in [pass, idle] {
        let p = chain.view(passes, AccessPasses::passCall { passId: id }).await?;
        let paid = U256::from(p.upfrontPrice) + U256::from(p.perUsePrice) * U256::from(p.maxUses);
        let accounted =
            U256::from(p.ownerPaid) + U256::from(p.fees) + U256::from(p.escrow) + U256::from(p.refunded);
        chain.ensure_eq("paid = owner paid + fees + escrow + refunded", accounted, paid)?;
    }
    Ok(gas)
}

/// The identity contracts, the pools and the passes, as `masa deploy` wires them (fees of 1%).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Market {
    pub(crate) id: Identity,
    pub(crate) pools: Address,
    pub(crate) passes: Address,
}

/// Deploys the [`Market`], owned by `admin`, with `issuer` attesting credit scores.
pub(crate) async fn deploy<C: Chain>(chain: &mut C, admin: Address, issuer: Address) -> Result<Market> {
    let id = zksbt::deploy(chain, admin, issuer, REGISTRY).await?;
    let mut run = Deployer::new(chain, admin);
    let init = PoolsInit { sbt: id.sbt, fee_router: id.fee_router, owner: admin, create_fee_bps: FEE_BPS };
    let pools = pools::deploy(&mut run, init).await?;
    let delivery_verifier = run.address_of(Contract::DeliveryVerifier).expect("the pools deployed it");
    let params = PassesParams { fee_bps: FEE_BPS, rate_limit_uses: 3, rate_limit_period_secs: 86_400 };
    let init = PassesInit { sbt: id.sbt, delivery_verifier, fee_router: id.fee_router, owner: admin, params };
    let passes = access::deploy(&mut run, init).await?;
    Ok(Market { id, pools, passes })
}

/// `owner`'s EIP-712 signature of `offer` (65 bytes).
pub(crate) fn sign_offer(
    owner: &PrivateKeySigner,
    offer: &IAccessPasses::Offer,
    domain: &Eip712Domain,
) -> Bytes {
    let signature = owner.sign_hash_sync(&offer.eip712_signing_hash(domain)).expect("local signing");
    signature.as_bytes().to_vec().into()
}

/// The first `E` among `logs`.
pub(crate) fn event<E: SolEvent, C: Chain>(chain: &C, logs: &[alloy::primitives::Log]) -> Result<E> {
    logs.iter().find_map(|log| E::decode_log(log).ok().map(|l| l.data)).ok_or_else(|| Error::Expectation {
        chain: chain.name(),
        message: format!("no {} event", E::SIGNATURE),
    })
}
