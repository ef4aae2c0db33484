//! The genesis allocation table (`deployments/allocations/<network>.json`): who receives which
//! part of the MASA supply, on which vesting schedule. A reviewed data file, not code.
//!
//! Amounts are whole MASA as decimal strings; schedules are named and shared by entries; a
//! beneficiary is an address or the name of a suite contract (`TimelockController` for the DAO
//! treasury), resolved once the suite is deployed.

use super::{Error, params::AddressRef};
use alloy::primitives::{Address, U256};
use masa_bindings::contracts::{
    IMasaGenesis,
    genesis::{Category, ReferenceEvent},
};
use serde::Deserialize;
use std::{collections::BTreeMap, path::Path};

/// Seconds in the `…Days` fields.
const DAY: u64 = 86_400;

/// The whole file.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AllocationTable {
    /// The network the table is for.
    pub network: String,
    /// Named vesting schedules.
    pub schedules: BTreeMap<String, Schedule>,
    /// Allocation entries, in distribution order.
    pub allocations: Vec<Entry>,
}

/// A vesting schedule: lock-up after the reference event, a share at lock end, the rest linear.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Schedule {
    /// The event the lock-up counts from.
    pub reference: ReferenceEvent,
    /// Days after the reference event during which nothing vests.
    pub lockup_days: u64,
    /// Share released when the lock-up ends, in basis points.
    pub unlock_bps: u16,
    /// Days over which the rest vests linearly.
    pub linear_days: u64,
    /// Whether governance may revoke the unvested part (team and advisors only).
    pub revocable: bool,
}

/// A human-readable name of an allocation category.
pub const fn category_label(category: Category) -> &'static str {
    match category {
        Category::CoreTeam => "core team",
        Category::PartnersAdvisors => "partners & advisors",
        Category::PrivateRound => "private round",
        Category::CoinList => "CoinList community sale",
        Category::CommunityRewards => "community rewards",
        Category::OracleStakingRewards => "oracle node staking rewards",
        Category::EcosystemGrowth => "ecosystem growth",
        Category::__Invalid => "unknown",
    }
}

/// One allocation.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// Its category.
    pub category: Category,
    /// Its beneficiary.
    pub beneficiary: AddressRef,
    /// Whole MASA, as a decimal string.
    pub amount: String,
    /// Name of its schedule in [`AllocationTable::schedules`].
    pub schedule: String,
}

impl AllocationTable {
    /// Reads the table at `path`.
    pub fn load(path: impl AsRef<Path>) -> Result<Self, Error> {
        let path = path.as_ref();
        let file = |reason: String| Error::File { path: path.to_path_buf(), reason };
        let text = std::fs::read_to_string(path).map_err(|e| file(e.to_string()))?;
        serde_json::from_str(&text).map_err(|e| file(e.to_string()))
    }

    /// The entries as `MasaGenesis.distribute` takes them, with contract beneficiaries resolved
    /// by `resolve`. Checks names, amounts and the sum against `total_supply` (wei) first, so a
    /// bad table fails before anything is sent.
    pub fn entries(
        &self,
        total_supply: U256,
        resolve: impl Fn(&str) -> Option<Address>,
    ) -> Result<Vec<IMasaGenesis::Allocation>, TableError> {
        let mut sum = U256::ZERO;
        let mut entries = Vec::with_capacity(self.allocations.len());
        for (index, entry) in self.allocations.iter().enumerate() {
            let schedule = self
                .schedules
                .get(&entry.schedule)
                .ok_or_else(|| TableError::UnknownSchedule { index, schedule: entry.schedule.clone() })?;
            let whole: U256 = entry
                .amount
                .parse()
                .map_err(|_| TableError::BadAmount { index, amount: entry.amount.clone() })?;
            let amount = whole
                .checked_mul(masa_bindings::MASA)
                .ok_or_else(|| TableError::BadAmount { index, amount: entry.amount.clone() })?;
            let beneficiary = entry.beneficiary.resolve(&resolve).ok_or_else(|| {
                TableError::UnknownContract { index, name: format!("{:?}", entry.beneficiary) }
            })?;
            sum = sum.saturating_add(amount);
            entries.push(IMasaGenesis::Allocation {
                category: entry.category.into(),
                beneficiary,
                amount,
                referenceEvent: schedule.reference.into(),
                lockup: schedule.lockup_days * DAY,
                unlockBps: schedule.unlock_bps,
                linearDuration: schedule.linear_days * DAY,
                revocable: schedule.revocable,
            });
        }
        if sum != total_supply {
            return Err(TableError::WrongTotal { sum, total_supply });
        }
        Ok(entries)
    }
}

/// A table that cannot be distributed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TableError {
    /// An entry names a schedule the table does not define.
    #[error("allocation #{index} uses undefined schedule {schedule:?}")]
    UnknownSchedule {
        /// Entry index.
        index: usize,
        /// The schedule name.
        schedule: String,
    },
    /// An amount is not a whole number of MASA.
    #[error("allocation #{index} has amount {amount:?}, not a whole number of MASA")]
    BadAmount {
        /// Entry index.
        index: usize,
        /// The amount as written.
        amount: String,
    },
    /// A beneficiary names a contract the suite does not have.
    #[error("allocation #{index} names beneficiary {name:?}, which is not a contract of the suite")]
    UnknownContract {
        /// Entry index.
        index: usize,
        /// The name.
        name: String,
    },
    /// The entries do not add up to the supply.
    #[error("allocations sum to {sum} wei, but the supply is {total_supply} wei")]
    WrongTotal {
        /// Their sum.
        sum: U256,
        /// The supply.
        total_supply: U256,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    fn anvil() -> AllocationTable {
        AllocationTable::load(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../deployments/allocations/anvil.json"
        ))
        .unwrap()
    }

    #[test]
    fn the_anvil_table_covers_the_supply_exactly() {
        let timelock = Address::repeat_byte(0x71);
        let entries = anvil()
            .entries(masa_bindings::TOTAL_SUPPLY, |name| (name == "TimelockController").then_some(timelock))
            .unwrap();
        let ecosystem = entries.iter().find(|e| e.category == u8::from(Category::EcosystemGrowth)).unwrap();
        assert_eq!(ecosystem.beneficiary, timelock);
        assert_eq!(Category::try_from(ecosystem.category).unwrap(), Category::EcosystemGrowth);
        assert_eq!(category_label(Category::EcosystemGrowth), "ecosystem growth");
        assert_eq!(ecosystem.amount, masa_bindings::masa(311_080_041));
    }

    #[test]
    fn bad_tables_are_rejected_before_sending() {
        let mut table = anvil();
        let err = table.entries(masa_bindings::TOTAL_SUPPLY, |_| None).unwrap_err();
        assert!(matches!(err, TableError::UnknownContract { .. }), "{err}");
        table.allocations[0].amount = "12.5".into();
        let err = table.entries(masa_bindings::TOTAL_SUPPLY, |_| Some(Address::ZERO)).unwrap_err();
        assert!(matches!(err, TableError::BadAmount { index: 0, .. }), "{err}");
        table.allocations[0].amount = "1".into();
        let err = table.entries(masa_bindings::TOTAL_SUPPLY, |_| Some(Address::ZERO)).unwrap_err();
        assert!(matches!(err, TableError::WrongTotal { .. }), "{err}");
        table.allocations[0].schedule = "nope".into();
        let err = table.entries(masa_bindings::TOTAL_SUPPLY, |_| Some(Address::ZERO)).unwrap_err();
        assert_eq!(err.to_string(), "allocation #0 uses undefined schedule \"nope\"");
    }
}
