//! Library linking for contracts that call public library functions (`PoseidonT3`,
//! `PoseidonT5` and `PoseidonT6` in the zkSBT registry: tree nodes, issuer sets, leaves).
//!
//! solc leaves a 20-byte marker `__$<keccak(fully qualified name)[..17]>$__` in the
//! creation code for each library address and lists its byte offsets in the artifact's
//! `bytecode.linkReferences`. Linking writes the deployed library's address at those offsets.
//! (foundry-compilers can link too, but pulls the whole compiler-driver stack into every
//! binary for these few lines; the offsets come from the compiler, nothing is guessed.)

use crate::{Error, Result, artifacts::ContractArtifact};
use alloy::primitives::{Address, Bytes, hex};
use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Deserialize)]
struct Artifact {
    bytecode: Bytecode,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Bytecode {
    object: String,
    #[serde(default)]
    link_references: BTreeMap<String, BTreeMap<String, Vec<Offset>>>,
}

#[derive(Deserialize)]
struct Offset {
    start: usize,
    length: usize,
}

/// The creation code of `artifact` with every library it references replaced by the address
/// given for that library name in `libraries`.
///
/// Fails when the artifact references a library missing from `libraries`.
pub fn linked_bytecode(artifact: ContractArtifact, libraries: &[(&str, Address)]) -> Result<Bytes> {
    let parsed: Artifact = serde_json::from_str(artifact.json)
        .map_err(|source| Error::Artifact { contract: artifact.name, source })?;
    let Bytecode { object, link_references } = parsed.bytecode;
    let hex_code = object.strip_prefix("0x").unwrap_or(&object);
    // The markers are not hex: fill them with zeros first, then write the addresses.
    let mut code = hex_code.as_bytes().to_vec();
    for offsets in link_references.values().flat_map(BTreeMap::values) {
        for o in offsets {
            code[2 * o.start..2 * (o.start + o.length)].fill(b'0');
        }
    }
    let mut code = hex::decode(&code).map_err(|_| Error::Link {
        contract: artifact.name,
        reason: "creation code is not hex outside its link references".into(),
    })?;
    for (library, offsets) in link_references.values().flat_map(|libs| libs.iter()) {
        let Some((_, address)) = libraries.iter().find(|(name, _)| name == library) else {
            return Err(Error::Link {
                contract: artifact.name,
                reason: format!("needs library {library}, which was not given"),
            });
        };
        for o in offsets {
            if o.length != Address::len_bytes() || o.start + o.length > code.len() {
                return Err(Error::Link {
                    contract: artifact.name,
                    reason: format!("bad link reference for {library} at {}", o.start),
                });
            }
            code[o.start..o.start + o.length].copy_from_slice(address.as_slice());
        }
    }
    Ok(code.into())
}

/// The names of the libraries `artifact` must be linked with (empty for most contracts).
pub fn required_libraries(artifact: ContractArtifact) -> Result<Vec<String>> {
    let parsed: Artifact = serde_json::from_str(artifact.json)
        .map_err(|source| Error::Artifact { contract: artifact.name, source })?;
    Ok(parsed.bytecode.link_references.into_values().flat_map(BTreeMap::into_keys).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::artifacts::artifact;
    use alloy::primitives::address;

    #[test]
    fn zksbt_is_linked_with_poseidon() {
        let zksbt = artifact("ZkSBT").unwrap();
        let mut required = required_libraries(zksbt).unwrap();
        required.sort_unstable();
        assert_eq!(required, crate::Contract::ZKSBT_LIBRARIES.map(crate::Contract::name));
        let libraries: Vec<(&str, Address)> = crate::Contract::ZKSBT_LIBRARIES
            .iter()
            .zip(1u8..)
            .map(|(c, n)| (c.name(), Address::repeat_byte(0x30 + n)))
            .collect();
        let code = linked_bytecode(zksbt, &libraries).unwrap();
        for (name, address) in &libraries {
            assert!(code.windows(20).any(|w| w == address.as_slice()), "{name}'s address is written in");
        }
        let poseidon = address!("0x3333333C0A88F9BE4fd23ed0536F9B6c427e3B93");
        let err = linked_bytecode(zksbt, &[("PoseidonT3", poseidon)]).unwrap_err();
        assert!(err.to_string().contains("needs library PoseidonT5"), "{err}");
        // contracts without libraries come out unchanged
        let token = artifact("MasaToken").unwrap();
        assert!(required_libraries(token).unwrap().is_empty());
        assert_eq!(linked_bytecode(token, &[]).unwrap(), crate::contracts::MasaToken::BYTECODE.clone());
    }
}
