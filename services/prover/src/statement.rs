//! A disclosure statement ("field 0 >= 700, attested by one of these issuers, for this scope
//! and message"), checked against a record before any proving work.

use crate::{
    field::{NotInField, to_fr},
    poseidon::{self, FIELDS, IssuerSetSize},
    record::Record,
};
use alloy::primitives::{Address, U256};
use ark_bn254::Fr;
use serde::{Deserialize, Serialize};
use std::{fmt, str::FromStr};

/// The comparison, as the circuit numbers it (`circuits/lib/predicate.circom`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Operator {
    /// `value == a`
    #[serde(rename = "==")]
    Eq = 0,
    /// `value != a`
    #[serde(rename = "!=")]
    Ne = 1,
    /// `value < a`
    #[serde(rename = "<")]
    Lt = 2,
    /// `value <= a`
    #[serde(rename = "<=")]
    Le = 3,
    /// `value > a`
    #[serde(rename = ">")]
    Gt = 4,
    /// `value >= a`
    #[serde(rename = ">=")]
    Ge = 5,
    /// `a <= value <= b`
    #[serde(rename = "in")]
    InRange = 6,
}

impl Operator {
    /// All operators, by circuit number.
    pub const ALL: [Self; 7] = [Self::Eq, Self::Ne, Self::Lt, Self::Le, Self::Gt, Self::Ge, Self::InRange];

    /// The symbol (`==`, ..., `in`).
    pub const fn symbol(self) -> &'static str {
        match self {
            Self::Eq => "==",
            Self::Ne => "!=",
            Self::Lt => "<",
            Self::Le => "<=",
            Self::Gt => ">",
            Self::Ge => ">=",
            Self::InRange => "in",
        }
    }

    /// Whether `value` satisfies the operator against `a` (and `b` for a range).
    pub const fn holds(self, value: u64, a: u64, b: u64) -> bool {
        match self {
            Self::Eq => value == a,
            Self::Ne => value != a,
            Self::Lt => value < a,
            Self::Le => value <= a,
            Self::Gt => value > a,
            Self::Ge => value >= a,
            Self::InRange => a <= value && value <= b,
        }
    }
}

impl fmt::Display for Operator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.symbol())
    }
}

impl FromStr for Operator {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|op| op.symbol() == s)
            .ok_or_else(|| format!("unknown operator {s:?} (expected one of == != < <= > >= in)"))
    }
}

/// Against what the record is proven.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// Against the record's own leaf: the verifier learns which token it is.
    Direct = 0,
    /// Against a root of the registry's tree: the verifier learns only "one of the records".
    Anonymous = 1,
}

/// What is disclosed about a record, and to whom it is bound.
///
/// As JSON: `{"mode": "direct"|"anonymous", "fieldIndex", "operator", "operandA", "operandB"
/// (only for "in"), "scope", "messageHash", "validUntil", "issuers" (optional)}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Statement {
    /// Direct or anonymous.
    pub mode: Mode,
    /// Which field, in `[0, 8)`.
    pub field_index: u8,
    /// The comparison.
    pub operator: Operator,
    /// First operand.
    pub operand_a: u64,
    /// Second operand (the range's upper bound; 0 for other operators).
    #[serde(default)]
    pub operand_b: u64,
    /// The nullifier scope (`ZkSBT.scopeOf(consumer, purpose)`).
    pub scope: U256,
    /// The bound message (`ZkSBT.messageHashOf(recipient, message)`).
    pub message_hash: U256,
    /// Unix time until which the disclosure holds: the record must not expire by then, and the
    /// registry refuses the disclosure after it.
    pub valid_until: u64,
    /// The attestation classes accepted: the record's issuer must be one of these 1 to 4
    /// addresses (`0x0…0`: self-attested records), and the proof's public `issuerSet` is
    /// their hash ([`poseidon::issuer_set`]). `None` (absent): any issuer, `issuerSet = 0`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuers: Option<Vec<Address>>,
}

