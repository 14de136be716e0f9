//! Templates over CloudFormation's inline size (51,200 bytes) are deployed
//! from a template bucket in the management account: lzgen finds them while
//! rendering, gives each of their regions a template bucket stack first, and
//! the generated `scripts/deploy.sh` uploads them and passes
//! `--template-url`. The script is run for real by bash, against a stand-in
//! `aws` that records its calls and plays a small CloudFormation (moto reads
//! a `--template-url` only from the caller's own account, so the member
//! accounts' side is checked here and on the templates' policies).

use crate::support::lzgen;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Records every call; answers the few whose output deploy.sh reads.
const AWS: &str = r#"#!/usr/bin/env bash
echo "aws $*" >> "$CALLS"
stack="$(sed -n 's/.*--stack-name \([^ ]*\).*/\1/p' <<< "$*")"
case " $* " in
  *" sts get-caller-identity "*) echo 111111111111 ;;
  *" sts assume-role "*) printf 'AKIA\tsecret\ttoken\n' ;;
  *" organizations describe-organization "*) echo o-abcdefghij ;;
  *" organizations list-roots "*) echo r-abcd ;;
  *" organizations list-accounts "*)
    awk '{ printf "%012d\t%s\t%s\n", 200000000000 + NR, $1, $2 }' "$ACCOUNTS" ;;
  *" describe-stacks "*"StackStatus"*)
    if [ -e "$STATE/$stack" ]; then cat "$STATE/$stack"; else echo "Stack $stack does not exist" >&2; exit 255; fi ;;
  *" describe-stacks "*"lzgen:fingerprint"*) echo None ;;
  *" describe-stacks "*"OutputKey=='"*)
    key="$(sed -n "s/.*OutputKey=='\([A-Za-z0-9]*\)'.*/\1/p" <<< "$*")"
    echo "$stack-$key" | tr 'A-Z' 'a-z' ;;
  *" create-stack "*) echo CREATE_COMPLETE > "$STATE/$stack" ;;
esac
exit 0
"#;

/// An answers file: the central accounts, `n` workload accounts, `regions`.
fn answers(n: usize, regions: &[&str]) -> String {
    let mut accounts = String::new();
    for (name, roles, ou) in [
        ("log-archive", "[log-archive]", "Security"),
        ("security", "[security]", "Security"),
        ("tooling", "[tooling, artifact]", "Deployment"),
    ] {
        accounts.push_str(&format!(
            "  - {{name: {name}, roles: {roles}, email: aws+{name}@example.org, ou: {ou}}}\n"
        ));
    }
    let workloads: Vec<String> = (1..=n).map(|i| format!("w{i:02}")).collect();
    for w in &workloads {
        accounts.push_str(&format!(
            "  - {{name: {w}, roles: [workload], email: aws+{w}@example.org, ou: Workloads}}\n"
        ));
    }
    format!(
        "version: 1\norganization:\n  name: scale\n  home_region: {}\n  regions: [{}]\n  iac: cloudformation\n\
         organizational_units:\n  - name: Security\n  - name: Deployment\n  - name: Workloads\n\
         accounts:\n{accounts}\
         pipeline:\n  application: app\n  source: {{provider: codecommit, repository: app, branch: main}}\n\
         \x20 build: {{runtime: python}}\n  deploy: {{compute: ecs, strategy: blue-green}}\n  stages: [{}]\n",
        regions[0],
        regions.join(", "),
        workloads.join(", ")
    )
}

struct Repo {
    _tmp: tempfile::TempDir,
    dir: PathBuf,
    root: PathBuf,
}

fn render(n: usize, regions: &[&str]) -> Repo {
    let tmp = tempfile::tempdir().expect("tmp");
    let root = tmp.path().to_path_buf();
    let file = root.join("answers.yaml");
    std::fs::write(&file, answers(n, regions)).expect("answers");
    let dir = root.join("lz");
    lzgen()
        .arg("new")
        .arg(&dir)
        .arg("--config")
        .arg(&file)
        .arg("--yes")
        .assert()
        .success();
    Repo {
        _tmp: tmp,
        dir,
        root,
    }
}

#[cfg(unix)]
fn make_executable(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
}

#[cfg(not(unix))]
fn make_executable(_: &Path) {}

fn read(repo: &Repo, path: &str) -> String {
    std::fs::read_to_string(repo.dir.join(path)).expect(path)
}

#[test]
fn a_small_landing_zone_has_no_template_bucket() {
    let repo = render(2, &["us-east-1"]);
    assert!(!repo.dir.join("cloudformation/management").exists());
    assert!(!read(&repo, "scripts/deploy.sh").contains("TEMPLATE_BUCKET"));
}

