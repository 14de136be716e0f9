//! Every rule of `lzgen.yaml` v1, in one place: wizard answers, files, `--set`
//! and presets all come through here. Problems are collected, never thrown,
//! so a user sees all of them at once.

use super::cidr::{self, Block, CidrError};
use super::ident::{pascal, unique_id};
use super::stacks::{self, account_placeholder, placeholder};
use super::terraform;
use super::*;
use crate::config::{self, AccountAnswer, Answers, OuAnswer, StageAnswer};
use crate::problem::{Problem, Warning, did_you_mean, one_of};
use std::collections::{BTreeMap, BTreeSet};

/// AWS limits that the generated repo must stay within.
pub mod limits {
    pub const S3_BUCKET_NAME: usize = 63;
    pub const IAM_ROLE_NAME: usize = 64;
    /// AWS Organizations' defaults; `guardrails.quotas` overrides them.
    pub const SCPS_PER_TARGET: usize = 10;
    pub const SCP_CHARACTERS: usize = 10_240;
    pub const ALARMS_PER_DEPLOYMENT_GROUP: usize = 10;
    pub const ACTIONS_PER_STAGE: usize = 50;
    pub const STAGES_PER_PIPELINE: usize = 50;
    pub const ACCOUNT_EMAIL: usize = 64;
    /// A Lambda traffic shift must end within the deployer's 480-minute
    /// CodeBuild limit, with room to publish and check the version.
    pub const LAMBDA_RELEASE_MINUTES: u32 = 450;
    /// An account ID stands in names as 12 digits.
    pub const ACCOUNT_ID_LEN: usize = 12;
}

pub const SCP_KINDS: &[(&str, &str)] = &[
    (
        "deny-leave-organization",
        "Accounts cannot leave the organization.",
    ),
    ("deny-root-user", "No action by any account's root user."),
    (
        "restrict-regions",
        "Only the organization's regions, global services excepted.",
    ),
    (
        "protect-logging",
        "CloudTrail, AWS Config and the log buckets cannot be switched off or deleted.",
    ),
    (
        "protect-security-services",
        "GuardDuty, IAM Access Analyzer and Security Hub cannot be switched off.",
    ),
    (
        "deny-manual-prod-changes",
        "In production, only the pipeline's roles change resources; people read.",
    ),
];

