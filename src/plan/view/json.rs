//! The JSON view: the whole plan model with camelCase field names, opening with
//! `"formatVersion": 1`.
//!
//! This is a stable, versioned contract for scripts and CI (and the saved-plan file format, see
//! [`crate::plan::saved`]). Within one `formatVersion`, fields are only ever added as optional
//! ones; renaming or removing a field, or changing its meaning, bumps
//! [`crate::plan::model::FORMAT_VERSION`]. Enumerations are kebab-case strings (`create`,
//! `objects-and-fields`, `type-incompatible`); absent optional fields are omitted. Display-only
//! fields (`summary`, forecast `verdict`) are derived from the rest and checked to match.

use serde_json::Value;

use crate::plan::model::Plan;

/// The plan as a JSON value.
pub fn to_value(plan: &Plan) -> Result<Value, serde_json::Error> {
    serde_json::to_value(plan)
}

/// The plan as pretty-printed JSON with a trailing newline.
pub fn to_string_pretty(plan: &Plan) -> Result<String, serde_json::Error> {
    let mut text = serde_json::to_string_pretty(plan)?;
    text.push('\n');
    Ok(text)
}
