//! Questions about guardrails, security services, logging and notifications.

use super::*;

impl Wizard {
    pub(super) fn governance(&mut self, p: &mut dyn Prompter) -> io::Result<()> {
        p.section("Guardrails, security services, logging and notifications");
        let kinds = model::SCP_KINDS;
        let items: Vec<String> = kinds.iter().map(|(k, d)| format!("{k}: {d}")).collect();
        let chosen = self
            .answers
            .guardrails
            .as_ref()
            .and_then(|g| g.scps.clone())
            .unwrap_or_else(|| kinds.iter().map(|(k, _)| k.to_string()).collect());
        let defaults: Vec<bool> = kinds
            .iter()
            .map(|(k, _)| chosen.iter().any(|c| c == k))
            .collect();
        let picked = p.multi_select(
            "guardrails.scps",
            "Guardrails (service control policies)",
            &items,
            &defaults,
        )?;
        self.answers
            .guardrails
            .get_or_insert_with(Default::default)
            .scps = Some(picked.into_iter().map(|i| kinds[i].0.to_string()).collect());

        let security = self.answers.security.clone().unwrap_or_default();
        let services = [
            (
                "GuardDuty: threat detection",
                security.guardduty.unwrap_or(true),
            ),
            (
                "IAM Access Analyzer: resources shared outside the organization",
                security.access_analyzer.unwrap_or(true),
            ),
            (
                "AWS Config rules, with automatic remediation where safe",
                security.config_rules.unwrap_or(true),
            ),
            (
                "Security Hub: one view of all findings",
                security.security_hub.unwrap_or(false),
            ),
        ];
        let labels: Vec<String> = services.iter().map(|(l, _)| l.to_string()).collect();
        let defaults: Vec<bool> = services.iter().map(|(_, on)| *on).collect();
        let on = p.multi_select("security", "Security services", &labels, &defaults)?;
        self.answers.security = Some(config::Security {
            guardduty: Some(on.contains(&0)),
            access_analyzer: Some(on.contains(&1)),
            config_rules: Some(on.contains(&2)),
            security_hub: Some(on.contains(&3)),
        });

        let logging = self.answers.logging.clone().unwrap_or_default();
        let trail = p.confirm(
            "logging.organization_trail",
            "Record every account's API activity in an organization trail?",
            logging.organization_trail.unwrap_or(true),
        )?;
        let to_s3 = p.confirm(
            "logging.cloudwatch_logs_to_s3",
            "Copy CloudWatch Logs from every account into the log archive?",
            logging.cloudwatch_logs_to_s3.unwrap_or(true),
        )?;
        let l = self.answers.logging.get_or_insert_with(Default::default);
        l.organization_trail = Some(trail);
        l.cloudwatch_logs_to_s3 = Some(to_s3);
        let days = logging.retention_days.unwrap_or(365).to_string();
        self.ask_text(
            p,
            "logging.retention_days",
            "Keep logs for how many days?",
            &days,
            |a, v| {
                a.logging
                    .get_or_insert_with(Default::default)
                    .retention_days = Some(number(v, "a number of days")?);
                Ok(())
            },
        )?;

        let notifications = self.answers.notifications.clone().unwrap_or_default();
        let email = notifications.email.clone().unwrap_or_default();
        self.ask_text(
            p,
            "notifications.email",
            "Email for pipeline failures and approvals (empty for none)",
            &email,
            |a, v| {
                let n = a.notifications.get_or_insert_with(Default::default);
                n.email = (!v.is_empty()).then(|| v.to_string());
                Ok(())
            },
        )?;
        let wants_slack = p.confirm(
            "notifications.slack",
            "Send them to Slack too?",
            notifications.slack.is_some(),
        )?;
        if wants_slack {
            let slack = notifications.slack.unwrap_or_default();
            self.ask_text(
                p,
                "notifications.slack.team_id",
                "Slack workspace (team) ID",
                &slack.team_id.unwrap_or_default(),
                |a, v| {
                    slack_of(a).team_id = Some(v.to_string());
                    Ok(())
                },
            )?;
            self.ask_text(
                p,
                "notifications.slack.channel_id",
                "Slack channel ID",
                &slack.channel_id.unwrap_or_default(),
                |a, v| {
                    slack_of(a).channel_id = Some(v.to_string());
                    Ok(())
                },
            )?;
        } else if let Some(n) = self.answers.notifications.as_mut() {
            n.slack = None;
        }
        if self
            .answers
            .notifications
            .as_ref()
            .is_some_and(|n| n.email.is_none() && n.slack.is_none())
        {
            self.answers.notifications = None;
        }
        Ok(())
    }
}
