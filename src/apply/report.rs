//! The apply report: what each step did — done, failed or skipped, with a reason made of error
//! codes and names, never record values or secrets — and what to do next.

use serde::Serialize;

use crate::observe::OrgRole;

/// How one step ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum StepStatus {
    /// Done in this run.
    Done,
    /// Done by an earlier run of the same plan; not repeated.
    AlreadyDone,
    /// Checked without writing (`--validate-only`).
    Checked,
    /// Failed; a re-run tries it again.
    Failed,
    /// Not attempted: a step it depends on failed.
    Skipped,
}

impl StepStatus {
    /// Whether the step's effect is in place (done now or earlier).
    pub fn is_done(self) -> bool {
        matches!(self, StepStatus::Done | StepStatus::AlreadyDone)
    }

    /// The word the views show.
    pub fn label(self) -> &'static str {
        match self {
            StepStatus::Done => "done",
            StepStatus::AlreadyDone => "already done",
            StepStatus::Checked => "checked",
            StepStatus::Failed => "failed",
            StepStatus::Skipped => "skipped",
        }
    }
}

/// One step's outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StepReport {
    /// The step name (the change id).
    pub id: String,
    /// The change's summary line.
    pub summary: String,
    /// How it ended.
    pub status: StepStatus,
    /// Why (failed and skipped steps; how it was written for done ones).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// How metadata was written to an org.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum WriteMethod {
    /// Tooling API (sandbox and Developer Edition orgs).
    Tooling,
    /// One Metadata API deploy with a test level (production orgs).
    Deploy,
}

/// The outcome of `apply` (or `apply --validate-only`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ApplyReport {
    /// Checked without writing.
    pub validate_only: bool,
    /// Every step, in the order it ran.
    pub steps: Vec<StepReport>,
    /// How metadata was (or would be) written, per org that receives metadata.
    pub methods: Vec<(OrgRole, WriteMethod)>,
    /// The generation recorded when every step is done.
    pub generation: Option<i64>,
}

impl ApplyReport {
    /// Steps with `status`.
    pub fn count(&self, status: StepStatus) -> usize {
        self.steps.iter().filter(|s| s.status == status).count()
    }

    /// Every step is done (or, validating, none failed).
    pub fn succeeded(&self) -> bool {
        if self.validate_only {
            !self
                .steps
                .iter()
                .any(|s| matches!(s.status, StepStatus::Failed | StepStatus::Skipped))
        } else {
            self.steps.iter().all(|s| s.status.is_done())
        }
    }

    /// `3 done, 1 already done, 1 failed, 2 skipped`.
    pub fn summary_line(&self) -> String {
        let mut parts = Vec::new();
        for status in [
            StepStatus::Done,
            StepStatus::AlreadyDone,
            StepStatus::Checked,
            StepStatus::Failed,
            StepStatus::Skipped,
        ] {
            let n = self.count(status);
            if n > 0 {
                parts.push(format!("{n} {}", status.label()));
            }
        }
        if parts.is_empty() {
            "nothing to do".to_owned()
        } else {
            parts.join(", ")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn step(status: StepStatus) -> StepReport {
        StepReport {
            id: "x".into(),
            summary: "s".into(),
            status,
            reason: None,
        }
    }

    #[test]
    fn success_needs_every_step_done() {
        let mut r = ApplyReport {
            validate_only: false,
            steps: vec![step(StepStatus::Done), step(StepStatus::AlreadyDone)],
            methods: vec![],
            generation: Some(1),
        };
        assert!(r.succeeded());
        assert_eq!(r.summary_line(), "1 done, 1 already done");
        r.steps.push(step(StepStatus::Skipped));
        assert!(!r.succeeded());
        r.validate_only = true;
        r.steps = vec![step(StepStatus::Checked)];
        assert!(r.succeeded());
        assert_eq!(
            ApplyReport { steps: vec![], ..r }.summary_line(),
            "nothing to do"
        );
    }
}
