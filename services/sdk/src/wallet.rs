//! Where a signing key comes from: a raw private key or an encrypted keystore, loaded the same
//! way for every binary. The keystore password comes from a file, `MASA_KEYSTORE_PASSWORD`, or a
//! prompt the binary provides (the sdk does not read terminals).

use alloy::signers::local::PrivateKeySigner;
use std::path::{Path, PathBuf};

/// Environment variable holding a keystore password.
pub const PASSWORD_ENV: &str = "MASA_KEYSTORE_PASSWORD";

/// A signing key's source.
#[derive(Debug, Clone)]
pub enum KeySource {
    /// A hex private key (from `MASA_PRIVATE_KEY` or a flag).
    PrivateKey(String),
    /// An encrypted JSON keystore (Web3 Secret Storage).
    Keystore {
        /// The keystore file.
        path: PathBuf,
        /// A file holding its password; without it, [`PASSWORD_ENV`] or the prompt.
        password_file: Option<PathBuf>,
    },
}

/// Why a key cannot be loaded. Messages never contain the key or the password.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The private key does not parse.
    #[error("the private key is not a valid secp256k1 private key")]
    BadPrivateKey,
    /// The password file cannot be read.
    #[error("cannot read password file {path}: {source}")]
    PasswordFile {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The prompt failed.
    #[error("cannot read the keystore password: {0}")]
    Prompt(std::io::Error),
    /// The keystore does not decrypt (wrong password, or not a keystore).
    #[error("cannot decrypt keystore {path}: {reason}")]
    Keystore {
        /// The file.
        path: PathBuf,
        /// Why.
        reason: String,
    },
}

impl KeySource {
    /// Loads the key; `prompt` asks for the keystore password when neither a file nor
    /// [`PASSWORD_ENV`] gives it.
    pub fn signer(
        &self,
        prompt: impl FnOnce(&Path) -> std::io::Result<String>,
    ) -> Result<PrivateKeySigner, Error> {
        let (path, password_file) = match self {
            Self::PrivateKey(key) => return key.trim().parse().map_err(|_| Error::BadPrivateKey),
            Self::Keystore { path, password_file } => (path, password_file),
        };
        let password = match (password_file, std::env::var(PASSWORD_ENV)) {
            (Some(file), _) => std::fs::read_to_string(file)
                .map_err(|source| Error::PasswordFile { path: file.clone(), source })?
                .trim_end_matches(['\r', '\n'])
                .to_owned(),
            (None, Ok(password)) => password,
            (None, Err(_)) => prompt(path).map_err(Error::Prompt)?,
        };
        PrivateKeySigner::decrypt_keystore(path, password)
            .map_err(|e| Error::Keystore { path: path.clone(), reason: e.to_string() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_prompt(_: &Path) -> std::io::Result<String> {
        panic!("no prompt expected")
    }

    #[test]
    fn keystore_with_password_file_yields_its_key() {
        let dir = tempfile::tempdir().unwrap();
        let mut rng = alloy::signers::k256::elliptic_curve::rand_core::OsRng;
        let (signer, _) =
            PrivateKeySigner::encrypt_keystore(dir.path(), &mut rng, [9u8; 32], "s3cret", Some("k.json"))
                .unwrap();
        let password = dir.path().join("pw");
        std::fs::write(&password, "s3cret\n").unwrap();
        let source = KeySource::Keystore { path: dir.path().join("k.json"), password_file: Some(password) };
        assert_eq!(source.signer(no_prompt).unwrap().address(), signer.address());
        let wrong = dir.path().join("wrong");
        std::fs::write(&wrong, "nope").unwrap();
        let source = KeySource::Keystore { path: dir.path().join("k.json"), password_file: Some(wrong) };
        let err = source.signer(no_prompt).unwrap_err().to_string();
        assert!(err.starts_with("cannot decrypt keystore") && !err.contains("nope"), "{err}");
    }

    #[test]
    fn private_key_yields_its_address_and_a_bad_one_is_not_echoed() {
        let source = KeySource::PrivateKey(
            "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80".into(),
        );
        let expected: alloy::primitives::Address =
            "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266".parse().unwrap();
        assert_eq!(source.signer(no_prompt).unwrap().address(), expected);
        let err = KeySource::PrivateKey("0xdeadbeef".into()).signer(no_prompt).unwrap_err().to_string();
        assert!(!err.contains("deadbeef"), "{err}");
    }
}
