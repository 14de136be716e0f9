//! The Terraform flavour: every `.tf` file parses as HCL and is in the layout
//! `terraform fmt` leaves; the state backend, providers and roots are as
//! promised; and its policies, settings and thresholds are the CloudFormation
//! flavour's.

use crate::support::rendered;
use lzgen::render::{RenderedFile, hcl_fmt};

/// The standard preset's `.tf` files, in the Terraform flavour.
fn terraform_files(sets: &[&str]) -> Vec<RenderedFile> {
    let mut all = vec!["organization.iac=terraform"];
    all.extend_from_slice(sets);
    rendered("preset:standard", &all)
        .into_iter()
        .filter(|f| is_hcl(&f.path))
        .collect()
}

/// The files Terraform reads as HCL: its code, a shared root's values
/// (`.tfvars`) and backend keys (`.tfbackend`).
fn is_hcl(path: &str) -> bool {
    [".tf", ".tfvars", ".tfbackend"]
        .iter()
        .any(|ext| path.ends_with(ext))
}

fn text(files: &[RenderedFile], path: &str) -> String {
    let file = files
        .iter()
        .find(|f| f.path == path)
        .unwrap_or_else(|| panic!("{path} missing"));
    String::from_utf8(file.bytes.clone()).expect("utf-8")
}

#[test]
fn every_tf_file_parses_and_is_canonically_formatted() {
    let mut sets: Vec<(String, Vec<RenderedFile>)> = ["dynamodb", "lockfile"]
        .iter()
        .map(|locking| {
            let files = terraform_files(&[&format!("terraform.state_locking={locking}")]);
            (format!("standard-{locking}"), files)
        })
        .collect();
    for preset in ["lab", "enterprise"] {
        let files = both_flavours(&format!("preset:{preset}"))
            .into_iter()
            .filter(|f| is_hcl(&f.path))
            .collect();
        sets.push((preset.to_string(), files));
    }
    for example in [
        "multi-region",
        "ec2-blue-green",
        "lambda-canary",
        "ecs-linear",
    ] {
        let files = both_flavours(&format!("examples/{example}.yaml"))
            .into_iter()
            .filter(|f| is_hcl(&f.path))
            .collect();
        sets.push((example.to_string(), files));
    }
    let files = rendered("examples/terraform.yaml", &[])
        .into_iter()
        .filter(|f| is_hcl(&f.path))
        .collect();
    sets.push(("terraform".to_string(), files));
    for (name, files) in sets {
        assert!(files.len() >= 3, "{name}: {} .tf files", files.len());
        for file in &files {
            let body = String::from_utf8(file.bytes.clone()).expect("utf-8");
            if let Err(e) = hcl::parse(&body) {
                panic!("{name}: {}: does not parse: {e}", file.path);
            }
            assert_eq!(
                hcl_fmt::departures(&body),
                Vec::<String>::new(),
                "{name}: {}",
                file.path
            );
            // .ci/validate-generated runs checkov over what this writes.
            if let Some(dir) = std::env::var_os("LZGEN_TERRAFORM_OUT") {
                let path = std::path::Path::new(&dir).join(&name).join(&file.path);
                std::fs::create_dir_all(path.parent().expect("a folder")).expect("mkdir");
                std::fs::write(&path, &file.bytes).expect("write");
            }
        }
    }
}

#[test]
fn attributes_line_up_as_terraform_fmt_aligns_them() {
    let files = terraform_files(&[]);
    let versions = text(&files, "terraform/bootstrap/versions.tf");
    assert!(
        versions.contains("      source  = \"hashicorp/aws\"\n      version = \"~> 6.0\"\n"),
        "{versions}"
    );
    assert!(versions.contains("      ManagedBy    = \"lzgen\"\n      Organization = \"acme\"\n      Account      = \"management\"\n"), "{versions}");
    let main = text(&files, "terraform/bootstrap/main.tf");
    assert!(main.contains("  block_public_acls       = true\n  block_public_policy     = true\n  ignore_public_acls      = true\n  restrict_public_buckets = true\n"), "{main}");
}

