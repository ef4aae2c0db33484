//! The LLM source's errors.

use super::{MODEL_ENV, ModelHash};
use std::path::PathBuf;

/// The LLM source's result.
pub type Result<T, E = LlmError> = std::result::Result<T, E>;

/// Why a model could not be loaded or a prompt not answered.
#[derive(Debug, thiserror::Error)]
pub enum LlmError {
    /// The environment variable naming the model file is not set.
    #[error(
        "{MODEL_ENV} is not set: point it at the pinned GGUF model (`make model` installs it under \
         ~/.cache/masa-network/tools and `make test` passes its path)"
    )]
    ModelEnvUnset,
    /// The model file does not exist.
    #[error(
        "no model file at {path}: install it with `make model` (`make test` and `make bench` \
         install it too), or point {MODEL_ENV} at a GGUF file"
    )]
    ModelMissing {
        /// Where the model was looked for.
        path: PathBuf,
    },
    /// The model file exists but could not be read.
    #[error("cannot read the model file {path}: {source}")]
    Read {
        /// The model file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The model file is not the pinned one.
    #[error(
        "refusing the model file {path}: its sha256 is {actual:x}, the configuration pins \
         {expected:x} (nodes agree only on identical weights)"
    )]
    HashMismatch {
        /// The model file.
        path: PathBuf,
        /// The configured (pinned) hash.
        expected: ModelHash,
        /// The file's hash.
        actual: ModelHash,
    },
    /// The file is not a GGUF model candle can load.
    #[error("{path} is not a loadable GGUF llama model: {source}")]
    Gguf {
        /// The model file.
        path: PathBuf,
        /// candle's error.
        source: candle_core::Error,
    },
    /// The model loads but lacks something the source needs (tokenizer metadata, chat template).
    #[error("{path} is not supported: {reason}")]
    Unsupported {
        /// The model file.
        path: PathBuf,
        /// What is missing or unexpected.
        reason: String,
    },
    /// The tokenizer failed to encode or decode.
    #[error("tokenizer: {0}")]
    Tokenizer(String),
    /// The prompt does not fit the context with room for the answer.
    #[error(
        "the prompt takes {prompt_tokens} tokens; with max_tokens = {max_tokens} that exceeds the \
         context of {context} tokens"
    )]
    PromptTooLong {
        /// The templated prompt's length in tokens.
        prompt_tokens: usize,
        /// The answer's budget.
        max_tokens: u32,
        /// The longest sequence the model runs.
        context: usize,
    },
    /// A forward pass failed, or produced logits that cannot be decoded greedily.
    #[error("inference failed: {0}")]
    Inference(#[from] candle_core::Error),
    /// The inference task panicked or was cancelled.
    #[error("the inference task did not finish: {0}")]
    Task(#[from] tokio::task::JoinError),
    /// The HTTP backend's request failed (connection, timeout, undecodable body).
    #[error("request to {url} failed: {source}")]
    Http {
        /// The endpoint, without credentials.
        url: String,
        /// reqwest's error, without its URL.
        source: reqwest::Error,
    },
    /// The HTTP backend answered with an error status.
    #[error("{url} answered HTTP {status}: {body}")]
    HttpStatus {
        /// The endpoint, without credentials.
        url: String,
        /// The status code.
        status: u16,
        /// The start of the response body.
        body: String,
    },
    /// The HTTP backend's answer is not a usable chat completion.
    #[error("{url} answered an unusable chat completion: {reason}")]
    BadCompletion {
        /// The endpoint, without credentials.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The HTTP backend's configuration is invalid.
    #[error("invalid HTTP backend configuration: {0}")]
    Config(String),
}
