//! orgsync — a declarative GitOps reconciler for two Salesforce orgs.
//!
//! A map of the modules (see `ARCHITECTURE.md` in the design docs for the data flow):
//!
//! | module | owns |
//! |---|---|
//! | [`cli`] | clap definitions, one file per command, exit codes |
//! | [`output`] | the one place that prints: human text, JSON, GitHub annotations; colour decisions |
//! | [`apply`] | carry out a plan: stale-plan guard, named steps in dependency order (Tooling or one Metadata API deploy), users, the apply report and the new generation |
//! | [`plan`] | the plan model (changes with action, reason, target), invariant checks, text/markdown/JSON views, saved plans and fingerprints |
//! | [`spec`] | the spec file: wire types per version, YAML loading with spans, JSON Schema, compile to a validated [`spec::Spec`] |
//! | [`org`] | the Salesforce client: auth, REST, collections, composite, Bulk 2.0, Tooling, SOAP undelete, API usage |
//! | [`observe`] | read both orgs into an immutable [`observe::Snapshot`]: describes, users, triggers, metadata, counts, limits, fingerprints |
//! | [`state`] | the durable store: SQLite embedded, Postgres for several replicas; numbered migrations |
//! | [`sync`] | the record-sync engine: bulk sync, incremental sync, queue, retries, sync log, status |
//! | [`demo`] | `orgsync demo`: two emulated orgs and a narrated walk through the product |
//! | [`emulator`] | an emulated Salesforce org served over HTTP/HTTPS; it shares no types with the product |
//!
//! Dependencies point downward in that table; `emulator` stands apart from the product modules.

pub mod apply;
pub mod cli;
pub mod demo;
pub mod emulator;
pub mod observe;
pub mod org;
pub mod output;
pub mod plan;
pub mod spec;
pub mod state;
pub mod sync;
