//! The emulator's own model of an org: IDs, schema, records and raw storage.

pub mod automation;
pub mod ids;
mod index;
pub mod org;
pub mod record;
pub mod recycle;
pub mod schema;

pub use automation::{Rule, RuleAction, RuleEvent};
pub use org::{Org, OrgIdentity};
pub use record::Record;
pub use recycle::Deletion;
pub use schema::{ChildRelationship, FieldDef, FieldType, ObjectDef, PicklistValue};
