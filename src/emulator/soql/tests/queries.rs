//! Filtering, ordering, paging, counting and errors.

use super::fixture::{col, err, id, opts, org, q};
use crate::emulator::soql::{ExecOptions, run};
use proptest::strategy::Strategy;

#[test]
fn plain_select_returns_live_records_in_id_order() {
    let org = org();
    let out = q(&org, "select id, name from account");
    assert_eq!(out.total_size, 4);
    assert_eq!(
        col(&out, "Name"),
        ["Acme", "acme labs", "Globex", "Initech"]
    );
    assert_eq!(out.entity_type.as_deref(), Some("Account"));
}

#[test]
fn where_comparisons_by_type() {
    let org = org();
    let names = |soql: &str| col(&q(&org, soql), "Name");
    assert_eq!(
        names("SELECT Name FROM Account WHERE Name = 'ACME'"),
        ["Acme"]
    );
    assert_eq!(
        names("SELECT Name FROM Account WHERE NumberOfEmployees > 50"),
        ["Acme", "Globex"]
    );
    assert_eq!(
        names("SELECT Name FROM Account WHERE NumberOfEmployees <= 100"),
        ["Acme", "acme labs"]
    );
    assert_eq!(
        names("SELECT Name FROM Account WHERE AnnualRevenue >= 5.5"),
        ["Acme", "Globex"]
    );
    assert_eq!(
        names("SELECT Name FROM Account WHERE Active__c = false"),
        ["acme labs"]
    );
    assert_eq!(
        names("SELECT Name FROM Account WHERE Name > 'b' AND Name < 'H'"),
        ["Globex"]
    );
}

#[test]
fn null_and_not_equal_semantics() {
    let org = org();
    let names = |soql: &str| col(&q(&org, soql), "Name");
    assert_eq!(
        names("SELECT Name FROM Account WHERE Industry = null"),
        ["Globex"]
    );
    assert_eq!(
        names("SELECT Name FROM Account WHERE ParentId != null"),
        ["acme labs", "Globex"]
    );
    // SOQL's != keeps rows whose value is null (unlike SQL).
    assert_eq!(
        names("SELECT Name FROM Account WHERE Industry <> 'Technology'"),
        ["Globex", "Initech"]
    );
    assert_eq!(
        names("SELECT Name FROM Account WHERE Industry NOT IN ('Technology')"),
        ["Globex", "Initech"]
    );
    assert_eq!(
        names("SELECT Name FROM Account WHERE Industry IN ('finance', 'Nope')"),
        ["Initech"]
    );
}

#[test]
fn and_or_not_with_parentheses() {
    let org = org();
    let names = |soql: &str| col(&q(&org, soql), "Name");
    assert_eq!(
        names(
            "SELECT Name FROM Account WHERE (Industry = 'Finance' OR Industry = null) AND Name LIKE 'G%'"
        ),
        ["Globex"]
    );
    assert_eq!(
        names("SELECT Name FROM Account WHERE NOT Industry = 'Technology'"),
        ["Globex", "Initech"]
    );
    assert_eq!(
        names(
            "SELECT Name FROM Account WHERE Name = 'Acme' OR (NOT (Name LIKE 'a%')) OR Name = 'x'"
        ),
        ["Acme", "Globex", "Initech"]
    );
    assert_eq!(
        names("SELECT Name FROM Account WHERE Name LIKE '%lab_'"),
        ["acme labs"]
    );
}

#[test]
fn mixing_and_or_without_parentheses_is_malformed() {
    let org = org();
    let e = err(
        &org,
        "SELECT Id FROM Account WHERE Name = 'a' AND Name = 'b' OR Name = 'c'",
    );
    assert_eq!(e.code, "MALFORMED_QUERY");
    assert!(
        e.message
            .contains("ERROR at Row:1:Column:56\nunexpected token: 'OR'"),
        "{}",
        e.message
    );
    let e = err(
        &org,
        "SELECT Id FROM Account WHERE Name = 'a' AND NOT Name = 'b'",
    );
    assert!(
        e.message.contains("unexpected token: 'NOT'"),
        "{}",
        e.message
    );
}

