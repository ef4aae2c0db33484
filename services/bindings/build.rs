//! Stops early, with the command to run, when the Foundry artifacts the bindings are generated
//! from do not exist yet. (Changes to the artifacts rebuild the crate through the
//! `include_str!` of each one in `src/contracts.rs`.)
//!
//! Also copies the `enum` declarations of `IMasaGenesis.sol` into `$OUT_DIR/genesis_enums.rs`
//! as a `sol!` block: JSON ABIs lose enum members' names.

use std::{fmt::Write, path::Path};

/// Our artifacts (forge) and the external ones (tools/external-artifacts).
const DIRS: [(&str, &str); 3] = [
    ("../../contracts/out", "MasaToken.sol/MasaToken.json"),
    ("../../contracts/external", "uniswap-v2/UniswapV2Router02.json"),
    ("../../contracts/external", "poseidon/PoseidonT6.json"),
];

/// The interface whose enums the allocation tables name.
const GENESIS_INTERFACE: &str = "../../contracts/src/interfaces/IMasaGenesis.sol";

fn main() {
    for (dir, probe) in DIRS {
        println!("cargo:rerun-if-changed={dir}");
        assert!(
            Path::new(dir).join(probe).exists(),
            "contract artifacts are missing from {dir}: run `make contracts` first"
        );
    }
    println!("cargo:rerun-if-changed={GENESIS_INTERFACE}");
    let source = std::fs::read_to_string(GENESIS_INTERFACE).expect("the genesis interface is readable");
    let mut out = String::from("alloy::sol! {\n");
    // `enum Name { A, B, ... }` declarations: lines that start with `enum` (our sources put no
    // comments inside them).
    let starts = source
        .match_indices("enum ")
        .map(|(i, _)| i)
        .filter(|&i| source[..i].rsplit('\n').next().is_some_and(|indent| indent.trim().is_empty()));
    for rest in starts.map(|i| &source[i..]) {
        let end = rest.find('}').expect("an enum declaration ends with `}`");
        writeln!(
            out,
            "    #[derive(Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]\n    {}}}",
            &rest[..end]
        )
        .expect("writing to a string");
    }
    out.push_str("}\n");
    let path = Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("genesis_enums.rs");
    std::fs::write(path, out).expect("OUT_DIR is writable");
}