const RUNTIMES: &[&str] = &["nodejs", "python", "java", "go", "dotnet"];
const SCANS: &[&str] = &["secrets", "dependencies", "iac", "container"];
const CACHES: &[&str] = &["local", "s3", "none"];
const STATE_LOCKING: &[&str] = &["dynamodb", "lockfile"];

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
        let mut zone = LandingZone {
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
            artifact_stores: Vec::new(),
            names,
            stacks: Vec::new(),
            placeholders: Vec::new(),
            terraform_roots: Vec::new(),
        };
        let home = zone.organization.home_region.clone();
        let mut regions: Vec<String> = vec![home.clone()];
        regions.extend(zone.organization.other_regions.iter().cloned());
        zone.artifact_stores = regions
            .into_iter()
            .map(|region| ArtifactStore {
                home: region == home,
                key_parameter: stacks::key_parameter(&region),
                region,
            })
            .collect();
        let (stacks, placeholders) = stacks::derive(&zone);
        zone.stacks = stacks;
        zone.placeholders = placeholders;
        zone.terraform_roots = terraform::derive(&zone);
        self.example_addresses(&zone);
        Some(zone)
    }

    fn organization(&mut self, a: &Answers) -> Option<Organization> {
        let Some(org) = &a.organization else {
            self.missing("organization");
            return None;
        };
        let name = self.required(&org.name, "organization.name").cloned();
        if let Some(n) = &name
            && !is_name(n, 2, 20)
        {
            self.problem(
                "organization.name",
                format!("expected a lowercase name matching [a-z][a-z0-9-]{{1,19}} (2 to 20 characters, a letter first), found `{n}`"),
            );
        }
        if let Some(id) = &org.management_account_id {
            self.account_id(id, "organization.management_account_id");
        }
        let iac = self
            .choice(&org.iac, "organization.iac", Iac::NAMES)
            .map(|s| match s {
                "terraform" => Iac::Terraform,
                "both" => Iac::Both,
                _ => Iac::Cloudformation,
            });
        let home = self
            .required(&org.home_region, "organization.home_region")
            .cloned();
        let home_region = home
            .as_deref()
            .and_then(|h| self.region(h, "organization.home_region"));
        let regions_given = org.regions.clone();
        let regions = regions_given
            .clone()
            .unwrap_or_else(|| home.clone().into_iter().collect());
        let mut seen = BTreeSet::new();
        let mut partitions = BTreeMap::new();
        let mut ok = true;
        for (i, r) in regions.iter().enumerate() {
            let key = format!("organization.regions[{i}]");
            match self.region(r, &key) {
                Some(region) => {
                    partitions.entry(region.partition).or_insert(r.clone());
                }
                None => ok = false,
            }
            if !seen.insert(r.as_str()) {
                self.problem(key, format!("expected each region once, found `{r}` again"));
                ok = false;
            }
        }
        if regions_given.as_ref().is_some_and(Vec::is_empty) {
            self.problem(
                "organization.regions",
                "expected at least one region, found an empty list",
            );
            ok = false;
        }
        if let Some(home_region) = home_region {
            partitions
                .entry(home_region.partition)
                .or_insert(home_region.code.to_string());
            if !regions.iter().any(|r| r == home_region.code) {
                self.problem_hint(
                    "organization.regions",
                    format!(
                        "expected the list to contain the home region `{}`, found [{}]",
                        home_region.code,
                        regions.join(", ")
                    ),
                    "add the home region to organization.regions",
                );
                ok = false;
            }
        }
        if partitions.len() > 1 {
            let found: Vec<String> = partitions
                .iter()
                .map(|(p, r)| format!("`{r}` in {p}"))
                .collect();
            self.problem(
                "organization.regions",
                format!(
                    "expected regions of one partition, found {}",
                    found.join(" and ")
                ),
            );
            ok = false;
        }
        let (name, home_region, iac) = (name?, home_region?, iac?);
        if !ok {
            return None;
        }
        let other_regions = regions
            .iter()
            .filter(|r| **r != home_region.code)
            .cloned()
            .collect();
        Some(Organization {
            name,
            management_account_id: org.management_account_id.clone(),
            home_region: home_region.code.to_string(),
            regions,
            other_regions,
            partition: home_region.partition.to_string(),
            organizations_region: regions::organizations_region(home_region.partition).to_string(),
            iac,
        })
    }

    fn region(&mut self, code: &str, key: &str) -> Option<regions::Region> {
        let found = regions::find(code);
        if found.is_none() {
            let codes = regions::codes();
            let mut problem = Problem::new(
                key,
                format!("expected an AWS region code such as us-east-1, found `{code}`"),
            );
            if let Some(close) = did_you_mean(code, codes.iter().copied()) {
                problem = problem.with_hint(format!("did you mean `{close}`?"));
            }
            self.problems.push(problem);
        }
        found
    }

    fn account_id(&mut self, id: &str, key: &str) -> bool {
        let ok = id.len() == 12 && id.bytes().all(|b| b.is_ascii_digit());
        if !ok {
            self.problem(key, format!("expected a 12-digit account ID in quotes, such as \"012345678901\", found `{id}`"));
        }
        ok
    }

    /// AWS Organizations nests OUs at most five levels below the root:
    /// <https://docs.aws.amazon.com/organizations/latest/userguide/orgs_reference_limits.html>
    /// ("OU maximum nesting in a root: five levels of OUs deep under a root").
    fn ous(&mut self, tree: &[OuAnswer], given: bool) -> Option<Vec<OrganizationalUnit>> {
        let mut out = Vec::new();
        let mut ids = BTreeSet::new();
        let before = self.problems.len();
        if given && tree.is_empty() {
            self.problem(
                "organizational_units",
                "expected at least one OU, found an empty list",
            );
        }
        self.ou_level(
            tree,
            "organizational_units",
            None,
            "",
            0,
            &mut out,
            &mut ids,
        );
        (self.problems.len() == before).then_some(out)
    }

    #[allow(clippy::too_many_arguments)]
    fn ou_level(
        &mut self,
        level: &[OuAnswer],
        key: &str,
        parent: Option<&OrganizationalUnit>,
        parent_path: &str,
        depth: usize,
        out: &mut Vec<OrganizationalUnit>,
        ids: &mut BTreeSet<String>,
    ) {
        let mut siblings = BTreeSet::new();
        for (i, ou) in level.iter().enumerate() {
            let key = format!("{key}[{i}]");
            let Some(name) = &ou.name else {
                self.missing(&format!("{key}.name"));
                continue;
            };
            let name_key = format!("{key}.name");
            if name.is_empty()
                || name.chars().count() > 128
                || name.chars().any(|c| c.is_control() || c == '/')
            {
                self.problem(
                    &name_key,
                    format!("expected 1 to 128 characters without control characters or `/` (the path separator), found {name:?}"),
                );
                continue;
            }
            if depth >= MAX_OU_DEPTH {
                self.problem(
                    &name_key,
                    format!(
                        "expected OUs at most {MAX_OU_DEPTH} levels below the root (AWS Organizations' limit), found `{name}` at level {}",
                        depth + 1
                    ),
                );
                continue;
            }
            if !siblings.insert(name.clone()) {
                let under = if parent_path.is_empty() {
                    "the root".to_string()
                } else {
                    format!("`{parent_path}`")
                };
                self.problem(
                    &name_key,
                    format!("expected OU names unique under {under}, found `{name}` twice"),
                );
                continue;
            }
            let path = if parent_path.is_empty() {
                name.clone()
            } else {
                format!("{parent_path}/{name}")
            };
            let logical_id = unique_id(&format!("Ou{}", pascal(&path)), ids);
            let node = OrganizationalUnit {
                name: name.clone(),
                path: path.clone(),
                logical_id,
                parent: parent.map(|p| p.logical_id.clone()),
                depth,
                accounts: Vec::new(),
            };
            out.push(node.clone());
            self.ou_level(
                &ou.children,
                &format!("{key}.children"),
                Some(&node),
                &path,
                depth + 1,
                out,
                ids,
            );
        }
    }

    fn accounts(
        &mut self,
        a: &Answers,
        ous: &Option<Vec<OrganizationalUnit>>,
    ) -> Option<Vec<Account>> {
        let Some(list) = &a.accounts else {
            self.missing("accounts");
            return None;
        };
        if list.is_empty() {
            self.problem("accounts", "expected at least the tooling, artifact, log-archive and one workload account, found an empty list");
            return None;
        }
        let before = self.problems.len();
        let mut names: BTreeMap<String, usize> = BTreeMap::new();
        let mut emails: BTreeMap<String, usize> = BTreeMap::new();
        let mut ids_seen: BTreeMap<String, String> = BTreeMap::new();
        if let Some(mgmt) = a
            .organization
            .as_ref()
            .and_then(|o| o.management_account_id.clone())
        {
            ids_seen.insert(mgmt, "organization.management_account_id".into());
        }
        let mut logical_ids = BTreeSet::new();
        let mut out = Vec::new();
        for (i, acc) in list.iter().enumerate() {
            if let Some(account) = self.account(
                i,
                acc,
                ous,
                &mut names,
                &mut emails,
                &mut ids_seen,
                &mut logical_ids,
            ) {
                out.push(account);
            }
        }
        let mut previous: Option<String> = None;
        for account in out.iter_mut().filter(|a| a.id.is_none()) {
            account.created_after = previous.replace(account.logical_id.clone());
        }
        // Without a valid OU tree no account can be placed; the tree's own
        // problems say why, so nothing more is reported here.
        (self.problems.len() == before && ous.is_some()).then_some(out)
    }

    #[allow(clippy::too_many_arguments)]
    fn account(
        &mut self,
        i: usize,
        acc: &AccountAnswer,
        ous: &Option<Vec<OrganizationalUnit>>,
        names: &mut BTreeMap<String, usize>,
        emails: &mut BTreeMap<String, usize>,
        ids_seen: &mut BTreeMap<String, String>,
        logical_ids: &mut BTreeSet<String>,
    ) -> Option<Account> {
        let key = format!("accounts[{i}]");
        let name = self.required(&acc.name, &format!("{key}.name")).cloned();
        if let Some(n) = &name {
            if !is_name(n, 2, 30) {
                self.problem(
                    format!("{key}.name"),
                    format!("expected a lowercase name matching [a-z][a-z0-9-]{{1,29}} (2 to 30 characters, a letter first), found `{n}`"),
                );
            } else if is_windows_device_name(n) {
                self.problem_hint(
                    format!("{key}.name"),
                    format!("expected a name Windows can use as a folder, found `{n}`, a reserved device name"),
                    "each account gets folders named after it (cloudformation/workloads/NAME/), and Windows cannot create or check out `con`, `prn`, `aux`, `nul`, `com0`-`com9` or `lpt0`-`lpt9`",
                );
            } else if n == stacks::MANAGEMENT {
                self.problem_hint(
                    format!("{key}.name"),
                    format!("expected a name other than `{n}`, which stands for the organization's management account in the generated repo, found `{n}`"),
                    "the management account is not listed in accounts: it is the one you deploy from; give this account another name",
                );
            } else if let Some(first) = names.get(n) {
                self.problem(format!("{key}.name"), format!("expected unique account names, found `{n}` again (first at accounts[{first}])"));
            } else {
                names.insert(n.clone(), i);
            }
        }
        let mut roles = Vec::new();
        match &acc.roles {
            None => self.missing(&format!("{key}.roles")),
            Some(list) if list.is_empty() => self.problem(
                format!("{key}.roles"),
                format!(
                    "expected at least one role, {}, found an empty list",
                    one_of(Role::NAMES)
                ),
            ),
            Some(list) => {
                for (j, r) in list.iter().enumerate() {
                    match Role::parse(r) {
                        Some(role) if roles.contains(&role) => self.problem(
                            format!("{key}.roles[{j}]"),
                            format!("expected each role once, found `{r}` again"),
                        ),
                        Some(role) => roles.push(role),
                        None => self.bad_choice(&format!("{key}.roles[{j}]"), r, Role::NAMES),
                    }
                }
            }
        }
        if let Some(id) = &acc.id {
            let id_key = format!("{key}.id");
            if self.account_id(id, &id_key) {
                if let Some(first) = ids_seen.get(id) {
                    self.problem(
                        &id_key,
                        format!(
                            "expected unique account IDs, found \"{id}\" again (first at {first})"
                        ),
                    );
                } else {
                    ids_seen.insert(id.clone(), id_key);
                }
            }
        }
        match (&acc.email, &acc.id) {
            (None, None) => self.problem_hint(
                format!("{key}.email"),
                "required for an account to be created, but not given",
                "give the new account's root email, or `id` for an existing account",
            ),
            (Some(email), _) => {
                let email_key = format!("{key}.email");
                if let Some(why) = email_problem(email) {
                    self.problem(
                        &email_key,
                        format!("expected an email address ({why}), found {email:?}"),
                    );
                } else if let Some(first) = emails.get(&email.to_ascii_lowercase()) {
                    self.problem(&email_key, format!("expected unique emails (AWS needs one root email per account), found `{email}` again (first at accounts[{first}])"));
                } else {
                    emails.insert(email.to_ascii_lowercase(), i);
                }
            }
            (None, Some(_)) => {}
        }
        let ou_key = format!("{key}.ou");
        let ou = match (&acc.ou, ous) {
            (None, _) => {
                self.missing(&ou_key);
                None
            }
            (Some(path), Some(tree)) => match tree.iter().find(|o| &o.path == path) {
                Some(found) => Some(found.clone()),
                None => {
                    let paths: Vec<&str> = tree.iter().map(|o| o.path.as_str()).collect();
                    let mut problem = Problem::new(
                        &ou_key,
                        format!(
                            "expected an OU path from organizational_units ({}), found `{path}`",
                            paths.join(", ")
                        ),
                    );
                    if let Some(close) = did_you_mean(path, paths.iter().copied()) {
                        problem = problem.with_hint(format!("did you mean `{close}`?"));
                    }
                    self.problems.push(problem);
                    None
                }
            },
            (Some(_), None) => None,
        };
        let workload = roles.contains(&Role::Workload);
        if acc.cidr.is_some() && !workload {
            self.warnings.push(Warning::new(
                format!("{key}.cidr"),
                "only workload accounts get a VPC; this block is not used",
            ));
        }
        if acc.approval == Some(true) && !workload {
            self.warnings.push(Warning::new(
                format!("{key}.approval"),
                "only workload accounts are pipeline stages; this approval gates nothing",
            ));
        }
        if roles.len() > 1 {
            let list: Vec<&str> = roles.iter().map(|r| r.name()).collect();
            self.warnings.push(Warning::new(
                format!("{key}.roles"),
                format!(
                    "`{}` holds several roles ({}); fine for a lab, but separate accounts keep duties and blast radius apart",
                    name.as_deref().unwrap_or("?"),
                    list.join(", ")
                ),
            ));
        }
        let (name, ou) = (name?, ou?);
        let logical_id = unique_id(&pascal(&name), logical_ids);
        let id_env = account_placeholder(&name);
        let id_value = match &acc.id {
            Some(id) => id.clone(),
            None => placeholder(&id_env),
        };
        Some(Account {
            purpose: purpose(&roles),
            id_parameter: format!("{logical_id}AccountId"),
            logical_id,
            roles,
            email: acc.email.clone(),
            id: acc.id.clone(),
            ou: ou.path.clone(),
            ou_logical_id: ou.logical_id.clone(),
            approval: acc.approval.unwrap_or(false),
            workload,
            id_value,
            id_env,
            vpcs: Vec::new(),
            created_after: None,
            name,
        })
    }

    fn holders(&mut self, accounts: &[Account]) -> Option<RoleHolders> {
        let holding = |role: Role| -> Vec<String> {
            accounts
                .iter()
                .filter(|a| a.roles.contains(&role))
                .map(|a| a.name.clone())
                .collect()
        };
        let exactly_one = |v: &mut Self, role: Role| -> Option<String> {
            let names = holding(role);
            match names.len() {
                1 => names.into_iter().next(),
                0 => {
                    v.problem(
                        "accounts",
                        format!(
                            "expected exactly one account with the `{}` role, found none",
                            role.name()
                        ),
                    );
                    None
                }
                _ => {
                    v.problem(
                        "accounts",
                        format!(
                            "expected exactly one account with the `{}` role, found {} ({})",
                            role.name(),
                            names.len(),
                            names.join(", ")
                        ),
                    );
                    None
                }
            }
        };
        let tooling = exactly_one(self, Role::Tooling);
        let artifact = exactly_one(self, Role::Artifact);
        let log_archive = exactly_one(self, Role::LogArchive);
        let security = holding(Role::Security);
        if security.len() > 1 {
            self.problem(
                "accounts",
                format!(
                    "expected at most one account with the `security` role, found {} ({})",
                    security.len(),
                    security.join(", ")
                ),
            );
        }
        let workloads = holding(Role::Workload);
        if workloads.is_empty() {
            self.problem(
                "accounts",
                "expected at least one account with the `workload` role, found none",
            );
        }
        let security = security.into_iter().next();
        if workloads.is_empty() {
            return None;
        }
        Some(RoleHolders {
            tooling: tooling?,
            artifact: artifact?,
            log_archive: log_archive?,
            security,
            workloads,
        })
    }

    fn pipeline(&mut self, a: &Answers) -> Option<Pipeline> {
        let Some(p) = &a.pipeline else {
            self.missing("pipeline");
            return None;
        };
        let application = self
            .required(&p.application, "pipeline.application")
            .cloned();
        if let Some(app) = &application
            && !is_name(app, 2, 30)
        {
            self.problem(
                "pipeline.application",
                format!("expected a lowercase name matching [a-z][a-z0-9-]{{1,29}} (2 to 30 characters, a letter first), found `{app}`"),
            );
        }
        let source = self.source(p.source.as_ref());
        let build = self.build(p.build.as_ref());
        let deploy = self.deploy(p.deploy.as_ref());
        let rollback = self.rollback(p.rollback.as_ref());
        Some(Pipeline {
            application: application.filter(|app| is_name(app, 2, 30))?,
            source: source?,
            build: build?,
            deploy: deploy?,
            rollback: rollback?,
            stages: Vec::new(),
            stage_count: 0,
        })
    }

    fn source(&mut self, s: Option<&config::Source>) -> Option<Source> {
        let Some(s) = s else {
            self.missing("pipeline.source");
            return None;
        };
        let provider = self
            .choice(
                &s.provider,
                "pipeline.source.provider",
                SourceProvider::NAMES,
            )
            .map(|p| match p {
                "codecommit" => SourceProvider::Codecommit,
                "s3" => SourceProvider::S3,
                _ => SourceProvider::Codeconnections,
            });
        let repository = self
            .required(&s.repository, "pipeline.source.repository")
            .cloned();
        let branch = self.required(&s.branch, "pipeline.source.branch").cloned();
        if let (Some(provider), Some(repo)) = (provider, &repository) {
            let expected = match provider {
                SourceProvider::Codeconnections => (!is_owner_name(repo)).then_some(
                    "owner/name for codeconnections, such as acme/auth-service (letters, digits, `._-`)",
                ),
                SourceProvider::Codecommit => (!is_codecommit_name(repo))
                    .then_some("a CodeCommit repository name for codecommit: 1 to 100 of letters, digits, `._-`"),
                SourceProvider::S3 => (!is_bucket_key(repo)).then_some(
                    "bucket/key for s3, such as acme-sources/app.zip (a valid bucket name, then a key without whitespace)",
                ),
            };
            if let Some(expected) = expected {
                self.problem(
                    "pipeline.source.repository",
                    format!("expected {expected}, found {repo:?}"),
                );
            }
        }
        if let Some(b) = &branch
            && let Some(why) = branch_problem(b)
        {
            self.problem(
                "pipeline.source.branch",
                format!("expected a git branch name ({why}), found {b:?}"),
            );
        }
        let provider = provider?;
        let repository = repository?;
        let (bucket, object_key) = match repository.split_once('/') {
            Some((b, k)) if provider == SourceProvider::S3 => {
                (Some(b.to_string()), Some(k.to_string()))
            }
            _ => (None, None),
        };
        Some(Source {
            provider,
            repository,
            branch: branch?,
            bucket,
            object_key,
        })
    }

    fn build(&mut self, b: Option<&config::Build>) -> Option<Build> {
        let Some(b) = b else {
            self.missing("pipeline.build");
            return None;
        };
        let runtime = self
            .choice(&b.runtime, "pipeline.build.runtime", RUNTIMES)
            .map(str::to_string);
        let cache = self
            .choice(&b.cache, "pipeline.build.cache", CACHES)
            .map(str::to_string);
        let scans = self
            .required(&b.security_scans, "pipeline.build.security_scans")
            .cloned();
        let mut ok = true;
        if let Some(list) = &scans {
            let mut seen = BTreeSet::new();
            for (i, scan) in list.iter().enumerate() {
                let key = format!("pipeline.build.security_scans[{i}]");
                if !SCANS.contains(&scan.as_str()) {
                    self.bad_choice(&key, scan, SCANS);
                    ok = false;
                } else if !seen.insert(scan) {
                    self.problem(
                        key,
                        format!("expected each scan once, found `{scan}` again"),
                    );
                    ok = false;
                }
            }
        }
        if !ok {
            return None;
        }
        Some(Build {
            runtime: runtime?,
            security_scans: scans?,
            cache: cache?,
        })
    }

    fn deploy(&mut self, d: Option<&config::Deploy>) -> Option<Deploy> {
        let Some(d) = d else {
            self.missing("pipeline.deploy");
            return None;
        };
        let compute = self
            .choice(&d.compute, "pipeline.deploy.compute", Compute::NAMES)
            .map(|c| match c {
                "lambda" => Compute::Lambda,
                "ec2" => Compute::Ec2,
                _ => Compute::Ecs,
            });
        let strategy_text = self
            .required(&d.strategy, "pipeline.deploy.strategy")
            .cloned();
        let strategy = match (compute, &strategy_text) {
            (Some(compute), Some(s)) => {
                let valid = compute.strategies();
                if valid.contains(&s.as_str()) {
                    Strategy::parse(s)
                } else {
                    let compute_name = Compute::NAMES[compute as usize];
                    let mut problem = Problem::new(
                        "pipeline.deploy.strategy",
                        format!(
                            "expected a strategy for compute `{compute_name}`: {}, found `{s}`",
                            one_of(valid)
                        ),
                    );
                    if let Some(close) = did_you_mean(s, valid.iter().copied()) {
                        problem = problem.with_hint(format!("did you mean `{close}`?"));
                    }
                    self.problems.push(problem);
                    None
                }
            }
            _ => None,
        };
        if let Some(strategy) = strategy {
            let shifts = strategy.shifts_traffic();
            let name = strategy_text.as_deref().unwrap_or_default();
            for (key, value, range) in [
                (
                    "pipeline.deploy.traffic_percent",
                    d.traffic_percent,
                    1..=99u32,
                ),
                (
                    "pipeline.deploy.interval_minutes",
                    d.interval_minutes,
                    1..=2880u32,
                ),
            ] {
                match (shifts, value) {
                    (true, None) => self.problem_hint(
                        key,
                        format!("required for the `{name}` strategy, but not given"),
                        format!("supply it with --set {key}=VALUE (from {} to {})", range.start(), range.end()),
                    ),
                    (true, Some(v)) if !range.contains(&v) => {
                        self.problem(key, format!("expected a whole number from {} to {}, found {v}", range.start(), range.end()))
                    }
                    (false, Some(v)) => self.problem_hint(
                        key,
                        format!("applies only to the canary and linear strategies, found {v} with `{name}`"),
                        format!("remove it, or --set {key}=null"),
                    ),
                    _ => {}
                }
            }
        }
        let container_port = match (compute, d.container_port) {
            (Some(Compute::Ecs | Compute::Ec2), None) => {
                self.missing("pipeline.deploy.container_port");
                None
            }
            (Some(Compute::Ecs | Compute::Ec2), Some(port)) => {
                if !(1..=65535).contains(&port) {
                    self.problem(
                        "pipeline.deploy.container_port",
                        format!("expected a port from 1 to 65535, found {port}"),
                    );
                }
                Some(port)
            }
            (Some(Compute::Lambda), Some(port)) => {
                self.warnings.push(Warning::new(
                    "pipeline.deploy.container_port",
                    format!("a Lambda function has no container port; {port} is not used"),
                ));
                None
            }
            _ => None,
        };
        let path = self
            .required(&d.health_check_path, "pipeline.deploy.health_check_path")
            .cloned();
        if let Some(p) = &path
            && (!p.starts_with('/')
                || p.chars().count() > 1024
                || p.chars().any(|c| c.is_whitespace() || c.is_control()))
        {
            self.problem(
                "pipeline.deploy.health_check_path",
                format!("expected a path that starts with `/`, without whitespace or control characters, at most 1024 characters, found {p:?}"),
            );
        }
        let compute = compute?;
        Some(Deploy {
            compute,
            strategy: strategy?,
            traffic_percent: d.traffic_percent,
            interval_minutes: d.interval_minutes,
            container_port: if compute == Compute::Lambda {
                None
            } else {
                container_port
            },
            health_check_path: path?,
            test_listener_port: 9000,
            deployment_config: DeploymentConfig {
                name: String::new(),
                custom: false,
                traffic_routing: None,
                sentence: String::new(),
            },
        })
    }

    fn rollback(&mut self, r: Option<&config::Rollback>) -> Option<Rollback> {
        let Some(r) = r else {
            self.missing("pipeline.rollback");
            return None;
        };
        let percent = self
            .required(&r.http_5xx_percent, "pipeline.rollback.http_5xx_percent")
            .copied();
        if let Some(p) = percent
            && !(p > 0.0 && p <= 100.0)
        {
            self.problem(
                "pipeline.rollback.http_5xx_percent",
                format!("expected a percentage above 0 and at most 100, found {p}"),
            );
        }
        let latency = self
            .required(&r.latency_ms, "pipeline.rollback.latency_ms")
            .copied();
        if latency == Some(0) {
            self.problem(
                "pipeline.rollback.latency_ms",
                "expected a number of milliseconds above 0, found 0",
            );
        }
        Some(Rollback {
            http_5xx_percent: percent?,
            latency_ms: latency?,
            alarms: Vec::new(),
            latency_seconds: f64::from(latency.unwrap_or(0)) / 1000.0,
        })
    }

    fn security(&mut self, a: &Answers) -> Option<Security> {
        let Some(s) = &a.security else {
            self.missing("security");
            return None;
        };
        let guardduty = self.required(&s.guardduty, "security.guardduty").copied();
        let access_analyzer = self
            .required(&s.access_analyzer, "security.access_analyzer")
            .copied();
        let config_rules = self
            .required(&s.config_rules, "security.config_rules")
            .copied();
        let security_hub = self
            .required(&s.security_hub, "security.security_hub")
            .copied();
        Some(Security {
            guardduty: guardduty?,
            access_analyzer: access_analyzer?,
            config_rules: config_rules?,
            security_hub: security_hub?,
        })
    }

    fn logging(&mut self, a: &Answers) -> Option<Logging> {
        let Some(l) = &a.logging else {
            self.missing("logging");
            return None;
        };
        let trail = self
            .required(&l.organization_trail, "logging.organization_trail")
            .copied();
        let to_s3 = self
            .required(&l.cloudwatch_logs_to_s3, "logging.cloudwatch_logs_to_s3")
            .copied();
        let days = self
            .required(&l.retention_days, "logging.retention_days")
            .copied();
        if days == Some(0) {
            self.problem(
                "logging.retention_days",
                "expected a number of days above 0, found 0",
            );
        }
        Some(Logging {
            organization_trail: trail?,
            cloudwatch_logs_to_s3: to_s3?,
            retention_days: days.filter(|d| *d > 0)?,
            cloudwatch_retention_days: cloudwatch_retention(days?),
        })
    }

    fn notifications(&mut self, a: &Answers) -> Option<Notifications> {
        let Some(n) = &a.notifications else {
            return Some(Notifications {
                email: None,
                slack_team_id: None,
                slack_channel_id: None,
            });
        };
        let mut ok = true;
        if let Some(email) = &n.email
            && let Some(why) = email_problem(email)
        {
            self.problem(
                "notifications.email",
                format!("expected an email address ({why}), found {email:?}"),
            );
            ok = false;
        }
        let (mut team, mut channel) = (None, None);
        if let Some(slack) = &n.slack {
            team = self
                .required(&slack.team_id, "notifications.slack.team_id")
                .cloned();
            channel = self
                .required(&slack.channel_id, "notifications.slack.channel_id")
                .cloned();
            for (key, value) in [
                ("notifications.slack.team_id", &team),
                ("notifications.slack.channel_id", &channel),
            ] {
                if let Some(v) = value
                    && (v.is_empty()
                        || !v
                            .bytes()
                            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit()))
                {
                    self.problem(key, format!("expected a Slack ID of uppercase letters and digits, such as T0123ABCD, found {v:?}"));
                    ok = false;
                }
            }
            if team.is_none() || channel.is_none() {
                ok = false;
            }
        }
        ok.then(|| Notifications {
            email: n.email.clone(),
            slack_team_id: team,
            slack_channel_id: channel,
        })
    }

    fn terraform(&mut self, a: &Answers, iac: Option<Iac>) -> Option<Terraform> {
        let needed = iac.is_some_and(Iac::terraform);
        match a.terraform.as_ref().and_then(|t| t.state_locking.as_ref()) {
            Some(_) => {
                let value = a.terraform.as_ref().and_then(|t| t.state_locking.clone());
                self.choice(&value, "terraform.state_locking", STATE_LOCKING)
                    .map(|s| Terraform {
                        state_locking: s.to_string(),
                    })
            }
            None if needed => {
                self.missing("terraform.state_locking");
                None
            }
            None => Some(Terraform {
                state_locking: "dynamodb".into(),
            }),
        }
    }

    fn scp_kinds(&mut self, a: &Answers) -> Option<Vec<String>> {
        let kinds: Vec<&str> = SCP_KINDS.iter().map(|(k, _)| *k).collect();
        let Some(list) = a.guardrails.as_ref().and_then(|g| g.scps.clone()) else {
            return Some(kinds.iter().map(ToString::to_string).collect());
        };
        let mut seen = BTreeSet::new();
        let mut ok = true;
        for (i, scp) in list.iter().enumerate() {
            let key = format!("guardrails.scps[{i}]");
            if !kinds.contains(&scp.as_str()) {
                self.bad_choice(&key, scp, &kinds);
                ok = false;
            } else if !seen.insert(scp.clone()) {
                self.problem(
                    key,
                    format!("expected each guardrail once, found `{scp}` again"),
                );
                ok = false;
            }
        }
        ok.then_some(list)
    }

    fn guardrail_quotas(&mut self, a: &Answers) -> Option<GuardrailQuotas> {
        let given = a
            .guardrails
            .as_ref()
            .and_then(|g| g.quotas.clone())
            .unwrap_or_default();
        let mut ok = true;
        let mut quota = |value: Option<u32>,
                         key: &str,
                         range: std::ops::RangeInclusive<u32>,
                         default: usize| {
            match value {
                None => default,
                Some(v) if range.contains(&v) => v as usize,
                Some(v) => {
                    self.problem(
                        key,
                        format!(
                            "expected a number from {} to {}, found {v}",
                            range.start(),
                            range.end()
                        ),
                    );
                    ok = false;
                    default
                }
            }
        };
        let quotas = GuardrailQuotas {
            scps_per_target: quota(
                given.scps_per_target,
                "guardrails.quotas.scps_per_target",
                2..=1_000,
                limits::SCPS_PER_TARGET,
            ),
            policy_characters: quota(
                given.policy_characters,
                "guardrails.quotas.policy_characters",
                1_024..=1_000_000,
                limits::SCP_CHARACTERS,
            ),
        };
        ok.then_some(quotas)
    }

    /// Gives each workload account a VPC block in every region: its own `cidr`
    /// in the home region where given, blocks from 10.0.0.0/8 elsewhere.
    fn vpcs(&mut self, a: &Answers, accounts: &mut [Account], regions: &[String], home: &str) {
        let home_index = regions.iter().position(|r| r == home).unwrap_or(0);
        let answers = a.accounts.as_deref().unwrap_or(&[]);
        let mut explicit: Vec<(usize, Block)> = Vec::new();
        let mut held = cidr::Disjoint::default();
        let mut owner: BTreeMap<Block, usize> = BTreeMap::new();
        for (i, acc) in answers.iter().enumerate() {
            let Some(text) = &acc.cidr else { continue };
            let key = format!("accounts[{i}].cidr");
            match text.parse::<Block>() {
                Ok(block) => {
                    if let Some((range, what)) = cidr::unusable(block) {
                        self.problem(&key, format!("expected a block a VPC can route, found {block}, inside {range} ({what})"));
                    } else if let Some(other) = held.overlapping(block) {
                        let j = owner.get(&other).copied().unwrap_or_default();
                        self.problem(&key, format!("expected a block that overlaps no other VPC, found {block}, which overlaps accounts[{j}].cidr {other}"));
                    } else if accounts.get(i).is_some_and(|acc| acc.workload) {
                        let _ = held.insert(block);
                        owner.insert(block, i);
                        explicit.push((i, block));
                    }
                }
                Err(CidrError::Syntax) => self.problem(&key, format!("expected an IPv4 block such as 10.10.0.0/16, found {text:?}")),
                Err(CidrError::Prefix(p)) => {
                    self.problem(&key, format!("expected a block from /16 to /24 (the sizes a VPC takes), found /{p} in `{text}`"))
                }
                Err(CidrError::HostBits(network)) => {
                    self.problem_hint(&key, format!("expected a network address with no host bits set, found `{text}`"), format!("did you mean `{network}`?"))
                }
            }
        }
        let taken: Vec<Block> = explicit.iter().map(|(_, b)| *b).collect();
        let with_own: BTreeSet<usize> = explicit.iter().map(|(i, _)| *i).collect();
        let mut wanted = Vec::new();
        for (i, acc) in accounts.iter().enumerate() {
            if !acc.workload {
                continue;
            }
            for r in 0..regions.len() {
                let has_own = r == home_index && with_own.contains(&i);
                if !has_own {
                    wanted.push((i, r));
                }
            }
        }
        let Some(blocks) = cidr::allocate(wanted.len(), &taken) else {
            self.problem(
                "accounts",
                format!("expected room in 10.0.0.0/8 for {} VPC blocks of at least /24 beside the given ones, found none", wanted.len()),
            );
            return;
        };
        let mut assigned: BTreeMap<(usize, usize), Block> =
            wanted.into_iter().zip(blocks).collect();
        for (i, block) in &explicit {
            assigned.insert((*i, home_index), *block);
        }
        for (i, acc) in accounts.iter_mut().enumerate() {
            if !acc.workload {
                continue;
            }
            acc.vpcs = regions
                .iter()
                .enumerate()
                .filter_map(|(r, region)| {
                    let block = *assigned.get(&(i, r))?;
                    let parts = block.split(2);
                    Some(Vpc {
                        region: region.clone(),
                        cidr: block.to_string(),
                        public_subnets: parts[..2].iter().map(ToString::to_string).collect(),
                        private_subnets: parts[2..].iter().map(ToString::to_string).collect(),
                    })
                })
                .collect();
        }
    }

    fn stages(
        &mut self,
        a: &Answers,
        mut pipeline: Pipeline,
        accounts: &[Account],
        ous: &[OrganizationalUnit],
        regions: &[String],
    ) -> Option<Pipeline> {
        let given = a.pipeline.as_ref().and_then(|p| p.stages.clone());
        let groups: Vec<Vec<String>> = match &given {
            Some(list) => {
                if list.is_empty() {
                    self.problem(
                        "pipeline.stages",
                        "expected at least one stage, found an empty list",
                    );
                    return None;
                }
                let mut seen: BTreeMap<String, String> = BTreeMap::new();
                let workload_names: Vec<&str> = accounts
                    .iter()
                    .filter(|acc| acc.workload)
                    .map(|acc| acc.name.as_str())
                    .collect();
                let mut ok = true;
                for (i, entry) in list.iter().enumerate() {
                    let names = entry.accounts();
                    if names.is_empty() {
                        self.problem(
                            format!("pipeline.stages[{i}]"),
                            "expected an account or a list of accounts, found an empty list",
                        );
                        ok = false;
                    }
                    for (j, name) in names.iter().enumerate() {
                        let key = match entry {
                            StageAnswer::One(_) => format!("pipeline.stages[{i}]"),
                            StageAnswer::Parallel(_) => format!("pipeline.stages[{i}][{j}]"),
                        };
                        if !workload_names.contains(name) {
                            let what = if accounts.iter().any(|acc| acc.name == *name) {
                                format!("`{name}`, which has no `workload` role")
                            } else {
                                format!("`{name}`, which is not an account")
                            };
                            let mut problem = Problem::new(
                                &key,
                                format!(
                                    "expected a workload account ({}), found {what}",
                                    workload_names.join(", ")
                                ),
                            );
                            if let Some(close) = did_you_mean(name, workload_names.iter().copied())
                            {
                                problem = problem.with_hint(format!("did you mean `{close}`?"));
                            }
                            self.problems.push(problem);
                            ok = false;
                        } else if let Some(first) = seen.get(*name) {
                            self.problem(&key, format!("expected each account in one stage at most, found `{name}` again (first at {first})"));
                            ok = false;
                        } else {
                            seen.insert(name.to_string(), key.clone());
                        }
                    }
                }
                if !ok {
                    return None;
                }
                for name in &workload_names {
                    if !seen.contains_key(*name) {
                        self.warnings.push(Warning::new("pipeline.stages", format!("workload account `{name}` is in no stage; the pipeline never deploys to it")));
                    }
                }
                list.iter()
                    .map(|e| e.accounts().into_iter().map(String::from).collect())
                    .collect()
            }
            None => ous
                .iter()
                .filter_map(|ou| {
                    let names: Vec<String> = accounts
                        .iter()
                        .filter(|acc| acc.workload && acc.ou == ou.path)
                        .map(|acc| acc.name.clone())
                        .collect();
                    (!names.is_empty()).then_some(names)
                })
                .collect(),
        };
        let mut stage_count = 2; // source and build
        let mut used_names = BTreeSet::new();
        for group in groups {
            let base = stage_name(&group);
            let name = unique_id(&base, &mut used_names);
            let approval = group
                .iter()
                .any(|n| accounts.iter().any(|acc| &acc.name == n && acc.approval));
            let actions: Vec<DeployAction> = group
                .iter()
                .flat_map(|account| {
                    regions.iter().map(move |region| DeployAction {
                        account: account.clone(),
                        region: region.clone(),
                        name: format!("{account}-{region}"),
                        taskdef: format!("taskdef-{account}-{region}.json"),
                        id_parameter: accounts
                            .iter()
                            .find(|acc| &acc.name == account)
                            .map(|acc| acc.id_parameter.clone())
                            .unwrap_or_default(),
                        id_env: account_placeholder(account),
                    })
                })
                .collect();
            let chunks: Vec<&[DeployAction]> = actions.chunks(limits::ACTIONS_PER_STAGE).collect();
            let many = chunks.len() > 1;
            let waves: Vec<Wave> = chunks
                .iter()
                .enumerate()
                .map(|(w, chunk)| Wave {
                    name: if many {
                        format!("{name}-wave-{}", w + 1)
                    } else {
                        name.clone()
                    },
                    actions: chunk.to_vec(),
                })
                .collect();
            stage_count += usize::from(approval) + waves.len();
            pipeline.stages.push(Stage {
                name,
                accounts: group,
                approval,
                waves,
            });
        }
        pipeline.stage_count = stage_count;
        if stage_count > limits::STAGES_PER_PIPELINE {
            self.problem_hint(
                "pipeline.stages",
                format!(
                    "expected a pipeline of at most {} stages (the CodePipeline limit), found {stage_count} (source, build, approvals and one stage per 50 deploy actions)",
                    limits::STAGES_PER_PIPELINE
                ),
                "list fewer accounts in pipeline.stages, so the application deploys to fewer accounts",
            );
            return None;
        }
        Some(pipeline)
    }

    fn guardrails(
        &mut self,
        org: &str,
        kinds: &[String],
        ous: &[OrganizationalUnit],
        pipeline: &Pipeline,
        accounts: &[Account],
    ) -> Vec<ServiceControlPolicy> {
        let top: Vec<&OrganizationalUnit> = ous.iter().filter(|ou| ou.parent.is_none()).collect();
        let last_stage_ous: Vec<&OrganizationalUnit> = match pipeline.stages.last() {
            Some(stage) => ous
                .iter()
                .filter(|ou| {
                    stage.accounts.iter().any(|name| {
                        accounts
                            .iter()
                            .any(|acc| &acc.name == name && acc.ou == ou.path)
                    })
                })
                .collect(),
            None => Vec::new(),
        };
        kinds
            .iter()
            .map(|kind| {
                let targets = if kind == "deny-manual-prod-changes" {
                    &last_stage_ous
                } else {
                    &top
                };
                let description = SCP_KINDS
                    .iter()
                    .find(|(k, _)| k == kind)
                    .map(|(_, d)| *d)
                    .unwrap_or_default();
                ServiceControlPolicy {
                    kind: kind.clone(),
                    partial: format!("scp/{kind}"),
                    name: format!("{org}-{kind}"),
                    logical_id: format!("Scp{}", pascal(kind)),
                    description: description.to_string(),
                    targets: targets.iter().map(|ou| ou.logical_id.clone()).collect(),
                    target_paths: targets.iter().map(|ou| ou.path.clone()).collect(),
                    file: format!("policies/scp/{kind}.json"),
                }
            })
            .collect()
    }

    fn check_limits(
        &mut self,
        names: &Names,
        regions: &[String],
        ous: &[OrganizationalUnit],
        (scps, quotas): (&[ServiceControlPolicy], GuardrailQuotas),
        pipeline: &Pipeline,
    ) {
        let longest_region = regions.iter().map(String::len).max().unwrap_or(0);
        for prefix in [
            &names.artifact_bucket_prefix,
            &names.artifact_access_log_bucket_prefix,
            &names.log_bucket_prefix,
            &names.log_access_log_bucket_prefix,
            &names.state_bucket_prefix,
        ] {
            if let Some(p) = bucket_name_problem(prefix, longest_region) {
                self.problems.push(p);
            }
        }
        for role in [
            &names.pipeline_role,
            &names.build_role,
            &names.deploy_role,
            &names.cfn_exec_role,
            &names.task_role,
            &names.task_execution_role,
            &names.codedeploy_role,
            &names.instance_role,
            &names.function_role,
            &names.hook_role,
            &names.deployer_role,
            &names.config_recorder_role,
            &names.config_remediation_role,
            &names.config_aggregator_role,
            &names.drift_reader_role,
            &names.drift_function_role,
            &names.chatbot_role,
        ] {
            if let Some(p) = role_name_problem(role) {
                self.problems.push(p);
            }
        }
        let longest = regions
            .iter()
            .max_by_key(|r| r.len())
            .cloned()
            .unwrap_or_default();
        for prefix in [
            &names.logs_to_firehose_role_prefix,
            &names.firehose_role_prefix,
        ] {
            if let Some(p) = role_name_problem(&format!("{prefix}-{longest}")) {
                self.problems.push(p);
            }
        }
        for ou in ous {
            let attached = scps
                .iter()
                .filter(|s| s.targets.contains(&ou.logical_id))
                .count();
            if let Some(p) = scps_per_target_problem(&ou.path, attached, quotas.scps_per_target) {
                self.problems.push(p);
            }
        }
        if let Some(p) = alarms_problem(pipeline.rollback.alarms.len()) {
            self.problems.push(p);
        }
    }

    /// One warning naming every placeholder address, so it reads as one fix.
    fn example_addresses(&mut self, zone: &LandingZone) {
        let placeholders: Vec<String> = zone
            .accounts
            .iter()
            .enumerate()
            .filter_map(|(i, acc)| {
                let email = acc.email.as_deref()?;
                is_example_address(email).then(|| format!("accounts[{i}].email `{email}`"))
            })
            .collect();
        if !placeholders.is_empty() {
            self.warnings.push(Warning::new(
                "accounts",
                format!(
                    "{} placeholder address(es) at example.com: {}; AWS needs a real, unique root email for each new account before you deploy",
                    placeholders.len(),
                    placeholders.join(", ")
                ),
            ));
        }
        if let Some(email) = &zone.notifications.email
            && is_example_address(email)
        {
            self.warnings.push(Warning::new(
                "notifications.email",
                format!("`{email}` is a placeholder: notifications sent there reach nobody"),
            ));
        }
    }
}

