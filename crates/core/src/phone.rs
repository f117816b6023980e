//! Customer phone numbers in E.164 (`+56912345678`): the one form that is stored,
//! dialled and matched on.
//!
//! Associates type numbers the way customers say them: with spaces, dashes, dots or
//! parentheses, with or without `+` or the `00` international prefix, and with each
//! country's dialling habits. [`PhoneE164::parse`] reads all of those against the
//! store's country and answers one canonical value, so a customer typed two ways is
//! one customer.
//!
//! | country | calling code | national number | prefixes dropped when typed nationally |
//! |---|---|---|---|
//! | CL | 56 | 9 digits | trunk `0` (`09 1234 5678`, `(02) 2123 4567`) |
//! | CO | 57 | 10 digits | none |
//! | MX | 52 | 10 digits | legacy `044`, `045`, `01`; the old mobile `1` after `52` |
//! | ES | 34 | 9 digits | none |
//! | US | 1 | 10 digits | trunk `1`; `011` is also an international prefix |
//!
//! `US` stands for the North American Numbering Plan (+1, which Canada shares):
//! area code and exchange each start with 2–9.
//!
//! A number typed with its own country's calling code but no `+` (`56 9 1234 5678`
//! at a Chilean store) is read as international when it is too long to be national.
//! Another country's number needs `+` or `00`: without it, digits are read in the
//! store's country.
//!
//! Invariants of a [`PhoneE164`]: `+`, the calling code of a [`Country`] the chain
//! serves, then a national number of exactly that country's length that does not
//! start with `0` (and follows the NANP rules for +1). Numbers of other countries
//! are refused rather than stored unchecked.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A country whose phone numbers the chain accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Country {
    CL,
    CO,
    MX,
    ES,
    US,
}

impl Country {
    pub const ALL: [Country; 5] = [Country::CL, Country::CO, Country::MX, Country::ES, Country::US];

    /// The ISO 3166-1 alpha-2 code.
    pub fn as_str(&self) -> &'static str {
        match self {
            Country::CL => "CL",
            Country::CO => "CO",
            Country::MX => "MX",
            Country::ES => "ES",
            Country::US => "US",
        }
    }

    /// Reads an ISO 3166-1 alpha-2 code, upper case as in the chain's data.
    pub fn parse(code: &str) -> Option<Country> {
        Country::ALL.into_iter().find(|c| c.as_str() == code)
    }

    /// The ITU calling code dialled after `+`: 56 for Chile.
    pub fn calling_code(&self) -> u16 {
        match self {
            Country::CL => 56,
            Country::CO => 57,
            Country::MX => 52,
            Country::ES => 34,
            Country::US => 1,
        }
    }

    /// Digits of a national number, without calling code or trunk prefix.
    pub fn national_number_len(&self) -> usize {
        match self {
            Country::CL | Country::ES => 9,
            Country::CO | Country::MX | Country::US => 10,
        }
    }

    fn calling_code_digits(&self) -> &'static str {
        match self {
            Country::CL => "56",
            Country::CO => "57",
            Country::MX => "52",
            Country::ES => "34",
            Country::US => "1",
        }
    }

    /// Prefixes typed before a national number inside the country and not part of
    /// it: trunk prefixes and retired dialling codes.
    fn national_prefixes(&self) -> &'static [&'static str] {
        match self {
            Country::CL => &["0"],
            Country::MX => &["044", "045", "01"],
            Country::US => &["1"],
            Country::CO | Country::ES => &[],
        }
    }

    /// The country a number after `+` belongs to. The calling codes served are
    /// prefix-free, so at most one matches.
    fn from_international(digits: &str) -> Option<(Country, &str)> {
        Country::ALL.into_iter().find_map(|c| digits.strip_prefix(c.calling_code_digits()).map(|rest| (c, rest)))
    }
}

