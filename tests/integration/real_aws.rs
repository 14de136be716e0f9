//! What AWS itself would refuse, which lint and the emulator do not see:
//! actions scoped to resource types they do not take, resources created
//! before what they need, regional keys used in another region, roles a
//! guardrail forgets. Each test fails on the output lzgen wrote before the
//! fix it guards.

use crate::support::{rendered, text};
use lzgen::render::RenderedFile;
use serde_yaml::Value;

const BOTH: [&str; 2] = ["organization.iac=both", "terraform.state_locking=dynamodb"];

fn yaml(files: &[RenderedFile], path: &str) -> Value {
    serde_yaml::from_str(text(files, path)).expect("yaml")
}

/// Every statement of every CloudFormation template, with where it is.
fn cfn_statements(files: &[RenderedFile]) -> Vec<(String, Value)> {
    fn walk(v: &Value, file: &str, out: &mut Vec<(String, Value)>) {
        match v {
            Value::Mapping(m) => {
                if let (Some(_), Some(Value::Sequence(list))) =
                    (m.get("Version"), m.get("Statement"))
                {
                    out.extend(list.iter().map(|s| (file.to_string(), s.clone())));
                    return;
                }
                m.values().for_each(|c| walk(c, file, out));
            }
            Value::Sequence(items) => items.iter().for_each(|c| walk(c, file, out)),
            Value::Tagged(t) => walk(&t.value, file, out),
            _ => {}
        }
    }
    let mut out = Vec::new();
    for f in files
        .iter()
        .filter(|f| f.path.starts_with("cloudformation/") && f.path.ends_with(".yaml"))
    {
        let doc: Value = serde_yaml::from_slice(&f.bytes).expect("yaml");
        walk(&doc, &f.path, &mut out);
    }
    out
}

/// (file, actions, resources) of every Terraform policy statement.
fn tf_statements(files: &[RenderedFile]) -> Vec<(String, Vec<String>, Vec<String>)> {
    let strings = |body: &hcl::Body, key: &str| -> Vec<String> {
        body.attributes()
            .find(|a| a.key() == key)
            .map(|a| match a.expr() {
                hcl::Expression::Array(items) => items
                    .iter()
                    .map(|e| e.to_string().trim_matches('"').to_string())
                    .collect(),
                other => vec![other.to_string().trim_matches('"').to_string()],
            })
            .unwrap_or_default()
    };
    let mut out = Vec::new();
    for f in files.iter().filter(|f| f.path.ends_with(".tf")) {
        let body: hcl::Body =
            hcl::from_str(std::str::from_utf8(&f.bytes).expect("utf-8")).expect("hcl");
        for doc in body.blocks().filter(|b| {
            b.identifier() == "data" && b.labels()[0].as_str() == "aws_iam_policy_document"
        }) {
            for s in doc
                .body()
                .blocks()
                .filter(|b| b.identifier() == "statement")
            {
                out.push((
                    f.path.clone(),
                    strings(s.body(), "actions"),
                    strings(s.body(), "resources"),
                ));
            }
        }
    }
    out
}

fn values(v: &Value) -> Vec<String> {
    match v {
        Value::Sequence(items) => items.iter().flat_map(values).collect(),
        Value::String(s) => vec![s.clone()],
        Value::Tagged(t) => values(&t.value),
        _ => vec![],
    }
}

/// Actions the Service Authorization Reference gives no resource type: a
/// statement must grant them on `*`, or it never matches and AWS denies the
/// call at run time. Each is one lzgen once scoped wrongly (issue 12).
const STAR_ONLY: [&str; 5] = [
    // AWS CodeDeploy: a Lambda traffic hook reports with it.
    "codedeploy:PutLifecycleEventHookExecutionStatus",
    // AWS CloudTrail: the trail-validation remediation lists trails.
    "cloudtrail:DescribeTrails",
    // AWS CloudFormation: the drift reader waits on detection with it.
    "cloudformation:DescribeStackDriftDetectionStatus",
    "cloudformation:ListStacks",
    // Amazon ECS: CodeDeploy's first blue/green step. Copies of the reference
    // disagree on a task-set type; `*` is right under either reading.
    "ecs:CreateTaskSet",
];