fn is_example_address(email: &str) -> bool {
    email.rsplit_once('@').is_some_and(|(_, domain)| {
        let d = domain.to_ascii_lowercase();
        d == "example.com" || d.ends_with(".example.com")
    })
}

/// `<prefix>-<12-digit account id>-<region>` must fit S3's 63 characters.
pub(crate) fn bucket_name_problem(prefix: &str, longest_region: usize) -> Option<Problem> {
    let len = prefix.len() + 1 + limits::ACCOUNT_ID_LEN + 1 + longest_region;
    (len > limits::S3_BUCKET_NAME).then(|| {
        Problem::new(
            "organization.name",
            format!(
                "expected names that keep S3 bucket names within {} characters, found `{prefix}-<account id>-<region>` at {len}",
                limits::S3_BUCKET_NAME
            ),
        )
        .with_hint("shorten organization.name")
    })
}

pub(crate) fn role_name_problem(role: &str) -> Option<Problem> {
    (role.len() > limits::IAM_ROLE_NAME).then(|| {
        Problem::new(
            "pipeline.application",
            format!(
                "expected names that keep IAM role names within {} characters, found `{role}` at {}",
                limits::IAM_ROLE_NAME,
                role.len()
            ),
        )
        .with_hint("shorten organization.name or pipeline.application")
    })
}

