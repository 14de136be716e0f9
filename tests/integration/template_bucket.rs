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
set="$(sed -n 's/.*--stack-set-name \([^ ]*\).*/\1/p' <<< "$*")"
case " $* " in
  *" list-organizational-units-for-parent "*) cat "$OUS" ;;
  *" describe-stack-set "*"StackSetARN"*) echo "arn:aws:cloudformation:us-east-1:111111111111:stackset/$set:1" ;;
  *" describe-stack-set "*)
    if [ -e "$STATE/set-$set" ]; then echo None; else echo "StackSet $set not found" >&2; exit 255; fi ;;
  *" create-stack-set "*) : > "$STATE/set-$set" ;;
  *" create-stack-instances "* | *" update-stack-set "*) echo "op-$set" ;;
  *" describe-stack-set-operation "*) echo SUCCEEDED ;;
  *" describe-stack-instance "*) echo "Stack instance not found" >&2; exit 255 ;;
  *" list-stack-instances "*) echo 0 ;;
  *" sts get-caller-identity "*) echo 111111111111 ;;
  *" sts assume-role "*) printf 'AKIA\tsecret\ttoken\n' ;;
  *" organizations describe-organization "*) echo o-abcdefghij ;;
  *" organizations list-roots "*) echo r-abcd ;;
  *" organizations list-accounts "*)
    awk '{ printf "2000000%05d\t%s\t%s\n", NR, $1, $2 }' "$ACCOUNTS" ;;
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
    answers_in(n, regions, false)
}

/// The same, each workload account in an OU of its own (`Team01`…) when
/// `own_ou`.
fn answers_in(n: usize, regions: &[&str], own_ou: bool) -> String {
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
    let mut ous = String::from("  - name: Security\n  - name: Deployment\n  - name: Workloads\n");
    for (i, w) in workloads.iter().enumerate() {
        let ou = if own_ou {
            ous.push_str(&format!("  - name: Team{:02}\n", i + 1));
            format!("Team{:02}", i + 1)
        } else {
            "Workloads".to_string()
        };
        accounts.push_str(&format!(
            "  - {{name: {w}, roles: [workload], email: aws+{w}@example.org, ou: {ou}}}\n"
        ));
    }
    format!(
        "version: 1\norganization:\n  name: scale\n  home_region: {}\n  regions: [{}]\n  iac: cloudformation\n\
         organizational_units:\n{ous}\
         accounts:\n{accounts}\
         pipeline:\n  application: app\n  source: {{provider: codecommit, repository: app, branch: main}}\n\
         \x20 build: {{runtime: python}}\n  deploy: {{compute: ecs, strategy: blue-green}}\n  stages: [{}]\n",
        regions[0],
        regions.join(", "),
        // Each stage is one more pipeline stage: the one-OU-each layout
        // deploys the application to the first account only.
        if own_ou {
            workloads[0].clone()
        } else {
            workloads.join(", ")
        }
    )
}

struct Repo {
    _tmp: tempfile::TempDir,
    dir: PathBuf,
    root: PathBuf,
}

fn render(n: usize, regions: &[&str]) -> Repo {
    render_answers(&answers(n, regions))
}

