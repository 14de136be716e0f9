//! The CloudFormation stacks of a landing zone, with the parameters each one
//! takes. Values known at generation time are written in; the rest are
//! `${PLACEHOLDER}`s that the deploy script fills in from the organization and
//! from earlier stacks' outputs.
//!
//! Each stack declares what it creates and what it uses; the deploy order is
//! derived from those declarations (`infra::order`), and so are the
//! organization-level steps that must run before a stack
//! (`infra::preconditions`).

mod declare;
mod derive;
mod kinds;
mod placeholders;

pub use derive::ACCOUNTS_PER_LIST;
pub use derive::{BASELINE_TEMPLATE, derive, template_bucket_placeholder};
pub use kinds::StackKind;

use crate::infra::order::{Thing, Unit};
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct Stack {
    pub kind: StackKind,
    pub name: String,
    /// `cloudformation/artifact/artifact-us-east-1.yaml`
    pub template: String,
    /// `cloudformation/artifact/artifact-us-east-1.parameters.json`
    pub parameters_file: String,
    /// The account it is deployed in: an account name, or `management`.
    pub account: String,
    /// That account's ID, or the placeholder that stands for it.
    pub account_id_value: String,
    pub region: String,
    /// Whether `region` is the home region.
    pub home: bool,
    pub description: String,
    pub parameters: Vec<Parameter>,
    /// Outputs that later stacks take, and the placeholder each one fills.
    pub exports: Vec<Export>,
    /// For a workload account's stacks: that account's name.
    pub workload: Option<String>,
    /// Whether it is the first, or the last, stack of its kind in the
    /// deploy order (deploy.sh runs organization-wide steps around them).
    pub first_of_kind: bool,
    pub last_of_kind: bool,
    /// What it creates that other stacks need, and what it needs.
    pub creates: Vec<Thing>,
    pub uses: Vec<Thing>,
    /// Organization-level steps that must run right before it: the first
    /// stack needing trusted access or a delegated administrator gets them.
    pub before: Vec<OrganizationStep>,
    /// For a template over CloudFormation's inline size: the variable that
    /// holds the name of its region's template bucket, which `deploy.sh`
    /// uploads it to and deploys it from (`--template-url`).
    pub by_url: Option<String>,
    /// For a unit deployed as a StackSet rather than as one stack: where its
    /// instances go. `account` is then the management account, which
    /// administers every StackSet, and `region` the home region, where the
    /// StackSet itself lives.
    pub set: Option<StackSetTargets>,
    /// For an organization stack: the accounts it creates, in order.
    pub creates_accounts: Vec<CreatedAccount>,
    /// Whether `deploy.sh` looks the accounts' IDs up right after this
    /// stack: the last of the stacks that create accounts.
    pub account_ids_after: bool,
    /// The parameters that each carry a part of a list of account IDs,
    /// `ACCOUNTS_PER_LIST` at most: the governance stack's (the accounts the
    /// drift function checks) and, past one parameter an account, the
    /// pipeline's (the accounts it deploys to, in `pipeline_accounts` order).
    pub account_lists: Vec<String>,
}

/// An account an organization stack creates.
#[derive(Debug, Clone, Serialize)]
pub struct CreatedAccount {
    pub name: String,
    pub logical_id: String,
    pub roles: String,
    pub email: String,
    /// Its OU's logical ID (a resource of the organization stack, or a
    /// parameter of an accounts stack).
    pub ou_logical_id: String,
    /// The account created just before it in the same stack, which it
    /// waits for (`DependsOn`); the first of an accounts stack waits for
    /// the stack before it instead.
    pub after: Option<String>,
}

/// Where a service-managed StackSet's instances go. AWS creates them in
/// every account of the target OUs (and, with automatic deployment, in each
/// account that joins those OUs later), never in the management account
/// (CloudFormation User Guide, "Create a stack set with service-managed
/// permissions"; API Reference, `DeploymentTargets`).
#[derive(Debug, Clone, Serialize)]
pub struct StackSetTargets {
    /// Its regions, in the order an operation reaches them: the home region
    /// first, where the IAM roles are created.
    pub regions: Vec<String>,
    /// The OUs targeted, by path (`Workloads/Prod`); none inside another.
    pub ous: Vec<String>,
    /// The landing zone's accounts in those OUs that must get no instance
    /// (their IDs or placeholders): `AccountFilterType` `DIFFERENCE`.
    pub excluded: Vec<String>,
    /// The landing zone's accounts that get an instance, by name.
    pub accounts: Vec<String>,
    /// Another StackSet whose automatic deployment to a new account must
    /// finish before this one's starts (`AutoDeployment.DependsOn`).
    pub after: Option<String>,
    /// Whether an account that joins the OUs later gets its instances by
    /// itself. Off where each account needs values of its own.
    pub auto_deployment: bool,
    /// Where each account needs values of its own (its VPC blocks): one
    /// entry per account, which gets its instances by a call of its own
    /// with those values as parameter overrides. Empty otherwise: every
    /// account of the OUs gets the same instances.
    pub instances: Vec<AccountInstance>,
    /// For a template that takes its VPC and subnet blocks as the list
    /// `Networks`: where each region's blocks sit in that list.
    pub networks: Vec<NetworkSlots>,
}

