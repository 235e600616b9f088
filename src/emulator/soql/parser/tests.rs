//! Parser tests: every construct, and every syntax error with its code and position.

use super::*;

fn p(s: &str) -> Query {
    parse(s).unwrap_or_else(|e| panic!("{s}: {e}"))
}

fn path(parts: &[&str], pos: usize) -> Path {
    Path {
        parts: parts.iter().map(|s| s.to_string()).collect(),
        pos,
    }
}

/// The code, the `Row:…:Column:…` and the last message line of a failing parse.
fn fail(s: &str) -> (&'static str, String, String) {
    let e = parse(s).unwrap_err();
    let mut lines = e.message.lines().rev();
    let detail = lines.next().unwrap_or("").to_owned();
    let at = lines.next().unwrap_or("").to_owned();
    (e.code, at.replace("ERROR at ", ""), detail)
}

#[test]
fn select_list_paths_functions_and_subqueries() {
    let q = p(
        "select Id, Account.Owner.Name, COUNT(Id) c, max(Amount), (SELECT LastName FROM Contacts WHERE LastName != null ORDER BY LastName LIMIT 5), FIELDS(all) from Opportunity",
    );
    assert_eq!(q.from.name, "Opportunity");
    assert_eq!(q.select[0], SelectItem::Field(path(&["Id"], 7)));
    assert_eq!(
        q.select[1],
        SelectItem::Field(path(&["Account", "Owner", "Name"], 11))
    );
    assert!(matches!(
        &q.select[2],
        SelectItem::Aggregate { func: AggFn::Count, alias: Some(a), .. } if a == "c"
    ));
    assert!(matches!(
        &q.select[3],
        SelectItem::Aggregate {
            func: AggFn::Max,
            alias: None,
            ..
        }
    ));
    let SelectItem::Subquery(sub) = &q.select[4] else {
        panic!("subquery expected")
    };
    assert_eq!(sub.from.name, "Contacts");
    assert_eq!(sub.limit, Some(5));
    assert_eq!(sub.order_by.len(), 1);
    assert!(matches!(
        q.select[5],
        SelectItem::Fields {
            set: FieldsSet::All,
            ..
        }
    ));
    assert_eq!(
        p("SELECT COUNT() FROM Account").select,
        [SelectItem::CountAll { pos: 7 }]
    );
    assert_eq!(p("SELECT Id FROM Order").from.name, "Order");
}

#[test]
fn where_operators_and_literals() {
    let q = p(
        "SELECT Id FROM A WHERE a = 'x' AND b != null AND c <> 1 AND d < 2.5 AND e <= -3 AND f > 2024-01-01 AND g >= 2024-01-01T00:00:00Z AND h LIKE 'a%' AND i IN ('p', 'q') AND j NOT IN (1) AND k INCLUDES ('a;b', 'c') AND l EXCLUDES ('d') AND m = TRUE AND n = false AND o = LAST_N_DAYS:3 AND p = THIS_MONTH AND q IN (SELECT Id FROM B)",
    );
    let Some(Cond::And(terms)) = q.filter else {
        panic!("AND expected")
    };
    assert_eq!(terms.len(), 17);
    let ops: Vec<CmpOp> = terms
        .iter()
        .filter_map(|t| match t {
            Cond::Cmp { op, .. } => Some(*op),
            _ => None,
        })
        .collect();
    use CmpOp::*;
    assert_eq!(ops, [Eq, Ne, Ne, Lt, Le, Gt, Ge, Like, Eq, Eq, Eq, Eq]);
    assert!(matches!(
        &terms[1],
        Cond::Cmp {
            value: Literal::Null,
            ..
        }
    ));
    assert!(matches!(&terms[4], Cond::Cmp { value: Literal::Number(n), .. } if n == "-3"));
    assert!(matches!(&terms[8], Cond::In { negated: false, values, .. } if values.len() == 2));
    assert!(matches!(&terms[9], Cond::In { negated: true, .. }));
    assert!(
        matches!(&terms[10], Cond::Includes { excludes: false, values, .. } if values == &["a;b", "c"])
    );
    assert!(matches!(&terms[11], Cond::Includes { excludes: true, .. }));
    assert!(matches!(
        &terms[12],
        Cond::Cmp {
            value: Literal::Bool(true),
            ..
        }
    ));
    assert!(matches!(
        &terms[14],
        Cond::Cmp {
            value: Literal::DateLit(DateLiteral::LastNDays(3)),
            ..
        }
    ));
    assert!(matches!(
        &terms[15],
        Cond::Cmp {
            value: Literal::DateLit(DateLiteral::ThisMonth),
            ..
        }
    ));
    assert!(matches!(&terms[16], Cond::SemiJoin { negated: false, .. }));
}

