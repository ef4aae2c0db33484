//! Stops early, with the command to run, when the Foundry artifacts the bindings are generated
//! from do not exist yet. (Changes to the artifacts rebuild the crate through the
//! `include_str!` of each one in `src/contracts.rs`.)

use std::path::Path;

const OUT: &str = "../../contracts/out";

fn main() {
    println!("cargo:rerun-if-changed={OUT}");
    assert!(
        Path::new(OUT).join("MasaToken.sol/MasaToken.json").exists(),
        "contract artifacts are missing from {OUT}: run `make contracts` (forge build) first"
    );
}