/// One account's instances of a StackSet whose values differ per account.
#[derive(Debug, Clone, Serialize)]
pub struct AccountInstance {
    pub account: String,
    /// Its ID, or the placeholder that stands for it.
    pub account_id_value: String,
    /// Its OU, by path: a create call names the OU and the account.
    pub ou: String,
    /// The `Networks` override: per region, in `regions` order, the VPC
    /// block, then the two public and the two private subnets.
    pub networks: String,
}

/// Where one region's blocks sit in `Networks` (a template mapping).
#[derive(Debug, Clone, Serialize)]
pub struct NetworkSlots {
    pub region: String,
    pub vpc: usize,
    pub public1: usize,
    pub public2: usize,
    pub private1: usize,
    pub private2: usize,
}

impl Stack {
    /// The accounts its resources are created in: a StackSet's accounts,
    /// or the one account of a stack.
    pub fn accounts_reached(&self) -> Vec<String> {
        match &self.set {
            Some(set) => set.accounts.clone(),
            None => vec![self.account.clone()],
        }
    }
}

impl Unit for Stack {
    fn id(&self) -> &str {
        &self.name
    }
    fn creates(&self) -> &[Thing] {
        &self.creates
    }
    fn uses(&self) -> &[Thing] {
        &self.uses
    }
}

