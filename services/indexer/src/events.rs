//! The suite's events as Rust types: a log of a suite contract, decoded with the event enum that
//! `sol!` generated for that contract from its Foundry artifact (`MasaToken::MasaTokenEvents`,
//! `ZkSBT::ZkSBTEvents`, ...). The derive layer matches on these types, so an event or an
//! argument renamed in Solidity is a compile error in the indexer, not a silent miss; and so is a
//! contract added to [`Contract`], until it is listed here.

use alloy::{
    primitives::{B256, LogData},
    sol_types::SolEventInterface,
};
use masa_bindings::{Contract, contracts};

/// The name stored for a log that decodes as none of its contract's events.
pub const UNKNOWN: &str = "unknown";

/// Why a log is not a [`SuiteEvent`]. Such a log is still indexed, raw, as an `unknown` event.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EventError {
    /// The contract's events are not bound (it has none, or its bindings are not the suite's
    /// artifacts, like Uniswap's contracts).
    #[error("{0} has no bound events: its logs are kept raw")]
    NotBound(Contract),
    /// The log matches none of the contract's events.
    #[error("{contract}: a log with topic 0 {} is none of its events: {reason}", topic0_text(topic0))]
    Undecodable {
        /// The emitting contract.
        contract: Contract,
        /// The log's first topic (an event's selector), if it has one.
        topic0: Option<B256>,
        /// What the decoder said.
        reason: String,
    },
}

fn topic0_text(topic0: &Option<B256>) -> String {
    topic0.map_or_else(|| "(none)".to_owned(), |t| t.to_string())
}

