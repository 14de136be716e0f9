//! The validated landing zone: what it is in AWS terms (organization, OUs,
//! accounts and their roles, regions, CIDRs, the pipeline and its strategy,
//! guardrails), never how it is laid out in files. Every derived value
//! (names, CIDRs, stages) is computed here once; how the zone is deployed
//! (stacks, Terraform roots, template paths, parameter names, state keys) is
//! `infra`'s, and blueprints only place values, they never compute them.

pub mod cidr;
pub mod defaults;
mod derive;
pub mod ident;
pub mod regions;
mod role;
pub mod schema;
mod strategy;
mod validate;

pub use role::{Holders, Role, RoleHolders};
pub use strategy::Strategy;

pub use validate::{
    CACHES, CONTAINER_PORT, INTERVAL_MINUTES, RUNTIMES, SCANS, SCP_KINDS, STATE_LOCKING,
    TRAFFIC_PERCENT, build, limits,
};

use serde::Serialize;

/// A landing zone that passed validation. Every later step trusts it.
#[derive(Debug, Clone, Serialize)]
pub struct LandingZone {
    pub organization: Organization,
    /// The OU tree, flattened in tree order (a parent before its children).
    pub ous: Vec<OrganizationalUnit>,
    pub accounts: Vec<Account>,
    /// Each account's position in `accounts` by name, so that a lookup per
    /// stack or root keeps the derivation linear in the number of accounts.
    #[serde(skip)]
    pub account_index: std::collections::HashMap<String, usize>,
    /// The accounts `lzgen.yaml` adopts by ID (invited, not created): they
    /// need OrganizationAccountAccessRole made by hand once.
    pub adopted_accounts: Vec<String>,
    pub holders: RoleHolders,
    pub pipeline: Pipeline,
    pub guardrails: Vec<ServiceControlPolicy>,
    /// The roles that may change resources in production accounts under
    /// `deny-manual-prod-changes`: the pipeline's, the application's own, and
    /// the governance roles (Config, remediation, drift reading).
    pub prod_change_roles: Vec<String>,
    /// The AWS Organizations quotas the guardrails are checked against.
    pub guardrail_quotas: GuardrailQuotas,
    pub security: Security,
    pub logging: Logging,
    pub notifications: Notifications,
    pub terraform: Terraform,
    pub names: Names,
}

/// The name that stands for the organization's management account wherever
/// an account is named; no member account may take it.
pub const MANAGEMENT: &str = "management";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Iac {
    Cloudformation,
    Terraform,
    Both,
}

