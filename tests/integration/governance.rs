//! Governance switches: each `security.*` and `logging.*` key adds or
//! removes exactly its own resources, and the SCP quotas are enforced at
//! validation time.

use crate::support::{fresh_target, lzgen, render};
use serde_yaml::Value;
use std::collections::BTreeSet;

/// Every CloudFormation resource of a rendered repo, as
/// `template path: logical ID (type)`.
fn resources(args: &[&str]) -> BTreeSet<String> {
    let mut all = vec!["--preset", "standard"];
    all.extend_from_slice(args);
    let tree = render(&all);
    let mut out = BTreeSet::new();
    for (path, (bytes, _)) in &tree {
        if !(path.starts_with("cloudformation/") && path.ends_with(".yaml")) {
            continue;
        }
        let doc: Value = serde_yaml::from_slice(bytes).expect("template parses");
        let Some(Value::Mapping(res)) = doc.get("Resources") else {
            panic!("{path} has no Resources");
        };
        for (id, body) in res {
            let ty = body.get("Type").and_then(Value::as_str).expect("a Type");
            out.insert(format!("{path}: {} ({ty})", id.as_str().expect("id")));
        }
    }
    out
}

/// What turning a switch to `value` adds and removes, against the standard
/// preset (GuardDuty, Access Analyzer, Config, the trail and central logs
/// on; Security Hub off; one region, workloads dev and prod, on ECS).
fn change(set: &str) -> (BTreeSet<String>, BTreeSet<String>) {
    let before = resources(&[]);
    let after = resources(&["--set", set]);
    (
        after.difference(&before).cloned().collect(),
        before.difference(&after).cloned().collect(),
    )
}

fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(ToString::to_string).collect()
}

const SECURITY: &str = "cloudformation/security/security-us-east-1.yaml";
const BASELINE: &str = "cloudformation/baseline/baseline.yaml";

#[test]
fn guardduty_switch_removes_the_detector_its_export_and_its_alerts() {
    let (added, removed) = change("security.guardduty=false");
    assert_eq!(added, set(&[]));
    assert_eq!(
        removed,
        [
            "Detector (AWS::GuardDuty::Detector)",
            "FindingsExport (AWS::GuardDuty::PublishingDestination)",
            "FindingsKey (AWS::KMS::Key)",
            "FindingsTopic (AWS::SNS::Topic)",
            "FindingsTopicPolicy (AWS::SNS::TopicPolicy)",
            "HighSeverityFindings (AWS::Events::Rule)"
        ]
        .iter()
        .map(|r| format!("{SECURITY}: {r}"))
        .collect()
    );
}

#[test]
fn access_analyzer_switch_removes_only_the_analyzer() {
    let (added, removed) = change("security.access_analyzer=false");
    assert_eq!(added, set(&[]));
    assert_eq!(
        removed,
        set(&[&format!(
            "{SECURITY}: AccessAnalyzer (AWS::AccessAnalyzer::Analyzer)"
        )])
    );
}

#[test]
fn security_hub_switch_adds_the_hub_and_its_standard() {
    let (added, removed) = change("security.security_hub=true");
    assert_eq!(removed, set(&[]));
    assert_eq!(
        added,
        set(&[
            &format!("{SECURITY}: FoundationalBestPractices (AWS::SecurityHub::Standard)"),
            &format!("{SECURITY}: SecurityHub (AWS::SecurityHub::Hub)"),
        ])
    );
}

