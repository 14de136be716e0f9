//! Every rule of `lzgen.yaml` v1: wizard answers, files, `--set` and presets
//! all come through here. Problems are collected, never thrown, so a user
//! sees all of them at once. One file per concern: the organization and its
//! OUs, the accounts, the pipeline, governance (security, logging,
//! guardrails), and the AWS limits the result must fit; what is derived from
//! valid answers (names, alarms, deployment settings) is `model::derive`.

mod accounts;
mod governance;
pub mod limits;
mod organization;
mod pipeline;

use super::cidr::{self, Block, CidrError};
use super::derive::*;
use super::ident::{pascal, unique_id};
use super::*;
use crate::config::{self, AccountAnswer, Answers, OuAnswer, StageAnswer};
use crate::problem::{Problem, Warning, did_you_mean, one_of};
use accounts::*;
use limits::*;
use organization::*;
use std::collections::{BTreeMap, BTreeSet};

pub use governance::{SCP_KINDS, STATE_LOCKING};
pub use pipeline::{CACHES, CONTAINER_PORT, INTERVAL_MINUTES, RUNTIMES, SCANS, TRAFFIC_PERCENT};

/// Validates the answers and builds the landing zone, or lists every problem.
pub fn build(answers: &Answers) -> Result<(LandingZone, Vec<Warning>), Vec<Problem>> {
    // Every text answer is visible, one-line text of bounded length, however
    // it arrived (a file, `--set`, the wizard): checked on the answers as a
    // document, so no string key can be forgotten. Other messages would echo
    // the values, so these come alone.
    if let Ok(doc) = serde_yaml::to_value(answers) {
        let hidden = config::limits::check_document(&doc);
        if !hidden.is_empty() {
            return Err(hidden);
        }
    }
    let mut v = Validator::default();
    let zone = v.landing_zone(answers);
    match zone {
        Some(zone) if v.problems.is_empty() => Ok((zone, v.warnings)),
        _ => {
            if v.problems.is_empty() {
                // Defensive: a `None` always comes with a problem.
                v.problems
                    .push(Problem::new("", "the answers are incomplete"));
            }
            Err(v.problems)
        }
    }
}

/// See `Validator::ous`.
const MAX_OU_DEPTH: usize = 5;

#[derive(Default)]
struct Validator {
    problems: Vec<Problem>,
    warnings: Vec<Warning>,
}

