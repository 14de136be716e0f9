//! What each stack creates and uses, and the organization-level steps
//! (trusted access, delegated administrators) that must come before the
//! first stack needing them.

use super::{OrganizationStep, Stack, StackKind};
use crate::infra::layout::{self, AccountIds};
use crate::infra::order::{self, Thing};
use crate::model::{Account, LandingZone, MANAGEMENT};

/// What each stack creates and uses. The parameters say most of it (an
/// account's ID, another stack's output); the rest is what AWS checks when a
/// resource is created: a role another account's resource names, trusted
/// access for a service administered for the organization.
pub(super) fn declare(lz: &LandingZone, stacks: &mut [Stack]) {
    let by_env: std::collections::BTreeMap<String, &str> = lz
        .accounts
        .iter()
        .map(|a| (layout::id_env(&a.name), a.name.as_str()))
        .collect();
    let exported: std::collections::BTreeSet<String> = stacks
        .iter()
        .flat_map(|s| s.exports.iter().map(|e| e.placeholder.clone()))
        .collect();
    let pipeline_targets: Vec<String> = lz.pipeline_accounts();
    let names = &lz.names;
    for s in stacks.iter_mut() {
        let mut uses = Vec::new();
        if s.account != MANAGEMENT {
            uses.push(Thing::Account(s.account.clone()));
        }
        // A StackSet's instances go to accounts that must exist, from the
        // management account once trusted access for StackSets is on.
        if let Some(set) = &s.set {
            uses.extend(set.accounts.iter().map(|a| Thing::Account(a.clone())));
            uses.push(Thing::TrustedAccess(STACKSETS.into()));
        }
        // Deployed from its region's template bucket.
        if let Some(bucket) = &s.by_url {
            uses.push(Thing::Output(bucket.clone()));
        }
        for p in &s.parameters {
            if let Some(account) = &p.account {
                uses.push(Thing::Account(account.clone()));
            }
            for name in placeholders_in(&p.value) {
                if let Some(account) = by_env.get(name) {
                    uses.push(Thing::Account((*account).to_string()));
                } else if exported.contains(name) {
                    uses.push(Thing::Output(name.to_string()));
                }
            }
        }
        let mut creates: Vec<Thing> = s
            .exports
            .iter()
            .map(|e| Thing::Output(e.placeholder.clone()))
            .collect();
        match s.kind {
            StackKind::Organization | StackKind::OrganizationAccounts => creates.extend(
                s.creates_accounts
                    .iter()
                    .map(|a| Thing::Account(a.name.clone())),
            ),
            StackKind::OrganizationTrail => {
                uses.push(Thing::TrustedAccess("cloudtrail.amazonaws.com".into()));
            }
            StackKind::Security => {
                let services = lz.organization_services(s.home);
                uses.extend(
                    services
                        .iter()
                        .map(|(p, _)| Thing::TrustedAccess((*p).into())),
                );
                uses.extend(
                    services
                        .iter()
                        .filter(|(_, delegated)| *delegated)
                        .map(|(p, _)| Thing::DelegatedAdministrator((*p).into())),
                );
            }
            // The home region's baseline creates the recorder role that
            // the other regions' recorders name.
            StackKind::Baseline if lz.security.config_rules => {
                let home = &lz.organization.home_region;
                let home = match &s.set {
                    Some(set) => set.regions.contains(home),
                    None => s.home,
                };
                let roles = s
                    .accounts_reached()
                    .into_iter()
                    .map(|a| Thing::Role(a, names.config_recorder_role.clone()));
                if home {
                    creates.extend(roles);
                } else {
                    uses.extend(roles);
                }
            }
            StackKind::WorkloadRoles => {
                creates.extend(
                    s.accounts_reached()
                        .into_iter()
                        .map(|a| Thing::Role(a, names.deploy_role.clone())),
                );
            }
            // The targets run with the roles the roles StackSet creates.
            StackKind::WorkloadTarget => {
                if let Some(set) = &s.set {
                    uses.extend(
                        set.accounts
                            .iter()
                            .map(|a| Thing::Role(a.clone(), names.deploy_role.clone())),
                    );
                }
            }
            // CreatePipeline checks that the pipeline's role can assume each
            // cross-account action's role (CodePipeline User Guide, "Create a
            // pipeline that uses resources from another AWS account"), so
            // those roles must exist first.
            StackKind::Tooling => uses.extend(
                pipeline_targets
                    .iter()
                    .map(|a| Thing::Role(a.clone(), names.deploy_role.clone())),
            ),
            _ => {}
        }
        uses.sort();
        uses.dedup();
        s.uses = uses;
        s.creates = creates;
    }
}

/// The service principal of CloudFormation StackSets in AWS Organizations.
pub const STACKSETS: &str = "member.org.stacksets.cloudformation.amazonaws.com";

/// The `NAME`s of every `${NAME}` in a value.
fn placeholders_in(value: &str) -> impl Iterator<Item = &str> {
    value
        .split("${")
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
}

/// Gives the first stack that needs trusted access or a delegated
/// administrator the steps that provide them.
pub(super) fn add_organization_steps(stacks: &mut [Stack], security: &Account) {
    let firsts = order::first_uses(stacks, |t| {
        matches!(
            t,
            Thing::TrustedAccess(_) | Thing::DelegatedAdministrator(_)
        )
    });
    for (s, things) in stacks.iter_mut().zip(firsts) {
        for thing in things {
            let service = |p: &str| crate::infra::preconditions::service_name(p);
            let step = match &thing {
                Thing::DelegatedAdministrator(p) => OrganizationStep {
                    command: "register-delegated-administrator",
                    principal: p.clone(),
                    account_id_value: Some(AccountIds::of(security).id_value),
                    description: format!(
                        "make the {} account the {} administrator",
                        security.name,
                        service(p)
                    ),
                },
                // StackSets' own call, which also creates the roles it deploys
                // with in the member accounts (API Reference,
                // `ActivateOrganizationsAccess`).
                Thing::TrustedAccess(p) if p == STACKSETS => OrganizationStep {
                    command: "activate-organizations-access",
                    principal: p.clone(),
                    account_id_value: None,
                    description: "activate trusted access for CloudFormation StackSets".into(),
                },
                Thing::TrustedAccess(p) => OrganizationStep {
                    command: "enable-aws-service-access",
                    principal: p.clone(),
                    account_id_value: None,
                    description: format!("enable trusted access for {}", service(p)),
                },
                _ => continue,
            };
            s.before.push(step);
            s.creates.push(thing);
        }
    }
}