#[test]
fn config_switch_removes_recorders_rules_remediation_and_the_aggregator() {
    let (added, removed) = change("security.config_rules=false");
    assert_eq!(added, set(&[]));
    let mut expected: BTreeSet<String> = [
        "ConfigRecorderRole (AWS::IAM::Role)",
        "ConfigRecorder (AWS::Config::ConfigurationRecorder)",
        "ConfigDeliveryChannel (AWS::Config::DeliveryChannel)",
        "ConfigRemediationRole (AWS::IAM::Role)",
    ]
    .iter()
    .map(|r| format!("{BASELINE}: {r}"))
    .collect();
    for rule in [
        "RuleS3PublicReadProhibited",
        "RuleS3PublicWriteProhibited",
        "RuleS3SslRequestsOnly",
        "RuleS3ServerSideEncryption",
        "RuleKmsKeyRotation",
        "RuleRestrictedSsh",
        "RuleEbsEncrypted",
        "RuleRdsEncrypted",
        "RuleCloudTrailEnabled",
        "RuleCloudTrailLogFileValidation",
        "RuleRootAccountMfa",
        "RuleIamNoAdminStatements",
    ] {
        expected.insert(format!("{BASELINE}: {rule} (AWS::Config::ConfigRule)"));
    }
    for fix in [
        "RemediateS3PublicRead",
        "RemediateS3PublicWrite",
        "RemediateKmsKeyRotation",
        "RemediateS3SslRequestsOnly",
        "RemediateS3ServerSideEncryption",
        "RemediateCloudTrailLogFileValidation",
        "RemediateRestrictedSsh",
    ] {
        expected.insert(format!(
            "{BASELINE}: {fix} (AWS::Config::RemediationConfiguration)"
        ));
    }
    expected.insert(format!("{SECURITY}: ConfigAggregatorRole (AWS::IAM::Role)"));
    expected.insert(format!(
        "{SECURITY}: ConfigAggregator (AWS::Config::ConfigurationAggregator)"
    ));
    assert_eq!(removed, expected);
}

#[test]
fn organization_trail_switch_removes_the_trail_stack() {
    let (added, removed) = change("logging.organization_trail=false");
    assert_eq!(added, set(&[]));
    assert_eq!(
        removed,
        set(&[
            "cloudformation/log-archive/organization-trail.yaml: OrganizationTrail (AWS::CloudTrail::Trail)"
        ])
    );
}

#[test]
fn central_logs_switch_removes_the_destination_stream_and_subscriptions() {
    let (added, removed) = change("logging.cloudwatch_logs_to_s3=false");
    assert_eq!(added, set(&[]));
    let destination = "cloudformation/log-archive/log-destination-us-east-1.yaml";
    assert_eq!(
        removed,
        set(&[
            &format!("{destination}: CentralLogsStream (AWS::KinesisFirehose::DeliveryStream)"),
            &format!("{destination}: Destination (AWS::Logs::Destination)"),
            &format!("{destination}: FirehoseRole (AWS::IAM::Role)"),
            &format!("{destination}: LogsToFirehoseRole (AWS::IAM::Role)"),
            "cloudformation/tooling/pipeline.yaml: BuildLogsToTheArchive (AWS::Logs::SubscriptionFilter)",
            "cloudformation/workloads/target.yaml: ApplicationLogsToTheArchive (AWS::Logs::SubscriptionFilter)",
        ])
    );
}

#[test]
fn slack_adds_the_chatbot_channels_in_tooling_and_security() {
    let (added, removed) =
        change("notifications.slack={team_id: T0123ABCD, channel_id: C0123ABCD}");
    assert_eq!(removed, set(&[]));
    let governance = "cloudformation/tooling/governance.yaml";
    assert_eq!(
        added,
        set(&[
            &format!("{governance}: ChatbotGuardrail (AWS::IAM::ManagedPolicy)"),
            &format!("{governance}: ChatbotRole (AWS::IAM::Role)"),
            &format!("{governance}: SlackChannel (AWS::Chatbot::SlackChannelConfiguration)"),
            &format!("{SECURITY}: ChatbotGuardrail (AWS::IAM::ManagedPolicy)"),
            &format!("{SECURITY}: ChatbotRole (AWS::IAM::Role)"),
            &format!("{SECURITY}: SlackChannel (AWS::Chatbot::SlackChannelConfiguration)"),
        ])
    );
}