fn every_answer_set() -> Vec<Vec<RenderedFile>> {
    let mut sets = Vec::new();
    for source in [
        "preset:standard",
        "examples/lambda-canary.yaml",
        "examples/ec2-blue-green.yaml",
    ] {
        sets.push(rendered(source, &BOTH));
    }
    sets
}

#[test]
fn actions_without_a_resource_type_are_granted_on_star_in_both_flavours() {
    let mut seen = std::collections::BTreeSet::new();
    for files in every_answer_set() {
        for (file, s) in cfn_statements(&files) {
            let actions = values(&s["Action"]);
            for action in STAR_ONLY.iter().filter(|a| actions.iter().any(|x| x == *a)) {
                seen.insert((*action, "cloudformation"));
                assert_eq!(
                    values(&s["Resource"]),
                    ["*"],
                    "{file}: {action} takes no resource type, so its statement must grant it on *"
                );
            }
        }
        for (file, actions, resources) in tf_statements(&files) {
            for action in STAR_ONLY.iter().filter(|a| actions.iter().any(|x| x == *a)) {
                seen.insert((*action, "terraform"));
                assert_eq!(resources, ["*"], "{file}: {action} takes no resource type");
            }
        }
    }
    // Every action of the table is used somewhere in each flavour that has
    // it, so the test cannot pass by finding nothing.
    for action in STAR_ONLY {
        assert!(
            seen.contains(&(action, "cloudformation")),
            "{action} not found in CloudFormation"
        );
    }
    assert!(seen.len() >= 8, "found only {seen:?}");
}

#[test]
fn a_create_task_set_grant_is_kept_to_the_applications_service_by_condition() {
    let files = rendered("preset:standard", &BOTH);
    let statements = cfn_statements(&files);
    let (_, s) = statements
        .iter()
        .find(|(_, s)| s["Sid"].as_str() == Some("CreateTaskSets"))
        .expect("a CreateTaskSets statement");
    let like = &s["Condition"]["ArnLike"];
    assert!(values(&like["ecs:cluster"])[0].ends_with(":cluster/acme-sample-app"));
    assert!(values(&like["ecs:service"])[0].ends_with(":service/acme-sample-app/sample-app"));
}

#[test]
fn no_key_policy_grants_describe_key_under_an_encryption_context_it_cannot_carry() {
    for files in every_answer_set() {
        for (file, s) in cfn_statements(&files) {
            let context = s["Condition"]
                .as_mapping()
                .into_iter()
                .flat_map(|m| m.values())
                .filter_map(Value::as_mapping)
                .flat_map(|m| m.keys())
                .any(|k| {
                    k.as_str()
                        .is_some_and(|k| k.starts_with("kms:EncryptionContext:"))
                });
            assert!(
                !(context && values(&s["Action"]).iter().any(|a| a == "kms:DescribeKey")),
                "{file}: DescribeKey carries no encryption context: {s:?}"
            );
        }
    }
}

#[test]
fn the_remediation_role_writes_bucket_policies_only_in_its_own_account() {
    let files = rendered("preset:standard", &BOTH);
    let statements = cfn_statements(&files);
    let (_, s) = statements
        .iter()
        .find(|(_, s)| {
            values(&s["Action"])
                .iter()
                .any(|a| a == "s3:PutBucketPolicy")
                && s["Effect"] == "Allow"
        })
        .expect("the remediation statement");
    assert_eq!(
        values(&s["Resource"]),
        ["arn:${AWS::Partition}:s3:::*"],
        "no hard-coded partition"
    );
    assert_eq!(
        values(&s["Condition"]["StringEquals"]["aws:ResourceAccount"]),
        ["AWS::AccountId"]
    );
    let tf = text(&files, "terraform/modules/baseline/main.tf");
    let start = tf
        .find("sid = \"BlockPublicAccessRequireTlsAndEncrypt\"")
        .expect("tf statement");
    let statement = &tf[start..start + tf[start..].find("\n  }\n").expect("end")];
    assert!(
        statement.contains("variable = \"aws:ResourceAccount\""),
        "{statement}"
    );
    assert!(
        statement.contains("arn:${local.partition}:s3:::*"),
        "{statement}"
    );
}

