//! Result shapes as JSON snapshots.

use serde_json::{Value, json};

use super::fixture::{id, opts, org, q};
use crate::emulator::soql::{ExecOptions, flatten, parse, run};

fn records(out: &crate::emulator::soql::QueryOutput) -> Value {
    Value::Array(out.records.iter().cloned().map(Value::Object).collect())
}

#[test]
fn parent_paths_nest_with_attributes_and_null_for_empty_lookups() {
    let org = org();
    let out = q(
        &org,
        "select name, PARENT.name, parent.parent.NAME, Owner.Username, Parent.Id FROM account WHERE Name LIKE '%e%' ORDER BY Name",
    );
    insta::assert_json_snapshot!("parent_paths", records(&out));
}

#[test]
fn child_subqueries_nest_query_results_and_null_when_empty() {
    let org = org();
    let out = q(
        &org,
        "SELECT Id, Name, (SELECT LastName, Account.Name FROM Contacts ORDER BY LastName), (select name from ChildAccounts) FROM Account ORDER BY Name LIMIT 3",
    );
    insta::assert_json_snapshot!("child_subqueries", records(&out));
}

#[test]
fn child_subqueries_hide_deleted_children_unless_query_all() {
    let org = org();
    let soql = format!(
        "SELECT Name, (SELECT LastName FROM Contacts) FROM Account WHERE Id = '{}'",
        id("001", 1)
    );
    let live = q(&org, &soql);
    assert_eq!(live.records[0]["Contacts"]["totalSize"], json!(2));
    let all = ExecOptions {
        include_deleted: true,
        ..opts()
    };
    let out = run(&org, &soql, &all).unwrap();
    assert_eq!(out.records[0]["Contacts"]["totalSize"], json!(3));
    assert_eq!(
        out.records[0]["Contacts"]["records"][2]["LastName"],
        json!("Gone")
    );
}

#[test]
fn values_are_returned_as_stored_and_missing_fields_as_null() {
    let org = org();
    let out = q(
        &org,
        "SELECT Id, Name, AnnualRevenue, NumberOfEmployees, Active__c, CreatedDate, Regions__c FROM Account WHERE Name = 'Initech'",
    );
    insta::assert_json_snapshot!("stored_values", records(&out));
    let out = q(
        &org,
        "SELECT LastName, Birthdate, Account.Name FROM Contact WHERE LastName = 'Orphan'",
    );
    insta::assert_json_snapshot!("orphan_contact", records(&out));
}

#[test]
fn aggregates_with_and_without_group_by() {
    let org = org();
    let out = q(
        &org,
        "SELECT Industry, COUNT(Id), MAX(NumberOfEmployees) biggest, SUM(AnnualRevenue), MIN(Name) FROM Account GROUP BY Industry ORDER BY Industry",
    );
    insta::assert_json_snapshot!("aggregate_grouped", records(&out));
    assert_eq!(out.total_size, 3);
    assert_eq!(out.entity_type, None);
    let out = q(
        &org,
        "SELECT COUNT(Id), COUNT_DISTINCT(Industry), AVG(NumberOfEmployees) FROM Account",
    );
    insta::assert_json_snapshot!("aggregate_whole", records(&out));
    let e = run(
        &org,
        "SELECT Name, COUNT(Id) FROM Account GROUP BY Industry",
        &opts(),
    )
    .unwrap_err();
    assert_eq!(e.code, "MALFORMED_QUERY");
    assert!(
        e.message
            .ends_with("Field must be grouped or aggregated: Name")
    );
}

#[test]
fn flatten_gives_csv_columns_in_canonical_case() {
    let org = org();
    let query =
        parse("SELECT id, lastname, account.name, Birthdate FROM Contact ORDER BY LastName")
            .unwrap();
    let out = crate::emulator::soql::execute(&org, &query, &opts()).unwrap();
    let (headers, rows) = flatten(&query, &out);
    assert_eq!(headers, ["Id", "LastName", "Account.Name", "Birthdate"]);
    assert_eq!(rows.len(), 4);
    assert_eq!(
        rows[0],
        [id("003", 3), "Jones".into(), "Globex".into(), String::new()]
    );
    assert_eq!(rows[2][2], "");
    assert_eq!(rows[3][3], "1980-01-31");
}
