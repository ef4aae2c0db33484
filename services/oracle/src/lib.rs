#![doc = include_str!("../README.md")]

pub mod api;
pub mod attest;
pub mod config;
pub mod metrics;
pub mod node;
pub mod peers;
pub mod sources;
pub mod store;
pub mod tx;

pub use sources::{
    JobResult, Normalized, Source, SourceError,
    chain::{Activity, ChainConfig, ChainSource},
    llm::{Answer, HttpConfig, HttpLlm, Llm, LlmBackend, LlmConfig, LlmError, LlmJob},
    social::{
        BearerToken, SocialConfig, SocialData, SocialRecord, SocialSource, Target as SocialTarget, XPost,
        XUser,
    },
    web::{WebConfig, WebPage, WebSource},
};
