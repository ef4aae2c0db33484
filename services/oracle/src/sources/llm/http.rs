//! The HTTP backend: an OpenAI-compatible `/v1/chat/completions` endpoint (llama.cpp's
//! `llama-server`, ollama, vLLM), for models too big to run in the node.
//!
//! Asked for the most deterministic answer the API offers: `temperature` 0 (greedy on llama.cpp
//! and ollama), a fixed `seed`, no streaming. The server's weights cannot be checked from here:
//! the configuration *declares* which file it serves ([`HttpConfig::model_sha256`]), and the
//! operator answers for it.

use super::{
    Answer, DEFAULT_MAX_TOKENS, Finish, LlmJob, ModelHash, SMOLLM2_SYSTEM_PROMPT,
    error::{LlmError, Result},
};
use serde::{Deserialize, Serialize};
use std::{fmt, sync::Arc, time::Duration};
use url::Url;

/// How to reach the endpoint and what to ask it.
#[derive(Clone, PartialEq, Eq)]
pub struct HttpConfig {
    /// The API's base, the part before `/chat/completions` (`http://127.0.0.1:8080/v1`).
    pub base_url: Url,
    /// The model's name on the server (`model` in the request).
    pub model: String,
    /// The sha256 of the GGUF file the server runs, as the operator declares it (it goes into
    /// the result hash).
    pub model_sha256: ModelHash,
    /// A bearer token, if the server wants one (never logged or printed).
    pub api_key: Option<String>,
    /// The answer's budget of [`HttpLlm::answer`].
    pub max_tokens: u32,
    /// The system message of [`HttpLlm::answer`].
    pub system_prompt: String,
    /// The sampling seed sent with every request.
    pub seed: u64,
    /// The longest a request may take, connection to last byte.
    pub timeout: Duration,
}

impl HttpConfig {
    /// `model` at `base_url`, serving the file whose sha256 is `model_sha256`; no key,
    /// [`DEFAULT_MAX_TOKENS`], the same default system prompt as the in-process backend (so a
    /// job means the same on either), seed 0 and a two-minute timeout.
    pub fn new(base_url: Url, model: impl Into<String>, model_sha256: ModelHash) -> Self {
        Self {
            base_url,
            model: model.into(),
            model_sha256,
            api_key: None,
            max_tokens: DEFAULT_MAX_TOKENS,
            system_prompt: SMOLLM2_SYSTEM_PROMPT.to_owned(),
            seed: 0,
            timeout: Duration::from_secs(120),
        }
    }
}

impl fmt::Debug for HttpConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpConfig")
            .field("base_url", &redacted(&self.base_url))
            .field("model", &self.model)
            .field("model_sha256", &format_args!("{:x}", self.model_sha256))
            .field("api_key", &self.api_key.as_ref().map(|_| "<redacted>"))
            .field("max_tokens", &self.max_tokens)
            .field("system_prompt", &self.system_prompt)
            .field("seed", &self.seed)
            .field("timeout", &self.timeout)
            .finish()
    }
}

/// A URL as errors and logs show it: without user, password or query (where keys hide).
fn redacted(url: &Url) -> String {
    let mut url = url.clone();
    // both fail only for URLs that cannot carry credentials at all
    let _ = url.set_username("");
    let _ = url.set_password(None);
    url.set_query(None);
    url.to_string()
}

/// A client of one OpenAI-compatible endpoint (cheap to clone: clones share the connection pool).
#[derive(Debug, Clone)]
pub struct HttpLlm {
    client: reqwest::Client,
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    endpoint: Url,
    config: HttpConfig,
}

#[derive(Serialize)]
struct ChatRequest<'a> {
    model: &'a str,
    messages: [Message<'a>; 2],
    temperature: f32,
    seed: u64,
    max_tokens: u32,
    stream: bool,
}

#[derive(Serialize)]
struct Message<'a> {
    role: &'static str,
    content: &'a str,
}

#[derive(Deserialize)]
struct ChatResponse {
    choices: Vec<Choice>,
    usage: Option<Usage>,
}

#[derive(Deserialize)]
struct Choice {
    message: ResponseMessage,
    finish_reason: Option<String>,
}

#[derive(Deserialize)]
struct ResponseMessage {
    content: Option<String>,
}

