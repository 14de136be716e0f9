//! The interactive wizard: a guided conversation that ends in the same
//! `Answers` a CI job would pass with `--config`.
//!
//! The wizard is pure logic over a `Prompter`; the terminal implementation
//! (dialoguer) lives in `terminal.rs` alone, and `scripted.rs` answers from a
//! script for tests. Every answer goes through the same validator as a file
//! would (`model::build`): a refused answer is shown with its message and the
//! question is asked again.

mod scripted;
mod terminal;

pub use scripted::{Reply, ScriptedPrompter};
pub use terminal::TerminalPrompter;

use crate::config::{self, AccountAnswer, Answers, OuAnswer};
use crate::model::{self, Compute, regions};
use crate::problem::Problem;
use std::io;

/// Asks questions. Each question has a key (the lzgen.yaml key it sets, or a
/// name like `layout.action`), so a script can answer it.
pub trait Prompter {
    fn input(&mut self, key: &str, prompt: &str, default: &str) -> io::Result<String>;
    fn confirm(&mut self, key: &str, prompt: &str, default: bool) -> io::Result<bool>;
    fn select(
        &mut self,
        key: &str,
        prompt: &str,
        items: &[String],
        default: usize,
    ) -> io::Result<usize>;
    /// A select with type-to-search, for long lists such as regions.
    fn search(
        &mut self,
        key: &str,
        prompt: &str,
        items: &[String],
        default: usize,
    ) -> io::Result<usize> {
        self.select(key, prompt, items, default)
    }
    fn multi_select(
        &mut self,
        key: &str,
        prompt: &str,
        items: &[String],
        defaults: &[bool],
    ) -> io::Result<Vec<usize>>;
    /// Something to read: a heading, the current layout.
    fn show(&mut self, text: &str);
    /// Why an answer was refused.
    fn refuse(&mut self, text: &str);
    /// Something valid that deserves a look.
    fn warn(&mut self, text: &str) {
        self.show(text);
    }
}

/// What the questions start from, and which lzgen features this version has.
#[derive(Debug, Clone)]
pub struct Wizard {
    answers: Answers,
}

const EMAIL_PATTERN_DEFAULT: &str = "aws+{account}@example.com";

impl Wizard {
    /// Starts from complete answers (a preset, or a file merged over one).
    pub fn new(start: Answers) -> Self {
        Wizard { answers: start }
    }

    /// Asks every question that applies, in order; returns the answers.
    pub fn run(mut self, p: &mut dyn Prompter) -> io::Result<Answers> {
        p.show("Answer a few questions; Enter takes the suggestion in brackets. Ctrl-C stops without writing anything.");
        self.organization(p)?;
        self.layout(p)?;
        self.existing_accounts(p)?;
        self.application(p)?;
        self.deploy(p)?;
        self.governance(p)?;
        Ok(self.answers)
    }

    fn org(&mut self) -> &mut config::Organization {
        self.answers
            .organization
            .get_or_insert_with(Default::default)
    }

    fn pipeline(&mut self) -> &mut config::Pipeline {
        self.answers.pipeline.get_or_insert_with(Default::default)
    }

    /// Asks for text until the validator accepts it. `apply` puts the text
    /// into a copy of the answers; the problems reported at `key` (or under
    /// it) decide.
    fn ask_text(
        &mut self,
        p: &mut dyn Prompter,
        key: &str,
        prompt: &str,
        default: &str,
        apply: impl Fn(&mut Answers, &str) -> Result<(), String>,
    ) -> io::Result<()> {
        loop {
            let text = p.input(key, prompt, default)?;
            let text = text.trim();
            let mut candidate = self.answers.clone();
            if let Err(message) = apply(&mut candidate, text) {
                p.refuse(&format!("{key}: {message}"));
                continue;
            }
            let problems = problems_at(&candidate, key);
            if problems.is_empty() {
                self.answers = candidate;
                return Ok(());
            }
            for problem in problems {
                p.refuse(&problem.to_string());
            }
        }
    }

