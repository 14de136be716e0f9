//! Questions about the organization: its name, regions, OUs and accounts.

use super::*;

impl Wizard {
    pub(super) fn organization(&mut self, p: &mut dyn Prompter) -> io::Result<()> {
        p.section("The organization");
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
        let chosen = all[p.search("organization.home_region", "Home region", &labels, at)?];
        // The further regions chosen before stay ticked; the old home region
        // does not (it was home, not a further region, and a new home was
        // just chosen in its place).
        let old_home = self.org().home_region.clone();
        let previous: Vec<String> = (self.org().regions.clone().unwrap_or_default())
            .into_iter()
            .filter(|code| Some(code) != old_home.as_ref())
            .collect();
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
            "Further regions",
            &labels,
            &defaults,
        )?;
        let mut list = vec![chosen.code.to_string()];
        list.extend(picked.into_iter().map(|i| others[i].code.to_string()));
        self.org().regions = Some(list);
        Ok(())
    }

    pub(super) fn layout(&mut self, p: &mut dyn Prompter) -> io::Result<()> {
        p.section("Accounts and organizational units");
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

    pub(super) fn accounts(&self) -> &[AccountAnswer] {
        self.answers.accounts.as_deref().unwrap_or(&[])
    }

    pub(super) fn add_account(&mut self, p: &mut dyn Prompter, pattern: &str) -> io::Result<()> {
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

    pub(super) fn remove_account(&mut self, p: &mut dyn Prompter) -> io::Result<()> {
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

    pub(super) fn rename_ou(&mut self, p: &mut dyn Prompter) -> io::Result<()> {
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

    pub(super) fn existing_accounts(&mut self, p: &mut dyn Prompter) -> io::Result<()> {
        if !p.confirm(
            "accounts.existing",
            "Do some of these accounts exist already (you have their IDs)?",
            self.accounts().iter().any(|a| a.id.is_some()),
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
}