#[test]
fn logic_grouping_not_and_trailing_clauses() {
    let q = p("SELECT Id FROM A WHERE (a = 1 OR b = 2) AND c = 3");
    assert!(
        matches!(&q.filter, Some(Cond::And(t)) if matches!(&t[0], Cond::Or(o) if o.len() == 2))
    );
    let q = p("SELECT Id FROM A WHERE NOT a = 1 OR b = 2");
    assert!(matches!(&q.filter, Some(Cond::Or(t)) if matches!(t[0], Cond::Not(_))));
    let q = p("SELECT Id FROM A WHERE a = 1 AND (NOT (b = 2 OR c = 3))");
    assert!(matches!(&q.filter, Some(Cond::And(t)) if matches!(&t[1], Cond::Not(_))));
    let q = p(
        "SELECT Name FROM Account USING SCOPE Mine WHERE Name = 'x' WITH SECURITY_ENFORCED GROUP BY Name ORDER BY Name DESC NULLS FIRST, Id ASC NULLS LAST LIMIT 10 OFFSET 20 FOR UPDATE",
    );
    assert_eq!(q.group_by, [path(&["Name"], 91)]);
    assert_eq!(q.order_by.len(), 2);
    assert!(q.order_by[0].descending && q.order_by[0].nulls_go_first());
    assert!(!q.order_by[1].descending && !q.order_by[1].nulls_go_first());
    assert_eq!((q.limit, q.offset), (Some(10), Some(20)));
    let q = p("SELECT Id FROM A ORDER BY Name DESC");
    assert!(!q.order_by[0].nulls_go_first());
}

#[test]
fn syntax_errors_report_code_and_position() {
    let cases = [
        ("", "Row:1:Column:1", "unexpected token: <EOF>"),
        (
            "SELECT FROM Account",
            "Row:1:Column:8",
            "unexpected token: 'FROM'",
        ),
        (
            "SELECT Id Account",
            "Row:1:Column:11",
            "unexpected token: 'Account'",
        ),
        (
            "SELECT Id FROM",
            "Row:1:Column:15",
            "unexpected token: <EOF>",
        ),
        (
            "SELECT Id FROM Account WHERE",
            "Row:1:Column:29",
            "unexpected token: <EOF>",
        ),
        (
            "SELECT Id FROM Account WHERE Name",
            "Row:1:Column:34",
            "unexpected token: <EOF>",
        ),
        (
            "SELECT Id FROM Account WHERE Name == 'x'",
            "Row:1:Column:36",
            "unexpected token: '='",
        ),
        (
            "SELECT Id FROM Account WHERE a = 1 OR b = 2 AND c = 3",
            "Row:1:Column:45",
            "unexpected token: 'AND'",
        ),
        (
            "SELECT Id FROM Account WHERE a = 1 AND NOT b = 2",
            "Row:1:Column:40",
            "unexpected token: 'NOT'",
        ),
        (
            "SELECT Id FROM Account WHERE (a = 1",
            "Row:1:Column:36",
            "unexpected token: <EOF>",
        ),
        (
            "SELECT Id FROM Account WHERE a NOT LIKE 'x'",
            "Row:1:Column:36",
            "unexpected token: 'LIKE'",
        ),
        (
            "SELECT Id FROM Account WHERE a LIKE 5",
            "Row:1:Column:37",
            "unexpected token: 'LIKE'",
        ),
        (
            "SELECT Id FROM Account WHERE a < null",
            "Row:1:Column:34",
            "unexpected token: 'null'",
        ),
        (
            "SELECT Id FROM Account WHERE a = SOMEDAY",
            "Row:1:Column:34",
            "unexpected token: 'SOMEDAY'",
        ),
        (
            "SELECT Id FROM Account WHERE a = LAST_N_DAYS",
            "Row:1:Column:45",
            "unexpected token: <EOF>",
        ),
        (
            "SELECT Id FROM Account LIMIT x",
            "Row:1:Column:30",
            "unexpected token: 'x'",
        ),
        (
            "SELECT Id FROM Account LIMIT 1.5",
            "Row:1:Column:30",
            "unexpected token: '1.5'",
        ),
        (
            "SELECT Id FROM Account ORDER Name",
            "Row:1:Column:30",
            "unexpected token: 'Name'",
        ),
        (
            "SELECT Id FROM Account LIMIT 5 LIMIT 5",
            "Row:1:Column:32",
            "unexpected token: 'LIMIT'",
        ),
        (
            "SELECT Id FROM Account WITH FOO",
            "Row:1:Column:29",
            "unexpected token: 'FOO'",
        ),
        (
            "SELECT (SELECT Id, (SELECT Id FROM B) FROM C) FROM A",
            "Row:1:Column:20",
            "unexpected token: '('",
        ),
        (
            "SELECT FIELDS(SOME) FROM A",
            "Row:1:Column:15",
            "unexpected token: 'SOME'",
        ),
        (
            "SELECT TYPEOF(What) FROM Event",
            "Row:1:Column:8",
            "unexpected token: 'TYPEOF'",
        ),
        (
            "SELECT Id\nFROM A\nWHERE x = 'y' z",
            "Row:3:Column:15",
            "unexpected token: 'z'",
        ),
    ];
    for (soql, at, detail) in cases {
        assert_eq!(
            fail(soql),
            ("MALFORMED_QUERY", at.to_owned(), detail.to_owned()),
            "{soql}"
        );
    }
}