    fn organization(&mut self, p: &mut dyn Prompter) -> io::Result<()> {
        p.show("\nThe organization");
        let name = self.org().name.clone().unwrap_or_default();
        self.ask_text(
            p,
            "organization.name",
            "Organization name (prefixes every resource name)",
            &name,
            |a, v| {
                org_of(a).name = Some(v.to_string());
                Ok(())
            },
        )?;

        let flavours = [
            "CloudFormation".to_string(),
            "Terraform".to_string(),
            "Both".to_string(),
        ];
        let current = model::Iac::NAMES
            .iter()
            .position(|n| Some(*n) == self.org().iac.as_deref())
            .unwrap_or(0);
        let i = p.select(
            "organization.iac",
            "Infrastructure as code",
            &flavours,
            current,
        )?;
        self.org().iac = Some(model::Iac::NAMES[i].to_string());
        if i > 0 {
            // Terraform's state: locked with a DynamoDB table, or with lock
            // files beside the state in the bucket (Terraform 1.10 and later).
            let lockings = [
                "A DynamoDB table (works with every Terraform version)".to_string(),
                "S3 lock files beside the state (Terraform 1.10 and later, no table)".to_string(),
            ];
            let current = usize::from(
                self.answers
                    .terraform
                    .as_ref()
                    .and_then(|t| t.state_locking.as_deref())
                    == Some("lockfile"),
            );
            let j = p.select(
                "terraform.state_locking",
                "How Terraform locks its state",
                &lockings,
                current,
            )?;
            self.answers
                .terraform
                .get_or_insert_with(Default::default)
                .state_locking = Some(if j == 0 { "dynamodb" } else { "lockfile" }.to_string());
        }

        let all: Vec<regions::Region> = regions::all().collect();
        let labels: Vec<String> = all
            .iter()
            .map(|r| format!("{} ({})", r.code, r.description))
            .collect();
        let home = self
            .org()
            .home_region
            .clone()
            .unwrap_or_else(|| "us-east-1".into());
        let at = all.iter().position(|r| r.code == home).unwrap_or(0);
        let chosen = all[p.search(
            "organization.home_region",
            "Home region (type to search)",
            &labels,
            at,
        )?];
        let previous: Vec<String> = self.org().regions.clone().unwrap_or_default();
        self.org().home_region = Some(chosen.code.to_string());

        let others: Vec<&regions::Region> = all
            .iter()
            .filter(|r| r.partition == chosen.partition && r.code != chosen.code)
            .collect();
        let labels: Vec<String> = others
            .iter()
            .map(|r| format!("{} ({})", r.code, r.description))
            .collect();
        let defaults: Vec<bool> = others
            .iter()
            .map(|r| previous.iter().any(|c| c == r.code))
            .collect();
        let picked = p.multi_select(
            "organization.regions",
            "Further regions (space to toggle, Enter when done)",
            &labels,
            &defaults,
        )?;
        let mut list = vec![chosen.code.to_string()];
        list.extend(picked.into_iter().map(|i| others[i].code.to_string()));
        self.org().regions = Some(list);
        Ok(())
    }

    fn layout(&mut self, p: &mut dyn Prompter) -> io::Result<()> {
        p.show("\nAccounts and organizational units");
        let mut items = vec![format!(
            "Keep the current layout ({} accounts)",
            self.accounts().len()
        )];
        items.extend(
            config::PRESETS
                .iter()
                .map(|preset| format!("Start from {}: {}", preset.name, preset.summary)),
        );
        let choice = p.select("layout.preset", "Account layout", &items, 0)?;
        if choice > 0 {
            let preset: Answers = serde_yaml::from_str(config::PRESETS[choice - 1].yaml)
                .map_err(|e| io::Error::other(format!("preset: {e}")))?;
            self.answers.organizational_units = preset.organizational_units;
            self.answers.accounts = preset.accounts;
            self.pipeline().stages = preset.pipeline.and_then(|pl| pl.stages);
        }

        let old_pattern =
            email_pattern_of(self.accounts()).unwrap_or_else(|| EMAIL_PATTERN_DEFAULT.to_string());
        let new_pattern = loop {
            let text = p.input(
                "layout.email_pattern",
                "Root email for new accounts ({account} becomes the account name)",
                &old_pattern,
            )?;
            let text = text.trim().to_string();
            if text.contains("{account}") {
                break text;
            }
            p.refuse("layout.email_pattern: expected a pattern with {account} in it, such as aws+{account}@acme.example");
        };
        let mut candidate = self.answers.clone();
        for account in candidate.accounts.get_or_insert_with(Vec::new) {
            let name = account.name.clone().unwrap_or_default();
            let follows_old =
                account.email.as_deref() == Some(old_pattern.replace("{account}", &name).as_str());
            if account.id.is_none() && (account.email.is_none() || follows_old) {
                account.email = Some(new_pattern.replace("{account}", &name));
            }
        }
        let problems = problems_at(&candidate, "accounts");
        if problems.is_empty() {
            self.answers = candidate;
        } else {
            for problem in problems {
                p.refuse(&problem.to_string());
            }
            p.refuse("the pattern was not applied; fix these addresses in lzgen.yaml afterwards");
        }

        loop {
            p.show(&layout_text(&self.answers));
            let actions = [
                "Accept this layout".to_string(),
                "Add a workload account".to_string(),
                "Remove a workload account".to_string(),
                "Rename an OU".to_string(),
            ];
            match p.select("layout.action", "Change anything?", &actions, 0)? {
                0 => return Ok(()),
                1 => self.add_account(p, &new_pattern)?,
                2 => self.remove_account(p)?,
                _ => self.rename_ou(p)?,
            }
        }
    }

