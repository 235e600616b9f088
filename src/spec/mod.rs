//! The spec file: wire types per version, YAML loading with spans, JSON Schema, compile to a
//! validated `Spec`.
//!
//! | module | holds |
//! |---|---|
//! | [`load`] | reading the file (size cap, UTF-8) and parsing YAML with budgets into a spanned tree |
//! | [`node`] | the spanned YAML tree and path → position lookup |
//! | [`path`] | dotted paths (`spec.objects.Account.publish.fields[2]`) |
//! | [`diagnostic`] | the diagnostic model and the per-file report |

pub mod diagnostic;
pub mod load;
pub mod node;
pub mod path;
pub mod schema;
pub mod v1;
pub mod hint;
pub mod schema_check;
pub mod secrets_scan;
pub mod date_literal;
pub mod duration;
pub mod soql_filter;
