//! Every AWS quota the generated repo can reach, in one table: its value,
//! what it counts, and the page that states it. Validation and the checks
//! on the rendered files read their limits from here, and refuse answers
//! that would break one as user input (exit 2, naming the key to change),
//! before anything is written. lzgen's README carries the same table
//! (`markdown_table`; a test keeps the two equal).
//!
//! Values are the defaults a new organization gets. Where AWS lets an
//! organization raise one and lzgen lets the answers say so, the key is
//! named (`guardrails.quotas.*`).

/// One AWS quota.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quota {
    /// What is limited, as the README's table names it.
    pub name: &'static str,
    pub value: usize,
    /// What `value` counts: `bytes`, `characters`, `resources`…
    pub unit: &'static str,
    /// The AWS documentation page that states it.
    pub page: &'static str,
}

const CFN: &str =
    "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html";
const IAM: &str = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html";
const PIPELINE: &str = "https://docs.aws.amazon.com/codepipeline/latest/userguide/limits.html";
const ORGS: &str =
    "https://docs.aws.amazon.com/organizations/latest/userguide/orgs_reference_limits.html";

pub const TEMPLATE_BODY_INLINE: Quota = Quota {
    name: "CloudFormation template body passed in a request (`--template-body`)",
    value: 51_200,
    unit: "bytes",
    page: CFN,
};
/// AWS says "1 MB"; lzgen reads it as 1,000,000 bytes, the smaller reading.
pub const TEMPLATE_BODY_URL: Quota = Quota {
    name: "CloudFormation template body read from S3 (`--template-url`)",
    value: 1_000_000,
    unit: "bytes",
    page: CFN,
};
pub const RESOURCES_PER_STACK: Quota = Quota {
    name: "CloudFormation resources declared in one template",
    value: 500,
    unit: "resources",
    page: CFN,
};
pub const PARAMETERS_PER_STACK: Quota = Quota {
    name: "CloudFormation parameters declared in one template",
    value: 200,
    unit: "parameters",
    page: CFN,
};
pub const OUTPUTS_PER_STACK: Quota = Quota {
    name: "CloudFormation outputs declared in one template",
    value: 200,
    unit: "outputs",
    page: CFN,
};
pub const PARAMETER_VALUE: Quota = Quota {
    name: "CloudFormation parameter value",
    value: 4_096,
    unit: "bytes",
    page: CFN,
};
pub const LAMBDA_ENVIRONMENT: Quota = Quota {
    name: "Lambda environment variables of one function together",
    value: 4_096,
    unit: "bytes",
    page: "https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html",
};
pub const STACK_NAME: Quota = Quota {
    name: "CloudFormation stack name",
    value: 128,
    unit: "characters",
    page: CFN,
};
pub const STAGES_PER_PIPELINE: Quota = Quota {
    name: "CodePipeline stages in one pipeline",
    value: 50,
    unit: "stages",
    page: PIPELINE,
};
pub const ACTIONS_PER_STAGE: Quota = Quota {
    name: "CodePipeline actions in one stage",
    value: 50,
    unit: "actions",
    page: PIPELINE,
};
pub const ACTIONS_PER_PIPELINE: Quota = Quota {
    name: "CodePipeline actions in one pipeline",
    value: 500,
    unit: "actions",
    page: PIPELINE,
};
pub const ACTION_CONFIGURATION_VALUE: Quota = Quota {
    name: "CodePipeline action configuration value (a manual approval's message)",
    value: 1_000,
    unit: "characters",
    page: "https://docs.aws.amazon.com/codepipeline/latest/APIReference/API_ActionDeclaration.html",
};
pub const ALARMS_PER_DEPLOYMENT_GROUP: Quota = Quota {
    name: "CodeDeploy CloudWatch alarms on one deployment group",
    value: 10,
    unit: "alarms",
    page: "https://docs.aws.amazon.com/codedeploy/latest/userguide/limits.html",
};
pub const IAM_ROLE_NAME: Quota = Quota {
    name: "IAM role name",
    value: 64,
    unit: "characters",
    page: IAM,
};
pub const S3_BUCKET_NAME: Quota = Quota {
    name: "S3 bucket name",
    value: 63,
    unit: "characters",
    page: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html",
};
pub const ACCOUNT_EMAIL: Quota = Quota {
    name: "Organizations account email address",
    value: 64,
    unit: "characters",
    page: "https://docs.aws.amazon.com/organizations/latest/APIReference/API_CreateAccount.html",
};
pub const SCPS_PER_TARGET: Quota = Quota {
    name: "Service control policies attached to one root, OU or account (`guardrails.quotas.scps_per_target`)",
    value: 10,
    unit: "policies",
    page: ORGS,
};
pub const SCP_SIZE: Quota = Quota {
    name: "Service control policy document (`guardrails.quotas.policy_characters`)",
    value: 10_240,
    unit: "characters",
    page: ORGS,
};