#[derive(Deserialize)]
struct Usage {
    completion_tokens: u32,
}

/// How much of an error response's body an error quotes.
const BODY_QUOTE: usize = 512;

impl HttpLlm {
    /// A client for `config`'s endpoint (nothing is sent yet).
    pub fn new(config: HttpConfig) -> Result<Self> {
        let mut base = config.base_url.clone();
        if !base.path().ends_with('/') {
            base.set_path(&format!("{}/", base.path()));
        }
        let endpoint = base
            .join("chat/completions")
            .map_err(|e| LlmError::Config(format!("{}: {e}", redacted(&config.base_url))))?;
        let client = reqwest::Client::builder()
            .timeout(config.timeout)
            .build()
            .map_err(|e| LlmError::Config(format!("the HTTP client does not build: {e}")))?;
        Ok(Self { client, inner: Arc::new(Inner { endpoint, config }) })
    }

    /// The configuration.
    pub fn config(&self) -> &HttpConfig {
        &self.inner.config
    }

    /// Answers `prompt` with the configured system prompt and budget.
    pub async fn answer(&self, prompt: &str) -> Result<Answer> {
        let config = self.config();
        self.complete(&LlmJob {
            system_prompt: config.system_prompt.clone(),
            prompt: prompt.to_owned(),
            max_tokens: config.max_tokens,
        })
        .await
    }

    /// Answers one job with one chat completion.
    pub async fn complete(&self, job: &LlmJob) -> Result<Answer> {
        let Inner { endpoint, config } = &*self.inner;
        let url = redacted(endpoint);
        let body = ChatRequest {
            model: &config.model,
            messages: [
                Message { role: "system", content: &job.system_prompt },
                Message { role: "user", content: &job.prompt },
            ],
            temperature: 0.0,
            seed: config.seed,
            max_tokens: job.max_tokens,
            stream: false,
        };
        let mut request = self.client.post(endpoint.clone()).json(&body);
        if let Some(key) = &config.api_key {
            request = request.bearer_auth(key);
        }
        let http = |source: reqwest::Error| LlmError::Http { url: url.clone(), source: source.without_url() };
        let response = request.send().await.map_err(http)?;
        let status = response.status();
        let text = response.text().await.map_err(http)?;
        if !status.is_success() {
            let body = text.chars().take(BODY_QUOTE).collect();
            return Err(LlmError::HttpStatus { url, status: status.as_u16(), body });
        }

        let bad = |reason: String| LlmError::BadCompletion { url: url.clone(), reason };
        let completion: ChatResponse = serde_json::from_str(&text).map_err(|e| bad(e.to_string()))?;
        let [choice] = <[Choice; 1]>::try_from(completion.choices)
            .map_err(|choices| bad(format!("{} choices, expected one", choices.len())))?;
        let text = choice.message.content.ok_or_else(|| bad("the message has no content".into()))?;
        let finish = match choice.finish_reason.as_deref() {
            Some("stop") => Finish::Stop,
            Some("length") => Finish::Length,
            other => return Err(bad(format!("finish_reason {other:?}"))),
        };
        let tokens = completion.usage.ok_or_else(|| bad("no usage".into()))?.completion_tokens;
        Ok(Answer { model_sha256: config.model_sha256, job: job.clone(), text, tokens, finish })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_errors_hide_credentials() {
        let url = Url::parse("https://user:secret@llm.example/v1?key=secret").unwrap();
        let mut config = HttpConfig::new(url.clone(), "m", ModelHash::ZERO);
        config.api_key = Some("sk-secret".into());
        let debug = format!("{config:?}");
        assert!(!debug.contains("secret"), "{debug}");
        assert_eq!(redacted(&url), "https://llm.example/v1");
    }

    #[test]
    fn endpoint_appends_chat_completions() {
        for base in ["http://127.0.0.1:8080/v1", "http://127.0.0.1:8080/v1/"] {
            let config = HttpConfig::new(Url::parse(base).unwrap(), "m", ModelHash::ZERO);
            let llm = HttpLlm::new(config).unwrap();
            assert_eq!(llm.inner.endpoint.as_str(), "http://127.0.0.1:8080/v1/chat/completions");
        }
    }
}