#[test]
fn every_account_and_the_management_account_get_a_baseline_in_each_region() {
    let tree = render(&["--config", "examples/multi-region.yaml"]);
    let answers: Value = serde_yaml::from_slice(&tree["lzgen.yaml"].0).expect("answers");
    let home = answers["organization"]["home_region"]
        .as_str()
        .expect("home");
    let org = answers["organization"]["name"].as_str().expect("name");
    let regions: Vec<&str> = answers["organization"]["regions"]
        .as_sequence()
        .expect("regions")
        .iter()
        .map(|r| r.as_str().expect("region"))
        .collect();
    assert!(regions.len() > 1);
    // The management account, which no StackSet reaches: a stack per region.
    let baselines: Vec<&String> = tree
        .keys()
        .filter(|p| {
            p.starts_with("cloudformation/baseline/management-") && p.ends_with(".parameters.json")
        })
        .collect();
    assert_eq!(baselines.len(), regions.len(), "{baselines:#?}");
    assert!(tree.contains_key("cloudformation/baseline/management-eu-central-1.parameters.json"));
    // Every member account: the home region's StackSet, then the other
    // regions' StackSet, which waits for it, in every OU that holds one.
    let deploy = String::from_utf8(tree["scripts/deploy.sh"].0.clone()).expect("utf8");
    let lines: Vec<&str> = deploy.lines().collect();
    let call = |set: &str| {
        let at = lines
            .iter()
            .position(|l| l.starts_with(&format!("deploy_stack_set '{org}-{set}' ")))
            .unwrap_or_else(|| panic!("deploy.sh deploys {set}"));
        (at, lines[at], lines[at + 1])
    };
    let (home_at, home_call, home_ous) = call("baseline");
    let (others_at, others_call, others_ous) = call("baseline-regions");
    assert!(home_at < others_at);
    assert!(
        home_call.contains(&format!(" '{home}' \"\" '' ")),
        "{home_call}"
    );
    let others: Vec<&str> = regions.iter().copied().filter(|r| *r != home).collect();
    assert!(
        others_call.contains(&format!(" '{}' \"\" '{org}-baseline' ", others.join(" "))),
        "{others_call}"
    );
    let mut ous: Vec<String> = answers["accounts"]
        .as_sequence()
        .expect("accounts")
        .iter()
        .map(|a| format!("'{}'", a["ou"].as_str().expect("ou")))
        .collect();
    ous.sort();
    ous.dedup();
    for listed in [home_ous, others_ous] {
        assert_eq!(listed.trim(), ous.join(" "));
    }
}

