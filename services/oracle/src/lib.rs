#![doc = include_str!("../README.md")]

pub mod sources;

pub use sources::{
    JobResult,
    llm::{Answer, HttpConfig, HttpLlm, Llm, LlmBackend, LlmConfig, LlmError, LlmJob},
};
