//! Governance: security services, logging, notifications, Terraform state,
//! and the guardrail SCPs.

use super::*;

pub const SCP_KINDS: &[(&str, &str)] = &[
    (
        "deny-leave-organization",
        "Accounts cannot leave the organization.",
    ),
    ("deny-root-user", "No action by any account's root user."),
    (
        "restrict-regions",
        "Only the organization's regions, global services excepted.",
    ),
    (
        "protect-logging",
        "CloudTrail, AWS Config and the log buckets cannot be switched off or deleted.",
    ),
    (
        "protect-security-services",
        "GuardDuty, IAM Access Analyzer and Security Hub cannot be switched off.",
    ),
    (
        "deny-manual-prod-changes",
        "In production, only the pipeline's roles change resources; people read.",
    ),
];

pub const STATE_LOCKING: &[&str] = &["dynamodb", "lockfile"];

impl Validator {
    pub(super) fn security(&mut self, a: &Answers) -> Option<Security> {
        let Some(s) = &a.security else {
            self.missing("security");
            return None;
        };
        let guardduty = self.required(&s.guardduty, "security.guardduty").copied();
        let access_analyzer = self
            .required(&s.access_analyzer, "security.access_analyzer")
            .copied();
        let config_rules = self
            .required(&s.config_rules, "security.config_rules")
            .copied();
        let security_hub = self
            .required(&s.security_hub, "security.security_hub")
            .copied();
        Some(Security {
            guardduty: guardduty?,
            access_analyzer: access_analyzer?,
            config_rules: config_rules?,
            security_hub: security_hub?,
        })
    }

    pub(super) fn logging(&mut self, a: &Answers) -> Option<Logging> {
        let Some(l) = &a.logging else {
            self.missing("logging");
            return None;
        };
        let trail = self
            .required(&l.organization_trail, "logging.organization_trail")
            .copied();
        let to_s3 = self
            .required(&l.cloudwatch_logs_to_s3, "logging.cloudwatch_logs_to_s3")
            .copied();
        let days = self
            .required(&l.retention_days, "logging.retention_days")
            .copied();
        if days == Some(0) {
            self.problem(
                "logging.retention_days",
                "expected a number of days above 0, found 0",
            );
        }
        Some(Logging {
            organization_trail: trail?,
            cloudwatch_logs_to_s3: to_s3?,
            retention_days: days.filter(|d| *d > 0)?,
            cloudwatch_retention_days: cloudwatch_retention(days?),
        })
    }

