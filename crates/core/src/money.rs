//! Money in integer minor units with an ISO 4217 currency. No floating point ever
//! holds an amount: a price of CLP 24.990 is `Money { minor: 24990, currency: CLP }`
//! and MXN 599,00 is `Money { minor: 59900, currency: MXN }`.

use serde::{Deserialize, Serialize};
use std::fmt;
use ts_rs::TS;

/// An ISO 4217 currency code: three upper-case ASCII letters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Currency([u8; 3]);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("currency code must be three upper-case letters, got {0:?}")]
    BadCurrency(String),
    #[error("cannot combine amounts in {0} and {1}")]
    CurrencyMismatch(Currency, Currency),
    #[error("amount overflow")]
    Overflow,
}

impl Currency {
    pub fn parse(code: &str) -> Result<Self, MoneyError> {
        let bytes = code.as_bytes();
        if bytes.len() == 3 && bytes.iter().all(u8::is_ascii_uppercase) {
            Ok(Currency([bytes[0], bytes[1], bytes[2]]))
        } else {
            Err(MoneyError::BadCurrency(code.to_owned()))
        }
    }

    pub fn as_str(&self) -> &str {
        // The constructor only accepts ASCII upper-case letters.
        std::str::from_utf8(&self.0).unwrap_or("XXX")
    }

    /// Digits after the decimal separator, per ISO 4217, for the currencies
    /// the chain trades in; others default to two.
    pub fn minor_digits(&self) -> u32 {
        match self.as_str() {
            "CLP" | "COP" | "JPY" | "KRW" | "PYG" => 0,
            _ => 2,
        }
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Currency {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Currency {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Currency::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// An amount of money. `minor` is in the currency's minor units.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Money {
    #[ts(type = "number")]
    pub minor: i64,
    #[ts(type = "string")]
    pub currency: Currency,
}

impl Money {
    pub fn new(minor: i64, currency: Currency) -> Self {
        Money { minor, currency }
    }

    pub fn checked_add(self, other: Money) -> Result<Money, MoneyError> {
        if self.currency != other.currency {
            return Err(MoneyError::CurrencyMismatch(self.currency, other.currency));
        }
        let minor = self.minor.checked_add(other.minor).ok_or(MoneyError::Overflow)?;
        Ok(Money { minor, currency: self.currency })
    }

    pub fn times(self, quantity: i64) -> Result<Money, MoneyError> {
        let minor = self.minor.checked_mul(quantity).ok_or(MoneyError::Overflow)?;
        Ok(Money { minor, currency: self.currency })
    }
}

impl fmt::Display for Money {
    /// A neutral, locale-free rendering for logs: `CLP 24990`, `MXN 599.00`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let digits = self.currency.minor_digits();
        if digits == 0 {
            return write!(f, "{} {}", self.currency, self.minor);
        }
        let scale = 10_i64.pow(digits);
        let sign = if self.minor < 0 { "-" } else { "" };
        let abs = self.minor.unsigned_abs();
        let scale = scale.unsigned_abs();
        write!(f, "{} {sign}{}.{:0width$}", self.currency, abs / scale, abs % scale, width = digits as usize)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cur(code: &str) -> Currency {
        Currency::parse(code).unwrap()
    }

    #[test]
    fn currency_codes_must_be_three_upper_case_letters() {
        assert!(Currency::parse("CLP").is_ok());
        assert!(Currency::parse("clp").is_err(), "lower case is not a code");
        assert!(Currency::parse("CL").is_err(), "too short");
        assert!(Currency::parse("CLPX").is_err(), "too long");
    }

    #[test]
    fn pesos_of_chile_and_colombia_have_no_minor_digits_but_mexican_pesos_have_two() {
        assert_eq!(cur("CLP").minor_digits(), 0);
        assert_eq!(cur("COP").minor_digits(), 0);
        assert_eq!(cur("MXN").minor_digits(), 2);
    }

    #[test]
    fn adding_different_currencies_is_refused() {
        let a = Money::new(100, cur("CLP"));
        let b = Money::new(100, cur("MXN"));
        assert!(matches!(a.checked_add(b), Err(MoneyError::CurrencyMismatch(..))));
        assert_eq!(a.checked_add(a).unwrap().minor, 200);
    }

    #[test]
    fn money_serializes_as_minor_units_and_a_code() {
        let m = Money::new(59900, cur("MXN"));
        let json = serde_json::to_string(&m).unwrap();
        assert_eq!(json, r#"{"minor":59900,"currency":"MXN"}"#);
        let back: Money = serde_json::from_str(&json).unwrap();
        assert_eq!(back, m);
        assert!(serde_json::from_str::<Money>(r#"{"minor":1,"currency":"pesos"}"#).is_err());
    }

    #[test]
    fn display_places_the_decimal_point_by_currency() {
        assert_eq!(Money::new(24990, cur("CLP")).to_string(), "CLP 24990");
        assert_eq!(Money::new(59905, cur("MXN")).to_string(), "MXN 599.05");
        assert_eq!(Money::new(-5, cur("MXN")).to_string(), "MXN -0.05");
    }
}
