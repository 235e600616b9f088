//! Saved plans (`plan --out FILE`, `apply FILE`): the JSON view written to a file, read back with
//! format and version checks and the invariant [`check`](fn@super::check::check), and compared with fresh
//! fingerprints so that apply refuses a stale plan (exit 3).
//!
//! A plan file holds fingerprints of the spec and of both orgs' snapshots, plus the applied
//! generation of the state store. Apply recomputes all four; any difference makes the plan
//! stale, and [`Stale`] says which.

use std::path::{Path, PathBuf};

use super::check::{Violation, check};
use super::fingerprint::Fingerprint;
use super::model::{FORMAT_VERSION, Plan};
use super::view::json;

/// Plan files larger than this are refused before parsing.
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// Why a plan file cannot be written or used.
#[derive(Debug, thiserror::Error)]
pub enum SavedPlanError {
    /// The file cannot be read.
    #[error("cannot read the plan file `{}`", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// The file cannot be written.
    #[error("cannot write the plan file `{}`", path.display())]
    Write {
        /// The file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// The file is too large to be a plan.
    #[error("`{}` is too large to be an orgsync plan ({size} bytes)", path.display())]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// Its size.
        size: u64,
    },
    /// The file is not JSON, or not a JSON object with a `formatVersion`.
    #[error("`{}` is not an orgsync plan file (expected JSON with a `formatVersion`); make one with `orgsync plan --out FILE`", path.display())]
    NotAPlan {
        /// The file.
        path: PathBuf,
    },
    /// The plan was written in a format this build does not read.
    #[error("`{}` has plan format version {found}, but this orgsync reads version {FORMAT_VERSION}; make the plan again with this orgsync", path.display())]
    UnsupportedVersion {
        /// The file.
        path: PathBuf,
        /// The version in the file.
        found: String,
    },
    /// The plan does not match the format of its version.
    #[error("`{}` is not a valid orgsync plan (version {FORMAT_VERSION})", path.display())]
    Malformed {
        /// The file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: serde_json::Error,
    },
    /// The plan breaks the plan invariants (an edited file, or a planner bug when writing).
    #[error("`{}` breaks {} plan invariant(s), first: {}", path.display(), violations.len(), violations.first().map(ToString::to_string).unwrap_or_default())]
    Invalid {
        /// The file.
        path: PathBuf,
        /// Every violation.
        violations: Vec<Violation>,
    },
}

/// Write `plan` to `path` (through a temporary file in the same directory, then a rename, so a
/// crash never leaves half a plan). Refuses a plan that breaks the invariants.
pub fn write(path: &Path, plan: &Plan) -> Result<(), SavedPlanError> {
    let violations = check(plan);
    if !violations.is_empty() {
        return Err(SavedPlanError::Invalid {
            path: path.to_owned(),
            violations,
        });
    }
    let write_err = |source| SavedPlanError::Write {
        path: path.to_owned(),
        source,
    };
    let text = json::to_string_pretty(plan)
        .map_err(|e| write_err(std::io::Error::new(std::io::ErrorKind::InvalidData, e)))?;
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".orgsync-tmp");
    let tmp = PathBuf::from(tmp);
    std::fs::write(&tmp, text).map_err(write_err)?;
    std::fs::rename(&tmp, path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        write_err(e)
    })
}

/// Read and check the plan at `path`.
pub fn read(path: &Path) -> Result<Plan, SavedPlanError> {
    let read_err = |source| SavedPlanError::Read {
        path: path.to_owned(),
        source,
    };
    let size = std::fs::metadata(path).map_err(read_err)?.len();
    if size > MAX_FILE_BYTES {
        return Err(SavedPlanError::TooLarge {
            path: path.to_owned(),
            size,
        });
    }
    let bytes = std::fs::read(path).map_err(read_err)?;
    parse(path, &bytes)
}

/// Parse and check plan file contents (`path` only names the file in errors).
pub fn parse(path: &Path, bytes: &[u8]) -> Result<Plan, SavedPlanError> {
    let not_a_plan = || SavedPlanError::NotAPlan {
        path: path.to_owned(),
    };
    let value: serde_json::Value = serde_json::from_slice(bytes).map_err(|_| not_a_plan())?;
    let version = value.get("formatVersion").ok_or_else(not_a_plan)?;
    if version.as_u64() != Some(u64::from(FORMAT_VERSION)) {
        let found = match version {
            serde_json::Value::Number(n) => n.to_string(),
            _ => "(not a number)".to_owned(),
        };
        return Err(SavedPlanError::UnsupportedVersion {
            path: path.to_owned(),
            found,
        });
    }
    let plan: Plan = serde_json::from_value(value).map_err(|source| SavedPlanError::Malformed {
        path: path.to_owned(),
        source,
    })?;
    let violations = check(&plan);
    if violations.is_empty() {
        Ok(plan)
    } else {
        Err(SavedPlanError::Invalid {
            path: path.to_owned(),
            violations,
        })
    }
}

/// What changed since a plan was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Changed {
    /// The spec.
    Spec,
    /// What was read from the primary.
    Primary,
    /// What was read from the secondary.
    Secondary,
    /// The applied generation in the state store (another apply ran).
    State,
}

impl Changed {
    fn words(self) -> &'static str {
        match self {
            Changed::Spec => "the spec",
            Changed::Primary => "the primary org",
            Changed::Secondary => "the secondary org",
            Changed::State => "the state store (another apply ran)",
        }
    }
}

/// A stale plan: what changed since it was made (in a fixed order, never empty).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stale {
    /// What changed.
    pub changed: Vec<Changed>,
}

impl std::fmt::Display for Stale {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let words: Vec<&str> = self.changed.iter().map(|c| c.words()).collect();
        let list = match words.as_slice() {
            [] => String::from("nothing"),
            [one] => (*one).to_owned(),
            [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
        };
        write!(
            f,
            "the saved plan is stale: {list} changed since it was made; run `orgsync plan --out FILE` again"
        )
    }
}

/// Compare a saved plan with freshly computed fingerprints and the current applied generation.
pub fn staleness(
    plan: &Plan,
    spec_fp: &Fingerprint,
    primary_fp: &Fingerprint,
    secondary_fp: &Fingerprint,
    generation: Option<i64>,
) -> Option<Stale> {
    let mut changed = Vec::new();
    if &plan.spec_fingerprint != spec_fp {
        changed.push(Changed::Spec);
    }
    if &plan.org_fingerprints.primary != primary_fp {
        changed.push(Changed::Primary);
    }
    if &plan.org_fingerprints.secondary != secondary_fp {
        changed.push(Changed::Secondary);
    }
    if plan.state_generation != generation {
        changed.push(Changed::State);
    }
    (!changed.is_empty()).then_some(Stale { changed })
}