#[test]
fn accounts_are_created_one_after_another_in_both_flavours() {
    let files = rendered("examples/multi-region.yaml", &BOTH);
    let org = yaml(&files, "cloudformation/organization/organization.yaml");
    let accounts: Vec<(&str, &Value)> = org["Resources"]
        .as_mapping()
        .expect("resources")
        .iter()
        .filter(|(_, r)| r["Type"] == "AWS::Organizations::Account")
        .map(|(k, r)| (k.as_str().expect("id"), r))
        .collect();
    assert!(accounts.len() >= 4, "{} accounts", accounts.len());
    for pair in accounts.windows(2) {
        assert_eq!(
            pair[1].1["DependsOn"].as_str(),
            Some(pair[0].0),
            "{} waits for {}",
            pair[1].0,
            pair[0].0
        );
    }
    assert!(accounts[0].1.get("DependsOn").is_none());
    // Terraform creates in parallel unless told: the same chain.
    let body: hcl::Body =
        hcl::from_str(text(&files, "terraform/organization/main.tf")).expect("hcl");
    let created: Vec<&hcl::Block> = body
        .blocks()
        .filter(|b| {
            b.identifier() == "resource" && b.labels()[0].as_str() == "aws_organizations_account"
        })
        .filter(|b| b.body().attributes().any(|a| a.key() == "role_name"))
        .collect();
    assert_eq!(created.len(), accounts.len());
    for pair in created.windows(2) {
        let depends = pair[1]
            .body()
            .attributes()
            .find(|a| a.key() == "depends_on")
            .map(|a| a.expr().to_string())
            .unwrap_or_default();
        assert!(
            depends.contains(&format!(
                "aws_organizations_account.{}",
                pair[0].labels()[1].as_str()
            )),
            "{:?} waits for {:?}: {depends}",
            pair[1].labels(),
            pair[0].labels()
        );
    }
}

#[test]
fn the_config_recorder_waits_for_its_role_and_the_delivery_channel_for_the_recorder() {
    let files = rendered("preset:standard", &BOTH);
    let baseline = yaml(&files, "cloudformation/baseline/baseline.yaml");
    let resources = &baseline["Resources"];
    assert_eq!(
        resources["ConfigDeliveryChannel"]["DependsOn"].as_str(),
        Some("ConfigRecorder")
    );
    let role =
        serde_yaml::to_string(&resources["ConfigRecorder"]["Properties"]["RoleARN"]).expect("yaml");
    assert!(
        role.contains("!GetAtt ConfigRecorderRole.Arn") || role.contains("ConfigRecorderRole.Arn"),
        "{role}"
    );
    let tf = text(&files, "terraform/modules/baseline/main.tf");
    let channel = &tf[tf
        .find("resource \"aws_config_delivery_channel\"")
        .expect("channel")..];
    assert!(
        channel[..channel.find("\n}\n").expect("end")]
            .contains("[aws_config_configuration_recorder.this]")
    );
}

#[test]
fn the_recorder_role_may_deliver_to_the_log_bucket_in_its_own_account() {
    let files = rendered("preset:standard", &BOTH);
    let statements = cfn_statements(&files);
    let find = |sid: &str| {
        statements
            .iter()
            .find(|(f, s)| f.ends_with("baseline.yaml") && s["Sid"].as_str() == Some(sid))
            .map(|(_, s)| s.clone())
            .unwrap_or_else(|| panic!("{sid}"))
    };
    let put = find("DeliverThisAccountsConfiguration");
    assert_eq!(values(&put["Action"]), ["s3:PutObject"]);
    assert_eq!(
        values(&put["Resource"]),
        ["arn:${AWS::Partition}:s3:::${LogBucketName}/AWSLogs/${AWS::AccountId}/Config/*"]
    );
    assert_eq!(
        values(&find("EncryptWithTheLogKey")["Resource"]),
        ["LogKeyArn"]
    );
    assert_eq!(
        values(&find("CheckTheLogBucket")["Action"]),
        ["s3:GetBucketAcl"]
    );
    assert!(
        text(&files, "terraform/modules/baseline/main.tf")
            .contains("\"DeliverThisAccountsConfiguration\"")
    );
}

