//! Fails early, with the command to run, when the Foundry artifacts the bindings are generated
//! from do not exist yet, and rebuilds the bindings whenever an artifact changes.

use std::path::Path;

/// Artifacts read by `src/contracts.rs`, relative to this crate.
const ARTIFACTS: &[&str] = &["../../contracts/out/MasaToken.sol/MasaToken.json"];

fn main() {
    for artifact in ARTIFACTS {
        println!("cargo:rerun-if-changed={artifact}");
        assert!(
            Path::new(artifact).exists(),
            "contract artifact {artifact} is missing: run `make contracts` (forge build) first"
        );
    }
}
