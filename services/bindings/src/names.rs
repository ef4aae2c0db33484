//! The contracts of the suite, named once: the manifest keys, the artifacts' names and the
//! deployer's steps all come from [`Contract`].

use std::{fmt, str::FromStr};

/// Declares [`Contract`] with its variants' names, in deployment order.
macro_rules! contracts {
    ($($(#[$doc:meta])* $name:ident,)*) => {
        /// A contract of the suite, as deployment manifests name it.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        #[allow(clippy::upper_case_acronyms)]
        pub enum Contract {
            $($(#[$doc])* $name,)*
        }

        impl Contract {
            /// Every contract, in deployment order.
            pub const ALL: &[Self] = &[$(Self::$name,)*];

            /// The name manifests, artifacts and linker references use.
            pub const fn name(self) -> &'static str {
                match self {
                    $(Self::$name => stringify!($name),)*
                }
            }
        }
    };
}

contracts! {
    /// The MASA ERC-20 token.
    MasaToken,
    /// OpenZeppelin's timelock, owner of every protocol parameter.
    TimelockController,
    /// The DAO governor.
    MasaGovernor,
    /// The vesting wallet implementation genesis clones.
    MasaVestingWallet,
    /// The genesis distributor.
    MasaGenesis,
    /// The oracle nodes' registry, stake and slashing.
    OracleNodes,
    /// The oracle network's data requests.
    OracleRequests,
    /// The oracle nodes' rewards (the genesis oracle wallet's beneficiary; the fee router's
    /// oracle share).
    OracleRewards,
    /// Wrapped ether of the devnet's Uniswap V2.
    WETH9,
    /// Uniswap V2's pair factory (devnets).
    UniswapV2Factory,
    /// Uniswap V2's router (devnets).
    UniswapV2Router02,
    /// The protocol fee router.
    FeeRouter,
    /// `Poseidon_2`: the zkSBT trees' nodes.
    PoseidonT3,
    /// `Poseidon_4`: the zkSBT issuer sets.
    PoseidonT5,
    /// `Poseidon_5`: the zkSBT leaves.
    PoseidonT6,
    /// The generated Groth16 verifier of the disclosure circuit.
    DisclosureVerifier,
    /// zkSBT schemas and issuers.
    IssuerRegistry,
    /// The zkSBT registry.
    ZkSBT,
    /// The generated Groth16 verifier of the delivery circuit (pool stakes, pass deliveries).
    DeliveryVerifier,
    /// The data staking pools.
    DataPools,
    /// The access passes.
    AccessPasses,
    /// The passes' purpose allowlist terms.
    PurposeAllowlistTerms,
    /// The passes' rate-limit terms (the deployment's one rule).
    RateLimitTerms,
}

impl Contract {
    /// The Uniswap V2 contracts a devnet deploys with the suite.
    pub const UNISWAP_V2: [Self; 3] = [Self::WETH9, Self::UniswapV2Factory, Self::UniswapV2Router02];

    /// The libraries the zkSBT registry's creation code is linked with, in deployment order.
    pub const ZKSBT_LIBRARIES: [Self; 3] = [Self::PoseidonT3, Self::PoseidonT5, Self::PoseidonT6];
}

impl fmt::Display for Contract {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A name that is no contract of the suite.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0} is not a contract of the suite")]
pub struct UnknownContract(pub String);

impl FromStr for Contract {
    type Err = UnknownContract;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        Self::ALL.iter().copied().find(|c| c.name() == name).ok_or_else(|| UnknownContract(name.to_owned()))
    }
}

impl AsRef<str> for Contract {
    fn as_ref(&self) -> &str {
        self.name()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bound_artifact_is_a_contract_of_the_suite() {
        for artifact in crate::contracts::ARTIFACTS {
            assert_eq!(artifact.name.parse::<Contract>().unwrap().name(), artifact.name);
        }
        assert!("Nope".parse::<Contract>().is_err());
    }
}
