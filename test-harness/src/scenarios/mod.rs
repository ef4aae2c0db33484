//! Scenarios: end-to-end stories written once against [`Chain`](crate::Chain), run on every
//! backend by the tests in `tests/it`.

pub mod fees;
pub mod governance;
pub mod marketplace;
pub mod masa_token;
pub mod oracle;
pub mod passes;
pub mod pools;
pub mod zksbt;
