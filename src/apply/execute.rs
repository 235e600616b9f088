//! The executor: runs the steps of a plan in order, records each outcome in the state store,
//! skips steps an earlier run of the same plan already did, and records the new generation when
//! every step is done. It decides nothing; it carries out [`super::steps`].

use std::collections::{BTreeMap, BTreeSet};

use crate::observe::{ObjectSchema, OrgRole, OrgSnapshot, Snapshot};
use crate::org::bulk2::PollSettings;
use crate::org::{Clock, OrgClient};
use crate::plan::{Area, Plan, planner};
use crate::spec::Spec;
use crate::state::{ApplyOutcome, StepStatus as StoreStatus, Store};

use super::component::Component;
use super::error::ApplyError;
use super::report::{ApplyReport, StepReport, StepStatus, WriteMethod};
use super::steps::{Phase, Step, Work};
use super::{deploy, plan_fingerprint, tooling, users};

/// Both orgs' clients.
#[derive(Debug, Clone, Copy)]
pub struct Orgs<'a> {
    /// The publishing org.
    pub primary: &'a OrgClient,
    /// The subscribing org.
    pub secondary: &'a OrgClient,
}

impl<'a> Orgs<'a> {
    fn get(&self, role: OrgRole) -> &'a OrgClient {
        match role {
            OrgRole::Primary => self.primary,
            OrgRole::Secondary => self.secondary,
        }
    }
}

/// How apply runs (default: write, follow deploys every 2 s for up to 30 minutes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ApplyOptions {
    /// Check deployability without writing (and without touching the state store).
    pub validate_only: bool,
    /// How a metadata deploy is followed.
    pub poll: PollSettings,
}

/// What apply works from: the plan, and the spec and snapshot it was checked against.
#[derive(Debug, Clone, Copy)]
pub struct Inputs<'a> {
    /// The compiled spec.
    pub spec: &'a Spec,
    /// The fresh snapshot the stale-plan guard compared (definitions come from here).
    pub snapshot: &'a Snapshot,
    /// The plan.
    pub plan: &'a Plan,
    /// Both orgs.
    pub orgs: Orgs<'a>,
    /// The state store.
    pub store: &'a Store,
    /// Timestamps for the store.
    pub clock: &'a dyn Clock,
}

/// Tooling on sandbox and Developer Edition orgs, one Metadata API deploy on production orgs.
pub fn write_method(org: &OrgSnapshot) -> WriteMethod {
    if org.is_sandbox || org.edition.eq_ignore_ascii_case("Developer Edition") {
        WriteMethod::Tooling
    } else {
        WriteMethod::Deploy
    }
}

type Outcomes = BTreeMap<String, (StepStatus, Option<String>)>;

/// The first dependency of `step` that is not in place, if any.
fn blocked_by(step: &Step, outcomes: &Outcomes, validate_only: bool) -> Option<String> {
    step.depends_on
        .iter()
        .find(|d| {
            outcomes
                .get(*d)
                .is_none_or(|(s, _)| !(s.is_done() || (validate_only && *s == StepStatus::Checked)))
        })
        .cloned()
}

fn settle(outcomes: &mut Outcomes, id: &str, result: Result<String, String>, validate_only: bool) {
    let entry = match result {
        Ok(how) if validate_only => (StepStatus::Checked, Some(how)),
        Ok(how) => (StepStatus::Done, Some(how)),
        Err(why) => (StepStatus::Failed, Some(why)),
    };
    outcomes.insert(id.to_owned(), entry);
}

fn skip(outcomes: &mut Outcomes, step: &Step, on: &str) {
    outcomes.insert(
        step.id.clone(),
        (
            StepStatus::Skipped,
            Some(format!("not attempted: {on} is not done")),
        ),
    );
}

