//! The Terraform flavour's root modules: one per account role (and one for
//! the organization), each with its own state in the bootstrap bucket, in
//! the order they are applied.
//!
//! What is the same in many accounts (each account's baseline, each
//! workload account's roles and targets) is one shared root module, applied
//! once per account: the account's own values (`accounts/<name>.tfvars`) and
//! state key (`accounts/<name>.tfbackend`) are all an added account costs,
//! as a StackSet instance is in the CloudFormation flavour.

use crate::infra::order::{self, Thing, Unit};
use crate::model::{LandingZone, MANAGEMENT};
use serde::Serialize;

/// The kinds of root module that are one folder for many accounts.
pub const SHARED_ROOTS: &[&str] = &["baseline", "workload"];

/// What a root module can hold (`TerraformRoot::kind`).
pub const ROOT_KINDS: &[&str] = &[
    "organization",
    "organization-trail",
    "baseline",
    "log-archive",
    "security",
    "artifact",
    "tooling",
    "workload",
];

#[derive(Debug, Clone, Serialize)]
pub struct TerraformRoot {
    /// `organization`, `log-archive`, `security`, `artifact`, `tooling`, or
    /// the workload account's name.
    pub name: String,
    /// What it holds: `organization`, `organization-trail`, `baseline`,
    /// `log-archive`, `security`, `artifact`, `tooling` or `workload`.
    pub kind: String,
    /// `terraform/organization`, `terraform/workloads`.
    pub folder: String,
    /// What the deploy order and `scripts/terraform.sh` call it: the folder,
    /// or for a shared root `terraform/workloads dev` (its folder and the
    /// account it is applied to).
    pub id: String,
    /// Whether the folder is a shared root module, applied once per account
    /// with that account's `accounts/<name>.tfvars` and `.tfbackend`.
    pub shared: bool,
    /// For a shared root: whether this is the first account's, which
    /// renders the folder's own files (once).
    pub first_in_folder: bool,
    /// For a shared root: `terraform/workloads/accounts/dev`, the account's
    /// values and backend files without their extensions.
    pub values: Option<String>,
    /// The account it manages: an account name, or `management`.
    pub account: String,
    /// The account's ID when lzgen.yaml gives it; otherwise the root reads it
    /// from the organization root's `account_ids` output.
    pub account_id: Option<String>,
    /// Whether it runs as the management account itself (no role to assume).
    pub management: bool,
    /// The home region (or the Organizations region for `organization`).
    pub region: String,
    /// `<account>/<region>/<root>/terraform.tfstate`.
    pub state_key: String,
    /// Path from the root's folder back to the repository's `terraform/`.
    pub up: String,
    pub description: String,
    /// What it creates that other roots need (its own state, read by
    /// `terraform_remote_state`; accounts; roles), and what it needs.
    pub creates: Vec<Thing>,
    pub uses: Vec<Thing>,
    /// Service principals whose trusted access `scripts/terraform.sh` turns
    /// on right before this root, the first that needs it.
    pub trusted_access: Vec<String>,
}

impl Unit for TerraformRoot {
    fn id(&self) -> &str {
        &self.id
    }
    fn creates(&self) -> &[Thing] {
        &self.creates
    }
    fn uses(&self) -> &[Thing] {
        &self.uses
    }
}

/// The state another root reads through `terraform_remote_state`.
fn state(root: &str) -> Thing {
    Thing::Output(format!("terraform state of {root}"))
}

