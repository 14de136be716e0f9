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
    p.exp_string("Stop without writing").expect("summary");
    // The last of the three choices: write, change an answer, stop.
    p.send("\x1b[B\x1b[B").expect("down");
    enter(&mut p);
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

/// Takes the suggestion at every prompt of `PROMPTS` up to, not including,
/// `stop`; returns once `stop` is on screen.
fn suggestions_until(p: &mut PtySession, stop: &str) {
    suggestions_between(p, PROMPTS[0], stop);
}

/// Takes the suggestion at every prompt of `PROMPTS` from `from` up to, not
/// including, `stop`; returns once `stop` is on screen.
fn suggestions_between(p: &mut PtySession, from: &str, stop: &str) {
    let prompts = PROMPTS.iter().skip_while(|prompt| **prompt != from);
    for prompt in prompts.take_while(|prompt| **prompt != stop) {
        p.exp_string(prompt)
            .unwrap_or_else(|e| panic!("waiting for `{prompt}`: {e}"));
        enter(p);
    }
    p.exp_string(stop)
        .unwrap_or_else(|e| panic!("waiting for `{stop}`: {e}"));
}

/// Takes the suggestion at every prompt from `from` on, then writes.
fn suggestions_from_then_write(p: &mut PtySession, from: &str) {
    let at = PROMPTS.iter().position(|q| *q == from).expect("a prompt");
    for prompt in &PROMPTS[at..] {
        p.exp_string(prompt)
            .unwrap_or_else(|e| panic!("waiting for `{prompt}`: {e}"));
        enter(p);
    }
    p.exp_string("What next?").expect("summary");
    enter(p);
    p.exp_string("Wrote ").expect("written");
    assert_eq!(exit_code(p), 0);
}

fn send(p: &mut PtySession, keys: &str) {
    p.send(keys).expect("send");
    p.flush().expect("flush");
}

fn answers_of(target: &Path) -> String {
    fs::read_to_string(target.join("lzgen.yaml")).expect("lzgen.yaml")
}

/// `n⏎` at a yes/no question answers that question only: the Enter does not
/// also take the next question's suggestion.
#[test]
fn a_yes_no_question_waits_for_enter() {
    let (_tmp, target) = fresh_target();
    let mut p = wizard(&target);
    suggestions_until(&mut p, "Record every account");
    send(&mut p, "n\r");
    p.exp_string("Copy CloudWatch Logs")
        .expect("the next question");
    send(&mut p, "n\r");
    suggestions_from_then_write(&mut p, "Keep logs for how many days");
    let answers = answers_of(&target);
    assert!(
        answers.contains("  organization_trail: false\n"),
        "{answers}"
    );
    assert!(
        answers.contains("  cloudwatch_logs_to_s3: false\n"),
        "{answers}"
    );
    assert!(answers.contains("  retention_days: 365\n"), "{answers}");
}

/// The home region list opens on the suggestion, in sight and marked; typing
/// filters it.
#[test]
fn the_region_lists_show_the_suggestion_and_filter_as_you_type() {
    let (_tmp, target) = fresh_target();
    let mut p = wizard(&target);
    suggestions_until(&mut p, "Home region");
    p.exp_string("> us-east-1 (US East (N. Virginia))  (suggested)")
        .expect("the suggestion, highlighted");
    send(&mut p, "ireland");
    p.exp_string("1 of 40").expect("filtered to one");
    enter(&mut p);
    p.exp_string("Further regions").expect("further regions");
    // `a` is a letter of a region's name, not "tick them all".
    send(&mut p, "a");
    p.exp_string(", 0 ticked").expect("nothing ticked");
    send(&mut p, "\x7fus-west-2 ");
    p.exp_string(", 1 ticked").expect("one ticked");
    enter(&mut p);
    suggestions_from_then_write(&mut p, "Account layout");
    let answers = answers_of(&target);
    assert!(answers.contains("  home_region: eu-west-1\n"), "{answers}");
    assert!(
        answers.contains("  regions: [eu-west-1, us-west-2]\n"),
        "{answers}"
    );
}

/// After a new home region is chosen, the old one is not ticked as a
/// further region.
#[test]
fn the_old_home_region_is_not_ticked_after_a_new_one_is_chosen() {
    let (_tmp, target) = fresh_target();
    let mut p = wizard(&target);
    suggestions_until(&mut p, "Home region");
    send(&mut p, "eu-central-1");
    p.exp_string("1 of 40").expect("filtered to one");
    enter(&mut p);
    p.exp_string(", 0 ticked").expect("nothing ticked");
    enter(&mut p);
    suggestions_from_then_write(&mut p, "Account layout");
    let answers = answers_of(&target);
    assert!(
        answers.contains("  home_region: eu-central-1\n  regions: [eu-central-1]\n"),
        "{answers}"
    );
}

/// A Lambda function is not asked for a container port.
#[test]
fn lambda_is_not_asked_for_a_container_port() {
    let (_tmp, target) = fresh_target();
    let mut p = wizard(&target);
    suggestions_until(&mut p, "Compute");
    send(&mut p, "\x1b[B");
    enter(&mut p);
    p.exp_string("Deploy strategy").expect("strategy");
    enter(&mut p);
    let between = p.exp_string("Health check path").expect("health check");
    assert!(!between.contains("Port the container"), "{between}");
    enter(&mut p);
    suggestions_from_then_write(&mut p, "Roll back when more than");
    let answers = answers_of(&target);
    assert!(answers.contains("    compute: lambda\n"), "{answers}");
    assert!(!answers.contains("container_port"), "{answers}");
}

