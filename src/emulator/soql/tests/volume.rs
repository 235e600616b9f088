//! A query over 50,000 generated records completes (speed is measured in the report, not here).

use serde_json::json;

use super::fixture::{empty_org, id, opts, record};
use crate::emulator::soql::run;

#[test]
fn queries_over_fifty_thousand_records_complete() {
    let mut org = empty_org();
    let industries = ["Technology", "Finance", "Retail", "Energy"];
    for n in 1..=50_000u32 {
        let parent = (n > 1).then(|| id("001", n / 2));
        org.put_record(record(
            "Account",
            json!({
                "Id": id("001", n),
                "Name": format!("Account {n:05}"),
                "Industry": industries[n as usize % 4],
                "NumberOfEmployees": n % 1000,
                "ParentId": parent,
                "CreatedDate": format!("2024-03-{:02}T10:00:00.000+0000", n % 28 + 1),
            }),
        ));
    }
    let out = run(
        &org,
        "SELECT Id, Name, Industry, Parent.Name FROM Account WHERE Industry IN ('Technology', 'Finance') AND NumberOfEmployees >= 500 AND Name LIKE 'Account%'",
        &opts(),
    )
    .unwrap();
    assert_eq!(out.total_size, 12_500);
    assert_eq!(out.records[0]["Parent"]["Name"], json!("Account 00250"));
    let out = run(
        &org,
        "SELECT Id, Name FROM Account WHERE CreatedDate = THIS_MONTH ORDER BY NumberOfEmployees DESC, Name LIMIT 3",
        &opts(),
    )
    .unwrap();
    assert_eq!(out.records[0]["Name"], json!("Account 00999"));
    let count = run(&org, "SELECT COUNT() FROM Account", &opts()).unwrap();
    assert_eq!(count.total_size, 50_000);
}
