//! The oracle network's client: an operator registers its node (the node key signs the
//! registration), stakes, unbonds, claims its stake, withdraws the fees its node earned and
//! claims its rewards; a consumer posts data requests and reads their results; anyone sends a
//! fulfilment (k node signatures) or refunds an expired request. `masa node` and
//! `masa request` are this module with arguments and printing, and the `masa-oracle` node
//! signs and sends its answers through it.
//!
//! A node's answer is its key's EIP-712 signature of `Result(requestId, resultHash, configHash)`
//! in `OracleNodes`' domain ([`sign_result`]): `OracleRequests` counts it, and two different
//! ones for one request are the equivocation `OracleNodes` slashes.
//!
//! ```no_run
//! # async fn example(target: masa_sdk::target::Target, wallet: alloy::signers::local::PrivateKeySigner)
//! #   -> Result<(), masa_sdk::oracle::Error> {
//! use masa_sdk::oracle::{OracleClient, RequestSpec};
//!
//! let oracle = OracleClient::connect(&target, wallet)?;
//! let posted = oracle
//!     .post(&RequestSpec::new("web:v1", "https://example.org", "1".parse().unwrap(), 2, 3_600))
//!     .await?;
//! println!("request {} posted", posted.request);
//! # Ok(()) }
//! ```

mod error;

pub use error::Error;
/// A request as the chain holds it.
pub use masa_bindings::contracts::IOracleRequests::Request;

use crate::{
    target::Target,
    tx::{self, Call},
};
use alloy::{
    primitives::{Address, B256, Bytes, U256, keccak256},
    providers::{DynProvider, Provider},
    signers::{SignerSync, local::PrivateKeySigner},
    sol_types::SolStruct,
};
use masa_bindings::{
    Contract,
    contracts::{IOracleRequests, OracleNodes, OracleRequests, OracleRewards, oracle::IOracleNodes},
    eip712::{Registration, oracle_nodes_domain},
    manifest::Manifest,
};

/// A request to post.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestSpec {
    /// The job type's word (`keccak256` of its name: [`job_type`]).
    pub job_type: B256,
    /// The job's parameters (a URL for `web:v1`, a prompt for `llm:v1`): posted as the URI,
    /// their keccak256 as the parameters' hash.
    pub params: String,
    /// MASA (wei) paid to the agreeing nodes.
    pub fee: U256,
    /// Agreeing active nodes needed.
    pub quorum: u8,
    /// Seconds from the latest block to the deadline.
    pub ttl_secs: u64,
}

impl RequestSpec {
    /// A request of job `job` (its name, e.g. `web:v1`) with `params`.
    pub fn new(job: &str, params: &str, fee: U256, quorum: u8, ttl_secs: u64) -> Self {
        Self { job_type: job_type(job), params: params.to_owned(), fee, quorum, ttl_secs }
    }
}

/// Where a request stands (`IOracleRequests.Status`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// No such request.
    None,
    /// Waiting for a quorum, until its deadline.
    Open,
    /// Answered: its result is on-chain.
    Finalized,
    /// Expired without a quorum; its fee went back to its consumer.
    Refunded,
}

impl Status {
    /// Where `request` stands.
    pub fn of(request: &Request) -> Self {
        match request.status {
            1 => Self::Open,
            2 => Self::Finalized,
            3 => Self::Refunded,
            _ => Self::None,
        }
    }

    /// The status in one word.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::Open => "open",
            Self::Finalized => "finalized",
            Self::Refunded => "refunded",
        }
    }
}

/// A posted request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Posted {
    /// Its id.
    pub request: U256,
    /// Its deadline.
    pub deadline: u64,
    /// The transaction.
    pub tx_hash: B256,
}

/// A node as the chain holds it, with what its operator may take.
#[derive(Debug, Clone)]
pub struct NodeInfo {
    /// The operator.
    pub operator: Address,
    /// The registry's record.
    pub node: IOracleNodes::Node,
    /// Its stake if active now, else zero (its weight in the rewards).
    pub active_stake: U256,
    /// Request fees earned and not withdrawn.
    pub fees: U256,
    /// Rewards claimable now.
    pub rewards: U256,
}

impl NodeInfo {
    /// Whether the node may answer and attest now.
    pub fn active(&self) -> bool {
        !self.active_stake.is_zero()
    }
}

/// One node's signed answer: its key's address and its signature of the `Result`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedResult {
    /// The node key.
    pub signer: Address,
    /// The answer.
    pub result: IOracleNodes::Result,
    /// The 65-byte signature.
    pub signature: Bytes,
}

