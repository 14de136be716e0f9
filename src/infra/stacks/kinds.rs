//! Each kind of stack, and how a landing zone's stacks of that kind are
//! derived: one function per kind. A new kind (for a new account role, say)
//! is a variant here, its place in `StackKind::ALL`, and its function.

use super::derive::{
    BASELINE_TEMPLATE, Derivation, account_param, dedup, id_lists, join_words, param,
};
use super::{AccountInstance, CreatedAccount, Export, NetworkSlots};
use crate::infra::layout::{AccountIds, key_placeholder, placeholder};
use crate::model::{Account, Compute, MANAGEMENT, SourceProvider};
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum StackKind {
    /// The management account, per region where a template is deployed
    /// from S3: the bucket templates over CloudFormation's inline size are
    /// uploaded to. Only landing zones with such a template have one.
    Templates,
    Organization,
    /// The management account: accounts beyond what one organization
    /// stack may hold, `ACCOUNTS_PER_STACK` a stack.
    OrganizationAccounts,
    LogArchive,
    OrganizationTrail,
    Artifact,
    Tooling,
    WorkloadRoles,
    WorkloadTarget,
    /// Every account and region: AWS Config and the drift-reading role.
    Baseline,
    /// The log-archive account, per region: where CloudWatch Logs arrive.
    LogDestination,
    /// The security account, per region: GuardDuty, Access Analyzer,
    /// Security Hub, the Config aggregator.
    Security,
    /// The tooling account: drift detection and ChatOps.
    Governance,
}

/// How many accounts one organization stack creates at most: CloudFormation
/// allows 500 resources in a template (`quotas::RESOURCES_PER_STACK`), and
/// the accounts stacks hold nothing else; 400 leaves room below it.
pub const ACCOUNTS_PER_STACK: usize = 400;

/// The variable deploy.sh keeps an OU's ID in: `OU_ID_OUWORKLOADSPROD`.
fn ou_placeholder(ou_logical_id: &str) -> String {
    format!("OU_ID_{}", ou_logical_id.to_uppercase())
}

/// The accounts one stack creates, each after the one before it there.
fn created_accounts(accounts: &[&Account]) -> Vec<CreatedAccount> {
    let mut previous: Option<String> = None;
    accounts
        .iter()
        .map(|a| CreatedAccount {
            name: a.name.clone(),
            logical_id: a.logical_id.clone(),
            roles: a
                .roles
                .iter()
                .map(|r| r.name())
                .collect::<Vec<_>>()
                .join(", "),
            email: a.email.clone().unwrap_or_default(),
            ou_logical_id: a.ou_logical_id.clone(),
            after: previous.replace(a.logical_id.clone()),
        })
        .collect()
}

impl StackKind {
    /// Every kind, in the order their stacks are listed before the deploy
    /// order is derived (which keeps this order where it can).
    pub const ALL: [StackKind; 13] = [
        StackKind::Templates,
        StackKind::Organization,
        StackKind::OrganizationAccounts,
        StackKind::LogArchive,
        StackKind::OrganizationTrail,
        StackKind::LogDestination,
        StackKind::Baseline,
        StackKind::Security,
        StackKind::Artifact,
        StackKind::Tooling,
        StackKind::Governance,
        StackKind::WorkloadRoles,
        StackKind::WorkloadTarget,
    ];

    /// The kind's name in the blueprint manifest: `workload-target`.
    pub fn name(self) -> String {
        serde_json::to_value(self)
            .ok()
            .and_then(|v| v.as_str().map(String::from))
            .unwrap_or_default()
    }
}