#[test]
fn a_stream_outside_the_home_region_is_not_encrypted_with_the_home_regions_key() {
    let files = rendered("examples/multi-region.yaml", &BOTH);
    let mut regions = 0;
    for f in files.iter().filter(|f| {
        f.path
            .starts_with("cloudformation/log-archive/log-destination-")
            && f.path.ends_with(".yaml")
    }) {
        let doc: Value = serde_yaml::from_slice(&f.bytes).expect("yaml");
        let encryption = &doc["Resources"]["CentralLogsStream"]["Properties"]["DeliveryStreamEncryptionConfigurationInput"];
        let home = f.path.ends_with("-eu-west-1.yaml");
        if home {
            assert_eq!(encryption["KeyType"], "CUSTOMER_MANAGED_CMK", "{}", f.path);
        } else {
            assert_eq!(encryption["KeyType"], "AWS_OWNED_CMK", "{}", f.path);
            assert!(encryption.get("KeyARN").is_none(), "{}", f.path);
        }
        // What reaches the bucket keeps the bucket's key in every region.
        let s3 = &doc["Resources"]["CentralLogsStream"]["Properties"]["ExtendedS3DestinationConfiguration"];
        assert_eq!(
            values(&s3["EncryptionConfiguration"]["KMSEncryptionConfig"]["AWSKMSKeyARN"]),
            ["LogKeyArn"]
        );
        regions += 1;
    }
    assert_eq!(regions, 2);
    let tf = text(&files, "terraform/log-archive/main.tf");
    assert_eq!(
        tf.lines()
            .filter(|l| l.trim_start().starts_with("stream_key_arn")
                && l.ends_with("= aws_kms_key.logs.arn"))
            .count(),
        1,
        "only the home region's stream uses the log key"
    );
}

#[test]
fn every_role_in_prod_accounts_is_exempt_from_the_prod_guardrail() {
    let files = rendered("preset:standard", &BOTH);
    let resolved = lzgen::resolve(
        &lzgen::config::Sources {
            preset: Some("standard".into()),
            ..lzgen::config::Sources::default()
        },
        |p| std::fs::read_to_string(p),
    )
    .expect("valid");
    let (zone, stacks) = (&resolved.zone, &resolved.units.stacks);
    assert!(lzgen::verify::prod_roles_outside_the_guardrail(zone, stacks, &files).is_empty());
    // The per-region roles have generated names; their path exempts them.
    let scp = text(&files, "policies/scp/deny-manual-prod-changes.json");
    assert!(
        scp.contains("\"arn:*:iam::*:role/acme-sample-app/*\""),
        "{scp}"
    );
    // A role without that path is caught before anything is written.
    let mut broken = files.clone();
    let target = broken
        .iter_mut()
        .find(|f| f.path == "cloudformation/workloads/target.yaml")
        .expect("prod target");
    let old = String::from_utf8(target.bytes.clone()).expect("utf-8");
    assert!(old.contains("Path: \"/acme-sample-app/\""));
    target.bytes = old
        .replacen("      Path: \"/acme-sample-app/\"\n", "", 1)
        .into_bytes();
    let defects = lzgen::verify::prod_roles_outside_the_guardrail(zone, stacks, &broken);
    assert_eq!(defects.len(), 1, "{defects:?}");
    assert!(
        defects[0].message.contains("does not exempt it"),
        "{}",
        defects[0]
    );
    // Terraform's per-region roles carry the same path.
    for module in [
        "terraform/modules/network/main.tf",
        "terraform/modules/target-ecs/main.tf",
    ] {
        assert!(
            text(&files, module).contains("\"/acme-sample-app/\""),
            "{module}"
        );
    }
}

