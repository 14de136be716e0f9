//! Bounded input (issue 13, defects 6, 7 and 14): a hostile answers file
//! gets a clear error, exit 2, in bounded time and memory, and nothing it
//! holds reaches the terminal raw.

use crate::support::{fresh_target, lzgen};
use predicates::prelude::*;
use std::fs;

/// A named pipe with no writer used to block `--config` forever, and
/// `/dev/zero` grew without bound.
#[cfg(unix)]
#[test]
fn only_a_regular_file_is_read_as_answers() {
    let tmp = tempfile::tempdir().expect("tmp");
    let fifo = tmp.path().join("answers.yaml");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo runs");
    assert!(made.success());
    for (path, kind) in [
        (fifo.to_string_lossy().into_owned(), "a named pipe (FIFO)"),
        ("/dev/zero".to_string(), "a device"),
    ] {
        lzgen()
            .args(["validate", "--config", &path])
            .timeout(std::time::Duration::from_secs(20))
            .assert()
            .code(2)
            .stderr(predicate::str::contains(format!(
                "--config: expected a readable YAML file, found `{path}`: it is {kind}, not a regular file"
            )));
    }
}

/// A 50 MB organization name took 6.2 GB and was echoed whole.
#[test]
fn a_huge_value_is_refused_by_its_size_and_never_echoed() {
    let tmp = tempfile::tempdir().expect("tmp");
    let config = tmp.path().join("lzgen.yaml");
    fs::write(
        &config,
        format!("organization:\n  name: {}\n", "a".repeat(3_000_000)),
    )
    .expect("write");
    let out = lzgen()
        .args(["validate", "--yes", "--config"])
        .arg(&config)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("organization.name: expected at most 4096 characters, found 3000000"),
        "{stderr}"
    );
    assert!(stderr.len() < 2_000, "{} bytes of errors", stderr.len());

    fs::write(&config, vec![b'#'; 5 * 1024 * 1024]).expect("write");
    lzgen()
        .args(["validate", "--config"])
        .arg(&config)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("over the 4194304-byte limit"));
}

/// `name: !!python/object:os.system ls` used to read as `ls`.
#[test]
fn a_yaml_tag_is_refused_with_its_line_from_a_file_and_from_set() {
    let tmp = tempfile::tempdir().expect("tmp");
    let config = tmp.path().join("lzgen.yaml");
    fs::write(
        &config,
        "version: 1\norganization:\n  name: !!python/object:os.system ls\n",
    )
    .expect("write");
    let (_t, target) = fresh_target();
    lzgen()
        .arg("new")
        .arg(&target)
        .args(["--yes", "--config"])
        .arg(&config)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "lzgen.yaml:3:35: expected a plain YAML value, found one tagged `!!python/object:os.system`",
        ));
    assert!(!target.exists());
    lzgen()
        .args(["validate", "--yes", "--set", "organization.name=!!str acme"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "--set organization.name: expected a plain YAML value, found one tagged `!!str`",
        ));
}

