//! Cross-part scenarios: a real central process and simulated devices on loopback.

mod appointments;
mod chain;
mod commerce;
mod crash;
mod customer_mode;
mod faults;
mod first_sync;
mod live;
mod orders;
mod security;
