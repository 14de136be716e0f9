//! The generated `scripts/terraform.sh`, run for real by bash against stand-in
//! `terraform` and `aws` commands that record what they are asked to do (no
//! Terraform binary can be installed here). They check the order of the root
//! modules, the backend configuration written from the bootstrap's outputs,
//! the variables each root gets, trusted access before the security root, the
//! drift report's exit codes, and that nothing waits for an answer without a
//! terminal.

use crate::support::lzgen;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Records every call as one line, `terraform <args>` or `aws <args>`; a plan
/// with -detailed-exitcode exits 2 for the roots listed in $DRIFTED; an apply
/// of the root in $FAILING fails.
const TERRAFORM: &str = r#"#!/usr/bin/env bash
echo "terraform $*" >> "$CALLS"
case "$*" in
  "-chdir=$FAILING apply"*) exit 1 ;;
  "-chdir=terraform/bootstrap apply"*) echo '{}' > terraform/bootstrap/terraform.tfstate ;;
  *"output -raw state_bucket"*) echo "acme-tfstate-111111111111-us-east-1" ;;
  *"output -raw state_key_arn"*) echo "arn:aws:kms:us-east-1:111111111111:key/abc" ;;
  *-detailed-exitcode*)
    # A root is "<folder>" or, for a shared root, "<folder>:<account>".
    for root in $DRIFTED; do
      case "$1 $*" in
        "-chdir=${root%%:*} "*) [ "$root" = "${root%%:*}" ] && exit 2
          case "$*" in *"/accounts/${root#*:}.tfvars"*) exit 2 ;; esac ;;
      esac
    done ;;
esac
exit 0
"#;

const AWS: &str = r#"#!/usr/bin/env bash
echo "aws $*" >> "$CALLS"
"#;

struct Run {
    code: i32,
    stderr: String,
    calls: Vec<String>,
}

/// A landing zone rendered from `args`, with the stand-ins on PATH.
struct Repo {
    _tmp: tempfile::TempDir,
    dir: PathBuf,
    bin: PathBuf,
}

impl Repo {
    fn new(args: &[&str]) -> Repo {
        let tmp = tempfile::tempdir().expect("tmp");
        let dir = tmp.path().join("lz");
        lzgen()
            .arg("new")
            .arg(&dir)
            .args(["--yes", "--set", "organization.iac=terraform"])
            .args(args)
            .assert()
            .success();
        let bin = tmp.path().join("bin");
        std::fs::create_dir(&bin).expect("bin");
        for (name, body) in [("terraform", TERRAFORM), ("aws", AWS)] {
            let path = bin.join(name);
            std::fs::write(&path, body).expect("stand-in");
            make_executable(&path);
        }
        Repo {
            _tmp: tmp,
            dir,
            bin,
        }
    }

    /// As after a first apply: the bootstrap's local state is there.
    fn bootstrapped(self) -> Repo {
        std::fs::write(self.dir.join("terraform/bootstrap/terraform.tfstate"), "{}")
            .expect("state");
        self
    }

    fn run(&self, args: &[&str], env: &[(&str, &str)]) -> Run {
        self.run_script("scripts/terraform.sh", args, env)
    }

    fn run_script(&self, script: &str, args: &[&str], env: &[(&str, &str)]) -> Run {
        let calls = self.dir.join("calls.log");
        let _ = std::fs::remove_file(&calls);
        let path = format!(
            "{}:{}",
            self.bin.display(),
            std::env::var("PATH").unwrap_or_default()
        );
        let mut cmd = Command::new("bash");
        cmd.arg(self.dir.join(script))
            .args(args)
            .env("PATH", path)
            .env("CALLS", &calls)
            .env_remove("DRIFTED")
            .env("FAILING", "none")
            .stdin(Stdio::null());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let out = cmd.output().expect("bash runs");
        Run {
            code: out.status.code().unwrap_or(-1),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
            calls: std::fs::read_to_string(&calls)
                .unwrap_or_default()
                .lines()
                .map(String::from)
                .collect(),
        }
    }
}

