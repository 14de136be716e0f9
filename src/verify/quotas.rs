//! The CloudFormation quotas a rendered template can reach as the
//! organization grows (`crate::quotas`): its size, as `scripts/deploy.sh`
//! passes it, and the resources, parameters and outputs it declares. Valid
//! answers beyond them are refused as user input (exit 2) before anything
//! is written, naming the file, the count, the quota and what to change.

use super::*;
use crate::quotas::{self, Quota};

/// How many workload accounts and regions the landing zone has: what the
/// quotas' messages say the organization grew by.
fn workloads_and_regions(lz: &LandingZone) -> (usize, usize) {
    (
        lz.accounts.iter().filter(|a| a.workload).count(),
        1 + lz.organization.other_regions.len(),
    )
}

pub(crate) fn stack_quota_problems(
    lz: &LandingZone,
    units: &Units,
    files: &[RenderedFile],
    summaries: &[Summary],
) -> Vec<Problem> {
    if !lz.organization.iac.cloudformation() {
        return Vec::new();
    }
    let templates: BTreeSet<&str> = units.stacks.iter().map(|s| s.template.as_str()).collect();
    let (workloads, regions) = workloads_and_regions(lz);
    let shape = format!(
        "{} account(s), {workloads} of them workloads, {regions} region(s) and {} OU(s)",
        lz.accounts.len(),
        lz.ous.len()
    );
    let problem = |path: &str, found: usize, quota: &Quota| {
        Problem::new(
            "accounts",
            format!(
                "expected every CloudFormation template within AWS's quota of {} {} ({}), found {path} at {found} {} with {shape}",
                quota.value, quota.unit, quota.name, quota.unit
            ),
        )
        .with_hint(format!(
            "lzgen {} does not yet split this template; deploy fewer workload accounts or regions, \
             or write Terraform instead (--set organization.iac=terraform). The quota: {}",
            env!("CARGO_PKG_VERSION"),
            quota.page
        ))
    };
    let mut problems = Vec::new();
    for (file, summary) in files
        .iter()
        .zip(summaries)
        .filter(|(f, _)| templates.contains(f.path.as_str()))
    {
        let path = file.path.as_str();
        let size = file.bytes.len();
        if size > quotas::TEMPLATE_BODY_INLINE.value {
            problems.push(problem(path, size, &quotas::TEMPLATE_BODY_INLINE));
        }
        let Some(sections) = summary.sections else {
            continue;
        };
        for (found, quota) in sections.into_iter().zip([
            &quotas::RESOURCES_PER_STACK,
            &quotas::PARAMETERS_PER_STACK,
            &quotas::OUTPUTS_PER_STACK,
        ]) {
            if found > quota.value {
                problems.push(problem(path, found, quota));
            }
        }
    }
    for stack in &units.stacks {
        if stack.name.len() > quotas::STACK_NAME.value {
            problems.push(
                Problem::new(
                    "organization.name",
                    format!(
                        "expected stack names within {} characters, found `{}` at {}",
                        quotas::STACK_NAME.value,
                        stack.name,
                        stack.name.len()
                    ),
                )
                .with_hint("shorten organization.name or the account's name"),
            );
        }
    }
    problems
}

