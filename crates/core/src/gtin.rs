//! GTIN barcodes (GTIN-8, -12, -13 and -14), parsed with their GS1 check digit.
//! A `Gtin` value always has a valid check digit.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GtinError {
    #[error("a GTIN has 8, 12, 13 or 14 digits")]
    Format,
    #[error("the check digit does not match")]
    CheckDigit,
}

impl GtinError {
    /// Stable machine-readable reason, used by the UI to pick a message.
    pub fn reason(&self) -> &'static str {
        match self {
            GtinError::Format => "format",
            GtinError::CheckDigit => "check_digit",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Gtin(String);

/// The GS1 check digit of `body` (all digits but the last): weights 3 and 1
/// alternate from the rightmost digit of the body.
pub fn check_digit(body: &[u8]) -> u8 {
    let sum: u32 = body.iter().rev().enumerate().map(|(i, d)| u32::from(*d) * if i % 2 == 0 { 3 } else { 1 }).sum();
    ((10 - sum % 10) % 10) as u8
}

impl Gtin {
    /// Parses a scanned or typed code. Surrounding whitespace is ignored.
    pub fn parse(code: &str) -> Result<Gtin, GtinError> {
        let code = code.trim();
        if !matches!(code.len(), 8 | 12 | 13 | 14) || !code.bytes().all(|b| b.is_ascii_digit()) {
            return Err(GtinError::Format);
        }
        let digits: Vec<u8> = code.bytes().map(|b| b - b'0').collect();
        let (body, last) = digits.split_at(digits.len() - 1);
        if check_digit(body) != last[0] {
            return Err(GtinError::CheckDigit);
        }
        Ok(Gtin(code.to_owned()))
    }

    /// The code as 14 digits (GTIN-14), the canonical key for lookups:
    /// a UPC-A `036000291452` and its EAN-13 `0036000291452` are one product.
    pub fn to_gtin14(&self) -> String {
        format!("{:0>14}", self.0)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Gtin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_codes_of_every_length_are_accepted() {
        for code in ["96385074", "036000291452", "4006381333931", "10614141000415"] {
            assert!(Gtin::parse(code).is_ok(), "{code} is a valid GTIN");
        }
    }

    #[test]
    fn a_wrong_check_digit_is_refused_as_such() {
        assert_eq!(Gtin::parse("4006381333932"), Err(GtinError::CheckDigit));
    }

    #[test]
    fn wrong_lengths_and_letters_are_a_format_error() {
        for code in ["", "123", "40063813339", "400638133393X", "400638133393100"] {
            assert_eq!(Gtin::parse(code), Err(GtinError::Format), "{code:?}");
        }
    }

    #[test]
    fn upc_and_ean_of_the_same_item_share_a_gtin14() {
        let upc = Gtin::parse("036000291452").unwrap();
        let ean = Gtin::parse("0036000291452").unwrap();
        assert_eq!(upc.to_gtin14(), ean.to_gtin14());
    }

    #[test]
    fn check_digit_matches_a_known_ean13() {
        assert_eq!(check_digit(&[4, 0, 0, 6, 3, 8, 1, 3, 3, 3, 9, 3]), 1);
    }
}