pub(crate) fn scps_per_target_problem(
    ou_path: &str,
    attached: usize,
    quota: usize,
) -> Option<Problem> {
    let total = attached + 1; // FullAWSAccess stays attached everywhere
    (total > quota).then(|| {
        Problem::new(
            "guardrails.scps",
            format!("expected at most {quota} SCPs on one target (FullAWSAccess included), found {total} on OU `{ou_path}`"),
        )
        .with_hint("attach fewer guardrails, or raise guardrails.quotas.scps_per_target if AWS raised your organization's quota")
    })
}

/// A Lambda release runs in the deployer's CodeBuild project, which stops
/// after 480 minutes: the traffic shift must end well before that.
pub(crate) fn lambda_release_problem(deploy: &Deploy) -> Option<Problem> {
    if deploy.compute != Compute::Lambda || !deploy.strategy.shifts_traffic() {
        return None;
    }
    let (percent, minutes) = (deploy.traffic_percent?, deploy.interval_minutes?);
    let total = match deploy.strategy {
        Strategy::Linear => (100u32.div_ceil(percent.max(1)) - 1) * minutes,
        _ => minutes,
    };
    (total > limits::LAMBDA_RELEASE_MINUTES).then(|| {
        Problem::new(
            "pipeline.deploy.interval_minutes",
            format!(
                "expected a Lambda release that shifts all traffic within {} minutes (the deployer's CodeBuild limit is 480), found {total} minutes",
                limits::LAMBDA_RELEASE_MINUTES
            ),
        )
        .with_hint("shorten interval_minutes or raise traffic_percent")
    })
}