#[test]
fn the_tooling_stack_creates_the_source_connection_so_a_first_run_needs_no_arn() {
    let files = rendered("preset:standard", &BOTH);
    let pipeline = yaml(&files, "cloudformation/tooling/pipeline.yaml");
    let connection = &pipeline["Resources"]["SourceConnection"];
    assert_eq!(connection["Type"], "AWS::CodeConnections::Connection");
    assert_eq!(connection["Condition"], "CreateTheConnection");
    let name = connection["Properties"]["ConnectionName"]
        .as_str()
        .expect("name");
    assert!(!name.is_empty() && name.len() <= 32, "{name}");
    // The parameter is optional: empty creates the connection.
    assert_eq!(pipeline["Parameters"]["ConnectionArn"]["Default"], "");
    let params = text(&files, "cloudformation/tooling/pipeline.parameters.json");
    assert!(
        params.contains("\"${CODECONNECTIONS_CONNECTION_ARN:-}\""),
        "{params}"
    );
    // Nothing stops the first run for want of an ARN.
    let deploy = text(&files, "scripts/deploy.sh");
    assert!(
        !deploy.contains("set CODECONNECTIONS_CONNECTION_ARN first"),
        "deploy.sh still demands the ARN"
    );
    assert!(
        deploy.contains("codesuite/settings/connections"),
        "deploy.sh prints where to activate it"
    );
    let tf = text(&files, "terraform/tooling/main.tf");
    assert!(tf.contains("resource \"aws_codeconnections_connection\" \"source\""));
    assert!(!tf.contains("var.connection_arn"));
    assert!(!text(&files, "scripts/terraform.sh").contains("CONNECTION_ARN"));
    // A long organization and application name still fits the 32 characters.
    let long = rendered(
        "preset:standard",
        &[
            "organization.name=abcdefghijklmnopqrst",
            "pipeline.application=application-with-a-long-name",
        ],
    );
    let pipeline = yaml(&long, "cloudformation/tooling/pipeline.yaml");
    let name = pipeline["Resources"]["SourceConnection"]["Properties"]["ConnectionName"]
        .as_str()
        .expect("name");
    assert!(name.len() <= 32 && !name.ends_with('-'), "{name}");
}

#[test]
fn a_retried_commit_releases_the_image_it_pushed_before() {
    let files = rendered("preset:standard", &BOTH);
    let buildspec = yaml(&files, "app/buildspec.yml");
    let commands = |phase: &str| -> Vec<String> { values(&buildspec["phases"][phase]["commands"]) };
    let pre = commands("pre_build");
    assert!(
        pre.iter().any(
            |c| c.contains("docker manifest inspect \"$REPOSITORY_URI:$IMAGE_TAG\"")
                && c.contains("touch .image-pushed")
        ),
        "{pre:?}"
    );
    let guarded = |c: &String| c.starts_with("[ -e .image-pushed ] ||");
    for (phase, command) in [
        ("build", "docker build"),
        ("build", "trivy"),
        ("post_build", "docker push"),
    ] {
        let found: Vec<String> = commands(phase)
            .into_iter()
            .filter(|c| c.contains(command))
            .collect();
        assert!(
            !found.is_empty() && found.iter().all(guarded),
            "{phase}: {found:?}"
        );
    }
}

#[test]
fn security_hub_enrols_the_accounts_that_exist_already_in_both_flavours() {
    let files = rendered("preset:enterprise", &BOTH);
    let deploy = text(&files, "scripts/deploy.sh");
    assert!(deploy.contains(
        "aws securityhub create-members --region \"$region\" --account-details \"${details[@]}\""
    ));
    assert!(deploy.contains("aws securityhub enable-security-hub --region \"$region\""));
    let auto = deploy.find("--auto-enable\n").expect("auto-enable");
    let members = deploy.find("create-members").expect("create-members");
    assert!(auto < members);
    let module = text(&files, "terraform/modules/security-region/main.tf");
    assert!(module.contains("resource \"aws_securityhub_member\" \"existing\""));
    assert!(text(&files, "terraform/security/main.tf").contains("member_account_ids"));
}

