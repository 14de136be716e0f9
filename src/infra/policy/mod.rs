//! IAM policies as data: each statement is built once here, from the model,
//! and `render::policy` writes it into each flavour (CloudFormation YAML with
//! intrinsic functions, Terraform `aws_iam_policy_document` statements). The
//! two flavours cannot drift apart, and the least-privilege invariants
//! (`Statement::problem`) run on this typed form before anything is
//! rendered, as `verify` runs them again on the rendered files.
//!
//! A value in a statement is an `Expr`: literal text and references
//! (`${AWS::Partition}` / `local.partition`), so a statement says what it
//! means once and each flavour spells the references its own way.

pub mod artifact;
pub mod baseline;
pub mod blocks;
pub mod foundation;
pub mod governance;
pub mod log_archive;
pub mod log_destination;
pub mod security;
pub mod targets;
pub mod templates;
pub mod tooling;
pub mod workload;

use crate::model::LandingZone;
use serde::Serialize;

/// Declares `Policies` with one field per policy, how each is built, and
/// `all()`, so a policy is named in one place only.
macro_rules! policies {
    ($( $(#[$doc:meta])* $name:ident: $place:ident = $build:expr; )*) => {
        /// Every policy built as data; the blueprints know each by its field name.
        #[derive(Debug, Clone)]
        pub struct Policies {
            $( $(#[$doc])* pub $name: Policy, )*
        }

        impl Policies {
            pub fn derive(lz: &LandingZone) -> Policies {
                Policies {
                    $( $name: ($build)(lz), )*
                }
            }

            /// Each policy with the name the blueprints know it by.
            pub fn all(&self) -> Vec<(&'static str, &Policy)> {
                vec![ $( (stringify!($name), &self.$name), )* ]
            }

            /// Each policy with its name and where AWS holds it.
            pub fn placed(&self) -> Vec<(&'static str, Placement, &Policy)> {
                vec![ $( (stringify!($name), Placement::$place, &self.$name), )* ]
            }
        }
    };
}

/// Where AWS holds a policy, which sets the quota on its size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placement {
    /// A role's trust policy.
    Trust,
    /// An inline policy of a role.
    RoleInline,
    /// A customer managed policy.
    Managed,
    /// A KMS key policy.
    Key,
    /// An S3 bucket policy.
    Bucket,
    /// An SNS topic policy.
    Topic,
    /// An ECR repository policy.
    Repository,
    /// A CloudWatch Logs destination's access policy.
    Destination,
    /// An EventBridge event bus policy (one statement per resource).
    EventBus,
}

impl Placement {
    /// The quota on a policy held here (`crate::quotas`), if AWS states one.
    pub fn quota(self) -> Option<crate::quotas::Quota> {
        use crate::quotas;
        match self {
            Placement::Trust => Some(quotas::IAM_TRUST_POLICY),
            Placement::RoleInline => Some(quotas::IAM_ROLE_INLINE_POLICIES),
            Placement::Managed => Some(quotas::IAM_MANAGED_POLICY),
            Placement::Key => Some(quotas::KMS_KEY_POLICY),
            Placement::Bucket => Some(quotas::S3_BUCKET_POLICY),
            Placement::Topic => Some(quotas::SNS_TOPIC_POLICY),
            Placement::Repository => Some(quotas::ECR_REPOSITORY_POLICY),
            Placement::Destination => Some(quotas::LOGS_DESTINATION_POLICY),
            // EventBridge states its quota on the whole bus policy, which
            // holds one statement from lzgen: no growth to check.
            Placement::EventBus => None,
        }
    }
}

policies! {
    /// The management account's template bucket (only landing zones with a
    /// template too large to pass inline deploy it).
    template_key: Key = |_| templates::key();
    template_bucket: Bucket = templates::bucket;
    template_access_log_bucket: Bucket = templates::access_log_bucket;
    /// The log-archive account: its key, its log bucket, its access-log bucket.
    log_key: Key = log_archive::log_key;
    log_bucket: Bucket = log_archive::log_bucket;
    access_log_bucket: Bucket = log_archive::access_log_bucket;
    /// The artifact account, the same in every region: its key, its bucket,
    /// that bucket's access-log bucket, and the image repository.
    artifact_key: Key = artifact::key;
    artifact_bucket: Bucket = artifact::bucket;
    artifact_access_log_bucket: Bucket = artifact::access_log_bucket;
    repository: Repository = artifact::repository;
    /// The log-archive account in each region: the stream's role, the role
    /// CloudWatch Logs delivers with, and the destination.
    firehose_trust: Trust = |_| log_destination::firehose_trust();
    firehose: RoleInline = |_| log_destination::firehose();
    logs_to_firehose_trust: Trust = |_| log_destination::logs_to_firehose_trust();
    logs_to_firehose: RoleInline = log_destination::logs_to_firehose;
    log_destination: Destination = log_destination::destination;
    /// The security account: the findings key and topic in each region, the
    /// Config aggregator's role and the Slack channel's in the home region.
    findings_key: Key = |_| security::findings_key();
    findings_topic: Topic = security::findings_topic;
    config_aggregator_trust: Trust = |_| security::config_aggregator_trust();
    security_chatbot_trust: Trust = |_| security::chatbot_trust();
    security_chatbot_guardrail: Managed = |_| security::chatbot_read_findings();
    /// Every account's baseline: the drift reader (CloudFormation only),
    /// AWS Config's recorder and remediation roles.
    drift_reader_trust: Trust = baseline::drift_reader_trust;
    drift_reader: RoleInline = baseline::drift_reader;
    config_recorder_trust: Trust = |_| baseline::config_recorder_trust();
    config_delivery: RoleInline = |_| baseline::config_delivery();
    remediation_trust: Trust = |_| baseline::remediation_trust();
    remediation: RoleInline = |_| baseline::remediation();
    /// The tooling account's governance: the notices key (the drift key in
    /// CloudFormation, which also encrypts the drift function's logs), the
    /// alarms topic, the Slack channel, and the drift function
    /// (CloudFormation only).
    notices_key: Key = |_| governance::notices_key();
    drift_key: Key = governance::drift_key;
    alarms_topic: Topic = governance::alarms_topic;
    drift_topic: Topic = |_| governance::drift_topic();
    drift_function_trust: Trust = |_| governance::drift_function_trust();
    drift_function: RoleInline = governance::drift_function;
    chatbot_guardrail: Managed = governance::chatbot_guardrail;
    chatbot_trust: Trust = |_| governance::chatbot_trust();
    /// The tooling account's default event bus (one statement: its
    /// CloudFormation resource takes a single statement).
    event_bus: EventBus = governance::event_bus;
    /// The Terraform state (Terraform only) and an adopted account's
    /// administration role (CloudFormation only).
    state_key: Key = |_| foundation::state_key();
    state_bucket: Bucket = |_| foundation::state_bucket();
    adopted_account_access_trust: Trust = |_| foundation::adopted_account_access_trust();
    /// The tooling account's pipeline: the notifications key and topic, the
    /// pipeline's, build project's and (Lambda) deployer project's roles.
    pipeline_notifications_key: Key = tooling::notifications_key;
    pipeline_notifications_topic: Topic = |_| tooling::notifications_topic();
    pipeline_trust: Trust = |_| tooling::pipeline_trust();
    pipeline: RoleInline = tooling::pipeline;
    build_trust: Trust = |_| tooling::build_trust();
    build: RoleInline = tooling::build;
    deployer: RoleInline = tooling::deployer;
    /// Every workload target: the VPC's flow-log role and the alarm
    /// forwarding role.
    flow_logs_trust: Trust = |_| targets::flow_logs_trust();
    flow_logs: RoleInline = |_| targets::flow_logs();
    alarm_forwarding_trust: Trust = |_| targets::alarm_forwarding_trust();
    alarm_forwarding: RoleInline = targets::alarm_forwarding;
    /// Every workload account's roles (the same in each): the deployment
    /// role, CloudFormation's, CodeDeploy's, and the application's own for
    /// its compute; a policy another compute needs is empty.
    workload_deployment_trust: Trust = workload::deployment_trust;
    workload_deploy: RoleInline = workload::deploy;
    workload_cloudformation_trust: Trust = |_| workload::cloudformation_trust();
    workload_application_stack: RoleInline = workload::application_stack;
    workload_codedeploy_trust: Trust = |_| workload::codedeploy_trust();
    workload_codedeploy: RoleInline = workload::codedeploy;
    task_trust: Trust = workload::task_trust;
    start_tasks: RoleInline = workload::start_tasks;
    instance_trust: Trust = workload::instance_trust;
    fetch_releases: RoleInline = workload::fetch_releases;
    function_trust: Trust = workload::function_trust;
    function_run: RoleInline = workload::run;
    check_the_new_version: RoleInline = workload::check_the_new_version;
}

/// One piece of a value: text, or a reference each flavour spells its way.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Part {
    Text(String),
    /// `aws`, `aws-us-gov`, `aws-cn`.
    Partition,
    /// The region the stack or root is deployed in.
    Region,
    /// The account the policy lives in.
    ThisAccount,
    /// A value each flavour names its own way: for CloudFormation a
    /// parameter (`ManagementAccountId`) or a resource attribute
    /// (`LogBucket.Arn`); for Terraform an expression
    /// (`local.management_account_id`, `aws_s3_bucket.logs.arn`).
    Named {
        cfn: String,
        tf: String,
    },
    /// One entry of a Terraform map (`var.workload_account_ids["dev"]`,
    /// the key quoted by the emitter), a parameter in CloudFormation.
    Indexed {
        cfn: String,
        tf_map: String,
        key: String,
    },
    /// A value CloudFormation chooses by a condition (`!If [condition,
    /// then, otherwise]`, each a parameter or a resource attribute) and
    /// Terraform names once. Only as a whole value: `!If` cannot stand
    /// inside `!Sub`.
    CfnIf {
        condition: String,
        then: String,
        otherwise: String,
        tf: String,
    },
}

/// A value: its parts, concatenated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Expr(pub Vec<Part>);

impl Expr {
    pub fn text(s: impl Into<String>) -> Expr {
        Expr(vec![Part::Text(s.into())])
    }

    pub fn named(cfn: impl Into<String>, tf: impl Into<String>) -> Expr {
        Expr(vec![Part::Named {
            cfn: cfn.into(),
            tf: tf.into(),
        }])
    }

    /// This expression followed by literal text.
    pub fn then(mut self, s: &str) -> Expr {
        self.0.push(Part::Text(s.to_string()));
        self
    }

    /// This expression followed by another.
    pub fn and(mut self, other: Expr) -> Expr {
        self.0.extend(other.0);
        self
    }

    /// Whether it is one literal text equal to `s`.
    pub fn is_text(&self, s: &str) -> bool {
        matches!(self.0.as_slice(), [Part::Text(t)] if t == s)
    }

    /// `arn:<partition>:` followed by `rest`.
    pub fn arn(rest: Expr) -> Expr {
        Expr(vec![
            Part::Text("arn:".into()),
            Part::Partition,
            Part::Text(":".into()),
        ])
        .and(rest)
    }

    /// The root (every principal) of an account: `arn:<partition>:iam::<account>:root`.
    pub fn account_root(account: Expr) -> Expr {
        Expr::arn(Expr::text("iam::").and(account).then(":root"))
    }

    pub fn this_account() -> Expr {
        Expr(vec![Part::ThisAccount])
    }

    /// Whether it names the root of the account the policy lives in.
    fn is_own_root(&self) -> bool {
        self.0.contains(&Part::ThisAccount)
            && matches!(self.0.last(), Some(Part::Text(t)) if t.ends_with(":root"))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Effect {
    Allow,
    Deny,
}

/// Who a resource policy or a trust policy speaks to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Principal {
    /// `"*"`: every principal; only with a condition that narrows it, or in
    /// a deny.
    Anyone,
    Aws(Vec<Expr>),
    /// Service principals: usually a plain name, sometimes regional
    /// (`logs.<region>.amazonaws.com`).
    Service(Vec<Expr>),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Condition {
    /// `StringEquals`, `ArnLike`, `Bool`...
    pub test: String,
    /// `aws:SourceArn`, `aws:PrincipalOrgID`...
    pub variable: String,
    pub values: Vec<Expr>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Statement {
    pub sid: String,
    /// Why the statement is there, for a newcomer reading the output: written
    /// as a comment above it in each flavour.
    pub note: Option<String>,
    pub effect: Effect,
    pub principal: Option<Principal>,
    pub actions: Vec<String>,
    pub resources: Vec<Expr>,
    pub conditions: Vec<Condition>,
}

impl Statement {
    pub fn allow(sid: &str) -> Statement {
        Statement {
            sid: sid.into(),
            note: None,
            effect: Effect::Allow,
            principal: None,
            actions: Vec::new(),
            resources: Vec::new(),
            conditions: Vec::new(),
        }
    }

    pub fn deny(sid: &str) -> Statement {
        Statement {
            effect: Effect::Deny,
            ..Statement::allow(sid)
        }
    }

    pub fn note(mut self, note: &str) -> Statement {
        self.note = Some(note.into());
        self
    }

    pub fn service(mut self, service: &str) -> Statement {
        self.principal = Some(Principal::Service(vec![Expr::text(service)]));
        self
    }

    /// A service principal whose name holds a reference (the region).
    pub fn service_expr(mut self, service: Expr) -> Statement {
        self.principal = Some(Principal::Service(vec![service]));
        self
    }

    pub fn aws(mut self, principals: Vec<Expr>) -> Statement {
        self.principal = Some(Principal::Aws(principals));
        self
    }

    pub fn anyone(mut self) -> Statement {
        self.principal = Some(Principal::Anyone);
        self
    }

    pub fn actions(mut self, actions: &[&str]) -> Statement {
        self.actions = actions.iter().map(|a| a.to_string()).collect();
        self
    }

    pub fn resources(mut self, resources: Vec<Expr>) -> Statement {
        self.resources = resources;
        self
    }

    pub fn when(mut self, test: &str, variable: &str, values: Vec<Expr>) -> Statement {
        self.conditions.push(Condition {
            test: test.into(),
            variable: variable.into(),
            values,
        });
        self
    }

    /// Why this statement breaks least privilege, if it does: the same rules
    /// `verify` checks on the rendered files of both flavours.
    pub fn problem(&self, trust: bool) -> Option<&'static str> {
        if self.effect == Effect::Deny {
            return None;
        }
        let every_action = self.actions.iter().any(|a| a == "*" || a == "*:*");
        let every_resource = self.resources.iter().any(|r| r.is_text("*"));
        let aws: &[Expr] = match &self.principal {
            Some(Principal::Aws(p)) => p,
            _ => &[],
        };
        let key_administration = !aws.is_empty()
            && aws.iter().all(Expr::is_own_root)
            && self.actions.iter().all(|a| a == "kms:*");
        if every_action && every_resource && !key_administration {
            return Some("allows every action on every resource");
        }
        let anonymous =
            self.principal == Some(Principal::Anyone) || aws.iter().any(|p| p.is_text("*"));
        let organization_only = self
            .conditions
            .iter()
            .any(|c| c.test == "StringEquals" && c.variable == "aws:PrincipalOrgID");
        if anonymous && !organization_only {
            return Some("allows an anonymous principal (`*`)");
        }
        let other_accounts = aws.iter().any(|p| !p.is_own_root());
        if trust && self.conditions.is_empty() {
            return Some("trusts a principal without a condition");
        }
        if other_accounts && self.conditions.is_empty() {
            return Some("grants to another account without a condition");
        }
        None
    }
}

/// A policy document: its statements, and whether it is a trust policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Policy {
    pub trust: bool,
    /// Written into CloudFormation only: what serves CloudFormation drift
    /// detection, which the Terraform flavour does with `terraform plan`.
    pub cloudformation_only: bool,
    /// Written into Terraform only: what exists before any stack does (the
    /// Terraform state's key and bucket).
    pub terraform_only: bool,
    pub statements: Vec<Statement>,
}

impl Policy {
    pub fn new(statements: Vec<Statement>) -> Policy {
        Policy {
            trust: false,
            cloudformation_only: false,
            terraform_only: false,
            statements,
        }
    }

    /// This policy, for the CloudFormation flavour only.
    pub fn only_cloudformation(mut self) -> Policy {
        self.cloudformation_only = true;
        self
    }

    /// This policy, for the Terraform flavour only.
    pub fn only_terraform(mut self) -> Policy {
        self.terraform_only = true;
        self
    }

    /// A role's trust policy: who may assume it.
    pub fn trust(statements: Vec<Statement>) -> Policy {
        Policy {
            trust: true,
            cloudformation_only: false,
            terraform_only: false,
            statements,
        }
    }

    /// Each statement that breaks least privilege, with why; and any value
    /// CloudFormation could not write (a conditional value inside text:
    /// `!If` cannot stand inside `!Sub`).
    pub fn problems(&self) -> Vec<String> {
        let mut problems: Vec<String> = self
            .statements
            .iter()
            .filter_map(|s| s.problem(self.trust).map(|p| format!("{}: {p}", s.sid)))
            .collect();
        for s in &self.statements {
            let principals: &[Expr] = match &s.principal {
                Some(Principal::Aws(p) | Principal::Service(p)) => p,
                _ => &[],
            };
            let values = s
                .resources
                .iter()
                .chain(principals)
                .chain(s.conditions.iter().flat_map(|c| &c.values));
            if values
                .into_iter()
                .any(|e| e.0.len() > 1 && e.0.iter().any(|p| matches!(p, Part::CfnIf { .. })))
            {
                problems.push(format!(
                    "{}: a conditional value inside text, which CloudFormation cannot write",
                    s.sid
                ));
            }
        }
        problems
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_on_every_resource_is_refused_unless_it_administers_the_own_key() {
        let star = Statement::allow("Everything")
            .actions(&["*"])
            .resources(vec![Expr::text("*")]);
        assert_eq!(
            star.problem(false),
            Some("allows every action on every resource")
        );
        let admin = Statement::allow("KeyAdministration")
            .aws(vec![Expr::account_root(Expr::this_account())])
            .actions(&["kms:*"])
            .resources(vec![Expr::text("*")]);
        assert_eq!(admin.problem(false), None);
        let other = Statement::allow("KeyAdministration")
            .aws(vec![Expr::account_root(Expr::named(
                "ToolingAccountId",
                "local.tooling",
            ))])
            .actions(&["kms:*"])
            .resources(vec![Expr::text("*")]);
        assert_eq!(
            other.problem(false),
            Some("grants to another account without a condition")
        );
    }

    #[test]
    fn a_conditional_value_is_refused_inside_text() {
        let choice = Expr(vec![Part::CfnIf {
            condition: "C".into(),
            then: "A.Arn".into(),
            otherwise: "B".into(),
            tf: "x.arn".into(),
        }]);
        let whole = Statement::allow("Whole")
            .actions(&["codeconnections:UseConnection"])
            .resources(vec![choice.clone()]);
        assert!(Policy::new(vec![whole]).problems().is_empty());
        let inside = Statement::allow("Inside")
            .actions(&["codeconnections:UseConnection"])
            .resources(vec![choice.then("/*")]);
        assert_eq!(
            Policy::new(vec![inside]).problems(),
            vec!["Inside: a conditional value inside text, which CloudFormation cannot write"]
        );
    }

    #[test]
    fn anonymous_and_unconditioned_trust_are_refused() {
        let anyone = Statement::allow("Anyone")
            .anyone()
            .actions(&["s3:GetObject"])
            .resources(vec![Expr::text("arn:aws:s3:::b/*")]);
        assert_eq!(
            anyone.problem(false),
            Some("allows an anonymous principal (`*`)")
        );
        let org = anyone.clone().when(
            "StringEquals",
            "aws:PrincipalOrgID",
            vec![Expr::named("OrganizationId", "local.organization_id")],
        );
        assert_eq!(org.problem(false), None);
        let trust = Statement::allow("Trust")
            .service("ecs-tasks.amazonaws.com")
            .actions(&["sts:AssumeRole"]);
        assert_eq!(
            trust.problem(true),
            Some("trusts a principal without a condition")
        );
        assert_eq!(Statement::deny("Deny").anyone().problem(false), None);
    }
}