impl Derivation<'_> {
    /// Adds the stacks of `kind` this landing zone has (none when it does
    /// not use the kind).
    pub(super) fn derive_kind(&mut self, kind: StackKind) {
        let logging = &self.lz.logging;
        match kind {
            // Added once the others are known: `derive::template_buckets`.
            StackKind::Templates => {}
            // One pass makes the organization stack and its accounts stacks.
            StackKind::Organization => self.organization(),
            StackKind::OrganizationAccounts => {}
            StackKind::LogArchive => self.log_archive(),
            StackKind::OrganizationTrail if logging.organization_trail => self.organization_trail(),
            StackKind::LogDestination if logging.cloudwatch_logs_to_s3 => self.log_destinations(),
            StackKind::Baseline => self.baselines(),
            StackKind::Security => self.security(),
            StackKind::Artifact => self.artifacts(),
            StackKind::Tooling => self.tooling(),
            StackKind::Governance => self.governance(),
            // One pass makes each workload account's roles and targets.
            StackKind::WorkloadRoles => self.workloads(),
            StackKind::WorkloadTarget
            | StackKind::OrganizationTrail
            | StackKind::LogDestination => {}
        }
    }

    /// The OUs, the guardrails and the accounts lzgen creates. Beyond
    /// `ACCOUNTS_PER_STACK` accounts, the organization stack holds the OUs
    /// and guardrails only, and the accounts go to stacks of their own,
    /// `ACCOUNTS_PER_STACK` each, which take their OUs' IDs from it: one
    /// template may declare at most 500 resources (CloudFormation quotas).
    /// Each stack creates its accounts one after another (`DependsOn`), and
    /// deploy.sh deploys the stacks one after another, so AWS Organizations
    /// is never asked for two accounts at once.
    fn organization(&mut self) {
        let lz = self.lz;
        let org = &lz.organization;
        let created: Vec<&Account> = lz.accounts.iter().filter(|a| a.id.is_none()).collect();
        let mut s = self.stack_in(
            StackKind::Organization,
            ("organization", "organization"),
            "organization",
            None,
            &org.organizations_region,
        );
        s.parameters.push(param(
            "OrganizationRootId",
            placeholder("ORGANIZATION_ROOT_ID"),
        ));
        if created.len() <= ACCOUNTS_PER_STACK {
            s.description = "OUs, accounts and guardrail SCPs".into();
            s.creates_accounts = created_accounts(&created);
            s.account_ids_after = true;
            self.stacks.push(s);
            return;
        }
        s.description = "OUs and guardrail SCPs".into();
        // The OUs the accounts stacks place accounts in: outputs here.
        let ous: std::collections::BTreeSet<&str> =
            created.iter().map(|a| a.ou_logical_id.as_str()).collect();
        s.exports = ous
            .iter()
            .map(|ou| Export {
                output: format!("{ou}Id"),
                placeholder: ou_placeholder(ou),
            })
            .collect();
        self.stacks.push(s);
        let chunks: Vec<&[&Account]> = created.chunks(ACCOUNTS_PER_STACK).collect();
        let last = chunks.len();
        for (i, chunk) in chunks.into_iter().enumerate() {
            let n = i + 1;
            let mut a = self.stack_in(
                StackKind::OrganizationAccounts,
                ("organization", &format!("accounts-{n}")),
                &format!("organization-accounts-{n}"),
                None,
                &org.organizations_region,
            );
            a.description = format!(
                "accounts {} to {} of the {} lzgen creates",
                i * ACCOUNTS_PER_STACK + 1,
                i * ACCOUNTS_PER_STACK + chunk.len(),
                created.len()
            );
            let mut used: Vec<&str> = chunk.iter().map(|c| c.ou_logical_id.as_str()).collect();
            used.sort_unstable();
            used.dedup();
            a.parameters = used
                .iter()
                .map(|ou| param(ou, placeholder(&ou_placeholder(ou))))
                .collect();
            a.creates_accounts = created_accounts(chunk);
            a.account_ids_after = n == last;
            self.stacks.push(a);
        }
    }

    fn log_archive(&mut self) {
        let mut s = self.stack_in(
            StackKind::LogArchive,
            ("log-archive", "log-archive"),
            "log-archive",
            Some(self.log_archive),
            &self.lz.organization.home_region,
        );
        s.description = "central log bucket and its KMS key".into();
        s.exports = vec![
            Export {
                output: "LogBucketName".into(),
                placeholder: "LOG_ARCHIVE_BUCKET".into(),
            },
            Export {
                output: "LogKeyArn".into(),
                placeholder: "LOG_ARCHIVE_KEY_ARN".into(),
            },
        ];
        s.parameters = vec![
            param("ManagementAccountId", self.management_id.clone()),
            self.organization_id.clone(),
        ];
        if self.lz.security.guardduty {
            s.parameters.push(param(
                "SecurityAccountId",
                AccountIds::of(self.security).id_value,
            ));
        }
        self.stacks.push(s);
    }

    fn organization_trail(&mut self) {
        let mut s = self.stack_in(
            StackKind::OrganizationTrail,
            ("log-archive", "organization-trail"),
            "organization-trail",
            None,
            &self.lz.organization.home_region,
        );
        s.description = "the organization CloudTrail, writing to the log-archive bucket".into();
        s.parameters = self.log_params.clone();
        self.stacks.push(s);
    }

    /// Per region, where the log groups of the workload and tooling accounts
    /// send their logs. The sending accounts are admitted as members of the
    /// organization, not by ID: the template does not grow with them.
    fn log_destinations(&mut self) {
        for region in &self.lz.organization.regions {
            let mut s = self.stack_in(
                StackKind::LogDestination,
                ("log-archive", &format!("log-destination-{region}")),
                &format!("log-destination-{region}"),
                Some(self.log_archive),
                region,
            );
            s.description =
                "the CloudWatch Logs destination, and the Firehose stream that writes to the central bucket"
                    .into();
            let mut params = self.log_params.clone();
            params.push(self.organization_id.clone());
            s.parameters = params;
            self.stacks.push(s);
        }
    }

    /// Every account gets a baseline in the home region (the drift reader,
    /// Config's global resources) and, when AWS Config is on, in every other
    /// region. The management account, which a StackSet never reaches, gets
    /// plain stacks; the member accounts get StackSet instances, in every
    /// account of their OUs, new ones included (automatic deployment).
    /// With AWS Config in more than one region, the other regions are a
    /// StackSet of their own, after the home region's: their recorders name
    /// the role the home region's instance creates, and an operation's
    /// region order does not bind automatic deployments (API Reference,
    /// `StackSetOperationPreferences`: they "don't apply to AutoDeployment"),
    /// while `AutoDeployment.DependsOn` does.
    fn baselines(&mut self) {
        let lz = self.lz;
        let org = &lz.organization;
        let config = lz.security.config_rules;
        // The home region first: it holds the IAM roles the other regions use.
        let mut home_first = vec![&org.home_region];
        if config {
            home_first.extend(org.regions.iter().filter(|r| **r != org.home_region));
        }
        let description = if config {
            "AWS Config recorder, rules and remediation; the drift reader role"
        } else {
            "the drift reader role"
        };
        let mut params = Vec::new();
        if config {
            params.extend(self.log_params.iter().cloned());
        }
        params.push(account_param(self.tooling));
        for region in home_first.iter().copied() {
            let mut s = self.stack_in(
                StackKind::Baseline,
                ("baseline", &format!("{MANAGEMENT}-{region}")),
                &format!("baseline-{MANAGEMENT}-{region}"),
                None,
                region,
            );
            s.template = BASELINE_TEMPLATE.into();
            s.description = description.into();
            s.parameters = params.clone();
            self.stacks.push(s);
        }
        let members: Vec<&Account> = lz.accounts.iter().collect();
        let (home, others) = home_first.split_at(1);
        let mut sets = vec![("baseline", home.to_vec(), None)];
        if !others.is_empty() {
            let after = format!("{}-baseline", org.name);
            sets.push(("baseline-regions", others.to_vec(), Some(after)));
        }
        for (file, regions, after) in sets {
            let mut s = self.stack_in(
                StackKind::Baseline,
                ("baseline", file),
                file,
                None,
                &org.home_region,
            );
            s.template = BASELINE_TEMPLATE.into();
            s.description = description.into();
            s.parameters = params.clone();
            s.set = Some(self.targets(&members, regions, after));
            self.stacks.push(s);
        }
    }

    /// The security services, per region; the home region last, since its
    /// Slack channel subscribes to every region's findings topic.
    fn security(&mut self) {
        let org = &self.lz.organization;
        let sec = &self.lz.security;
        let services = sec.guardduty || sec.access_analyzer || sec.security_hub;
        let regions = org
            .regions
            .iter()
            .filter(|r| **r != org.home_region)
            .chain(std::iter::once(&org.home_region));
        for region in regions {
            let home = *region == org.home_region;
            if !(services || (home && sec.config_rules)) {
                continue;
            }
            let mut s = self.stack_in(
                StackKind::Security,
                ("security", &format!("security-{region}")),
                &format!("security-{region}"),
                Some(self.security),
                region,
            );
            let parts: Vec<&str> = [
                (sec.guardduty, "GuardDuty"),
                (sec.access_analyzer, "IAM Access Analyzer"),
                (sec.security_hub, "Security Hub"),
                (home && sec.config_rules, "the AWS Config aggregator"),
            ]
            .into_iter()
            .filter_map(|(on, part)| on.then_some(part))
            .collect();
            s.description = join_words(&parts);
            if sec.guardduty {
                s.parameters.extend(self.log_params.iter().cloned());
            }
            self.stacks.push(s);
        }
    }

    /// The artifact key and bucket in every region.
    fn artifacts(&mut self) {
        for region in &self.lz.organization.regions {
            let mut s = self.stack_in(
                StackKind::Artifact,
                ("artifact", &format!("artifact-{region}")),
                &format!("artifact-{region}"),
                Some(self.artifact),
                region,
            );
            s.description = if s.home {
                "KMS key, artifact bucket and ECR repository".into()
            } else {
                "KMS key and artifact bucket".into()
            };
            // The workload accounts are granted by role name within the
            // organization, not by ID: the template stays the same size
            // however many there are.
            s.parameters = vec![account_param(self.tooling), self.organization_id.clone()];
            s.exports.push(Export {
                output: "ArtifactKeyArn".into(),
                placeholder: key_placeholder(region),
            });
            self.stacks.push(s);
        }
    }

    fn tooling(&mut self) {
        let lz = self.lz;
        let mut s = self.stack_in(
            StackKind::Tooling,
            ("tooling", "pipeline"),
            "tooling",
            Some(self.tooling),
            &lz.organization.home_region,
        );
        s.description = "the pipeline, its build project, roles and notifications".into();
        // The accounts the pipeline deploys to (its actions name their roles,
        // the build writes a task definition for each): a parameter each
        // while they fit in the 200 a template may declare, else lists of
        // IDs (`PipelineAccountIds`, …) each action reads by position.
        let targets: Vec<&Account> = lz
            .pipeline_accounts()
            .iter()
            .filter_map(|name| lz.account(name))
            .collect();
        let build = |per_account: bool| {
            let mut params = vec![account_param(self.artifact)];
            let mut lists = Vec::new();
            if per_account {
                params.extend(targets.iter().copied().map(account_param));
            } else {
                let ids: Vec<String> = targets.iter().map(|a| AccountIds::of(a).id_value).collect();
                let more;
                (more, lists) = id_lists("PipelineAccountIds", &ids);
                params.extend(more);
            }
            params.extend(self.key_params.iter().cloned());
            if lz.pipeline.source.provider == SourceProvider::Codeconnections {
                // Empty unless the user brings a connection of their own: the
                // stack then creates one (pending until a person activates it).
                params.push(param(
                    "ConnectionArn",
                    "${CODECONNECTIONS_CONNECTION_ARN:-}".into(),
                ));
            }
            dedup(&mut params);
            if lz.logging.cloudwatch_logs_to_s3 {
                params.push(account_param(self.log_archive));
                dedup(&mut params);
            }
            (params, lists)
        };
        let (params, lists) = match build(true) {
            (params, _) if params.len() > crate::quotas::PARAMETERS_PER_STACK.value => build(false),
            fits => fits,
        };
        (s.parameters, s.account_lists) = (params, lists);
        // Only the Slack channel (in the governance stack) takes the topic.
        if lz.notifications.slack_team_id.is_some() {
            s.exports.push(Export {
                output: "NotificationsTopicArn".into(),
                placeholder: "PIPELINE_TOPIC_ARN".into(),
            });
        }
        self.stacks.push(s);
    }

    fn governance(&mut self) {
        let lz = self.lz;
        let slack = lz.notifications.slack_team_id.is_some();
        let mut s = self.stack_in(
            StackKind::Governance,
            ("tooling", "governance"),
            "governance",
            Some(self.tooling),
            &lz.organization.home_region,
        );
        s.description = if slack {
            "daily drift detection, and the Slack channel (AWS Chatbot)".into()
        } else {
            "daily drift detection and its notifications".into()
        };
        // Every account's ID, in lists of `ACCOUNTS_PER_LIST` (the drift
        // function's accounts): a parameter per account would reach the 200
        // parameters a template may declare, one parameter for all of them
        // the 4,096 bytes of its value. The function's code holds them, not
        // its environment, which Lambda caps at 4 KB in all.
        let ids: Vec<String> = std::iter::once(self.management_id.clone())
            .chain(lz.accounts.iter().map(|a| AccountIds::of(a).id_value))
            .collect();
        let (mut params, lists) = id_lists("AccountIds", &ids);
        s.account_lists = lists;
        params.push(self.organization_id.clone());
        if slack {
            params.push(param("PipelineTopicArn", placeholder("PIPELINE_TOPIC_ARN")));
        }
        dedup(&mut params);
        s.parameters = params;
        self.stacks.push(s);
    }

    /// Each workload account's roles (home region) and its deployment
    /// target in every region.
    fn workloads(&mut self) {
        let lz = self.lz;
        let compute = lz.pipeline.deploy.compute;
        // One StackSet gives every workload account the same roles.
        let workloads: Vec<&Account> = self.workload_accounts().collect();
        let mut roles = self.stack_in(
            StackKind::WorkloadRoles,
            ("workloads", "roles"),
            "workload-roles",
            None,
            &lz.organization.home_region,
        );
        roles.description = "the deployment role and the application's roles".into();
        let mut params = vec![account_param(self.tooling)];
        // A Lambda deployment uploads code directly; its roles read no artifacts.
        if compute != Compute::Lambda {
            params.push(account_param(self.artifact));
            params.extend(self.key_params.iter().cloned());
        }
        dedup(&mut params);
        roles.parameters = params;
        roles.set = Some(self.targets(&workloads, vec![&lz.organization.home_region], None));
        self.stacks.push(roles);
        // One StackSet gives every workload account its deployment target
        // in every region. Each account's VPC blocks differ, so each account
        // gets its instances by a call of its own, with its blocks as the
        // parameter override `Networks`; and an account that joins the OUs
        // gets none by itself (it has no blocks until lzgen.yaml gives it
        // some). Every compute has a VPC (a Lambda function runs in it too).
        let mut regions = vec![&lz.organization.home_region];
        regions.extend(
            lz.organization
                .regions
                .iter()
                .filter(|r| **r != lz.organization.home_region),
        );
        let mut target = self.stack_in(
            StackKind::WorkloadTarget,
            ("workloads", "target"),
            "workload-targets",
            None,
            &lz.organization.home_region,
        );
        target.description = match compute {
            Compute::Ecs => "VPC, load balancer, ECS service, CodeDeploy and its alarms",
            Compute::Ec2 => "VPC, load balancer, EC2 fleet, CodeDeploy and its alarms",
            Compute::Lambda => "VPC, the function, its alias, CodeDeploy and its alarms",
        }
        .into();
        if lz.logging.cloudwatch_logs_to_s3 && compute != Compute::Ec2 {
            target.parameters.push(account_param(self.log_archive));
        }
        // Deployment alarms are forwarded to the tooling account's bus
        // (unless the account is the tooling account: a template condition).
        target.parameters.push(account_param(self.tooling));
        dedup(&mut target.parameters);
        if compute != Compute::Lambda {
            target.parameters.push(param("DesiredCount", "2".into()));
        }
        if compute == Compute::Ec2 {
            target.parameters.push(param(
                "ImageId",
                "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64".into(),
            ));
        }
        // Each account's own blocks come as overrides; the StackSet's own
        // value is empty, which no instance can run with.
        target.parameters.push(param("Networks", String::new()));
        let mut set = self.targets(&workloads, regions.clone(), None);
        set.auto_deployment = false;
        set.networks = regions
            .iter()
            .enumerate()
            .map(|(i, region)| NetworkSlots {
                region: (*region).clone(),
                vpc: 5 * i,
                public1: 5 * i + 1,
                public2: 5 * i + 2,
                private1: 5 * i + 3,
                private2: 5 * i + 4,
            })
            .collect();
        set.instances = workloads
            .iter()
            .map(|w| AccountInstance {
                account: w.name.clone(),
                account_id_value: AccountIds::of(w).id_value,
                ou: w.ou.clone(),
                networks: regions
                    .iter()
                    .filter_map(|r| w.vpcs.iter().find(|v| v.region == **r))
                    .flat_map(|v| {
                        std::iter::once(v.cidr.as_str())
                            .chain(v.public_subnets.iter().map(String::as_str))
                            .chain(v.private_subnets.iter().map(String::as_str))
                    })
                    .collect::<Vec<_>>()
                    .join(","),
            })
            .collect();
        target.set = Some(set);
        self.stacks.push(target);
    }
}
