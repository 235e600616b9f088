//! [`ObserveError`]: what went wrong reading an org, with the org and what was being read. The
//! client's [`OrgError`] is the `#[source]`, never repeated in the message. A missing object is not
//! an error (the snapshot records it as `None`); a refused login is.

use crate::org::OrgError;

use super::connect::ConnectError;
use super::snapshot::OrgRole;

/// Reading an org failed.
#[derive(Debug, thiserror::Error)]
pub enum ObserveError {
    /// No client could be built (a secret could not be read, bad settings).
    #[error(transparent)]
    Connect(#[from] ConnectError),
    /// Salesforce refused or failed a read.
    #[error("reading {what} from the {role} org failed")]
    Read {
        /// Which org.
        role: OrgRole,
        /// What was being read, e.g. `the describe of Account`.
        what: String,
        /// The client error.
        #[source]
        source: OrgError,
    },
    /// Salesforce answered, but not in the expected shape.
    #[error("the {role} org answered {what} unexpectedly: {detail}")]
    Unexpected {
        /// Which org.
        role: OrgRole,
        /// What was being read.
        what: String,
        /// What was wrong; never quotes record values.
        detail: String,
    },
}

impl ObserveError {
    /// The org the error is about.
    pub fn role(&self) -> OrgRole {
        match self {
            Self::Connect(
                ConnectError::Secret { role, .. } | ConnectError::Config { role, .. },
            ) => *role,
            Self::Read { role, .. } | Self::Unexpected { role, .. } => *role,
        }
    }

    /// The client error underneath, when there is one.
    pub fn org_error(&self) -> Option<&OrgError> {
        match self {
            Self::Read { source, .. } => Some(source),
            Self::Connect(ConnectError::Config { source, .. }) => Some(source),
            _ => None,
        }
    }
}
