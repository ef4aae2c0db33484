//! The API's JSON view of each event: every event of every contract the bindings were generated
//! from, read from the same Foundry artifacts (so a changed event is picked up by rebuilding,
//! never re-declared), its arguments decoded by name into JSON. The derive layer does not read
//! this JSON: it matches the generated event types ([`crate::events`]).

use alloy::{
    dyn_abi::{DynSolValue, EventExt},
    json_abi::{Event, JsonAbi},
    primitives::{B256, LogData},
};
use masa_bindings::{Contract, contracts::ARTIFACTS};
use serde::Deserialize;
use std::collections::HashMap;

#[derive(Deserialize)]
struct Artifact {
    abi: JsonAbi,
}

/// Events by topic 0, per contract.
#[derive(Debug, Default)]
pub struct Catalog {
    events: HashMap<Contract, HashMap<B256, Event>>,
}

impl Catalog {
    /// The catalog of every bound contract.
    pub fn from_bindings() -> Self {
        let mut events = HashMap::new();
        for artifact in ARTIFACTS {
            let contract: Contract = artifact
                .name
                .parse()
                .expect("every bound artifact is a contract of the suite (the bindings' tests check it)");
            let parsed: Artifact = serde_json::from_str(artifact.json)
                .expect("the bindings' artifacts parse (checked by their build)");
            let by_topic = parsed.abi.events().map(|e| (e.selector(), e.clone())).collect();
            events.insert(contract, by_topic);
        }
        Self { events }
    }

    /// The arguments of a log of `contract` by name, as JSON (numbers as decimal strings, bytes
    /// as hex); `None` if the contract or the event is not in the catalog or the log does not
    /// match the event's shape.
    pub fn args(&self, contract: Contract, log: &LogData) -> Option<serde_json::Value> {
        let topic0 = log.topics().first()?;
        let event = self.events.get(&contract)?.get(topic0)?;
        let decoded = event.decode_log(log).ok()?;
        let (mut indexed, mut body) = (decoded.indexed.into_iter(), decoded.body.into_iter());
        let mut args = serde_json::Map::new();
        for (i, input) in event.inputs.iter().enumerate() {
            let value = if input.indexed { indexed.next() } else { body.next() }?;
            let name = if input.name.is_empty() { format!("arg{i}") } else { input.name.clone() };
            let value = match (&value, name.as_str()) {
                // a record's ciphertext is the owner's data, encrypted: it is summarised, never
                // copied into the index
                (DynSolValue::Bytes(b), "ciphertext") => serde_json::json!({
                    "length": b.len(),
                    "keccak256": alloy::primitives::keccak256(b).to_string(),
                }),
                _ => json(&value),
            };
            args.insert(name, value);
        }
        Some(serde_json::Value::Object(args))
    }
}

/// A decoded ABI value as JSON: integers as decimal strings (no precision loss), bytes and
/// hashes as 0x-hex, addresses checksummed.
fn json(value: &DynSolValue) -> serde_json::Value {
    use serde_json::Value;
    match value {
        DynSolValue::Bool(b) => Value::Bool(*b),
        DynSolValue::Int(i, _) => Value::String(i.to_string()),
        DynSolValue::Uint(u, _) => Value::String(u.to_string()),
        DynSolValue::FixedBytes(w, size) => Value::String(format!("0x{}", alloy::hex::encode(&w[..*size]))),
        DynSolValue::Address(a) => Value::String(a.to_checksum(None)),
        DynSolValue::Function(f) => Value::String(f.to_string()),
        DynSolValue::Bytes(b) => Value::String(format!("0x{}", alloy::hex::encode(b))),
        DynSolValue::String(s) => Value::String(s.clone()),
        DynSolValue::Array(v) | DynSolValue::FixedArray(v) | DynSolValue::Tuple(v) => {
            Value::Array(v.iter().map(json).collect())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy::{
        primitives::{Address, Bytes, U256},
        sol_types::SolEvent,
    };
    use masa_bindings::contracts::{MasaToken::Transfer, ZkSBT::RecordMinted};

    #[test]
    fn arguments_by_name_and_never_a_ciphertext() {
        let catalog = Catalog::from_bindings();
        let transfer = Transfer { from: Address::ZERO, to: Address::repeat_byte(0xab), value: U256::MAX };
        let args = catalog.args(Contract::MasaToken, &transfer.encode_log_data()).unwrap();
        assert_eq!(
            args,
            serde_json::json!({
                "from": Address::ZERO.to_checksum(None),
                "to": Address::repeat_byte(0xab).to_checksum(None),
                "value": U256::MAX.to_string(),
            })
        );
        // the generated type names the argument, so a renamed `ciphertext` fails to compile here
        // before it could be copied into the index
        let secret = Bytes::from_static(b"sealed record");
        let minted = RecordMinted {
            tokenId: U256::from(1),
            owner: Address::repeat_byte(1),
            schemaId: U256::from(1),
            commitment: U256::from(2),
            issuer: Address::ZERO,
            treeId: U256::ZERO,
            leafIndex: U256::ZERO,
            expiry: 0,
            ciphertext: secret.clone(),
        };
        let args = catalog.args(Contract::ZkSBT, &minted.encode_log_data()).unwrap();
        assert_eq!(
            args["ciphertext"],
            serde_json::json!({ "length": secret.len(), "keccak256": alloy::primitives::keccak256(&secret).to_string() })
        );
        assert!(!args.to_string().contains(&alloy::hex::encode(&secret)), "{args}");
        assert_eq!(catalog.args(Contract::FeeRouter, &minted.encode_log_data()), None);
    }
}