impl fmt::Display for Country {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PhoneError {
    #[error("no phone number was typed")]
    Empty,
    #[error("a phone number has only digits, spaces, dashes, dots, parentheses and a leading +")]
    InvalidCharacters,
    #[error("the national number has {expected} digits, got {found}")]
    WrongLength { expected: usize, found: usize },
    #[error("the calling code is not one of a country the chain serves")]
    UnknownCountryCode,
    #[error("the number has the right length but no such number can exist")]
    InvalidNumber,
}

impl PhoneError {
    /// Stable machine-readable reason, used by the UI to pick a message.
    pub fn reason(&self) -> &'static str {
        match self {
            PhoneError::Empty => "empty",
            PhoneError::InvalidCharacters => "invalid_characters",
            PhoneError::WrongLength { .. } => "wrong_length",
            PhoneError::UnknownCountryCode => "unknown_country_code",
            PhoneError::InvalidNumber => "invalid_number",
        }
    }
}

/// A phone number in E.164 form, of a [`Country`] the chain serves.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PhoneE164 {
    e164: String,
    country: Country,
}

/// Separators people put between digit groups.
fn is_separator(c: char) -> bool {
    matches!(c, '-' | '.' | '(' | ')' | '/') || c.is_whitespace()
}

impl PhoneE164 {
    /// Reads a number as typed at a store in `default_country`. A leading `+`, or
    /// the `00` international prefix (also `011` in the US), names the country;
    /// otherwise the number is read in `default_country`.
    pub fn parse(input: &str, default_country: Country) -> Result<PhoneE164, PhoneError> {
        let input = input.trim();
        let (plus, body) = match input.strip_prefix('+') {
            Some(rest) => (true, rest),
            None => (false, input),
        };
        if body.chars().any(|c| !c.is_ascii_digit() && !is_separator(c)) {
            return Err(PhoneError::InvalidCharacters);
        }
        let digits: String = body.chars().filter(char::is_ascii_digit).collect();
        if digits.is_empty() {
            return Err(PhoneError::Empty);
        }

        if plus {
            return Self::international(&digits);
        }
        if let Some(rest) = digits.strip_prefix("00") {
            return Self::international(rest);
        }
        if default_country == Country::US {
            if let Some(rest) = digits.strip_prefix("011") {
                return Self::international(rest);
            }
        }
        let national = national_from_national(default_country, &digits)?;
        Self::from_parts(default_country, national)
    }

    /// Reads a number already in E.164, as stored: `+`, calling code, number.
    /// Separators are tolerated; a missing `+` is a missing country code.
    pub fn from_e164(input: &str) -> Result<PhoneE164, PhoneError> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(PhoneError::Empty);
        }
        if !trimmed.starts_with('+') {
            return Err(PhoneError::UnknownCountryCode);
        }
        // With a leading `+` the default country is never consulted.
        PhoneE164::parse(trimmed, Country::US)
    }

    fn international(digits: &str) -> Result<PhoneE164, PhoneError> {
        let (country, rest) = Country::from_international(digits).ok_or(PhoneError::UnknownCountryCode)?;
        let national = national_from_international(country, rest)?;
        Self::from_parts(country, national)
    }

    fn from_parts(country: Country, national: &str) -> Result<PhoneE164, PhoneError> {
        let b = national.as_bytes();
        if b.first() == Some(&b'0') {
            return Err(PhoneError::InvalidNumber);
        }
        // NANP: NXX-NXX-XXXX, where N is 2–9.
        if country == Country::US && (b[0] < b'2' || b[3] < b'2') {
            return Err(PhoneError::InvalidNumber);
        }
        Ok(PhoneE164 { e164: format!("+{}{}", country.calling_code_digits(), national), country })
    }

    /// The number in E.164: `+56912345678`.
    pub fn as_str(&self) -> &str {
        &self.e164
    }

    pub fn country(&self) -> Country {
        self.country
    }

    /// The national number, without `+`, calling code or trunk prefix: `912345678`.
    pub fn national_number(&self) -> &str {
        &self.e164[1 + self.country.calling_code_digits().len()..]
    }
}

/// The national number inside digits typed without `+` or `00`.
fn national_from_national(country: Country, digits: &str) -> Result<&str, PhoneError> {
    let len = country.national_number_len();
    if digits.len() == len {
        return Ok(digits);
    }
    for prefix in country.national_prefixes() {
        if let Some(rest) = digits.strip_prefix(prefix) {
            if rest.len() == len {
                return Ok(rest);
            }
        }
    }
    // The country's own calling code typed without `+`.
    if let Some(rest) = digits.strip_prefix(country.calling_code_digits()) {
        if let Ok(national) = national_from_international(country, rest) {
            return Ok(national);
        }
    }
    Err(PhoneError::WrongLength { expected: len, found: digits.len() })
}

