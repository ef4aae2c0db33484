//! The in-process backend: revm with Cancun rules over an in-memory database.

use super::{Chain, Error, Result, TxOutcome};
use alloy::{
    primitives::{Address, B256, Bytes, U256, keccak256},
    signers::local::PrivateKeySigner,
};
use revm::{
    Context, ExecuteCommitEvm, ExecuteEvm, MainBuilder, MainContext, MainnetEvm,
    context::{ContextTr, TxEnv, result::ExecutionResult},
    database::{CacheDB, EmptyDB},
    database_interface::DatabaseRef,
    handler::MainnetContext,
    primitives::{TxKind, hardfork::SpecId},
    state::AccountInfo,
};

/// Chain id the in-process chain reports (anvil's, so signatures match across backends).
const CHAIN_ID: u64 = 31337;
/// Timestamp of the genesis block.
const GENESIS_TIMESTAMP: u64 = 1_700_000_000;
/// Gas limit of every transaction and call.
const GAS_LIMIT: u64 = 16_000_000;
/// Keys of the funded accounts: anvil's ten default dev accounts (the public test mnemonic
/// "test test ... junk"), so both backends see the same addresses and calldata.
const DEV_KEYS: [&str; 10] = [
    "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
    "59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
    "5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
    "7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6",
    "47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a",
    "8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba",
    "92db14e403b83dfe3df233f83dfa3a0d7096f21ca9b0d6d6b8d88b2b4ec1564e",
    "4bbbf85ce3377467afe5d46f804f221813b2bb87f24d81f60f1fcdbf7cbf4356",
    "dbda1821b80551c9d65939329250298aa3472ba22feea921c0cf5d620ea67b97",
    "2a871d0798f97d79848a013d4936a73bf4cc922c825d33c1cf7073dff6d409c6",
];

type Evm = MainnetEvm<MainnetContext<CacheDB<EmptyDB>>>;

/// revm in-process: every transaction is mined in its own block (number + 1, timestamp + 1);
/// calls run against the latest block, as `eth_call` does on a node.
#[allow(missing_debug_implementations)] // the EVM holds no Debug
pub struct RevmChain {
    evm: Evm,
    accounts: Vec<PrivateKeySigner>,
}

impl Default for RevmChain {
    fn default() -> Self {
        Self::new()
    }
}

impl RevmChain {
    /// A fresh chain whose [`DEV_KEYS`] accounts hold 10,000 ether each.
    pub fn new() -> Self {
        let mut db = CacheDB::new(EmptyDB::new());
        let accounts: Vec<PrivateKeySigner> =
            DEV_KEYS.iter().map(|key| key.parse().expect("the dev keys are valid")).collect();
        for signer in &accounts {
            let balance = U256::from(10_000u64) * masa_bindings::MASA; // 10,000 ether: same decimals
            db.insert_account_info(signer.address(), AccountInfo { balance, ..Default::default() });
        }
        let evm = Context::mainnet()
            .with_db(db)
            .modify_cfg_chained(|cfg| {
                cfg.set_spec_and_mainnet_gas_params(SpecId::CANCUN);
                cfg.chain_id = CHAIN_ID;
            })
            .modify_block_chained(|block| {
                block.number = U256::ZERO;
                block.timestamp = U256::from(GENESIS_TIMESTAMP);
                block.gas_limit = 30_000_000;
                block.basefee = 0;
            })
            .build_mainnet();
        Self { evm, accounts }
    }

    fn nonce(&self, account: Address) -> Result<u64> {
        let info = self.evm.ctx.db_ref().basic_ref(account).map_err(|e| Error::Revm(e.to_string()))?;
        Ok(info.map_or(0, |info| info.nonce))
    }