#[test]
fn the_state_backend_is_encrypted_versioned_tls_only_and_locked_as_chosen() {
    let with_table = terraform_files(&["terraform.state_locking=dynamodb"]);
    let body: hcl::Body =
        hcl::from_str(&text(&with_table, "terraform/bootstrap/main.tf")).expect("parses");
    let resources: Vec<(String, String)> = body
        .blocks()
        .filter(|b| b.identifier() == "resource")
        .map(|b| {
            let labels: Vec<String> = b.labels().iter().map(|l| l.as_str().to_string()).collect();
            (labels[0].clone(), labels[1].clone())
        })
        .collect();
    for expected in [
        "aws_kms_key",
        "aws_s3_bucket",
        "aws_s3_bucket_versioning",
        "aws_s3_bucket_server_side_encryption_configuration",
        "aws_s3_bucket_public_access_block",
        "aws_s3_bucket_policy",
        "aws_dynamodb_table",
    ] {
        assert!(
            resources.iter().any(|(t, _)| t == expected),
            "{expected} missing: {resources:?}"
        );
    }
    let main = text(&with_table, "terraform/bootstrap/main.tf");
    assert!(main.contains("variable = \"aws:SecureTransport\""));
    assert!(main.contains("point_in_time_recovery {\n    enabled = true"));
    assert!(main.contains("enable_key_rotation     = true"));

    let lockfile = terraform_files(&["terraform.state_locking=lockfile"]);
    let main = text(&lockfile, "terraform/bootstrap/main.tf");
    assert!(
        !main.contains("aws_dynamodb_table"),
        "lock files need no table"
    );
    assert!(!text(&lockfile, "terraform/bootstrap/outputs.tf").contains("lock_table"));
}

/// `preset:NAME` or an answers file, rendered in both flavours.
fn both_flavours(source: &str) -> Vec<RenderedFile> {
    rendered(
        source,
        &["organization.iac=both", "terraform.state_locking=lockfile"],
    )
}

/// A CloudFormation template and the Terraform file that mirrors it, parsed.
fn both_parsed(files: &[RenderedFile], cfn: &str, tf: &str) -> (serde_yaml::Value, hcl::Body) {
    (
        serde_yaml::from_str(&text(files, cfn)).expect("yaml"),
        hcl::from_str(&text(files, tf)).expect("hcl"),
    )
}

fn blocks<'a>(body: &'a hcl::Body, kind: &'a str) -> impl Iterator<Item = &'a hcl::Block> + 'a {
    body.blocks()
        .filter(move |b| b.identifier() == "resource" && b.labels()[0].as_str() == kind)
}

fn attr(block: &hcl::Block, name: &str) -> String {
    block
        .body()
        .attributes()
        .find(|a| a.key() == name)
        .map(|a| match a.expr() {
            hcl::Expression::String(s) => s.clone(),
            other => other.to_string(),
        })
        .unwrap_or_default()
}

