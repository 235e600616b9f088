//! Properties of the planner over generated specs and snapshots (objects, field sets and field
//! types from a small vocabulary): the plan is deterministic, always passes the invariant checks,
//! and when nothing blocks it, applying it (simulated) and planning again gives an empty plan.

mod planner_support;

use orgsync::observe::{FieldSchema, FieldType, MetadataKind, ObjectSchema, OrgUser, Snapshot};
use orgsync::plan::check;
use orgsync::plan::planner::{StateView, plan};
use orgsync::spec::KEY_FIELD;
use planner_support::{Flags, converges, default_orgs, new_field, plain, spec};
use proptest::prelude::*;

/// Bytes read one at a time as choices.
struct Dice<'a>(&'a [u8], usize);

impl Dice<'_> {
    fn roll(&mut self, n: usize) -> usize {
        let b = self.0.get(self.1 % self.0.len()).copied().unwrap_or(0);
        self.1 += 1;
        usize::from(b) % n.max(1)
    }

    fn flip(&mut self) -> bool {
        self.roll(2) == 1
    }
}

const OBJECTS: [&str; 4] = ["Account", "Contact", "Widget__c", "Gadget__c"];

/// A field of the vocabulary, in a variant (0 = as in the primary, 1 = narrower, 2 = other type).
fn vocab(name: &str, variant: usize, objects: &[&str], d: &mut Dice<'_>) -> FieldSchema {
    let text = |t: FieldType, length: u64| FieldSchema {
        length,
        ..new_field(name, t)
    };
    match name {
        "Name" => text(FieldType::Text, [80, 40, 80][variant]),
        "OwnerId" => FieldSchema {
            reference_to: vec!["User".into(), "Group".into()],
            ..new_field(name, FieldType::Lookup)
        },
        "Code__c" => match variant {
            2 => text(FieldType::TextArea, 255),
            v => text(FieldType::Text, [40, 20][v]),
        },
        "Notes__c" => match variant {
            2 => text(FieldType::Text, 255),
            v => text(FieldType::LongTextArea, [32000, 1000][v]),
        },
        "Amount__c" => match variant {
            2 => FieldSchema {
                precision: 18,
                scale: 2,
                ..new_field(name, FieldType::Currency)
            },
            v => FieldSchema {
                precision: [18, 10][v],
                scale: 2,
                ..new_field(name, FieldType::Number)
            },
        },
        "Kind__c" => match variant {
            2 => text(FieldType::Text, 40),
            _ => new_field(name, FieldType::Picklist),
        },
        "Parent__c" => {
            let to = objects[d.roll(objects.len())];
            FieldSchema {
                reference_to: vec![if variant == 2 {
                    "Account".into()
                } else {
                    to.into()
                }],
                ..new_field(name, FieldType::Lookup)
            }
        }
        "Formula__c" => new_field(name, FieldType::Formula),
        _ => FieldSchema {
            createable: false,
            updateable: false,
            ..new_field(name, FieldType::AutoNumber)
        },
    }
}

const FIELDS: [&str; 9] = [
    "Name",
    "OwnerId",
    "Code__c",
    "Notes__c",
    "Amount__c",
    "Kind__c",
    "Parent__c",
    "Formula__c",
    "Seq__c",
];

fn schema(name: &str, fields: Vec<FieldSchema>) -> ObjectSchema {
    ObjectSchema {
        name: name.into(),
        label: name.replace("__c", ""),
        custom: name.ends_with("__c"),
        createable: true,
        updateable: true,
        deletable: true,
        queryable: true,
        replicateable: true,
        triggerable: true,
        fields: fields.into_iter().map(|f| (f.name.clone(), f)).collect(),
    }
}

