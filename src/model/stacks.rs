//! The CloudFormation stacks of a landing zone, in deployment order, with the
//! parameters each one takes. Values known at generation time are written in;
//! the rest are `${PLACEHOLDER}`s that the deploy script fills in from the
//! organization and from earlier stacks' outputs.

use super::{Account, LandingZone};
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum StackKind {
    Organization,
    LogArchive,
    OrganizationTrail,
    Artifact,
}

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
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Parameter {
    pub key: String,
    pub value: String,
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
    };
    let account_param = |a: &Account| Parameter {
        key: a.id_parameter.clone(),
        value: a.id_value.clone(),
    };
    let holder = |n: &str| lz.account(n).cloned();
    let (Some(log_archive), Some(artifact), Some(tooling)) = (
        holder(&lz.holders.log_archive),
        holder(&lz.holders.artifact),
        holder(&lz.holders.tooling),
    ) else {
        return (Vec::new(), Vec::new());
    };

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
    log.parameters = vec![
        Parameter {
            key: "ManagementAccountId".into(),
            value: management_id.clone(),
        },
        organization_id.clone(),
    ];
    stacks.push(log);

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
        trail.parameters = vec![
            Parameter {
                key: "LogBucketName".into(),
                value: placeholder("LOG_ARCHIVE_BUCKET"),
            },
            Parameter {
                key: "LogKeyArn".into(),
                value: placeholder("LOG_ARCHIVE_KEY_ARN"),
            },
        ];
        stacks.push(trail);
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
        stacks.push(s);
    }

    let mut placeholders = vec![
        Placeholder {
            name: "ORGANIZATION_ROOT_ID".into(),
            description: "the ID of the organization's root (r-...)".into(),
            command: Some(
                "aws organizations list-roots --query 'Roots[0].Id' --output text".into(),
            ),
            output: None,
        },
        Placeholder {
            name: "ORGANIZATION_ID".into(),
            description: "the organization's ID (o-...)".into(),
            command: Some(
                "aws organizations describe-organization --query Organization.Id --output text"
                    .into(),
            ),
            output: None,
        },
    ];
    if org.management_account_id.is_none() {
        placeholders.push(Placeholder {
            name: "MANAGEMENT_ACCOUNT_ID".into(),
            description: "the management account's ID (run this with its credentials)".into(),
            command: Some("aws sts get-caller-identity --query Account --output text".into()),
            output: None,
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
        });
    }
    if lz.logging.organization_trail {
        placeholders.push(Placeholder {
            name: "LOG_ARCHIVE_BUCKET".into(),
            description: "the central log bucket's name".into(),
            command: None,
            output: Some(StackOutput {
                stack: format!("{name}-log-archive"),
                key: "LogBucketName".into(),
            }),
        });
        placeholders.push(Placeholder {
            name: "LOG_ARCHIVE_KEY_ARN".into(),
            description: "the ARN of the log-archive KMS key".into(),
            command: None,
            output: Some(StackOutput {
                stack: format!("{name}-log-archive"),
                key: "LogKeyArn".into(),
            }),
        });
    }
    (stacks, placeholders)
}

fn dedup(params: &mut Vec<Parameter>) {
    let mut seen = std::collections::BTreeSet::new();
    params.retain(|p| seen.insert(p.key.clone()));
}