#[test]
fn the_organization_root_mirrors_the_organization_stack() {
    // The multi-region example adopts an existing account, too.
    for config in ["examples/multi-region.yaml", "examples/ecs-linear.yaml"] {
        let files = both_flavours(config);
        let (cfn, tf) = both_parsed(
            &files,
            "cloudformation/organization/organization.yaml",
            "terraform/organization/main.tf",
        );
        let resources = cfn["Resources"].as_mapping().expect("resources");
        let of_type = |ty: &str| -> Vec<&serde_yaml::Value> {
            resources.values().filter(|r| r["Type"] == ty).collect()
        };

        let mut cfn_ous: Vec<String> = of_type("AWS::Organizations::OrganizationalUnit")
            .iter()
            .map(|r| r["Properties"]["Name"].as_str().expect("name").to_string())
            .collect();
        let mut tf_ous: Vec<String> = blocks(&tf, "aws_organizations_organizational_unit")
            .map(|b| attr(b, "name"))
            .collect();
        cfn_ous.sort();
        tf_ous.sort();
        assert_eq!(cfn_ous, tf_ous, "{config}: OUs");

        // New accounts: the same names and emails. Adopted ones are imported.
        let mut cfn_accounts: Vec<(String, String)> = of_type("AWS::Organizations::Account")
            .iter()
            .map(|r| {
                let p = &r["Properties"];
                (
                    p["AccountName"].as_str().expect("n").into(),
                    p["Email"].as_str().expect("e").into(),
                )
            })
            .collect();
        let imported: Vec<String> = tf
            .blocks()
            .filter(|b| b.identifier() == "import")
            .map(|b| {
                b.body()
                    .attributes()
                    .find(|a| a.key() == "to")
                    .expect("to")
                    .expr()
                    .to_string()
            })
            .collect();
        let mut tf_accounts: Vec<(String, String)> = blocks(&tf, "aws_organizations_account")
            .filter(|b| {
                !imported.contains(&format!(
                    "aws_organizations_account.{}",
                    b.labels()[1].as_str()
                ))
            })
            .map(|b| (attr(b, "name"), attr(b, "email")))
            .collect();
        cfn_accounts.sort();
        tf_accounts.sort();
        assert_eq!(cfn_accounts, tf_accounts, "{config}: new accounts");
        if config.contains("multi-region") {
            assert_eq!(
                imported.len(),
                1,
                "{config}: the existing account is adopted"
            );
        }

        // The same guardrails, from the same documents, on the same OUs.
        let scps = of_type("AWS::Organizations::Policy");
        let tf_policies: Vec<&hcl::Block> = blocks(&tf, "aws_organizations_policy").collect();
        assert_eq!(scps.len(), tf_policies.len(), "{config}: SCPs");
        let cfn_attachments: usize = scps
            .iter()
            .map(|p| {
                p["Properties"]["TargetIds"]
                    .as_sequence()
                    .expect("targets")
                    .len()
            })
            .sum();
        assert_eq!(
            cfn_attachments,
            blocks(&tf, "aws_organizations_policy_attachment").count(),
            "{config}: SCP attachments"
        );
        for policy in tf_policies {
            let content = attr(policy, "content");
            let file = content
                .split("../../")
                .nth(1)
                .and_then(|rest| rest.split('"').next())
                .expect("a policies/scp file");
            assert!(
                files.iter().any(|f| f.path == file),
                "{config}: {file} is written"
            );
        }
    }
}

#[test]
fn every_root_has_its_own_state_and_works_in_its_own_account() {
    let files = both_flavours("examples/multi-region.yaml");
    let mut keys = Vec::new();
    for file in files.iter().filter(|f| f.path.ends_with("/backend.tf")) {
        let body: hcl::Body = hcl::from_str(&String::from_utf8_lossy(&file.bytes)).expect("hcl");
        let backend = body
            .blocks()
            .find(|b| b.identifier() == "terraform")
            .and_then(|t| t.body().blocks().find(|b| b.identifier() == "backend"))
            .expect("a backend block");
        assert_eq!(backend.labels()[0].as_str(), "s3", "{}", file.path);
        let folder = file.path.trim_end_matches("/backend.tf");
        let instances: Vec<&RenderedFile> = files
            .iter()
            .filter(|f| {
                f.path.starts_with(&format!("{folder}/accounts/")) && f.path.ends_with(".tfbackend")
            })
            .collect();
        if instances.is_empty() {
            keys.push(attr(backend, "key"));
        } else {
            // A shared root: each account's key is in its .tfbackend, none
            // in the folder's backend, so no account shares another's state.
            assert!(
                backend.body().attributes().all(|a| a.key() != "key"),
                "{}",
                file.path
            );
            for instance in instances {
                let body: hcl::Body =
                    hcl::from_str(&String::from_utf8_lossy(&instance.bytes)).expect("hcl");
                keys.push(
                    body.attributes()
                        .find(|a| a.key() == "key")
                        .and_then(|a| match a.expr() {
                            hcl::Expression::String(s) => Some(s.clone()),
                            _ => None,
                        })
                        .expect("a key"),
                );
            }
        }
    }
    let roots = keys.len();
    assert!(roots >= 8, "{roots} roots");
    keys.sort();
    keys.dedup();
    assert_eq!(keys.len(), roots, "every state key is unique");

    let organization = text(&files, "terraform/organization/providers.tf");
    assert!(
        !organization.contains("assume_role"),
        "the organization root runs as the management account"
    );
    // The workload accounts' shared root works in the account its values
    // name: by the ID lzgen.yaml gives, or else the organization's.
    let workloads = text(&files, "terraform/workloads/providers.tf");
    assert!(workloads.contains(
        "role_arn     = \"arn:aws:iam::${local.account_id}:role/OrganizationAccountAccessRole\""
    ));
    assert!(
        workloads.contains("alias  = \"eu_central_1\""),
        "{workloads}"
    );
    assert!(
        workloads.contains(
            "account_id = var.account_id != null ? var.account_id : lookup(local.account_ids, var.account, null)"
        ),
        "{workloads}"
    );
    let dev = text(&files, "terraform/workloads/accounts/dev.tfvars");
    assert!(
        dev.contains("account = \"dev\"\n") && !dev.contains("account_id"),
        "{dev}"
    );
    // prod is adopted by the ID lzgen.yaml gives.
    let prod = text(&files, "terraform/workloads/accounts/prod.tfvars");
    assert!(prod.contains("account_id = \"210987654321\""), "{prod}");
    // The baselines' shared root assumes no role in the management account.
    let baseline = text(&files, "terraform/baseline/providers.tf");
    assert!(
        baseline.contains("for_each = var.management ? [] : [local.account_id]"),
        "{baseline}"
    );
    let management = text(&files, "terraform/baseline/accounts/management.tfvars");
    assert!(management.contains("management = true"), "{management}");
    assert!(
        !text(&files, "terraform/baseline/accounts/dev.tfvars").contains("management"),
        "a member account's baseline assumes the role"
    );
}

