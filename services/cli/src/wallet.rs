//! Where the signing key comes from: a raw private key or an encrypted keystore file.

use alloy::signers::local::PrivateKeySigner;
use anyhow::{Context, Result, bail};
use std::path::PathBuf;

/// Signing key options shared by every command that sends transactions.
#[derive(Debug, Clone, clap::Args)]
pub struct WalletArgs {
    /// Hex private key of the sending account (prefer `MASA_PRIVATE_KEY` over the flag: flags
    /// show up in process listings).
    #[arg(
        long,
        env = "MASA_PRIVATE_KEY",
        hide_env_values = true,
        required_unless_present = "keystore",
        conflicts_with = "keystore"
    )]
    pub private_key: Option<String>,
    /// Encrypted JSON keystore (Web3 Secret Storage) of the sending account.
    #[arg(long)]
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keystore_with_password_file_yields_its_key() {
        let dir = tempfile::tempdir().unwrap();
        let mut rng = alloy::signers::k256::elliptic_curve::rand_core::OsRng;
        let (signer, _) =
            PrivateKeySigner::encrypt_keystore(dir.path(), &mut rng, [9u8; 32], "s3cret", Some("k.json"))
                .unwrap();
        let password = dir.path().join("pw");
        std::fs::write(&password, "s3cret\n").unwrap();
        let args = WalletArgs {
            private_key: None,
            keystore: Some(dir.path().join("k.json")),
            password_file: Some(password),
        };
        assert_eq!(args.signer().unwrap().address(), signer.address());
    }

    #[test]
    fn private_key_yields_its_address() {
        let args = WalletArgs {
            private_key: Some("0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80".into()),
            keystore: None,
            password_file: None,
        };
        let expected: alloy::primitives::Address =
            "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266".parse().unwrap();
        assert_eq!(args.signer().unwrap().address(), expected);
    }
}
