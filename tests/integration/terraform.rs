//! The Terraform flavour, as far as it is built: every `.tf` file parses as
//! HCL and is in the layout `terraform fmt` leaves. `lzgen new` still
//! refuses `iac: terraform` until the flavour mirrors the CloudFormation
//! one; these tests render the blueprints directly.

use lzgen::config::Sources;
use lzgen::render::{Blueprints, RenderedFile, hcl_fmt};

fn terraform_files(sets: &[&str]) -> Vec<RenderedFile> {
    let mut all = vec!["organization.iac=terraform".to_string()];
    all.extend(sets.iter().map(ToString::to_string));
    let sources = Sources {
        preset: Some("standard".into()),
        sets: all,
        ..Sources::default()
    };
    let resolved = lzgen::resolve(&sources, |p| std::fs::read_to_string(p)).expect("valid answers");
    Blueprints::embedded()
        .render(&resolved.zone)
        .expect("renders")
        .into_iter()
        .filter(|f| f.path.ends_with(".tf"))
        .collect()
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
    for locking in ["dynamodb", "lockfile"] {
        let files = terraform_files(&[&format!("terraform.state_locking={locking}")]);
        assert!(files.len() >= 3, "{locking}: {} .tf files", files.len());
        for file in &files {
            let body = String::from_utf8(file.bytes.clone()).expect("utf-8");
            if let Err(e) = hcl::parse(&body) {
                panic!("{}: does not parse: {e}", file.path);
            }
            assert_eq!(
                hcl_fmt::departures(&body),
                Vec::<String>::new(),
                "{}",
                file.path
            );
            // .ci/validate-generated runs checkov over what this writes.
            if let Some(dir) = std::env::var_os("LZGEN_TERRAFORM_OUT") {
                let path = std::path::Path::new(&dir).join(locking).join(&file.path);
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

fn both_flavours(config: &str) -> Vec<RenderedFile> {
    let sources = Sources {
        config: Some(config.into()),
        sets: vec![
            "organization.iac=both".into(),
            "terraform.state_locking=lockfile".into(),
        ],
        ..Sources::default()
    };
    let resolved = lzgen::resolve(&sources, |p| std::fs::read_to_string(p)).expect("valid answers");
    Blueprints::embedded()
        .render(&resolved.zone)
        .expect("renders")
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
        let cfn: serde_yaml::Value = serde_yaml::from_str(&text(
            &files,
            "cloudformation/organization/organization.yaml",
        ))
        .expect("yaml");
        let tf: hcl::Body =
            hcl::from_str(&text(&files, "terraform/organization/main.tf")).expect("hcl");
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
        let key = attr(backend, "key");
        keys.push(key);
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
    let dev = text(&files, "terraform/workloads/dev/providers.tf");
    assert!(dev.contains(
        "role_arn     = \"arn:aws:iam::${local.account_id}:role/OrganizationAccountAccessRole\""
    ));
    assert!(dev.contains("alias  = \"eu_central_1\""), "{dev}");
    assert!(dev.contains("outputs.account_ids[\"dev\"]"));
    // prod is adopted by ID in lzgen.yaml: no remote state needed.
    let prod = text(&files, "terraform/workloads/prod/providers.tf");
    assert!(
        prod.contains("account_id = \"") && !prod.contains("terraform_remote_state"),
        "{prod}"
    );
}
