//! The command line as a user meets it: exit codes, streams, JSON, and what
//! is (and is not) written.

use crate::support::{fresh_target, lzgen, read_tree, render, repo_root};
use predicates::prelude::*;
use std::fs;

#[test]
fn new_with_yes_writes_the_standard_landing_zone() {
    let (tmp, target) = fresh_target();
    lzgen()
        .args(["new"])
        .arg(&target)
        .arg("--yes")
        .assert()
        .success()
        .stdout(predicate::str::contains("Wrote "))
        .stderr(predicate::str::contains("placeholder address"));
    let tree = read_tree(&target);
    for path in [
        "README.md",
        "lzgen.yaml",
        "cloudformation/organization/organization.yaml",
        "cloudformation/organization/organization.parameters.json",
        "cloudformation/log-archive/log-archive.yaml",
        "cloudformation/log-archive/organization-trail.yaml",
        "cloudformation/artifact/artifact-us-east-1.yaml",
        "policies/scp/deny-root-user.json",
        ".github/workflows/validate.yml",
        "cloudformation/tooling/pipeline.yaml",
        "cloudformation/workloads/roles.yaml",
        "cloudformation/workloads/target.yaml",
        "app/buildspec.yml",
        "app/appspec.yaml",
        "app/taskdef.json",
        "app/Dockerfile",
        "app/server.js",
        "scripts/deploy.sh",
        "scripts/destroy.sh",
        "Makefile",
    ] {
        assert!(tree.contains_key(path), "{path} is missing");
    }
    let answers = String::from_utf8(tree["lzgen.yaml"].0.clone()).expect("utf8");
    assert!(answers.starts_with(&format!(
        "# yaml-language-server: $schema=.lzgen/lzgen.schema.json\n\
         # The answers this landing zone was generated from, by lzgen {}.",
        env!("CARGO_PKG_VERSION")
    )));
    assert!(answers.contains("\nversion: 1\n"));
    // Nothing but the target was left beside it.
    assert_eq!(fs::read_dir(tmp.path()).expect("ls").count(), 1);
}

#[test]
fn the_written_lzgen_yaml_renders_the_same_repo_again() {
    let first = render(&["--preset", "enterprise"]);
    let tmp = tempfile::tempdir().expect("tmp");
    let config = tmp.path().join("lzgen.yaml");
    fs::write(&config, &first["lzgen.yaml"].0).expect("write");
    let second = render(&["--config", config.to_str().expect("utf8 path")]);
    assert_eq!(first, second);
}

#[test]
fn the_same_answers_give_identical_bytes() {
    let a = render(&["--yes"]);
    let b = render(&["--yes"]);
    assert_eq!(a, b);
    let a = render(&["--config", "examples/multi-region.yaml"]);
    let b = render(&["--config", "examples/multi-region.yaml"]);
    assert_eq!(a, b);
}

#[test]
fn json_output_lists_the_files_written() {
    let (_tmp, target) = fresh_target();
    let out = lzgen()
        .args(["--json", "new"])
        .arg(&target)
        .arg("--yes")
        .output()
        .expect("runs");
    assert!(out.status.success());
    let doc: serde_json::Value =
        serde_json::from_slice(&out.stdout).expect("one JSON document on stdout");
    assert_eq!(doc["command"], "new");
    assert_eq!(doc["ok"], true);
    let files = doc["files"].as_array().expect("files");
    let tree = read_tree(&target);
    assert_eq!(files.len(), tree.len());
    for f in files {
        let path = f["path"].as_str().expect("path");
        assert_eq!(
            f["bytes"].as_u64(),
            Some(tree[path].0.len() as u64),
            "{path}"
        );
    }
    assert!(doc["warnings"].as_array().is_some_and(|w| !w.is_empty()));
    assert_eq!(doc["errors"], serde_json::json!([]));
}