/// `organization.name="x\e[2J"` cleared the screen when the error echoed it.
#[test]
fn errors_never_send_a_terminal_control_sequence() {
    // YAML's double-quoted escapes make the characters; the raw ones are
    // refused by the YAML reader itself, without echoing them either.
    for (value, raw) in [
        (r#""x\e[2J""#, "x\u{1b}[2J"),
        (r#""a\u202Eb""#, "a\u{202e}b"),
        (r#""tab\there""#, "tab\there"),
        ("'x\u{1b}[2J'", "x\u{1b}[2J"),
    ] {
        let out = lzgen()
            .args(["validate", "--yes", "--set"])
            .arg(format!("organization.name={value}"))
            .output()
            .expect("runs");
        assert_eq!(out.status.code(), Some(2), "{value:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("organization.name"), "{stderr}");
        if value.starts_with('"') {
            assert!(stderr.contains("expected visible text"), "{stderr}");
        }
        assert!(!stderr.contains(raw), "echoed raw: {stderr:?}");
        assert!(
            !stderr.contains('\u{1b}'),
            "an escape reached stderr: {stderr:?}"
        );
    }
    // Also in a problem that is not about the characters: the key of an
    // unknown section, echoed in its message.
    let out = lzgen()
        .args(["validate", "--yes", "--set"])
        .arg("x\u{1b}[2Jy=1")
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(!String::from_utf8_lossy(&out.stderr).contains('\u{1b}'));
}

/// 5 M unknown keys took a minute; a mapping larger than any lzgen.yaml
/// holds is refused at once.
#[test]
fn a_flood_of_keys_is_refused_at_once() {
    let tmp = tempfile::tempdir().expect("tmp");
    let config = tmp.path().join("lzgen.yaml");
    let text: String = (0..200_000).map(|i| format!("k{i}: 1\n")).collect();
    fs::write(&config, text).expect("write");
    lzgen()
        .args(["validate", "--config"])
        .arg(&config)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "expected a mapping of at most 200 keys, found 200000",
        ));
}

/// A pipeline that deploys to more accounts than the pipeline's template can
/// take a parameter each for (200 a template, less the artifact account and
/// key and the log archive's) reads their IDs from lists of 300 instead,
/// each action and build variable by its account's position; up to the
/// last count that fits, each account keeps a parameter of its own. (320
/// accounts were once refused for this quota, and before that for the
/// drift function's list of accounts; 60 for the organization's template
/// size.)
#[test]
fn a_pipeline_past_a_parameter_each_reads_its_accounts_from_lists() {
    let tmp = tempfile::tempdir().expect("tmp");
    let config = tmp.path().join("lzgen.yaml");
    let answers = |stages: Option<usize>| {
        let mut accounts = String::new();
        for (name, roles) in [
            ("log-archive", "[log-archive]"),
            ("tooling", "[tooling, artifact]"),
        ] {
            accounts.push_str(&format!(
            "  - name: {name}\n    roles: {roles}\n    email: aws+{name}@example.org\n    ou: Core\n"
        ));
        }
        for i in 0..320 {
            accounts.push_str(&format!(
            "  - name: w{i:03}\n    roles: [workload]\n    email: aws+w{i:03}@example.org\n    ou: Workloads\n"
        ));
        }
        let stages = match stages {
            Some(n) => format!(
                "  stages: [[{}]]\n",
                (0..n)
                    .map(|i| format!("w{i:03}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            None => String::new(),
        };
        format!(
            "version: 1\norganization:\n  name: big\n  home_region: us-east-1\n  regions: [us-east-1]\n  iac: cloudformation\n\
         organizational_units:\n  - name: Core\n  - name: Workloads\naccounts:\n{accounts}\
         pipeline:\n  application: app\n  source:\n    provider: codecommit\n    repository: app\n    branch: main\n\
         \x20 build:\n    runtime: python\n  deploy:\n    compute: ecs\n    strategy: blue-green\n{stages}"
        )
    };
    // 320 accounts: two lists, 300 and 20; for ECS (a role per action) and
    // Lambda (the deployer's variables per action).
    let lambda = (
        "compute: ecs\n    strategy: blue-green\n",
        "compute: lambda\n    strategy: canary\n    traffic_percent: 10\n    interval_minutes: 5\n",
    );
    assert!(answers(None).contains(lambda.0));
    for text in [answers(None), answers(None).replace(lambda.0, lambda.1)] {
        fs::write(&config, &text).expect("write");
        let (_keep, target) = crate::support::fresh_target();
        new_from(&config, &target).assert().success();
        let template = fs::read_to_string(target.join("cloudformation/tooling/pipeline.yaml"))
            .expect("pipeline");
        let parameters: serde_json::Value = serde_json::from_str(
            &fs::read_to_string(target.join("cloudformation/tooling/pipeline.parameters.json"))
                .expect("parameters"),
        )
        .expect("json");
        let list = |key: &str| -> Vec<String> {
            parameters
                .as_array()
                .expect("a list")
                .iter()
                .find(|p| p["ParameterKey"] == key)
                .and_then(|p| p["ParameterValue"].as_str())
                .unwrap_or_else(|| panic!("{key} is passed"))
                .split(',')
                .map(String::from)
                .collect()
        };
        let lists = [list("PipelineAccountIds"), list("PipelineAccountIds2")];
        assert_eq!((lists[0].len(), lists[1].len()), (300, 20));
        assert!(parameters.as_array().expect("a list").len() <= 200);
        assert!(
            !template.contains("W000AccountId"),
            "no parameter of its own"
        );
        // Each deploy action's role, and each build variable, is its own
        // account's ID: the entry at its position in its list.
        let id_at = |select: &str| {
            let (index, rest) = select
                .strip_prefix("!Select [")
                .and_then(|r| r.split_once(", !Split [\",\", !Ref "))
                .unwrap_or_else(|| panic!("{select}"));
            let key = rest.trim_end_matches("]]");
            let n: usize = index.parse().expect("an index");
            let which = if key == "PipelineAccountIds" { 0 } else { 1 };
            lists[which][n].clone()
        };
        let mut roles = 0;
        for action in template.split("            - Name: w").skip(1) {
            let account = format!("w{}", &action[..3]);
            let select = action
                .lines()
                .find_map(|l| l.trim().strip_prefix("- Account: "))
                .expect("the action's account");
            assert_eq!(
                id_at(select),
                format!("${{ACCOUNT_ID_{}}}", account.to_uppercase())
            );
            roles += 1;
        }
        assert_eq!(roles, 320);
        let mut variables = 0;
        for variable in template.split("          - Name: ACCOUNT_ID_").skip(1) {
            let name = variable.lines().next().expect("a name");
            if let Some(select) = variable
                .lines()
                .find_map(|l| l.trim().strip_prefix("Value: !Select"))
            {
                assert_eq!(
                    id_at(&format!("!Select{select}")),
                    format!("${{ACCOUNT_ID_{name}}}")
                );
                variables += 1;
            }
        }
        assert_eq!(variables, 320);
    }
    // The last count that fits a parameter each keeps them; one more is
    // read from lists. Both render.
    for (listed, in_lists) in [(197, false), (198, true)] {
        fs::write(&config, answers(Some(listed))).expect("write");
        let (_keep, target) = crate::support::fresh_target();
        new_from(&config, &target).assert().success();
        let template = fs::read_to_string(target.join("cloudformation/tooling/pipeline.yaml"))
            .expect("pipeline");
        assert_eq!(
            template.contains("PipelineAccountIds:"),
            in_lists,
            "{listed}"
        );
        assert_eq!(template.contains("W000AccountId:"), !in_lists, "{listed}");
    }
}

/// The README's organization diagram stays within the 50,000 characters
/// GitHub's Mermaid renders (its `maxTextSize`; past it the reader sees an
/// error, not a diagram): a node per account passed it at about 750
/// accounts. A crowded OU shows its first accounts and one node for the
/// rest; the table under the diagram still lists every account.
#[test]
fn the_organization_diagram_stays_within_what_github_renders() {
    let tmp = tempfile::tempdir().expect("tmp");
    let config = tmp.path().join("lzgen.yaml");
    let mut accounts = String::from(
        "  - {name: log-archive, roles: [log-archive], email: aws+log-archive@example.org, ou: Core}\n\
         \x20 - {name: tooling, roles: [tooling, artifact], email: aws+tooling@example.org, ou: Core}\n",
    );
    for i in 1..=800 {
        accounts.push_str(&format!(
            "  - {{name: w{i:04}, roles: [workload], email: aws+w{i:04}@example.org, ou: Workloads}}\n"
        ));
    }
    fs::write(
        &config,
        format!(
            "version: 1\norganization:\n  name: big\n  home_region: us-east-1\n  iac: cloudformation\n\
             organizational_units:\n  - name: Core\n  - name: Workloads\naccounts:\n{accounts}\
             pipeline:\n  application: app\n  source: {{provider: codecommit, repository: app, branch: main}}\n\
             \x20 build: {{runtime: python}}\n  deploy: {{compute: ecs, strategy: blue-green}}\n  stages: [w0001, w0002]\n"
        ),
    )
    .expect("write");
    let (_keep, target) = crate::support::fresh_target();
    new_from(&config, &target).assert().success();
    let readme = fs::read_to_string(target.join("README.md")).expect("README");
    let diagram = readme
        .split("```mermaid\n")
        .nth(1)
        .and_then(|rest| rest.split("\n```").next())
        .expect("the organization diagram");
    assert!(diagram.len() < 50_000, "{} characters", diagram.len());
    // The Core OU's two accounts are drawn; Workloads' first 7, then one
    // node for the other 793.
    for shown in [
        "LogArchiveAccount[",
        "ToolingAccount[",
        "W0001Account[",
        "W0007Account[",
    ] {
        assert!(diagram.contains(shown), "{shown}");
    }
    assert!(!diagram.contains("W0008Account["));
    assert!(
        diagram.contains(
            "OuWorkloadsMoreAccounts[\"793 more accounts: w0008 … w0800 (the table below lists each)\"]\n  OuWorkloads --> OuWorkloadsMoreAccounts"
        ),
        "{diagram}"
    );
    assert!(readme.contains("| `w0800` | Workloads | workload |"));
}

/// `lzgen new TARGET --config CONFIG --yes`.
fn new_from(config: &std::path::Path, target: &std::path::Path) -> assert_cmd::Command {
    let mut command = lzgen();
    command
        .arg("new")
        .arg(target)
        .arg("--config")
        .arg(config)
        .arg("--yes");
    command
}