/// `lzgen new` on the standard preset with one `--set`: it must exit 2 and
/// write nothing. Returns what it printed on stderr.
fn refused_with(set: &str) -> String {
    let (_tmp, target) = fresh_target();
    let out = lzgen()
        .args([
            "new",
            target.to_str().expect("utf-8"),
            "--preset",
            "standard",
        ])
        .args(["--set", set])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(!target.exists());
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn validation_refuses_more_scps_on_an_ou_than_the_quota() {
    let stderr = refused_with("guardrails.quotas.scps_per_target=5");
    // Every OU over the quota is named, not only the first.
    for ou in ["Security", "Deployment", "Workloads"] {
        assert!(
            stderr.contains(&format!("guardrails.scps: expected at most 5 SCPs on one target (FullAWSAccess included), found 6 on OU `{ou}`")),
            "{stderr}"
        );
    }
}

#[test]
fn validation_refuses_an_scp_over_the_character_quota() {
    let stderr = refused_with("guardrails.quotas.policy_characters=1024");
    for scp in [
        "restrict-regions",
        "protect-logging",
        "protect-security-services",
        "deny-manual-prod-changes",
    ] {
        assert!(
            stderr.contains(&format!("guardrails.scps: expected service control policies of at most 1024 characters (guardrails.quotas.policy_characters), found `{scp}` at ")),
            "{stderr}"
        );
    }
    assert!(!stderr.contains("`deny-root-user`"), "{stderr}");
}

#[test]
fn the_drift_reader_reads_through_security_audit_and_trusts_only_the_drift_function() {
    let tree = render(&["--preset", "standard"]);
    let baseline: Value =
        serde_yaml::from_slice(&tree["cloudformation/baseline/baseline.yaml"].0).expect("parses");
    let role = &baseline["Resources"]["DriftReaderRole"]["Properties"];
    let managed = serde_yaml::to_string(&role["ManagedPolicyArns"]).expect("yaml");
    assert_eq!(
        managed.trim(),
        "- !Sub arn:${AWS::Partition}:iam::aws:policy/SecurityAudit"
    );
    let trust =
        serde_yaml::to_string(&role["AssumeRolePolicyDocument"]["Statement"]).expect("yaml");
    assert!(
        trust.contains("aws:PrincipalArn: !Sub arn:${AWS::Partition}:iam::${ToolingAccountId}:role/acme-drift-detection"),
        "{trust}"
    );
}

#[test]
fn deployment_alarms_reach_the_tooling_accounts_alarms_topic() {
    let tree = render(&["--config", "examples/multi-region.yaml"]);
    let yaml = |path: &str| -> Value { serde_yaml::from_slice(&tree[path].0).expect("parses") };
    let governance = yaml("cloudformation/tooling/governance.yaml");
    let rule = &governance["Resources"]["DeploymentAlarms"]["Properties"]["EventPattern"];
    let prefix = rule["detail"]["alarmName"][0]["prefix"]
        .as_str()
        .expect("a prefix");
    assert_eq!(rule["detail"]["state"]["value"][0], "ALARM");
    let bus =
        serde_yaml::to_string(&governance["Resources"]["OrganizationForwardsAlarms"]["Properties"])
            .expect("yaml");
    assert!(
        bus.contains("aws:PrincipalOrgID: !Ref OrganizationId"),
        "{bus}"
    );
    let targets: Vec<&String> = tree
        .keys()
        .filter(|p| p.starts_with("cloudformation/workloads/target"))
        .filter(|p| p.ends_with(".yaml"))
        .collect();
    // One template for every workload account and region (a StackSet).
    assert_eq!(targets.len(), 1, "{targets:#?}");
    for path in targets {
        let target = yaml(path);
        let resources = target["Resources"].as_mapping().expect("resources");
        // Every alarm of the deployment group matches the forwarding prefix.
        let alarms: Vec<&str> = resources
            .values()
            .filter(|r| r["Type"] == "AWS::CloudWatch::Alarm")
            .map(|r| r["Properties"]["AlarmName"].as_str().expect("a name"))
            .collect();
        assert!(!alarms.is_empty(), "{path}");
        assert!(
            alarms.iter().all(|a| a.starts_with(prefix)),
            "{path}: {alarms:?} vs {prefix}"
        );
        let forwarding = &target["Resources"]["AlarmForwarding"]["Properties"];
        assert_eq!(
            forwarding["EventPattern"]["detail"]["alarmName"][0]["prefix"].as_str(),
            Some(prefix)
        );
        let to = serde_yaml::to_string(&forwarding["Targets"][0]["Arn"]).expect("yaml");
        assert!(
            to.contains(":eu-west-1:${ToolingAccountId}:event-bus/default"),
            "{path}: {to}"
        );
    }
}

/// The StackSets' instances are created in the member accounts by the
/// `stacksets-exec-*` role (the managed policy
/// CloudFormationStackSetsOrgAdminServiceRolePolicy lets StackSets assume
/// only `role/stacksets-exec-*` there), a plain IAM role that SCPs govern.
/// The baseline creates AWS Config's recorder and delivery channel, which
/// `protect-logging` denies, and the roles StackSet creates roles in Prod,
/// which `deny-manual-prod-changes` denies: without that role in their
/// exemptions, every instance would fail on real AWS, with no linter or
/// emulator to tell.
#[test]
fn the_guardrails_let_the_stacksets_role_build_the_baseline_and_the_roles() {
    let tree = render(&["--preset", "enterprise"]);
    let exempt = |file: &str, sid: &str| -> Vec<String> {
        let doc: serde_json::Value = serde_json::from_slice(&tree[file].0).expect("json");
        let statement = doc["Statement"]
            .as_array()
            .expect("statements")
            .iter()
            .find(|s| s["Sid"] == sid)
            .unwrap_or_else(|| panic!("{file}: {sid}"))
            .clone();
        let arns = &statement["Condition"]["ArnNotLike"]["aws:PrincipalArn"];
        match arns {
            serde_json::Value::String(one) => vec![one.clone()],
            other => other
                .as_array()
                .expect("ARNs")
                .iter()
                .map(|a| a.as_str().expect("ARN").to_string())
                .collect(),
        }
    };
    for (file, sid) in [
        (
            "policies/scp/protect-logging.json",
            "ProtectTrailsAndConfig",
        ),
        (
            "policies/scp/deny-manual-prod-changes.json",
            "OnlyThePipelineChangesProduction",
        ),
    ] {
        let arns = exempt(file, sid);
        assert!(
            arns.iter()
                .any(|a| a == "arn:*:iam::*:role/stacksets-exec-*"),
            "{file} {sid}: {arns:?}"
        );
    }
    // The statements guard what the StackSets create.
    let logging =
        String::from_utf8(tree["policies/scp/protect-logging.json"].0.clone()).expect("utf8");
    assert!(logging.contains("\"config:PutConfigurationRecorder\""));
    let baseline =
        String::from_utf8(tree["cloudformation/baseline/baseline.yaml"].0.clone()).expect("utf8");
    assert!(baseline.contains("Type: AWS::Config::ConfigurationRecorder"));
}