pub(crate) fn alarms_problem(count: usize) -> Option<Problem> {
    (count > limits::ALARMS_PER_DEPLOYMENT_GROUP).then(|| {
        Problem::new(
            "pipeline.rollback",
            format!(
                "expected at most {} alarms on one CodeDeploy deployment group, found {count}",
                limits::ALARMS_PER_DEPLOYMENT_GROUP
            ),
        )
    })
}

fn names(org: &str, app: &str) -> Names {
    Names {
        artifact_bucket_prefix: format!("{org}-artifacts"),
        artifact_access_log_bucket_prefix: format!("{org}-artifacts-logs"),
        log_bucket_prefix: format!("{org}-logs"),
        log_access_log_bucket_prefix: format!("{org}-logs-access"),
        artifact_key_alias: format!("alias/{org}-artifacts"),
        log_key_alias: format!("alias/{org}-logs"),
        ecr_repository: format!("{org}/{app}"),
        trail: format!("{org}-organization-trail"),
        pipeline: format!("{org}-{app}"),
        connection: {
            let mut name: String = format!("{org}-{app}").chars().take(32).collect();
            while name.ends_with('-') {
                name.pop();
            }
            name
        },
        // lzgen.yaml v1 has no key for the git host: the README says where
        // to change it.
        connection_provider: "GitHub".into(),
        pipeline_role: format!("{org}-{app}-pipeline"),
        build_role: format!("{org}-{app}-build"),
        build_project: format!("{org}-{app}-build"),
        deploy_role: format!("{org}-{app}-deploy"),
        cfn_exec_role: format!("{org}-{app}-cfn-exec"),
        task_role: format!("{org}-{app}-task"),
        task_execution_role: format!("{org}-{app}-task-execution"),
        codedeploy_role: format!("{org}-{app}-codedeploy"),
        codedeploy_application: format!("{org}-{app}"),
        instance_role: format!("{org}-{app}-instance"),
        function: format!("{org}-{app}"),
        alias: "live".into(),
        hook_function: format!("{org}-{app}-traffic-hook"),
        function_role: format!("{org}-{app}-function"),
        hook_role: format!("{org}-{app}-traffic-hook"),
        service_role_path: format!("/{org}-{app}/"),
        deployer_role: format!("{org}-{app}-deployer"),
        deployer_project: format!("{org}-{app}-deploy-lambda"),
        auto_scaling_group: format!("{org}-{app}"),
        deployment_group: format!("{org}-{app}"),
        ecs_cluster: format!("{org}-{app}"),
        ecs_service: app.to_string(),
        load_balancer: app.to_string(),
        container: "app".into(),
        task_family: format!("{org}-{app}"),
        app_log_group: format!("/{org}/{app}"),
        build_log_group: format!("/aws/codebuild/{org}-{app}-build"),
        notifications_topic: format!("{org}-{app}-pipeline-events"),
        notifications_key_alias: format!("alias/{org}-{app}-notifications"),
        build_parameters_path: format!("/{org}/{app}/build/"),
        build_secrets_prefix: format!("{org}/{app}/build/"),
        config_recorder_role: format!("{org}-config-recorder"),
        config_remediation_role: format!("{org}-config-remediation"),
        config_aggregator: format!("{org}-organization"),
        config_aggregator_role: format!("{org}-config-aggregator"),
        drift_reader_role: format!("{org}-drift-reader"),
        drift_function: format!("{org}-drift-detection"),
        drift_function_role: format!("{org}-drift-detection"),
        drift_topic: format!("{org}-drift"),
        alarms_topic: format!("{org}-{app}-alarms"),
        security_topic: format!("{org}-security-findings"),
        log_destination: format!("{org}-central-logs"),
        log_stream: format!("{org}-central-logs"),
        logs_to_firehose_role_prefix: format!("{org}-logs-to-firehose"),
        firehose_role_prefix: format!("{org}-firehose"),
        chatbot_role: format!("{org}-chatbot"),
        chatbot_configuration: format!("{org}-{app}"),
        state_bucket_prefix: format!("{org}-tfstate"),
        state_key_alias: format!("alias/{org}-tfstate"),
        state_lock_table: format!("{org}-terraform-locks"),
    }
}