/// The national number after a calling code.
fn national_from_international(country: Country, rest: &str) -> Result<&str, PhoneError> {
    let len = country.national_number_len();
    if rest.len() == len {
        return Ok(rest);
    }
    // Mexican mobiles were dialled `+52 1 …` until 2019; the `1` is gone.
    if country == Country::MX && rest.len() == len + 1 {
        if let Some(national) = rest.strip_prefix('1') {
            return Ok(national);
        }
    }
    Err(PhoneError::WrongLength { expected: len, found: rest.len() })
}

impl fmt::Display for PhoneE164 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.e164)
    }
}

impl Serialize for PhoneE164 {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.e164)
    }
}

impl<'de> Deserialize<'de> for PhoneE164 {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        PhoneE164::from_e164(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e164(input: &str, country: Country) -> String {
        match PhoneE164::parse(input, country) {
            Ok(p) => p.as_str().to_owned(),
            Err(e) => panic!("{input:?} at a {country} store was refused: {e}"),
        }
    }

    fn reason(input: &str, country: Country) -> &'static str {
        match PhoneE164::parse(input, country) {
            Ok(p) => panic!("{input:?} at a {country} store was accepted as {p}"),
            Err(e) => e.reason(),
        }
    }

    #[test]
    fn the_same_chilean_mobile_typed_six_ways_is_one_number() {
        for typed in [
            "+56 9 1234 5678",
            "+56912345678",
            "0056 9 1234 5678",
            "9 1234 5678",
            "09-1234-5678",
            "(9) 1234.5678",
            "56 9 1234 5678",
        ] {
            assert_eq!(e164(typed, Country::CL), "+56912345678", "{typed:?} is the same customer's mobile");
        }
    }

    #[test]
    fn a_number_typed_with_another_countrys_prefix_keeps_that_country() {
        let mexican = PhoneE164::parse("+52 55 1234 5678", Country::CL).unwrap();
        assert_eq!(mexican.as_str(), "+525512345678");
        assert_eq!(mexican.country(), Country::MX, "the + prefix names the country, not the store");

        let spanish = PhoneE164::parse("0034 612 345 678", Country::MX).unwrap();
        assert_eq!(spanish.as_str(), "+34612345678");
        assert_eq!(spanish.country(), Country::ES, "00 is an international prefix");

        let chilean = PhoneE164::parse("011 56 9 1234 5678", Country::US).unwrap();
        assert_eq!(chilean.as_str(), "+56912345678", "011 is how the US dials abroad");
        assert_eq!(chilean.country(), Country::CL);
    }

    #[test]
    fn chilean_landlines_lose_their_old_trunk_zero() {
        assert_eq!(e164("(02) 2123 4567", Country::CL), "+56221234567");
        assert_eq!(e164("2 2123 4567", Country::CL), "+56221234567");
    }

    #[test]
    fn colombian_numbers_have_ten_digits_and_no_trunk_prefix() {
        assert_eq!(e164("300 123 4567", Country::CO), "+573001234567");
        assert_eq!(
            e164("(601) 234 5678", Country::CO),
            "+576012345678",
            "Bogotá landlines have dialled 601 since 2021"
        );
        assert_eq!(e164("+57 300-123-4567", Country::CL), "+573001234567");
        assert_eq!(
            PhoneE164::parse("0300 123 4567", Country::CO),
            Err(PhoneError::WrongLength { expected: 10, found: 11 }),
            "Colombia has no trunk 0 to drop"
        );
    }

    #[test]
    fn mexican_legacy_prefixes_and_the_old_mobile_one_are_dropped() {
        for typed in [
            "55 1234 5678",
            "044 55 1234 5678",
            "045 55 1234 5678",
            "01 55 1234 5678",
            "+52 1 55 1234 5678",
            "+52 55 1234 5678",
            "52 1 55 1234 5678",
            "0052 1 55 1234 5678",
        ] {
            assert_eq!(e164(typed, Country::MX), "+525512345678", "{typed:?} dials the same CDMX number since 2019");
        }
    }

