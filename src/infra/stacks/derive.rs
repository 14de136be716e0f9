//! Which stacks a landing zone has, one function per kind, and the
//! placeholders their parameters use.

use super::declare::{add_organization_steps, declare};
use super::{Export, Parameter, Placeholder, Stack, StackKind};
use crate::infra::layout::{AccountIds, key_parameter, key_placeholder, placeholder};
use crate::infra::order;
use crate::model::{Account, Compute, LandingZone, MANAGEMENT, SourceProvider};

/// The one template every account's baseline stack is made from.
pub const BASELINE_TEMPLATE: &str = "cloudformation/baseline/baseline.yaml";

/// Derives the stacks, in deploy order, and the placeholders they use.
pub fn derive(lz: &LandingZone) -> (Vec<Stack>, Vec<Placeholder>) {
    let Some(mut d) = Derivation::new(lz) else {
        return (Vec::new(), Vec::new());
    };
    d.organization();
    d.log_archive();
    if lz.logging.organization_trail {
        d.organization_trail();
    }
    if lz.logging.cloudwatch_logs_to_s3 {
        d.log_destinations();
    }
    d.baselines();
    d.security();
    d.artifacts();
    d.tooling();
    d.governance();
    d.workloads();
    let placeholders = super::placeholders::placeholders(lz);
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
struct Derivation<'a> {
    lz: &'a LandingZone,
    management_id: String,
    organization_id: Parameter,
    /// The central log bucket and its key, as every stack that writes there
    /// takes them.
    log_params: Vec<Parameter>,
    /// Each region's artifact key ARN.
    key_params: Vec<Parameter>,
    log_archive: &'a Account,
    artifact: &'a Account,
    tooling: &'a Account,
    /// The security account, or the log-archive account without one.
    security: &'a Account,
    stacks: Vec<Stack>,
}

fn param(key: &str, value: String) -> Parameter {
    Parameter {
        key: key.into(),
        value,
        account: None,
    }
}

/// The parameter that carries an account's ID.
fn account_param(a: &Account) -> Parameter {
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
    fn stack(
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
        }
    }

    /// A stack in `account` (the management account's, or a member's).
    fn stack_in(
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

    fn workload_accounts(&self) -> impl Iterator<Item = &'a Account> + use<'a> {
        self.lz.accounts.iter().filter(|a| a.workload)
    }

    fn organization(&mut self) {
        let org = &self.lz.organization;
        let mut s = self.stack_in(
            StackKind::Organization,
            ("organization", "organization"),
            "organization",
            None,
            &org.organizations_region,
        );
        s.description = "OUs, accounts and guardrail SCPs".into();
        s.parameters.push(param(
            "OrganizationRootId",
            placeholder("ORGANIZATION_ROOT_ID"),
        ));
        self.stacks.push(s);
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
    /// send their logs.
    fn log_destinations(&mut self) {
        let tooling = &self.tooling.name;
        let sources: Vec<&Account> = self
            .lz
            .accounts
            .iter()
            .filter(|a| a.workload || a.name == *tooling)
            .collect();
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
            params.extend(sources.iter().map(|a| account_param(a)));
            dedup(&mut params);
            s.parameters = params;
            self.stacks.push(s);
        }
    }

    /// Every account, the management account first, gets a baseline in the
    /// home region (the drift reader, Config's global resources) and, when
    /// AWS Config is on, in every other region.
    fn baselines(&mut self) {
        let lz = self.lz;
        let org = &lz.organization;
        let config = lz.security.config_rules;
        // The home region first: it holds the IAM roles the other regions use.
        let mut home_first = vec![&org.home_region];
        if config {
            home_first.extend(org.regions.iter().filter(|r| **r != org.home_region));
        }
        let accounts = std::iter::once(None).chain(lz.accounts.iter().map(Some));
        for account in accounts {
            let name = account.map_or(MANAGEMENT, |a| a.name.as_str());
            for region in home_first.iter().copied() {
                let mut s = self.stack_in(
                    StackKind::Baseline,
                    ("baseline", &format!("{name}-{region}")),
                    &format!("baseline-{name}-{region}"),
                    account,
                    region,
                );
                s.template = BASELINE_TEMPLATE.into();
                s.description = if config {
                    "AWS Config recorder, rules and remediation; the drift reader role".into()
                } else {
                    "the drift reader role".into()
                };
                if config {
                    s.parameters.extend(self.log_params.iter().cloned());
                }
                s.parameters.push(account_param(self.tooling));
                self.stacks.push(s);
            }
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
            let mut params = vec![account_param(self.tooling)];
            params.extend(self.workload_accounts().map(account_param));
            params.push(self.organization_id.clone());
            dedup(&mut params);
            s.parameters = params;
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
        let mut params = vec![account_param(self.artifact)];
        params.extend(self.workload_accounts().map(account_param));
        params.extend(self.key_params.iter().cloned());
        if lz.pipeline.source.provider == SourceProvider::Codeconnections {
            // Empty unless the user brings a connection of their own: the stack
            // then creates one (pending until a person activates it).
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
        s.parameters = params;
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
        let mut params = vec![
            param("ManagementAccountId", self.management_id.clone()),
            self.organization_id.clone(),
        ];
        params.extend(lz.accounts.iter().map(account_param));
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
        for workload in self.workload_accounts() {
            let folder = format!("workloads/{}", workload.name);
            let mut roles = self.stack_in(
                StackKind::WorkloadRoles,
                (&folder, "roles"),
                &format!("{}-roles", workload.name),
                Some(workload),
                &lz.organization.home_region,
            );
            roles.description = "the deployment role and the application's roles".into();
            roles.workload = Some(workload.name.clone());
            let mut params = vec![account_param(self.tooling)];
            // A Lambda deployment uploads code directly; its roles read no artifacts.
            if compute != Compute::Lambda {
                params.push(account_param(self.artifact));
                params.extend(self.key_params.iter().cloned());
            }
            dedup(&mut params);
            roles.parameters = params;
            self.stacks.push(roles);
            for region in &lz.organization.regions {
                let mut target = self.stack_in(
                    StackKind::WorkloadTarget,
                    (&folder, &format!("target-{region}")),
                    &format!("{}-{region}", workload.name),
                    Some(workload),
                    region,
                );
                target.description =
                    "VPC, load balancer, ECS service, CodeDeploy and its alarms".into();
                target.workload = Some(workload.name.clone());
                if lz.logging.cloudwatch_logs_to_s3 && compute != Compute::Ec2 {
                    target.parameters.push(account_param(self.log_archive));
                }
                // Deployment alarms are forwarded to the tooling account's bus.
                if workload.name != self.tooling.name {
                    target.parameters.push(account_param(self.tooling));
                }
                dedup(&mut target.parameters);
                if compute != Compute::Lambda {
                    target.parameters.push(param("DesiredCount", "2".into()));
                }
                if compute == Compute::Ec2 {
                    target.parameters.push(param(
                        "ImageId",
                        "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"
                            .into(),
                    ));
                }
                self.stacks.push(target);
            }
        }
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
fn join_words(parts: &[&str]) -> String {
    match parts {
        [] => String::new(),
        [one] => (*one).to_string(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

fn dedup(params: &mut Vec<Parameter>) {
    let mut seen = std::collections::BTreeSet::new();
    params.retain(|p| seen.insert(p.key.clone()));
}