/// A finalized request's outcome, from its `RequestFinalized` event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finalized {
    /// The operators paid.
    pub operators: Vec<Address>,
    /// Each one's share of the fee.
    pub share: U256,
    /// The transaction.
    pub tx_hash: B256,
    /// Its gas.
    pub gas_used: u64,
}

/// The word a job type's name is posted as: its keccak256.
pub fn job_type(name: &str) -> B256 {
    keccak256(name.as_bytes())
}

/// `key`'s EIP-712 signature of `result` in the domain of the registry at `nodes` on `chain_id`.
pub fn sign_result(
    key: &PrivateKeySigner,
    chain_id: u64,
    nodes: Address,
    result: IOracleNodes::Result,
) -> Result<SignedResult, Error> {
    let hash = result.eip712_signing_hash(&oracle_nodes_domain(chain_id, nodes));
    let signature = key.sign_hash_sync(&hash).map_err(|e| Error::Sign(e.to_string()))?;
    Ok(SignedResult { signer: key.address(), result, signature: signature.as_bytes().into() })
}

/// The node key that signed `result` with `signature` (65 bytes) in the domain of the registry
/// at `nodes` on `chain_id`; `None` when the signature does not parse or recover.
pub fn result_signer(
    chain_id: u64,
    nodes: Address,
    result: &IOracleNodes::Result,
    signature: &[u8],
) -> Option<Address> {
    let signature = alloy::primitives::Signature::try_from(signature).ok()?;
    let hash = result.eip712_signing_hash(&oracle_nodes_domain(chain_id, nodes));
    signature.recover_address_from_prehash(&hash).ok()
}

/// The `OracleRequests.fulfill` call finalizing a request with the agreeing `answers` (sorted
/// here by signer, as the contract wants them) and recording the `dissents` (sorted likewise).
pub fn fulfil_call(
    mut answers: Vec<SignedResult>,
    mut dissents: Vec<SignedResult>,
) -> OracleRequests::fulfillCall {
    answers.sort_by_key(|a| a.signer);
    dissents.sort_by_key(|d| d.signer);
    let agreed = answers.first().map(|a| a.result.clone()).unwrap_or(IOracleNodes::Result {
        requestId: U256::ZERO,
        resultHash: B256::ZERO,
        configHash: B256::ZERO,
    });
    OracleRequests::fulfillCall {
        requestId: agreed.requestId,
        resultHash: agreed.resultHash,
        configHash: agreed.configHash,
        signatures: answers.into_iter().map(|a| a.signature).collect(),
        dissents: dissents
            .into_iter()
            .map(|d| IOracleRequests::Dissent {
                resultHash: d.result.resultHash,
                configHash: d.result.configHash,
                signature: d.signature,
            })
            .collect(),
    }
}

/// The `OracleNodes.reportEquivocation` call proving that one node key signed both `a` and `b`
/// (two different results for one request): anyone may send it and is paid from the slash.
pub fn equivocation_call(a: SignedResult, b: SignedResult) -> OracleNodes::reportEquivocationCall {
    OracleNodes::reportEquivocationCall { a: a.result, sigA: a.signature, b: b.result, sigB: b.signature }
}

/// `function` of `contract`, as errors name it.
const fn call(contract: Contract, function: &'static str) -> Call {
    Call::new(contract, function)
}

/// The oracle network of a deployment, driven by one wallet (an operator's or a consumer's).
#[derive(Debug, Clone)]
pub struct OracleClient<P> {
    provider: P,
    wallet: PrivateKeySigner,
    chain_id: u64,
    nodes: Address,
    requests: Address,
    rewards: Address,
    masa: Address,
}

impl OracleClient<DynProvider> {
    /// The oracle network of `target`'s deployment, with `wallet` signing.
    pub fn connect(target: &Target, wallet: PrivateKeySigner) -> Result<Self, Error> {
        Self::new(tx::signing_provider(target.rpc_url.clone(), wallet.clone()), &target.manifest, wallet)
    }
}

impl<P: Provider> OracleClient<P> {
    /// The oracle network of `manifest`'s deployment over `provider`, which must sign for
    /// `wallet`.
    pub fn new(provider: P, manifest: &Manifest, wallet: PrivateKeySigner) -> Result<Self, Error> {
        Ok(Self {
            provider,
            wallet,
            chain_id: manifest.chain_id,
            nodes: manifest.address_of(Contract::OracleNodes)?,
            requests: manifest.address_of(Contract::OracleRequests)?,
            rewards: manifest.address_of(Contract::OracleRewards)?,
            masa: manifest.address_of(Contract::MasaToken)?,
        })
    }

