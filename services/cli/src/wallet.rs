//! Where the signing key comes from: a raw private key or an encrypted keystore file.

use alloy::signers::local::PrivateKeySigner;
use anyhow::{Context, Result, bail};
use std::path::PathBuf;

/// Signing key options shared by every command that sends transactions.
#[derive(Debug, Clone, clap::Args)]
#[group(required = true, multiple = false)]
pub struct WalletArgs {
    /// Hex private key of the sending account (prefer `MASA_PRIVATE_KEY` over the flag: flags
    /// show up in process listings).
    #[arg(long, env = "MASA_PRIVATE_KEY", hide_env_values = true, group = "key")]
    pub private_key: Option<String>,
    /// Encrypted JSON keystore (Web3 Secret Storage) of the sending account.
    #[arg(long, group = "key")]
    pub keystore: Option<PathBuf>,
    /// File holding the keystore password; without it, `MASA_KEYSTORE_PASSWORD` or a prompt.
    #[arg(long, requires = "keystore")]
    pub password_file: Option<PathBuf>,
}

impl WalletArgs {
    /// Loads the signer the options describe.
    pub fn signer(&self) -> Result<PrivateKeySigner> {
        if let Some(key) = &self.private_key {
            return key.trim().parse().context("--private-key is not a valid secp256k1 private key");
        }
        let Some(path) = &self.keystore else { bail!("give --private-key or --keystore") };
        let password = match (&self.password_file, std::env::var("MASA_KEYSTORE_PASSWORD")) {
            (Some(file), _) => std::fs::read_to_string(file)
                .with_context(|| format!("cannot read password file {}", file.display()))?
                .trim_end_matches(['\r', '\n'])
                .to_owned(),
            (None, Ok(password)) => password,
            (None, Err(_)) => rpassword::prompt_password(format!("password for {}: ", path.display()))
                .context("cannot read the keystore password")?,
        };
        PrivateKeySigner::decrypt_keystore(path, password)
            .with_context(|| format!("cannot decrypt keystore {}", path.display()))
    }
}