    fn accounts(&self) -> &[AccountAnswer] {
        self.answers.accounts.as_deref().unwrap_or(&[])
    }

    fn add_account(&mut self, p: &mut dyn Prompter, pattern: &str) -> io::Result<()> {
        let index = self.accounts().len();
        let key = format!("accounts[{index}]");
        let paths = ou_paths(&self.answers);
        let ou = paths[p.select(
            &format!("{key}.ou"),
            "Its OU",
            &paths,
            paths.len().saturating_sub(1),
        )?]
        .clone();
        let approval = p.confirm(
            &format!("{key}.approval"),
            "Manual approval before deploying to it?",
            false,
        )?;
        let pattern = pattern.to_string();
        self.ask_text(
            p,
            &format!("{key}.name"),
            "Name of the new workload account",
            "",
            move |a, v| {
                let accounts = a.accounts.get_or_insert_with(Vec::new);
                accounts.push(AccountAnswer {
                    name: Some(v.to_string()),
                    roles: Some(vec!["workload".into()]),
                    email: Some(pattern.replace("{account}", v)),
                    ou: Some(ou.clone()),
                    approval: approval.then_some(true),
                    ..AccountAnswer::default()
                });
                // An explicit stage list gets the new account as a stage of its own.
                if let Some(stages) = a.pipeline.as_mut().and_then(|pl| pl.stages.as_mut()) {
                    stages.push(config::StageAnswer::One(v.to_string()));
                }
                Ok(())
            },
        )
    }

    fn remove_account(&mut self, p: &mut dyn Prompter) -> io::Result<()> {
        let workloads: Vec<String> = self
            .accounts()
            .iter()
            .filter(|a| {
                a.roles
                    .as_ref()
                    .is_some_and(|r| r.iter().any(|r| r == "workload"))
            })
            .filter_map(|a| a.name.clone())
            .collect();
        if workloads.len() < 2 {
            p.refuse("accounts: the landing zone needs at least one workload account; add one before removing this one");
            return Ok(());
        }
        let i = p.select(
            "layout.remove",
            "Remove which workload account?",
            &workloads,
            workloads.len() - 1,
        )?;
        let name = workloads[i].clone();
        if let Some(accounts) = self.answers.accounts.as_mut() {
            accounts.retain(|a| a.name.as_deref() != Some(name.as_str()));
        }
        if let Some(stages) = self.pipeline().stages.as_mut() {
            for stage in stages.iter_mut() {
                if let config::StageAnswer::Parallel(names) = stage {
                    names.retain(|n| n != &name);
                }
            }
            stages.retain(|s| !matches!(s, config::StageAnswer::One(n) if n == &name));
            stages.retain(|s| !matches!(s, config::StageAnswer::Parallel(n) if n.is_empty()));
        }
        Ok(())
    }

    fn rename_ou(&mut self, p: &mut dyn Prompter) -> io::Result<()> {
        let paths = ou_paths(&self.answers);
        let i = p.select("layout.rename", "Rename which OU?", &paths, 0)?;
        let old_path = paths[i].clone();
        let old_name = old_path.rsplit('/').next().unwrap_or_default().to_string();
        self.ask_text(
            p,
            "organizational_units",
            &format!("New name for {old_path}"),
            &old_name,
            move |a, v| {
                let tree = a.organizational_units.get_or_insert_with(Vec::new);
                if !rename_in(tree, &old_path, "", v) {
                    return Err(format!(
                        "expected an OU path from the tree, found `{old_path}`"
                    ));
                }
                let new_path = match old_path.rsplit_once('/') {
                    Some((parent, _)) => format!("{parent}/{v}"),
                    None => v.to_string(),
                };
                for account in a.accounts.get_or_insert_with(Vec::new) {
                    if let Some(ou) = &account.ou
                        && (ou == &old_path || ou.starts_with(&format!("{old_path}/")))
                    {
                        account.ou = Some(format!("{new_path}{}", &ou[old_path.len()..]));
                    }
                }
                Ok(())
            },
        )
    }