/// The repository's suggestion follows the organization and application
/// given before it.
#[test]
fn the_repository_suggestion_follows_earlier_answers() {
    let (_tmp, target) = fresh_target();
    let mut p = wizard(&target);
    p.exp_string("Organization name").expect("name");
    send(&mut p, "globex\r");
    suggestions_between(&mut p, "Infrastructure as code", "Application name");
    send(&mut p, "shop\r");
    p.exp_string("Where is its source?").expect("source");
    enter(&mut p);
    p.exp_string("Repository (owner/name) [globex/shop]")
        .expect("the suggestion follows");
    enter(&mut p);
    suggestions_from_then_write(&mut p, "Branch that releases");
    let answers = answers_of(&target);
    assert!(
        answers.contains("    repository: globex/shop\n"),
        "{answers}"
    );
}

/// At the summary, "change an answer" goes back to that question, asks the
/// rest of its group, keeps every other answer, and shows the summary again.
#[test]
fn changing_an_answer_at_the_summary_goes_back_to_that_question() {
    let (_tmp, target) = fresh_target();
    let mut p = wizard(&target);
    p.exp_string("Organization name").expect("name");
    send(&mut p, "globex\r");
    suggestions_from_then_write_menu(&mut p);
    send(&mut p, "\x1b[B");
    enter(&mut p);
    p.exp_string("Change which answer?")
        .expect("the list of answers");
    send(&mut p, "Application name");
    p.exp_string("1 of 25").expect("filtered to one");
    enter(&mut p);
    p.exp_string("Change which answer?: Application name: sample-app")
        .expect("chosen");
    let before = p.exp_string("Application name").expect("asked again");
    assert!(!before.contains("Organization name"), "{before}");
    send(&mut p, "shop\r");
    p.exp_string("Where is its source?")
        .expect("the rest of the group");
    enter(&mut p);
    p.exp_string("Repository (owner/name) [globex/shop]")
        .expect("the suggestion follows");
    enter(&mut p);
    p.exp_string("Branch that releases").expect("branch");
    enter(&mut p);
    p.exp_string("Runtime").expect("runtime");
    enter(&mut p);
    let between = p.exp_string("What next?").expect("the summary again");
    assert!(
        !between.contains("Compute"),
        "later groups keep their answers: {between}"
    );
    enter(&mut p);
    p.exp_string("Wrote ").expect("written");
    assert_eq!(exit_code(&p), 0);
    let answers = answers_of(&target);
    assert!(answers.contains("  name: globex\n"), "{answers}");
    assert!(answers.contains("  application: shop\n"), "{answers}");
    assert!(
        answers.contains("    repository: globex/shop\n"),
        "{answers}"
    );
}

/// Takes every suggestion after the organization's name, up to the
/// summary's menu.
fn suggestions_from_then_write_menu(p: &mut PtySession) {
    for prompt in &PROMPTS[1..] {
        p.exp_string(prompt)
            .unwrap_or_else(|e| panic!("waiting for `{prompt}`: {e}"));
        enter(p);
    }
    p.exp_string("What next?").expect("summary");
}

/// `update --ask`: the wizard with the repo's answers as suggestions; a
/// region ticked; the update writes its files and the new answer into
/// lzgen.yaml, keeping the comment added there by hand.
#[test]
fn update_ask_runs_the_wizard_over_the_repos_answers_and_keeps_comments() {
    let (_tmp, target) = fresh_target();
    crate::support::new_standard(&target);
    let answers = answers_of(&target).replace(
        "organization:\n",
        "# Owned by the platform team.\norganization:\n",
    );
    fs::write(target.join("lzgen.yaml"), &answers).expect("write");

    let mut cmd = Command::new(env!("CARGO_BIN_EXE_lzgen"));
    cmd.arg("update")
        .arg(&target)
        .arg("--ask")
        .env("NO_COLOR", "1")
        .env("TERM", "xterm");
    let mut p = spawn_command(cmd, Some(30_000)).expect("spawns in a pty");
    suggestions_until(&mut p, "Further regions");
    send(&mut p, "eu-west-1 ");
    p.exp_string(", 1 ticked").expect("ticked");
    enter(&mut p);
    for prompt in &PROMPTS[4..] {
        p.exp_string(prompt)
            .unwrap_or_else(|e| panic!("waiting for `{prompt}`: {e}"));
        enter(&mut p);
    }
    p.exp_string("with these answers")
        .expect("the summary's menu");
    enter(&mut p);
    p.exp_string("lzgen.yaml has the new answers, its comments kept.")
        .expect("updated");
    assert_eq!(exit_code(&p), 0);
    let after = answers_of(&target);
    assert!(after.contains("# Owned by the platform team.\n"), "{after}");
    assert!(
        after.contains("  regions: [us-east-1, eu-west-1]\n"),
        "{after}"
    );
    assert!(
        target
            .join("cloudformation/security/security-eu-west-1.yaml")
            .is_file()
    );
    crate::support::lzgen()
        .arg("check")
        .arg(&target)
        .assert()
        .success();
}

/// Without a terminal, `update --ask` refuses at once, writing nothing.
#[test]
fn update_ask_without_a_terminal_exits_2() {
    let (_tmp, target) = fresh_target();
    crate::support::new_standard(&target);
    let before = crate::support::read_tree(&target);
    crate::support::lzgen()
        .args(["update", target.to_str().expect("utf-8"), "--ask"])
        .write_stdin("")
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "error: --ask: expected a terminal to ask on, found none",
        ));
    assert_eq!(crate::support::read_tree(&target), before);
}