    #[test]
    fn spanish_numbers_have_nine_digits_and_no_trunk_prefix() {
        assert_eq!(e164("612 34 56 78", Country::ES), "+34612345678");
        assert_eq!(e164("91 123 45 67", Country::ES), "+34911234567");
        assert_eq!(e164("+34 612.345.678", Country::CL), "+34612345678");
        assert_eq!(
            PhoneE164::parse("0612 345 678", Country::ES),
            Err(PhoneError::WrongLength { expected: 9, found: 10 }),
            "Spain has no trunk 0 to drop"
        );
    }

    #[test]
    fn us_numbers_follow_the_nanp_with_or_without_the_trunk_one() {
        for typed in ["(212) 555-0123", "212.555.0123", "1-212-555-0123", "+1 212 555 0123"] {
            assert_eq!(e164(typed, Country::US), "+12125550123", "{typed:?}");
        }
        assert_eq!(reason("(112) 555-0123", Country::US), "invalid_number", "no area code starts with 1");
        assert_eq!(reason("(212) 055-0123", Country::US), "invalid_number", "no exchange starts with 0");
        assert_eq!(
            reason("+1 212 155 0123", Country::CL),
            "invalid_number",
            "NANP rules hold however the number was typed"
        );
    }

    #[test]
    fn garbage_is_refused_with_the_reason_the_ui_shows() {
        let cases = [
            ("", "empty", "nothing typed"),
            ("   ", "empty", "only spaces"),
            ("+", "empty", "a plus and no digits"),
            ("( ) -", "empty", "separators and no digits"),
            ("nueve uno dos", "invalid_characters", "words"),
            ("9 1234 5678 ext 12", "invalid_characters", "an extension"),
            ("+56 9 1234+5678", "invalid_characters", "a + inside"),
            ("*9 1234 5678#", "invalid_characters", "keypad symbols"),
            ("+99 123 456 789", "unknown_country_code", "no such calling code"),
            ("+44 20 7946 0018", "unknown_country_code", "a country not served"),
            ("9 1234 567", "wrong_length", "a digit missing"),
            ("+56 9 1234 56789", "wrong_length", "a digit too many"),
            ("0 1234 5678", "invalid_number", "no Chilean number starts with 0"),
        ];
        for (typed, expected, why) in cases {
            assert_eq!(reason(typed, Country::CL), expected, "{typed:?}: {why}");
        }
    }

    #[test]
    fn wrong_length_tells_how_many_national_digits_were_typed() {
        assert_eq!(
            PhoneE164::parse("+56 9 1234 567", Country::MX),
            Err(PhoneError::WrongLength { expected: 9, found: 8 }),
            "the length is the Chilean one, counted without the calling code"
        );
    }

    #[test]
    fn countries_parse_from_their_iso_code_and_know_their_calling_code() {
        let expected = [("CL", 56, 9), ("CO", 57, 10), ("MX", 52, 10), ("ES", 34, 9), ("US", 1, 10)];
        for (code, calling, len) in expected {
            let country = Country::parse(code).unwrap();
            assert_eq!(country.as_str(), code, "the code round-trips");
            assert_eq!(country.calling_code(), calling, "{code}");
            assert_eq!(country.national_number_len(), len, "{code}");
        }
        assert_eq!(Country::parse("cl"), None, "codes are upper case");
        assert_eq!(Country::parse("AR"), None, "a country not served");
    }

    #[test]
    fn the_national_number_is_the_e164_without_plus_and_calling_code() {
        let p = PhoneE164::parse("+1 212 555 0123", Country::CL).unwrap();
        assert_eq!(p.national_number(), "2125550123");
        let p = PhoneE164::parse("09 1234 5678", Country::CL).unwrap();
        assert_eq!(p.national_number(), "912345678", "the trunk 0 is not kept");
    }

    #[test]
    fn a_phone_serializes_as_its_e164_string() {
        let p = PhoneE164::parse("09 1234 5678", Country::CL).unwrap();
        let json = serde_json::to_string(&p).unwrap();
        assert_eq!(json, r#""+56912345678""#);
        let back: PhoneE164 = serde_json::from_str(&json).unwrap();
        assert_eq!(back, p, "what is stored reads back as the same number");
        assert!(
            serde_json::from_str::<PhoneE164>(r#""912345678""#).is_err(),
            "a stored number without its country code is refused"
        );
    }
}
