//! The organization (name, regions, management account) and its OU tree.

use super::*;

pub(super) fn default_ous() -> Vec<OuAnswer> {
    let leaf = |name: &str| OuAnswer {
        name: Some(name.into()),
        children: Vec::new(),
    };
    vec![
        leaf("Security"),
        leaf("Deployment"),
        OuAnswer {
            name: Some("Workloads".into()),
            children: vec![leaf("NonProd"), leaf("Prod")],
        },
    ]
}

impl Validator {
    pub(super) fn organization(&mut self, a: &Answers) -> Option<Organization> {
        let Some(org) = &a.organization else {
            self.missing("organization");
            return None;
        };
        let name = self.required(&org.name, "organization.name").cloned();
        if let Some(n) = &name
            && !is_name(n, 2, 20)
        {
            self.problem(
                "organization.name",
                format!("expected a lowercase name matching [a-z][a-z0-9-]{{1,19}} (2 to 20 characters, a letter first), found `{n}`"),
            );
        }
        if let Some(id) = &org.management_account_id {
            self.account_id(id, "organization.management_account_id");
        }
        let iac = self
            .choice(&org.iac, "organization.iac", Iac::NAMES)
            .map(|s| match s {
                "terraform" => Iac::Terraform,
                "both" => Iac::Both,
                _ => Iac::Cloudformation,
            });
        let home = self
            .required(&org.home_region, "organization.home_region")
            .cloned();
        let home_region = home
            .as_deref()
            .and_then(|h| self.region(h, "organization.home_region"));
        let regions_given = org.regions.clone();
        let regions = regions_given
            .clone()
            .unwrap_or_else(|| home.clone().into_iter().collect());
        let mut seen = BTreeSet::new();
        let mut partitions = BTreeMap::new();
        let mut ok = true;
        for (i, r) in regions.iter().enumerate() {
            let key = format!("organization.regions[{i}]");
            match self.region(r, &key) {
                Some(region) => {
                    partitions.entry(region.partition).or_insert(r.clone());
                }
                None => ok = false,
            }
            if !seen.insert(r.as_str()) {
                self.problem(key, format!("expected each region once, found `{r}` again"));
                ok = false;
            }
        }
        if regions_given.as_ref().is_some_and(Vec::is_empty) {
            self.problem(
                "organization.regions",
                "expected at least one region, found an empty list",
            );
            ok = false;
        }
        if let Some(home_region) = home_region {
            partitions
                .entry(home_region.partition)
                .or_insert(home_region.code.to_string());
            if !regions.iter().any(|r| r == home_region.code) {
                self.problem_hint(
                    "organization.regions",
                    format!(
                        "expected the list to contain the home region `{}`, found [{}]",
                        home_region.code,
                        regions.join(", ")
                    ),
                    "add the home region to organization.regions",
                );
                ok = false;
            }
        }
        if partitions.len() > 1 {
            let found: Vec<String> = partitions
                .iter()
                .map(|(p, r)| format!("`{r}` in {p}"))
                .collect();
            self.problem(
                "organization.regions",
                format!(
                    "expected regions of one partition, found {}",
                    found.join(" and ")
                ),
            );
            ok = false;
        }
        let (name, home_region, iac) = (name?, home_region?, iac?);
        if !ok {
            return None;
        }
        let other_regions = regions
            .iter()
            .filter(|r| **r != home_region.code)
            .cloned()
            .collect();
        Some(Organization {
            name,
            management_account_id: org.management_account_id.clone(),
            home_region: home_region.code.to_string(),
            regions,
            other_regions,
            partition: home_region.partition.to_string(),
            organizations_region: regions::organizations_region(home_region.partition).to_string(),
            iac,
        })
    }

    pub(super) fn region(&mut self, code: &str, key: &str) -> Option<regions::Region> {
        let found = regions::find(code);
        if found.is_none() {
            let codes = regions::codes();
            let mut problem = Problem::new(
                key,
                format!("expected an AWS region code such as us-east-1, found `{code}`"),
            );
            if let Some(close) = did_you_mean(code, codes.iter().copied()) {
                problem = problem.with_hint(format!("did you mean `{close}`?"));
            }
            self.problems.push(problem);
        }
        found
    }

    pub(super) fn account_id(&mut self, id: &str, key: &str) -> bool {
        let ok = id.len() == 12 && id.bytes().all(|b| b.is_ascii_digit());
        if !ok {
            self.problem(key, format!("expected a 12-digit account ID in quotes, such as \"012345678901\", found `{id}`"));
        }
        ok
    }

    /// AWS Organizations nests OUs at most five levels below the root:
    /// <https://docs.aws.amazon.com/organizations/latest/userguide/orgs_reference_limits.html>
    /// ("OU maximum nesting in a root: five levels of OUs deep under a root").
    pub(super) fn ous(
        &mut self,
        tree: &[OuAnswer],
        given: bool,
    ) -> Option<Vec<OrganizationalUnit>> {
        let mut out = Vec::new();
        let mut ids = BTreeSet::new();
        let before = self.problems.len();
        if given && tree.is_empty() {
            self.problem(
                "organizational_units",
                "expected at least one OU, found an empty list",
            );
        }
        self.ou_level(
            tree,
            "organizational_units",
            None,
            "",
            0,
            &mut out,
            &mut ids,
        );
        (self.problems.len() == before).then_some(out)
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn ou_level(
        &mut self,
        level: &[OuAnswer],
        key: &str,
        parent: Option<&OrganizationalUnit>,
        parent_path: &str,
        depth: usize,
        out: &mut Vec<OrganizationalUnit>,
        ids: &mut BTreeSet<String>,
    ) {
        let mut siblings = BTreeSet::new();
        for (i, ou) in level.iter().enumerate() {
            let key = format!("{key}[{i}]");
            let Some(name) = &ou.name else {
                self.missing(&format!("{key}.name"));
                continue;
            };
            let name_key = format!("{key}.name");
            if name.is_empty()
                || name.chars().count() > 128
                || name.chars().any(|c| c.is_control() || c == '/')
            {
                self.problem(
                    &name_key,
                    format!("expected 1 to 128 characters without control characters or `/` (the path separator), found {name:?}"),
                );
                continue;
            }
            if depth >= MAX_OU_DEPTH {
                self.problem(
                    &name_key,
                    format!(
                        "expected OUs at most {MAX_OU_DEPTH} levels below the root (AWS Organizations' limit), found `{name}` at level {}",
                        depth + 1
                    ),
                );
                continue;
            }
            if !siblings.insert(name.clone()) {
                let under = if parent_path.is_empty() {
                    "the root".to_string()
                } else {
                    format!("`{parent_path}`")
                };
                self.problem(
                    &name_key,
                    format!("expected OU names unique under {under}, found `{name}` twice"),
                );
                continue;
            }
            let path = if parent_path.is_empty() {
                name.clone()
            } else {
                format!("{parent_path}/{name}")
            };
            let logical_id = unique_id(&format!("Ou{}", pascal(&path)), ids);
            let node = OrganizationalUnit {
                name: name.clone(),
                path: path.clone(),
                logical_id,
                parent: parent.map(|p| p.logical_id.clone()),
                depth,
                accounts: Vec::new(),
            };
            out.push(node.clone());
            self.ou_level(
                &ou.children,
                &format!("{key}.children"),
                Some(&node),
                &path,
                depth + 1,
                out,
                ids,
            );
        }
    }
}
