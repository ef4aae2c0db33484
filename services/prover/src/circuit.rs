//! The circuits this crate proves, and where each one's artifacts are: everything that differs
//! between them (files, Solidity contract, number of public inputs) is here, and the key setup,
//! the verifier export, the prover and the command line take a [`Circuit`].

use crate::{ProverError, delivery::DeliveryPublicInputs, inputs::PublicInputs, keys::Keys, paths};

/// One of the crate's circuits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum Circuit {
    /// `circuits/disclosure.circom`: a statement about a zkSBT record (12 public inputs).
    #[default]
    Disclosure,
    /// `circuits/delivery.circom`: a disclosure and the encryption of the record's values to a
    /// pool developer's key (27 public inputs).
    Delivery,
}

impl Circuit {
    /// Every circuit.
    pub const ALL: [Self; 2] = [Self::Disclosure, Self::Delivery];

    /// The circuit's name (its `.circom` file's stem).
    pub const fn name(self) -> &'static str {
        match self {
            Self::Disclosure => "disclosure",
            Self::Delivery => "delivery",
        }
    }

    /// Its constraint system (`make circuits`).
    pub const fn r1cs(self) -> &'static str {
        match self {
            Self::Disclosure => paths::R1CS,
            Self::Delivery => paths::DELIVERY_R1CS,
        }
    }

    /// Its witness code (`make circuits`).
    pub const fn wasm(self) -> &'static str {
        match self {
            Self::Disclosure => paths::WASM,
            Self::Delivery => paths::DELIVERY_WASM,
        }
    }

    /// Its proving key in the fast format (`make keys`).
    pub const fn key(self) -> &'static str {
        match self {
            Self::Disclosure => paths::KEY,
            Self::Delivery => paths::DELIVERY_KEY,
        }
    }

    /// Its generated Solidity verifier (committed; `make verifier`).
    pub const fn verifier(self) -> &'static str {
        match self {
            Self::Disclosure => paths::VERIFIER,
            Self::Delivery => paths::DELIVERY_VERIFIER,
        }
    }

    /// The verifier's contract name.
    pub const fn contract(self) -> &'static str {
        match self {
            Self::Disclosure => "DisclosureVerifier",
            Self::Delivery => "DeliveryVerifier",
        }
    }

    /// Number of public inputs (the verifier's `uint256[N]`).
    pub const fn public_inputs(self) -> usize {
        match self {
            Self::Disclosure => PublicInputs::COUNT,
            Self::Delivery => DeliveryPublicInputs::COUNT,
        }
    }

    /// The circuit with `n` public inputs.
    pub fn with_public_inputs(n: usize) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.public_inputs() == n)
    }

    /// The circuit `keys` are for (told by their number of public inputs).
    pub fn of_keys(keys: &Keys) -> Result<Self, ProverError> {
        let n = (keys.matrices.num_inputs as usize).saturating_sub(1);
        Self::with_public_inputs(n).ok_or_else(|| {
            ProverError::Key(format!("a key with {n} public inputs is for none of this crate's circuits"))
        })
    }
}

impl std::fmt::Display for Circuit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_circuit_has_its_own_files() {
        assert_eq!(Circuit::default(), Circuit::Disclosure);
        assert_eq!(Circuit::Disclosure.r1cs(), paths::R1CS);
        for c in Circuit::ALL {
            assert!(c.r1cs().ends_with(&format!("{}.r1cs", c.name())));
            assert!(c.wasm().ends_with(&format!("{0}_js/{0}.wasm", c.name())));
            assert!(c.key().ends_with(&format!("{}.key", c.name())));
            assert!(c.verifier().ends_with(&format!("{}.sol", c.contract())));
            assert_eq!(Circuit::with_public_inputs(c.public_inputs()), Some(c));
        }
        assert_eq!(Circuit::Delivery.public_inputs(), 27);
        assert_eq!(Circuit::with_public_inputs(13), None);
    }
}
