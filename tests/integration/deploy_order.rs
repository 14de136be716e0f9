//! The deploy order is derived from what each stack and root creates and
//! uses, and every rendered repo meets the preconditions AWS documents
//! (`lzgen::infra::preconditions`), in the order its scripts run.

use crate::support::{resolved_and_rendered, text};
use lzgen::infra::order::{Thing, misordered};
use lzgen::infra::preconditions::{PRECONDITIONS, Precondition, Requirement};
use lzgen::model::LandingZone;
use lzgen::render::RenderedFile;
use serde_yaml::Value;
use std::collections::BTreeSet;

const SOURCES: [&str; 8] = [
    "preset:lab",
    "preset:standard",
    "preset:enterprise",
    "examples/ec2-blue-green.yaml",
    "examples/ecs-linear.yaml",
    "examples/lambda-canary.yaml",
    "examples/multi-region.yaml",
    "examples/terraform.yaml",
];

fn both(source: &str) -> (lzgen::Resolved, Vec<RenderedFile>) {
    resolved_and_rendered(
        source,
        &["organization.iac=both", "terraform.state_locking=dynamodb"],
    )
}

fn adopted(zone: &LandingZone) -> BTreeSet<Thing> {
    zone.accounts
        .iter()
        .filter(|a| a.id.is_some())
        .map(|a| Thing::Account(a.name.clone()))
        .collect()
}

#[test]
fn every_use_follows_its_creation_and_the_pipeline_follows_the_roles_it_assumes() {
    for source in SOURCES {
        let (r, _) = both(source);
        let zone = &r.zone;
        assert_eq!(
            lzgen::verify::deploy_order_problems(&r.zone, &r.units.stacks),
            Vec::<String>::new(),
            "{source}"
        );
        assert_eq!(
            misordered(&r.units.terraform_roots, &adopted(zone)),
            Vec::<String>::new(),
            "{source}"
        );
        // Defect 3 of issue 12: CreatePipeline checks every cross-account
        // action's role, so each workload's roles come before the pipeline.
        let at = |name: &str| {
            r.units
                .stacks
                .iter()
                .position(|s| s.name == name)
                .unwrap_or_else(|| panic!("{name}"))
        };
        let tooling = at(&format!("{}-tooling", zone.organization.name));
        let roles = at(&format!("{}-workload-roles", zone.organization.name));
        assert!(roles < tooling, "{source}");
        let reached = &r.units.stacks[roles]
            .set
            .as_ref()
            .expect("a StackSet")
            .accounts;
        for account in zone.pipeline_accounts() {
            assert!(reached.contains(&account), "{source}: {account}");
        }
        let root = |id: &str| {
            r.units
                .terraform_roots
                .iter()
                .position(|r| r.id == id)
                .expect("root")
        };
        for account in zone.pipeline_accounts() {
            assert!(
                root(&format!("terraform/workloads {account}")) < root("terraform/tooling"),
                "{source}"
            );
        }
    }
}

#[test]
fn a_use_before_its_creation_is_caught_naming_both() {
    let (r, _) = both("preset:standard");
    let zone = &r.zone;
    let mut stacks = r.units.stacks.clone();
    let tooling = stacks
        .iter()
        .position(|s| s.name == "acme-tooling")
        .expect("tooling");
    let roles = stacks
        .iter()
        .position(|s| s.name == "acme-workload-roles")
        .expect("roles");
    let moved = stacks.remove(tooling);
    stacks.insert(roles, moved);
    let problems = lzgen::verify::deploy_order_problems(zone, &stacks);
    assert!(
        problems.contains(&"acme-tooling uses role acme-sample-app-deploy in account dev, which acme-workload-roles creates later".to_string()),
        "{problems:?}"
    );
    // The trail before trusted access for CloudTrail is on: caught too.
    let mut stacks = r.units.stacks.clone();
    let trail = stacks
        .iter()
        .position(|s| s.name == "acme-organization-trail")
        .expect("trail");
    stacks[trail].before.clear();
    stacks[trail].creates.clear();
    let problems = lzgen::verify::deploy_order_problems(zone, &stacks);
    assert!(
        problems.contains(&"acme-organization-trail uses trusted access for cloudtrail.amazonaws.com, which nothing creates".to_string()),
        "{problems:?}"
    );
}