    fn existing_accounts(&mut self, p: &mut dyn Prompter) -> io::Result<()> {
        if !p.confirm(
            "accounts.existing",
            "Do some of these accounts exist already (you have their IDs)?",
            false,
        )? {
            return Ok(());
        }
        let names: Vec<String> = self
            .accounts()
            .iter()
            .filter_map(|a| a.name.clone())
            .collect();
        let defaults: Vec<bool> = self.accounts().iter().map(|a| a.id.is_some()).collect();
        let picked = p.multi_select("accounts.existing_which", "Which ones?", &names, &defaults)?;
        for i in picked {
            let key = format!("accounts[{i}].id");
            let current = self.accounts()[i].id.clone().unwrap_or_default();
            self.ask_text(
                p,
                &key,
                &format!("12-digit ID of {}", names[i]),
                &current,
                move |a, v| {
                    if let Some(account) = a.accounts.as_mut().and_then(|list| list.get_mut(i)) {
                        account.id = Some(v.to_string());
                    }
                    Ok(())
                },
            )?;
        }
        Ok(())
    }

    fn application(&mut self, p: &mut dyn Prompter) -> io::Result<()> {
        p.show("\nThe application the pipeline delivers");
        let app = self.pipeline().application.clone().unwrap_or_default();
        self.ask_text(
            p,
            "pipeline.application",
            "Application name",
            &app,
            |a, v| {
                pipeline_of(a).application = Some(v.to_string());
                Ok(())
            },
        )?;
        let providers = [
            "GitHub, GitLab or Bitbucket (CodeConnections)".to_string(),
            "CodeCommit".to_string(),
            "A zip in S3".to_string(),
        ];
        let source = self.pipeline().source.clone().unwrap_or_default();
        let at = model::SourceProvider::NAMES
            .iter()
            .position(|n| Some(*n) == source.provider.as_deref())
            .unwrap_or(0);
        let provider = model::SourceProvider::NAMES[p.select(
            "pipeline.source.provider",
            "Where is its source?",
            &providers,
            at,
        )?];
        let (prompt, fallback) = match provider {
            "codecommit" => ("CodeCommit repository name", app.clone()),
            "s3" => (
                "Bucket and key of the zip (bucket/key)",
                format!("{app}-source/{app}.zip"),
            ),
            _ => ("Repository (owner/name)", format!("my-org/{app}")),
        };
        let repo_default = if source.provider.as_deref() == Some(provider) {
            source.repository.clone().unwrap_or(fallback)
        } else {
            fallback
        };
        self.ask_text(
            p,
            "pipeline.source.repository",
            prompt,
            &repo_default,
            move |a, v| {
                let s = pipeline_of(a).source.get_or_insert_with(Default::default);
                s.provider = Some(provider.to_string());
                s.repository = Some(v.to_string());
                Ok(())
            },
        )?;
        let branch = source.branch.unwrap_or_else(|| "main".into());
        self.ask_text(
            p,
            "pipeline.source.branch",
            "Branch that releases",
            &branch,
            |a, v| {
                pipeline_of(a)
                    .source
                    .get_or_insert_with(Default::default)
                    .branch = Some(v.to_string());
                Ok(())
            },
        )?;
        let runtimes: Vec<String> = ["nodejs", "python", "java", "go", "dotnet"]
            .iter()
            .map(ToString::to_string)
            .collect();
        let build = self.pipeline().build.clone().unwrap_or_default();
        let at = runtimes
            .iter()
            .position(|r| Some(r) == build.runtime.as_ref())
            .unwrap_or(0);
        let runtime =
            runtimes[p.select("pipeline.build.runtime", "Runtime", &runtimes, at)?].clone();
        let b = self.pipeline().build.get_or_insert_with(Default::default);
        b.runtime = Some(runtime);
        b.security_scans.get_or_insert_with(|| {
            vec![
                "secrets".into(),
                "dependencies".into(),
                "iac".into(),
                "container".into(),
            ]
        });
        b.cache.get_or_insert_with(|| "local".into());
        Ok(())
    }