/// Declares [`SuiteEvent`] over the contracts with bound events (each with its generated
/// `*Events` enum) and the contracts whose logs are kept raw: the two lists together must name
/// every [`Contract`] (the matches are exhaustive).
macro_rules! suite_events {
    (
        bound { $($(#[$doc:meta])* $contract:ident => $events:ident,)* }
        raw { $($raw:ident),* $(,)? }
    ) => {
        /// An event of a suite contract, decoded with that contract's generated event enum.
        // Variants differ in size (a zkSBT disclosure carries a dozen words): events are decoded
        // one log at a time and dropped once derived, and boxing would allocate for each.
        #[allow(clippy::large_enum_variant)]
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub enum SuiteEvent {
            $($(#[$doc])* $contract(contracts::$contract::$events),)*
        }

        impl SuiteEvent {
            /// Decodes a log of `contract` (its topics and data, as emitted).
            pub fn decode(contract: Contract, log: &LogData) -> Result<Self, EventError> {
                let (topics, data) = (log.topics(), &log.data[..]);
                let decoded = match contract {
                    $(Contract::$contract => {
                        contracts::$contract::$events::decode_raw_log(topics, data).map(Self::$contract)
                    })*
                    $(Contract::$raw)|* => return Err(EventError::NotBound(contract)),
                };
                decoded.map_err(|e| EventError::Undecodable {
                    contract,
                    topic0: topics.first().copied(),
                    reason: e.to_string(),
                })
            }

            /// The contract that emitted it.
            pub fn contract(&self) -> Contract {
                match self {
                    $(Self::$contract(_) => Contract::$contract,)*
                }
            }
        }

        /// The name of `contract`'s event whose selector (topic 0) is `selector`, if it has one.
        pub fn event_name(contract: Contract, selector: B256) -> Option<&'static str> {
            match contract {
                $(Contract::$contract => contracts::$contract::$events::name_by_selector(selector.0),)*
                $(Contract::$raw)|* => None,
            }
        }
    };
}

suite_events! {
    bound {
        /// The MASA token.
        MasaToken => MasaTokenEvents,
        /// The timelock.
        TimelockController => TimelockControllerEvents,
        /// The DAO governor.
        MasaGovernor => MasaGovernorEvents,
        /// A vesting wallet (each genesis clone).
        MasaVestingWallet => MasaVestingWalletEvents,
        /// The genesis distributor.
        MasaGenesis => MasaGenesisEvents,
        /// The fee router.
        FeeRouter => FeeRouterEvents,
        /// zkSBT schemas and issuers.
        IssuerRegistry => IssuerRegistryEvents,
        /// The zkSBT registry.
        ZkSBT => ZkSBTEvents,
        /// The data staking pools.
        DataPools => DataPoolsEvents,
        /// The access passes.
        AccessPasses => AccessPassesEvents,
        /// The passes' purpose allowlist terms.
        PurposeAllowlistTerms => PurposeAllowlistTermsEvents,
        /// The passes' rate-limit terms.
        RateLimitTerms => RateLimitTermsEvents,
        /// The oracle nodes' registry, stake and slashing.
        OracleNodes => OracleNodesEvents,
        /// The oracle network's data requests.
        OracleRequests => OracleRequestsEvents,
        /// The oracle nodes' rewards.
        OracleRewards => OracleRewardsEvents,
    }
    // no events, or bound from other artifacts than the suite's (Uniswap's)
    raw {
        WETH9, UniswapV2Factory, UniswapV2Router02, PoseidonT3, PoseidonT5, PoseidonT6, DisclosureVerifier,
        DeliveryVerifier,
    }
}

/// A log of `contract` as the index stores it: its event's name and the decoded event, or
/// [`UNKNOWN`] and `None` when it is not one of the contract's bound events.
pub fn decode(contract: Contract, log: &LogData) -> (&'static str, Option<SuiteEvent>) {
    match SuiteEvent::decode(contract, log) {
        Ok(event) => {
            let name = log.topics().first().and_then(|t| event_name(contract, *t));
            (name.unwrap_or(UNKNOWN), Some(event))
        }
        Err(e) => {
            tracing::debug!(%e, "kept raw");
            (UNKNOWN, None)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy::{
        json_abi::JsonAbi,
        primitives::{Address, Bytes, U256},
        sol_types::SolEvent,
    };
    use masa_bindings::contracts::{
        ARTIFACTS,
        MasaToken::{MasaTokenEvents, Transfer},
        ZkSBT::{RecordMinted, ZkSBTEvents},
    };

    #[test]
    fn every_bound_event_is_named_as_its_abi_names_it() {
        for artifact in ARTIFACTS {
            let contract: Contract = artifact.name.parse().unwrap();
            let json: serde_json::Value = serde_json::from_str(artifact.json).unwrap();
            let abi: JsonAbi = serde_json::from_value(json["abi"].clone()).unwrap();
            for event in abi.events() {
                assert_eq!(event_name(contract, event.selector()), Some(event.name.as_str()), "{contract}");
            }
        }
    }

    #[test]
    fn logs_decode_as_their_contracts_events_only() {
        let transfer = Transfer { from: Address::ZERO, to: Address::repeat_byte(1), value: U256::from(5) };
        let log = transfer.encode_log_data();
        let expected = SuiteEvent::MasaToken(MasaTokenEvents::Transfer(transfer));
        assert_eq!(SuiteEvent::decode(Contract::MasaToken, &log), Ok(expected.clone()));
        assert_eq!(expected.contract(), Contract::MasaToken);
        assert_eq!(decode(Contract::MasaToken, &log), ("Transfer", Some(expected)));
        // the zkSBT's ERC-721 `Transfer` has the same selector but indexes its third argument:
        // the emitter decides which event a log is
        let erc721 = masa_bindings::contracts::ZkSBT::Transfer {
            from: Address::ZERO,
            to: Address::repeat_byte(1),
            tokenId: U256::from(5),
        };
        let nft = erc721.encode_log_data();
        assert_eq!(nft.topics()[0], log.topics()[0]);
        assert_eq!(
            SuiteEvent::decode(Contract::ZkSBT, &nft),
            Ok(SuiteEvent::ZkSBT(ZkSBTEvents::Transfer(erc721)))
        );
        assert!(SuiteEvent::decode(Contract::ZkSBT, &log).is_err());
        assert!(SuiteEvent::decode(Contract::MasaToken, &nft).is_err());
        // a contract without this event, or without bound events, keeps it raw
        let err = SuiteEvent::decode(Contract::FeeRouter, &log).unwrap_err();
        assert!(matches!(err, EventError::Undecodable { contract: Contract::FeeRouter, .. }), "{err}");
        assert!(err.to_string().starts_with("FeeRouter: a log with topic 0 0xddf252ad"), "{err}");
        assert_eq!(SuiteEvent::decode(Contract::WETH9, &log), Err(EventError::NotBound(Contract::WETH9)));
        assert_eq!(decode(Contract::WETH9, &log), (UNKNOWN, None));
    }

    #[test]
    fn a_truncated_log_is_not_an_event() {
        let minted = RecordMinted {
            tokenId: U256::from(1),
            owner: Address::repeat_byte(2),
            schemaId: U256::from(1),
            commitment: U256::from(3),
            issuer: Address::ZERO,
            treeId: U256::ZERO,
            leafIndex: U256::from(4),
            expiry: 0,
            ciphertext: Bytes::from_static(&[9; 100]),
        };
        let mut log = minted.encode_log_data();
        assert_eq!(decode(Contract::ZkSBT, &log).0, "RecordMinted");
        log.data = log.data.slice(..64);
        assert!(matches!(SuiteEvent::decode(Contract::ZkSBT, &log), Err(EventError::Undecodable { .. })));
        assert_eq!(decode(Contract::ZkSBT, &log), (UNKNOWN, None));
        let err = SuiteEvent::decode(Contract::ZkSBT, &LogData::default()).unwrap_err().to_string();
        assert!(err.starts_with("ZkSBT: a log with topic 0 (none) is none of its events"), "{err}");
    }
}
