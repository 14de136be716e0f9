//! Which stacks a landing zone has, one function per kind, and the
//! placeholders their parameters use.

use super::declare::{add_organization_steps, declare};
use super::{Export, Parameter, Placeholder, Stack, StackKind, StackSetTargets};
use crate::infra::layout::{AccountIds, key_parameter, key_placeholder, placeholder};
use crate::infra::order;
use crate::model::{Account, LandingZone, MANAGEMENT};
use std::collections::BTreeSet;

/// The one template every account's baseline stack is made from.
pub const BASELINE_TEMPLATE: &str = "cloudformation/baseline/baseline.yaml";

/// Derives the stacks, in deploy order, and the placeholders they use.
/// `by_url` holds the templates too large to pass inline (as rendering
/// found them): their stacks are deployed from S3, and each region with one
/// gets a template bucket first.
pub fn derive(lz: &LandingZone, by_url: &BTreeSet<String>) -> (Vec<Stack>, Vec<Placeholder>) {
    let Some(mut d) = Derivation::new(lz) else {
        return (Vec::new(), Vec::new());
    };
    for kind in StackKind::ALL {
        d.derive_kind(kind);
    }
    d.template_buckets(by_url);
    let mut placeholders = super::placeholders::placeholders(lz);
    placeholders.extend(
        d.stacks
            .iter()
            .filter(|s| s.kind == StackKind::Templates)
            .map(|s| {
                let name = template_bucket_placeholder(&s.region);
                Placeholder {
                    description: format!("the template bucket in {}", s.region),
                    command: None,
                    output: Some(super::StackOutput {
                        stack: s.name.clone(),
                        key: "TemplateBucketName".into(),
                    }),
                    note: None,
                    name,
                }
            }),
    );
    let security = d.security;
    let mut stacks = d.stacks;
    declare(lz, &mut stacks);
    // A cycle is lzgen's own bug: the stacks keep the listed order, and
    // verification reports the use that comes too early.
    let mut stacks = order::sort(&stacks).unwrap_or(stacks);
    add_organization_steps(&mut stacks, security);
    mark_first_and_last(&mut stacks);
    (stacks, placeholders)
}

/// What every stack of one landing zone draws on.
pub(super) struct Derivation<'a> {
    pub(super) lz: &'a LandingZone,
    pub(super) management_id: String,
    pub(super) organization_id: Parameter,
    /// The central log bucket and its key, as every stack that writes there
    /// takes them.
    pub(super) log_params: Vec<Parameter>,
    /// Each region's artifact key ARN.
    pub(super) key_params: Vec<Parameter>,
    pub(super) log_archive: &'a Account,
    pub(super) artifact: &'a Account,
    pub(super) tooling: &'a Account,
    /// The security account, or the log-archive account without one.
    pub(super) security: &'a Account,
    pub(super) stacks: Vec<Stack>,
}

/// How many account IDs one of the drift function's parameters carries:
/// 300 IDs and their commas are 3,899 bytes, within the 4,096 bytes of a
/// parameter value (`quotas::PARAMETER_VALUE_BYTES`). A larger organization
/// gets more parameters (`AccountIds2`, …), which the function's code joins;
/// the pipeline's template reads its accounts the same way past one
/// parameter an account.
pub const ACCOUNTS_PER_LIST: usize = 300;

/// Account IDs as parameters of `ACCOUNTS_PER_LIST` IDs at most, named
/// `<first>`, `<first>2`, …: the parameters and their names.
pub(super) fn id_lists(first: &str, ids: &[String]) -> (Vec<Parameter>, Vec<String>) {
    ids.chunks(ACCOUNTS_PER_LIST)
        .enumerate()
        .map(|(n, list)| {
            let key = match n {
                0 => first.to_string(),
                n => format!("{first}{}", n + 1),
            };
            (param(&key, list.join(",")), key)
        })
        .unzip()
}

pub(super) fn param(key: &str, value: String) -> Parameter {
    Parameter {
        key: key.into(),
        value,
        account: None,
    }
}

/// The parameter that carries an account's ID.
pub(super) fn account_param(a: &Account) -> Parameter {
    let ids = AccountIds::of(a);
    Parameter {
        key: ids.id_parameter,
        value: ids.id_value,
        account: Some(a.name.clone()),
    }
}