#[test]
fn the_scripts_and_the_readme_deploy_in_the_derived_order() {
    for source in [
        "preset:standard",
        "examples/multi-region.yaml",
        "examples/lambda-canary.yaml",
    ] {
        let (r, files) = both(source);
        let deploy = text(&files, "scripts/deploy.sh");
        // deploy_stack ACCOUNT 'REGION' 'NAME' ...; deploy_stack_set 'NAME' ...
        let deployed: Vec<&str> = deploy
            .lines()
            .map(str::trim_start)
            .filter_map(|l| {
                if l.starts_with("deploy_stack \"") {
                    l.split('\'').nth(3)
                } else if l.starts_with("deploy_stack_set '") {
                    l.split('\'').nth(1)
                } else {
                    None
                }
            })
            .collect();
        let names: Vec<&str> = r.units.stacks.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(deployed, names, "{source}");
        let readme = text(&files, "README.md");
        let rows: Vec<usize> = names
            .iter()
            .map(|n| {
                readme
                    .find(&format!("| `{n}` |"))
                    .or_else(|| readme.find(&format!("| `{n}` (StackSet) |")))
                    .unwrap_or_else(|| panic!("{source}: {n} in the README's table"))
            })
            .collect();
        assert!(
            rows.windows(2).all(|w| w[0] < w[1]),
            "{source}: the README lists the stacks in deploy order"
        );
        let terraform = text(&files, "scripts/terraform.sh");
        let listed: Vec<&str> = terraform
            .lines()
            .skip_while(|l| *l != "ROOTS=(")
            .skip(1)
            .take_while(|l| *l != ")")
            .map(|l| l.trim().trim_matches('\''))
            .collect();
        let ids: Vec<&str> = r
            .units
            .terraform_roots
            .iter()
            .map(|r| r.id.as_str())
            .collect();
        assert_eq!(listed, ids, "{source}");
    }
}

/// The line of `script` where `needle` first appears.
fn line_of(script: &str, needle: &str) -> Option<usize> {
    script.lines().position(|l| l.contains(needle))
}

fn matches_when(resource: &Value, row: &Precondition) -> bool {
    match row.when {
        None => true,
        Some((property, "*")) => resource["Properties"].get(property).is_some(),
        Some((property, value)) => {
            let found = &resource["Properties"][property];
            found.as_str() == Some(value)
                || found.as_bool().map(|b| b.to_string()).as_deref() == Some(value)
        }
    }
}

fn depends_on(resource: &Value) -> Vec<String> {
    match &resource["DependsOn"] {
        Value::String(s) => vec![s.clone()],
        Value::Sequence(items) => items
            .iter()
            .filter_map(|v| v.as_str().map(String::from))
            .collect(),
        _ => vec![],
    }
}