    fn deploy(&mut self, p: &mut dyn Prompter) -> io::Result<()> {
        p.show("\nHow releases reach the workload accounts");
        let current = self.pipeline().deploy.clone().unwrap_or_default();
        let computes = [
            "ECS (containers on Fargate)".to_string(),
            "Lambda".to_string(),
            "EC2 (Auto Scaling group)".to_string(),
        ];
        let at = Compute::NAMES
            .iter()
            .position(|n| Some(*n) == current.compute.as_deref())
            .unwrap_or(0);
        let runtime = self
            .pipeline()
            .build
            .as_ref()
            .and_then(|b| b.runtime.clone())
            .unwrap_or_default();
        let compute = loop {
            match p.select("pipeline.deploy.compute", "Compute", &computes, at)? {
                0 => break Compute::Ecs,
                2 => break Compute::Ec2,
                _ if matches!(runtime.as_str(), "nodejs" | "python") => break Compute::Lambda,
                _ => p.refuse(&format!(
                    "pipeline.deploy.compute: a Lambda function in lzgen {} runs nodejs or python, and the runtime is `{runtime}`; choose ECS or EC2",
                    env!("CARGO_PKG_VERSION")
                )),
            }
        };
        let strategies = compute.strategies();
        let explained: Vec<String> = strategies
            .iter()
            .map(|s| match *s {
                "blue-green" => {
                    "blue-green: the new version beside the old, then all traffic at once"
                        .to_string()
                }
                "canary" => "canary: a share of traffic first, then the rest".to_string(),
                "linear" => "linear: traffic moves over in equal steps".to_string(),
                "all-at-once" => "all-at-once: all traffic at once".to_string(),
                "in-place" => {
                    "in-place: instances updated one at a time behind the load balancer".to_string()
                }
                other => other.to_string(),
            })
            .collect();
        let at = strategies
            .iter()
            .position(|s| Some(*s) == current.strategy.as_deref())
            .unwrap_or(0);
        let strategy = strategies[p.select(
            "pipeline.deploy.strategy",
            "Deploy strategy",
            &explained,
            at,
        )?];
        {
            let d = self.pipeline().deploy.get_or_insert_with(Default::default);
            d.compute = Some(Compute::NAMES[compute as usize].to_string());
            d.strategy = Some(strategy.to_string());
            if !matches!(strategy, "canary" | "linear") {
                d.traffic_percent = None;
                d.interval_minutes = None;
            }
        }
        if matches!(strategy, "canary" | "linear") {
            let percent = current.traffic_percent.unwrap_or(10).to_string();
            self.ask_text(
                p,
                "pipeline.deploy.traffic_percent",
                "Percent of traffic per step (1-99)",
                &percent,
                |a, v| {
                    deploy_of(a).traffic_percent = Some(number(v, "a whole number from 1 to 99")?);
                    Ok(())
                },
            )?;
            let minutes = current.interval_minutes.unwrap_or(10).to_string();
            self.ask_text(
                p,
                "pipeline.deploy.interval_minutes",
                "Minutes between steps (1-2880)",
                &minutes,
                |a, v| {
                    deploy_of(a).interval_minutes =
                        Some(number(v, "a whole number from 1 to 2880")?);
                    Ok(())
                },
            )?;
        }
        let port = current.container_port.unwrap_or(8080).to_string();
        self.ask_text(
            p,
            "pipeline.deploy.container_port",
            "Port the container listens on",
            &port,
            |a, v| {
                deploy_of(a).container_port = Some(number(v, "a port from 1 to 65535")?);
                Ok(())
            },
        )?;
        let path = current
            .health_check_path
            .unwrap_or_else(|| "/healthz".into());
        self.ask_text(
            p,
            "pipeline.deploy.health_check_path",
            "Health check path",
            &path,
            |a, v| {
                deploy_of(a).health_check_path = Some(v.to_string());
                Ok(())
            },
        )?;
        let rollback = self.pipeline().rollback.clone().unwrap_or_default();
        let percent = rollback
            .http_5xx_percent
            .map(|v| v.to_string())
            .unwrap_or_else(|| "1".into());
        self.ask_text(
            p,
            "pipeline.rollback.http_5xx_percent",
            "Roll back when more than this % of requests fail with 5xx",
            &percent,
            |a, v| {
                pipeline_of(a)
                    .rollback
                    .get_or_insert_with(Default::default)
                    .http_5xx_percent = Some(number(v, "a percentage such as 1 or 0.5")?);
                Ok(())
            },
        )?;
        let latency = rollback.latency_ms.unwrap_or(200).to_string();
        self.ask_text(
            p,
            "pipeline.rollback.latency_ms",
            "Roll back when responses take longer than (ms, p90)",
            &latency,
            |a, v| {
                pipeline_of(a)
                    .rollback
                    .get_or_insert_with(Default::default)
                    .latency_ms = Some(number(v, "a number of milliseconds")?);
                Ok(())
            },
        )
    }

