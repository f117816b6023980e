//! Vitrina's domain core: the types every other part speaks in and the pure rules
//! that must give the same answer on a device and at the central.
//!
//! Architecture invariant: this crate does no I/O and reads no clock. Every function
//! is deterministic in its arguments, so the device (offline, from its cache) and
//! the central (authoritative) compute availability, sourcing and promise dates
//! with one implementation. "Now" is always a parameter.

pub mod availability;
pub mod commerce;
pub mod geo;
pub mod gtin;
pub mod location;
pub mod lockout;
pub mod money;
pub mod phone;
pub mod promise;
pub mod slots;
pub mod sourcing;

pub use availability::{available_to_promise, SafetyRule, StockLevel};
pub use commerce::{sales_report, Attribution, DateRange, LedgerEntry, SalesReport, TxnKind};
pub use geo::{distance_km, Coordinates};
pub use gtin::{Gtin, GtinError};
pub use location::LocationKind;
pub use money::{Currency, Money, MoneyError};
pub use phone::{Country, PhoneE164, PhoneError};
pub use promise::{promise_date, PromiseRule, Route};
pub use slots::{
    free_slots, nearest_free, Booking, Exception, ExceptionKind, RoomCapacity, RoomUse, Service, Slot, SlotError,
    SlotRequest, SlotSearch, Stylist, WorkingHours,
};
pub use sourcing::{
    choose_source, sourcing_alternatives, Candidate, Fulfilment, RequestingStore, SourcingChoice, SourcingError,
    SourcingRequest,
};
