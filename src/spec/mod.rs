//! The spec file: wire types per version, YAML loading with spans, JSON Schema, compile to a
//! validated `Spec`.