/// Every typed policy within the quota of where AWS holds it (a trust
/// policy, a key policy, a bucket policy…), its size estimated with each
/// reference at its longest value (`render::policy::estimated_size`). The
/// inline policies of one role are checked one by one; AWS's quota is on
/// their sum, which lzgen's roles reach only with the one policy that
/// grows with accounts.
pub(crate) fn policy_quota_problems(lz: &LandingZone, units: &Units) -> Vec<Problem> {
    let (workloads, regions) = workloads_and_regions(lz);
    units
        .policies
        .placed()
        .into_iter()
        .filter(|(_, _, policy)| !policy.statements.is_empty())
        .filter_map(|(name, placement, policy)| {
            let quota = placement.quota()?;
            let size = crate::render::policy::estimated_size(policy);
            (size > quota.value).then(|| {
                Problem::new(
                    "accounts",
                    format!(
                        "expected every policy within AWS's quotas, found the {name} policy at about {size} {} \
                         against {} {} ({}) with {} account(s), {workloads} of them workloads, and {regions} region(s)",
                        quota.unit,
                        quota.value,
                        quota.unit,
                        quota.name,
                        lz.accounts.len()
                    ),
                )
                .with_hint(format!(
                    "lzgen {} still names each account in this policy; deploy fewer workload accounts or regions. The quota: {}",
                    env!("CARGO_PKG_VERSION"),
                    quota.page
                ))
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{Answers, PRESETS};

    fn standard() -> (LandingZone, Units) {
        let preset = PRESETS
            .iter()
            .find(|p| p.name == "standard")
            .expect("preset");
        let answers: Answers = serde_yaml::from_str(preset.yaml).expect("answers");
        let zone = crate::model::build(&answers).expect("valid").0;
        let units = Units::derive(&zone);
        (zone, units)
    }

    /// A template with `n` entries in each of the three sections.
    fn template(resources: usize, parameters: usize, outputs: usize, padding: usize) -> String {
        let mut text = String::from("AWSTemplateFormatVersion: \"2010-09-09\"\n");
        text.push_str(&format!("Description: \"{}\"\n", "x".repeat(padding)));
        for (section, n) in [
            ("Parameters", parameters),
            ("Resources", resources),
            ("Outputs", outputs),
        ] {
            if n > 0 {
                text.push_str(&format!("{section}:\n"));
                for i in 0..n {
                    text.push_str(&format!("  E{i}:\n    Type: String\n"));
                }
            }
        }
        text
    }

    fn problems(text: String) -> Vec<String> {
        let (zone, units) = standard();
        let file = RenderedFile {
            path: units.stacks[0].template.clone(),
            bytes: text.into_bytes(),
            executable: false,
        };
        let files = [file];
        let summaries = summarize_all(&zone, &units, &files);
        stack_quota_problems(&zone, &units, &files, &summaries)
            .into_iter()
            .map(|p| {
                assert_eq!(p.key, "accounts");
                p.message
            })
            .collect()
    }

    #[test]
    fn a_template_at_each_quota_passes_and_one_past_it_is_refused() {
        assert!(problems(template(500, 200, 200, 0)).is_empty());
        let found = problems(template(501, 201, 201, 0));
        assert_eq!(found.len(), 3, "{found:#?}");
        assert!(
            found[0].contains("quota of 500 resources") && found[0].contains("at 501 resources"),
            "{}",
            found[0]
        );
        assert!(
            found[1].contains("quota of 200 parameters") && found[1].contains("at 201 parameters"),
            "{}",
            found[1]
        );
        assert!(found[2].contains("quota of 200 outputs"), "{}", found[2]);
    }

    #[test]
    fn every_policy_of_the_standard_preset_fits_and_a_growing_trust_is_refused() {
        let (zone, units) = standard();
        assert_eq!(policy_quota_problems(&zone, &units), Vec::<Problem>::new());
        // The trust CloudWatch Logs uses names every sending account.
        let text = PRESETS
            .iter()
            .find(|p| p.name == "standard")
            .expect("preset")
            .yaml;
        let mut answers: Answers = serde_yaml::from_str(text).expect("answers");
        let template = answers
            .accounts
            .as_ref()
            .and_then(|a| {
                a.iter().find(|a| {
                    a.roles
                        .as_deref()
                        .is_some_and(|r| r.iter().any(|r| r == "workload"))
                })
            })
            .cloned()
            .expect("a workload");
        for i in 0..80 {
            let mut extra = template.clone();
            extra.name = Some(format!("w{i:03}"));
            extra.email = Some(format!("aws+w{i:03}@example.org"));
            answers.accounts.as_mut().expect("accounts").push(extra);
        }
        let zone = crate::model::build(&answers).expect("valid").0;
        let units = Units::derive(&zone);
        let found = policy_quota_problems(&zone, &units);
        assert!(
            found.iter().any(|p| p.key == "accounts"
                && p.message
                    .contains("the logs_to_firehose_trust policy at about")
                && p.message
                    .contains("against 2048 characters (IAM role trust policy")),
            "{found:#?}"
        );
    }

    #[test]
    fn a_template_past_the_inline_size_is_refused_with_its_size() {
        let text = template(1, 0, 0, 51_200);
        let size = text.len();
        let found = problems(text);
        assert_eq!(found.len(), 1, "{found:#?}");
        assert!(
            found[0].contains(&format!("at {size} bytes")),
            "{}",
            found[0]
        );
        assert!(found[0].contains("51200 bytes"), "{}", found[0]);
    }
}
