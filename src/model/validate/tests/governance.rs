//! Notifications and guardrails.

use super::*;

#[test]
fn slack_ids_are_uppercase_letters_and_digits() {
    let mut a = standard();
    a.notifications = Some(config::Notifications {
        email: None,
        slack: Some(Slack {
            team_id: Some("t0123abcd".into()),
            channel_id: Some("C0123ABCD".into()),
        }),
    });
    assert_eq!(
        only(&a),
        "notifications.slack.team_id: expected a Slack ID of uppercase letters and digits, such as T0123ABCD, found \"t0123abcd\""
    );
}

#[test]
fn scps_attach_to_the_ous_they_concern() {
    let (zone, _) = zone(&standard());
    let targets = |kind: &str| {
        zone.guardrails
            .iter()
            .find(|s| s.kind == kind)
            .expect("scp")
            .target_paths
            .clone()
    };
    assert_eq!(
        targets("deny-root-user"),
        ["Security", "Deployment", "Workloads"]
    );
    assert_eq!(targets("deny-manual-prod-changes"), ["Workloads/Prod"]);
}

#[test]
fn scp_quota_per_target_is_configurable_and_names_the_ou_and_count() {
    // The standard preset attaches five guardrails to each top-level OU:
    // with FullAWSAccess, six policies on each.
    let mut a = standard();
    a.guardrails.get_or_insert_with(Default::default).quotas = Some(config::GuardrailQuotas {
        scps_per_target: Some(5),
        policy_characters: None,
    });
    let found = problems(&a);
    for ou in ["Security", "Deployment", "Workloads"] {
        let line = format!(
            "guardrails.scps: expected at most 5 SCPs on one target (FullAWSAccess included), found 6 on OU `{ou}` (attach fewer guardrails, or raise guardrails.quotas.scps_per_target if AWS raised your organization's quota)"
        );
        assert!(found.contains(&line), "{found:#?}");
    }
    assert_eq!(found.len(), 3, "{found:#?}");

    // Six fit a quota of six.
    a.guardrails = Some(config::Guardrails {
        scps: None,
        quotas: Some(config::GuardrailQuotas {
            scps_per_target: Some(6),
            policy_characters: None,
        }),
    });
    assert!(problems(&a).is_empty());
}

#[test]
fn guardrail_quotas_have_ranges_and_defaults() {
    let (zone, _) = zone(&standard());
    assert_eq!(zone.guardrail_quotas.scps_per_target, 10);
    assert_eq!(zone.guardrail_quotas.policy_characters, 10_240);
    let mut a = standard();
    a.guardrails.get_or_insert_with(Default::default).quotas = Some(config::GuardrailQuotas {
        scps_per_target: Some(1),
        policy_characters: Some(100),
    });
    assert_eq!(
        problems(&a),
        [
            "guardrails.quotas.scps_per_target: expected a number from 2 to 1000, found 1",
            "guardrails.quotas.policy_characters: expected a number from 1024 to 1000000, found 100",
        ]
    );
}