#[test]
fn parent_paths_filter_and_sort() {
    let org = org();
    let out = q(
        &org,
        "SELECT LastName FROM Contact WHERE Account.Industry = 'technology' ORDER BY LastName DESC",
    );
    assert_eq!(col(&out, "LastName"), ["Smith", "O'Brien"]);
    let out = q(
        &org,
        "SELECT Name FROM Account WHERE Parent.Parent.Name = 'Acme'",
    );
    assert_eq!(col(&out, "Name"), ["Globex"]);
    let out = q(
        &org,
        "SELECT LastName FROM Contact ORDER BY Account.Name NULLS LAST, LastName",
    );
    assert_eq!(
        col(&out, "LastName"),
        ["O'Brien", "Smith", "Jones", "Orphan"]
    );
}

#[test]
fn order_by_nulls_and_direction() {
    let org = org();
    let names = |soql: &str| col(&q(&org, soql), "Name");
    assert_eq!(
        names("SELECT Name FROM Account ORDER BY NumberOfEmployees"),
        ["Initech", "acme labs", "Acme", "Globex"]
    );
    assert_eq!(
        names("SELECT Name FROM Account ORDER BY NumberOfEmployees DESC"),
        ["Globex", "Acme", "acme labs", "Initech"]
    );
    assert_eq!(
        names("SELECT Name FROM Account ORDER BY NumberOfEmployees ASC NULLS LAST"),
        ["acme labs", "Acme", "Globex", "Initech"]
    );
    assert_eq!(
        names("SELECT Name FROM Account ORDER BY NumberOfEmployees DESC NULLS FIRST"),
        ["Initech", "Globex", "Acme", "acme labs"]
    );
    // Text sorts case-insensitively; ties keep ID order.
    assert_eq!(
        names("SELECT Name FROM Account ORDER BY Name"),
        ["Acme", "acme labs", "Globex", "Initech"]
    );
    assert_eq!(
        names("SELECT Name FROM Account ORDER BY Industry DESC, Name DESC"),
        ["acme labs", "Acme", "Initech", "Globex"]
    );
}

#[test]
fn limit_and_offset() {
    let org = org();
    let out = q(
        &org,
        "SELECT Name FROM Account ORDER BY Name LIMIT 2 OFFSET 1",
    );
    assert_eq!(col(&out, "Name"), ["acme labs", "Globex"]);
    assert_eq!(out.total_size, 2);
    let out = q(&org, "SELECT Name FROM Account LIMIT 0");
    assert_eq!(out.total_size, 0);
    let e = err(&org, "SELECT Name FROM Account OFFSET 2001");
    assert_eq!(e.code, "NUMBER_OUTSIDE_VALID_RANGE");
    assert_eq!(
        q(&org, "SELECT Name FROM Account OFFSET 2000").total_size,
        0
    );
}

#[test]
fn count_returns_total_size_only() {
    let org = org();
    let out = q(
        &org,
        "SELECT COUNT() FROM Account WHERE Industry = 'Technology'",
    );
    assert_eq!(out.total_size, 2);
    assert!(out.records.is_empty());
    assert_eq!(q(&org, "SELECT COUNT() FROM Contact").total_size, 4);
    let e = err(&org, "SELECT COUNT(), Name FROM Account");
    assert_eq!(e.code, "MALFORMED_QUERY");
}

#[test]
fn deleted_records_only_with_include_deleted() {
    let org = org();
    assert_eq!(q(&org, "SELECT COUNT() FROM Account").total_size, 4);
    let all = ExecOptions {
        include_deleted: true,
        ..opts()
    };
    let out = run(
        &org,
        "SELECT Name FROM Account WHERE IsDeleted = true",
        &all,
    )
    .unwrap();
    assert_eq!(col(&out, "Name"), ["Deleted Co"]);
    assert_eq!(
        run(&org, "SELECT COUNT() FROM Account", &all)
            .unwrap()
            .total_size,
        5
    );
    let out = q(&org, "SELECT Name FROM Account WHERE IsDeleted = true");
    assert_eq!(out.total_size, 0);
}

