//! End-to-end tests: every scenario on revm and on anvil, and `masa deploy` against anvil.

mod deploy;
mod fees;
mod governance;
mod marketplace;
mod masa_token;
mod oracle;
mod passes;
mod pools;
mod zksbt;
