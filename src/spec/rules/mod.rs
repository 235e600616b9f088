//! Semantic rules (stage 5), by area. Each function checks one part of the typed wire spec,
//! pushes every problem it finds, and returns the validated part when that part has no errors.

pub mod connection;
pub mod objects;
pub mod orgs;
pub mod records;