#[test]
fn id_filters_accept_15_and_18_characters() {
    let org = org();
    let id18 = id("001", 2);
    let id15 = &id18[..15];
    let by15 = q(
        &org,
        &format!("SELECT Name FROM Account WHERE Id = '{id15}'"),
    );
    assert_eq!(col(&by15, "Name"), ["acme labs"]);
    let in_list = q(
        &org,
        &format!(
            "SELECT Name FROM Account WHERE Id IN ('{id18}', '{}') AND Name != 'x'",
            id("001", 1)
        ),
    );
    assert_eq!(col(&in_list, "Name"), ["Acme", "acme labs"]);
    // An ID of another object, or a deleted record, is not returned.
    let other = q(
        &org,
        &format!("SELECT Name FROM Account WHERE Id = '{}'", id("003", 1)),
    );
    assert_eq!(other.total_size, 0);
    let deleted = q(
        &org,
        &format!("SELECT Name FROM Account WHERE Id = '{}'", id("001", 5)),
    );
    assert_eq!(deleted.total_size, 0);
    let by_lookup = q(
        &org,
        &format!(
            "SELECT LastName FROM Contact WHERE AccountId = '{}'",
            &id("001", 1)[..15]
        ),
    );
    assert_eq!(col(&by_lookup, "LastName"), ["Smith", "O'Brien"]);
    let e = err(&org, "SELECT Name FROM Account WHERE Id = 'abc'");
    assert_eq!(e.code, "INVALID_QUERY_FILTER_OPERATOR");
    assert!(
        e.message.ends_with("invalid ID field: abc"),
        "{}",
        e.message
    );
}

#[test]
fn date_and_datetime_literals() {
    let org = org();
    let names = |soql: &str| col(&q(&org, soql), "Name");
    assert_eq!(
        names("SELECT Name FROM Account WHERE CreatedDate = TODAY"),
        ["Acme"]
    );
    assert_eq!(
        names("SELECT Name FROM Account WHERE CreatedDate = YESTERDAY"),
        ["acme labs"]
    );
    assert_eq!(
        names("SELECT Name FROM Account WHERE CreatedDate = LAST_N_DAYS:1"),
        ["Acme", "acme labs"]
    );
    assert_eq!(
        names("SELECT Name FROM Account WHERE CreatedDate < THIS_MONTH"),
        ["Globex", "Initech"]
    );
    assert_eq!(
        names("SELECT Name FROM Account WHERE CreatedDate = LAST_YEAR"),
        ["Initech"]
    );
    assert_eq!(
        names("SELECT Name FROM Account WHERE CreatedDate >= THIS_WEEK"),
        ["Acme", "acme labs"]
    );
    assert_eq!(
        names("SELECT Name FROM Account WHERE CreatedDate > TODAY"),
        Vec::<String>::new()
    );
    assert_eq!(
        names("SELECT Name FROM Account WHERE CreatedDate = N_DAYS_AGO:22"),
        ["Globex"]
    );
    assert_eq!(
        names("SELECT Name FROM Account WHERE CreatedDate > 2024-03-12T23:59:59Z"),
        ["Acme"]
    );
    assert_eq!(
        names("SELECT Name FROM Account WHERE CreatedDate >= 2024-03-13T00:59:59+01:00"),
        ["Acme", "acme labs"]
    );
    let c = |soql: &str| col(&q(&org, soql), "LastName");
    assert_eq!(
        c("SELECT LastName FROM Contact WHERE Birthdate = TODAY"),
        ["O'Brien"]
    );
    assert_eq!(
        c("SELECT LastName FROM Contact WHERE Birthdate < 2000-01-01"),
        ["Smith"]
    );
    assert_eq!(
        c("SELECT LastName FROM Contact WHERE Birthdate = LAST_N_DAYS:30"),
        ["O'Brien"]
    );
}

