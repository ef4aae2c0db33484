//! The `llm:v1` job: the request's parameters are the prompt, answered under the node's
//! configured system prompt and budget by its backend.

use super::{Answer, HttpConfig, HttpLlm, Llm, LlmBackend, LlmConfig, LlmError, LlmJob, ModelHash};
use crate::sources::{JobResult, Normalized, Source, SourceError};
use alloy::{
    primitives::{B256, keccak256},
    sol,
    sol_types::SolStruct,
};
use futures::future::BoxFuture;
use serde::Deserialize;
use std::{path::PathBuf, sync::Arc, time::Duration};
use url::Url;

const JOB: &str = "llm:v1";

sol! {
    /// What decides an LLM job's answer besides the prompt: the configuration a node signs as
    /// `configHash`.
    struct LlmJobConfig {
        string job;
        bytes32 modelSha256;
        string backend;
        string systemPrompt;
        uint32 maxTokens;
    }
}

/// `[sources.llm]`: the in-process model (default) or an OpenAI-compatible endpoint.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LlmSourceConfig {
    /// The in-process model's GGUF file (the pinned SmolLM2-135M-Instruct `Q4_1`); default: the
    /// path in `MASA_ORACLE_MODEL`.
    pub model: Option<PathBuf>,
    /// The answer's budget in tokens (default 128).
    pub max_tokens: Option<u32>,
    /// An OpenAI-compatible endpoint instead of the in-process model.
    pub http: Option<LlmHttpConfig>,
}

/// `[sources.llm.http]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LlmHttpConfig {
    /// The API's base (`http://127.0.0.1:8080/v1`).
    pub base_url: Url,
    /// The model's name on the server.
    pub model: String,
    /// The sha256 of the GGUF file the server runs (declared: it cannot be checked remotely).
    pub model_sha256: ModelHash,
    /// The environment variable holding the server's bearer token, if it wants one.
    pub api_key_env: Option<String>,
    /// Seconds a request may take (default 120).
    pub timeout_secs: Option<u64>,
}

/// The `llm:v1` job's source.
#[derive(Debug, Clone)]
pub struct LlmSource {
    backend: LlmBackend,
    model_sha256: ModelHash,
    backend_name: &'static str,
    system_prompt: String,
    max_tokens: u32,
}

impl LlmSource {
    /// The source over `backend`.
    pub fn new(backend: LlmBackend) -> Self {
        let (model_sha256, backend_name, system_prompt, max_tokens) = match &backend {
            LlmBackend::InProcess(llm) => {
                (llm.model_sha256(), "candle", llm.config().system_prompt.clone(), llm.config().max_tokens)
            }
            LlmBackend::Http(http) => {
                let c = http.config();
                (c.model_sha256, "openai-http", c.system_prompt.clone(), c.max_tokens)
            }
        };
        Self { backend, model_sha256, backend_name, system_prompt, max_tokens }
    }

    /// The source `[sources.llm]` describes (loading the in-process model, which takes a moment).
    pub fn from_config(config: Option<&LlmSourceConfig>) -> Result<Self, LlmError> {
        let config = config.cloned().unwrap_or_default();
        let backend = if let Some(http) = config.http {
            let mut c = HttpConfig::new(http.base_url, http.model, http.model_sha256);
            c.api_key = http.api_key_env.and_then(|name| std::env::var(name).ok());
            c.timeout = Duration::from_secs(http.timeout_secs.unwrap_or(120));
            if let Some(max) = config.max_tokens {
                c.max_tokens = max;
            }
            LlmBackend::Http(HttpLlm::new(c)?)
        } else {
            let mut c = match config.model {
                Some(path) => LlmConfig::smollm2(path),
                None => LlmConfig::smollm2_from_env()?,
            };
            if let Some(max) = config.max_tokens {
                c.max_tokens = max;
            }
            LlmBackend::InProcess(Arc::new(Llm::load(&c)?))
        };
        Ok(Self::new(backend))
    }

    fn normalized(answer: &Answer) -> Normalized {
        Normalized {
            source: "llm".into(),
            locator: answer.job.prompt.clone(),
            fetched_at: std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs()),
            content_hash: keccak256(answer.text.as_bytes()),
            text: answer.text.clone(),
            metadata: serde_json::json!({
                "model_sha256": answer.model_sha256,
                "tokens": answer.tokens,
                "finish": format!("{:?}", answer.finish).to_lowercase(),
                "max_tokens": answer.job.max_tokens,
            }),
            result_hash: answer.result_hash(),
        }
    }
}

impl Source for LlmSource {
    fn job(&self) -> &'static str {
        JOB
    }

    fn config_hash(&self) -> B256 {
        LlmJobConfig {
            job: JOB.into(),
            modelSha256: self.model_sha256,
            backend: self.backend_name.into(),
            systemPrompt: self.system_prompt.clone(),
            maxTokens: self.max_tokens,
        }
        .eip712_hash_struct()
    }

    fn run<'a>(&'a self, params: &'a str) -> BoxFuture<'a, Result<Normalized, SourceError>> {
        Box::pin(async move {
            if params.trim().is_empty() {
                return Err(SourceError::InvalidParams { job: JOB, reason: "the prompt is empty".into() });
            }
            let job = LlmJob {
                system_prompt: self.system_prompt.clone(),
                prompt: params.to_owned(),
                max_tokens: self.max_tokens,
            };
            let answer = self.backend.complete(&job).await.map_err(|e| match e {
                LlmError::Http { .. } | LlmError::HttpStatus { .. } | LlmError::Task(_) => {
                    SourceError::Transient { job: JOB, reason: e.to_string() }
                }
                LlmError::PromptTooLong { .. } => {
                    SourceError::InvalidParams { job: JOB, reason: e.to_string() }
                }
                other => SourceError::Refused { job: JOB, reason: other.to_string() },
            })?;
            Ok(Self::normalized(&answer))
        })
    }
}
