//! The model is pinned: another file, a missing file or an oversized job is refused, readably.

use masa_oracle::{
    Llm, LlmConfig, LlmError,
    sources::llm::{ModelHash, SMOLLM2_SHA256},
};
use sha2::{Digest, Sha256};

/// A file whose sha256 is not the pinned one is refused before it is parsed, and the error names
/// both hashes.
#[test]
fn a_file_with_another_hash_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("other.gguf");
    let bytes = b"GGUF, but not the pinned weights";
    std::fs::write(&path, bytes).unwrap();
    let actual = format!("{:x}", Sha256::digest(bytes));

    let err = Llm::load(&LlmConfig::smollm2(&path)).unwrap_err();
    assert!(matches!(err, LlmError::HashMismatch { .. }), "{err:?}");
    let message = err.to_string();
    println!("{message}");
    assert!(message.contains(&format!("{SMOLLM2_SHA256:x}")), "{message}");
    assert!(message.contains(&actual), "{message}");
    assert!(message.contains(&path.display().to_string()), "{message}");
}

/// The real model under another pin is refused too: the hash, not the file name, decides.
#[test]
fn the_real_model_under_another_pin_is_refused() {
    let mut config = super::config();
    config.sha256 = ModelHash::repeat_byte(0x11);
    let message = Llm::load(&config).unwrap_err().to_string();
    assert!(message.contains(&format!("its sha256 is {SMOLLM2_SHA256:x}")), "{message}");
    assert!(message.contains(&format!("pins {:x}", config.sha256)), "{message}");
}

/// A missing file names the path and how to install the model.
#[test]
fn a_missing_model_says_how_to_install_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("absent.gguf");
    let message = Llm::load(&LlmConfig::smollm2(&path)).unwrap_err().to_string();
    println!("{message}");
    assert!(message.contains(&path.display().to_string()), "{message}");
    assert!(message.contains("make model") && message.contains("MASA_ORACLE_MODEL"), "{message}");
}

/// A job that cannot fit the context is refused before any inference.
#[test]
fn a_job_beyond_the_context_is_refused() {
    let mut config = super::config();
    config.max_tokens = 5_000;
    let llm = Llm::load(&config).unwrap();
    let err = llm.answer("Hello").unwrap_err();
    assert!(matches!(err, LlmError::PromptTooLong { max_tokens: 5_000, context: 4096, .. }), "{err:?}");
}
