//! The accounts: names, roles, emails, OUs, adopted IDs, and each workload
//! account's VPC blocks.

use super::*;

pub(super) fn is_example_address(email: &str) -> bool {
    email.rsplit_once('@').is_some_and(|(_, domain)| {
        let d = domain.to_ascii_lowercase();
        d == "example.com" || d.ends_with(".example.com")
    })
}

/// `[a-z][a-z0-9-]{min-1,max-1}`
/// Names Windows reserves for devices, whatever the extension: a folder of
/// that name cannot be created or checked out there.
/// <https://learn.microsoft.com/windows/win32/fileio/naming-a-file>
pub(super) fn is_windows_device_name(name: &str) -> bool {
    let stem = name.split('.').next().unwrap_or(name);
    matches!(stem, "con" | "prn" | "aux" | "nul")
        || (stem.len() == 4
            && (stem.starts_with("com") || stem.starts_with("lpt"))
            && stem.as_bytes()[3].is_ascii_digit())
}

/// Why `email` is not an address we accept, if it is not.
pub(super) fn email_problem(email: &str) -> Option<&'static str> {
    if email.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Some("no whitespace or control characters");
    }
    if email.matches('@').count() != 1 {
        return Some("exactly one `@`");
    }
    let (local, domain) = email.split_once('@')?;
    if local.is_empty() {
        return Some("a name before the `@`");
    }
    if !domain.contains('.') || domain.split('.').any(str::is_empty) {
        return Some("a dotted domain after the `@`, such as acme.example");
    }
    if email.len() > limits::ACCOUNT_EMAIL {
        return Some("at most 64 characters, the AWS limit");
    }
    None
}