    /// The wallet's address.
    pub fn wallet(&self) -> Address {
        self.wallet.address()
    }

    /// The node registry's address (the domain node keys sign in).
    pub const fn nodes_address(&self) -> Address {
        self.nodes
    }

    /// The chain id (the domain's).
    pub const fn chain_id(&self) -> u64 {
        self.chain_id
    }

    fn nodes(&self) -> OracleNodes::OracleNodesInstance<&P> {
        OracleNodes::new(self.nodes, &self.provider)
    }

    fn requests(&self) -> OracleRequests::OracleRequestsInstance<&P> {
        OracleRequests::new(self.requests, &self.provider)
    }

    fn rewards(&self) -> OracleRewards::OracleRewardsInstance<&P> {
        OracleRewards::new(self.rewards, &self.provider)
    }

    /// A failed view, as an error naming it.
    fn read(&self, contract: Contract, function: &'static str) -> impl Fn(alloy::contract::Error) -> Error {
        let address = match contract {
            Contract::OracleNodes => self.nodes,
            Contract::OracleRequests => self.requests,
            Contract::OracleRewards => self.rewards,
            _ => self.masa,
        };
        let read = tx::read(call(contract, function), address);
        move |e| read(e).into()
    }

    // ------------------------------------------------------------------ operators

    /// Registers the wallet's node: `node_key` signs the registration (valid `valid_secs`),
    /// the wallet sends it.
    pub async fn register(
        &self,
        node_key: &PrivateKeySigner,
        endpoint: &str,
        valid_secs: u64,
    ) -> Result<B256, Error> {
        let deadline = U256::from(self.now().await? + valid_secs);
        let registration = Registration { operator: self.wallet(), signer: node_key.address(), deadline };
        let hash = registration.eip712_signing_hash(&oracle_nodes_domain(self.chain_id, self.nodes));
        let signature = node_key.sign_hash_sync(&hash).map_err(|e| Error::Sign(e.to_string()))?;
        let nodes = self.nodes();
        let register =
            nodes.register(node_key.address(), endpoint.to_owned(), deadline, signature.as_bytes().into());
        Ok(tx::send(call(Contract::OracleNodes, "register"), register).await?.transaction_hash)
    }

    /// Stakes `amount` MASA for the wallet's node (approving exactly that first).
    pub async fn stake(&self, amount: U256) -> Result<B256, Error> {
        self.approve("staking", self.nodes, amount).await?;
        Ok(tx::send(call(Contract::OracleNodes, "stake"), self.nodes().stake(amount)).await?.transaction_hash)
    }

    /// Starts unbonding `amount` of the wallet's stake.
    pub async fn unbond(&self, amount: U256) -> Result<B256, Error> {
        Ok(tx::send(call(Contract::OracleNodes, "unbond"), self.nodes().unbond(amount))
            .await?
            .transaction_hash)
    }

    /// Withdraws the wallet's unbonded stake (within its claim window).
    pub async fn claim_stake(&self) -> Result<B256, Error> {
        Ok(tx::send(call(Contract::OracleNodes, "claim"), self.nodes().claim()).await?.transaction_hash)
    }

    /// Withdraws the request fees the wallet's node earned.
    pub async fn withdraw_fees(&self) -> Result<B256, Error> {
        let requests = self.requests();
        let withdraw = requests.withdraw();
        Ok(tx::send(call(Contract::OracleRequests, "withdraw"), withdraw).await?.transaction_hash)
    }

    /// Claims the wallet's node rewards.
    pub async fn claim_rewards(&self) -> Result<B256, Error> {
        Ok(tx::send(call(Contract::OracleRewards, "claim"), self.rewards().claim()).await?.transaction_hash)
    }

    /// Re-reads `operator`'s weight in the rewards (after a change that needed no transaction).
    pub async fn sync(&self, operator: Address) -> Result<B256, Error> {
        let rewards = self.rewards();
        let sync = rewards.sync(operator);
        Ok(tx::send(call(Contract::OracleRewards, "sync"), sync).await?.transaction_hash)
    }