#[cfg(unix)]
fn make_executable(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
}

#[cfg(not(unix))]
fn make_executable(_: &Path) {}

/// The roots in the order the README's deploy table gives them: a folder,
/// or for a shared root `<folder>:<account>`.
fn roots_in_readme(repo: &Repo) -> Vec<String> {
    let readme = std::fs::read_to_string(repo.dir.join("README.md")).expect("README");
    readme
        .lines()
        .filter_map(|l| {
            l.strip_prefix("| ")?
                .split_once(" | `")
                .map(|(_, rest)| rest)
        })
        .filter_map(|cell| {
            let (folder, rest) = cell.split_once('`')?;
            let account = rest
                .strip_prefix(" with `accounts/")
                .and_then(|r| r.split_once(".tfvars`"))
                .map(|(account, _)| account);
            Some(match account {
                Some(account) => format!("{folder}:{account}"),
                None => folder.to_string(),
            })
        })
        .filter(|p| p.starts_with("terraform/") && *p != "terraform/bootstrap")
        .collect()
}

/// The roots a command ran `verb` in, in order, named as `roots_in_readme`
/// names them (a shared root's account from its -var-file).
fn chdirs_of(calls: &[String], verb: &str) -> Vec<String> {
    calls
        .iter()
        .filter(|c| c.split(' ').nth(2) == Some(verb))
        .filter_map(|c| {
            let folder = c.split(' ').nth(1)?.strip_prefix("-chdir=")?;
            let account = c
                .split(' ')
                .find_map(|a| a.strip_prefix("-var-file="))
                .and_then(|f| f.rsplit('/').next())
                .and_then(|f| f.strip_suffix(".tfvars"));
            Some(match account {
                Some(account) => format!("{folder}:{account}"),
                None => folder.to_string(),
            })
        })
        .collect()
}

#[test]
fn apply_bootstraps_then_applies_every_root_in_the_readmes_order() {
    let repo = Repo::new(&[]);
    let run = repo.run(&["apply", "--yes"], &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);

    let order = roots_in_readme(&repo);
    assert_eq!(order.len(), 15, "{order:?}");
    let mut expected = vec!["terraform/bootstrap".to_string()];
    expected.extend(order.iter().cloned());
    assert_eq!(chdirs_of(&run.calls, "apply"), expected);

    // Every root's backend comes from what the bootstrap created.
    let hcl = std::fs::read_to_string(repo.dir.join("terraform/backend.hcl")).expect("backend.hcl");
    assert!(
        hcl.contains("bucket = \"acme-tfstate-111111111111-us-east-1\"\n"),
        "{hcl}"
    );
    assert!(hcl.contains("kms_key_id = \"arn:aws:kms:us-east-1:111111111111:key/abc\"\n"));
    for call in run.calls.iter().filter(|c| c.contains(" init ")) {
        if !call.contains("-chdir=terraform/bootstrap ") {
            assert!(call.contains("/terraform/backend.hcl"), "{call}");
        }
    }
    // A shared root is initialised with the account's state key, right
    // before its apply with the account's values.
    let inits: Vec<&String> = run.calls.iter().filter(|c| c.contains(" init ")).collect();
    for account in ["prod", "dev"] {
        let init = inits
            .iter()
            .position(|c| {
                c.starts_with("terraform -chdir=terraform/workloads ")
                    && c.ends_with(&format!(
                        "/terraform/workloads/accounts/{account}.tfbackend"
                    ))
            })
            .unwrap_or_else(|| panic!("{account}'s state: {inits:#?}"));
        let next_apply = run.calls[run
            .calls
            .iter()
            .position(|c| c == inits[init])
            .expect("init")..]
            .iter()
            .find(|c| c.contains(" apply "))
            .expect("an apply after it");
        assert!(
            next_apply.starts_with("terraform -chdir=terraform/workloads apply ")
                && next_apply.contains(&format!("/terraform/workloads/accounts/{account}.tfvars")),
            "{next_apply}"
        );
    }
    for call in run.calls.iter().filter(|c| c.contains(" apply ")) {
        assert!(call.contains("-auto-approve"), "{call}");
        assert!(call.contains("-input=false"), "{call}");
        let root = call.split(' ').nth(1).expect("chdir");
        let bucket = call.contains("-var=state_bucket=acme-tfstate-111111111111-us-east-1");
        let needs_bucket = !matches!(
            root,
            "-chdir=terraform/organization" | "-chdir=terraform/bootstrap"
        );
        assert_eq!(bucket, needs_bucket, "{call}");
        // The tooling root creates the connection itself: no ARN to pass.
        assert!(!call.contains("connection_arn"), "{call}");
    }

    // Trusted access for the standard preset's services, before the
    // security root and after the roots it does not need.
    let at = |needle: &str| {
        run.calls
            .iter()
            .position(|c| c.contains(needle))
            .unwrap_or_else(|| panic!("{needle} never called"))
    };
    for principal in [
        "access-analyzer.amazonaws.com",
        "config.amazonaws.com",
        "guardduty.amazonaws.com",
    ] {
        let enabled = at(&format!(
            "aws organizations enable-aws-service-access --region us-east-1 --service-principal {principal}"
        ));
        assert!(
            enabled < at("-chdir=terraform/security apply"),
            "{principal}"
        );
        assert!(
            enabled > at("/terraform/baseline/accounts/prod.tfvars"),
            "{principal}"
        );
    }
    assert!(!run.calls.iter().any(|c| c.contains("securityhub")));
}