#[test]
fn multipicklist_includes_and_excludes() {
    let org = org();
    let names = |soql: &str| col(&q(&org, soql), "Name");
    assert_eq!(
        names("SELECT Name FROM Account WHERE Regions__c INCLUDES ('apac')"),
        ["Acme"]
    );
    assert_eq!(
        names("SELECT Name FROM Account WHERE Regions__c INCLUDES ('EMEA;APAC', 'x')"),
        ["Acme"]
    );
    assert_eq!(
        names("SELECT Name FROM Account WHERE Regions__c INCLUDES ('EMEA')"),
        ["Acme", "acme labs"]
    );
    assert_eq!(
        names("SELECT Name FROM Account WHERE Regions__c EXCLUDES ('APAC')"),
        ["acme labs", "Globex", "Initech"]
    );
}

#[test]
fn semi_join_and_anti_join() {
    let org = org();
    let names = |soql: &str| col(&q(&org, soql), "Name");
    assert_eq!(
        names("SELECT Name FROM Account WHERE Id IN (SELECT AccountId FROM Contact)"),
        ["Acme", "Globex"]
    );
    assert_eq!(
        names(
            "SELECT Name FROM Account WHERE Id NOT IN (SELECT AccountId FROM Contact WHERE LastName = 'Jones')"
        ),
        ["Acme", "acme labs", "Initech"]
    );
}

#[test]
fn unknown_names_and_wrong_types_fail_like_salesforce() {
    let org = org();
    let e = err(&org, "SELECT Id, Foo FROM Account");
    assert_eq!(e.code, "INVALID_FIELD");
    assert_eq!(
        e.message,
        "\nSELECT Id, Foo FROM Account\n           ^\nERROR at Row:1:Column:12\nNo such column 'Foo' on entity 'Account'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names."
    );
    let e = err(&org, "SELECT Id FROM Foo__c");
    assert_eq!(e.code, "INVALID_TYPE");
    assert!(
        e.message
            .contains("Column:16\nsObject type 'Foo__c' is not supported."),
        "{}",
        e.message
    );
    assert_eq!(err(&org, "SELECT Id FROM Hidden").code, "INVALID_TYPE");
    assert_eq!(err(&org, "SELECT Id FROM ApexTrigger").code, "INVALID_TYPE");
    let e = err(&org, "SELECT Foo.Name FROM Contact");
    assert_eq!(e.code, "INVALID_FIELD");
    assert!(
        e.message
            .contains("Didn't understand relationship 'Foo' in field path.")
    );
    let e = err(&org, "SELECT Id FROM Account WHERE NumberOfEmployees = 'x'");
    assert_eq!(e.code, "INVALID_FIELD");
    assert!(e.message.ends_with("value of filter criterion for field 'NumberOfEmployees' must be of type integer and should not be enclosed in quotes"), "{}", e.message);
    let e = err(&org, "SELECT Id FROM Account WHERE Name = 5");
    assert!(
        e.message
            .ends_with("must be of type string and should be enclosed in quotes")
    );
    let e = err(
        &org,
        "SELECT Id FROM Account WHERE CreatedDate = 2024-01-01",
    );
    assert!(
        e.message
            .ends_with("must be of type dateTime and should not be enclosed in quotes")
    );
    let e = err(&org, "SELECT Id FROM Account WHERE Name INCLUDES ('a')");
    assert_eq!(e.code, "INVALID_FIELD");
    let e = err(&org, "SELECT Id, Name, id FROM Account");
    assert_eq!(e.code, "MALFORMED_QUERY");
    assert!(e.message.ends_with("duplicate field selected: id"));
}

