//! End-to-end tests: every scenario on revm and on anvil, and `masa deploy` against anvil.

mod deploy;
mod fee_cli;
mod fees;
mod governance;
mod masa_token;
mod sbt_cli;
mod vesting;
mod zksbt;