/// The answer sets both flavours are compared on: the standard preset, ECS in
/// two regions with Slack, EC2, Lambda, and the Terraform example.
const PARITY_SETS: &[&str] = &[
    "preset:standard",
    "examples/multi-region.yaml",
    "examples/ec2-blue-green.yaml",
    "examples/lambda-canary.yaml",
    "examples/terraform.yaml",
];

#[test]
fn the_organization_trail_has_the_same_settings_in_both_flavours() {
    let files = both_flavours("examples/ecs-linear.yaml");
    let (cfn, tf) = both_parsed(
        &files,
        "cloudformation/log-archive/organization-trail.yaml",
        "terraform/organization-trail/main.tf",
    );
    let trail = &cfn["Resources"]["OrganizationTrail"]["Properties"];
    let block = blocks(&tf, "aws_cloudtrail").next().expect("a trail");
    assert_eq!(
        attr(block, "name"),
        trail["TrailName"].as_str().expect("name")
    );
    for (tf_key, cfn_key) in [
        ("enable_logging", "IsLogging"),
        ("is_organization_trail", "IsOrganizationTrail"),
        ("is_multi_region_trail", "IsMultiRegionTrail"),
        (
            "include_global_service_events",
            "IncludeGlobalServiceEvents",
        ),
        ("enable_log_file_validation", "EnableLogFileValidation"),
    ] {
        assert_eq!(
            attr(block, tf_key),
            trail[cfn_key].as_bool().expect(cfn_key).to_string(),
            "{tf_key}"
        );
    }
    assert!(attr(block, "kms_key_id").contains("log_key_arn"));
}

#[test]
fn ecs_alarms_and_deployment_settings_are_the_same_in_both_flavours() {
    let files = both_flavours("preset:standard");
    let (cfn, tf) = both_parsed(
        &files,
        "cloudformation/workloads/target.yaml",
        "terraform/modules/target-ecs/main.tf",
    );
    let resources = cfn["Resources"].as_mapping().expect("resources");
    let mut cfn_alarms: Vec<(String, String, String)> = resources
        .values()
        .filter(|r| r["Type"] == "AWS::CloudWatch::Alarm")
        .map(|r| {
            let p = &r["Properties"];
            (
                p["AlarmName"].as_str().expect("name").to_string(),
                serde_yaml::to_string(&p["Threshold"])
                    .expect("t")
                    .trim()
                    .to_string(),
                serde_yaml::to_string(&p["EvaluationPeriods"])
                    .expect("e")
                    .trim()
                    .to_string(),
            )
        })
        .collect();
    let mut tf_alarms: Vec<(String, String, String)> = blocks(&tf, "aws_cloudwatch_metric_alarm")
        .map(|b| {
            (
                attr(b, "alarm_name"),
                attr(b, "threshold"),
                attr(b, "evaluation_periods"),
            )
        })
        .collect();
    cfn_alarms.sort();
    tf_alarms.sort();
    assert_eq!(cfn_alarms.len(), 4);
    assert_eq!(cfn_alarms, tf_alarms);

    let group = blocks(&tf, "aws_codedeploy_deployment_group")
        .next()
        .expect("a group");
    let cfn_group = &resources["DeploymentGroup"]["Properties"];
    assert_eq!(
        attr(group, "deployment_group_name"),
        cfn_group["DeploymentGroupName"].as_str().expect("n")
    );
    assert_eq!(
        attr(group, "deployment_config_name"),
        cfn_group["DeploymentConfigName"]
            .as_str()
            .expect("a predefined config for blue/green")
    );
}

