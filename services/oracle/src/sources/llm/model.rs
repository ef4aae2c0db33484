//! The in-process backend: a GGUF model run by candle on the CPU, pinned by hash, greedy.

use super::{
    Answer, DEFAULT_MAX_TOKENS, Finish, LlmJob, MODEL_ENV, ModelHash, SMOLLM2_SHA256, SMOLLM2_SYSTEM_PROMPT,
    error::{LlmError, Result},
    tokenizer,
};
use candle_core::{Device, Tensor, quantized::gguf_file::Content};
use candle_transformers::models::quantized_llama::{MAX_SEQ_LEN, ModelWeights};
use sha2::{Digest, Sha256};
use std::{fmt, io::Cursor, path::PathBuf};
use tokenizers::Tokenizer;

/// How to load the in-process model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LlmConfig {
    /// The GGUF file.
    pub model_path: PathBuf,
    /// The sha256 the file must have: the loader refuses any other file.
    pub sha256: ModelHash,
    /// The answer's budget of [`Llm::answer`].
    pub max_tokens: u32,
    /// The system message of [`Llm::answer`].
    pub system_prompt: String,
}

impl LlmConfig {
    /// The pinned SmolLM2-135M-Instruct ([`SMOLLM2_SHA256`]) at `model_path`, with its default
    /// system prompt and [`DEFAULT_MAX_TOKENS`].
    pub fn smollm2(model_path: impl Into<PathBuf>) -> Self {
        Self {
            model_path: model_path.into(),
            sha256: SMOLLM2_SHA256,
            max_tokens: DEFAULT_MAX_TOKENS,
            system_prompt: SMOLLM2_SYSTEM_PROMPT.to_owned(),
        }
    }

    /// [`smollm2`](Self::smollm2) at the path in the [`MODEL_ENV`] environment variable.
    pub fn smollm2_from_env() -> Result<Self> {
        let path = std::env::var_os(MODEL_ENV).filter(|p| !p.is_empty()).ok_or(LlmError::ModelEnvUnset)?;
        Ok(Self::smollm2(path))
    }
}

/// The token ids of the `ChatML` template (`<|im_start|>role\ncontent<|im_end|>\n`), which
/// SmolLM2-Instruct's GGUF `tokenizer.chat_template` renders.
#[derive(Debug, Clone, Copy)]
struct ChatMl {
    im_start: u32,
    im_end: u32,
}

/// A loaded model: weights, tokenizer and template from one hashed file. Answering takes `&self`
/// (each answer runs on its own key-value cache over the shared weights), so one `Llm` can be
/// shared between threads; candle's CPU pool runs one operation at a time, so concurrent answers
/// interleave rather than add up. [`answer`](Self::answer) is CPU-bound and blocking (async
/// callers use `spawn_blocking`, as [`LlmBackend`](super::LlmBackend) does).
pub struct Llm {
    weights: ModelWeights,
    tokenizer: Tokenizer,
    chat: ChatMl,
    eos: u32,
    context: usize,
    config: LlmConfig,
    device: Device,
}

impl fmt::Debug for Llm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Llm")
            .field("model_path", &self.config.model_path)
            .field("sha256", &format_args!("{:x}", self.config.sha256))
            .field("context", &self.context)
            .finish_non_exhaustive()
    }
}

impl Llm {
    /// Reads the model file, checks its sha256 against the configuration's, and loads the
    /// weights, tokenizer and chat template from the bytes that were hashed (the file is read
    /// once, so what runs is what was checked).
    pub fn load(config: &LlmConfig) -> Result<Self> {
        let path = &config.model_path;
        let bytes = std::fs::read(path).map_err(|source| match source.kind() {
            std::io::ErrorKind::NotFound => LlmError::ModelMissing { path: path.clone() },
            _ => LlmError::Read { path: path.clone(), source },
        })?;
        let actual = ModelHash::from(<[u8; 32]>::from(Sha256::digest(&bytes)));
        if actual != config.sha256 {
            return Err(LlmError::HashMismatch { path: path.clone(), expected: config.sha256, actual });
        }

        let gguf = |source| LlmError::Gguf { path: path.clone(), source };
        let unsupported = |reason: String| LlmError::Unsupported { path: path.clone(), reason };
        let mut reader = Cursor::new(bytes);
        let content = Content::read(&mut reader).map_err(gguf)?;
        let arch = tokenizer::string(&content, path, "general.architecture")?;
        if arch != "llama" {
            return Err(unsupported(format!("architecture `{arch}` (only `llama`)")));
        }
        let tokenizer = tokenizer::from_gguf(&content, path)?;
        let template = tokenizer::string(&content, path, "tokenizer.chat_template")?;
        let id = |token: &str| {
            tokenizer.token_to_id(token).ok_or_else(|| unsupported(format!("no `{token}` token")))
        };
        if !template.contains("<|im_start|>") {
            return Err(unsupported("its chat template is not ChatML (<|im_start|>)".into()));
        }
        let chat = ChatMl { im_start: id("<|im_start|>")?, im_end: id("<|im_end|>")? };
        let eos = u32::try_from(tokenizer::integer(&content, path, "tokenizer.ggml.eos_token_id")?)
            .map_err(|_| unsupported("`tokenizer.ggml.eos_token_id` is out of range".into()))?;
        let trained = tokenizer::integer(&content, path, "llama.context_length")?;
        // candle precomputes the rotary embedding for MAX_SEQ_LEN positions
        let context = usize::try_from(trained).unwrap_or(usize::MAX).min(MAX_SEQ_LEN);

        let device = Device::Cpu;
        let weights = ModelWeights::from_gguf(content, &mut reader, &device).map_err(gguf)?;
        tracing::debug!(path = %path.display(), sha256 = %format_args!("{actual:x}"), context, "model loaded");
        Ok(Self { weights, tokenizer, chat, eos, context, config: config.clone(), device })
    }

