//! The emulator's own model of an org: IDs, schema, records and raw storage.

pub mod ids;
pub mod org;
pub mod record;
pub mod schema;

pub use org::{Org, OrgIdentity};
pub use record::Record;
pub use schema::{ChildRelationship, FieldDef, FieldType, ObjectDef, PicklistValue};