#[test]
fn json_output_reports_errors_with_the_exit_code() {
    let out = lzgen()
        .args([
            "--json",
            "validate",
            "--yes",
            "--set",
            "pipeline.deploy.strategy=in-place",
        ])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(doc["ok"], false);
    assert_eq!(doc["exit_code"], 2);
    assert_eq!(doc["errors"][0]["key"], "pipeline.deploy.strategy");
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn plan_writes_nothing_and_prints_the_tree() {
    let tmp = tempfile::tempdir().expect("tmp");
    lzgen()
        .current_dir(tmp.path())
        .args(["plan", "--preset", "lab"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "Organization lab (partition aws, home region us-east-1",
        ))
        .stdout(predicate::str::contains(
            "    shared  log-archive, security, tooling, artifact\n",
        ))
        .stdout(predicate::str::contains("lab-landing-zone/ ("))
        .stdout(predicate::str::contains("organization.yaml ("));
    assert_eq!(fs::read_dir(tmp.path()).expect("ls").count(), 0);
}

#[test]
fn a_non_empty_target_is_refused_and_left_untouched() {
    let (tmp, target) = fresh_target();
    fs::create_dir_all(target.join("docs")).expect("mkdir");
    fs::write(target.join("docs/notes.md"), "mine\n").expect("write");
    fs::write(target.join("README.md"), "my own readme\n").expect("write");
    let before = read_tree(&target);
    lzgen()
        .arg("new")
        .arg(&target)
        .arg("--yes")
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains("with files in it"))
        .stderr(predicate::str::contains("--force"));
    assert_eq!(read_tree(&target), before);
    assert_eq!(fs::read_dir(tmp.path()).expect("ls").count(), 1);
}

#[test]
fn force_writes_the_generated_files_and_keeps_the_others() {
    let (_tmp, target) = fresh_target();
    fs::create_dir_all(&target).expect("mkdir");
    fs::write(target.join("notes.md"), "mine\n").expect("write");
    lzgen()
        .arg("new")
        .arg(&target)
        .args(["--yes", "--force"])
        .assert()
        .success();
    assert_eq!(
        fs::read_to_string(target.join("notes.md")).expect("read"),
        "mine\n"
    );
    assert!(target.join("lzgen.yaml").is_file());
}

#[test]
fn a_failure_mid_write_leaves_no_partial_folder() {
    let (tmp, target) = fresh_target();
    lzgen()
        .arg("new")
        .arg(&target)
        .arg("--yes")
        .env("LZGEN_FAIL_AFTER_WRITES", "5")
        .assert()
        .code(3)
        .stderr(predicate::str::contains("injected failure"));
    assert!(!target.exists());
    assert_eq!(
        fs::read_dir(tmp.path()).expect("ls").count(),
        0,
        "a staging folder was left behind"
    );
}

#[test]
fn a_failure_mid_write_leaves_an_existing_folder_as_it_was() {
    let (tmp, target) = fresh_target();
    fs::create_dir_all(&target).expect("mkdir");
    fs::write(target.join("notes.md"), "mine\n").expect("write");
    let before = read_tree(&target);
    lzgen()
        .arg("new")
        .arg(&target)
        .args(["--yes", "--force"])
        .env("LZGEN_FAIL_AFTER_WRITES", "5")
        .assert()
        .code(3);
    assert_eq!(read_tree(&target), before);
    assert_eq!(fs::read_dir(tmp.path()).expect("ls").count(), 1);
}