fn prod_change_roles(names: &Names, compute: Compute) -> Vec<String> {
    let mut roles = vec![names.deploy_role.clone(), names.cfn_exec_role.clone()];
    match compute {
        Compute::Ecs => roles.extend([
            names.codedeploy_role.clone(),
            names.task_role.clone(),
            names.task_execution_role.clone(),
        ]),
        Compute::Ec2 => roles.extend([names.codedeploy_role.clone(), names.instance_role.clone()]),
        Compute::Lambda => roles.extend([
            names.codedeploy_role.clone(),
            names.function_role.clone(),
            names.hook_role.clone(),
        ]),
    }
    roles.extend([
        names.config_recorder_role.clone(),
        names.config_remediation_role.clone(),
        names.drift_reader_role.clone(),
    ]);
    // The per-region service roles, by their path: `acme-app/*`.
    roles.push(format!(
        "{}*",
        names.service_role_path.trim_start_matches('/')
    ));
    roles
}

/// The deployment configuration for the strategy, and how it moves traffic.
fn deployment_config(deploy: &Deploy, names: &Names) -> DeploymentConfig {
    let percent = deploy.traffic_percent.unwrap_or(0);
    let minutes = deploy.interval_minutes.unwrap_or(0);
    let plural = |n: u32| if n == 1 { "minute" } else { "minutes" };
    // ECS shifts requests between task sets; Lambda shifts the alias's invocations.
    let (traffic, after) = match deploy.compute {
        Compute::Lambda => ("invocations of the alias", ""),
        _ => ("requests", " plus start-up"),
    };
    match (deploy.compute, deploy.strategy) {
        (Compute::Ecs | Compute::Lambda, Strategy::Canary) => DeploymentConfig {
            name: format!("{}-canary-{percent}-{minutes}", names.deployment_group),
            custom: true,
            traffic_routing: Some("TimeBasedCanary".into()),
            sentence: format!(
                "{percent}% of the {traffic} go to the new version for {minutes} {}, then all of them; a deployment takes about {minutes} {}{after}.",
                plural(minutes),
                plural(minutes)
            ),
        },
        (Compute::Ecs | Compute::Lambda, Strategy::Linear) => {
            let steps = 100u32.div_ceil(percent.max(1));
            let total = (steps - 1) * minutes;
            DeploymentConfig {
                name: format!("{}-linear-{percent}-{minutes}", names.deployment_group),
                custom: true,
                traffic_routing: Some("TimeBasedLinear".into()),
                sentence: format!(
                    "{percent}% more of the {traffic} go to the new version every {minutes} {} until all do; a deployment takes about {total} {}{after}.",
                    plural(minutes),
                    plural(total)
                ),
            }
        }
        (Compute::Lambda, _) => DeploymentConfig {
            name: "CodeDeployDefault.LambdaAllAtOnce".into(),
            custom: false,
            traffic_routing: None,
            sentence: "the alias moves to the new version all at once, once the traffic hook has checked it.".into(),
        },
        (Compute::Ec2, Strategy::InPlace) => DeploymentConfig {
            name: "CodeDeployDefault.OneAtATime".into(),
            custom: false,
            traffic_routing: None,
            sentence: "one instance at a time: each is taken out of the load balancer, updated, checked and put back, so the others keep serving.".into(),
        },
        (Compute::Ec2, _) => DeploymentConfig {
            name: "CodeDeployDefault.AllAtOnce".into(),
            custom: false,
            traffic_routing: None,
            sentence: "a copy of the Auto Scaling group starts with the new version; once it is healthy the load balancer sends all traffic to it and the old instances stop.".into(),
        },
        _ => DeploymentConfig {
            name: "CodeDeployDefault.ECSAllAtOnce".into(),
            custom: false,
            traffic_routing: None,
            sentence: "all at once, as soon as the new version is healthy.".into(),
        },
    }
}