async fn write_org(
    inputs: &Inputs<'_>,
    options: ApplyOptions,
    role: OrgRole,
    steps: &[&Step],
    outcomes: &mut Outcomes,
) {
    let client = inputs.orgs.get(role);
    let org = inputs.snapshot.org(role);
    let validate = options.validate_only;
    match write_method(org) {
        WriteMethod::Tooling => {
            for step in steps {
                if outcomes.contains_key(&step.id) {
                    continue;
                }
                if let Some(on) = blocked_by(step, outcomes, validate) {
                    skip(outcomes, step, &on);
                    continue;
                }
                if let Work::Write { component, .. } = &step.work {
                    let result = tooling::write(client, component, validate).await;
                    settle(outcomes, &step.id, result, validate);
                }
            }
        }
        WriteMethod::Deploy => {
            let in_deploy: BTreeSet<&str> = steps.iter().map(|s| s.id.as_str()).collect();
            let mut batch: Vec<(&Step, &Component)> = Vec::new();
            for step in steps {
                if outcomes.contains_key(&step.id) {
                    continue;
                }
                // Dependencies inside the same deploy are ordered by the deploy itself.
                let outside = Step {
                    depends_on: step
                        .depends_on
                        .iter()
                        .filter(|d| {
                            !in_deploy.contains(d.as_str())
                                || outcomes.get(*d).is_some_and(|(s, _)| {
                                    matches!(s, StepStatus::Failed | StepStatus::Skipped)
                                })
                        })
                        .cloned()
                        .collect(),
                    ..(*step).clone()
                };
                if let Some(on) = blocked_by(&outside, outcomes, validate) {
                    skip(outcomes, step, &on);
                    continue;
                }
                if let Work::Write { component, .. } = &step.work {
                    batch.push((step, component));
                }
            }
            if batch.is_empty() {
                return;
            }
            let components: Vec<&Component> = batch.iter().map(|(_, c)| *c).collect();
            match deploy::deploy(
                client,
                &components,
                &org.api_version,
                validate,
                options.poll,
            )
            .await
            {
                Ok(results) => {
                    for ((step, _), result) in batch.iter().zip(results) {
                        settle(outcomes, &step.id, result, validate);
                    }
                }
                Err(why) => {
                    for (step, _) in &batch {
                        settle(outcomes, &step.id, Err(why.clone()), validate);
                    }
                }
            }
        }
    }
}

fn now_ms(clock: &dyn Clock) -> i64 {
    clock.now().timestamp_millis()
}

/// The snapshot with the primary's describes of objects that metadata changes name but observe
/// did not describe (custom fields of unpublished objects, carried by `syncMetadata`): apply
/// reads their definitions from the primary, as it reads a user's details. An object that
/// cannot be described stays absent, and its step fails saying so.
async fn with_definitions(snapshot: &Snapshot, plan: &Plan, primary: &OrgClient) -> Snapshot {
    let mut snapshot = snapshot.clone();
    let wanted: BTreeSet<String> = plan
        .changes
        .iter()
        .filter(|c| c.area == Area::Metadata && c.action.is_change())
        .filter_map(|c| c.target.item.as_ref())
        .filter_map(|item| {
            let (kind, full_name) = item.as_str().split_once(' ')?;
            match kind {
                "CustomField" => Some(full_name.split_once('.')?.0.to_owned()),
                "CustomObject" => Some(full_name.to_owned()),
                _ => None,
            }
        })
        .filter(|object| !matches!(snapshot.primary.object(object), Some(Some(_))))
        .collect();
    for object in wanted {
        if let Ok(describe) = primary.describe(&object).await {
            snapshot
                .primary
                .objects
                .insert(object, Some(ObjectSchema::from(&describe)));
        }
    }
    snapshot
}

