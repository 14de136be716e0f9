//! The delivery pipeline as generated: least privilege in every policy, one
//! artifact store per region, stages in order, deployment roles that trust
//! only the pipeline.

use crate::support::rendered;
use lzgen::render::RenderedFile;
use lzgen::verify::{policy_documents, policy_invariants};
use serde_yaml::Value;

fn preset(name: &str) -> Vec<RenderedFile> {
    rendered(&format!("preset:{name}"), &[])
}

/// An example as it is, or, for the Terraform-only example, in both flavours:
/// these checks read the CloudFormation side, and the parity test in
/// terraform.rs holds the Terraform side's policies equal to it.
fn example(name: &str) -> Vec<RenderedFile> {
    let sets: &[&str] = if name == "terraform" {
        &["organization.iac=both"]
    } else {
        &[]
    };
    rendered(&format!("examples/{name}.yaml"), sets)
}

fn every_answer_set() -> Vec<(String, Vec<RenderedFile>)> {
    let mut sets: Vec<(String, Vec<RenderedFile>)> = ["lab", "standard", "enterprise"]
        .iter()
        .map(|p| (p.to_string(), preset(p)))
        .collect();
    for entry in std::fs::read_dir("examples").expect("examples/") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "yaml") {
            let name = path
                .file_stem()
                .expect("stem")
                .to_string_lossy()
                .into_owned();
            sets.push((name.clone(), example(&name)));
        }
    }
    sets
}

fn yaml(files: &[RenderedFile], path: &str) -> Value {
    let file = files
        .iter()
        .find(|f| f.path == path)
        .unwrap_or_else(|| panic!("{path} is not generated"));
    serde_yaml::from_slice(&file.bytes).expect("yaml")
}

fn tag_text(value: &Value) -> String {
    match value {
        Value::Tagged(t) => format!("{} {}", t.tag, t.value.as_str().unwrap_or_default()),
        Value::String(s) => s.clone(),
        other => format!("{other:?}"),
    }
}

#[test]
fn every_generated_policy_is_least_privilege() {
    for (name, files) in every_answer_set() {
        let defects = policy_invariants(&files);
        assert!(defects.is_empty(), "{name}: {defects:#?}");
        let documents = policy_documents(&files);
        let statements: usize = documents.iter().map(|d| d.statements).sum();
        println!(
            "{name}: {} policy documents, {statements} statements, all least privilege",
            documents.len()
        );
        // The walk reaches every kind of policy the landing zone has.
        for (file, path) in [
            (
                "cloudformation/tooling/pipeline.yaml",
                "Resources.PipelineRole.Properties.AssumeRolePolicyDocument",
            ),
            (
                "cloudformation/tooling/pipeline.yaml",
                "Resources.BuildRole.Properties.Policies[0].PolicyDocument",
            ),
            (
                "cloudformation/tooling/pipeline.yaml",
                "Resources.NotificationsTopicPolicy.Properties.PolicyDocument",
            ),
            (
                "cloudformation/log-archive/log-archive.yaml",
                "Resources.LogBucketPolicy.Properties.PolicyDocument",
            ),
            (
                "cloudformation/organization/organization.yaml",
                "Resources.ScpDenyRootUser.Properties.Content",
            ),
            ("policies/scp/deny-root-user.json", ""),
            (
                "cloudformation/tooling/governance.yaml",
                "Resources.DriftTopicPolicy.Properties.PolicyDocument",
            ),
            (
                "cloudformation/baseline/baseline.yaml",
                "Resources.DriftReaderRole.Properties.AssumeRolePolicyDocument",
            ),
        ] {
            assert!(
                documents.iter().any(|d| d.file == file && d.path == path),
                "{name}: {file} {path} not walked"
            );
        }
        // Every SCP document is walked, and so is every governance policy
        // the answer set switches on.
        let scps = files
            .iter()
            .filter(|f| f.path.starts_with("policies/scp/"))
            .count();
        assert_eq!(
            documents
                .iter()
                .filter(|d| d.file.starts_with("policies/scp/"))
                .count(),
            scps,
            "{name}: every SCP walked"
        );
        for f in files
            .iter()
            .filter(|f| f.path.starts_with("cloudformation/"))
        {
            let text = String::from_utf8_lossy(&f.bytes);
            for (marker, path) in [
                (
                    "  Destination:\n",
                    "Resources.Destination.Properties.DestinationPolicy",
                ),
                (
                    "  FindingsTopicPolicy:\n",
                    "Resources.FindingsTopicPolicy.Properties.PolicyDocument",
                ),
            ] {
                if text.contains(marker) {
                    assert!(
                        documents.iter().any(|d| d.file == f.path && d.path == path),
                        "{name}: {} {path} not walked",
                        f.path
                    );
                }
            }
        }
        let trusts = documents
            .iter()
            .filter(|d| d.trust && d.path.contains("DeploymentRole"))
            .count();
        let workloads = files
            .iter()
            .filter(|f| f.path.ends_with("/roles.yaml"))
            .count();
        assert_eq!(
            trusts, workloads,
            "{name}: one deployment-role trust policy in each roles template"
        );
    }
}

