//! Job sources: where a node's answers come from.
//!
//! Each kind of job defines its *canonical result*, the value nodes hash and sign, and so how
//! independent nodes agree: two nodes agree on a job when their result hashes are equal (the
//! `resultHash` of `OracleNodes`' EIP-712 `Result`). Only [`llm`] exists today; web, chain and
//! social sources follow.

pub mod llm;

use alloy::primitives::B256;

/// A job's result as nodes compare it.
pub trait JobResult {
    /// The hash of the canonical encoding of the result: equal for every honest node that ran
    /// the same job under the same configuration. Each source documents what it hashes.
    fn result_hash(&self) -> B256;
}
