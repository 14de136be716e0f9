//! A preset's defaults, made to fit the answers the user gave over it
//! (`--yes`, or `--preset NAME`, with a `--config` or `--set`s): a default
//! the given answers would make invalid is replaced by one that fits,
//! never an answer the user gave.
//!
//! - a home region without a region list: the list is that region (the
//!   preset's list would not hold it);
//! - a compute without a strategy: the preset's strategy if the compute
//!   offers it, else the first it offers (Lambda: all-at-once is not the
//!   safest, so canary is taken);
//! - Lambda: no container port (a function has none);
//! - canary or linear without a step: 10 % every 5 minutes (canary) or
//!   every minute (linear), CodeDeploy's own predefined steps; a step the
//!   preset had is dropped when the strategy given shifts no traffic.
//!
//! - CloudFormation only: no `terraform` section;
//! - an account without `ou`, where the OU tree is the default one (no
//!   `organizational_units` given): the OU the tree has for its first role
//!   (log-archive and security: `Security`; tooling and artifact:
//!   `Deployment`; a workload: `Workloads/Prod` when a word of its name is
//!   `prod` or `production`, else `Workloads/NonProd`).
//!
//! A strategy the user gave is never replaced, even one the compute does
//! not offer: validation names it.

use super::{Compute, Strategy};
use serde_yaml::{Mapping, Value};

/// The step CodeDeploy's predefined configurations use
/// (`CodeDeployDefault.*Canary10Percent5Minutes`, `Linear10PercentEvery1Minute`).
const STEP_PERCENT: u64 = 10;
const CANARY_MINUTES: u64 = 5;
const LINEAR_MINUTES: u64 = 1;

fn get<'v>(doc: &'v Value, path: &[&str]) -> Option<&'v Value> {
    path.iter().try_fold(doc, |node, key| node.get(*key))
}

fn text<'v>(doc: &'v Value, path: &[&str]) -> Option<&'v str> {
    get(doc, path).and_then(Value::as_str)
}

/// The mapping at `path` in the layered document, if it is one.
fn section<'v>(doc: &'v mut Value, path: &[&str]) -> Option<&'v mut Mapping> {
    path.iter()
        .try_fold(doc, |node, key| node.get_mut(*key))
        .and_then(Value::as_mapping_mut)
}

fn key(name: &str) -> Value {
    Value::String(name.into())
}

/// Makes `doc` (the preset with the user's answers over it) fit `given`
/// (the user's answers alone).
pub fn fit(doc: &mut Value, given: &Value) {
    // Terraform's settings only where Terraform is written (config.md).
    let iac = text(doc, &["organization", "iac"]);
    if iac == Some("cloudformation")
        && get(given, &["terraform"]).is_none()
        && let Value::Mapping(top) = doc
    {
        top.shift_remove("terraform");
    }
    if get(given, &["organizational_units"]).is_none() {
        place_accounts(doc);
    }
    let home = get(given, &["organization", "home_region"]).cloned();
    if let (Some(home), None) = (home, get(given, &["organization", "regions"]))
        && let Some(org) = section(doc, &["organization"])
    {
        org.insert(key("regions"), Value::Sequence(vec![home]));
    }

    const DEPLOY: [&str; 2] = ["pipeline", "deploy"];
    let given_deploy = |name: &str| get(given, &["pipeline", "deploy", name]).is_some();
    let compute = text(doc, &["pipeline", "deploy", "compute"]).and_then(Compute::parse);
    let Some(compute) = compute else {
        return;
    };
    let offered = Strategy::offered(compute);
    let strategy = if given_deploy("strategy") {
        // The user's, kept as given; one lzgen cannot read is validation's
        // to name.
        match text(doc, &["pipeline", "deploy", "strategy"]).and_then(Strategy::parse) {
            Some(s) => s,
            None => return,
        }
    } else {
        match text(doc, &["pipeline", "deploy", "strategy"]).and_then(Strategy::parse) {
            Some(s) if offered.contains(&s) => s,
            _ => {
                let fitting = if compute == Compute::Lambda {
                    Strategy::Canary
                } else {
                    offered[0]
                };
                if let Some(deploy) = section(doc, &DEPLOY) {
                    deploy.insert(key("strategy"), key(fitting.name()));
                }
                fitting
            }
        }
    };
    let Some(deploy) = section(doc, &DEPLOY) else {
        return;
    };
    if compute == Compute::Lambda && !given_deploy("container_port") {
        deploy.remove("container_port");
    }
    for (name, default) in [
        ("traffic_percent", STEP_PERCENT),
        (
            "interval_minutes",
            if strategy == Strategy::Linear {
                LINEAR_MINUTES
            } else {
                CANARY_MINUTES
            },
        ),
    ] {
        if given_deploy(name) {
            continue;
        }
        if !strategy.shifts_traffic() {
            // The preset's step, which a strategy that does not shift
            // traffic refuses.
            deploy.remove(name);
        } else if !deploy.contains_key(name) {
            deploy.insert(key(name), Value::from(default));
        }
    }
}

/// Gives each account without `ou` the default tree's OU for its first role.
fn place_accounts(doc: &mut Value) {
    let mut paths = Vec::new();
    ou_paths(get(doc, &["organizational_units"]), "", &mut paths);
    let Some(Value::Sequence(accounts)) = doc.get_mut("accounts") else {
        return;
    };
    for account in accounts.iter_mut().filter_map(Value::as_mapping_mut) {
        if account.contains_key("ou") {
            continue;
        }
        let name = account.get("name").and_then(Value::as_str).unwrap_or("");
        let role = account
            .get("roles")
            .and_then(Value::as_sequence)
            .and_then(|roles| roles.first())
            .and_then(Value::as_str);
        let ou = match role {
            Some("log-archive" | "security") => "Security",
            Some("tooling" | "artifact") => "Deployment",
            Some("workload") if is_production(name) => "Workloads/Prod",
            Some("workload") => "Workloads/NonProd",
            _ => continue,
        };
        if paths.iter().any(|p| p == ou) {
            account.insert(key("ou"), key(ou));
        }
    }
}

