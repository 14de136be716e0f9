//! A property test over the answers reader, the validator and the renderer
//! (issue 13): random edits of a valid answer set, from plausible values to
//! hostile text, never panic, are refused only as invalid input (exit 2),
//! never echo a hidden character, and every answer set they let through
//! renders without "a bug in lzgen". `LZGEN_FUZZ_CASES` sets the number of
//! cases (64 by default; CI runs more).

use proptest::prelude::*;

/// Keys an edit may touch, as `--set` paths, each with values that are
/// valid there (so edits reach the rules that need a valid rest).
const KEYS: &[(&str, &[&str])] = &[
    ("organization.name", &["acme", "zz-top", "a1"]),
    (
        "organization.management_account_id",
        &["\"012345678901\"", "null"],
    ),
    ("organization.home_region", &["us-east-1", "eu-west-1"]),
    (
        "organization.regions",
        &[
            "[us-east-1, eu-west-1]",
            "[us-east-1, ap-southeast-2, eu-central-1]",
            "null",
        ],
    ),
    ("organization.iac", &["terraform", "both", "cloudformation"]),
    (
        "organizational_units[0].name",
        &["\"Sec & Ops\"", "\"Ünïcode\""],
    ),
    (
        "organizational_units[2].children[0].name",
        &["\"Non Prod\"", "Test"],
    ),
    (
        "organizational_units[2].children",
        &["[{name: NonProd}, {name: Prod, children: [{name: Deep}]}]"],
    ),
    ("accounts[3].name", &["artifacts", "art-1"]),
    (
        "accounts[4].email",
        &["\"o'brien@acme.example\"", "\"x+y@acme.example\""],
    ),
    ("accounts[4].id", &["\"210987654321\"", "null"]),
    ("accounts[4].ou", &["Workloads/Prod", "Workloads/NonProd"]),
    (
        "accounts[4].cidr",
        &["10.20.0.0/16", "192.168.0.0/20", "null"],
    ),
    ("accounts[5].approval", &["true", "false"]),
    (
        "accounts[6]",
        &["{name: staging, roles: [workload], email: s@acme.example, ou: Workloads/NonProd}"],
    ),
    ("pipeline.application", &["svc", "auth-service"]),
    (
        "pipeline.source.provider",
        &["codecommit", "s3", "codeconnections"],
    ),
    (
        "pipeline.source.branch",
        &["main", "\"release/v1.2\"", "\"feat$x{y}\""],
    ),
    (
        "pipeline.build.runtime",
        &["python", "nodejs", "java", "go", "dotnet"],
    ),
    ("pipeline.build.security_scans", &["[]", "[secrets, iac]"]),
    ("pipeline.build.cache", &["s3", "none", "local"]),
    ("pipeline.deploy.compute", &["lambda", "ec2", "ecs"]),
    (
        "pipeline.deploy.strategy",
        &["canary", "linear", "all-at-once", "in-place", "blue-green"],
    ),
    ("pipeline.deploy.traffic_percent", &["10", "50", "null"]),
    ("pipeline.deploy.interval_minutes", &["5", "null"]),
    ("pipeline.deploy.container_port", &["80", "8443"]),
    (
        "pipeline.deploy.health_check_path",
        &["\"/h?x=1&y='2'\"", "/"],
    ),
    ("pipeline.rollback.http_5xx_percent", &["5"]),
    (
        "pipeline.stages",
        &["[dev]", "[[dev, prod]]", "[prod, dev]", "null"],
    ),
    (
        "guardrails.scps",
        &[
            "[]",
            "[deny-root-user]",
            "[restrict-regions, protect-logging]",
        ],
    ),
    ("security.guardduty", &["true", "false"]),
    ("security.security_hub", &["true", "false"]),
    ("logging.retention_days", &["30", "3653"]),
    ("logging.cloudwatch_logs_to_s3", &["true", "false"]),
    ("notifications.email", &["\"ops@acme.example\"", "null"]),
    (
        "notifications.slack",
        &["{team_id: T0123ABCD, channel_id: C0123ABCD}", "null"],
    ),
    ("terraform.state_locking", &["lockfile", "dynamodb"]),
];

fn edit() -> impl Strategy<Value = String> {
    proptest::sample::select(KEYS).prop_flat_map(|(key, valid)| {
        prop_oneof![
            6 => proptest::sample::select(valid).prop_map(str::to_string),
            // Any text, written as a JSON string so YAML reads it as text.
            1 => "\\PC{0,24}".prop_map(|s| serde_json::to_string(&s).expect("json")),
            1 => "[ -~\u{202e}\u{200b}\u{1b}\n\r\t]{0,24}"
                .prop_map(|s| serde_json::to_string(&s).expect("json")),
            1 => any::<i64>().prop_map(|n| n.to_string()),
            // Raw YAML text, which may not parse at all.
            1 => "[ -~]{0,16}",
        ]
        .prop_map(move |value| format!("{key}={value}"))
    })
}

fn edits() -> impl Strategy<Value = Vec<String>> {
    proptest::collection::vec(edit(), 1..4)
}

fn cases() -> u32 {
    std::env::var("LZGEN_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(64)
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: cases(),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn edited_answers_are_rendered_or_refused_never_a_bug(sets in edits()) {
        let sources = lzgen::config::Sources {
            preset: Some("standard".into()),
            sets: sets.clone(),
            ..lzgen::config::Sources::default()
        };
        let outcome = lzgen::resolve(&sources, |p| std::fs::read_to_string(p))
            .and_then(|resolved| lzgen::generate(&resolved).map(|files| files.len()));
        if std::env::var_os("LZGEN_FUZZ_VERBOSE").is_some() {
            eprintln!("fuzz case: {}", if outcome.is_ok() { "rendered" } else { "refused" });
        }
        match outcome {
            Ok(files) => prop_assert!(files > 10),
            Err(lzgen::error::Error::Invalid(problems)) => {
                prop_assert!(!problems.is_empty());
                for p in &problems {
                    let shown = p.to_string();
                    prop_assert!(
                        !shown.chars().any(|c| c != '\n' && lzgen::config::limits::hidden(c)),
                        "a hidden character in {:?}", shown
                    );
                }
            }
            Err(other) => prop_assert!(false, "{:?}: not invalid input but {}", sets, other),
        }
    }
}
