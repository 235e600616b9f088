//! An emulated Salesforce org served over HTTP and HTTPS on localhost.
//!
//! It stands apart from the product: it has its own model and builds its JSON from it, so the
//! client in `org` and this emulator cannot be wrong in the same way. Fidelity is checked from
//! outside by third-party clients (simple-salesforce, jsforce) and captured real responses.

pub mod clock;
pub mod dml;
pub mod faults;
pub mod fixture;
pub mod http;
pub mod latency;
pub mod metadata;
pub mod model;
pub mod persist;
pub mod server;
pub mod soql;

pub use http::{EmulatorOptions, EmulatorState, app};
pub use server::{RunningEmulator, ServeOptions, spawn_for_tests};