pub const IAM_TRUST_POLICY: Quota = Quota {
    name: "IAM role trust policy, without whitespace",
    value: 2_048,
    unit: "characters",
    page: IAM,
};
pub const IAM_ROLE_INLINE_POLICIES: Quota = Quota {
    name: "IAM inline policies of one role together, without whitespace",
    value: 10_240,
    unit: "characters",
    page: IAM,
};
pub const IAM_MANAGED_POLICY: Quota = Quota {
    name: "IAM managed policy, without whitespace",
    value: 6_144,
    unit: "characters",
    page: IAM,
};
pub const KMS_KEY_POLICY: Quota = Quota {
    name: "KMS key policy",
    value: 32_768,
    unit: "bytes",
    page: "https://docs.aws.amazon.com/kms/latest/developerguide/resource-limits.html",
};
pub const S3_BUCKET_POLICY: Quota = Quota {
    name: "S3 bucket policy",
    value: 20_480,
    unit: "bytes",
    page: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-policies.html",
};
pub const SNS_TOPIC_POLICY: Quota = Quota {
    name: "SNS topic policy",
    value: 30_720,
    unit: "bytes",
    page: "https://docs.aws.amazon.com/general/latest/gr/sns.html",
};
pub const ECR_REPOSITORY_POLICY: Quota = Quota {
    name: "ECR repository policy",
    value: 10_240,
    unit: "characters",
    page: "https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_SetRepositoryPolicy.html",
};
pub const LOGS_DESTINATION_POLICY: Quota = Quota {
    name: "CloudWatch Logs destination access policy",
    value: 5_120,
    unit: "bytes",
    page: "https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutDestinationPolicy.html",
};

pub const STACK_SETS: Quota = Quota {
    name: "CloudFormation StackSets in one administrator account",
    value: 1_000,
    unit: "StackSets",
    page: CFN,
};
pub const STACK_SET_INSTANCES: Quota = Quota {
    name: "Stack instances of one StackSet",
    value: 100_000,
    unit: "instances",
    page: CFN,
};
/// `scripts/deploy.sh` targets at most this many OUs in one
/// `CreateStackInstances` call, and makes more calls for more.
pub const STACK_SET_OUS_PER_OPERATION: Quota = Quota {
    name: "OUs one StackSet operation targets (`CreateStackInstances`)",
    value: 50,
    unit: "OUs",
    page: "https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_CreateStackInstances.html",
};

/// The table, in the order of the README.
pub const ALL: [Quota; 29] = [
    TEMPLATE_BODY_INLINE,
    TEMPLATE_BODY_URL,
    RESOURCES_PER_STACK,
    PARAMETERS_PER_STACK,
    OUTPUTS_PER_STACK,
    PARAMETER_VALUE,
    LAMBDA_ENVIRONMENT,
    STACK_NAME,
    STACK_SETS,
    STACK_SET_INSTANCES,
    STACK_SET_OUS_PER_OPERATION,
    STAGES_PER_PIPELINE,
    ACTIONS_PER_STAGE,
    ACTIONS_PER_PIPELINE,
    ACTION_CONFIGURATION_VALUE,
    ALARMS_PER_DEPLOYMENT_GROUP,
    IAM_ROLE_NAME,
    S3_BUCKET_NAME,
    ACCOUNT_EMAIL,
    SCPS_PER_TARGET,
    SCP_SIZE,
    IAM_TRUST_POLICY,
    IAM_ROLE_INLINE_POLICIES,
    IAM_MANAGED_POLICY,
    KMS_KEY_POLICY,
    S3_BUCKET_POLICY,
    SNS_TOPIC_POLICY,
    ECR_REPOSITORY_POLICY,
    LOGS_DESTINATION_POLICY,
];

/// The table as lzgen's README shows it.
pub fn markdown_table() -> String {
    let mut out = String::from("| Quota | Value | Source |\n|---|---:|---|\n");
    for q in ALL {
        let host_path = q.page.trim_start_matches("https://docs.aws.amazon.com/");
        let guide = host_path.split('/').next().unwrap_or(host_path);
        out.push_str(&format!(
            "| {} | {} {} | [{guide}]({}) |\n",
            q.name,
            thousands(q.value),
            q.unit,
            q.page
        ));
    }
    out
}

/// `51200` as `51,200`.
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The README shows the table the code checks against, row for row.
    #[test]
    fn the_readme_carries_the_table() {
        let readme = include_str!("../README.md");
        let table = markdown_table();
        assert!(
            readme.contains(&table),
            "README.md's quota table differs from quotas::ALL; paste this:\n{table}"
        );
    }

    #[test]
    fn every_quota_names_an_aws_page_and_a_positive_value() {
        for q in ALL {
            assert!(
                q.page.starts_with("https://docs.aws.amazon.com/"),
                "{}",
                q.name
            );
            assert!(q.value > 0, "{}", q.name);
        }
        assert_eq!(thousands(51_200), "51,200");
        assert_eq!(thousands(500), "500");
        assert_eq!(thousands(1_048_576), "1,048,576");
    }
}