    pub(super) fn notifications(&mut self, a: &Answers) -> Option<Notifications> {
        let Some(n) = &a.notifications else {
            return Some(Notifications {
                email: None,
                slack_team_id: None,
                slack_channel_id: None,
            });
        };
        let mut ok = true;
        if let Some(email) = &n.email
            && let Some(why) = email_problem(email)
        {
            self.problem(
                "notifications.email",
                format!("expected an email address ({why}), found {email:?}"),
            );
            ok = false;
        }
        let (mut team, mut channel) = (None, None);
        if let Some(slack) = &n.slack {
            team = self
                .required(&slack.team_id, "notifications.slack.team_id")
                .cloned();
            channel = self
                .required(&slack.channel_id, "notifications.slack.channel_id")
                .cloned();
            for (key, value) in [
                ("notifications.slack.team_id", &team),
                ("notifications.slack.channel_id", &channel),
            ] {
                if let Some(v) = value
                    && (v.is_empty()
                        || !v
                            .bytes()
                            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit()))
                {
                    self.problem(key, format!("expected a Slack ID of uppercase letters and digits, such as T0123ABCD, found {v:?}"));
                    ok = false;
                }
            }
            if team.is_none() || channel.is_none() {
                ok = false;
            }
        }
        ok.then(|| Notifications {
            email: n.email.clone(),
            slack_team_id: team,
            slack_channel_id: channel,
        })
    }

    pub(super) fn terraform(&mut self, a: &Answers, iac: Option<Iac>) -> Option<Terraform> {
        let needed = iac.is_some_and(Iac::terraform);
        match a.terraform.as_ref().and_then(|t| t.state_locking.as_ref()) {
            Some(_) => {
                let value = a.terraform.as_ref().and_then(|t| t.state_locking.clone());
                self.choice(&value, "terraform.state_locking", STATE_LOCKING)
                    .map(|s| Terraform {
                        state_locking: s.to_string(),
                    })
            }
            None if needed => {
                self.missing("terraform.state_locking");
                None
            }
            None => Some(Terraform {
                state_locking: "dynamodb".into(),
            }),
        }
    }

    pub(super) fn scp_kinds(&mut self, a: &Answers) -> Option<Vec<String>> {
        let kinds: Vec<&str> = SCP_KINDS.iter().map(|(k, _)| *k).collect();
        let Some(list) = a.guardrails.as_ref().and_then(|g| g.scps.clone()) else {
            return Some(kinds.iter().map(ToString::to_string).collect());
        };
        let mut seen = BTreeSet::new();
        let mut ok = true;
        for (i, scp) in list.iter().enumerate() {
            let key = format!("guardrails.scps[{i}]");
            if !kinds.contains(&scp.as_str()) {
                self.bad_choice(&key, scp, &kinds);
                ok = false;
            } else if !seen.insert(scp.clone()) {
                self.problem(
                    key,
                    format!("expected each guardrail once, found `{scp}` again"),
                );
                ok = false;
            }
        }
        ok.then_some(list)
    }

    pub(super) fn guardrail_quotas(&mut self, a: &Answers) -> Option<GuardrailQuotas> {
        let given = a
            .guardrails
            .as_ref()
            .and_then(|g| g.quotas.clone())
            .unwrap_or_default();
        let mut ok = true;
        let mut quota = |value: Option<u32>,
                         key: &str,
                         range: std::ops::RangeInclusive<u32>,
                         default: usize| {
            match value {
                None => default,
                Some(v) if range.contains(&v) => v as usize,
                Some(v) => {
                    self.problem(
                        key,
                        format!(
                            "expected a number from {} to {}, found {v}",
                            range.start(),
                            range.end()
                        ),
                    );
                    ok = false;
                    default
                }
            }
        };
        let quotas = GuardrailQuotas {
            scps_per_target: quota(
                given.scps_per_target,
                "guardrails.quotas.scps_per_target",
                2..=1_000,
                limits::SCPS_PER_TARGET,
            ),
            policy_characters: quota(
                given.policy_characters,
                "guardrails.quotas.policy_characters",
                1_024..=1_000_000,
                limits::SCP_CHARACTERS,
            ),
        };
        ok.then_some(quotas)
    }

    pub(super) fn guardrails(
        &mut self,
        org: &str,
        kinds: &[String],
        ous: &[OrganizationalUnit],
        pipeline: &Pipeline,
        accounts: &[Account],
    ) -> Vec<ServiceControlPolicy> {
        let top: Vec<&OrganizationalUnit> = ous.iter().filter(|ou| ou.parent.is_none()).collect();
        let last_stage_ous: Vec<&OrganizationalUnit> = match pipeline.stages.last() {
            Some(stage) => ous
                .iter()
                .filter(|ou| {
                    stage.accounts.iter().any(|name| {
                        accounts
                            .iter()
                            .any(|acc| &acc.name == name && acc.ou == ou.path)
                    })
                })
                .collect(),
            None => Vec::new(),
        };
        kinds
            .iter()
            .map(|kind| {
                let targets = if kind == "deny-manual-prod-changes" {
                    &last_stage_ous
                } else {
                    &top
                };
                let description = SCP_KINDS
                    .iter()
                    .find(|(k, _)| k == kind)
                    .map(|(_, d)| *d)
                    .unwrap_or_default();
                ServiceControlPolicy {
                    kind: kind.clone(),
                    name: format!("{org}-{kind}"),
                    logical_id: format!("Scp{}", pascal(kind)),
                    description: description.to_string(),
                    targets: targets.iter().map(|ou| ou.logical_id.clone()).collect(),
                    target_paths: targets.iter().map(|ou| ou.path.clone()).collect(),
                }
            })
            .collect()
    }
}