fn render_answers(text: &str) -> Repo {
    let tmp = tempfile::tempdir().expect("tmp");
    let root = tmp.path().to_path_buf();
    let file = root.join("answers.yaml");
    std::fs::write(&file, text).expect("answers");
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

/// Runs the repo's deploy.sh (`--skip-organization`) against the stand-in
/// `aws`, with the organization's accounts (`"<name> <email>"`) and OUs (all
/// under the root), and returns the calls it made.
fn deploy_with_stand_in(repo: &Repo, accounts: &[String], ous: &[&str]) -> Vec<String> {
    let bin = repo.root.join("bin");
    let state = repo.root.join("state");
    std::fs::create_dir_all(&bin).expect("bin");
    std::fs::create_dir_all(&state).expect("state");
    std::fs::write(bin.join("aws"), AWS).expect("aws");
    make_executable(&bin.join("aws"));
    let accounts_file = repo.root.join("accounts");
    std::fs::write(&accounts_file, accounts.join("\n") + "\n").expect("accounts");
    let ous_file = repo.root.join("ous");
    let listed: Vec<String> = ous
        .iter()
        .map(|ou| format!("ou-{}\t{ou}", ou.to_lowercase()))
        .collect();
    std::fs::write(&ous_file, listed.join("\n") + "\n").expect("ous");
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
        .env("ACCOUNTS", &accounts_file)
        .env("OUS", &ous_file)
        .env_remove("AWS_ENDPOINT_URL")
        .env_remove("AWS_ENDPOINT_URL_S3")
        .stdin(Stdio::null())
        .output()
        .expect("bash runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    std::fs::read_to_string(&calls)
        .expect("calls")
        .lines()
        .map(String::from)
        .collect()
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

    let mut names: Vec<String> = ["log-archive", "security", "tooling"]
        .iter()
        .map(|n| format!("scale-{n} aws+{n}@example.org"))
        .collect();
    names.extend((1..=10).map(|i| format!("scale-w{i:02} aws+w{i:02}@example.org")));
    let calls = deploy_with_stand_in(&repo, &names, &["Security", "Deployment", "Workloads"]);
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
    // No stack per workload account: their roles and targets are StackSets.
    assert!(
        !creates.iter().any(|c| c.contains("--stack-name scale-w")),
        "{creates:#?}"
    );
    // Each workload account gets its targets in the 4 regions by a call of
    // its own, its OU narrowed to it, with its own VPC blocks; then all are
    // waited on.
    let instances: Vec<&String> = calls
        .iter()
        .filter(|c| c.contains(" create-stack-instances --region us-east-1 --stack-set-name scale-workload-targets "))
        .collect();
    assert_eq!(instances.len(), 10, "{instances:#?}");
    assert!(
        instances[0].contains(r#"--deployment-targets {"OrganizationalUnitIds":["ou-workloads"],"Accounts":["200000000004"],"AccountFilterType":"INTERSECTION"} --regions us-east-1 us-west-2 eu-west-1 eu-central-1 --parameter-overrides [{"ParameterKey":"Networks","ParameterValue":"10.0.0.0/16,10.0.0.0/18,10.0.64.0/18,10.0.128.0/18,10.0.192.0/18,"#),
        "{}",
        instances[0]
    );
    let networks = |c: &str| {
        c.split("\"ParameterValue\":\"")
            .nth(1)
            .map(|v| v.split('"').next().unwrap_or_default().to_string())
    };
    // The OU is found once for the 10 accounts in it (a walk from the root:
    // one call), not once per account.
    let lookups = calls
        .iter()
        .filter(|c| {
            c.contains(" list-organizational-units-for-parent ")
                && c.contains("--parent-id r-abcd ")
        })
        .count();
    // baseline, baseline-regions, roles and targets: their OUs; then the
    // accounts' instances: one lookup for the ten (without the cache, ten).
    let per_stack_set = 3 + 3 + 1 + 1;
    assert_eq!(lookups, per_stack_set + 1, "{lookups} OU lookups");
    let distinct: std::collections::BTreeSet<String> =
        instances.iter().filter_map(|c| networks(c)).collect();
    assert_eq!(distinct.len(), 10, "each account its own blocks");
    let last = calls
        .iter()
        .rposition(|c| c.contains("--stack-set-name scale-workload-targets --operation-id "))
        .expect("waited");
    assert!(calls.iter().rposition(|c| c.contains(" create-stack-instances --region us-east-1 --stack-set-name scale-workload-targets ")).expect("created") < last);
    // The same baseline in every member account, and the same roles in every
    // workload account: StackSets, from the management account (no assumed
    // role), each created, then given instances in its OUs, then waited on.
    for (set, regions, ous) in [
        (
            "scale-baseline",
            "us-east-1",
            r#"["ou-deployment","ou-security","ou-workloads"]"#,
        ),
        (
            "scale-baseline-regions",
            "us-west-2 eu-west-1 eu-central-1",
            r#"["ou-deployment","ou-security","ou-workloads"]"#,
        ),
        ("scale-workload-roles", "us-east-1", r#"["ou-workloads"]"#),
    ] {
        let created = position(&format!(
            " create-stack-set --region us-east-1 --stack-set-name {set} "
        ));
        assert!(
            calls[created].contains(" --permission-model SERVICE_MANAGED "),
            "{}",
            calls[created]
        );
        let instances = position(&format!(
            " create-stack-instances --region us-east-1 --stack-set-name {set} "
        ));
        assert!(
            calls[instances].contains(&format!(
                "--deployment-targets {{\"OrganizationalUnitIds\":{ous}}} --regions {regions} "
            )),
            "{}",
            calls[instances]
        );
        let waited = position(&format!(
            " describe-stack-set-operation --region us-east-1 --stack-set-name {set} --operation-id op-{set} "
        ));
        assert!(created < instances && instances < waited, "{set}");
        assert!(
            !calls[created - 1].contains("sts assume-role"),
            "{set} is administered from the management account"
        );
    }
    // The other regions' baselines wait for the home region's, also when AWS
    // deploys them to a new account by itself.
    let regions =
        position(" create-stack-set --region us-east-1 --stack-set-name scale-baseline-regions ");
    assert!(
        calls[regions].contains(r#""DependsOn":["arn:aws:cloudformation:us-east-1:111111111111:stackset/scale-baseline:1"]"#),
        "{}",
        calls[regions]
    );
    assert!(
        position(" create-stack-instances --region us-east-1 --stack-set-name scale-baseline ")
            < regions
    );
    // The roles exist before the pipeline that names them.
    assert!(
        position("--stack-set-name scale-workload-roles") < position("--stack-name scale-tooling ")
    );
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

/// A StackSet operation reaches at most 50 OUs (API Reference,
/// CreateStackInstances): workload accounts in 60 OUs get their roles in
/// two calls, 50 OUs then 10, each waited on before the next.
#[test]
fn a_stack_set_over_more_than_fifty_ous_is_deployed_fifty_at_a_time() {
    let repo = render_answers(&answers_in(60, &["us-east-1"], true));
    let mut names: Vec<String> = ["log-archive", "security", "tooling"]
        .iter()
        .map(|n| format!("scale-{n} aws+{n}@example.org"))
        .collect();
    names.extend((1..=60).map(|i| format!("scale-w{i:02} aws+w{i:02}@example.org")));
    let mut ous = vec!["Security", "Deployment", "Workloads"];
    let teams: Vec<String> = (1..=60).map(|i| format!("Team{i:02}")).collect();
    ous.extend(teams.iter().map(String::as_str));
    let calls = deploy_with_stand_in(&repo, &names, &ous);
    let roles: Vec<(usize, &String)> = calls
        .iter()
        .enumerate()
        .filter(|(_, c)| {
            c.contains(
                " create-stack-instances --region us-east-1 --stack-set-name scale-workload-roles ",
            )
        })
        .collect();
    assert_eq!(roles.len(), 2, "{roles:#?}");
    let targeted = |call: &str| call.matches("\"ou-team").count();
    assert_eq!(
        (targeted(roles[0].1), targeted(roles[1].1)),
        (lzgen::quotas::STACK_SET_OUS_PER_OPERATION.value, 10)
    );
    // The first operation is waited on before the second starts.
    let waited = calls
        .iter()
        .position(|c| c.contains(" describe-stack-set-operation --region us-east-1 --stack-set-name scale-workload-roles "))
        .expect("waited");
    assert!(roles[0].0 < waited && waited < roles[1].0);
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
    // Only the central stacks; the baseline, the workload roles and the
    // workload targets are StackSets, each workload account one line.
    assert!(calls.len() < 20, "{} stacks", calls.len());
    assert_eq!(
        deploy
            .lines()
            .filter(|l| l.starts_with("deploy_stack_set '"))
            .count(),
        3,
        "the baseline, the workload roles and the targets"
    );
    assert_eq!(
        deploy
            .lines()
            .filter(|l| l.starts_with("deploy_stack_instance 'bigco-workload-targets' "))
            .count(),
        196
    );
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
