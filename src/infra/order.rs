//! The deploy order, derived: each unit (a CloudFormation stack, a Terraform
//! root) declares what it creates and what it uses, and a unit runs only
//! after every unit that creates what it uses. Nothing here knows what a
//! stack is; the model declares, this module orders and checks.

use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// Something one unit creates and another needs, across stacks and accounts.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(tag = "kind", content = "of", rename_all = "kebab-case")]
pub enum Thing {
    /// An account's ID, known once the account exists (the organization
    /// stack creates the accounts lzgen creates).
    Account(String),
    /// A stack output that later parameters take: `LOG_ARCHIVE_BUCKET`.
    Output(String),
    /// An IAM role that another account's resource names by ARN and AWS
    /// checks when that resource is created: `(account, role name)`.
    Role(String, String),
    /// Trusted access for a service principal in AWS Organizations.
    TrustedAccess(String),
    /// A delegated administrator registered for a service principal.
    DelegatedAdministrator(String),
}

impl fmt::Display for Thing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Thing::Account(name) => write!(f, "the ID of account {name}"),
            Thing::Output(name) => write!(f, "the output {name}"),
            Thing::Role(account, role) => write!(f, "role {role} in account {account}"),
            Thing::TrustedAccess(p) => write!(f, "trusted access for {p}"),
            Thing::DelegatedAdministrator(p) => write!(f, "a delegated administrator for {p}"),
        }
    }
}

/// What the order needs to know of a unit.
pub trait Unit {
    /// A name for messages: the stack's or root's name.
    fn id(&self) -> &str;
    fn creates(&self) -> &[Thing];
    fn uses(&self) -> &[Thing];
}

/// Things a unit uses that no unit creates: the user provides them (an
/// adopted account's ID), or a step outside the units does.
pub fn external<U: Unit>(units: &[U]) -> BTreeSet<Thing> {
    let created: BTreeSet<&Thing> = units.iter().flat_map(|u| u.creates()).collect();
    units
        .iter()
        .flat_map(|u| u.uses())
        .filter(|t| !created.contains(t))
        .cloned()
        .collect()
}

/// Orders the units so that each comes after every unit that creates what it
/// uses. Among units free to go, the one listed first goes first, so a
/// listing that already respects the dependencies is kept as it is. A cycle
/// is reported with the units in it.
pub fn sort<U: Unit + Clone>(units: &[U]) -> Result<Vec<U>, String> {
    let mut creator: BTreeMap<&Thing, usize> = BTreeMap::new();
    for (i, u) in units.iter().enumerate() {
        for thing in u.creates() {
            creator.entry(thing).or_insert(i);
        }
    }
    // followers[c]: the units that wait for unit c; waiting[i]: how many
    // units i still waits for.
    let mut followers: Vec<Vec<usize>> = vec![Vec::new(); units.len()];
    let mut waiting = vec![0usize; units.len()];
    for (i, u) in units.iter().enumerate() {
        let waits: BTreeSet<usize> = u
            .uses()
            .iter()
            .filter_map(|t| creator.get(t).copied())
            .filter(|&c| c != i)
            .collect();
        waiting[i] = waits.len();
        for c in waits {
            followers[c].push(i);
        }
    }
    // The units free to go, by their place in the listing.
    let mut ready: BTreeSet<usize> = (0..units.len()).filter(|&i| waiting[i] == 0).collect();
    let mut out = Vec::with_capacity(units.len());
    while let Some(i) = ready.pop_first() {
        out.push(units[i].clone());
        for &f in &followers[i] {
            waiting[f] -= 1;
            if waiting[f] == 0 {
                ready.insert(f);
            }
        }
    }
    if out.len() < units.len() {
        let stuck: Vec<&str> = (0..units.len())
            .filter(|&i| waiting[i] > 0)
            .map(|i| units[i].id())
            .collect();
        return Err(format!(
            "the units {} wait for each other",
            stuck.join(", ")
        ));
    }
    Ok(out)
}

/// For each unit, in order, the things of a kind (`wanted`) that it is the
/// first to use: where a step that provides them, outside the units (an
/// organization setting), must run.
pub fn first_uses<U: Unit>(units: &[U], wanted: impl Fn(&Thing) -> bool) -> Vec<Vec<Thing>> {
    let mut seen = BTreeSet::new();
    units
        .iter()
        .map(|u| {
            u.uses()
                .iter()
                .filter(|t| wanted(t) && seen.insert((*t).clone()))
                .cloned()
                .collect()
        })
        .collect()
}

