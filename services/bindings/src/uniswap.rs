//! The real Uniswap V2 contracts (npm `@uniswap/v2-core` 1.0.1, `@uniswap/v2-periphery`), bound
//! from their published build artifacts (reshaped into `contracts/external/uniswap-v2` by
//! `tools/external-artifacts`, bytecode unchanged): the fee router swaps through them, the devnet
//! and the tests deploy them. The router's hard-coded pair init-code hash
//! (`0x96e8ac42…845f`) matches the pair bytecode in `@uniswap/v2-core`'s build.

// Generated from the published ABIs.
#![allow(missing_docs, clippy::too_many_arguments)]

use alloy::sol;

sol!(
    #[sol(rpc)]
    #[derive(Debug, PartialEq, Eq)]
    UniswapV2Factory,
    "../../contracts/external/uniswap-v2/UniswapV2Factory.json"
);

sol!(
    #[sol(rpc)]
    #[derive(Debug, PartialEq, Eq)]
    UniswapV2Pair,
    "../../contracts/external/uniswap-v2/UniswapV2Pair.json"
);

sol!(
    #[sol(rpc)]
    #[derive(Debug, PartialEq, Eq)]
    UniswapV2Router02,
    "../../contracts/external/uniswap-v2/UniswapV2Router02.json"
);

sol!(
    #[sol(rpc)]
    #[derive(Debug, PartialEq, Eq)]
    WETH9,
    "../../contracts/external/uniswap-v2/WETH9.json"
);

#[cfg(test)]
mod tests {
    use super::*;
    use alloy::primitives::{b256, keccak256};

    #[test]
    fn the_router_expects_this_pair_bytecode() {
        assert_eq!(
            keccak256(&UniswapV2Pair::BYTECODE),
            b256!("0x96e8ac4277198ff8b6f785478aa9a39f403cb768dd02cbee326c3e7da348845f")
        );
        assert!(!UniswapV2Router02::BYTECODE.is_empty() && !WETH9::BYTECODE.is_empty());
    }
}