#[test]
fn a_two_region_pipeline_has_one_artifact_store_per_region_with_its_key() {
    let files = example("multi-region");
    let pipeline = yaml(&files, "cloudformation/tooling/pipeline.yaml");
    let props = &pipeline["Resources"]["Pipeline"]["Properties"];
    assert!(
        props.get("ArtifactStore").is_none(),
        "one ArtifactStore with several regions"
    );
    let stores = props["ArtifactStores"]
        .as_sequence()
        .expect("ArtifactStores");
    let got: Vec<(String, String, String)> = stores
        .iter()
        .map(|s| {
            (
                s["Region"].as_str().expect("region").to_string(),
                tag_text(&s["ArtifactStore"]["Location"]),
                tag_text(&s["ArtifactStore"]["EncryptionKey"]["Id"]),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (
                "eu-west-1".to_string(),
                "!Sub northwind-artifacts-${ArtifactAccountId}-eu-west-1".to_string(),
                "!Ref ArtifactKeyArnEuWest1".to_string()
            ),
            (
                "eu-central-1".to_string(),
                "!Sub northwind-artifacts-${ArtifactAccountId}-eu-central-1".to_string(),
                "!Ref ArtifactKeyArnEuCentral1".to_string()
            ),
        ]
    );
    // Each key parameter is fed from that region's artifact stack.
    let params: serde_json::Value = serde_json::from_slice(
        &files
            .iter()
            .find(|f| f.path == "cloudformation/tooling/pipeline.parameters.json")
            .expect("params")
            .bytes,
    )
    .expect("json");
    let value = |key: &str| {
        params
            .as_array()
            .expect("list")
            .iter()
            .find(|p| p["ParameterKey"] == key)
            .map(|p| p["ParameterValue"].clone())
    };
    assert_eq!(
        value("ArtifactKeyArnEuWest1"),
        Some("${ARTIFACT_KEY_ARN_EU_WEST_1}".into())
    );
    assert_eq!(
        value("ArtifactKeyArnEuCentral1"),
        Some("${ARTIFACT_KEY_ARN_EU_CENTRAL_1}".into())
    );
    // Every deploy action runs in its region with its account's deployment role.
    let stages = props["Stages"].as_sequence().expect("stages");
    let actions: Vec<(String, String)> = stages
        .iter()
        .flat_map(|s| s["Actions"].as_sequence().expect("actions").iter())
        .filter(|a| a["ActionTypeId"]["Provider"] == "CodeDeployToECS")
        .map(|a| {
            (
                a["Name"].as_str().expect("name").to_string(),
                a["Region"].as_str().expect("region").to_string(),
            )
        })
        .collect();
    assert_eq!(actions.len(), 6, "3 workload accounts x 2 regions");
    assert!(actions.contains(&(
        "research-eu-central-1".to_string(),
        "eu-central-1".to_string()
    )));
}

#[test]
fn a_one_region_pipeline_has_a_single_artifact_store() {
    let files = preset("standard");
    let pipeline = yaml(&files, "cloudformation/tooling/pipeline.yaml");
    let props = &pipeline["Resources"]["Pipeline"]["Properties"];
    assert!(props.get("ArtifactStores").is_none());
    assert_eq!(
        tag_text(&props["ArtifactStore"]["EncryptionKey"]["Id"]),
        "!Ref ArtifactKeyArnUsEast1"
    );
}

#[test]
fn stages_run_in_order_with_approvals_before_their_stage() {
    let files = preset("enterprise");
    let pipeline = yaml(&files, "cloudformation/tooling/pipeline.yaml");
    let names: Vec<&str> = pipeline["Resources"]["Pipeline"]["Properties"]["Stages"]
        .as_sequence()
        .expect("stages")
        .iter()
        .map(|s| s["Name"].as_str().expect("name"))
        .collect();
    assert_eq!(
        names,
        [
            "Source",
            "Build",
            "Deploy-dev",
            "Deploy-staging",
            "Approve-Deploy-prod",
            "Deploy-prod"
        ]
    );
}

#[test]
fn deployment_roles_trust_only_the_pipeline_role() {
    let files = preset("standard");
    // One template for every workload account's roles, one for their
    // targets (StackSets): what holds for dev holds for prod.
    {
        let roles = yaml(&files, "cloudformation/workloads/roles.yaml");
        let trust = &roles["Resources"]["DeploymentRole"]["Properties"]["AssumeRolePolicyDocument"]
            ["Statement"][0];
        assert_eq!(
            tag_text(&trust["Principal"]["AWS"]),
            "!Sub arn:${AWS::Partition}:iam::${ToolingAccountId}:root"
        );
        assert_eq!(
            tag_text(&trust["Condition"]["ArnEquals"]["aws:PrincipalArn"]),
            "!Sub arn:${AWS::Partition}:iam::${ToolingAccountId}:role/acme-sample-app-pipeline"
        );
        let deployment_group = &yaml(&files, "cloudformation/workloads/target.yaml")["Resources"]["DeploymentGroup"]
            ["Properties"];
        assert_eq!(
            deployment_group["AutoRollbackConfiguration"]["Events"]
                .as_sequence()
                .map(Vec::len),
            Some(2)
        );
        assert_eq!(
            deployment_group["AlarmConfiguration"]["Alarms"]
                .as_sequence()
                .map(Vec::len),
            Some(4)
        );
    }
}