/// Whether a word of an account's name says production: `prod`,
/// `shop-prod`, `production`; not `nonprod` or `preprod`.
fn is_production(name: &str) -> bool {
    name.to_lowercase()
        .split(|c: char| !c.is_ascii_alphanumeric())
        .any(|word| word == "prod" || word == "production")
}

fn ou_paths(tree: Option<&Value>, parent: &str, out: &mut Vec<String>) {
    for ou in tree.and_then(Value::as_sequence).into_iter().flatten() {
        let Some(name) = ou.get("name").and_then(Value::as_str) else {
            continue;
        };
        let path = if parent.is_empty() {
            name.to_string()
        } else {
            format!("{parent}/{name}")
        };
        ou_paths(ou.get("children"), &path, out);
        out.push(path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yaml(text: &str) -> Value {
        serde_yaml::from_str(text).expect("yaml")
    }

    const PRESET: &str = "organization: {home_region: us-east-1, regions: [us-east-1]}\n\
        pipeline: {deploy: {compute: ecs, strategy: blue-green, container_port: 8080}}\n";

    fn fitted(given: &str) -> Value {
        let given = yaml(given);
        let mut doc = yaml(PRESET);
        crate::config::merge(&mut doc, given.clone());
        fit(&mut doc, &given);
        doc
    }

    #[test]
    fn accounts_without_an_ou_go_where_the_default_tree_has_their_role() {
        let tree = "organizational_units: [{name: Security}, {name: Deployment}, \
            {name: Workloads, children: [{name: NonProd}, {name: Prod}]}]\n";
        let given = yaml(
            "accounts: [{name: logs, roles: [log-archive]}, {name: ci, roles: [tooling, artifact]}, \
             {name: dev, roles: [workload]}, {name: shop-prod, roles: [workload]}, \
             {name: preprod, roles: [workload]}, {name: mine, roles: [workload], ou: Security}]",
        );
        let mut doc = yaml(tree);
        crate::config::merge(&mut doc, given.clone());
        fit(&mut doc, &given);
        let ous: Vec<&str> = doc["accounts"]
            .as_sequence()
            .expect("accounts")
            .iter()
            .map(|a| a["ou"].as_str().unwrap_or("-"))
            .collect();
        assert_eq!(
            ous,
            [
                "Security",
                "Deployment",
                "Workloads/NonProd",
                "Workloads/Prod",
                "Workloads/NonProd",
                "Security"
            ]
        );
        // A tree of the user's own: every `ou` is theirs to give.
        let own = yaml(
            "organizational_units: [{name: Apps}]\naccounts: [{name: dev, roles: [workload]}]",
        );
        let mut doc = own.clone();
        fit(&mut doc, &own);
        assert_eq!(doc["accounts"][0].get("ou"), None);
    }

    #[test]
    fn defaults_follow_the_answers_given() {
        let doc = fitted("organization: {home_region: eu-west-1}");
        assert_eq!(doc["organization"]["regions"], yaml("[eu-west-1]"));
        // A given list is kept, even one that lacks the home region
        // (validation names that).
        let doc = fitted("organization: {home_region: eu-west-1, regions: [us-east-1]}");
        assert_eq!(doc["organization"]["regions"], yaml("[us-east-1]"));

        let doc = fitted("pipeline: {deploy: {compute: lambda}}");
        assert_eq!(
            doc["pipeline"]["deploy"],
            yaml("{compute: lambda, strategy: canary, traffic_percent: 10, interval_minutes: 5}")
        );
        let doc = fitted("pipeline: {deploy: {compute: ec2}}");
        assert_eq!(doc["pipeline"]["deploy"]["strategy"], yaml("blue-green"));
        let doc = fitted("pipeline: {deploy: {strategy: linear, traffic_percent: 25}}");
        assert_eq!(doc["pipeline"]["deploy"]["traffic_percent"], yaml("25"));
        assert_eq!(doc["pipeline"]["deploy"]["interval_minutes"], yaml("1"));
        // A strategy the user gave is never replaced, even one the compute
        // does not offer: validation says so.
        let doc = fitted("pipeline: {deploy: {compute: lambda, strategy: blue-green}}");
        assert_eq!(doc["pipeline"]["deploy"]["strategy"], yaml("blue-green"));
        let doc = fitted("pipeline: {deploy: {compute: lambda, strategy: sideways}}");
        assert_eq!(doc["pipeline"]["deploy"]["strategy"], yaml("sideways"));
        // Nothing given: the preset as it is.
        assert_eq!(fitted("{}"), yaml(PRESET));
        // A preset's own step is kept where it fits, and dropped where the
        // strategy given shifts no traffic.
        let canary = "pipeline: {deploy: {compute: ecs, strategy: canary, traffic_percent: 20, interval_minutes: 10}}";
        let mut doc = yaml(canary);
        fit(&mut doc, &yaml("{}"));
        assert_eq!(doc, yaml(canary));
        let given = yaml("pipeline: {deploy: {strategy: blue-green}}");
        let mut doc = yaml(canary);
        crate::config::merge(&mut doc, given.clone());
        fit(&mut doc, &given);
        assert_eq!(
            doc,
            yaml("pipeline: {deploy: {compute: ecs, strategy: blue-green}}")
        );
    }
}