#[test]
fn a_piped_run_without_answers_lists_what_is_missing_and_never_waits() {
    let (_tmp, target) = fresh_target();
    // stdin is an open, empty pipe: a prompt would wait on it forever; the
    // time limit in `lzgen()` turns that into a failure.
    lzgen()
        .arg("new")
        .arg(&target)
        .write_stdin("")
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "error: --config: expected answers to render from, found none: no --config, --preset, --set or --yes (pass --config lzgen.yaml, or --yes",
        ))
        .stderr(predicate::str::contains("version: 1").not())
        .stderr(predicate::str::contains("Nothing was written."));
    assert!(!target.exists());
    // One answer given: every key without a documented default (config.md,
    // "Required keys and defaults") is listed with its flag, and no other.
    let out = lzgen()
        .args(["new", target.to_str().expect("utf-8"), "--set", "version=1"])
        .write_stdin("")
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    let missing: Vec<&str> = stderr
        .lines()
        .filter_map(|l| l.strip_prefix("error: "))
        .filter_map(|l| {
            l.strip_suffix(")")
                .and_then(|l| l.split_once(": required, but not given"))
        })
        .map(|(key, _)| key)
        .collect();
    assert_eq!(
        missing,
        [
            "organization.name",
            "organization.home_region",
            "accounts",
            "pipeline.application",
            "pipeline.source.provider",
            "pipeline.source.repository"
        ],
        "{stderr}"
    );
    assert!(
        stderr.contains("error: organization.name: required, but not given (supply it with --set organization.name=VALUE or in --config FILE; --yes takes the default, `acme`)"),
        "{stderr}"
    );
    assert!(
        stderr.contains("6 problems; nothing was written."),
        "{stderr}"
    );
    assert!(!target.exists());
}

#[test]
fn a_partial_config_lists_each_missing_key_with_its_flag() {
    let tmp = tempfile::tempdir().expect("tmp");
    let config = tmp.path().join("partial.yaml");
    let full = fs::read_to_string(repo_root().join("examples/multi-region.yaml")).expect("example");
    let partial = full
        .replace("  home_region: eu-west-1\n", "")
        .replace("    branch: main\n", "");
    fs::write(&config, partial).expect("write");
    // The home region has no default; the branch has one (main).
    lzgen()
        .args(["validate", "--config"])
        .arg(&config)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "error: organization.home_region: required, but not given (supply it with --set organization.home_region=VALUE or in --config FILE; --yes takes the default, `us-east-1`)",
        ))
        .stderr(predicate::str::contains("branch").not())
        .stderr(predicate::str::contains("\nNothing was written."));
    // --set supplies it; the branch's default is listed.
    lzgen()
        .args(["validate", "--config"])
        .arg(&config)
        .args(["--set", "organization.home_region=eu-west-1"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "Defaults taken for 1 key(s) not given (set any of them in lzgen.yaml or with --set):\n  pipeline.source.branch: main\n",
        ));
}

#[test]
fn validate_reports_every_problem_at_once() {
    lzgen()
        .args([
            "validate",
            "--yes",
            "--set",
            "organization.home_region=us-est-1",
            "--set",
            "pipeline.deploy.stratgy=canary",
            "--set",
            "accounts[4].ou=Workloads/Nonprod",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "error: pipeline.deploy.stratgy: unknown key `stratgy`; pipeline.deploy accepts one of `compute`, `strategy`, `traffic_percent`, `interval_minutes`, `container_port`, `health_check_path` (did you mean `strategy`?)",
        ))
        .stderr(predicate::str::contains(
            "error: organization.home_region: expected an AWS region code such as us-east-1, found `us-est-1` (did you mean `us-east-1`?)",
        ))
        .stderr(predicate::str::contains("error: accounts[4].ou: expected an OU path from organizational_units"))
        .stderr(predicate::str::contains("problems; nothing was written."));
}

#[test]
fn validate_reads_lzgen_yaml_in_the_current_folder() {
    let tmp = tempfile::tempdir().expect("tmp");
    fs::copy(
        repo_root().join("examples/multi-region.yaml"),
        tmp.path().join("lzgen.yaml"),
    )
    .expect("copy");
    lzgen()
        .current_dir(tmp.path())
        .arg("validate")
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "The answers are valid: 7 accounts",
        ));
}

#[test]
fn a_yaml_syntax_error_gives_the_line_and_column() {
    let tmp = tempfile::tempdir().expect("tmp");
    let config = tmp.path().join("broken.yaml");
    fs::write(
        &config,
        "version: 1\norganization:\n  name: acme\n   home_region: us-east-1\n",
    )
    .expect("write");
    let out = lzgen()
        .args(["validate", "--config"])
        .arg(&config)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!("error: {}:4:", config.display())),
        "{stderr}"
    );
    assert!(stderr.contains("YAML syntax error"), "{stderr}");
}