    fn tx(&self, from: Address, kind: TxKind, data: Bytes) -> Result<TxEnv> {
        TxEnv::builder()
            .caller(from)
            .kind(kind)
            .data(data)
            .nonce(self.nonce(from)?)
            .chain_id(Some(CHAIN_ID))
            .gas_limit(GAS_LIMIT)
            .gas_price(0)
            .build()
            .map_err(|e| Error::Revm(format!("{e:?}")))
    }

    /// The hash `BLOCKHASH` sees for block `number` (the in-memory database's).
    fn block_hash(&self, number: u64) -> Result<B256> {
        self.evm.ctx.db_ref().block_hash_ref(number).map_err(|e| Error::Revm(e.to_string()))
    }

    /// Opens the next block (number + 1, timestamp + `secs`).
    fn next_block(&mut self, secs: u64) {
        self.evm.ctx.modify_block(|block| {
            block.number += U256::from(1);
            block.timestamp += U256::from(secs);
        });
    }

    fn mine(&mut self, from: Address, kind: TxKind, data: Bytes) -> Result<TxOutcome> {
        self.next_block(1);
        let tx = self.tx(from, kind, data)?;
        // No signed transaction exists in-process: the (chain id, sender, nonce) triple names it.
        let tx_hash =
            keccak256([&CHAIN_ID.to_be_bytes()[..], from.as_slice(), &tx.nonce.to_be_bytes()].concat());
        let block_number: u64 = self.evm.ctx.block.number.to();
        let block_hash = self.block_hash(block_number)?;
        let result = self.evm.transact_commit(tx).map_err(|e| Error::Revm(e.to_string()))?;
        Ok(TxOutcome {
            tx_hash,
            block_number,
            block_hash,
            success: result.is_success(),
            gas_used: result.tx_gas_used(),
            created: result.created_address(),
            logs: result.logs().to_vec(),
        })
    }
}

impl Chain for RevmChain {
    fn name(&self) -> &'static str {
        "revm"
    }

    fn chain_id(&self) -> u64 {
        CHAIN_ID
    }

    fn accounts(&self) -> &[PrivateKeySigner] {
        &self.accounts
    }

    async fn deploy(&mut self, from: Address, init_code: Bytes) -> Result<TxOutcome> {
        self.mine(from, TxKind::Create, init_code)
    }

    async fn transact(&mut self, from: Address, to: Address, data: Bytes) -> Result<TxOutcome> {
        self.mine(from, TxKind::Call(to), data)
    }

    async fn call(&self, from: Address, to: Address, data: Bytes) -> Result<Result<Bytes, Bytes>> {
        // `transact` executes without committing; the evm is cloned so `&self` suffices.
        let tx = self.tx(from, TxKind::Call(to), data)?;
        let mut evm = Context::mainnet()
            .with_db(self.evm.ctx.db_ref().clone())
            .with_cfg(self.evm.ctx.cfg.clone())
            .with_block(self.evm.ctx.block.clone())
            .build_mainnet();
        let result = evm.transact(tx).map_err(|e| Error::Revm(e.to_string()))?.result;
        Ok(match result {
            ExecutionResult::Success { output, .. } => Ok(output.into_data()),
            ExecutionResult::Revert { output, .. } => Err(output),
            ExecutionResult::Halt { reason, .. } => {
                return Err(Error::Revm(format!("call halted: {reason:?}")));
            }
        })
    }

    async fn code_at(&self, address: Address) -> Result<Bytes> {
        let db = self.evm.ctx.db_ref();
        let Some(info) = db.basic_ref(address).map_err(|e| Error::Revm(e.to_string()))? else {
            return Ok(Bytes::new());
        };
        let code = match info.code {
            Some(code) => code,
            None => db.code_by_hash_ref(info.code_hash).map_err(|e| Error::Revm(e.to_string()))?,
        };
        Ok(code.original_bytes())
    }

    async fn timestamp(&self) -> Result<u64> {
        Ok(self.evm.ctx.block.timestamp.to())
    }

    async fn advance_time(&mut self, secs: u64) -> Result<()> {
        self.next_block(secs);
        Ok(())
    }
}
