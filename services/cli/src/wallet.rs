//! `--private-key` / `--keystore`: the signing key (loaded by [`masa_sdk::wallet`]).

use alloy::signers::local::PrivateKeySigner;
use masa_sdk::wallet::{Error, KeySource};
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
    /// Loads the signer the options describe, prompting on the terminal for a keystore password
    /// nothing else gives.
    pub fn signer(&self) -> Result<PrivateKeySigner, Error> {
        load_signer(self.private_key.as_ref(), self.keystore.as_ref(), self.password_file.as_ref())
    }
}

/// Loads a key given as hex or as a keystore (one of the two: clap requires it), prompting on
/// the terminal for a keystore password nothing else gives.
pub(crate) fn load_signer(
    private_key: Option<&String>,
    keystore: Option<&PathBuf>,
    password_file: Option<&PathBuf>,
) -> Result<PrivateKeySigner, Error> {
    let source = match (private_key, keystore) {
        (Some(key), _) => KeySource::PrivateKey(key.clone()),
        (None, Some(path)) => {
            KeySource::Keystore { path: path.clone(), password_file: password_file.cloned() }
        }
        (None, None) => unreachable!("clap requires a key or a keystore"),
    };
    source.signer(|path| rpassword::prompt_password(format!("password for {}: ", path.display())))
}
