//! The CloudFormation stacks of a landing zone, with the parameters each one
//! takes. Values known at generation time are written in; the rest are
//! `${PLACEHOLDER}`s that the deploy script fills in from the organization and
//! from earlier stacks' outputs.
//!
//! Each stack declares what it creates and what it uses; the deploy order is
//! derived from those declarations (`infra::order`), and so are the
//! organization-level steps that must run before a stack
//! (`infra::preconditions`).

use super::{Account, LandingZone};
use crate::infra::order::{self, Thing, Unit};
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum StackKind {
    Organization,
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

/// The one template every account's baseline stack is made from.
pub const BASELINE_TEMPLATE: &str = "cloudformation/baseline/baseline.yaml";

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

pub(super) const MANAGEMENT: &str = "management";

pub(super) fn placeholder(name: &str) -> String {
    format!("${{{name}}}")
}

pub(super) fn account_placeholder(account_name: &str) -> String {
    format!(
        "ACCOUNT_ID_{}",
        account_name.to_uppercase().replace('-', "_")
    )
}

/// Derives the stacks and the placeholders they use.
pub(super) fn derive(lz: &LandingZone) -> (Vec<Stack>, Vec<Placeholder>) {
    let org = &lz.organization;
    let name = &org.name;
    let management_id = org
        .management_account_id
        .clone()
        .unwrap_or_else(|| placeholder("MANAGEMENT_ACCOUNT_ID"));
    let organization_id = Parameter {
        key: "OrganizationId".into(),
        value: placeholder("ORGANIZATION_ID"),
        account: None,
    };
    let account_param = |a: &Account| Parameter {
        key: a.id_parameter.clone(),
        value: a.id_value.clone(),
        account: Some(a.name.clone()),
    };
    let holder = |n: &str| lz.account(n).cloned();
    let (Some(log_archive), Some(artifact), Some(tooling)) = (
        holder(&lz.holders.log_archive),
        holder(&lz.holders.artifact),
        holder(&lz.holders.tooling),
    ) else {
        return (Vec::new(), Vec::new());
    };
    let security = super::security_holder(lz)
        .cloned()
        .unwrap_or_else(|| log_archive.clone());

    let mut stacks = Vec::new();
    let stack = |kind,
                 folder: &str,
                 file: &str,
                 stack_name: String,
                 account: &str,
                 id_value: &str,
                 region: &str| Stack {
        kind,
        name: stack_name,
        template: format!("cloudformation/{folder}/{file}.yaml"),
        parameters_file: format!("cloudformation/{folder}/{file}.parameters.json"),
        account: account.to_string(),
        account_id_value: id_value.to_string(),
        region: region.to_string(),
        home: region == org.home_region,
        description: String::new(),
        parameters: Vec::new(),
        exports: Vec::new(),
        workload: None,
        first_of_kind: false,
        last_of_kind: false,
        creates: Vec::new(),
        uses: Vec::new(),
        before: Vec::new(),
    };

    let mut organization = stack(
        StackKind::Organization,
        "organization",
        "organization",
        format!("{name}-organization"),
        MANAGEMENT,
        &management_id,
        &org.organizations_region,
    );
    organization.description = "OUs, accounts and guardrail SCPs".into();
    organization.parameters.push(Parameter {
        key: "OrganizationRootId".into(),
        value: placeholder("ORGANIZATION_ROOT_ID"),
        account: None,
    });
    stacks.push(organization);

    let mut log = stack(
        StackKind::LogArchive,
        "log-archive",
        "log-archive",
        format!("{name}-log-archive"),
        &log_archive.name,
        &log_archive.id_value,
        &org.home_region,
    );
    log.description = "central log bucket and its KMS key".into();
    {
        log.exports = vec![
            Export {
                output: "LogBucketName".into(),
                placeholder: "LOG_ARCHIVE_BUCKET".into(),
            },
            Export {
                output: "LogKeyArn".into(),
                placeholder: "LOG_ARCHIVE_KEY_ARN".into(),
            },
        ];
    }
    log.parameters = vec![
        Parameter {
            key: "ManagementAccountId".into(),
            value: management_id.clone(),
            account: None,
        },
        organization_id.clone(),
    ];
    if lz.security.guardduty {
        log.parameters.push(Parameter {
            key: "SecurityAccountId".into(),
            value: security.id_value.clone(),
            account: None,
        });
    }
    stacks.push(log);

    // The central log bucket and its key, as every stack that writes there takes them.
    let log_params = vec![
        Parameter {
            key: "LogBucketName".into(),
            value: placeholder("LOG_ARCHIVE_BUCKET"),
            account: None,
        },
        Parameter {
            key: "LogKeyArn".into(),
            value: placeholder("LOG_ARCHIVE_KEY_ARN"),
            account: None,
        },
    ];

    if lz.logging.organization_trail {
        let mut trail = stack(
            StackKind::OrganizationTrail,
            "log-archive",
            "organization-trail",
            format!("{name}-organization-trail"),
            MANAGEMENT,
            &management_id,
            &org.home_region,
        );
        trail.description = "the organization CloudTrail, writing to the log-archive bucket".into();
        trail.parameters = log_params.clone();
        stacks.push(trail);
    }

    // Accounts whose log groups send to the central destination.
    let log_sources: Vec<&Account> = lz
        .accounts
        .iter()
        .filter(|a| a.workload || a.name == tooling.name)
        .collect();
    if lz.logging.cloudwatch_logs_to_s3 {
        for region in &org.regions {
            let mut d = stack(
                StackKind::LogDestination,
                "log-archive",
                &format!("log-destination-{region}"),
                format!("{name}-log-destination-{region}"),
                &log_archive.name,
                &log_archive.id_value,
                region,
            );
            d.description =
                "the CloudWatch Logs destination, and the Firehose stream that writes to the central bucket"
                    .into();
            let mut params = log_params.clone();
            params.push(organization_id.clone());
            params.extend(log_sources.iter().map(|a| account_param(a)));
            dedup(&mut params);
            d.parameters = params;
            stacks.push(d);
        }
    }

    // Every account, the management account first, gets a baseline in the
    // home region (the drift reader, Config's global resources) and, when
    // AWS Config is on, in every other region.
    let mut baseline_accounts = vec![(MANAGEMENT.to_string(), management_id.clone())];
    baseline_accounts.extend(
        lz.accounts
            .iter()
            .map(|a| (a.name.clone(), a.id_value.clone())),
    );
    // The home region first: it holds the IAM roles the other regions use.
    let mut home_first = vec![&org.home_region];
    home_first.extend(org.regions.iter().filter(|r| **r != org.home_region));
    for (account, id_value) in &baseline_accounts {
        for region in home_first.iter().copied() {
            if region != &org.home_region && !lz.security.config_rules {
                continue;
            }
            let mut b = stack(
                StackKind::Baseline,
                "baseline",
                &format!("{account}-{region}"),
                format!("{name}-baseline-{account}-{region}"),
                account,
                id_value,
                region,
            );
            b.template = BASELINE_TEMPLATE.into();
            b.description = if lz.security.config_rules {
                "AWS Config recorder, rules and remediation; the drift reader role".into()
            } else {
                "the drift reader role".into()
            };
            let mut params = Vec::new();
            if lz.security.config_rules {
                params.extend(log_params.iter().cloned());
            }
            params.push(account_param(&tooling));
            b.parameters = params;
            stacks.push(b);
        }
    }

    let security_services =
        lz.security.guardduty || lz.security.access_analyzer || lz.security.security_hub;
    // The home region last: its Slack channel subscribes to every region's
    // findings topic.
    let mut security_regions: Vec<&String> = org
        .regions
        .iter()
        .filter(|r| **r != org.home_region)
        .collect();
    security_regions.push(&org.home_region);
    for region in security_regions {
        let home = region == &org.home_region;
        if !(security_services || (home && lz.security.config_rules)) {
            continue;
        }
        let mut sec = stack(
            StackKind::Security,
            "security",
            &format!("security-{region}"),
            format!("{name}-security-{region}"),
            &security.name,
            &security.id_value,
            region,
        );
        let mut parts = Vec::new();
        if lz.security.guardduty {
            parts.push("GuardDuty");
        }
        if lz.security.access_analyzer {
            parts.push("IAM Access Analyzer");
        }
        if lz.security.security_hub {
            parts.push("Security Hub");
        }
        if home && lz.security.config_rules {
            parts.push("the AWS Config aggregator");
        }
        sec.description = join_words(&parts);
        if lz.security.guardduty {
            sec.parameters.extend(log_params.iter().cloned());
        }
        stacks.push(sec);
    }

    for region in &org.regions {
        let mut s = stack(
            StackKind::Artifact,
            "artifact",
            &format!("artifact-{region}"),
            format!("{name}-artifact-{region}"),
            &artifact.name,
            &artifact.id_value,
            region,
        );
        s.description = if s.home {
            "KMS key, artifact bucket and ECR repository".into()
        } else {
            "KMS key and artifact bucket".into()
        };
        let mut params = vec![account_param(&tooling)];
        for workload in lz.accounts.iter().filter(|a| a.workload) {
            params.push(account_param(workload));
        }
        params.push(organization_id.clone());
        dedup(&mut params);
        s.parameters = params;
        s.exports.push(Export {
            output: "ArtifactKeyArn".into(),
            placeholder: key_placeholder(region),
        });
        stacks.push(s);
    }
    let key_params: Vec<Parameter> = org
        .regions
        .iter()
        .map(|region| Parameter {
            key: key_parameter(region),
            value: placeholder(&key_placeholder(region)),
            account: None,
        })
        .collect();

    let mut pipeline = stack(
        StackKind::Tooling,
        "tooling",
        "pipeline",
        format!("{name}-tooling"),
        &tooling.name,
        &tooling.id_value,
        &org.home_region,
    );
    pipeline.description = "the pipeline, its build project, roles and notifications".into();
    let mut params = vec![account_param(&artifact)];
    for workload in lz.accounts.iter().filter(|a| a.workload) {
        params.push(account_param(workload));
    }
    params.extend(key_params.iter().cloned());
    if lz.pipeline.source.provider == super::SourceProvider::Codeconnections {
        // Empty unless the user brings a connection of their own: the stack
        // then creates one (pending until a person activates it).
        params.push(Parameter {
            key: "ConnectionArn".into(),
            value: "${CODECONNECTIONS_CONNECTION_ARN:-}".into(),
            account: None,
        });
    }
    dedup(&mut params);
    if lz.logging.cloudwatch_logs_to_s3 {
        params.push(account_param(&log_archive));
        dedup(&mut params);
    }
    pipeline.parameters = params;
    // Only the Slack channel (in the governance stack) takes the topic.
    if lz.notifications.slack_team_id.is_some() {
        pipeline.exports.push(Export {
            output: "NotificationsTopicArn".into(),
            placeholder: "PIPELINE_TOPIC_ARN".into(),
        });
    }
    stacks.push(pipeline);

    let mut governance = stack(
        StackKind::Governance,
        "tooling",
        "governance",
        format!("{name}-governance"),
        &tooling.name,
        &tooling.id_value,
        &org.home_region,
    );
    governance.description = if lz.notifications.slack_team_id.is_some() {
        "daily drift detection, and the Slack channel (AWS Chatbot)".into()
    } else {
        "daily drift detection and its notifications".into()
    };
    let mut params = vec![
        Parameter {
            key: "ManagementAccountId".into(),
            value: management_id.clone(),
            account: None,
        },
        organization_id.clone(),
    ];
    params.extend(lz.accounts.iter().map(account_param));
    if lz.notifications.slack_team_id.is_some() {
        params.push(Parameter {
            key: "PipelineTopicArn".into(),
            value: placeholder("PIPELINE_TOPIC_ARN"),
            account: None,
        });
    }
    dedup(&mut params);
    governance.parameters = params;
    stacks.push(governance);

    for workload in lz.accounts.iter().filter(|a| a.workload) {
        let folder = format!("workloads/{}", workload.name);
        let mut roles = stack(
            StackKind::WorkloadRoles,
            &folder,
            "roles",
            format!("{name}-{}-roles", workload.name),
            &workload.name,
            &workload.id_value,
            &org.home_region,
        );
        roles.description = "the deployment role and the application's roles".into();
        roles.workload = Some(workload.name.clone());
        let mut params = vec![account_param(&tooling)];
        // A Lambda deployment uploads code directly; its roles read no artifacts.
        if lz.pipeline.deploy.compute != super::Compute::Lambda {
            params.push(account_param(&artifact));
            params.extend(key_params.iter().cloned());
        }
        dedup(&mut params);
        roles.parameters = params;
        stacks.push(roles);
        for region in &org.regions {
            let mut target = stack(
                StackKind::WorkloadTarget,
                &folder,
                &format!("target-{region}"),
                format!("{name}-{}-{region}", workload.name),
                &workload.name,
                &workload.id_value,
                region,
            );
            target.description =
                "VPC, load balancer, ECS service, CodeDeploy and its alarms".into();
            target.workload = Some(workload.name.clone());
            if lz.logging.cloudwatch_logs_to_s3 && lz.pipeline.deploy.compute != super::Compute::Ec2
            {
                target.parameters.push(account_param(&log_archive));
            }
            // Deployment alarms are forwarded to the tooling account's bus.
            if workload.name != tooling.name {
                target.parameters.push(account_param(&tooling));
            }
            dedup(&mut target.parameters);
            if lz.pipeline.deploy.compute != super::Compute::Lambda {
                target.parameters.push(Parameter {
                    key: "DesiredCount".into(),
                    value: "2".into(),
                    account: None,
                });
            }
            if lz.pipeline.deploy.compute == super::Compute::Ec2 {
                target.parameters.push(Parameter {
                    key: "ImageId".into(),
                    value: "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"
                        .into(),
                    account: None,
                });
            }
            stacks.push(target);
        }
    }

    let mut placeholders = vec![
        Placeholder {
            name: "ORGANIZATION_ROOT_ID".into(),
            description: "the ID of the organization's root (r-...)".into(),
            command: Some(
                "aws organizations list-roots --query 'Roots[0].Id' --output text".into(),
            ),
            output: None,
            note: None,
        },
        Placeholder {
            name: "ORGANIZATION_ID".into(),
            description: "the organization's ID (o-...)".into(),
            command: Some(
                "aws organizations describe-organization --query Organization.Id --output text"
                    .into(),
            ),
            output: None,
            note: None,
        },
    ];
    if org.management_account_id.is_none() {
        placeholders.push(Placeholder {
            name: "MANAGEMENT_ACCOUNT_ID".into(),
            description: "the management account's ID (run this with its credentials)".into(),
            command: Some("aws sts get-caller-identity --query Account --output text".into()),
            output: None,
            note: None,
        });
    }
    for account in lz.accounts.iter().filter(|a| a.id.is_none()) {
        placeholders.push(Placeholder {
            name: account_placeholder(&account.name),
            description: format!("the ID of the `{}` account", account.name),
            command: None,
            output: Some(StackOutput {
                stack: format!("{name}-organization"),
                key: account.id_parameter.clone(),
            }),
            note: None,
        });
    }
    {
        placeholders.push(Placeholder {
            name: "LOG_ARCHIVE_BUCKET".into(),
            description: "the central log bucket's name".into(),
            command: None,
            output: Some(StackOutput {
                stack: format!("{name}-log-archive"),
                key: "LogBucketName".into(),
            }),
            note: None,
        });
        placeholders.push(Placeholder {
            name: "LOG_ARCHIVE_KEY_ARN".into(),
            description: "the ARN of the log-archive KMS key".into(),
            command: None,
            output: Some(StackOutput {
                stack: format!("{name}-log-archive"),
                key: "LogKeyArn".into(),
            }),
            note: None,
        });
    }
    for region in &org.regions {
        placeholders.push(Placeholder {
            name: key_placeholder(region),
            description: format!("the ARN of the artifact key in {region}"),
            command: None,
            output: Some(StackOutput {
                stack: format!("{name}-artifact-{region}"),
                key: "ArtifactKeyArn".into(),
            }),
            note: None,
        });
    }
    if lz.notifications.slack_team_id.is_some() {
        placeholders.push(Placeholder {
            name: "PIPELINE_TOPIC_ARN".into(),
            description: "the ARN of the pipeline's notifications topic".into(),
            command: None,
            output: Some(StackOutput {
                stack: format!("{name}-tooling"),
                key: "NotificationsTopicArn".into(),
            }),
            note: None,
        });
    }
    declare(lz, &mut stacks);
    // A cycle is lzgen's own bug: the stacks keep the listed order, and
    // verification reports the use that comes too early.
    let mut stacks = order::sort(&stacks).unwrap_or(stacks);
    add_organization_steps(&mut stacks, &security);
    // One pass each way, so thousands of stacks are marked in linear time.
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
    (stacks, placeholders)
}

/// What each stack creates and uses. The parameters say most of it (an
/// account's ID, another stack's output); the rest is what AWS checks when a
/// resource is created: a role another account's resource names, trusted
/// access for a service administered for the organization.
fn declare(lz: &LandingZone, stacks: &mut [Stack]) {
    let by_env: std::collections::BTreeMap<String, &str> = lz
        .accounts
        .iter()
        .map(|a| (a.id_env.clone(), a.name.as_str()))
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
            StackKind::Organization => creates.extend(
                lz.accounts
                    .iter()
                    .filter(|a| a.id.is_none())
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
                let role = Thing::Role(s.account.clone(), names.config_recorder_role.clone());
                if s.home {
                    creates.push(role);
                } else {
                    uses.push(role);
                }
            }
            StackKind::WorkloadRoles => {
                creates.push(Thing::Role(s.account.clone(), names.deploy_role.clone()));
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

/// The `NAME`s of every `${NAME}` in a value.
fn placeholders_in(value: &str) -> impl Iterator<Item = &str> {
    value
        .split("${")
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
}

/// Gives the first stack that needs trusted access or a delegated
/// administrator the steps that provide them.
fn add_organization_steps(stacks: &mut [Stack], security: &Account) {
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
                    account_id_value: Some(security.id_value.clone()),
                    description: format!(
                        "make the {} account the {} administrator",
                        security.name,
                        service(p)
                    ),
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

/// "A, B and C".
fn join_words(parts: &[&str]) -> String {
    match parts {
        [] => String::new(),
        [one] => (*one).to_string(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

fn key_placeholder(region: &str) -> String {
    format!(
        "ARTIFACT_KEY_ARN_{}",
        region.to_uppercase().replace('-', "_")
    )
}

/// The template parameter for a region's artifact key: `ArtifactKeyArnUsEast1`.
pub(super) fn key_parameter(region: &str) -> String {
    format!("ArtifactKeyArn{}", super::ident::pascal(region))
}

fn dedup(params: &mut Vec<Parameter>) {
    let mut seen = std::collections::BTreeSet::new();
    params.retain(|p| seen.insert(p.key.clone()));
}
