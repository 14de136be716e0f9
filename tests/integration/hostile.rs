//! Answers that look like syntax stay text (issue 13): each value is quoted
//! for the exact place it lands, so none opens an interpolation, names a
//! parameter or changes a query. Each test fails on the output lzgen wrote
//! before the quoting it guards.

use crate::support::{rendered, text};

/// A repository key that is a Terraform interpolation and a quote.
const TF_HOSTILE: &str = "acme-src/k${file(\"/etc/hostname\")}";

#[test]
fn a_value_in_a_terraform_string_opens_no_interpolation() {
    let repository = format!("pipeline.source.repository={TF_HOSTILE}");
    let files = rendered(
        "preset:standard",
        &[
            "organization.iac=terraform",
            "pipeline.source.provider=s3",
            &repository,
        ],
    );
    let main = text(&files, "terraform/tooling/main.tf");
    // The file parses, and the value is there only in its escaped form.
    let body: hcl::Body = hcl::from_str(main).expect("terraform/tooling/main.tf parses");
    assert!(
        main.contains(r#"acme-src/k$${file(\"/etc/hostname\")}"#),
        "the value, escaped"
    );
    assert!(!main.contains(r#"k${file("#), "a live interpolation");
    // hcl-rs reads the escaped template back as the literal text.
    let literal = body
        .blocks()
        .filter(|b| b.identifier() == "data")
        .flat_map(|b| b.body().blocks())
        .flat_map(|s| s.body().attributes())
        .filter(|a| a.key() == "resources")
        .map(|a| a.expr().to_string())
        .find(|e| e.contains("acme-src/k"))
        .expect("the source bucket's statement");
    assert!(literal.contains("$${file("), "{literal}");
}

#[test]
fn a_value_in_a_lambda_heredoc_opens_no_template_directive() {
    let files = rendered(
        "preset:standard",
        &[
            "organization.iac=terraform",
            "pipeline.deploy.compute=lambda",
            "pipeline.deploy.strategy=all-at-once",
            "pipeline.deploy.health_check_path=/h%{if}${x}",
        ],
    );
    let module = text(&files, "terraform/modules/target-lambda/main.tf");
    hcl::from_str::<hcl::Body>(module).expect("the module parses");
    assert!(
        module.contains(r#""/h%%{if}$${x}""#),
        "escaped in the heredoc"
    );
    assert!(!module.contains("/h%{if}"), "a live directive");
}

#[test]
fn a_value_in_a_sub_string_names_no_parameter() {
    let files = rendered(
        "preset:standard",
        &[
            "pipeline.source.provider=s3",
            "pipeline.source.repository=acme-src/k${HOME}\"x",
        ],
    );
    let template: serde_yaml::Value =
        serde_yaml::from_str(text(&files, "cloudformation/tooling/pipeline.yaml")).expect("parses");
    let yaml = serde_yaml::to_string(&template).expect("yaml");
    // In the !Sub string, the value's ${ is CloudFormation's literal ${!.
    assert!(
        yaml.contains("acme-src/k${!HOME}\"x") || yaml.contains(r#"acme-src/k${!HOME}\"x"#),
        "{}",
        &yaml[..200]
    );
    assert!(
        !yaml.contains("acme-src/k${HOME}"),
        "a live reference to a parameter named HOME"
    );
}

#[test]
fn an_email_never_becomes_part_of_a_query() {
    let files = rendered("preset:standard", &["accounts[0].email=x'||Email!='@x.io"]);
    for script in ["scripts/deploy.sh", "scripts/destroy.sh"] {
        let body = text(&files, script);
        for line in body.lines().filter(|l| l.contains("--query")) {
            assert!(
                !line.contains("$name") && !line.contains("$email"),
                "{script}: {line}"
            );
        }
    }
    // The lookup itself, run by bash against a stand-in listing: the address
    // that looks like a query finds its own account, not the first one.
    let deploy = text(&files, "scripts/deploy.sh");
    let start = deploy.find("account_id() {").expect("account_id");
    let function = &deploy[start..start + deploy[start..].find("\n}\n").expect("end") + 2];
    let script = format!(
        "fail() {{ echo \"FAIL $*\"; exit 1; }}\nORGANIZATION_ACCOUNTS=\"$(printf '111111111111\\tacme-a\\ta@x.io\\n222222222222\\tacme-b\\tx'\"'\"'||Email!='\"'\"'@x.io\\n')\"\n{function}\naccount_id acme-missing \"$1\"\n"
    );
    let out = std::process::Command::new("bash")
        .arg("-c")
        .arg(&script)
        .arg("bash")
        .arg("x'||Email!='@x.io")
        .output()
        .expect("bash");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "222222222222",
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Issue 13, defect 12: a result that cannot be written (a full disk) ends
/// in exit 3 with the reason, never in exit 0 with an empty file.
#[cfg(target_os = "linux")]
#[test]
fn output_that_cannot_be_written_is_an_error() {
    for args in [
        vec!["presets", "show", "lab"],
        vec!["plan", "--preset", "lab"],
        vec!["--json", "validate", "--preset", "lab"],
    ] {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .expect("/dev/full");
        let bin = assert_cmd::cargo::cargo_bin("lzgen");
        let out = std::process::Command::new(bin)
            .args(&args)
            .env("NO_COLOR", "1")
            .stdin(std::process::Stdio::null())
            .stdout(full)
            .output()
            .expect("runs");
        assert_eq!(out.status.code(), Some(3), "{args:?}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("could not write the output"),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// Issue 13, defect 8: `validate` runs every rule and limit `new` runs, so
/// the two agree on every answer set: both succeed, or both refuse with the
/// same exit code.
#[test]
fn validate_and_new_agree_on_every_answer_set() {
    // 330 workload accounts, all of them in the pipeline: rendered and
    // checked against every quota, and accepted by both. (`new` once
    // reported such quotas as its own bug, exit 3; at 32 accounts the Logs
    // trust policy outgrew its quota, at 60 the organization's template the
    // inline size, at about 300 the drift function's list of accounts and
    // at 198 the pipeline's parameters: none is refused now.)
    let tmp = tempfile::tempdir().expect("tmp");
    let many = tmp.path().join("many.yaml");
    let mut accounts = String::from(
        "accounts:\n\
         - {name: log-archive, roles: [log-archive], email: la@acme.io, ou: Security}\n\
         - {name: security, roles: [security], email: se@acme.io, ou: Security}\n\
         - {name: tooling, roles: [tooling], email: to@acme.io, ou: Deployment}\n\
         - {name: artifact, roles: [artifact], email: ar@acme.io, ou: Deployment}\n",
    );
    for i in 0..330 {
        accounts.push_str(&format!(
            "- {{name: w{i}, roles: [workload], email: w{i}@acme.io, ou: Workloads/NonProd}}\n"
        ));
    }
    std::fs::write(&many, accounts).expect("write");
    let many = many.to_string_lossy().into_owned();
    let sets: Vec<Vec<&str>> = vec![
        vec!["--yes", "--config", &many],
        vec!["--preset", "lab"],
        vec!["--preset", "standard"],
        vec!["--preset", "enterprise"],
        vec!["--config", "examples/ec2-blue-green.yaml"],
        vec!["--config", "examples/ecs-linear.yaml"],
        vec!["--config", "examples/lambda-canary.yaml"],
        vec!["--config", "examples/multi-region.yaml"],
        vec!["--config", "examples/terraform.yaml"],
        // Refused while rendering before validate ran the same rules.
        vec![
            "--yes",
            "--set",
            "pipeline.deploy.compute=lambda",
            "--set",
            "pipeline.deploy.strategy=all-at-once",
            "--set",
            "pipeline.build.runtime=java",
        ],
        vec!["--yes", "--set", "guardrails.quotas.policy_characters=200"],
        vec!["--yes", "--set", "organization.home_region=mars-1"],
    ];
    let mut refused = 0;
    for args in sets {
        let runs = crate::support::validate_and_new(&args);
        let (validate, new) = (&runs.validate, &runs.new);
        assert_eq!(
            validate.status.code(),
            new.status.code(),
            "{args:?}: validate {}\nnew {}",
            String::from_utf8_lossy(&validate.stderr),
            String::from_utf8_lossy(&new.stderr)
        );
        if new.status.code() == Some(2) {
            refused += 1;
            assert!(!runs.written, "{args:?}: nothing written");
        }
    }
    assert_eq!(refused, 3, "the three refused sets are refused by both");
}