    fn governance(&mut self, p: &mut dyn Prompter) -> io::Result<()> {
        p.show("\nGuardrails, security services, logging and notifications");
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

/// A number typed at a prompt, or the message saying what was expected.
fn number<T: std::str::FromStr>(text: &str, expected: &str) -> Result<T, String> {
    text.parse()
        .map_err(|_| format!("expected {expected}, found `{text}`"))
}

fn org_of(a: &mut Answers) -> &mut config::Organization {
    a.organization.get_or_insert_with(Default::default)
}

fn pipeline_of(a: &mut Answers) -> &mut config::Pipeline {
    a.pipeline.get_or_insert_with(Default::default)
}

fn deploy_of(a: &mut Answers) -> &mut config::Deploy {
    pipeline_of(a).deploy.get_or_insert_with(Default::default)
}

fn slack_of(a: &mut Answers) -> &mut config::Slack {
    a.notifications
        .get_or_insert_with(Default::default)
        .slack
        .get_or_insert_with(Default::default)
}

/// The problems the validator reports at `key` or under it.
fn problems_at(answers: &Answers, key: &str) -> Vec<Problem> {
    match model::build(answers) {
        Ok(_) => Vec::new(),
        Err(problems) => problems
            .into_iter()
            .filter(|p| {
                p.key == key
                    || p.key.starts_with(&format!("{key}."))
                    || p.key.starts_with(&format!("{key}["))
            })
            .collect(),
    }
}

/// The pattern the accounts' emails follow, if they all follow one.
fn email_pattern_of(accounts: &[AccountAnswer]) -> Option<String> {
    let mut pattern: Option<String> = None;
    for account in accounts.iter().filter(|a| a.id.is_none()) {
        let (name, email) = (account.name.as_deref()?, account.email.as_deref()?);
        let this = email.replacen(name, "{account}", 1);
        if !this.contains("{account}") || pattern.as_ref().is_some_and(|p| p != &this) {
            return None;
        }
        pattern = Some(this);
    }
    pattern
}

fn ou_paths(answers: &Answers) -> Vec<String> {
    fn walk(level: &[OuAnswer], parent: &str, out: &mut Vec<String>) {
        for ou in level {
            let name = ou.name.clone().unwrap_or_default();
            let path = if parent.is_empty() {
                name
            } else {
                format!("{parent}/{name}")
            };
            out.push(path.clone());
            walk(&ou.children, &path, out);
        }
    }
    let mut out = Vec::new();
    walk(
        answers.organizational_units.as_deref().unwrap_or(&[]),
        "",
        &mut out,
    );
    out
}

fn rename_in(level: &mut [OuAnswer], target: &str, parent: &str, new_name: &str) -> bool {
    for ou in level {
        let name = ou.name.clone().unwrap_or_default();
        let path = if parent.is_empty() {
            name
        } else {
            format!("{parent}/{name}")
        };
        if path == target {
            ou.name = Some(new_name.to_string());
            return true;
        }
        if rename_in(&mut ou.children, target, &path, new_name) {
            return true;
        }
    }
    false
}

/// The OU tree with each OU's accounts and their roles.
pub fn layout_text(answers: &Answers) -> String {
    let mut out = String::from("\n  Organization root (management account)\n");
    let accounts = answers.accounts.as_deref().unwrap_or(&[]);
    for path in ou_paths(answers) {
        let depth = path.matches('/').count();
        let name = path.rsplit('/').next().unwrap_or_default();
        out.push_str(&format!("  {}├── OU {name}\n", "│   ".repeat(depth)));
        for account in accounts
            .iter()
            .filter(|a| a.ou.as_deref() == Some(path.as_str()))
        {
            let roles = account.roles.clone().unwrap_or_default().join(", ");
            let approval = if account.approval == Some(true) {
                ", approval first"
            } else {
                ""
            };
            out.push_str(&format!(
                "  {}│   • {} ({roles}{approval})\n",
                "│   ".repeat(depth),
                account.name.as_deref().unwrap_or("?")
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests;