/// The embedded default's value at `key`, for "--yes takes ..." hints.
fn default_value(key: &str) -> Option<String> {
    let preset = config::find_preset(config::DEFAULT_PRESET).ok()?;
    let doc: serde_yaml::Value = serde_yaml::from_str(preset.yaml).ok()?;
    let mut node = &doc;
    for part in key.split('.') {
        node = node.get(part)?;
    }
    match node {
        serde_yaml::Value::String(s) => Some(s.clone()),
        serde_yaml::Value::Number(n) => Some(n.to_string()),
        serde_yaml::Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn is_name(s: &str, min: usize, max: usize) -> bool {
    let bytes = s.as_bytes();
    (min..=max).contains(&bytes.len())
        && bytes[0].is_ascii_lowercase()
        && bytes
            .iter()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-')
}

impl Validator {
    fn problem(&mut self, key: impl Into<String>, message: impl Into<String>) {
        self.problems.push(Problem::new(key, message));
    }

    fn problem_hint(
        &mut self,
        key: impl Into<String>,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) {
        self.problems
            .push(Problem::new(key, message).with_hint(hint));
    }

    /// A required key that was not given: say which flag supplies it.
    fn missing(&mut self, key: &str) {
        let hint = match default_value(key) {
            Some(default) => format!(
                "supply it with --set {key}=VALUE or in --config FILE; --yes takes the default, `{default}`"
            ),
            None => format!(
                "supply it in --config FILE or with --set {key}=...; --preset NAME or --yes takes a complete default"
            ),
        };
        self.problem_hint(key, "required, but not given", hint);
    }

    fn required<'a, T>(&mut self, value: &'a Option<T>, key: &str) -> Option<&'a T> {
        if value.is_none() {
            self.missing(key);
        }
        value.as_ref()
    }

    /// A value from a fixed list; the message lists the choices.
    fn choice<'a>(
        &mut self,
        value: &'a Option<String>,
        key: &str,
        choices: &[&str],
    ) -> Option<&'a str> {
        let value = self.required(value, key)?;
        if choices.contains(&value.as_str()) {
            Some(value)
        } else {
            self.bad_choice(key, value, choices);
            None
        }
    }

    fn bad_choice(&mut self, key: &str, found: &str, choices: &[&str]) {
        let mut problem = Problem::new(
            key,
            format!("expected {}, found `{found}`", one_of(choices)),
        );
        if let Some(close) = did_you_mean(found, choices.iter().copied()) {
            problem = problem.with_hint(format!("did you mean `{close}`?"));
        }
        self.problems.push(problem);
    }

    fn landing_zone(&mut self, a: &Answers) -> Option<LandingZone> {
        match a.version {
            Some(1) => {}
            Some(other) => self.problem_hint(
                "version",
                format!("expected 1, found {other}"),
                "this lzgen reads lzgen.yaml version 1",
            ),
            None => self.problem_hint(
                "version",
                "required, but not given",
                "add `version: 1` at the top of the file",
            ),
        }
        let organization = self.organization(a);
        let ou_answers = a.organizational_units.clone().unwrap_or_else(default_ous);
        let ous = self.ous(&ou_answers, a.organizational_units.is_some());
        let accounts = self.accounts(a, &ous);
        let holders = accounts.as_ref().and_then(|acc| self.holders(acc));
        let pipeline = self.pipeline(a);
        let security = self.security(a);
        let logging = self.logging(a);
        let notifications = self.notifications(a);
        let terraform = self.terraform(a, organization.as_ref().map(|o| o.iac));
        let scp_kinds = self.scp_kinds(a);
        let quotas = self.guardrail_quotas(a);

        let organization = organization?;
        let mut ous = ous?;
        let mut accounts = accounts?;
        let holders = holders?;
        let pipeline = pipeline?;
        let (security, logging, notifications, terraform) =
            (security?, logging?, notifications?, terraform?);
        let scp_kinds = scp_kinds?;
        let quotas = quotas?;

        for ou in &mut ous {
            ou.accounts = accounts
                .iter()
                .filter(|acc| acc.ou == ou.path)
                .map(|acc| acc.name.clone())
                .collect();
        }
        self.vpcs(
            a,
            &mut accounts,
            &organization.regions,
            &organization.home_region,
        );
        let pipeline = self.stages(a, pipeline, &accounts, &ous, &organization.regions)?;
        let names = names(&organization.name, &pipeline.application);
        let mut pipeline = pipeline;
        pipeline.rollback.alarms = alarms(&names, pipeline.deploy.compute);
        pipeline.deploy.deployment_config = deployment_config(&pipeline.deploy, &names);
        if let Some(p) = lambda_release_problem(&pipeline.deploy) {
            self.problems.push(p);
        }
        let guardrails =
            self.guardrails(&organization.name, &scp_kinds, &ous, &pipeline, &accounts);
        self.check_limits(
            &names,
            &organization.regions,
            &ous,
            (&guardrails, quotas),
            &pipeline,
        );

        let prod_change_roles = prod_change_roles(&names, pipeline.deploy.compute);
        let adopted_accounts = accounts
            .iter()
            .filter(|a| a.id.is_some())
            .map(|a| a.name.clone())
            .collect();
        let account_index = accounts
            .iter()
            .enumerate()
            .map(|(i, a)| (a.name.clone(), i))
            .collect();
        let zone = LandingZone {
            organization,
            ous,
            accounts,
            account_index,
            adopted_accounts,
            holders,
            pipeline,
            guardrails,
            guardrail_quotas: quotas,
            prod_change_roles,
            security,
            logging,
            notifications,
            terraform,
            names,
        };
        self.example_addresses(&zone);
        Some(zone)
    }
}

#[cfg(test)]
mod tests;