/// One pipeline action as both flavours describe it: its stage, name, kind,
/// provider, region and artifacts, and its configuration's keys with the
/// values both flavours give literally.
#[derive(Debug, PartialEq)]
struct Action {
    stage: String,
    name: String,
    category: String,
    provider: String,
    region: String,
    inputs: Vec<String>,
    outputs: Vec<String>,
    configuration: std::collections::BTreeMap<String, Option<String>>,
}

fn cfn_actions(pipeline: &serde_yaml::Value) -> Vec<Action> {
    let names = |v: &serde_yaml::Value| -> Vec<String> {
        v.as_sequence()
            .into_iter()
            .flatten()
            .map(|a| a["Name"].as_str().expect("artifact").to_string())
            .collect()
    };
    let mut out = Vec::new();
    for stage in pipeline["Stages"].as_sequence().expect("stages") {
        for a in stage["Actions"].as_sequence().expect("actions") {
            let configuration = a["Configuration"]
                .as_mapping()
                .expect("configuration")
                .iter()
                .map(|(k, v)| {
                    let literal = match v {
                        serde_yaml::Value::String(s) => Some(s.clone()),
                        serde_yaml::Value::Bool(b) => Some(b.to_string()),
                        _ => None,
                    };
                    (k.as_str().expect("key").to_string(), literal)
                })
                .collect();
            out.push(Action {
                stage: stage["Name"].as_str().expect("stage").to_string(),
                name: a["Name"].as_str().expect("name").to_string(),
                category: a["ActionTypeId"]["Category"].as_str().expect("c").into(),
                provider: a["ActionTypeId"]["Provider"].as_str().expect("p").into(),
                region: a["Region"].as_str().unwrap_or_default().to_string(),
                inputs: names(&a["InputArtifacts"]),
                outputs: names(&a["OutputArtifacts"]),
                configuration,
            });
        }
    }
    out
}

fn tf_actions(pipeline: &hcl::Block) -> Vec<Action> {
    let strings = |b: &hcl::Block, key: &str| -> Vec<String> {
        match b
            .body()
            .attributes()
            .find(|a| a.key() == key)
            .map(|a| a.expr())
        {
            Some(hcl::Expression::Array(items)) => items.iter().map(|e| e.to_string()).collect(),
            _ => Vec::new(),
        }
        .into_iter()
        .map(|s| s.trim_matches('"').to_string())
        .collect()
    };
    let mut out = Vec::new();
    for stage in pipeline
        .body()
        .blocks()
        .filter(|b| b.identifier() == "stage")
    {
        for a in stage.body().blocks().filter(|b| b.identifier() == "action") {
            let configuration = match a
                .body()
                .attributes()
                .find(|x| x.key() == "configuration")
                .map(|x| x.expr())
            {
                Some(hcl::Expression::Object(o)) => o
                    .iter()
                    .map(|(k, v)| {
                        let literal = match v {
                            hcl::Expression::String(s) => Some(s.clone()),
                            _ => None,
                        };
                        (k.to_string().trim_matches('"').to_string(), literal)
                    })
                    .collect(),
                other => panic!("configuration: {other:?}"),
            };
            out.push(Action {
                stage: attr(stage, "name"),
                name: attr(a, "name"),
                category: attr(a, "category"),
                provider: attr(a, "provider"),
                region: attr(a, "region"),
                inputs: strings(a, "input_artifacts"),
                outputs: strings(a, "output_artifacts"),
                configuration,
            });
        }
    }
    out
}