#[test]
fn fields_functions_and_their_limit_rule() {
    let org = org();
    let out = q(
        &org,
        "SELECT FIELDS(STANDARD) FROM Contact WHERE LastName = 'Smith'",
    );
    let keys: Vec<&String> = out.records[0].keys().collect();
    assert_eq!(
        keys,
        [
            "attributes",
            "Id",
            "IsDeleted",
            "CreatedDate",
            "SystemModstamp",
            "LastName",
            "AccountId",
            "Birthdate"
        ]
    );
    let e = err(&org, "SELECT FIELDS(ALL) FROM Account");
    assert_eq!(e.code, "MALFORMED_QUERY");
    assert!(
        e.message
            .ends_with("The SOQL FIELDS function must have a LIMIT of at most 200")
    );
    assert_eq!(
        err(&org, "SELECT FIELDS(CUSTOM) FROM Account LIMIT 201").code,
        "MALFORMED_QUERY"
    );
    let out = q(&org, "SELECT FIELDS(CUSTOM) FROM Account LIMIT 200");
    let keys: Vec<&String> = out.records[0].keys().collect();
    assert_eq!(keys, ["attributes", "Regions__c", "Active__c"]);
    let out = q(&org, "SELECT Id, FIELDS(ALL) FROM Account LIMIT 1");
    assert_eq!(out.records[0].len(), 1 + 4 + 8);
}

#[test]
fn tooling_queries_reach_tooling_objects() {
    let org = org();
    let tooling = ExecOptions {
        tooling: true,
        ..opts()
    };
    let out = run(&org, "SELECT Id, Name, Status FROM ApexTrigger", &tooling).unwrap();
    assert_eq!(out.entity_type.as_deref(), Some("ApexTrigger"));
    assert_eq!(
        out.records[0]["attributes"]["url"],
        format!(
            "/services/data/v59.0/tooling/sobjects/ApexTrigger/{}",
            id("01q", 1)
        )
    );
}

#[test]
fn ignored_clauses_parse_and_do_not_change_results() {
    let org = org();
    let plain = q(&org, "SELECT Name FROM Account WHERE Name = 'Acme'");
    for soql in [
        "SELECT Name FROM Account USING SCOPE Everything WHERE Name = 'Acme'",
        "SELECT Name FROM Account WHERE Name = 'Acme' WITH SECURITY_ENFORCED",
        "SELECT Name FROM Account WHERE Name = 'Acme' LIMIT 10 FOR UPDATE",
        "SELECT Name FROM Account WHERE Name = 'Acme' FOR VIEW",
    ] {
        assert_eq!(q(&org, soql), plain, "{soql}");
    }
}

proptest::proptest! {
    /// Whatever the text, parsing and running answer with a result or an error, never a panic.
    #[test]
    fn arbitrary_text_never_panics(
        words in proptest::collection::vec(
            proptest::prop_oneof![
                proptest::sample::select(vec![
                    "SELECT", "FROM", "WHERE", "AND", "OR", "NOT", "IN", "LIKE", "ORDER", "BY",
                    "LIMIT", "OFFSET", "GROUP", "COUNT(", ")", "(", ",", "=", "<", ">=", "!=",
                    "Account", "Contact", "Contacts", "Name", "Account.Name", "Parent.Parent.Name",
                    "CreatedDate", "NumberOfEmployees", "'x'", "'\\''", "null", "TODAY",
                    "LAST_N_DAYS:2", "2024-01-01", "2024-01-01T00:00:00Z", "5", "-1.5", "FIELDS(ALL)",
                    "INCLUDES", "Regions__c", "ChildAccounts", "é", "\\", "'", ":", ".",
                ]).prop_map(str::to_owned),
                "[ -~]{0,6}",
            ],
            0..14,
        )
    ) {
        let org = super::fixture::org();
        let text = words.join(" ");
        let _ = run(&org, &text, &opts());
        let _ = run(&org, &format!("SELECT Id FROM Account WHERE {text}"), &opts());
    }
}