#[test]
fn deploy_sh_help_prints_the_header_and_nothing_of_the_code() {
    let (_tmp, target) = crate::support::fresh_target();
    crate::support::lzgen()
        .args(["new"])
        .arg(&target)
        .args(["--preset", "standard"])
        .assert()
        .success();
    for script in ["scripts/deploy.sh", "scripts/destroy.sh"] {
        let out = std::process::Command::new("bash")
            .arg(target.join(script))
            .arg("--help")
            .output()
            .expect("bash");
        assert!(out.status.success(), "{script}");
        let help = String::from_utf8_lossy(&out.stdout);
        assert!(
            !help.contains("set -euo pipefail") && help.lines().count() > 3,
            "{script}: {help}"
        );
    }
}

#[test]
fn a_second_run_and_a_failed_creation_are_handled_by_deploy_sh() {
    let files = rendered("preset:standard", &BOTH);
    let deploy = text(&files, "scripts/deploy.sh");
    // Each stack carries the fingerprint it was deployed from; the same
    // fingerprint skips the update.
    assert!(deploy.contains("\"Key=ManagedBy,Value=lzgen\" \"Key=lzgen:fingerprint,Value=$sum\""));
    assert!(deploy.contains("[ \"$deployed\" = \"$sum\" ]"));
    // A stack in ROLLBACK_COMPLETE is deleted and created again; one still
    // in progress is waited out first.
    assert!(deploy.contains("ROLLBACK_COMPLETE | ROLLBACK_FAILED | REVIEW_IN_PROGRESS)"));
    assert!(
        deploy.contains(
            "aws cloudformation delete-stack --region \"$region\" --stack-name \"$stack\""
        )
    );
    assert!(deploy.contains("*_IN_PROGRESS) ;;"));
}

#[test]
fn an_ec2_blue_green_release_may_copy_the_group_again_and_teardown_removes_the_copies() {
    let files = rendered("examples/ec2-blue-green.yaml", &BOTH);
    let copies = "autoScalingGroupName/CodeDeploy_initech-tps-reports_d-*";
    let statements = cfn_statements(&files);
    let groups: Vec<&Value> = statements
        .iter()
        .filter(|(f, _)| f.ends_with("roles.yaml"))
        .map(|(_, s)| s)
        .filter(|s| {
            values(&s["Action"])
                .iter()
                .any(|a| a == "autoscaling:UpdateAutoScalingGroup")
        })
        .collect();
    assert!(groups.len() >= 2, "{groups:?}");
    for s in groups {
        let resources = values(&s["Resource"]);
        assert!(
            resources.iter().any(|r| r.ends_with(copies)),
            "{resources:?}"
        );
        // The application's own group by its exact name, not as a prefix.
        assert!(
            resources
                .iter()
                .any(|r| r.ends_with("autoScalingGroupName/initech-tps-reports")),
            "{resources:?}"
        );
    }
    for (file, actions, resources) in tf_statements(&files) {
        if actions
            .iter()
            .any(|a| a == "autoscaling:UpdateAutoScalingGroup")
        {
            assert!(
                resources.iter().any(|r| r.ends_with(copies)),
                "{file}: {resources:?}"
            );
        }
    }
    let destroy = text(&files, "scripts/destroy.sh");
    let at = |needle: &str| destroy.find(needle).unwrap_or_else(|| panic!("{needle}"));
    assert!(
        destroy.contains("starts_with(AutoScalingGroupName, `CodeDeploy_initech-tps-reports_d-`)")
    );
    // In every account and region of the targets' StackSet, before it goes.
    assert!(
        at("delete_codedeploy_groups \"${ACCOUNT_ID_DEV}\" \"$region\"")
            < at("destroy_stack_set 'initech-workload-targets' 'eu-north-1'")
    );
    // Terraform keeps the first group in its state: the README says how to
    // let go of it, and that terraform.sh leaves the copies to the user.
    let readme = text(&files, "README.md");
    assert!(
        readme.contains("state rm 'module.target_<region>.aws_autoscaling_group.this'"),
        "README"
    );
    assert!(
        readme.contains("`scripts/terraform.sh destroy` does not delete"),
        "README"
    );
    // In-place releases make no copies: nothing to delete.
    let in_place = rendered(
        "preset:standard",
        &[
            "pipeline.deploy.compute=ec2",
            "pipeline.deploy.strategy=in-place",
        ],
    );
    assert!(!text(&in_place, "scripts/destroy.sh").contains("delete_codedeploy_groups"));
}

