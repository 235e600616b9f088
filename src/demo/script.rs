//! The demo's script: each chapter runs the product's code and says what happened.

use std::path::Path;
use std::time::Instant;

use serde_json::{Map, Value, json};

use crate::apply::{ApplyOptions, Inputs, Orgs as ApplyOrgs, execute};
use crate::observe::{OrgRole, connect};
use crate::org::rest::QueryOptions;
use crate::org::{OrgClient, SystemClock};
use crate::spec::Spec;
use crate::state::LogFilter;
use crate::sync::{BulkOptions, Engine};

use super::{DemoError, Event, Orgs, plan, start_orgs, write_spec};

type Tell<'t> = &'t (dyn Fn(Event<'_>) + Sync);

fn client(spec: &Spec, role: OrgRole) -> Result<OrgClient, DemoError> {
    let org = match role {
        OrgRole::Primary => &spec.primary,
        OrgRole::Secondary => &spec.secondary,
    };
    connect::client(role, org).map_err(|e| DemoError::Spec(e.to_string()))
}

async fn count(c: &OrgClient, object: &str) -> Result<u64, DemoError> {
    let page = c
        .query(
            &format!("SELECT COUNT() FROM {object}"),
            QueryOptions::default(),
        )
        .await
        .map_err(|e| DemoError::Change("an", e))?;
    Ok(page.total_size)
}

async fn one(c: &OrgClient, soql: &str) -> Result<Map<String, Value>, DemoError> {
    let records = c
        .query_all(soql, QueryOptions::default())
        .await
        .map_err(|e| DemoError::Change("an", e))?;
    records
        .into_iter()
        .next()
        .map(|r| r.fields)
        .ok_or_else(|| DemoError::Check(format!("no record for `{soql}`")))
}

fn check(tell: Tell<'_>, what: &str, ok: bool) -> Result<(), DemoError> {
    tell(Event::Check(what.to_owned(), ok));
    if ok {
        Ok(())
    } else {
        Err(DemoError::Check(what.to_owned()))
    }
}

fn fields(v: Value) -> Map<String, Value> {
    v.as_object().cloned().unwrap_or_default()
}

fn id_of(record: &Map<String, Value>) -> String {
    record
        .get("Id")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

/// A user edits a record in an org.
async fn edit(
    c: &OrgClient,
    org: &'static str,
    object: &str,
    id: &str,
    values: Value,
) -> Result<(), DemoError> {
    c.update(object, id, &fields(values))
        .await
        .map_err(|e| DemoError::Change(org, e))
}

async fn apply(spec: &Spec, tell: Tell<'_>) -> Result<(), DemoError> {
    let planned = plan(spec).await?;
    tell(Event::Plan(&planned.plan));
    let inputs = Inputs {
        spec,
        snapshot: &planned.snapshot,
        plan: &planned.plan,
        orgs: ApplyOrgs {
            primary: &planned.primary,
            secondary: &planned.secondary,
        },
        store: &planned.store,
        clock: &SystemClock,
    };
    let report = execute(inputs, ApplyOptions::default()).await?;
    tell(Event::Applied(&report));
    check(tell, "every apply step is done", report.succeeded())?;
    planned.store.close().await;
    let again = plan(spec).await?;
    check(
        tell,
        "planning again finds nothing to change: the orgs are as the spec says",
        again.plan.is_empty(),
    )?;
    again.store.close().await;
    Ok(())
}

/// Run the demo in `dir` (created; its spec and state stay there afterwards).
pub async fn run(dir: &Path, tell: Tell<'_>) -> Result<(), DemoError> {
    let started = Instant::now();
    tell(Event::Chapter("Two orgs"));
    let orgs: Orgs = start_orgs()?;
    let (path, spec) = write_spec(&orgs, false, dir)?;
    let p = client(&spec, OrgRole::Primary)?;
    let s = client(&spec, OrgRole::Secondary)?;
    tell(Event::Say(format!(
        "Acme Corp, the primary (production), runs at {} with {} accounts, {} contacts and {} cases.",
        orgs.primary.instance_url,
        count(&p, "Account").await?,
        count(&p, "Contact").await?,
        count(&p, "Case").await?,
    )));
    tell(Event::Say(format!(
        "Acme Corp DR, the secondary (its standby org), runs at {}: the same schema with a few \
         deliberate differences, and {} accounts.",
        orgs.secondary.instance_url,
        count(&s, "Account").await?,
    )));

    tell(Event::Chapter("The spec"));
    tell(Event::Say(format!(
        "{} describes the connection: one-way replication of Account, Contact and Case, owners \
         mapped to users copied with the suffix .dr, deletes propagated. `orgsync validate` finds \
         it valid.",
        path.display()
    )));

    tell(Event::Chapter("Plan and apply"));
    tell(Event::Say(
        "orgsync reads both orgs and shows what apply will do — the plan a team reviews in a pull \
         request:"
            .into(),
    ));
    apply(&spec, tell).await?;

    tell(Event::Chapter("Bulk sync"));
    tell(Event::Say(
        "The existing records are copied, parents before children, lookups and owners translated. \
         Each copy carries the primary's record ID in OrgSync_Source_Id__c, so a retry can never \
         duplicate it."
            .into(),
    ));
    let engine = Engine::connect(&spec).await?;
    let bulk = engine.bulk_sync(&BulkOptions::default(), &|_| {}).await?;
    tell(Event::Bulk(&bulk));
    for object in ["Account", "Contact", "Case"] {
        let (a, b) = (count(&p, object).await?, count(&s, object).await?);
        check(
            tell,
            &format!("the secondary now has every {object} of the primary ({b} of {a})"),
            a == b,
        )?;
    }

    tell(Event::Chapter("Changes flow (one-way)"));
    let globex = one(
        &p,
        "SELECT Id FROM Account WHERE Name = 'Globex Corporation'",
    )
    .await?;
    let globex_id = id_of(&globex);
    edit(
        &p,
        "primary",
        "Account",
        &globex_id,
        json!({"Phone": "+1 212 555 0100"}),
    )
    .await?;
    let new_contact = p
        .create(
            "Contact",
            &fields(json!({"FirstName": "Nora", "LastName": "Newhire", "AccountId": globex_id})),
        )
        .await
        .map_err(|e| DemoError::Change("primary", e))?;
    let new_contact = new_contact.id.unwrap_or_default();
    tell(Event::Say(format!(
        "In the primary, a user changes the phone number of account {globex_id} and adds contact \
         {new_contact} to it. One sync cycle later:"
    )));
    let cycle = engine.sync_once(None).await?;
    tell(Event::Cycle(&cycle));
    let copy = one(
        &s,
        &format!("SELECT Id, Phone FROM Account WHERE OrgSync_Source_Id__c = '{globex_id}'"),
    )
    .await?;
    let original = one(
        &p,
        &format!("SELECT Phone FROM Account WHERE Id = '{globex_id}'"),
    )
    .await?;
    check(
        tell,
        "the secondary's copy has the new phone number",
        copy.get("Phone") == original.get("Phone"),
    )?;
    let contact = one(
        &s,
        &format!("SELECT AccountId FROM Contact WHERE OrgSync_Source_Id__c = '{new_contact}'"),
    )
    .await?;
    check(
        tell,
        "the new contact's copy looks up to the copy of its account",
        contact.get("AccountId") == copy.get("Id"),
    )?;
    let idle = engine.sync_once(None).await?;
    check(
        tell,
        "the next cycle has nothing to write (no echo)",
        idle.total().writes() == 0,
    )?;

    tell(Event::Chapter("Two-way, with a conflict"));
    tell(Event::Say(
        "The spec changes to two-way with `conflicts: latest-wins`. The plan now adds the key field \
         to the primary too:"
            .into(),
    ));
    let (_, spec2) = write_spec(&orgs, true, dir)?;
    apply(&spec2, tell).await?;
    let engine = Engine::connect(&spec2).await?;
    engine.sync_once(None).await?;
    let popup = s
        .create(
            "Account",
            &fields(json!({"Name": "Acme Pop-up Store", "Industry": "Retail"})),
        )
        .await
        .map_err(|e| DemoError::Change("secondary", e))?
        .id
        .unwrap_or_default();
    let copy_id = id_of(&copy);
    edit(
        &p,
        "primary",
        "Account",
        &globex_id,
        json!({"Phone": "+1 212 555 0111"}),
    )
    .await?;
    // Salesforce stamps changes to the second: the secondary's edit comes a moment later.
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    edit(
        &s,
        "secondary",
        "Account",
        &copy_id,
        json!({"Phone": "+1 212 555 0122"}),
    )
    .await?;
    tell(Event::Say(format!(
        "A user creates account {popup} in the secondary. Meanwhile account {globex_id}'s phone \
         number is changed in both orgs, in the secondary last. One sync cycle later:"
    )));
    let cycle = engine.sync_once(None).await?;
    tell(Event::Cycle(&cycle));
    let popup_copy = count_where(&p, &format!("OrgSync_Source_Id__c = '{popup}'")).await?;
    check(
        tell,
        "the new account was copied to the primary",
        popup_copy == 1,
    )?;
    let a = one(
        &p,
        &format!("SELECT Phone FROM Account WHERE Id = '{globex_id}'"),
    )
    .await?;
    let b = one(
        &s,
        &format!("SELECT Phone FROM Account WHERE Id = '{copy_id}'"),
    )
    .await?;
    check(
        tell,
        "both orgs now hold the secondary's (later) phone number",
        a.get("Phone") == b.get("Phone") && b.get("Phone") == Some(&json!("+1 212 555 0122")),
    )?;
    let conflicts = engine
        .store()
        .log_entries(&LogFilter {
            error_code: Some("CONFLICT".into()),
            ..LogFilter::default()
        })
        .await?;
    if let Some(c) = conflicts.first() {
        tell(Event::Say(format!(
            "The sync log says: {} {}: {}",
            c.entry.object,
            c.entry.record_id,
            c.entry.message.as_deref().unwrap_or_default()
        )));
    }
    let idle = engine.sync_once(None).await?;
    check(
        tell,
        "and the next cycle writes nothing in either org",
        idle.total().writes() == 0,
    )?;

    tell(Event::Chapter("Status"));
    let now = chrono::Utc::now().timestamp_millis();
    if let Some(report) = crate::sync::status::report(engine.store(), &spec2, now).await? {
        tell(Event::Status(&report));
    }
    engine.store().close().await;
    tell(Event::Say(format!(
        "Done in {:.1} s. The spec and its state store stay in {}: `orgsync status -f {}` and \
         `orgsync log -f {}` read them (the emulated orgs stop with the demo).",
        started.elapsed().as_secs_f64(),
        dir.display(),
        path.display(),
        path.display(),
    )));
    Ok(())
}

async fn count_where(c: &OrgClient, condition: &str) -> Result<u64, DemoError> {
    let page = c
        .query(
            &format!("SELECT COUNT() FROM Account WHERE {condition}"),
            QueryOptions::default(),
        )
        .await
        .map_err(|e| DemoError::Change("an", e))?;
    Ok(page.total_size)
}
