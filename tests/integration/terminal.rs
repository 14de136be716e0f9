//! The wizard in a real pseudo-terminal: the binary as a person runs it.

use crate::support::{fresh_target, lzgen, read_tree};
use rexpect::process::WaitStatus;
use rexpect::session::{PtySession, spawn_command};
use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The prompts of a run that takes every suggestion, in order.
const PROMPTS: &[&str] = &[
    "Organization name",
    "Infrastructure as code",
    "Home region",
    "Further regions",
    "Account layout",
    "Root email for new accounts",
    "Change anything?",
    "Do some of these accounts exist",
    "Application name",
    "Where is its source?",
    "Repository (owner/name)",
    "Branch that releases",
    "Runtime",
    "Compute",
    "Deploy strategy",
    "Port the container listens on",
    "Health check path",
    "Roll back when more than",
    "Roll back when responses",
    "Guardrails",
    "Security services",
    "Record every account",
    "Copy CloudWatch Logs",
    "Keep logs for how many days",
    "Email for pipeline failures",
    "Send them to Slack too?",
];

fn wizard(dir: &Path) -> PtySession {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_lzgen"));
    cmd.arg("new")
        .arg(dir)
        .env("NO_COLOR", "1")
        .env("TERM", "xterm")
        .env_remove("LZGEN_FAIL_AFTER_WRITES");
    spawn_command(cmd, Some(30_000)).expect("spawns in a pty")
}

/// The exit code of the finished process, or a panic naming how it ended.
fn exit_code(p: &PtySession) -> i32 {
    match p.process().wait().expect("exits") {
        WaitStatus::Exited(_, code) => code,
        other => panic!("lzgen did not exit normally: {other:?}"),
    }
}

fn enter(p: &mut PtySession) {
    p.send("\r").expect("send");
    p.flush().expect("flush");
}

fn take_every_suggestion(p: &mut PtySession) {
    for prompt in PROMPTS {
        p.exp_string(prompt)
            .unwrap_or_else(|e| panic!("waiting for `{prompt}`: {e}"));
        enter(p);
    }
}

#[test]
fn a_run_with_every_suggestion_writes_a_repo_that_its_lzgen_yaml_reproduces() {
    let (tmp, target) = fresh_target();
    let mut p = wizard(&target);
    take_every_suggestion(&mut p);
    let summary = p.exp_string("Write to").expect("summary");
    assert!(summary.contains("Summary"), "{summary}");
    assert!(summary.contains("OU Workloads"), "{summary}");
    assert!(summary.contains("Deploys with ecs blue-green"), "{summary}");
    assert!(summary.contains("Files: "), "{summary}");
    enter(&mut p);
    p.exp_string("Wrote ").expect("written");
    assert_eq!(exit_code(&p), 0);

    // The same answers, from the written lzgen.yaml, in a pipe: the same bytes.
    let again = tmp.path().join("again");
    lzgen()
        .arg("new")
        .arg(&again)
        .arg("--config")
        .arg(target.join("lzgen.yaml"))
        .write_stdin("")
        .assert()
        .success();
    assert_eq!(read_tree(&target), read_tree(&again));
}

#[test]
fn answering_no_at_the_summary_writes_nothing() {
    let (tmp, target) = fresh_target();
    let mut p = wizard(&target);
    take_every_suggestion(&mut p);
    p.exp_string("Write to").expect("summary");
    p.send("n").expect("send");
    p.flush().expect("flush");
    p.exp_string("Nothing was written.").expect("declined");
    assert_eq!(exit_code(&p), 0);
    assert!(!target.exists());
    assert_eq!(fs::read_dir(tmp.path()).expect("ls").count(), 0);
}

#[test]
fn ctrl_c_mid_way_exits_130_and_writes_nothing() {
    let (tmp, target) = fresh_target();
    let mut p = wizard(&target);
    for prompt in &PROMPTS[..9] {
        p.exp_string(prompt).expect("prompt");
        if *prompt != "Application name" {
            enter(&mut p);
        }
    }
    p.send_control('c').expect("ctrl-c");
    assert_eq!(exit_code(&p), 130);
    assert!(!target.exists());
    assert_eq!(fs::read_dir(tmp.path()).expect("ls").count(), 0);
}

#[test]
fn a_run_with_stdin_from_dev_null_exits_2_at_once() {
    let (_tmp, target) = fresh_target();
    let started = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_lzgen"))
        .arg("new")
        .arg(&target)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawns");
    // Never waits for input: give it ten seconds, far more than it needs.
    let status = loop {
        if let Some(status) = child.try_wait().expect("status") {
            break status;
        }
        if started.elapsed() > Duration::from_secs(10) {
            let _ = child.kill();
            panic!("lzgen new with stdin from /dev/null did not exit");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let output = child.wait_with_output().expect("output");
    assert_eq!(status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("error: --config: expected answers to render from, found none"),
        "{stderr}"
    );
    assert!(stderr.contains("--yes"), "{stderr}");
    assert!(!target.exists());
}

/// Choosing Terraform in the menu (one step down) asks how its state is
/// locked; choosing lock files (one step down again) writes a Terraform repo
/// whose backends lock with lock files, and an lzgen.yaml that says so.
#[test]
fn choosing_terraform_asks_how_state_is_locked_and_writes_terraform() {
    let (_tmp, target) = fresh_target();
    let mut p = wizard(&target);
    for prompt in PROMPTS {
        p.exp_string(prompt)
            .unwrap_or_else(|e| panic!("waiting for `{prompt}`: {e}"));
        if *prompt == "Infrastructure as code" {
            p.send("\x1b[B").expect("down");
            enter(&mut p);
            p.exp_string("How Terraform locks its state")
                .expect("the locking question");
            p.send("\x1b[B").expect("down");
        }
        enter(&mut p);
    }
    p.exp_string("Write to").expect("summary");
    enter(&mut p);
    p.exp_string("scripts/terraform.sh apply")
        .expect("next steps");
    assert_eq!(exit_code(&p), 0);

    let answers = fs::read_to_string(target.join("lzgen.yaml")).expect("lzgen.yaml");
    assert!(answers.contains("  iac: terraform\n"), "{answers}");
    assert!(
        answers.contains("terraform:\n  state_locking: lockfile\n"),
        "{answers}"
    );
    assert!(!target.join("cloudformation").exists());
    let backend =
        fs::read_to_string(target.join("terraform/tooling/backend.tf")).expect("a backend");
    assert!(backend.contains("use_lockfile = true"), "{backend}");
}