/// A generated spec and snapshot.
fn scenario(bytes: &[u8]) -> (orgsync::spec::Spec, Snapshot) {
    let mut d = Dice(bytes, 0);
    // Clean scenarios differ only in ways syncMetadata fixes (missing or narrower custom fields,
    // missing custom objects, missing key fields); noisy ones differ in any way.
    let noisy = d.flip();
    let flags = Flags {
        two_way: d.roll(4) == 0,
        users: false,
        metadata: !noisy || d.flip(),
    };
    let mut objects: Vec<&str> = OBJECTS.iter().copied().filter(|_| d.roll(3) > 0).collect();
    if objects.is_empty() {
        objects.push("Account");
    }
    let users = d.flip();
    let policies = ["primary-only", "mirror", "inactive-in-secondary"];
    let triggers = d.flip().then(|| {
        let default = policies[d.roll(3)];
        let case = policies[d.roll(3)];
        format!(
            "  triggers:\n    default: {default}\n    overrides:\n      CaseTrigger_UpdateDesc: {case}"
        )
    });
    let flags = Flags { users, ..flags };
    let mut snap = default_orgs();
    for org in [&mut snap.primary, &mut snap.secondary] {
        org.objects.clear();
        org.field_access.clear();
        if !users {
            org.users = None;
            org.profiles = None;
            org.roles = None;
        }
        if triggers.is_none() {
            org.triggers = None;
        }
        if !flags.metadata {
            org.metadata = None;
        }
        org.record_counts.clear();
    }
    perturb(&mut snap, &mut d, noisy);
    let mut yaml = String::new();
    for &o in &objects {
        let mut primary = Vec::new();
        let mut secondary = Vec::new();
        for &f in &FIELDS {
            if d.roll(4) == 0 {
                continue;
            }
            let p = if noisy || f != "Parent__c" {
                vocab(f, 0, &objects, &mut d)
            } else {
                vocab(f, 0, &[o], &mut d)
            };
            let fixable = f.ends_with("__c") && f != "Seq__c";
            let s = match d.roll(8) {
                0 if noisy || fixable => None,
                1 if noisy || fixable => Some(vocab(f, 1, &objects, &mut d)),
                2 if noisy => Some(vocab(f, 2, &objects, &mut d)),
                _ => Some(p.clone()),
            };
            if let Some(s) = s {
                secondary.push(s);
            }
            primary.push(p);
        }
        match d.roll(6) {
            0 | 1 => {}
            2 if noisy => secondary.push(new_field(KEY_FIELD, FieldType::Text)),
            _ => secondary.push(FieldSchema {
                length: 18,
                external_id: true,
                unique: true,
                ..new_field(KEY_FIELD, FieldType::Text)
            }),
        }
        snap.primary
            .record_counts
            .insert(o.into(), [0, 150, 4_000, 25_000][d.roll(4)]);
        snap.primary
            .objects
            .insert(o.into(), Some(schema(o, primary)));
        let in_secondary = d.roll(5) > 0 || (!noisy && !o.ends_with("__c"));
        snap.secondary
            .objects
            .insert(o.into(), in_secondary.then(|| schema(o, secondary)));
        let fields = if d.flip() {
            "\"*\"".to_owned()
        } else {
            let list: Vec<&str> = FIELDS
                .iter()
                .chain(if noisy {
                    ["Missing__c"].iter()
                } else {
                    [].iter()
                })
                .copied()
                .filter(|_| d.roll(3) == 0)
                .collect();
            if list.is_empty() {
                "[Name]".into()
            } else {
                format!("[{}]", list.join(", "))
            }
        };
        yaml.push_str(&format!("    {o}:\n      publish: {{fields: {fields}}}\n"));
    }
    (
        spec(flags, yaml.trim_end(), triggers.as_deref().unwrap_or("")),
        snap,
    )
}

/// Differences in users, triggers and metadata between the orgs.
fn perturb(snap: &mut Snapshot, d: &mut Dice<'_>, noisy: bool) {
    let primary_users = snap.primary.users.clone().unwrap_or_default();
    if let Some(users) = snap.secondary.users.as_mut() {
        for u in &primary_users {
            let copy = |active: bool, role: Option<String>| OrgUser {
                id: "005y".into(),
                username: format!("{}.dr", u.username),
                profile: u.profile.clone(),
                role,
                active,
            };
            match d.roll(5) {
                0 => users.push(copy(true, None)),
                1 => users.push(copy(!u.active, u.role.clone())),
                2 => users.push(copy(u.active, u.role.clone())),
                _ => {}
            }
        }
        users.sort_by(|a, b| a.username.cmp(&b.username));
        users.dedup_by(|a, b| a.username == b.username);
    }
    if noisy && let Some(roles) = snap.secondary.roles.as_mut() {
        roles.retain(|_| d.roll(4) > 0);
    }
    if let Some(triggers) = snap.secondary.triggers.as_mut() {
        triggers.retain(|_| d.roll(4) > 0);
        for t in triggers.iter_mut() {
            match d.roll(4) {
                0 => t.status = "Inactive".into(),
                1 => t.status = "Active".into(),
                2 => t.body.push_str("\n// changed in the secondary"),
                _ => {}
            }
        }
    }
    if let Some(items) = snap.secondary.metadata.as_mut() {
        items.retain(|_| d.roll(6) > 0);
        for m in items
            .iter_mut()
            .filter(|m| m.kind == MetadataKind::ApexClass)
        {
            if d.flip() {
                m.content.push_str("\n// older");
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn plans_are_deterministic_sound_and_converge(bytes in proptest::collection::vec(any::<u8>(), 64..160)) {
        let (spec, snap) = scenario(&bytes);
        let state = StateView::default();
        let first = plan(&spec, &snap, &state);
        prop_assert_eq!(check(&first), vec![], "{}", plain(&first));
        prop_assert_eq!(&plan(&spec, &snap, &state), &first);
        if !first.is_blocked() {
            converges(&spec, &snap, &first);
        }
    }
}

/// The generator is useful: a fair share of its scenarios can be applied (and so are checked for
/// convergence), and a fair share are blocked.
#[test]
fn generated_scenarios_cover_both_outcomes() {
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    let (mut applied, mut blocked) = (0, 0);
    for _ in 0..300 {
        let bytes: Vec<u8> = (0..96)
            .map(|_| {
                state = state
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407);
                (state >> 33) as u8
            })
            .collect();
        let (spec, snap) = scenario(&bytes);
        let p = plan(&spec, &snap, &StateView::default());
        assert_eq!(check(&p), vec![]);
        if p.is_blocked() {
            blocked += 1;
        } else {
            converges(&spec, &snap, &p);
            applied += 1;
        }
    }
    assert!(
        applied >= 30,
        "only {applied} of 300 scenarios could be applied"
    );
    assert!(
        blocked >= 30,
        "only {blocked} of 300 scenarios were blocked"
    );
}