pub fn derive(lz: &LandingZone) -> Vec<TerraformRoot> {
    let org = &lz.organization;
    let mut roots = Vec::new();
    let mut push =
        |kind: &str, name: &str, folder: &str, account: &str, region: &str, description: &str| {
            let found = lz.account(account);
            let depth = folder.matches('/').count();
            let shared = SHARED_ROOTS.contains(&kind);
            let folder = format!("terraform/{folder}");
            roots.push(TerraformRoot {
                kind: kind.to_string(),
                name: name.to_string(),
                id: if shared {
                    format!("{folder} {account}")
                } else {
                    folder.clone()
                },
                shared,
                first_in_folder: false,
                values: shared.then(|| format!("{folder}/accounts/{account}")),
                folder,
                account: account.to_string(),
                account_id: if account == MANAGEMENT {
                    org.management_account_id.clone()
                } else {
                    found.and_then(|a| a.id.clone())
                },
                management: account == MANAGEMENT,
                region: region.to_string(),
                state_key: format!("{account}/{region}/{name}/terraform.tfstate"),
                up: "../".repeat(depth + 1),
                description: description.to_string(),
                creates: Vec::new(),
                uses: Vec::new(),
                trusted_access: Vec::new(),
            });
        };
    push(
        "organization",
        "organization",
        "organization",
        MANAGEMENT,
        &org.organizations_region,
        "the OUs, the member accounts and the guardrail SCPs",
    );
    push(
        "log-archive",
        "log-archive",
        "log-archive",
        lz.holders.log_archive(),
        &org.home_region,
        "the central log bucket and its key",
    );
    if lz.logging.organization_trail {
        push(
            "organization-trail",
            "organization-trail",
            "organization-trail",
            MANAGEMENT,
            &org.home_region,
            "the organization trail, writing to the log archive",
        );
    }
    // Every account's AWS Config baseline, the management account's first.
    // The CloudFormation flavour's baseline also holds the drift reader role;
    // Terraform finds drift with `terraform plan`, so without Config rules an
    // account has no baseline root.
    let baselines = std::iter::once(MANAGEMENT).chain(lz.accounts.iter().map(|a| a.name.as_str()));
    for account in baselines.filter(|_| lz.security.config_rules) {
        push(
            "baseline",
            &format!("baseline-{account}"),
            "baseline",
            account,
            &org.home_region,
            "the account's baseline: AWS Config, its rules and their remediation, in every region",
        );
    }
    let security = lz
        .holders
        .security()
        .unwrap_or(lz.holders.log_archive())
        .to_string();
    push(
        "security",
        "security",
        "security",
        &security,
        &org.home_region,
        "the security services, administered for the organization",
    );
    push(
        "artifact",
        "artifact",
        "artifact",
        lz.holders.artifact(),
        &org.home_region,
        "the artifact buckets and keys, one per region, and the image repository",
    );
    push(
        "tooling",
        "tooling",
        "tooling",
        lz.holders.tooling(),
        &org.home_region,
        "the pipeline, its build, and the notifications about failures, approvals and alarms",
    );
    for workload in lz.accounts.iter().filter(|a| a.workload) {
        push(
            "workload",
            &workload.name,
            "workloads",
            &workload.name,
            &org.home_region,
            "the deployment roles and the application's network and compute, in every region",
        );
    }
    declare(lz, &mut roots);
    // A cycle is lzgen's own bug: the listed order stays, and the tests
    // report the use that comes too early.
    let mut roots = order::sort(&roots).unwrap_or(roots);
    let mut seen = std::collections::BTreeSet::new();
    for root in roots.iter_mut().filter(|r| r.shared) {
        root.first_in_folder = seen.insert(root.folder.clone());
    }
    let firsts = order::first_uses(&roots, |t| matches!(t, Thing::TrustedAccess(_)));
    for (root, things) in roots.iter_mut().zip(firsts) {
        for thing in things {
            if let Thing::TrustedAccess(p) = &thing {
                root.trusted_access.push(p.clone());
            }
            root.creates.push(thing);
        }
    }
    roots
}

/// What each root creates and uses: the remote states it reads (as its
/// templates do), the accounts it works in, the roles the pipeline names,
/// and trusted access for the services it administers for the organization.
fn declare(lz: &LandingZone, roots: &mut [TerraformRoot]) {
    let names = &lz.names;
    let pipeline_targets = lz.pipeline_accounts();
    for root in roots.iter_mut() {
        let mut creates = vec![state(&root.name)];
        let mut uses = Vec::new();
        if root.kind != "organization" {
            // Every member root's provider reads the account IDs from the
            // organization root's state (terraform/<root>/providers.tf).
            uses.push(state("organization"));
        }
        if root.account != MANAGEMENT {
            uses.push(Thing::Account(root.account.clone()));
        }
        match root.kind.as_str() {
            "organization" => creates.extend(
                lz.accounts
                    .iter()
                    .filter(|a| a.id.is_none())
                    .map(|a| Thing::Account(a.name.clone())),
            ),
            "organization-trail" => {
                uses.push(state("log-archive"));
                uses.push(Thing::TrustedAccess("cloudtrail.amazonaws.com".into()));
            }
            "baseline" => uses.push(state("log-archive")),
            "security" => {
                uses.push(state("log-archive"));
                // The root registers its delegated administrators itself.
                uses.extend(
                    lz.organization_services(true)
                        .into_iter()
                        .map(|(p, _)| Thing::TrustedAccess(p.into())),
                );
            }
            "tooling" => {
                uses.push(state("artifact"));
                uses.extend(
                    pipeline_targets
                        .iter()
                        .map(|a| Thing::Role(a.clone(), names.deploy_role.clone())),
                );
            }
            "workload" => {
                uses.push(state("artifact"));
                creates.push(Thing::Role(root.account.clone(), names.deploy_role.clone()));
            }
            _ => {}
        }
        root.creates = creates;
        root.uses = uses;
    }
}
