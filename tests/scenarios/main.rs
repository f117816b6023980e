//! Cross-part scenarios: a real central process and simulated devices on loopback.

mod crash;
mod faults;
mod first_sync;
mod live;
mod orders;