/// Run the plan's steps (or check them, with `validate_only`) and report each outcome.
pub async fn execute(inputs: Inputs<'_>, options: ApplyOptions) -> Result<ApplyReport, ApplyError> {
    let validate = options.validate_only;
    let snapshot = with_definitions(inputs.snapshot, inputs.plan, inputs.orgs.primary).await;
    let inputs = Inputs {
        snapshot: &snapshot,
        ..inputs
    };
    let steps = super::steps::steps(inputs.spec, inputs.snapshot, inputs.plan);
    let fingerprint = plan_fingerprint(inputs.plan);
    let store = inputs.store;
    let (run, already) = if validate {
        (None, BTreeSet::new())
    } else {
        let already = store.done_steps(fingerprint.as_str()).await?;
        let run = store
            .start_apply(fingerprint.as_str(), now_ms(inputs.clock))
            .await?;
        (Some(run), already)
    };
    let mut outcomes: Outcomes = BTreeMap::new();
    for step in &steps {
        if already.contains(&step.id) {
            outcomes.insert(
                step.id.clone(),
                (
                    StepStatus::AlreadyDone,
                    Some("done by an earlier run of this plan".into()),
                ),
            );
        } else if let Work::Unresolved(why) = &step.work {
            outcomes.insert(step.id.clone(), (StepStatus::Failed, Some(why.clone())));
        }
    }
    // Metadata, per org, in step order.
    let mut methods = Vec::new();
    for role in [OrgRole::Primary, OrgRole::Secondary] {
        let writes: Vec<&Step> = steps
            .iter()
            .filter(|s| matches!(&s.work, Work::Write { org, .. } if *org == role))
            .collect();
        if writes.is_empty() {
            continue;
        }
        methods.push((role, write_method(inputs.snapshot.org(role))));
        write_org(&inputs, options, role, &writes, &mut outcomes).await;
    }
    // Users, then the connection steps.
    for step in steps.iter().filter(|s| s.phase >= Phase::Users) {
        if outcomes.contains_key(&step.id) {
            continue;
        }
        if let Some(on) = blocked_by(step, &outcomes, validate) {
            if step.phase == Phase::Connection {
                outcomes.insert(
                    step.id.clone(),
                    (
                        StepStatus::Skipped,
                        Some(format!(
                            "recorded once every other step is done ({on} is not)"
                        )),
                    ),
                );
            } else {
                skip(&mut outcomes, step, &on);
            }
            continue;
        }
        let result = match &step.work {
            Work::User(work) => {
                users::run(inputs.orgs.primary, inputs.orgs.secondary, work, validate).await
            }
            _ => Ok("recorded in the state store".to_owned()),
        };
        settle(&mut outcomes, &step.id, result, validate);
    }
    let report_steps: Vec<StepReport> = steps
        .iter()
        .map(|s| {
            let (status, reason) = outcomes
                .get(&s.id)
                .cloned()
                .unwrap_or((StepStatus::Skipped, Some("not reached".into())));
            StepReport {
                id: s.id.clone(),
                summary: s.summary.clone(),
                status,
                reason,
            }
        })
        .collect();
    let mut report = ApplyReport {
        validate_only: validate,
        steps: report_steps,
        methods,
        generation: None,
    };
    let Some(run) = run else {
        return Ok(report);
    };
    for s in &report.steps {
        let status = match s.status {
            StepStatus::Done => StoreStatus::Done,
            StepStatus::Failed => StoreStatus::Failed,
            StepStatus::Skipped => StoreStatus::Skipped,
            StepStatus::AlreadyDone | StepStatus::Checked => continue,
        };
        store
            .record_step(
                run,
                fingerprint.as_str(),
                &s.id,
                status,
                s.reason.as_deref(),
                now_ms(inputs.clock),
            )
            .await?;
    }
    let summary = report.summary_line();
    if report.succeeded() {
        let connection = planner::desired_connection(inputs.spec, inputs.snapshot);
        report.generation = store
            .finish_apply(
                run,
                ApplyOutcome::Succeeded,
                Some((inputs.plan.spec_fingerprint.as_str(), &connection)),
                &summary,
                now_ms(inputs.clock),
            )
            .await?;
    } else {
        store
            .finish_apply(
                run,
                ApplyOutcome::Failed,
                None,
                &summary,
                now_ms(inputs.clock),
            )
            .await?;
    }
    Ok(report)
}