#[test]
fn a_template_over_the_inline_size_is_uploaded_and_deployed_from_its_url() {
    // 10 workload accounts in 4 regions: the pipeline's template (one
    // deploy action per account and region) passes 51,200 bytes.
    let repo = render(10, &["us-east-1", "us-west-2", "eu-west-1", "eu-central-1"]);
    let pipeline = std::fs::metadata(repo.dir.join("cloudformation/tooling/pipeline.yaml"))
        .expect("pipeline")
        .len();
    assert!(pipeline > 51_200, "{pipeline}");
    let bucket_template = read(&repo, "cloudformation/management/templates-us-east-1.yaml");
    assert!(bucket_template.contains("aws:PrincipalOrgID"));
    let readme = read(&repo, "README.md");
    assert!(
        readme.contains("`cloudformation/tooling/pipeline.yaml`."),
        "the README names the template deployed from S3"
    );

    // Run deploy.sh against the stand-in.
    let bin = repo.root.join("bin");
    let state = repo.root.join("state");
    std::fs::create_dir_all(&bin).expect("bin");
    std::fs::create_dir_all(&state).expect("state");
    std::fs::write(bin.join("aws"), AWS).expect("aws");
    make_executable(&bin.join("aws"));
    let accounts = repo.root.join("accounts");
    let mut names: Vec<String> = ["log-archive", "security", "tooling"]
        .iter()
        .map(|n| format!("scale-{n} aws+{n}@example.org"))
        .collect();
    names.extend((1..=10).map(|i| format!("scale-w{i:02} aws+w{i:02}@example.org")));
    std::fs::write(&accounts, names.join("\n") + "\n").expect("accounts");
    let calls = repo.root.join("calls.log");
    let out = Command::new("bash")
        .arg(repo.dir.join("scripts/deploy.sh"))
        .arg("--skip-organization")
        .env(
            "PATH",
            format!(
                "{}:{}",
                bin.display(),
                std::env::var("PATH").unwrap_or_default()
            ),
        )
        .env("CALLS", &calls)
        .env("STATE", &state)
        .env("ACCOUNTS", &accounts)
        .env_remove("AWS_ENDPOINT_URL")
        .env_remove("AWS_ENDPOINT_URL_S3")
        .stdin(Stdio::null())
        .output()
        .expect("bash runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let calls: Vec<String> = std::fs::read_to_string(&calls)
        .expect("calls")
        .lines()
        .map(String::from)
        .collect();
    let position = |needle: &str| {
        calls
            .iter()
            .position(|c| c.contains(needle))
            .unwrap_or_else(|| panic!("no call with {needle}"))
    };
    let creates: Vec<&String> = calls
        .iter()
        .filter(|c| c.contains(" create-stack "))
        .collect();
    assert!(creates.len() > 100, "{} stacks", creates.len());
    // The template bucket is created first, then the pipeline's template is
    // uploaded there (as the management account: no assumed role), then the
    // stack is created from its URL.
    let bucket = position("create-stack --region us-east-1 --stack-name scale-templates-us-east-1");
    let upload = position(
        "s3api put-object --region us-east-1 --bucket scale-templates-us-east-1-templatebucketname --key scale-tooling/",
    );
    let tooling = position(
        "--stack-name scale-tooling --template-url https://scale-templates-us-east-1-templatebucketname.s3.us-east-1.amazonaws.com/scale-tooling/",
    );
    assert!(
        bucket < upload && upload < tooling,
        "{bucket} {upload} {tooling}"
    );
    assert_eq!(
        bucket,
        position(" create-stack "),
        "the template bucket is the first stack"
    );
    assert!(calls[upload].ends_with("--body cloudformation/tooling/pipeline.yaml"));
    // Every other stack is created from its file, inline.
    for create in &creates {
        let by_url = create.contains("--stack-name scale-tooling ");
        assert_eq!(create.contains("--template-url "), by_url, "{create}");
        assert_eq!(
            !create.contains("--template-body file://"),
            by_url,
            "{create}"
        );
    }
}

/// The 200-account example: the organization's and the pipeline's templates
/// are both deployed from the template bucket, which comes first.
#[test]
fn the_two_hundred_account_example_deploys_its_large_templates_from_s3() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path().join("lz");
    lzgen()
        .arg("new")
        .arg(&dir)
        .arg("--config")
        .arg(crate::support::repo_root().join("examples/two-hundred-accounts.yaml"))
        .assert()
        .success();
    let deploy = std::fs::read_to_string(dir.join("scripts/deploy.sh")).expect("deploy.sh");
    let calls: Vec<&str> = deploy
        .lines()
        .filter(|l| l.trim_start().starts_with("deploy_stack "))
        .collect();
    assert!(calls.len() > 400, "{} stacks", calls.len());
    assert!(
        calls[0].contains("'bigco-templates-us-east-1'"),
        "{}",
        calls[0]
    );
    let by_url: Vec<&&str> = calls
        .iter()
        .filter(|l| l.ends_with("\"$TEMPLATE_BUCKET_US_EAST_1\""))
        .collect();
    assert_eq!(by_url.len(), 2, "{by_url:#?}");
    assert!(by_url[0].contains("'bigco-organization'"));
    assert!(by_url[1].contains("'bigco-tooling'"));
    for (path, larger) in [
        ("cloudformation/organization/organization.yaml", true),
        ("cloudformation/tooling/pipeline.yaml", true),
        ("cloudformation/tooling/governance.yaml", false),
        ("cloudformation/artifact/artifact-us-east-1.yaml", false),
    ] {
        let size = std::fs::metadata(dir.join(path)).expect(path).len();
        assert_eq!(size > 51_200, larger, "{path}: {size} bytes");
    }
}
