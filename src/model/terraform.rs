//! The Terraform flavour's root modules: one per account role (and one for
//! the organization), each with its own state in the bootstrap bucket, in
//! the order they are applied.

use super::{LandingZone, stacks::MANAGEMENT};
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct TerraformRoot {
    /// `organization`, `log-archive`, `security`, `artifact`, `tooling`, or
    /// the workload account's name.
    pub name: String,
    /// What it holds: `organization`, `organization-trail`, `baseline`,
    /// `log-archive`, `security`, `artifact`, `tooling` or `workload`.
    pub kind: String,
    /// `terraform/organization`, `terraform/workloads/dev`.
    pub folder: String,
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
}

pub(super) fn derive(lz: &LandingZone) -> Vec<TerraformRoot> {
    let org = &lz.organization;
    let mut roots = Vec::new();
    let mut push =
        |kind: &str, name: &str, folder: &str, account: &str, region: &str, description: &str| {
            let found = lz.account(account);
            let depth = folder.matches('/').count();
            roots.push(TerraformRoot {
                kind: kind.to_string(),
                name: name.to_string(),
                folder: format!("terraform/{folder}"),
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
        &lz.holders.log_archive,
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
            &format!("baseline/{account}"),
            account,
            &org.home_region,
            "the account's baseline: AWS Config, its rules and their remediation, in every region",
        );
    }
    let security = lz
        .holders
        .security
        .clone()
        .unwrap_or_else(|| lz.holders.log_archive.clone());
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
        &lz.holders.artifact,
        &org.home_region,
        "the artifact buckets and keys, one per region, and the image repository",
    );
    push(
        "tooling",
        "tooling",
        "tooling",
        &lz.holders.tooling,
        &org.home_region,
        "the pipeline, its build, and the notifications about failures, approvals and alarms",
    );
    for workload in lz.accounts.iter().filter(|a| a.workload) {
        push(
            "workload",
            &workload.name,
            &format!("workloads/{}", workload.name),
            &workload.name,
            &org.home_region,
            "the deployment roles and the application's network and compute, in every region",
        );
    }
    roots
}
