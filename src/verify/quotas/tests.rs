//! The quota checks against what lzgen renders.

use super::*;
use crate::config::{Answers, PRESETS};

fn standard() -> (LandingZone, Units) {
    let preset = PRESETS
        .iter()
        .find(|p| p.name == "standard")
        .expect("preset");
    let answers: Answers = serde_yaml::from_str(preset.yaml).expect("answers");
    let zone = crate::model::build(&answers).expect("valid").0;
    let units = Units::derive(&zone);
    (zone, units)
}

/// A template with `n` entries in each of the three sections.
fn template(resources: usize, parameters: usize, outputs: usize, padding: usize) -> String {
    let mut text = String::from("AWSTemplateFormatVersion: \"2010-09-09\"\n");
    text.push_str(&format!("Description: \"{}\"\n", "x".repeat(padding)));
    for (section, n) in [
        ("Parameters", parameters),
        ("Resources", resources),
        ("Outputs", outputs),
    ] {
        if n > 0 {
            text.push_str(&format!("{section}:\n"));
            for i in 0..n {
                text.push_str(&format!("  E{i}:\n    Type: String\n"));
            }
        }
    }
    text
}

fn problems(text: String) -> Vec<String> {
    let (zone, units) = standard();
    let file = RenderedFile {
        path: units.stacks[0].template.clone(),
        bytes: text.into_bytes(),
        executable: false,
    };
    let files = [file];
    let summaries = summarize_all(&zone, &units, &files);
    stack_quota_problems(&zone, &units, &files, &summaries)
        .into_iter()
        .map(|p| {
            assert_eq!(p.key, "accounts");
            p.message
        })
        .collect()
}

#[test]
fn a_template_at_each_quota_passes_and_one_past_it_is_refused() {
    assert!(problems(template(500, 200, 200, 0)).is_empty());
    let found = problems(template(501, 201, 201, 0));
    assert_eq!(found.len(), 3, "{found:#?}");
    assert!(
        found[0].contains("quota of 500 resources") && found[0].contains("at 501 resources"),
        "{}",
        found[0]
    );
    assert!(
        found[1].contains("quota of 200 parameters") && found[1].contains("at 201 parameters"),
        "{}",
        found[1]
    );
    assert!(found[2].contains("quota of 200 outputs"), "{}", found[2]);
}

#[test]
fn every_policy_of_the_standard_preset_fits_and_one_past_its_quota_is_refused() {
    let (zone, mut units) = standard();
    assert_eq!(policy_quota_problems(&zone, &units), Vec::<Problem>::new());
    // A trust policy that named one source per account, as the Logs
    // trust did before it was bounded by region and organization.
    let trust = &mut units.policies.logs_to_firehose_trust;
    let statement = trust.statements[0].clone();
    for i in 0..40 {
        let mut copy = statement.clone();
        copy.sid = format!("Copy{i}");
        trust.statements.push(copy);
    }
    let found = policy_quota_problems(&zone, &units);
    assert!(
        found.iter().any(|p| p.key == "accounts"
            && p.message
                .contains("the logs_to_firehose_trust policy at about")
            && p.message
                .contains("against 2048 characters (IAM role trust policy")),
        "{found:#?}"
    );
}

/// A template deployed from a template bucket may be up to 1 MB.
#[test]
fn a_template_deployed_from_s3_is_held_to_the_url_quota() {
    let (zone, mut units) = standard();
    units.stacks[0].by_url = Some("TEMPLATE_BUCKET_US_EAST_1".into());
    let check = |padding: usize| {
        let file = RenderedFile {
            path: units.stacks[0].template.clone(),
            bytes: template(1, 0, 0, padding).into_bytes(),
            executable: false,
        };
        let size = file.bytes.len();
        let files = [file];
        let summaries = summarize_all(&zone, &units, &files);
        (
            size,
            stack_quota_problems(&zone, &units, &files, &summaries),
        )
    };
    let (size, found) = check(900_000);
    assert!(size > 51_200 && found.is_empty(), "{found:#?}");
    let (size, found) = check(1_000_000);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(
        found[0].message.contains("quota of 1000000 bytes")
            && found[0].message.contains(&format!("at {size} bytes")),
        "{}",
        found[0].message
    );
}

#[test]
fn a_template_past_the_inline_size_is_refused_with_its_size() {
    let text = template(1, 0, 0, 51_200);
    let size = text.len();
    let found = problems(text);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(
        found[0].contains(&format!("at {size} bytes")),
        "{}",
        found[0]
    );
    assert!(found[0].contains("51200 bytes"), "{}", found[0]);
}

/// `n` more workload accounts like the preset's first one.
fn with_more_workloads(yaml: &str, n: usize) -> (LandingZone, Units) {
    let mut answers: Answers = serde_yaml::from_str(yaml).expect("answers");
    let first = answers
        .accounts
        .as_ref()
        .and_then(|a| {
            a.iter().find(|a| {
                a.roles
                    .as_deref()
                    .is_some_and(|r| r.iter().any(|r| r == "workload"))
            })
        })
        .cloned()
        .expect("a workload");
    for i in 0..n {
        let mut extra = first.clone();
        extra.name = Some(format!("w{i:03}"));
        extra.email = Some(format!("aws+w{i:03}@example.org"));
        extra.cidr = None;
        answers.accounts.as_mut().expect("accounts").push(extra);
    }
    let zone = crate::model::build(&answers).expect("valid").0;
    let units = Units::derive(&zone);
    (zone, units)
}