#[test]
fn an_adopted_account_gets_its_access_role_template_and_deploy_sh_stops_until_it_exists() {
    let files = rendered("examples/multi-region.yaml", &BOTH);
    let template = yaml(
        &files,
        "cloudformation/adopted/organization-account-access-role.yaml",
    );
    let role = &template["Resources"]["OrganizationAccountAccessRole"]["Properties"];
    assert_eq!(role["RoleName"], "OrganizationAccountAccessRole");
    let trust = &role["AssumeRolePolicyDocument"]["Statement"][0];
    assert_eq!(
        values(&trust["Principal"]["AWS"]),
        ["arn:${AWS::Partition}:iam::${ManagementAccountId}:root"]
    );
    assert_eq!(
        values(&trust["Condition"]["StringEquals"]["aws:PrincipalOrgID"]),
        ["OrganizationId"]
    );
    assert!(text(&files, "README.md").contains("`prod` (210987654321)"));
    assert!(text(&files, "scripts/terraform.sh").contains("prod 210987654321"));
    // Without an adopted account there is nothing to make by hand.
    let standard = rendered("preset:standard", &[]);
    assert!(!standard.iter().any(|f| f.path.contains("adopted")));

    // deploy.sh, run against a stand-in AWS CLI in which the role is missing,
    // stops before any stack and prints what to run.
    let (_tmp, target) = crate::support::fresh_target();
    crate::support::lzgen()
        .args(["new"])
        .arg(&target)
        .args(["--config", "examples/multi-region.yaml"])
        .current_dir(crate::support::repo_root())
        .assert()
        .success();
    let bin = target.join("fake-bin");
    std::fs::create_dir_all(&bin).expect("bin");
    let calls = target.join("calls.txt");
    std::fs::write(
        bin.join("aws"),
        format!(
            "#!/usr/bin/env bash\necho \"$*\" >> {}\ncase \"$*\" in\n  *\"sts assume-role\"*210987654321*) exit 254 ;;\n  *describe-organization*) echo o-abcdefghij ;;\n  *list-roots*) echo r-abcd ;;\n  *list-accounts*) printf '1111222233%02d\\tnorthwind-%s\\tx@example.com\\n' 1 log-archive 2 security 3 tooling 4 artifact 5 dev 6 research ;;\n  *) exit 1 ;;\nesac\n",
            calls.display()
        ),
    )
    .expect("fake aws");
    std::process::Command::new("chmod")
        .arg("+x")
        .arg(bin.join("aws"))
        .status()
        .expect("chmod");
    let out = std::process::Command::new("bash")
        .arg(target.join("scripts/deploy.sh"))
        .arg("--skip-organization")
        .env(
            "PATH",
            format!(
                "{}:{}",
                bin.display(),
                std::env::var("PATH").unwrap_or_default()
            ),
        )
        .output()
        .expect("bash");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("cannot assume OrganizationAccountAccessRole in prod (210987654321)"),
        "{stderr}"
    );
    assert!(
        stderr.contains(
            "--parameter-overrides ManagementAccountId=123456789012 OrganizationId=o-abcdefghij"
        ),
        "{stderr}"
    );
    let made = std::fs::read_to_string(&calls).expect("calls");
    assert!(
        !made.contains("cloudformation"),
        "no stack was touched: {made}"
    );
}
