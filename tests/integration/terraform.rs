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