    /// `operator`'s node, with its fees and rewards.
    pub async fn node(&self, operator: Address) -> Result<NodeInfo, Error> {
        let node =
            self.nodes().node(operator).call().await.map_err(self.read(Contract::OracleNodes, "node"))?;
        let active_stake = self
            .nodes()
            .activeStake(operator)
            .call()
            .await
            .map_err(self.read(Contract::OracleNodes, "activeStake"))?;
        let fees = self
            .requests()
            .earned(operator)
            .call()
            .await
            .map_err(self.read(Contract::OracleRequests, "earned"))?;
        let rewards = self
            .rewards()
            .claimable(operator)
            .call()
            .await
            .map_err(self.read(Contract::OracleRewards, "claimable"))?;
        Ok(NodeInfo { operator, node, active_stake, fees, rewards })
    }

    /// The operator whose node signs with `signer` (zero when none).
    pub async fn operator_of(&self, signer: Address) -> Result<Address, Error> {
        self.nodes().operatorOf(signer).call().await.map_err(self.read(Contract::OracleNodes, "operatorOf"))
    }

    // ------------------------------------------------------------------ requests

    /// Posts `spec` (approving exactly its fee first).
    pub async fn post(&self, spec: &RequestSpec) -> Result<Posted, Error> {
        let deadline = self.now().await? + spec.ttl_secs;
        if !spec.fee.is_zero() {
            self.approve("the request's fee", self.requests, spec.fee).await?;
        }
        let requests = self.requests();
        let post = requests.post(
            spec.job_type,
            keccak256(spec.params.as_bytes()),
            spec.params.clone(),
            spec.fee,
            spec.quorum,
            deadline,
        );
        let receipt = tx::send(call(Contract::OracleRequests, "post"), post).await?;
        let posted = tx::first_event::<OracleRequests::RequestPosted>(receipt.logs())
            .ok_or(Error::MissingEvent { event: "RequestPosted", tx_hash: receipt.transaction_hash })?;
        Ok(Posted { request: posted.requestId, deadline, tx_hash: receipt.transaction_hash })
    }

    /// The number of requests (ids `1..=count`).
    pub async fn request_count(&self) -> Result<U256, Error> {
        self.requests()
            .requestCount()
            .call()
            .await
            .map_err(self.read(Contract::OracleRequests, "requestCount"))
    }

    /// Request `id`, refused when it does not exist.
    pub async fn request(&self, id: U256) -> Result<IOracleRequests::Request, Error> {
        let count = self.request_count().await?;
        if id.is_zero() || id > count {
            return Err(Error::UnknownRequest { request: id, count });
        }
        self.requests().request(id).call().await.map_err(self.read(Contract::OracleRequests, "request"))
    }

    /// Finalizes a request with the agreeing `answers` and records the `dissents`, in one
    /// transaction ([`fulfil_call`]).
    pub async fn fulfill(
        &self,
        answers: Vec<SignedResult>,
        dissents: Vec<SignedResult>,
    ) -> Result<Finalized, Error> {
        let requests = self.requests();
        let fulfill = requests.call_builder(&fulfil_call(answers, dissents));
        let receipt = tx::send(call(Contract::OracleRequests, "fulfill"), fulfill).await?;
        let done = tx::first_event::<OracleRequests::RequestFinalized>(receipt.logs())
            .ok_or(Error::MissingEvent { event: "RequestFinalized", tx_hash: receipt.transaction_hash })?;
        Ok(Finalized {
            operators: done.operators,
            share: done.share,
            tx_hash: receipt.transaction_hash,
            gas_used: receipt.gas_used,
        })
    }

    /// Refunds an expired, unfinalized request to its consumer.
    pub async fn refund(&self, id: U256) -> Result<B256, Error> {
        Ok(tx::send(call(Contract::OracleRequests, "refund"), self.requests().refund(id))
            .await?
            .transaction_hash)
    }

    /// `key`'s signature of `result` for this deployment's registry.
    pub fn sign(&self, key: &PrivateKeySigner, result: IOracleNodes::Result) -> Result<SignedResult, Error> {
        sign_result(key, self.chain_id, self.nodes, result)
    }

    // ------------------------------------------------------------------ helpers

    /// Approves `spender` for exactly `amount` MASA, after checking the wallet holds it.
    async fn approve(&self, what: &'static str, spender: Address, amount: U256) -> Result<(), Error> {
        let masa = tx::Token::Masa(self.masa);
        Ok(tx::approve_exactly(&self.provider, masa, what, self.wallet(), spender, amount).await?)
    }

    async fn now(&self) -> Result<u64, Error> {
        Ok(tx::latest_timestamp(&self.provider).await.map_err(tx::rpc("eth_getBlockByNumber"))?)
    }
}