impl Iac {
    pub const NAMES: &'static [&'static str] = &["cloudformation", "terraform", "both"];

    pub fn cloudformation(self) -> bool {
        matches!(self, Iac::Cloudformation | Iac::Both)
    }

    pub fn terraform(self) -> bool {
        matches!(self, Iac::Terraform | Iac::Both)
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Organization {
    pub name: String,
    pub management_account_id: Option<String>,
    pub home_region: String,
    pub regions: Vec<String>,
    /// The regions other than the home region.
    pub other_regions: Vec<String>,
    pub partition: String,
    /// Where the AWS Organizations API, and the organization stack, live.
    pub organizations_region: String,
    pub iac: Iac,
}

#[derive(Debug, Clone, Serialize)]
pub struct OrganizationalUnit {
    pub name: String,
    /// Path from the root, `/`-separated: `Workloads/Prod`.
    pub path: String,
    /// CloudFormation logical ID: `OuWorkloadsProd`.
    pub logical_id: String,
    /// The parent's logical ID; `None` under the root.
    pub parent: Option<String>,
    pub depth: usize,
    /// Names of the accounts placed directly in this OU, in file order.
    pub accounts: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Account {
    pub name: String,
    /// CloudFormation logical ID stem: `LogArchive`.
    pub logical_id: String,
    pub roles: Vec<Role>,
    pub email: Option<String>,
    /// Set for an existing account, which is adopted rather than created.
    pub id: Option<String>,
    pub ou: String,
    pub ou_logical_id: String,
    pub approval: bool,
    pub workload: bool,
    /// A workload account's VPC in each region, in `organization.regions` order.
    pub vpcs: Vec<Vpc>,
    /// One line on what this account is for, for the generated README.
    pub purpose: String,
    /// For an account that is created: the account created just before it
    /// (its logical ID stem), which it waits for. AWS Organizations refuses concurrent
    /// account creations from one template (`AWS::Organizations::Account`
    /// reference), so creations are chained in file order.
    pub created_after: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Vpc {
    pub region: String,
    pub cidr: String,
    pub public_subnets: Vec<String>,
    pub private_subnets: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SourceProvider {
    Codeconnections,
    Codecommit,
    S3,
}

impl SourceProvider {
    pub const NAMES: &'static [&'static str] = &["codeconnections", "codecommit", "s3"];
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Compute {
    Ecs,
    Lambda,
    Ec2,
}

impl Compute {
    pub const NAMES: &'static [&'static str] = &["ecs", "lambda", "ec2"];
    const ALL: [Compute; 3] = [Compute::Ecs, Compute::Lambda, Compute::Ec2];

    /// The compute an answer names (`NAMES`), if any.
    pub fn parse(name: &str) -> Option<Compute> {
        Self::NAMES
            .iter()
            .position(|n| *n == name)
            .map(|i| Self::ALL[i])
    }

    /// The names of the strategies this compute offers, the default first
    /// (`Strategy::offered`).
    pub fn strategies(self) -> Vec<&'static str> {
        Strategy::offered(self).iter().map(|s| s.name()).collect()
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Pipeline {
    pub application: String,
    pub source: Source,
    pub build: Build,
    pub deploy: Deploy,
    pub rollback: Rollback,
    pub stages: Vec<Stage>,
    /// CodePipeline stages in all: source, build, approvals and waves.
    pub stage_count: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct Source {
    pub provider: SourceProvider,
    pub repository: String,
    pub branch: String,
    /// For an S3 source: the bucket and the object key of `repository`.
    pub bucket: Option<String>,
    pub object_key: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Build {
    pub runtime: String,
    pub security_scans: Vec<String>,
    pub cache: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Deploy {
    pub compute: Compute,
    pub strategy: Strategy,
    /// `Strategy::updates_in_place`, for the blueprints.
    pub in_place: bool,
    /// `Strategy::replaces_the_fleet`, for the blueprints.
    pub replaces_fleet: bool,
    pub traffic_percent: Option<u32>,
    pub interval_minutes: Option<u32>,
    pub container_port: Option<u32>,
    pub health_check_path: String,
    /// The CodeDeploy deployment configuration: a predefined one, or the
    /// custom one the workload stacks create for canary and linear.
    pub deployment_config: DeploymentConfig,
    /// The load balancer's test listener, used by blue/green deployments to
    /// try the new version before it takes production traffic.
    pub test_listener_port: u32,
}

#[derive(Debug, Clone, Serialize)]
pub struct Rollback {
    #[serde(serialize_with = "whole_as_integer")]
    pub http_5xx_percent: f64,
    pub latency_ms: u32,
    /// The CloudWatch alarms on one deployment group.
    pub alarms: Vec<Alarm>,
    /// `latency_ms` in seconds, as the load balancer's metric reports it.
    pub latency_seconds: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct DeploymentConfig {
    /// The name the deployment group refers to.
    pub name: String,
    /// Whether the workload stacks create it (canary and linear) or AWS
    /// predefines it.
    pub custom: bool,
    /// `TimeBasedCanary` or `TimeBasedLinear` for a custom one.
    pub traffic_routing: Option<String>,
    /// How traffic moves, in one sentence, for the README.
    pub sentence: String,
}

/// An alarm that stops and rolls back a deployment.
#[derive(Debug, Clone, Serialize)]
pub struct Alarm {
    pub name: String,
    pub logical_id: String,
    /// `5xx` or `latency`.
    pub kind: String,
    /// The target group it watches: `Blue` or `Green`.
    pub target_group: String,
}

/// One entry of `pipeline.stages`: accounts that receive a release together.
#[derive(Debug, Clone, Serialize)]
pub struct Stage {
    pub name: String,
    pub accounts: Vec<String>,
    pub approval: bool,
    /// Deploy actions in groups of at most 50, run one after another.
    pub waves: Vec<Wave>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Wave {
    pub name: String,
    pub actions: Vec<DeployAction>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DeployAction {
    pub account: String,
    pub region: String,
    /// The CodePipeline action name: `dev-us-east-1`.
    pub name: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ServiceControlPolicy {
    /// The guardrail's key in `guardrails.scps`: `deny-root-user`.
    pub kind: String,
    pub name: String,
    pub logical_id: String,
    pub description: String,
    /// Logical IDs of the OUs it is attached to.
    pub targets: Vec<String>,
    /// Paths of those OUs, for people.
    pub target_paths: Vec<String>,
}

#[derive(Debug, Clone, Copy, Serialize)]
pub struct GuardrailQuotas {
    /// SCPs attached to one root, OU or account, FullAWSAccess included.
    pub scps_per_target: usize,
    /// Characters in one SCP document, white space included.
    pub policy_characters: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct Security {
    pub guardduty: bool,
    pub access_analyzer: bool,
    pub config_rules: bool,
    pub security_hub: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct Logging {
    pub organization_trail: bool,
    pub cloudwatch_logs_to_s3: bool,
    pub retention_days: u32,
    /// `retention_days` rounded up to a period CloudWatch Logs offers.
    pub cloudwatch_retention_days: u32,
}

#[derive(Debug, Clone, Serialize)]
pub struct Notifications {
    pub email: Option<String>,
    pub slack_team_id: Option<String>,
    pub slack_channel_id: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Terraform {
    pub state_locking: String,
}

/// Resource names derived from the answers; their lengths are checked
/// against AWS limits during validation.
#[derive(Debug, Clone, Serialize)]
pub struct Names {
    /// Bucket names are `<prefix>-<account id>-<region>`.
    pub artifact_bucket_prefix: String,
    pub artifact_access_log_bucket_prefix: String,
    pub log_bucket_prefix: String,
    pub log_access_log_bucket_prefix: String,
    /// The management account's template buckets, where templates over
    /// CloudFormation's inline size are uploaded (`StackKind::Templates`).
    pub template_bucket_prefix: String,
    pub template_access_log_bucket_prefix: String,
    pub template_key_alias: String,
    pub artifact_key_alias: String,
    pub log_key_alias: String,
    pub ecr_repository: String,
    pub trail: String,
    pub pipeline: String,
    pub pipeline_role: String,
    pub build_role: String,
    pub build_project: String,
    pub deploy_role: String,
    pub cfn_exec_role: String,
    pub task_role: String,
    pub task_execution_role: String,
    pub codedeploy_role: String,
    pub codedeploy_application: String,
    /// Lambda: the function, its alias, the hook CodeDeploy calls, their
    /// roles, and the tooling account's project that starts deployments.
    pub function: String,
    pub alias: String,
    pub hook_function: String,
    pub function_role: String,
    pub hook_role: String,
    /// The CodeConnections connection to the git host (at most 32
    /// characters, AWS::CodeConnections::Connection) and the host it is for.
    pub connection: String,
    pub connection_provider: String,
    /// The IAM path of the workload accounts' per-region service roles (flow
    /// logs, alarm forwarding): `/acme-app/`. Their names are generated, one
    /// per region, and the prod guardrail exempts them by this path.
    pub service_role_path: String,
    pub deployer_role: String,
    pub deployer_project: String,
    /// EC2: the instances' role (and instance profile) and their group.
    pub instance_role: String,
    pub auto_scaling_group: String,
    pub deployment_group: String,
    pub ecs_cluster: String,
    pub ecs_service: String,
    /// The application load balancer (at most 32 characters).
    pub load_balancer: String,
    /// The container in the task definition that runs the application.
    pub container: String,
    pub task_family: String,
    pub app_log_group: String,
    pub build_log_group: String,
    pub notifications_topic: String,
    pub notifications_key_alias: String,
    /// Parameter Store path and Secrets Manager prefix the build may read.
    pub build_parameters_path: String,
    pub build_secrets_prefix: String,
    /// Governance: AWS Config, drift detection, central logs, alerts.
    pub config_recorder_role: String,
    pub config_remediation_role: String,
    pub config_aggregator: String,
    pub config_aggregator_role: String,
    pub drift_reader_role: String,
    pub drift_function: String,
    pub drift_function_role: String,
    pub drift_topic: String,
    /// Where the deployment alarms of every workload account are announced.
    pub alarms_topic: String,
    pub security_topic: String,
    pub log_destination: String,
    pub log_stream: String,
    /// Regional roles: `<prefix>-<region>`.
    pub logs_to_firehose_role_prefix: String,
    pub firehose_role_prefix: String,
    pub chatbot_role: String,
    pub chatbot_configuration: String,
    /// Terraform state: `<prefix>-<account id>-<region>`, its key and lock table.
    pub state_bucket_prefix: String,
    pub state_key_alias: String,
    pub state_lock_table: String,
}

/// Writes 1.0 as 1, so that "1%" reads as people write it.
fn whole_as_integer<S: serde::Serializer>(value: &f64, serializer: S) -> Result<S::Ok, S::Error> {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        serializer.serialize_i64(*value as i64)
    } else {
        serializer.serialize_f64(*value)
    }
}

/// The account that holds the `security` role, if one does.
pub(crate) fn security_holder(lz: &LandingZone) -> Option<&Account> {
    lz.holders.security().and_then(|n| lz.account(n))
}

impl LandingZone {
    pub fn account(&self, name: &str) -> Option<&Account> {
        self.position(name).map(|i| &self.accounts[i])
    }

    /// The named account's place in `accounts`.
    pub fn position(&self, name: &str) -> Option<usize> {
        match self.account_index.get(name) {
            Some(&i) => Some(i).filter(|&i| self.accounts.get(i).is_some_and(|a| a.name == name)),
            // A zone built without the index (tests may build one by hand).
            None => self.accounts.iter().position(|a| a.name == name),
        }
    }

    /// The service principals the security services administer the
    /// organization through, each with whether it also takes a delegated
    /// administrator (the security account): Access Analyzer and the Config
    /// aggregator do; GuardDuty and Security Hub name their administrator
    /// through their own APIs. `with_config` says whether the unit holds the
    /// Config aggregator (the home region's).
    pub fn organization_services(&self, with_config: bool) -> Vec<(&'static str, bool)> {
        let s = &self.security;
        [
            (s.access_analyzer, "access-analyzer.amazonaws.com", true),
            (with_config && s.config_rules, "config.amazonaws.com", true),
            (s.guardduty, "guardduty.amazonaws.com", false),
            (s.security_hub, "securityhub.amazonaws.com", false),
        ]
        .into_iter()
        .filter(|(on, _, _)| *on)
        .map(|(_, principal, delegated)| (principal, delegated))
        .collect()
    }

    /// The accounts the pipeline deploys to, each once, in stage order.
    pub fn pipeline_accounts(&self) -> Vec<String> {
        let mut seen = std::collections::BTreeSet::new();
        self.pipeline
            .stages
            .iter()
            .flat_map(|stage| stage.accounts.iter())
            .filter(|account| seen.insert(account.as_str()))
            .cloned()
            .collect()
    }
}