/// The retention periods CloudWatch Logs accepts, in days.
const CLOUDWATCH_RETENTION: &[u32] = &[
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922,
    3288, 3653,
];

/// The shortest CloudWatch Logs period that keeps logs at least `days`.
fn cloudwatch_retention(days: u32) -> u32 {
    CLOUDWATCH_RETENTION
        .iter()
        .copied()
        .find(|d| *d >= days)
        .unwrap_or(3653)
}

/// The alarms on each deployment group: the HTTP 5xx rate and the response
/// time of each of the two target groups, so that whichever one holds the new
/// version is watched.
fn alarms(names: &Names, compute: Compute) -> Vec<Alarm> {
    let mut out = Vec::new();
    let target_groups: &[&str] = match compute {
        Compute::Ecs => &["Blue", "Green"],
        Compute::Ec2 => &["App"],
        Compute::Lambda => &["Function"],
    };
    for target_group in target_groups {
        for (kind, logical) in [("5xx", "Http5xx"), ("latency", "Latency")] {
            out.push(Alarm {
                name: format!(
                    "{}-{}-{kind}",
                    names.deployment_group,
                    target_group.to_lowercase()
                ),
                logical_id: format!("{target_group}{logical}Alarm"),
                kind: kind.to_string(),
                target_group: target_group.to_string(),
            });
        }
    }
    out
}