#[test]
fn destroy_goes_in_reverse_and_keeps_the_state_bucket() {
    let repo = Repo::new(&[]).bootstrapped();
    let run = repo.run(&["destroy", "--yes"], &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let mut order = roots_in_readme(&repo);
    order.reverse();
    assert_eq!(chdirs_of(&run.calls, "destroy"), order);
    assert!(!chdirs_of(&run.calls, "apply").contains(&"terraform/bootstrap".to_string()));
    assert!(
        run.stderr.contains("The state bucket stays"),
        "{}",
        run.stderr
    );
}

#[test]
fn without_a_terminal_or_yes_nothing_is_changed() {
    let repo = Repo::new(&[]).bootstrapped();
    for command in ["apply", "destroy"] {
        let run = repo.run(&[command], &[]);
        assert_eq!(run.code, 2, "{command}: {}", run.stderr);
        assert!(
            run.stderr.contains("stdin is not a terminal; pass --yes"),
            "{}",
            run.stderr
        );
        assert!(run.calls.is_empty(), "{command}: {:?}", run.calls);
    }
    // Plans change nothing and need no answer.
    let run = repo.run(&["plan"], &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(chdirs_of(&run.calls, "plan").len(), 15);
    assert!(chdirs_of(&run.calls, "apply").is_empty());
}

#[test]
fn bad_commands_fail_clearly_and_no_connection_is_asked_for() {
    let repo = Repo::new(&[]);
    let run = repo.run(&["deploy"], &[]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("unknown command deploy (expected apply, plan, drift or destroy)")
    );
    let run = repo.run(&["plan", "--force"], &[]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("unknown option --force"));
    // Nothing has to be created by hand first: the tooling root makes the
    // connection (defect 9 of issue 12).
    let repo = repo.bootstrapped();
    let run = repo.run(&["plan"], &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!run.stderr.contains("CONNECTION_ARN"), "{}", run.stderr);
}

#[test]
fn drift_names_the_roots_that_differ_and_exits_2() {
    // An S3 source: no connection to give.
    let repo = Repo::new(&[
        "--set",
        "pipeline.source.provider=s3",
        "--set",
        "pipeline.source.repository=acme-releases/app/source.zip",
    ])
    .bootstrapped();
    let run = repo.run(&["drift"], &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("No drift"), "{}", run.stderr);
    for call in run.calls.iter().filter(|c| c.contains(" plan ")) {
        assert!(call.contains("-lock=false -detailed-exitcode"), "{call}");
    }

    let run = repo.run(
        &["drift"],
        &[("DRIFTED", "terraform/tooling terraform/workloads:prod")],
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("Differs from the code:\n  terraform/workloads prod\n  terraform/tooling\n"),
        "{}",
        run.stderr
    );
    // Listed in apply order (the workloads' roles before the pipeline that
    // assumes them); every root is still checked after the first that drifted.
    assert_eq!(chdirs_of(&run.calls, "plan").len(), 15);
}

#[test]
fn deploy_and_destroy_scripts_are_terraform_apply_and_destroy() {
    let repo = Repo::new(&[]);
    for (script, command) in [
        ("scripts/deploy.sh", "apply"),
        ("scripts/destroy.sh", "destroy"),
    ] {
        let through = repo.run_script(script, &["--yes"], &[]);
        let direct = repo.run(&[command, "--yes"], &[]);
        assert_eq!(through.code, 0, "{script}: {}", through.stderr);
        assert!(!through.calls.is_empty());
        assert_eq!(through.calls, direct.calls, "{script}");
    }
}

/// Where the bootstrap's local state is not at hand (a CI runner), the
/// committed backend.hcl or $STATE_BUCKET says where the state is; with
/// neither, the script says what to do and runs nothing.
#[test]
fn without_the_bootstrap_state_the_bucket_comes_from_backend_hcl_or_the_environment() {
    let repo = Repo::new(&[]);
    let run = repo.run(&["plan"], &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("no state bucket known: run scripts/terraform.sh apply first, or commit terraform/backend.hcl, or set STATE_BUCKET"),
        "{}",
        run.stderr
    );
    assert!(run.calls.is_empty(), "{:?}", run.calls);

    let run = repo.run(&["drift"], &[("STATE_BUCKET", "from-the-environment")]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.calls
            .iter()
            .filter(|c| c.contains(" plan "))
            .all(|c| c.contains("-var=state_bucket=from-the-environment")
                || c.contains("-chdir=terraform/organization "))
    );
    let hcl = std::fs::read_to_string(repo.dir.join("terraform/backend.hcl")).expect("written");
    assert_eq!(hcl, "bucket = \"from-the-environment\"\n");

    // A committed backend.hcl wins over the environment.
    std::fs::write(
        repo.dir.join("terraform/backend.hcl"),
        "bucket = \"committed-bucket\"\nkms_key_id = \"arn:aws:kms:us-east-1:111111111111:key/abc\"\n",
    )
    .expect("write");
    let run = repo.run(&["plan"], &[("STATE_BUCKET", "from-the-environment")]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.calls
            .iter()
            .any(|c| c.contains("-var=state_bucket=committed-bucket")),
        "{:?}",
        run.calls
    );
    assert!(
        !run.calls.iter().any(|c| c.contains("bootstrap")),
        "{:?}",
        run.calls
    );
}

#[test]
fn a_failed_apply_stops_there_and_says_how_to_go_on() {
    let repo = Repo::new(&[]).bootstrapped();
    let run = repo.run(&["apply", "--yes"], &[("FAILING", "terraform/security")]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("terraform/security did not apply. Fix the cause above and run scripts/terraform.sh apply again"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("force-unlock"), "{}", run.stderr);
    // Nothing after the failed root was applied.
    let applied = chdirs_of(&run.calls, "apply");
    assert_eq!(
        applied.last().map(String::as_str),
        Some("terraform/security"),
        "{applied:?}"
    );
}