#[test]
fn every_rendered_repo_meets_the_documented_preconditions_in_both_flavours() {
    let mut checked = std::collections::BTreeMap::new();
    for source in SOURCES {
        let (r, files) = both(source);
        let deploy = text(&files, "scripts/deploy.sh");
        // CloudFormation: each stack's template against every row.
        for stack in &r.units.stacks {
            let template: Value =
                serde_yaml::from_str(text(&files, &stack.template)).expect("yaml");
            let resources = template["Resources"].as_mapping().expect("resources");
            let call = match stack.set {
                Some(_) => format!("deploy_stack_set '{}'", stack.name),
                None => format!("'{}' '{}'", stack.region, stack.name),
            };
            let deployed_at = line_of(deploy, &call)
                .unwrap_or_else(|| panic!("{source}: deploy.sh deploys {}", stack.name));
            for row in PRECONDITIONS {
                let of_type: Vec<(&str, &Value)> = resources
                    .iter()
                    .filter(|(_, r)| r["Type"].as_str() == Some(row.resource_type))
                    .map(|(k, r)| (k.as_str().expect("id"), r))
                    .collect();
                let applying: Vec<&(&str, &Value)> = of_type
                    .iter()
                    .filter(|(_, r)| matches_when(r, row))
                    .collect();
                if applying.is_empty() {
                    continue;
                }
                *checked
                    .entry(format!("{:?} {}", row.requirement, row.resource_type))
                    .or_insert(0) += 1;
                let before = |needle: String| {
                    let at = line_of(deploy, &needle).unwrap_or_else(|| {
                        panic!("{source}: deploy.sh never runs {needle} ({})", row.source)
                    });
                    assert!(
                        at < deployed_at,
                        "{source}: {needle} runs after {} ({})",
                        stack.name,
                        row.source
                    );
                };
                match row.requirement {
                    Requirement::TrustedAccess(p) => before(format!(
                        "enable-aws-service-access --region \"$ORGANIZATIONS_REGION\" --service-principal '{p}'"
                    )),
                    Requirement::DelegatedAdministrator(p) => {
                        let at = deploy
                            .lines()
                            .enumerate()
                            .position(|(i, l)| {
                                l.contains(&format!("--service-principal '{p}'"))
                                    && deploy.lines().nth(i.saturating_sub(1)).is_some_and(|prev| {
                                        prev.contains("register-delegated-administrator")
                                    })
                            })
                            .unwrap_or_else(|| {
                                panic!(
                                    "{source}: no delegated administrator for {p} ({})",
                                    row.source
                                )
                            });
                        assert!(
                            at < deployed_at,
                            "{source}: {p} administrator after {}",
                            stack.name
                        );
                    }
                    Requirement::OneAtATime => {
                        for pair in of_type.windows(2) {
                            assert_eq!(
                                depends_on(pair[1].1),
                                [pair[0].0],
                                "{source}: {} ({})",
                                pair[1].0,
                                row.source
                            );
                        }
                    }
                    Requirement::AfterUnitExporting(value) => {
                        let exporter = r
                            .units
                            .stacks
                            .iter()
                            .position(|s| s.exports.iter().any(|e| e.placeholder == value))
                            .unwrap_or_else(|| panic!("{source}: no stack exports {value}"));
                        let here = r
                            .units
                            .stacks
                            .iter()
                            .position(|s| s.name == stack.name)
                            .expect("stack");
                        assert!(
                            exporter < here,
                            "{source}: {} before the stack exporting {value} ({})",
                            stack.name,
                            row.source
                        );
                        assert!(
                            stack.uses.contains(&Thing::Output(value.to_string())),
                            "{source}: {} does not declare {value}",
                            stack.name
                        );
                    }
                    Requirement::After(other) => {
                        for (id, r) in &applying {
                            let waits = depends_on(r).iter().any(|d| {
                                resources
                                    .get(d.as_str())
                                    .is_some_and(|o| o["Type"].as_str() == Some(other))
                            });
                            assert!(
                                waits,
                                "{source}: {} {id} does not wait for a {other} ({})",
                                stack.template, row.source
                            );
                        }
                    }
                }
            }
        }
        // Terraform: each root, with the modules it calls.
        let terraform = text(&files, "scripts/terraform.sh");
        for (i, root) in r.units.terraform_roots.iter().enumerate() {
            let mut code = String::new();
            for f in files.iter().filter(|f| {
                f.path.starts_with(&format!("{}/", root.folder)) && f.path.ends_with(".tf")
            }) {
                let own = std::str::from_utf8(&f.bytes).expect("utf-8");
                code.push_str(own);
                for module in own.lines().filter_map(|l| {
                    l.trim()
                        .strip_prefix("source")
                        .and_then(|r| r.split("../modules/").nth(1))
                }) {
                    let name = module.trim_end_matches('"');
                    code.push_str(text(&files, &format!("terraform/modules/{name}/main.tf")));
                }
            }
            let flat: String = code.split_whitespace().collect::<Vec<_>>().join(" ");
            for row in PRECONDITIONS {
                let Some((kind, when)) = row.terraform else {
                    continue;
                };
                if !flat.contains(&format!("resource \"{kind}\"")) {
                    continue;
                }
                if let Some((attribute, value)) = when {
                    let applies = if value == "*" {
                        flat.contains(&format!("{attribute} {{"))
                    } else {
                        flat.contains(&format!("{attribute} = {value}"))
                    };
                    if !applies {
                        continue;
                    }
                }
                *checked
                    .entry(format!("terraform {:?} {kind}", row.requirement))
                    .or_insert(0) += 1;
                match row.requirement {
                    Requirement::TrustedAccess(p) => {
                        let earlier = r.units.terraform_roots[..=i]
                            .iter()
                            .any(|r| r.trusted_access.iter().any(|t| t == p));
                        assert!(
                            earlier,
                            "{source}: {} needs trusted access for {p} ({})",
                            root.folder, row.source
                        );
                        let case = terraform
                            .lines()
                            .find(|l| {
                                l.contains("trusted_access '") && l.contains(&format!("'{p}'"))
                            })
                            .unwrap_or_else(|| panic!("{source}: terraform.sh never turns on {p}"));
                        assert!(case.contains("terraform/"), "{case}");
                    }
                    Requirement::DelegatedAdministrator(p) => {
                        let registered = r.units.terraform_roots[..=i].iter().any(|r| {
                            files.iter().any(|f| {
                                f.path.starts_with(&format!("{}/", r.folder))
                                    && std::str::from_utf8(&f.bytes)
                                        .expect("utf-8")
                                        .split_whitespace()
                                        .collect::<Vec<_>>()
                                        .join(" ")
                                        .contains(&format!("service_principal = \"{p}\""))
                            })
                        });
                        assert!(
                            registered,
                            "{source}: {} needs a delegated administrator for {p}",
                            root.folder
                        );
                    }
                    _ => {}
                }
            }
        }
    }
    // Every row was exercised by some answer set, so none is dead.
    for row in PRECONDITIONS {
        assert!(
            checked.keys().any(|k| k.contains(row.resource_type)
                || row.terraform.is_some_and(|(t, _)| k.contains(t))),
            "no answer set has a {} ({:?}): {checked:?}",
            row.resource_type,
            row.requirement
        );
    }
}
