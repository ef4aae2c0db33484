//! The whole data marketplace with real delivery proofs on revm and on anvil: two developers,
//! three people, overlapping pools and two passes; the datasets equal the people's records and
//! every wei is accounted for, on both chains alike.

use crate::pools::delivery_prover;
use alloy::primitives::U256;
use masa_test_harness::{AnvilChain, RevmChain, scenarios::marketplace};

#[tokio::test]
async fn two_developers_three_people_on_revm_and_anvil() {
    let mut prover = delivery_prover();
    let on_revm = marketplace::two_developers_three_people(&mut RevmChain::new(), &mut prover).await.unwrap();
    let on_anvil = marketplace::two_developers_three_people(&mut AnvilChain::spawn().unwrap(), &mut prover)
        .await
        .unwrap();
    for exported in [&on_revm, &on_anvil] {
        assert_eq!(exported.rows, [2, 2, 1], "{exported:?}");
        assert!(exported.income.iter().all(|&wei| wei > U256::ZERO), "everyone was paid: {exported:?}");
    }
}
