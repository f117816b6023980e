//! Available-to-promise (ATP): what may still be promised to a new order.
//!
//! `atp = on_hand − reserved − safety`, never below zero. Safety stock is kept back
//! for walk-in customers so that online orders don't take the last units; it is a
//! rule per location and product class. The device and the central both call
//! [`available_to_promise`], so a figure shown offline is the figure the central
//! would compute from the same data.

use serde::{Deserialize, Serialize};

/// Stock of one SKU at one location, as recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct StockLevel {
    pub on_hand: i64,
    pub reserved: i64,
}

/// Units of a product class kept back at a location.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SafetyRule {
    pub location_id: String,
    pub product_class: String,
    pub units: i64,
}

/// The safety units that apply to `product_class` at `location_id`: the matching
/// rule, or none.
pub fn safety_units(rules: &[SafetyRule], location_id: &str, product_class: &str) -> i64 {
    rules
        .iter()
        .find(|r| r.location_id == location_id && r.product_class == product_class)
        .map_or(0, |r| r.units.max(0))
}

/// On hand minus reserved minus safety, clamped at zero: a negative figure would
/// read as "owes units", which no associate can act on.
pub fn available_to_promise(stock: StockLevel, safety: i64) -> i64 {
    (stock.on_hand - stock.reserved.max(0) - safety.max(0)).max(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atp_subtracts_reservations_and_safety_stock() {
        let s = StockLevel { on_hand: 10, reserved: 3 };
        assert_eq!(available_to_promise(s, 2), 5);
    }

    #[test]
    fn safety_stock_is_never_offered_to_online_orders() {
        let last_two = StockLevel { on_hand: 2, reserved: 0 };
        assert_eq!(available_to_promise(last_two, 2), 0, "the last two are kept for walk-ins");
    }

    #[test]
    fn atp_never_goes_below_zero() {
        let oversold = StockLevel { on_hand: 1, reserved: 4 };
        assert_eq!(available_to_promise(oversold, 0), 0);
    }

    #[test]
    fn the_rule_for_the_location_and_class_applies_and_others_do_not() {
        let rules = vec![
            SafetyRule { location_id: "A".into(), product_class: "bestseller".into(), units: 2 },
            SafetyRule { location_id: "B".into(), product_class: "bestseller".into(), units: 5 },
        ];
        assert_eq!(safety_units(&rules, "A", "bestseller"), 2);
        assert_eq!(safety_units(&rules, "A", "core"), 0, "no rule means no safety stock");
        assert_eq!(safety_units(&rules, "C", "bestseller"), 0);
    }
}
