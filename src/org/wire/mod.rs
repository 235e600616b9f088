//! Lenient serde types for what Salesforce sends back.
//!
//! Every type ignores unknown keys (no `deny_unknown_fields`) and defaults missing ones: describe
//! keys appear and disappear across API versions, and captured responses carry hand-edited values
//! such as `"digits": "0"` or `"searchLayoutable": "true"`. The helpers in [`lenient`] accept those.
//! These types are the client's own; the emulator has its own model (see ARCHITECTURE.md).

pub mod bulk2;
pub mod composite;
pub mod describe;
pub mod errors;
pub mod lenient;
pub mod limits;
pub mod oauth;
pub mod query;
pub mod replication;
pub mod results;
pub mod versions;

pub use bulk2::{BulkJobInfo, JobState};
pub use composite::{CompositeResponse, CompositeSubresponse};
pub use describe::{
    ChildRelationship, DescribeGlobal, FieldDescribe, GlobalSObject, PicklistValue, RecordTypeInfo,
    SObjectDescribe,
};
pub use errors::ApiErrorItem;
pub use limits::{Limit, Limits};
pub use oauth::{OAuthErrorBody, TokenResponse};
pub use query::{QueryPage, Record, RecordAttributes};
pub use replication::{DeletedRecord, DeletedResult, UpdatedResult};
pub use results::SaveResult;
pub use versions::VersionInfo;