impl Validator {
    pub(super) fn accounts(
        &mut self,
        a: &Answers,
        ous: &Option<Vec<OrganizationalUnit>>,
    ) -> Option<Vec<Account>> {
        let Some(list) = &a.accounts else {
            self.missing("accounts");
            return None;
        };
        if list.is_empty() {
            self.problem("accounts", "expected at least the tooling, artifact, log-archive and one workload account, found an empty list");
            return None;
        }
        let before = self.problems.len();
        let mut names: BTreeMap<String, usize> = BTreeMap::new();
        let mut emails: BTreeMap<String, usize> = BTreeMap::new();
        let mut ids_seen: BTreeMap<String, String> = BTreeMap::new();
        if let Some(mgmt) = a
            .organization
            .as_ref()
            .and_then(|o| o.management_account_id.clone())
        {
            ids_seen.insert(mgmt, "organization.management_account_id".into());
        }
        let mut logical_ids = BTreeSet::new();
        let mut out = Vec::new();
        for (i, acc) in list.iter().enumerate() {
            if let Some(account) = self.account(
                i,
                acc,
                ous,
                &mut names,
                &mut emails,
                &mut ids_seen,
                &mut logical_ids,
            ) {
                out.push(account);
            }
        }
        let mut previous: Option<String> = None;
        for account in out.iter_mut().filter(|a| a.id.is_none()) {
            account.created_after = previous.replace(account.logical_id.clone());
        }
        // Without a valid OU tree no account can be placed; the tree's own
        // problems say why, so nothing more is reported here.
        (self.problems.len() == before && ous.is_some()).then_some(out)
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn account(
        &mut self,
        i: usize,
        acc: &AccountAnswer,
        ous: &Option<Vec<OrganizationalUnit>>,
        names: &mut BTreeMap<String, usize>,
        emails: &mut BTreeMap<String, usize>,
        ids_seen: &mut BTreeMap<String, String>,
        logical_ids: &mut BTreeSet<String>,
    ) -> Option<Account> {
        let key = format!("accounts[{i}]");
        let name = self.required(&acc.name, &format!("{key}.name")).cloned();
        if let Some(n) = &name {
            if !is_name(n, 2, 30) {
                self.problem(
                    format!("{key}.name"),
                    format!("expected a lowercase name matching [a-z][a-z0-9-]{{1,29}} (2 to 30 characters, a letter first), found `{n}`"),
                );
            } else if is_windows_device_name(n) {
                self.problem_hint(
                    format!("{key}.name"),
                    format!("expected a name Windows can use as a folder, found `{n}`, a reserved device name"),
                    "each account gets folders named after it in the generated repo, and Windows cannot create or check out `con`, `prn`, `aux`, `nul`, `com0`-`com9` or `lpt0`-`lpt9`",
                );
            } else if n == MANAGEMENT {
                self.problem_hint(
                    format!("{key}.name"),
                    format!("expected a name other than `{n}`, which stands for the organization's management account in the generated repo, found `{n}`"),
                    "the management account is not listed in accounts: it is the one you deploy from; give this account another name",
                );
            } else if let Some(first) = names.get(n) {
                self.problem(format!("{key}.name"), format!("expected unique account names, found `{n}` again (first at accounts[{first}])"));
            } else {
                names.insert(n.clone(), i);
            }
        }
        let mut roles = Vec::new();
        match &acc.roles {
            None => self.missing(&format!("{key}.roles")),
            Some(list) if list.is_empty() => self.problem(
                format!("{key}.roles"),
                format!(
                    "expected at least one role, {}, found an empty list",
                    one_of(Role::NAMES)
                ),
            ),
            Some(list) => {
                for (j, r) in list.iter().enumerate() {
                    match Role::parse(r) {
                        Some(role) if roles.contains(&role) => self.problem(
                            format!("{key}.roles[{j}]"),
                            format!("expected each role once, found `{r}` again"),
                        ),
                        Some(role) => roles.push(role),
                        None => self.bad_choice(&format!("{key}.roles[{j}]"), r, Role::NAMES),
                    }
                }
            }
        }
        if let Some(id) = &acc.id {
            let id_key = format!("{key}.id");
            if self.account_id(id, &id_key) {
                if let Some(first) = ids_seen.get(id) {
                    self.problem(
                        &id_key,
                        format!(
                            "expected unique account IDs, found \"{id}\" again (first at {first})"
                        ),
                    );
                } else {
                    ids_seen.insert(id.clone(), id_key);
                }
            }
        }
        match (&acc.email, &acc.id) {
            (None, None) => self.problem_hint(
                format!("{key}.email"),
                "required for an account to be created, but not given",
                "give the new account's root email, or `id` for an existing account",
            ),
            (Some(email), _) => {
                let email_key = format!("{key}.email");
                if let Some(why) = email_problem(email) {
                    self.problem(
                        &email_key,
                        format!("expected an email address ({why}), found {email:?}"),
                    );
                } else if let Some(first) = emails.get(&email.to_ascii_lowercase()) {
                    self.problem(&email_key, format!("expected unique emails (AWS needs one root email per account), found `{email}` again (first at accounts[{first}])"));
                } else {
                    emails.insert(email.to_ascii_lowercase(), i);
                }
            }
            (None, Some(_)) => {}
        }
        let ou_key = format!("{key}.ou");
        let ou = match (&acc.ou, ous) {
            (None, _) => {
                self.missing(&ou_key);
                None
            }
            (Some(path), Some(tree)) => match tree.iter().find(|o| &o.path == path) {
                Some(found) => Some(found.clone()),
                None => {
                    let paths: Vec<&str> = tree.iter().map(|o| o.path.as_str()).collect();
                    let mut problem = Problem::new(
                        &ou_key,
                        format!(
                            "expected an OU path from organizational_units ({}), found `{path}`",
                            paths.join(", ")
                        ),
                    );
                    if let Some(close) = did_you_mean(path, paths.iter().copied()) {
                        problem = problem.with_hint(format!("did you mean `{close}`?"));
                    }
                    self.problems.push(problem);
                    None
                }
            },
            (Some(_), None) => None,
        };
        let workload = roles.contains(&Role::Workload);
        if acc.cidr.is_some() && !workload {
            self.warnings.push(Warning::new(
                format!("{key}.cidr"),
                "only workload accounts get a VPC; this block is not used",
            ));
        }
        if acc.approval == Some(true) && !workload {
            self.warnings.push(Warning::new(
                format!("{key}.approval"),
                "only workload accounts are pipeline stages; this approval gates nothing",
            ));
        }
        if roles.len() > 1 {
            let list: Vec<&str> = roles.iter().map(|r| r.name()).collect();
            self.warnings.push(Warning::new(
                format!("{key}.roles"),
                format!(
                    "`{}` holds several roles ({}); fine for a lab, but separate accounts keep duties and blast radius apart",
                    name.as_deref().unwrap_or("?"),
                    list.join(", ")
                ),
            ));
        }
        let (name, ou) = (name?, ou?);
        let logical_id = unique_id(&pascal(&name), logical_ids);
        Some(Account {
            purpose: purpose(&roles),
            logical_id,
            roles,
            email: acc.email.clone(),
            id: acc.id.clone(),
            ou: ou.path.clone(),
            ou_logical_id: ou.logical_id.clone(),
            approval: acc.approval.unwrap_or(false),
            workload,
            vpcs: Vec::new(),
            created_after: None,
            name,
        })
    }

    pub(super) fn holders(&mut self, accounts: &[Account]) -> Option<RoleHolders> {
        let holding = |role: Role| -> Vec<String> {
            accounts
                .iter()
                .filter(|a| a.roles.contains(&role))
                .map(|a| a.name.clone())
                .collect()
        };
        // Each role's count, as `Role::holders` says it must be.
        let mut held: BTreeMap<Role, Vec<String>> = BTreeMap::new();
        let mut complete = true;
        for role in Role::ALL {
            let names = holding(role);
            let name = role.name();
            let problem = match (role.holders(), names.len()) {
                (Holders::ExactlyOne, 0) => Some(format!(
                    "expected exactly one account with the `{name}` role, found none"
                )),
                (Holders::ExactlyOne | Holders::AtMostOne, n) if n > 1 => Some(format!(
                    "expected {} one account with the `{name}` role, found {n} ({})",
                    if role.holders() == Holders::ExactlyOne {
                        "exactly"
                    } else {
                        "at most"
                    },
                    names.join(", ")
                )),
                (Holders::AtLeastOne, 0) => Some(format!(
                    "expected at least one account with the `{name}` role, found none"
                )),
                _ => None,
            };
            if let Some(p) = problem {
                self.problem("accounts", p);
                // A second security account is reported, but the first
                // still takes the role, so later rules can run.
                complete &= role.holders() == Holders::AtMostOne;
            }
            held.insert(role, names);
        }
        if !complete {
            return None;
        }
        Some(RoleHolders::new(held))
    }

    /// Gives each workload account a VPC block in every region: its own `cidr`
    /// in the home region where given, blocks from 10.0.0.0/8 elsewhere.
    pub(super) fn vpcs(
        &mut self,
        a: &Answers,
        accounts: &mut [Account],
        regions: &[String],
        home: &str,
    ) {
        let home_index = regions.iter().position(|r| r == home).unwrap_or(0);
        let answers = a.accounts.as_deref().unwrap_or(&[]);
        let mut explicit: Vec<(usize, Block)> = Vec::new();
        let mut held = cidr::Disjoint::default();
        let mut owner: BTreeMap<Block, usize> = BTreeMap::new();
        for (i, acc) in answers.iter().enumerate() {
            let Some(text) = &acc.cidr else { continue };
            let key = format!("accounts[{i}].cidr");
            match text.parse::<Block>() {
                Ok(block) => {
                    if let Some((range, what)) = cidr::unusable(block) {
                        self.problem(&key, format!("expected a block a VPC can route, found {block}, inside {range} ({what})"));
                    } else if let Some(other) = held.overlapping(block) {
                        let j = owner.get(&other).copied().unwrap_or_default();
                        self.problem(&key, format!("expected a block that overlaps no other VPC, found {block}, which overlaps accounts[{j}].cidr {other}"));
                    } else if accounts.get(i).is_some_and(|acc| acc.workload) {
                        let _ = held.insert(block);
                        owner.insert(block, i);
                        explicit.push((i, block));
                    }
                }
                Err(CidrError::Syntax) => self.problem(&key, format!("expected an IPv4 block such as 10.10.0.0/16, found {text:?}")),
                Err(CidrError::Prefix(p)) => {
                    self.problem(&key, format!("expected a block from /16 to /24 (the sizes a VPC takes), found /{p} in `{text}`"))
                }
                Err(CidrError::HostBits(network)) => {
                    self.problem_hint(&key, format!("expected a network address with no host bits set, found `{text}`"), format!("did you mean `{network}`?"))
                }
            }
        }
        let taken: Vec<Block> = explicit.iter().map(|(_, b)| *b).collect();
        let with_own: BTreeSet<usize> = explicit.iter().map(|(i, _)| *i).collect();
        let mut wanted = Vec::new();
        for (i, acc) in accounts.iter().enumerate() {
            if !acc.workload {
                continue;
            }
            for r in 0..regions.len() {
                let has_own = r == home_index && with_own.contains(&i);
                if !has_own {
                    wanted.push((i, r));
                }
            }
        }
        let Some(blocks) = cidr::allocate(wanted.len(), &taken) else {
            self.problem(
                "accounts",
                format!("expected room in 10.0.0.0/8 for {} VPC blocks of at least /24 beside the given ones, found none", wanted.len()),
            );
            return;
        };
        let mut assigned: BTreeMap<(usize, usize), Block> =
            wanted.into_iter().zip(blocks).collect();
        for (i, block) in &explicit {
            assigned.insert((*i, home_index), *block);
        }
        for (i, acc) in accounts.iter_mut().enumerate() {
            if !acc.workload {
                continue;
            }
            acc.vpcs = regions
                .iter()
                .enumerate()
                .filter_map(|(r, region)| {
                    let block = *assigned.get(&(i, r))?;
                    let parts = block.split(2);
                    Some(Vpc {
                        region: region.clone(),
                        cidr: block.to_string(),
                        public_subnets: parts[..2].iter().map(ToString::to_string).collect(),
                        private_subnets: parts[2..].iter().map(ToString::to_string).collect(),
                    })
                })
                .collect();
        }
    }

    /// One warning naming every placeholder address, so it reads as one fix.
    pub(super) fn example_addresses(&mut self, zone: &LandingZone) {
        let placeholders: Vec<String> = zone
            .accounts
            .iter()
            .enumerate()
            .filter_map(|(i, acc)| {
                let email = acc.email.as_deref()?;
                is_example_address(email).then(|| format!("accounts[{i}].email `{email}`"))
            })
            .collect();
        if !placeholders.is_empty() {
            self.warnings.push(Warning::new(
                "accounts",
                format!(
                    "{} placeholder address(es) at example.com: {}; AWS needs a real, unique root email for each new account before you deploy",
                    placeholders.len(),
                    placeholders.join(", ")
                ),
            ));
        }
        if let Some(email) = &zone.notifications.email
            && is_example_address(email)
        {
            self.warnings.push(Warning::new(
                "notifications.email",
                format!("`{email}` is a placeholder: notifications sent there reach nobody"),
            ));
        }
    }
}