/// The tooling account's pipeline in both flavours, parsed.
fn tooling(config: &str) -> (serde_yaml::Value, hcl::Body) {
    both_parsed(
        &both_flavours(config),
        "cloudformation/tooling/pipeline.yaml",
        "terraform/tooling/main.tf",
    )
}

#[test]
fn the_pipeline_has_the_same_stages_and_actions_in_both_flavours() {
    for config in PARITY_SETS {
        let (cfn, tf) = tooling(config);
        let cfn_side = cfn_actions(&cfn["Resources"]["Pipeline"]["Properties"]);
        let pipeline = blocks(&tf, "aws_codepipeline").next().expect("a pipeline");
        let tf_side = tf_actions(pipeline);
        assert_eq!(cfn_side.len(), tf_side.len(), "{config}: action counts");
        for (c, t) in cfn_side.iter().zip(&tf_side) {
            assert_eq!(
                (&c.stage, &c.name, &c.category, &c.provider, &c.region),
                (&t.stage, &t.name, &t.category, &t.provider, &t.region),
                "{config}"
            );
            assert_eq!(
                (&c.inputs, &c.outputs),
                (&t.inputs, &t.outputs),
                "{config}: {}",
                c.name
            );
            assert_eq!(
                c.configuration.keys().collect::<Vec<_>>(),
                t.configuration.keys().collect::<Vec<_>>(),
                "{config}: {} configuration",
                c.name
            );
            for (key, value) in &c.configuration {
                if let (Some(a), Some(Some(b))) = (value, t.configuration.get(key)) {
                    assert_eq!(a, b, "{config}: {} {key}", c.name);
                }
            }
        }
        // The artifact stores: one per region, each with its key.
        let stores = pipeline
            .body()
            .blocks()
            .filter(|b| b.identifier() == "artifact_store")
            .count();
        let cfn_stores = cfn["Resources"]["Pipeline"]["Properties"]["ArtifactStores"]
            .as_sequence()
            .map_or(1, Vec::len);
        assert_eq!(stores, cfn_stores, "{config}: artifact stores");
        println!(
            "{config}: {} actions, {stores} artifact store(s), the same in both",
            cfn_side.len()
        );
    }
}

#[test]
fn the_build_projects_have_the_same_settings_in_both_flavours() {
    for config in [
        "preset:standard",
        "examples/lambda-canary.yaml",
        "examples/terraform.yaml",
    ] {
        let (cfn, tf) = tooling(config);
        let projects: Vec<&hcl::Block> = blocks(&tf, "aws_codebuild_project").collect();
        let cfn_projects: Vec<&serde_yaml::Value> = cfn["Resources"]
            .as_mapping()
            .expect("resources")
            .values()
            .filter(|r| r["Type"] == "AWS::CodeBuild::Project")
            .collect();
        assert_eq!(projects.len(), cfn_projects.len(), "{config}");
        for c in cfn_projects {
            let p = &c["Properties"];
            let name = p["Name"].as_str().expect("name");
            let t = projects
                .iter()
                .find(|b| attr(b, "name") == name)
                .unwrap_or_else(|| panic!("{config}: no project {name} in Terraform"));
            let env = t
                .body()
                .blocks()
                .find(|b| b.identifier() == "environment")
                .expect("environment");
            let e = &p["Environment"];
            assert_eq!(attr(env, "image"), e["Image"].as_str().expect("image"));
            assert_eq!(
                attr(env, "compute_type"),
                e["ComputeType"].as_str().expect("ct")
            );
            assert_eq!(
                attr(env, "privileged_mode"),
                e["PrivilegedMode"]
                    .as_bool()
                    .map(|b| b.to_string())
                    .unwrap_or_default(),
                "{config}: {name}"
            );
            assert_eq!(
                attr(t, "build_timeout"),
                serde_yaml::to_string(&p["TimeoutInMinutes"])
                    .expect("t")
                    .trim()
            );
            let cfn_vars: Vec<&str> = e["EnvironmentVariables"]
                .as_sequence()
                .expect("variables")
                .iter()
                .map(|v| v["Name"].as_str().expect("name"))
                .collect();
            let tf_vars: Vec<String> = env
                .body()
                .blocks()
                .filter(|b| b.identifier() == "environment_variable")
                .map(|b| attr(b, "name"))
                .collect();
            assert_eq!(cfn_vars, tf_vars, "{config}: {name}");
            let cache = t.body().blocks().find(|b| b.identifier() == "cache");
            assert_eq!(
                cache.map(|c| attr(c, "type")).unwrap_or_default(),
                p["Cache"]["Type"].as_str().unwrap_or_default(),
                "{config}: {name} cache"
            );
        }
    }
}

