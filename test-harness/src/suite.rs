//! The whole suite deployed on an anvil by `masa deploy`, into a temporary deployments
//! directory (a copy of the repository's anvil network, params and allocations), for the
//! services' tests and benchmarks.

use crate::{AnvilChain, Chain, Error, Result};
use alloy::providers::{Provider, ext::AnvilApi};
use masa_bindings::{contracts::genesis::Category, manifest::Manifest};
use masa_sdk::deploy::{DeployConfig, deploy};
use std::{path::Path, time::Duration};

/// A temporary deployments directory for anvil: the repository's network definitions, anvil
/// parameters (with each `(from, to)` of `replace` substituted, each `from` required) and
/// allocation table.
pub fn deployments(replace: &[(&str, &str)]) -> Result<tempfile::TempDir> {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../deployments");
    let dir = tempfile::tempdir().map_err(|e| Error::Spawn(format!("tempdir: {e}")))?;
    for file in ["networks.toml", "params/anvil.toml", "allocations/anvil.json"] {
        let to = dir.path().join(file);
        let copied = std::fs::create_dir_all(to.parent().expect("a file in a directory"))
            .and_then(|()| std::fs::copy(repo.join(file), &to));
        copied.map_err(|e| Error::Spawn(format!("copying deployments/{file}: {e}")))?;
    }
    if !replace.is_empty() {
        let path = dir.path().join("params/anvil.toml");
        let mut params = std::fs::read_to_string(&path).map_err(|e| Error::Spawn(format!("{e}")))?;
        for (from, to) in replace {
            if !params.contains(from) {
                return Err(Error::Spawn(format!("deployments/params/anvil.toml has no {from:?}")));
            }
            params = params.replace(from, to);
        }
        std::fs::write(&path, params).map_err(|e| Error::Spawn(format!("{e}")))?;
    }
    Ok(dir)
}

/// A deployed suite: its deployments directory (holding `anvil.json`) and manifest.
#[derive(Debug)]
pub struct DeployedSuite {
    /// The temporary deployments directory.
    pub deployments: tempfile::TempDir,
    /// The manifest written there.
    pub manifest: Manifest,
}

impl DeployedSuite {
    /// Deploys the suite on `chain` as account 0.
    pub async fn deploy(chain: &AnvilChain) -> Result<Self> {
        let deployments = deployments(&[])?;
        let config = DeployConfig {
            rpc_url: chain.endpoint().parse().expect("anvil's endpoint is a URL"),
            network: None,
            deployments: deployments.path().to_path_buf(),
            manifest: None,
            params: None,
            timeout: Duration::from_secs(30),
        };
        let deployed = deploy(&config, chain.accounts()[0].clone()).await?;
        Ok(Self { deployments, manifest: deployed.manifest })
    }

    /// Moves anvil's clock past the community allocation's vesting and releases it to its
    /// beneficiary, account 0, through `provider` (which signs as any account).
    pub async fn release_community(&self, provider: &impl Provider) -> Result<()> {
        provider.anvil_increase_time(31 * 86_400).await?;
        provider.evm_mine(None).await?;
        let wallet = self
            .manifest
            .vesting_wallets
            .iter()
            .find(|w| w.category == u8::from(Category::CommunityRewards))
            // vests fully a month after listing on anvil (`deployments/params/anvil.toml`), to
            // account 0
            .expect("the anvil genesis has a community allocation")
            .wallet;
        masa_sdk::vesting::release(provider, wallet)
            .await
            .map_err(|e| Error::Spawn(format!("releasing the community allocation: {e:#}")))?;
        Ok(())
    }
}