/// A call to AWS Organizations that CloudFormation has no resource for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OrganizationStep {
    /// `enable-aws-service-access` or `register-delegated-administrator`.
    pub command: &'static str,
    pub principal: String,
    /// For a delegated administrator: the account's ID (or its placeholder).
    pub account_id_value: Option<String>,
    /// What it does, for people: "enable trusted access for CloudTrail".
    pub description: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Export {
    pub output: String,
    pub placeholder: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Parameter {
    pub key: String,
    pub value: String,
    /// For an account ID: that account's name (templates declare these
    /// parameters from this list).
    pub account: Option<String>,
}

/// A value known only after something is deployed.
#[derive(Debug, Clone, Serialize)]
pub struct Placeholder {
    pub name: String,
    pub description: String,
    /// The AWS CLI command that prints it, when one does.
    pub command: Option<String>,
    /// Otherwise the stack output that holds it.
    pub output: Option<StackOutput>,
    /// Otherwise, what to do to get it.
    pub note: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct StackOutput {
    pub stack: String,
    pub key: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{Answers, PRESETS};

    fn standard() -> Answers {
        let preset = PRESETS
            .iter()
            .find(|p| p.name == "standard")
            .expect("standard");
        serde_yaml::from_str(preset.yaml).expect("answers")
    }

    fn accounts(a: &mut Answers) -> &mut Vec<crate::config::AccountAnswer> {
        a.accounts.as_mut().expect("accounts")
    }

    #[test]
    fn every_preset_has_stacks() {
        for p in PRESETS {
            let answers: Answers = serde_yaml::from_str(p.yaml).expect("answers");
            let (zone, _) = crate::model::build(&answers).expect("valid");
            assert!(
                !derive(&zone, &Default::default()).0.is_empty(),
                "{}",
                p.name
            );
        }
    }

    #[test]
    fn a_stack_set_targets_the_outermost_ous_and_leaves_out_other_accounts_there() {
        let mut a = standard();
        // The tooling account joins dev's OU; prod moves up to its parent.
        for account in accounts(&mut a) {
            match account.name.as_deref() {
                Some("tooling") => account.ou = Some("Workloads/NonProd".into()),
                Some("prod") => account.ou = Some("Workloads".into()),
                _ => {}
            }
        }
        let (zone, _) = crate::model::build(&a).expect("valid");
        let stacks = derive(&zone, &Default::default()).0;
        let set = |name: &str| {
            stacks
                .iter()
                .find(|s| s.name == name)
                .and_then(|s| s.set.clone())
                .unwrap_or_else(|| panic!("{name}"))
        };
        let roles = set("acme-workload-roles");
        // Targeting Workloads reaches Workloads/NonProd too.
        assert_eq!(roles.ous, ["Workloads"]);
        assert_eq!(roles.accounts, ["dev", "prod"]);
        // The tooling account there gets no deployment role.
        assert_eq!(roles.excluded, ["${ACCOUNT_ID_TOOLING}"]);
        assert_eq!(roles.regions, ["us-east-1"]);
        let baseline = set("acme-baseline");
        assert_eq!(baseline.ous, ["Deployment", "Security", "Workloads"]);
        assert!(baseline.excluded.is_empty());
        assert_eq!(baseline.accounts.len(), 6);
        // The management account, which no StackSet reaches, has its own stack.
        assert!(
            stacks
                .iter()
                .any(|s| s.name == "acme-baseline-management-us-east-1" && s.set.is_none())
        );
    }

    /// Beyond 400 accounts to create, the organization stack keeps the OUs
    /// and guardrails, and the accounts go 400 a stack to stacks that take
    /// their OUs' IDs from it, each account after the one before it, and
    /// deploy.sh looks the IDs up after the last of them.
    #[test]
    fn the_accounts_beyond_one_stacks_share_go_to_stacks_of_their_own() {
        let mut a = standard();
        let template = accounts(&mut a)[5].clone();
        for i in 0..844 {
            let mut w = template.clone();
            w.name = Some(format!("w{i:03}"));
            w.email = Some(format!("aws+w{i:03}@example.org"));
            w.ou = Some(
                if i % 2 == 0 {
                    "Workloads/Prod"
                } else {
                    "Workloads/NonProd"
                }
                .into(),
            );
            w.cidr = None;
            accounts(&mut a).push(w);
        }
        // The application still deploys to dev and prod only.
        a.pipeline.as_mut().expect("pipeline").stages = Some(vec![
            crate::config::StageAnswer::One("dev".into()),
            crate::config::StageAnswer::One("prod".into()),
        ]);
        // 850 accounts to create: 400, 400 and 50.
        let (zone, _) = crate::model::build(&a).expect("valid");
        let stacks = derive(&zone, &Default::default()).0;
        let organization = &stacks[0];
        assert_eq!(organization.name, "acme-organization");
        assert!(organization.creates_accounts.is_empty());
        assert!(!organization.account_ids_after);
        let parts: Vec<&Stack> = stacks
            .iter()
            .filter(|s| s.kind == StackKind::OrganizationAccounts)
            .collect();
        let names: Vec<&str> = parts.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "acme-organization-accounts-1",
                "acme-organization-accounts-2",
                "acme-organization-accounts-3"
            ]
        );
        let sizes: Vec<usize> = parts.iter().map(|s| s.creates_accounts.len()).collect();
        assert_eq!(sizes, [400, 400, 50]);
        assert_eq!(
            parts
                .iter()
                .map(|s| s.account_ids_after)
                .collect::<Vec<_>>(),
            [false, false, true]
        );
        // Right after the organization stack, in order, each account after
        // the one before it in its own stack only.
        let at = |name: &str| stacks.iter().position(|s| s.name == name).expect("stack");
        assert_eq!(at(names[0]), 1);
        assert!(at(names[0]) < at(names[1]) && at(names[1]) < at(names[2]));
        for part in &parts {
            assert!(part.creates_accounts[0].after.is_none());
            for pair in part.creates_accounts.windows(2) {
                assert_eq!(pair[1].after.as_deref(), Some(pair[0].logical_id.as_str()));
            }
        }
        // Every account created exactly once.
        let created: std::collections::BTreeSet<&str> = parts
            .iter()
            .flat_map(|s| s.creates_accounts.iter().map(|c| c.name.as_str()))
            .collect();
        assert_eq!(created.len(), 850);
        // The OUs' IDs: outputs of the organization stack, parameters of the
        // accounts stacks.
        let exported: Vec<&str> = organization
            .exports
            .iter()
            .map(|e| e.placeholder.as_str())
            .collect();
        assert!(exported.contains(&"OU_ID_OUWORKLOADSPROD"), "{exported:?}");
        let last_params: Vec<(&str, &str)> = parts[2]
            .parameters
            .iter()
            .map(|p| (p.key.as_str(), p.value.as_str()))
            .collect();
        assert_eq!(
            last_params,
            [
                ("OuWorkloadsNonProd", "${OU_ID_OUWORKLOADSNONPROD}"),
                ("OuWorkloadsProd", "${OU_ID_OUWORKLOADSPROD}")
            ]
        );
    }

    #[test]
    fn govcloud_deploys_the_organization_in_its_own_organizations_region() {
        let mut a = standard();
        let org = a.organization.as_mut().expect("organization");
        org.home_region = Some("us-gov-east-1".into());
        org.regions = None;
        let (zone, _) = crate::model::build(&a).expect("valid");
        assert_eq!(
            derive(&zone, &Default::default()).0[0].region,
            "us-gov-west-1"
        );
    }

    #[test]
    fn known_ids_flow_into_parameters_and_others_are_placeholders() {
        let mut a = standard();
        accounts(&mut a)[5].id = Some("222222222222".into());
        accounts(&mut a)[5].email = None;
        let (zone, _) = crate::model::build(&a).expect("valid");
        let stacks = derive(&zone, &Default::default()).0;
        // The pipeline names each workload account's deployment role.
        let tooling = stacks
            .iter()
            .find(|s| s.kind == StackKind::Tooling)
            .expect("tooling");
        let value = |k: &str| {
            tooling
                .parameters
                .iter()
                .find(|p| p.key == k)
                .map(|p| p.value.clone())
        };
        assert_eq!(value("ProdAccountId").as_deref(), Some("222222222222"));
        assert_eq!(value("DevAccountId").as_deref(), Some("${ACCOUNT_ID_DEV}"));
        assert_eq!(
            value("ArtifactAccountId").as_deref(),
            Some("${ACCOUNT_ID_ARTIFACT}")
        );
    }
}