/// A shared root is applied once per account with that account's
/// `.tfvars`: each gives every variable the root requires (but the state
/// bucket, which scripts/terraform.sh passes) and none it does not declare,
/// as `terraform plan -var-file` would insist; and each workload account's
/// networks cover every region the root deploys to.
#[test]
fn every_accounts_values_fit_its_shared_root() {
    for source in [
        "preset:standard",
        "preset:lab",
        "examples/multi-region.yaml",
        "examples/lambda-canary.yaml",
        "examples/terraform.yaml",
    ] {
        let files = both_flavours(source);
        let mut shared = 0;
        for folder in ["terraform/baseline", "terraform/workloads"] {
            let mut declared = std::collections::BTreeMap::new();
            for file in files.iter().filter(|f| {
                f.path.starts_with(&format!("{folder}/"))
                    && f.path.ends_with(".tf")
                    && !f.path[folder.len() + 1..].contains('/')
            }) {
                let body: hcl::Body =
                    hcl::from_str(&String::from_utf8_lossy(&file.bytes)).expect("hcl");
                for block in body.blocks().filter(|b| b.identifier() == "variable") {
                    let required = block.body().attributes().all(|a| a.key() != "default");
                    declared.insert(block.labels()[0].as_str().to_string(), required);
                }
            }
            let values: Vec<&RenderedFile> = files
                .iter()
                .filter(|f| {
                    f.path.starts_with(&format!("{folder}/accounts/"))
                        && f.path.ends_with(".tfvars")
                })
                .collect();
            if declared.is_empty() {
                assert!(
                    values.is_empty(),
                    "{source}: {folder} has values but no code"
                );
                continue;
            }
            shared += 1;
            assert!(
                !values.is_empty(),
                "{source}: {folder} is applied to no account"
            );
            for file in values {
                let body: hcl::Body =
                    hcl::from_str(&String::from_utf8_lossy(&file.bytes)).expect("hcl");
                let given: std::collections::BTreeSet<String> =
                    body.attributes().map(|a| a.key().to_string()).collect();
                for name in &given {
                    assert!(
                        declared.contains_key(name),
                        "{source}: {} sets {name}, which {folder} does not declare",
                        file.path
                    );
                }
                for (name, required) in &declared {
                    if *required && name != "state_bucket" {
                        assert!(given.contains(name), "{source}: {} lacks {name}", file.path);
                    }
                }
                if folder == "terraform/workloads" {
                    // Every `var.networks["<region>"].<field>` the code reads
                    // is in the account's values.
                    let main = text(&files, "terraform/workloads/main.tf");
                    let networks = match body
                        .attributes()
                        .find(|a| a.key() == "networks")
                        .map(|a| a.expr().clone())
                    {
                        Some(hcl::Expression::Object(o)) => o,
                        other => panic!("{source}: {}: networks is {other:?}", file.path),
                    };
                    let mut read = 0;
                    for used in main.split("var.networks[\"").skip(1) {
                        let (region, rest) = used.split_once("\"].").expect("a field");
                        let field: String = rest
                            .chars()
                            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                            .collect();
                        let network = networks
                            .iter()
                            .find(|(k, _)| k.to_string().trim_matches('"') == region)
                            .map(|(_, v)| v)
                            .unwrap_or_else(|| {
                                panic!("{source}: {} has no network in {region}", file.path)
                            });
                        let hcl::Expression::Object(fields) = network else {
                            panic!("{source}: {}: {region} is not an object", file.path);
                        };
                        assert!(
                            fields
                                .keys()
                                .any(|k| k.to_string().trim_matches('"') == field),
                            "{source}: {} gives {region} no {field}",
                            file.path
                        );
                        read += 1;
                    }
                    assert!(read >= 3, "{source}: the code reads the networks");
                }
            }
        }
        assert!(shared >= 1, "{source}: no shared root");
    }
}