    /// The sha256 of the loaded model file.
    pub fn model_sha256(&self) -> ModelHash {
        self.config.sha256
    }

    /// The configuration the model was loaded with.
    pub fn config(&self) -> &LlmConfig {
        &self.config
    }

    /// Answers `prompt` with the configured system prompt and budget.
    pub fn answer(&self, prompt: &str) -> Result<Answer> {
        self.complete(&LlmJob {
            system_prompt: self.config.system_prompt.clone(),
            prompt: prompt.to_owned(),
            max_tokens: self.config.max_tokens,
        })
    }

    /// Answers one job: greedy decoding from the templated prompt until an end-of-turn token or
    /// `max_tokens`.
    pub fn complete(&self, job: &LlmJob) -> Result<Answer> {
        let prompt = self.prompt_ids(job)?;
        let budget = usize::try_from(job.max_tokens).unwrap_or(usize::MAX);
        if prompt.len().saturating_add(budget) > self.context {
            return Err(LlmError::PromptTooLong {
                prompt_tokens: prompt.len(),
                max_tokens: job.max_tokens,
                context: self.context,
            });
        }

        // a fresh key-value cache over the shared weights (the clone shares the tensors)
        let mut model = self.weights.clone();
        let mut generated = Vec::with_capacity(budget);
        let mut finish = Finish::Length;
        if budget > 0 {
            let input = Tensor::new(prompt.as_slice(), &self.device)?.unsqueeze(0)?;
            let mut logits = model.forward(&input, 0)?;
            loop {
                let next = greedy(&logits)?;
                if next == self.eos || next == self.chat.im_end {
                    finish = Finish::Stop;
                    break;
                }
                generated.push(next);
                if generated.len() == budget {
                    break;
                }
                let input = Tensor::new(&[next], &self.device)?.unsqueeze(0)?;
                logits = model.forward(&input, prompt.len() + generated.len() - 1)?;
            }
        }
        let text = self.tokenizer.decode(&generated, true).map_err(|e| LlmError::Tokenizer(e.to_string()))?;
        Ok(Answer {
            model_sha256: self.config.sha256,
            job: job.clone(),
            text,
            tokens: u32::try_from(generated.len()).expect("at most max_tokens"),
            finish,
        })
    }

    /// How many tokens the job's templated prompt takes (what the prefill processes; with
    /// `max_tokens` it must fit the context).
    pub fn prompt_tokens(&self, job: &LlmJob) -> Result<usize> {
        Ok(self.prompt_ids(job)?.len())
    }

    /// The templated prompt's token ids: `<|im_start|>system\n{system}<|im_end|>\n
    /// <|im_start|>user\n{prompt}<|im_end|>\n<|im_start|>assistant\n`, the control tokens by id
    /// and the texts encoded as text, so a prompt that spells `<|im_end|>` cannot break out of
    /// its message.
    fn prompt_ids(&self, job: &LlmJob) -> Result<Vec<u32>> {
        let mut ids = Vec::new();
        for (role, content) in [("system", job.system_prompt.as_str()), ("user", job.prompt.as_str())] {
            ids.push(self.chat.im_start);
            ids.extend(self.encode(&format!("{role}\n{content}"))?);
            ids.push(self.chat.im_end);
            ids.extend(self.encode("\n")?);
        }
        ids.push(self.chat.im_start);
        ids.extend(self.encode("assistant\n")?);
        Ok(ids)
    }

    fn encode(&self, text: &str) -> Result<Vec<u32>> {
        let encoding = self.tokenizer.encode(text, false).map_err(|e| LlmError::Tokenizer(e.to_string()))?;
        Ok(encoding.get_ids().to_vec())
    }
}

/// The greedy choice: the id of the largest logit, the lowest id on a tie (a fixed rule, so
/// every node breaks a tie alike). A NaN logit is an error, not a choice.
fn greedy(logits: &Tensor) -> Result<u32> {
    let logits = logits.squeeze(0)?.to_vec1::<f32>()?;
    let mut best: Option<(usize, f32)> = None;
    for (i, &x) in logits.iter().enumerate() {
        if x.is_nan() {
            return Err(candle_core::Error::msg(format!("the logit of token {i} is NaN")).into());
        }
        if best.is_none_or(|(_, b)| x > b) {
            best = Some((i, x));
        }
    }
    let (id, _) = best.ok_or_else(|| candle_core::Error::msg("empty logits"))?;
    Ok(u32::try_from(id).expect("vocabulary ids fit u32"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn greedy_takes_the_first_maximum() {
        let logits = Tensor::new(&[[0.5f32, 2.0, -1.0, 2.0]], &Device::Cpu).unwrap();
        assert_eq!(greedy(&logits).unwrap(), 1);
    }

    #[test]
    fn greedy_refuses_nan() {
        let logits = Tensor::new(&[[0.5f32, f32::NAN]], &Device::Cpu).unwrap();
        let err = greedy(&logits).unwrap_err().to_string();
        assert!(err.contains("token 1 is NaN"), "{err}");
    }
}