fn purpose(roles: &[Role]) -> String {
    let parts: Vec<&str> = roles
        .iter()
        .map(|r| match r {
            Role::LogArchive => "keeps the organization's audit logs (trail, AWS Config, GuardDuty findings, CloudWatch Logs) in one central, encrypted bucket, where only OrganizationAccountAccessRole can delete them",
            Role::Security => {
                "is the organization's administrator for the security services that are switched on (see Security and compliance)"
            }
            Role::Tooling => "runs the delivery pipeline and the daily drift check; no application runs here",
            Role::Artifact => {
                "stores build artifacts and container images, encrypted with its own KMS keys"
            }
            Role::Workload => "runs the application, deployed only by the pipeline",
        })
        .collect();
    let mut text = parts.join("; it also ");
    if let Some(first) = text.get(0..1) {
        text = first.to_uppercase() + &text[1..];
    }
    text + "."
}

fn default_ous() -> Vec<OuAnswer> {
    let leaf = |name: &str| OuAnswer {
        name: Some(name.into()),
        children: Vec::new(),
    };
    vec![
        leaf("Security"),
        leaf("Deployment"),
        OuAnswer {
            name: Some("Workloads".into()),
            children: vec![leaf("NonProd"), leaf("Prod")],
        },
    ]
}

/// `[a-z][a-z0-9-]{min-1,max-1}`
/// Names Windows reserves for devices, whatever the extension: a folder of
/// that name cannot be created or checked out there.
/// <https://learn.microsoft.com/windows/win32/fileio/naming-a-file>
fn is_windows_device_name(name: &str) -> bool {
    let stem = name.split('.').next().unwrap_or(name);
    matches!(stem, "con" | "prn" | "aux" | "nul")
        || (stem.len() == 4
            && (stem.starts_with("com") || stem.starts_with("lpt"))
            && stem.as_bytes()[3].is_ascii_digit())
}

fn is_name(s: &str, min: usize, max: usize) -> bool {
    let bytes = s.as_bytes();
    (min..=max).contains(&bytes.len())
        && bytes[0].is_ascii_lowercase()
        && bytes
            .iter()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-')
}

fn is_repo_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')
}

fn is_owner_name(s: &str) -> bool {
    match s.split_once('/') {
        Some((owner, name)) => {
            !owner.is_empty()
                && !name.is_empty()
                && owner.chars().all(is_repo_char)
                && name.chars().all(is_repo_char)
                && owner
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_alphanumeric())
        }
        None => false,
    }
}

fn is_codecommit_name(s: &str) -> bool {
    (1..=100).contains(&s.len()) && s.chars().all(is_repo_char)
}

fn is_bucket_key(s: &str) -> bool {
    let Some((bucket, key)) = s.split_once('/') else {
        return false;
    };
    let bucket_ok = (3..=63).contains(&bucket.len())
        && bucket
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-')
        && bucket.as_bytes()[0].is_ascii_alphanumeric()
        && bucket.as_bytes()[bucket.len() - 1].is_ascii_alphanumeric();
    bucket_ok
        && !key.is_empty()
        && key.len() <= 1024
        && !key.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// Why `email` is not an address we accept, if it is not.
fn email_problem(email: &str) -> Option<&'static str> {
    if email.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Some("no whitespace or control characters");
    }
    if email.matches('@').count() != 1 {
        return Some("exactly one `@`");
    }
    let (local, domain) = email.split_once('@')?;
    if local.is_empty() {
        return Some("a name before the `@`");
    }
    if !domain.contains('.') || domain.split('.').any(str::is_empty) {
        return Some("a dotted domain after the `@`, such as acme.example");
    }
    if email.len() > limits::ACCOUNT_EMAIL {
        return Some("at most 64 characters, the AWS limit");
    }
    None
}

/// Why `b` breaks git's branch-name rules, if it does.
fn branch_problem(b: &str) -> Option<&'static str> {
    if b.is_empty() {
        return Some("not empty");
    }
    if b.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Some("no whitespace or control characters");
    }
    if b.chars().any(|c| "~^:?*[\\".contains(c)) {
        return Some("none of ~ ^ : ? * [ \\");
    }
    if b.contains("..") {
        return Some("no `..`");
    }
    if b.ends_with('/') || b.ends_with(".lock") {
        return Some("not ending in `/` or `.lock`");
    }
    if b.starts_with('/') || b.starts_with('-') || b.contains("//") || b.contains("@{") {
        return Some("not starting with `/` or `-`, no `//` or `@{`");
    }
    None
}

/// A CodePipeline stage name from its accounts: `Deploy-dev`,
/// `Deploy-dev-staging`; at most 100 characters.
fn stage_name(accounts: &[String]) -> String {
    let full = format!("Deploy-{}", accounts.join("-"));
    if full.len() <= 100 {
        full
    } else {
        format!("Deploy-{}-and-{}-more", accounts[0], accounts.len() - 1)
    }
}

#[cfg(test)]
mod tests;