/// `cloudformation/tooling/governance.yaml` as lzgen renders it.
fn governance_template(zone: &LandingZone, units: &Units) -> String {
    let files = crate::render::Blueprints::embedded()
        .render(zone, units)
        .expect("renders");
    let governance = files
        .iter()
        .find(|f| f.path == "cloudformation/tooling/governance.yaml")
        .expect("governance");
    String::from_utf8_lossy(&governance.bytes).into_owned()
}

/// The estimate names exactly the variables the template sets.
#[test]
fn the_drift_functions_environment_is_the_templates() {
    let (zone, units) = standard();
    let text = governance_template(&zone, &units);
    // The keys of `Environment: Variables:` (their lines are indented 10).
    let block = text
        .split("        Variables:\n")
        .nth(1)
        .expect("variables");
    let names: Vec<&str> = block
        .lines()
        .take_while(|l| l.starts_with("          ") && !l.starts_with("           "))
        .filter_map(|l| l.trim().split_once(':').map(|(k, _)| k))
        .collect();
    let estimate: Vec<&str> = drift_function_environment(&zone)
        .iter()
        .map(|(name, _)| *name)
        .collect();
    assert_eq!(names, estimate);
}

/// The drift function's list of accounts, which once filled one
/// parameter and one environment variable (4 KB each) at about 300
/// accounts: it is split over parameters of 300 IDs at most, each within
/// the quota, the function's environment no longer grows, and its code
/// joins every list.
#[test]
fn the_list_of_accounts_is_split_within_4_kb() {
    let yaml = PRESETS
        .iter()
        .find(|p| p.name == "standard")
        .expect("preset")
        .yaml;
    let lists = |n: usize| {
        let (zone, units) = with_more_workloads(yaml, n);
        let governance = units
            .stacks
            .iter()
            .find(|s| s.kind == StackKind::Governance)
            .expect("governance");
        for stack in &units.stacks {
            for p in &stack.parameters {
                assert!(
                    longest_filled(&p.value) <= 4_096,
                    "{} {} at {n} accounts",
                    stack.name,
                    p.key
                );
            }
        }
        let ids: Vec<usize> = governance
            .account_lists
            .iter()
            .map(|key| {
                let p = governance
                    .parameters
                    .iter()
                    .find(|p| &p.key == key)
                    .expect("a parameter for each list");
                p.value.split(',').count()
            })
            .collect();
        let env: usize = drift_function_environment(&zone)
            .iter()
            .map(|(k, v)| k.len() + v)
            .sum();
        (zone.accounts.len() + 1, ids, env)
    };
    let (all, ids, small) = lists(5);
    assert_eq!(ids, vec![all], "a small organization keeps one list");
    let (all, ids, _) = lists(330);
    assert_eq!(ids, vec![300, all - 300]);
    let (all, ids, large) = lists(450);
    assert_eq!(ids.iter().sum::<usize>(), all, "every account once");
    assert!(ids.iter().all(|n| *n <= 300), "{ids:?}");
    assert_eq!(ids.len(), all.div_ceil(300));
    assert_eq!(small, large, "the environment does not grow");
    // The template declares each list and its code joins them all.
    let (zone, units) = with_more_workloads(yaml, 330);
    let text = governance_template(&zone, &units);
    for key in ["AccountIds", "AccountIds2"] {
        assert!(
            text.contains(&format!("\n  {key}:\n    Type: String\n")),
            "{key} declared"
        );
    }
    assert!(
        text.contains("ACCOUNTS = \"${Accounts}\"")
            && text.contains(
                "- Accounts: !Join\n              - \",\"\n              -\n                - !Ref AccountIds\n                - !Ref AccountIds2\n"
            ),
        "the code joins both lists"
    );
    assert!(!text.contains("AccountIds3"));
    assert_eq!(
        longest_filled("${ACCOUNT_ID_A},${MANAGEMENT_ACCOUNT_ID}"),
        25
    );
    assert_eq!(longest_filled("o-${ORGANIZATION_ID:-}x"), 37);
}

/// The check that would have caught the trust policy that outgrew its
/// quota at 34 accounts: no resource, trust or identity policy grows
/// with the workload accounts, for every compute and every preset and
/// example. A policy that named each account again fails here with its
/// name and sizes.
#[test]
fn no_policy_grows_with_the_workload_accounts() {
    let examples = [
        include_str!("../../../examples/ec2-blue-green.yaml"),
        include_str!("../../../examples/ecs-linear.yaml"),
        include_str!("../../../examples/lambda-canary.yaml"),
        include_str!("../../../examples/multi-region.yaml"),
    ];
    let sets = PRESETS.iter().map(|p| p.yaml).chain(examples);
    let mut grown = Vec::new();
    let mut checked = 0;
    for yaml in sets {
        let sizes = |n: usize| {
            let (_, units) = with_more_workloads(yaml, n);
            units
                .policies
                .placed()
                .into_iter()
                .map(|(name, _, policy)| (name, crate::render::policy::estimated_size(policy)))
                .collect::<Vec<_>>()
        };
        let (few, many) = (sizes(0), sizes(25));
        assert_eq!(few.len(), many.len());
        for ((name, a), (_, b)) in few.iter().zip(&many) {
            checked += 1;
            if a != b {
                grown.push(format!("{name}: {a} -> {b} with 25 more workloads"));
            }
        }
    }
    assert!(checked > 200, "only {checked} policies checked");
    assert!(grown.is_empty(), "{grown:#?}");
}
