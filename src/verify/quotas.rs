//! The CloudFormation quotas a rendered template can reach as the
//! organization grows (`crate::quotas`): its size, as `scripts/deploy.sh`
//! passes it, and the resources, parameters and outputs it declares. Valid
//! answers beyond them are refused as user input (exit 2) before anything
//! is written, naming the file, the count, the quota and what to change.

use super::*;
use crate::infra::StackKind;
use crate::quotas::{self, Quota};

/// How many workload accounts and regions the landing zone has: what the
/// quotas' messages say the organization grew by.
fn workloads_and_regions(lz: &LandingZone) -> (usize, usize) {
    (
        lz.accounts.iter().filter(|a| a.workload).count(),
        1 + lz.organization.other_regions.len(),
    )
}

/// The templates too large to pass inline, which deploy.sh uploads to a
/// template bucket and deploys from there.
pub(crate) fn templates_over_the_inline_size(
    lz: &LandingZone,
    units: &Units,
    files: &[RenderedFile],
) -> BTreeSet<String> {
    if !lz.organization.iac.cloudformation() {
        return BTreeSet::new();
    }
    let templates: BTreeSet<&str> = units.stacks.iter().map(|s| s.template.as_str()).collect();
    files
        .iter()
        .filter(|f| templates.contains(f.path.as_str()))
        .filter(|f| f.bytes.len() > quotas::TEMPLATE_BODY_INLINE.value)
        .map(|f| f.path.clone())
        .collect()
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
    // Each template, and the quota on its size: inline, or read from S3.
    let templates: BTreeMap<&str, &Quota> = units
        .stacks
        .iter()
        .map(|s| {
            let quota = match s.by_url {
                Some(_) => &quotas::TEMPLATE_BODY_URL,
                None => &quotas::TEMPLATE_BODY_INLINE,
            };
            (s.template.as_str(), quota)
        })
        .collect();
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
                "expected the CloudFormation stacks within AWS's quota of {} {} ({}), found {path} at {found} {} with {shape}",
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
    for (file, summary) in files.iter().zip(summaries) {
        let path = file.path.as_str();
        let Some(size_quota) = templates.get(path) else {
            continue;
        };
        let size = file.bytes.len();
        if size > size_quota.value {
            problems.push(problem(path, size, size_quota));
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
        for parameter in &stack.parameters {
            let size = longest_filled(&parameter.value);
            if size > quotas::PARAMETER_VALUE.value {
                let at = format!("{} (parameter {})", stack.parameters_file, parameter.key);
                problems.push(problem(&at, size, &quotas::PARAMETER_VALUE));
            }
        }
    }
    if units.stacks.iter().any(|s| s.kind == StackKind::Governance) {
        let size: usize = drift_function_environment(lz)
            .iter()
            .map(|(name, value)| name.len() + value)
            .sum();
        if size > quotas::LAMBDA_ENVIRONMENT.value {
            let at = format!(
                "the drift function's environment ({})",
                lz.names.drift_function
            );
            problems.push(problem(&at, size, &quotas::LAMBDA_ENVIRONMENT));
        }
    }
    // The StackSets: how many, and how many instances each has (the
    // landing zone's accounts times the regions; the OUs may hold more,
    // which AWS counts too).
    let sets: Vec<&crate::infra::StackSetTargets> =
        units.stacks.iter().filter_map(|s| s.set.as_ref()).collect();
    if sets.len() > quotas::STACK_SETS.value {
        problems.push(problem("the StackSets", sets.len(), &quotas::STACK_SETS));
    }
    for (stack, set) in units
        .stacks
        .iter()
        .filter_map(|s| s.set.as_ref().map(|set| (s, set)))
    {
        // An account's own values, passed as a parameter override.
        for instance in &set.instances {
            if instance.networks.len() > quotas::PARAMETER_VALUE.value {
                let at = format!("{}'s Networks override of {}", instance.account, stack.name);
                problems.push(problem(
                    &at,
                    instance.networks.len(),
                    &quotas::PARAMETER_VALUE,
                ));
            }
        }
        let instances = set.accounts.len() * set.regions.len();
        if instances > quotas::STACK_SET_INSTANCES.value {
            let at = format!("the StackSet {}", stack.name);
            problems.push(problem(&at, instances, &quotas::STACK_SET_INSTANCES));
        }
    }
    // (STACK_SET_OUS_PER_OPERATION needs no refusal: deploy.sh creates the
    // instances of at most that many OUs per call.)
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

/// How long a parameter value can be once deploy.sh fills in its
/// placeholders: an account ID is 12 digits, an organization or root ID at
/// most 34 characters, anything else (an ARN) at most 2,048.
fn longest_filled(value: &str) -> usize {
    let mut size = 0;
    let mut rest = value;
    while let Some(start) = rest.find("${") {
        size += start;
        let Some(end) = rest[start..].find('}') else {
            return size + rest[start..].len();
        };
        let name = rest[start + 2..start + end].trim_end_matches(":-");
        size += if name.starts_with("ACCOUNT_ID_") || name == "MANAGEMENT_ACCOUNT_ID" {
            12
        } else if name.starts_with("ORGANIZATION") {
            34
        } else {
            2_048
        };
        rest = &rest[start + end + 1..];
    }
    size + rest.len()
}

/// The drift function's environment variables as
/// `cloudformation/tooling/governance.yaml` sets them, each with the
/// longest its value can be. None grows with the accounts (their list is in
/// the function's code); a test holds the names to the template's.
pub(crate) fn drift_function_environment(lz: &LandingZone) -> Vec<(&'static str, usize)> {
    let partition = "aws-us-gov".len();
    vec![
        ("REGIONS", lz.organization.regions.join(",").len()),
        ("STACK_PREFIX", lz.organization.name.len() + 1),
        ("READER_ROLE", lz.names.drift_reader_role.len()),
        (
            // arn:<partition>:sns:<region>:<account>:<topic>
            "TOPIC_ARN",
            "arn::sns:::".len() + partition + 14 + 12 + lz.names.drift_topic.len(),
        ),
        ("PARTITION", partition),
    ]
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
mod tests;