/// Why a statement cannot be proven about a record.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StatementError {
    /// The field index is out of range.
    #[error("field index {0} is out of range: a record has {FIELDS} fields")]
    FieldIndex(u8),
    /// `operandB` is set for an operator other than `in`.
    #[error("operandB must be 0 unless the operator is `in` (got {0})")]
    OperandB(u64),
    /// The statement is false for this record: no proof exists.
    #[error("the statement is false for this record: field {field} is not {operator} {operands}")]
    False {
        /// The field index.
        field: u8,
        /// The operator.
        operator: Operator,
        /// The operand(s), as text.
        operands: String,
    },
    /// The record expires at or before `valid_until`: no proof exists.
    #[error("the record expires at {expiry}, not after validUntil {valid_until}")]
    Expired {
        /// The record's expiry.
        expiry: u64,
        /// The statement's validUntil.
        valid_until: u64,
    },
    /// The issuer set is empty or has more than 4 members.
    #[error(transparent)]
    IssuerSet(#[from] IssuerSetSize),
    /// The record's issuer is not in the statement's issuer set: no proof exists.
    #[error("the record's issuer {} is not in the issuer set {}", issuer_name(.issuer), set_names(.set))]
    IssuerNotInSet {
        /// The record's issuer.
        issuer: Address,
        /// The statement's issuer set.
        set: Vec<Address>,
    },
    /// A number is not a field element.
    #[error(transparent)]
    NotInField(#[from] NotInField),
}

fn issuer_name(a: &Address) -> String {
    if a.is_zero() { format!("{a} (self-attested)") } else { a.to_string() }
}

fn set_names(set: &[Address]) -> String {
    let names: Vec<String> = set.iter().map(ToString::to_string).collect();
    format!("[{}]", names.join(", "))
}

impl Statement {
    /// Checks that the statement is well formed and true for `record`, so that a failure is a
    /// clear error here and never a failed witness.
    pub fn check(&self, record: &Record) -> Result<(), StatementError> {
        let field = usize::from(self.field_index);
        if field >= FIELDS {
            return Err(StatementError::FieldIndex(self.field_index));
        }
        if self.operator != Operator::InRange && self.operand_b != 0 {
            return Err(StatementError::OperandB(self.operand_b));
        }
        to_fr("scope", self.scope)?;
        to_fr("messageHash", self.message_hash)?;
        if let Some(set) = &self.issuers {
            poseidon::issuer_set_members(set)?;
            if !set.contains(&record.issuer) {
                return Err(StatementError::IssuerNotInSet { issuer: record.issuer, set: set.clone() });
            }
        }
        if record.expiry != 0 && self.valid_until >= record.expiry {
            return Err(StatementError::Expired { expiry: record.expiry, valid_until: self.valid_until });
        }
        if !self.operator.holds(record.values[field], self.operand_a, self.operand_b) {
            let operands = if self.operator == Operator::InRange {
                format!("[{}, {}]", self.operand_a, self.operand_b)
            } else {
                self.operand_a.to_string()
            };
            return Err(StatementError::False { field: self.field_index, operator: self.operator, operands });
        }
        Ok(())
    }

    /// The public `issuerSet`: 0 without a set, else `Poseidon_4` of the padded members.
    pub fn issuer_set(&self) -> Result<Fr, IssuerSetSize> {
        self.issuers.as_deref().map_or(Ok(Fr::from(0u64)), poseidon::issuer_set)
    }

    /// The circuit's private `issuers[4]`: the padded set, or four zeros without one (the
    /// circuit ignores them when `issuerSet` is 0).
    pub fn issuer_members(&self) -> Result<[Address; poseidon::MAX_ISSUERS], IssuerSetSize> {
        self.issuers
            .as_deref()
            .map_or(Ok([Address::ZERO; poseidon::MAX_ISSUERS]), poseidon::issuer_set_members)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record() -> Record {
        Record {
            schema_id: U256::from(1),
            values: [720, 0, 0, 0, 0, 0, 0, u64::MAX],
            salt: U256::from(5),
            owner_secret: U256::from(6),
            issuer: Address::ZERO,
            expiry: 0,
        }
    }

    fn statement(operator: Operator, a: u64, b: u64) -> Statement {
        Statement {
            mode: Mode::Direct,
            field_index: 0,
            operator,
            operand_a: a,
            operand_b: b,
            scope: U256::from(1),
            message_hash: U256::from(2),
            valid_until: 1_000,
            issuers: None,
        }
    }

    #[test]
    fn operators_parse_and_hold() {
        for op in Operator::ALL {
            assert_eq!(op.symbol().parse::<Operator>().unwrap(), op);
        }
        assert!("=>".parse::<Operator>().is_err());
        assert!(Operator::InRange.holds(720, 700, 720));
        assert!(!Operator::InRange.holds(720, 721, 900));
        assert!(Operator::Ge.holds(700, 700, 0) && !Operator::Gt.holds(700, 700, 0));
    }

    #[test]
    fn false_and_malformed_statements_are_refused_before_proving() {
        let r = record();
        assert!(statement(Operator::Ge, 700, 0).check(&r).is_ok());
        assert!(matches!(statement(Operator::Ge, 721, 0).check(&r), Err(StatementError::False { .. })));
        assert_eq!(statement(Operator::Ge, 700, 1).check(&r), Err(StatementError::OperandB(1)));
        let mut s = statement(Operator::Eq, 720, 0);
        s.field_index = 8;
        assert_eq!(s.check(&r), Err(StatementError::FieldIndex(8)));
        let mut s = statement(Operator::Eq, 720, 0);
        s.scope = crate::field::MODULUS;
        assert!(matches!(s.check(&r), Err(StatementError::NotInField(_))));
        // an expiring record: provable until validUntil reaches its expiry
        let expiring = Record { expiry: 1_001, ..r };
        let s = statement(Operator::Ge, 700, 0);
        assert!(s.check(&expiring).is_ok());
        let expired = Record { expiry: 1_000, ..r };
        assert_eq!(s.check(&expired), Err(StatementError::Expired { expiry: 1_000, valid_until: 1_000 }));
    }

    #[test]
    fn issuer_sets_are_checked_before_proving() {
        let bureau = Address::repeat_byte(0xb0);
        let other = Address::repeat_byte(0x07);
        let attested = Record { issuer: bureau, ..record() };
        let self_attested = record();
        let with = |issuers: Option<Vec<Address>>| Statement { issuers, ..statement(Operator::Ge, 700, 0) };

        // no set: any record, issuerSet 0, four zero members
        let any = with(None);
        assert!(any.check(&attested).is_ok() && any.check(&self_attested).is_ok());
        assert_eq!(any.issuer_set().unwrap(), Fr::from(0u64));
        assert_eq!(any.issuer_members().unwrap(), [Address::ZERO; 4]);

        let two = with(Some(vec![other, bureau]));
        assert!(two.check(&attested).is_ok());
        assert_eq!(two.issuer_set().unwrap(), poseidon::issuer_set(&[other, bureau]).unwrap());
        assert_eq!(two.issuer_members().unwrap(), [other, bureau, other, other]);
        let err = two.check(&self_attested).unwrap_err();
        assert_eq!(err, StatementError::IssuerNotInSet { issuer: Address::ZERO, set: vec![other, bureau] });
        let text = err.to_string();
        assert!(text.contains("0x0000000000000000000000000000000000000000 (self-attested)"), "{text}");
        assert!(text.contains(&bureau.to_string()) && text.contains(&other.to_string()), "{text}");

        let self_only = with(Some(vec![Address::ZERO]));
        assert!(self_only.check(&self_attested).is_ok());
        assert!(matches!(self_only.check(&attested), Err(StatementError::IssuerNotInSet { .. })));

        assert_eq!(with(Some(vec![])).check(&attested), Err(StatementError::IssuerSet(IssuerSetSize(0))));
        let five = with(Some(vec![bureau; 5]));
        assert_eq!(five.check(&attested), Err(StatementError::IssuerSet(IssuerSetSize(5))));
        assert!(five.check(&attested).unwrap_err().to_string().contains("1 to 4 members, not 5"));
    }

    #[test]
    fn json_shape() {
        let s: Statement = serde_json::from_str(
            r#"{"mode":"anonymous","fieldIndex":0,"operator":">=","operandA":700,"scope":"0x1","messageHash":"0x2","validUntil":9}"#,
        )
        .unwrap();
        assert_eq!(s.operator, Operator::Ge);
        assert_eq!(s.mode, Mode::Anonymous);
        assert_eq!(s.valid_until, 9);
        assert_eq!(s.issuers, None);
        assert!(!serde_json::to_string(&s).unwrap().contains("issuers"));
        let s: Statement = serde_json::from_str(
            r#"{"mode":"direct","fieldIndex":0,"operator":">=","operandA":700,"scope":"0x1","messageHash":"0x2","validUntil":9,
                "issuers":["0x0000000000000000000000000000000000000000","0xb0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0"]}"#,
        )
        .unwrap();
        assert_eq!(s.issuers, Some(vec![Address::ZERO, Address::repeat_byte(0xb0)]));
        assert_eq!(serde_json::from_str::<Statement>(&serde_json::to_string(&s).unwrap()).unwrap(), s);
    }
}