/// Every use that comes before the unit creating it, in the given order:
/// empty for a sound order. `available` lists what exists before the first
/// unit (steps run outside the units, values the user gives).
pub fn misordered<U: Unit>(units: &[U], available: &BTreeSet<Thing>) -> Vec<String> {
    let created_by: BTreeMap<&Thing, usize> = units
        .iter()
        .enumerate()
        .flat_map(|(i, u)| u.creates().iter().map(move |t| (t, i)))
        .collect();
    let mut problems = Vec::new();
    for (i, u) in units.iter().enumerate() {
        for thing in u.uses() {
            match created_by.get(thing) {
                Some(&c) if c > i => problems.push(format!(
                    "{} uses {thing}, which {} creates later",
                    u.id(),
                    units[c].id()
                )),
                None if !available.contains(thing) => {
                    problems.push(format!("{} uses {thing}, which nothing creates", u.id()))
                }
                _ => {}
            }
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Clone)]
    struct U(&'static str, Vec<Thing>, Vec<Thing>);

    impl Unit for U {
        fn id(&self) -> &str {
            self.0
        }
        fn creates(&self) -> &[Thing] {
            &self.1
        }
        fn uses(&self) -> &[Thing] {
            &self.2
        }
    }

    fn role(a: &str) -> Thing {
        Thing::Role(a.into(), "deploy".into())
    }

    #[test]
    fn a_unit_moves_after_what_creates_what_it_uses_and_the_rest_keep_their_place() {
        let units = vec![
            U("org", vec![Thing::Account("dev".into())], vec![]),
            U("tooling", vec![], vec![role("dev")]),
            U("artifact", vec![], vec![]),
            U(
                "dev-roles",
                vec![role("dev")],
                vec![Thing::Account("dev".into())],
            ),
        ];
        let names: Vec<&str> = sort(&units)
            .expect("no cycle")
            .iter()
            .map(|u| u.0)
            .collect();
        assert_eq!(names, ["org", "artifact", "dev-roles", "tooling"]);
    }

    #[test]
    fn a_misordered_use_is_named_with_the_unit_that_creates_it() {
        let units = vec![
            U("tooling", vec![], vec![role("dev")]),
            U("dev-roles", vec![role("dev")], vec![]),
        ];
        assert_eq!(
            misordered(&units, &BTreeSet::new()),
            ["tooling uses role deploy in account dev, which dev-roles creates later"]
        );
        let sorted = sort(&units).expect("no cycle");
        assert!(misordered(&sorted, &BTreeSet::new()).is_empty());
    }

    #[test]
    fn a_use_nothing_creates_is_named_unless_it_is_available() {
        let units = vec![U(
            "trail",
            vec![],
            vec![Thing::TrustedAccess("cloudtrail.amazonaws.com".into())],
        )];
        assert_eq!(
            misordered(&units, &BTreeSet::new()),
            ["trail uses trusted access for cloudtrail.amazonaws.com, which nothing creates"]
        );
        let available = external(&units);
        assert!(misordered(&units, &available).is_empty());
    }

    #[test]
    fn only_the_first_unit_to_use_a_thing_is_where_its_step_runs() {
        let ta = |p: &str| Thing::TrustedAccess(p.into());
        let units = vec![
            U("trail", vec![], vec![ta("cloudtrail"), role("dev")]),
            U("security-eu", vec![], vec![ta("guardduty")]),
            U("security-us", vec![], vec![ta("guardduty"), ta("config")]),
        ];
        let firsts = first_uses(&units, |t| matches!(t, Thing::TrustedAccess(_)));
        assert_eq!(
            firsts,
            [
                vec![ta("cloudtrail")],
                vec![ta("guardduty")],
                vec![ta("config")]
            ]
        );
    }

    #[test]
    fn a_cycle_is_refused_naming_its_units() {
        let units = vec![
            U(
                "a",
                vec![Thing::Output("A".into())],
                vec![Thing::Output("B".into())],
            ),
            U(
                "b",
                vec![Thing::Output("B".into())],
                vec![Thing::Output("A".into())],
            ),
        ];
        assert_eq!(
            sort(&units).expect_err("a cycle"),
            "the units a, b wait for each other"
        );
    }
}