impl<'a> Derivation<'a> {
    fn new(lz: &'a LandingZone) -> Option<Derivation<'a>> {
        let org = &lz.organization;
        let log_archive = lz.account(lz.holders.log_archive())?;
        let security = crate::model::security_holder(lz).unwrap_or(log_archive);
        Some(Derivation {
            lz,
            management_id: org
                .management_account_id
                .clone()
                .unwrap_or_else(|| placeholder("MANAGEMENT_ACCOUNT_ID")),
            organization_id: param("OrganizationId", placeholder("ORGANIZATION_ID")),
            log_params: vec![
                param("LogBucketName", placeholder("LOG_ARCHIVE_BUCKET")),
                param("LogKeyArn", placeholder("LOG_ARCHIVE_KEY_ARN")),
            ],
            key_params: org
                .regions
                .iter()
                .map(|region| {
                    param(
                        &key_parameter(region),
                        placeholder(&key_placeholder(region)),
                    )
                })
                .collect(),
            log_archive,
            artifact: lz.account(lz.holders.artifact())?,
            tooling: lz.account(lz.holders.tooling())?,
            security,
            stacks: Vec::new(),
        })
    }

    /// A stack of `kind` named `<org>-<suffix>`, from
    /// `cloudformation/<folder>/<file>.yaml`.
    pub(super) fn stack(
        &self,
        kind: StackKind,
        (folder, file): (&str, &str),
        suffix: &str,
        account: &str,
        id_value: &str,
        region: &str,
    ) -> Stack {
        Stack {
            kind,
            name: format!("{}-{suffix}", self.lz.organization.name),
            template: format!("cloudformation/{folder}/{file}.yaml"),
            parameters_file: format!("cloudformation/{folder}/{file}.parameters.json"),
            account: account.to_string(),
            account_id_value: id_value.to_string(),
            region: region.to_string(),
            home: region == self.lz.organization.home_region,
            description: String::new(),
            parameters: Vec::new(),
            exports: Vec::new(),
            workload: None,
            first_of_kind: false,
            last_of_kind: false,
            creates: Vec::new(),
            uses: Vec::new(),
            before: Vec::new(),
            by_url: None,
            set: None,
            creates_accounts: Vec::new(),
            account_ids_after: false,
            account_lists: Vec::new(),
        }
    }

    /// Marks each stack whose template is in `by_url`, and puts a template
    /// bucket in the management account of each region that has one. The
    /// bucket is in the stack's own region: CloudFormation reads the
    /// template from S3 where the stack is created.
    fn template_buckets(&mut self, by_url: &BTreeSet<String>) {
        let mut regions = BTreeSet::new();
        for s in &mut self.stacks {
            if by_url.contains(&s.template) {
                s.by_url = Some(template_bucket_placeholder(&s.region));
                regions.insert(s.region.clone());
            }
        }
        let buckets: Vec<Stack> = regions
            .iter()
            .map(|region| {
                let mut s = self.stack_in(
                    StackKind::Templates,
                    ("management", &format!("templates-{region}")),
                    &format!("templates-{region}"),
                    None,
                    region,
                );
                s.description =
                    "the bucket templates over CloudFormation's inline size are deployed from"
                        .into();
                s.parameters = vec![self.organization_id.clone()];
                s.exports.push(Export {
                    output: "TemplateBucketName".into(),
                    placeholder: template_bucket_placeholder(region),
                });
                s
            })
            .collect();
        self.stacks.splice(0..0, buckets);
    }

    /// A stack in `account` (the management account's, or a member's).
    pub(super) fn stack_in(
        &self,
        kind: StackKind,
        place: (&str, &str),
        suffix: &str,
        account: Option<&Account>,
        region: &str,
    ) -> Stack {
        match account {
            Some(a) => self.stack(
                kind,
                place,
                suffix,
                &a.name,
                &AccountIds::of(a).id_value,
                region,
            ),
            None => self.stack(kind, place, suffix, MANAGEMENT, &self.management_id, region),
        }
    }

    /// A StackSet reaching `accounts` in `regions`: the OUs that hold them
    /// (outermost only, since targeting an OU reaches the OUs inside it), and
    /// the landing zone's other accounts in those OUs, left out.
    pub(super) fn targets(
        &self,
        accounts: &[&Account],
        regions: Vec<&String>,
        after: Option<String>,
    ) -> StackSetTargets {
        let held: BTreeSet<&str> = accounts.iter().map(|a| a.ou.as_str()).collect();
        let within = |ou: &str, outer: &str| {
            ou == outer
                || ou
                    .strip_prefix(outer)
                    .is_some_and(|rest| rest.starts_with('/'))
        };
        let ous: Vec<String> = held
            .iter()
            .filter(|ou| !held.iter().any(|outer| outer != *ou && within(ou, outer)))
            .map(|ou| (*ou).to_string())
            .collect();
        let chosen: BTreeSet<&str> = accounts.iter().map(|a| a.name.as_str()).collect();
        let excluded = self
            .lz
            .accounts
            .iter()
            .filter(|a| !chosen.contains(a.name.as_str()))
            .filter(|a| ous.iter().any(|outer| within(&a.ou, outer)))
            .map(|a| AccountIds::of(a).id_value)
            .collect();
        StackSetTargets {
            regions: regions.into_iter().cloned().collect(),
            ous,
            excluded,
            accounts: accounts.iter().map(|a| a.name.clone()).collect(),
            after,
            auto_deployment: true,
            instances: Vec::new(),
            networks: Vec::new(),
        }
    }

    pub(super) fn workload_accounts(&self) -> impl Iterator<Item = &'a Account> + use<'a> {
        self.lz.accounts.iter().filter(|a| a.workload)
    }
}

/// Marks the first and last stack of each kind in deploy order (deploy.sh
/// runs organization-wide steps around them): one pass each way, so
/// thousands of stacks are marked in linear time.
fn mark_first_and_last(stacks: &mut [Stack]) {
    let mut seen = Vec::new();
    for stack in stacks.iter_mut() {
        stack.first_of_kind = !seen.contains(&stack.kind);
        if stack.first_of_kind {
            seen.push(stack.kind);
        }
    }
    seen.clear();
    for stack in stacks.iter_mut().rev() {
        stack.last_of_kind = !seen.contains(&stack.kind);
        if stack.last_of_kind {
            seen.push(stack.kind);
        }
    }
}

/// "A, B and C".
pub(super) fn join_words(parts: &[&str]) -> String {
    match parts {
        [] => String::new(),
        [one] => (*one).to_string(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

pub(super) fn dedup(params: &mut Vec<Parameter>) {
    let mut seen = std::collections::BTreeSet::new();
    params.retain(|p| seen.insert(p.key.clone()));
}

/// The variable `deploy.sh` keeps a region's template bucket name in:
/// `TEMPLATE_BUCKET_US_EAST_1`.
pub fn template_bucket_placeholder(region: &str) -> String {
    format!(
        "TEMPLATE_BUCKET_{}",
        region.to_uppercase().replace('-', "_")
    )
}