#[test]
fn an_unquoted_account_id_is_refused_with_a_hint() {
    lzgen()
        .args(["validate", "--yes", "--set", "accounts[5].id=222222222222"])
        .assert()
        .success();
    let tmp = tempfile::tempdir().expect("tmp");
    let config = tmp.path().join("ids.yaml");
    let text = fs::read_to_string(repo_root().join("examples/multi-region.yaml")).expect("example");
    fs::write(
        &config,
        text.replace("id: \"210987654321\"", "id: 210987654321"),
    )
    .expect("write");
    lzgen()
        .args(["validate", "--config"])
        .arg(&config)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "found the unquoted number 210987654321 (quote it: YAML reads unquoted digits as a number and drops leading zeros)",
        ));
}

#[test]
fn bad_flags_are_usage_errors() {
    lzgen()
        .args(["validate", "--set", "no-equals-sign"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("error: --set: expected KEY=VALUE"));
    lzgen()
        .args(["validate", "--preset", "huge"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "error: --preset: expected one of `lab`, `standard`, `enterprise`, found `huge`",
        ));
    lzgen()
        .args(["validate", "--config", "/nonexistent/lzgen.yaml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "error: --config: expected a readable YAML file, found `/nonexistent/lzgen.yaml`",
        ));
    lzgen().args(["new"]).assert().code(2);
    lzgen().args(["frobnicate"]).assert().code(2);
}

#[test]
fn iac_chooses_which_trees_are_written() {
    let tree = |iac: &str| {
        let (tmp, target) = fresh_target();
        lzgen()
            .arg("new")
            .arg(&target)
            .args(["--yes", "--set", &format!("organization.iac={iac}")])
            .assert()
            .success();
        let has = |p: &str| target.join(p).exists();
        let found = (
            has("cloudformation/tooling/pipeline.yaml"),
            has("terraform/tooling/main.tf"),
            has("scripts/deploy.sh"),
            has("scripts/terraform.sh"),
        );
        drop(tmp);
        found
    };
    assert_eq!(tree("cloudformation"), (true, false, true, false));
    // With Terraform alone, deploy.sh runs terraform.sh apply.
    assert_eq!(tree("terraform"), (false, true, true, true));
    assert_eq!(tree("both"), (true, true, true, true));
}

#[test]
fn quiet_prints_nothing_on_success() {
    let tmp = tempfile::tempdir().expect("tmp");
    lzgen()
        .arg("--quiet")
        .arg("new")
        .arg(tmp.path().join("lz"))
        .arg("--yes")
        .assert()
        .success()
        .stdout("")
        .stderr("");
}

#[test]
fn presets_are_listed_and_shown() {
    lzgen()
        .arg("presets")
        .assert()
        .success()
        .stdout(predicate::str::contains("lab "))
        .stdout(predicate::str::contains("standard ").and(predicate::str::contains("(default)")))
        .stdout(predicate::str::contains("enterprise "));
    let out = lzgen()
        .args(["presets", "show", "lab"])
        .output()
        .expect("runs");
    assert!(out.status.success());
    let shown: serde_yaml::Value = serde_yaml::from_slice(&out.stdout).expect("yaml");
    assert_eq!(shown["organization"]["name"], "lab");
    lzgen().args(["presets", "show", "nope"]).assert().code(2);
}

#[test]
fn generated_scripts_and_files_have_the_right_modes() {
    let tree = render(&["--yes"]);
    assert!(tree.contains_key("scripts/deploy.sh") && tree.contains_key("scripts/destroy.sh"));
    for (path, (_, executable)) in &tree {
        let script = path.ends_with(".sh") || path == "scripts/guard.py";
        assert_eq!(*executable, script, "{path}");
    }
}

#[test]
fn lambda_with_a_runtime_it_cannot_start_from_is_refused() {
    let (_tmp, target) = fresh_target();
    lzgen()
        .arg("new")
        .arg(&target)
        .args(["--yes", "--set", "pipeline.deploy.compute=lambda", "--set", "pipeline.deploy.strategy=all-at-once"])
        .args(["--set", "pipeline.build.runtime=java"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(format!(
            "error: pipeline.build.runtime: expected `nodejs` or `python` for a Lambda function in lzgen {}, found `java`",
            env!("CARGO_PKG_VERSION")
        )));
    assert!(!target.exists());
}

#[test]
fn every_invalid_compute_and_strategy_pair_is_refused_and_writes_nothing() {
    let pairs = [
        ("ecs", "all-at-once", "`blue-green`, `canary`, `linear`"),
        ("ecs", "in-place", "`blue-green`, `canary`, `linear`"),
        ("lambda", "blue-green", "`all-at-once`, `canary`, `linear`"),
        ("lambda", "in-place", "`all-at-once`, `canary`, `linear`"),
        ("ec2", "canary", "`in-place`, `blue-green`"),
        ("ec2", "linear", "`in-place`, `blue-green`"),
        ("ec2", "all-at-once", "`in-place`, `blue-green`"),
    ];
    for (compute, strategy, valid) in pairs {
        let (_tmp, target) = fresh_target();
        lzgen()
            .arg("new")
            .arg(&target)
            .args(["--yes", "--set"])
            .arg(format!("pipeline.deploy.compute={compute}"))
            .arg("--set")
            .arg(format!("pipeline.deploy.strategy={strategy}"))
            .assert()
            .code(2)
            .stderr(predicate::str::contains(format!(
                "error: pipeline.deploy.strategy: expected a strategy for compute `{compute}`: one of {valid}, found `{strategy}`"
            )));
        assert!(!target.exists(), "{compute} {strategy}");
    }
}

#[test]
fn every_supported_compute_and_strategy_pair_renders() {
    let pairs: [(&str, &str, &[&str]); 8] = [
        ("lambda", "all-at-once", &[]),
        (
            "lambda",
            "canary",
            &[
                "pipeline.deploy.traffic_percent=10",
                "pipeline.deploy.interval_minutes=5",
            ],
        ),
        (
            "lambda",
            "linear",
            &[
                "pipeline.deploy.traffic_percent=20",
                "pipeline.deploy.interval_minutes=2",
            ],
        ),
        ("ecs", "blue-green", &[]),
        (
            "ecs",
            "canary",
            &[
                "pipeline.deploy.traffic_percent=10",
                "pipeline.deploy.interval_minutes=5",
            ],
        ),
        (
            "ecs",
            "linear",
            &[
                "pipeline.deploy.traffic_percent=25",
                "pipeline.deploy.interval_minutes=3",
            ],
        ),
        ("ec2", "in-place", &[]),
        ("ec2", "blue-green", &[]),
    ];
    for (compute, strategy, extra) in pairs {
        let mut args = vec![
            "--yes".to_string(),
            "--set".into(),
            format!("pipeline.deploy.compute={compute}"),
            "--set".into(),
            format!("pipeline.deploy.strategy={strategy}"),
        ];
        for e in extra {
            args.push("--set".into());
            args.push(e.to_string());
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let tree = render(&args);
        let target =
            String::from_utf8_lossy(&tree["cloudformation/workloads/target.yaml"].0).into_owned();
        let expected = match compute {
            "ecs" => "Type: AWS::ECS::Service",
            "lambda" => "Type: AWS::Lambda::Alias",
            _ => "Type: AWS::AutoScaling::AutoScalingGroup",
        };
        assert!(target.contains(expected), "{compute} {strategy}");
        let custom = target.contains("Type: AWS::CodeDeploy::DeploymentConfig");
        assert_eq!(
            custom,
            matches!(strategy, "canary" | "linear"),
            "{compute} {strategy}"
        );
        let appspec = if compute == "ec2" {
            "app/appspec.yml"
        } else {
            "app/appspec.yaml"
        };
        assert!(
            tree.contains_key(appspec),
            "{compute} {strategy}: {appspec}"
        );
    }
}

/// `--yes` under a config that names its own home region fills the region
/// list with that region, not the default preset's (which would not hold
/// it, and was refused).
#[test]
fn yes_fills_regions_that_fit_the_given_home_region() {
    let (_tmp, target) = fresh_target();
    lzgen()
        .args(["new", target.to_str().expect("utf-8"), "--yes", "--config"])
        .arg(repo_root().join("examples/ecs-linear.yaml"))
        .assert()
        .success();
    let answers = std::fs::read_to_string(target.join("lzgen.yaml")).expect("answers");
    assert!(
        answers.contains("  home_region: ap-southeast-2\n  regions: [ap-southeast-2]\n"),
        "{answers}"
    );
    // A region list given with it is kept as given.
    lzgen()
        .args([
            "validate",
            "--yes",
            "--set",
            "organization.home_region=eu-west-1",
        ])
        .args(["--set", "organization.regions=[us-east-1]"])
        .assert()
        .code(2);
}

/// Every subcommand and every flag of the real command line, as clap
/// knows them: what completions and the man page must cover.
fn command_line_words() -> Vec<String> {
    let command = <lzgen::cli::Cli as clap::CommandFactory>::command();
    let mut words = Vec::new();
    for sub in command.get_subcommands().filter(|s| s.get_name() != "help") {
        words.push(sub.get_name().to_string());
        for arg in sub.get_arguments() {
            if let Some(long) = arg.get_long() {
                words.push(format!("--{long}"));
            }
        }
    }
    assert!(words.contains(&"--dry-run".to_string()), "{words:?}");
    words
}

#[test]
fn completions_cover_every_subcommand_and_flag_in_each_shell() {
    let words = command_line_words();
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let out = lzgen().args(["completions", shell]).output().expect("runs");
        assert_eq!(out.status.code(), Some(0), "{shell}");
        let script = String::from_utf8(out.stdout).expect("utf-8");
        for word in &words {
            // fish and zsh write a long flag without its dashes.
            let bare = word.trim_start_matches('-');
            assert!(script.contains(bare), "{shell}: no `{word}`");
        }
        if shell == "bash" {
            let check = std::process::Command::new("bash")
                .args(["-n", "-c", &script])
                .output()
                .expect("bash runs");
            assert!(
                check.status.success(),
                "bash -n: {}",
                String::from_utf8_lossy(&check.stderr)
            );
        }
    }
    lzgen().args(["completions", "tcsh"]).assert().code(2);
}

#[test]
fn the_man_page_has_a_section_for_every_subcommand_and_flag() {
    let out = lzgen().arg("man").output().expect("runs");
    assert_eq!(out.status.code(), Some(0));
    let page = String::from_utf8(out.stdout).expect("utf-8");
    assert!(
        page.starts_with(".ie") && page.contains(".TH lzgen 1"),
        "{page}"
    );
    let command = <lzgen::cli::Cli as clap::CommandFactory>::command();
    for sub in command.get_subcommands().filter(|s| s.get_name() != "help") {
        let name = sub.get_name();
        assert!(
            page.contains(&format!(".TH lzgen\\-{name} 1"))
                || page.contains(&format!(".TH lzgen-{name} 1")),
            "no page for {name}"
        );
        for arg in sub.get_arguments().filter_map(|a| a.get_long()) {
            // roff escapes each dash.
            assert!(
                page.contains(&format!("\\-\\-{}", arg.replace('-', "\\-"))),
                "{name}: --{arg}"
            );
        }
    }
    // groff reads it without a warning, where groff is installed.
    if let Ok(check) = std::process::Command::new("groff")
        .args(["-man", "-Tutf8", "-ww", "-z"])
        .stdin(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child
                .stdin
                .take()
                .expect("stdin")
                .write_all(page.as_bytes())?;
            child.wait_with_output()
        })
    {
        assert!(
            check.status.success() && check.stderr.is_empty(),
            "groff: {}",
            String::from_utf8_lossy(&check.stderr)
        );
    }
}

/// `--yes` fills what the answers given leave open with defaults that fit
/// them: Lambda gets a strategy it offers and no container port, a canary
/// gets CodeDeploy's 10 % every 5 minutes.
#[test]
fn yes_fills_deploy_defaults_that_fit_the_given_compute_and_strategy() {
    for (sets, want) in [
        (
            vec![
                "pipeline.deploy.compute=lambda",
                "pipeline.build.runtime=python",
            ],
            "    compute: lambda\n    strategy: canary\n    traffic_percent: 10\n    interval_minutes: 5\n",
        ),
        (
            vec!["pipeline.deploy.strategy=canary"],
            "    compute: ecs\n    strategy: canary\n    traffic_percent: 10\n    interval_minutes: 5\n",
        ),
        (
            vec![
                "pipeline.deploy.strategy=linear",
                "pipeline.deploy.traffic_percent=25",
            ],
            "    compute: ecs\n    strategy: linear\n    traffic_percent: 25\n    interval_minutes: 1\n",
        ),
    ] {
        let (_tmp, target) = fresh_target();
        let mut cmd = lzgen();
        cmd.args(["new", target.to_str().expect("utf-8"), "--yes"]);
        for set in &sets {
            cmd.args(["--set", set]);
        }
        let out = cmd.output().expect("runs");
        assert_eq!(
            out.status.code(),
            Some(0),
            "{sets:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let answers = std::fs::read_to_string(target.join("lzgen.yaml")).expect("answers");
        assert!(answers.contains(want), "{sets:?}:\n{answers}");
        assert!(
            !answers.contains("container_port") || !sets[0].contains("lambda"),
            "{answers}"
        );
    }
}

/// Under --yes a missing key was removed on purpose: the hint says so and
/// does not suggest --yes again.
#[test]
fn a_key_nulled_under_yes_is_explained_without_suggesting_yes() {
    let out = lzgen()
        .args(["validate", "--yes", "--set", "organization.name=null"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("error: organization.name: required, but not given (the preset under your answers had it, so a `null` in --config or --set removed it; give it a value with --set organization.name=VALUE"),
        "{err}"
    );
    assert!(!err.contains("--yes takes"), "{err}");
}

/// A hand-written lzgen.yaml with only what has no default renders without
/// --yes; the output lists each default taken, and the repo's lzgen.yaml
/// writes them out, so it renders the same repo again.
#[test]
fn a_minimal_hand_written_file_renders_and_lists_its_defaults() {
    let tmp = tempfile::tempdir().expect("tmp");
    let target = tmp.path().join("repo");
    let out = lzgen()
        .arg("new")
        .arg(&target)
        .arg("--config")
        .arg(repo_root().join("examples/minimal.yaml"))
        .write_stdin("")
        .output()
        .expect("runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    for line in [
        "Defaults taken for 15 key(s) not given",
        "\n  organization.iac: cloudformation\n",
        "\n  organization.regions: [eu-west-1]\n",
        "\n  pipeline.source.branch: main\n",
        "\n  pipeline.deploy: {compute: ecs, strategy: blue-green, container_port: 8080, health_check_path: /healthz}\n",
        "\n  accounts[0].ou: Security\n",
        "\n  accounts[3].ou: Workloads/NonProd\n",
        "\n  accounts[4].ou: Workloads/Prod\n",
    ] {
        assert!(stdout.contains(line), "`{line}` in:\n{stdout}");
    }
    assert!(
        !stdout.contains("terraform"),
        "CloudFormation only: {stdout}"
    );
    let written = fs::read_to_string(target.join("lzgen.yaml")).expect("lzgen.yaml");
    assert!(written.contains("    ou: Workloads/Prod\n"), "{written}");
    // The written file has every key: nothing is defaulted from it.
    lzgen()
        .args(["validate", "--config"])
        .arg(target.join("lzgen.yaml"))
        .assert()
        .success()
        .stdout(predicate::str::contains("Defaults taken").not());
    lzgen().arg("check").arg(&target).assert().success();
}
