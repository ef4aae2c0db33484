//! Stops early, with the command to run, when the Foundry artifacts the bindings are generated
//! from do not exist yet. (Changes to the artifacts rebuild the crate through the
//! `include_str!` of each one in `src/contracts.rs`.)

use std::path::Path;

/// Our artifacts (forge) and the external ones (tools/external-artifacts).
const DIRS: [(&str, &str); 3] = [
    ("../../contracts/out", "MasaToken.sol/MasaToken.json"),
    ("../../contracts/external", "uniswap-v2/UniswapV2Router02.json"),
    ("../../contracts/external", "poseidon/PoseidonT6.json"),
];

fn main() {
    for (dir, probe) in DIRS {
        println!("cargo:rerun-if-changed={dir}");
        assert!(
            Path::new(dir).join(probe).exists(),
            "contract artifacts are missing from {dir}: run `make contracts` first"
        );
    }
}
