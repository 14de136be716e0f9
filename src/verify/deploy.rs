//! What a deployment needs of the files: parameters files that match their
//! templates, stacks in an
//! order that creates before it uses, guardrails within their quotas, and no
//! role in Prod that the prod guardrail would lock out.

use super::*;

/// Under `deny-manual-prod-changes`, only the landing zone's own roles may
/// change a Prod account. Every role a template creates in a workload account
/// (or in every account, as the baseline does) must be one the guardrail
/// exempts, by its name or its path; a role it forgets would be denied its
/// every write in Prod. The exemption list is `LandingZone::prod_change_roles`.
pub fn prod_roles_outside_the_guardrail(
    lz: &LandingZone,
    stacks: &[Stack],
    files: &[RenderedFile],
) -> Vec<Defect> {
    prod_roles_outside_the_guardrail_of(lz, stacks, &parse_all(files).0)
}

/// `prod_roles_outside_the_guardrail` on files already parsed.
pub(crate) fn prod_roles_outside_the_guardrail_of(
    lz: &LandingZone,
    stacks: &[Stack],
    files: &[Parsed<'_>],
) -> Vec<Defect> {
    use crate::infra::StackKind;
    if !lz
        .guardrails
        .iter()
        .any(|g| g.kind == "deny-manual-prod-changes")
    {
        return Vec::new();
    }
    let prod_templates: BTreeSet<&str> = stacks
        .iter()
        .filter(|s| {
            matches!(
                s.kind,
                StackKind::WorkloadRoles | StackKind::WorkloadTarget | StackKind::Baseline
            )
        })
        .map(|s| s.template.as_str())
        .collect();
    let exempt = |arn_tail: &str| {
        lz.prod_change_roles
            .iter()
            .any(|pattern| glob_matches(pattern, arn_tail))
    };
    let mut defects = Vec::new();
    for parsed in files
        .iter()
        .filter(|f| prod_templates.contains(f.file.path.as_str()))
    {
        let (file, Doc::Yaml(doc)) = (parsed.file, &parsed.doc) else {
            continue;
        };
        let Some(resources) = doc.get("Resources").and_then(Value::as_mapping) else {
            continue;
        };
        for (logical, resource) in resources {
            if resource.get("Type").and_then(Value::as_str) != Some("AWS::IAM::Role") {
                continue;
            }
            let properties = &resource["Properties"];
            let path = properties
                .get("Path")
                .and_then(Value::as_str)
                .unwrap_or("/")
                .trim_start_matches('/');
            // A generated name is unknown: only a path can exempt it.
            let name = properties
                .get("RoleName")
                .and_then(Value::as_str)
                .unwrap_or("<generated>");
            let tail = format!("{path}{name}");
            if !exempt(&tail) {
                defects.push(Defect {
                    path: file.path.clone(),
                    message: format!(
                        "role {} (role/{tail}) is created in Prod accounts, but deny-manual-prod-changes does not exempt it",
                        logical.as_str().unwrap_or("?")
                    ),
                });
            }
        }
    }
    defects
}

/// Whether `text` matches `pattern`, where `*` stands for any run of
/// characters (as in IAM's ArnLike).
fn glob_matches(pattern: &str, text: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == text,
        Some((head, rest)) => {
            let Some(after) = text.strip_prefix(head) else {
                return false;
            };
            (0..=after.len())
                .filter(|i| after.is_char_boundary(*i))
                .any(|i| glob_matches(rest, &after[i..]))
        }
    }
}

/// Every use a stack declares comes after the stack (or the organization step)
/// that creates it, in the order `scripts/deploy.sh` deploys them. What exists
/// before the first stack: the accounts `lzgen.yaml` adopts by ID.
pub fn deploy_order_problems(lz: &LandingZone, stacks: &[Stack]) -> Vec<String> {
    use crate::infra::order::{Thing, misordered};
    let available = lz
        .accounts
        .iter()
        .filter(|a| a.id.is_some())
        .map(|a| Thing::Account(a.name.clone()))
        .collect();
    misordered(stacks, &available)
}

/// Every service control policy must fit the organization's quota
/// (`guardrails.quotas.policy_characters`), counted in characters with white
/// space included. The quota is the user's to set, so this is their problem
/// to fix (exit 2), not a defect of lzgen.
pub fn scp_quota_problems(lz: &LandingZone, files: &[RenderedFile]) -> Vec<Problem> {
    let quota = lz.guardrail_quotas.policy_characters;
    lz.guardrails
        .iter()
        .filter_map(|scp| {
            let path = crate::infra::layout::scp_file(&scp.kind);
            let file = files.iter().find(|f| f.path == path)?;
            let characters = String::from_utf8_lossy(&file.bytes).chars().count();
            (characters > quota).then(|| {
                Problem::new(
                    "guardrails.scps",
                    format!(
                        "expected service control policies of at most {quota} characters (guardrails.quotas.policy_characters), found `{}` at {characters}",
                        scp.kind
                    ),
                )
                .with_hint("drop that guardrail, list fewer regions, or raise the quota if AWS raised your organization's")
            })
        })
        .collect()
}

/// A stack's parameters file must give exactly the parameters its template
/// declares (a missing one fails the deploy, an extra one is refused).
pub(super) fn parameters_match_templates(stacks: &[Stack], files: &[Parsed<'_>]) -> Vec<Defect> {
    let by_path: BTreeMap<&str, &Doc> = files
        .iter()
        .map(|f| (f.file.path.as_str(), &f.doc))
        .collect();
    let mut defects = Vec::new();
    for stack in stacks {
        let (Some(template), Some(params)) = (
            by_path.get(stack.template.as_str()),
            by_path.get(stack.parameters_file.as_str()),
        ) else {
            defects.push(Defect {
                path: stack.template.clone(),
                message: format!(
                    "stack {} lacks its template or its parameters file",
                    stack.name
                ),
            });
            continue;
        };
        let declared: BTreeSet<String> = match template {
            Doc::Yaml(doc) => doc.get("Parameters").and_then(Value::as_mapping),
            _ => None,
        }
        .map(|m| {
            m.keys()
                .filter_map(|k| k.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default();
        let given: BTreeSet<String> = match params {
            Doc::Yaml(Value::Sequence(items)) => items
                .iter()
                .filter_map(|p| {
                    p.get("ParameterKey")
                        .and_then(Value::as_str)
                        .map(String::from)
                })
                .collect(),
            _ => BTreeSet::new(),
        };
        if declared != given {
            defects.push(Defect {
                path: stack.parameters_file.clone(),
                message: format!(
                    "parameters {:?} do not match the template's {:?}",
                    given, declared
                ),
            });
        }
    }
    defects
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_scp_of_every_preset_fits_even_the_older_quota() {
        for preset in crate::config::PRESETS {
            let answers: crate::config::Answers =
                serde_yaml::from_str(preset.yaml).expect("preset");
            let (mut zone, _) = crate::model::build(&answers).expect("valid");
            let units = crate::infra::Units::derive(&zone);
            let files = crate::render::Blueprints::embedded()
                .render(&zone, &units)
                .expect("renders");
            assert!(
                scp_quota_problems(&zone, &files).is_empty(),
                "{}",
                preset.name
            );
            // Organizations that still have the 5,120-character quota.
            zone.guardrail_quotas.policy_characters = 5_120;
            assert!(
                scp_quota_problems(&zone, &files).is_empty(),
                "{}",
                preset.name
            );
            let mut oversized = files.clone();
            let scp = oversized
                .iter_mut()
                .find(|f| f.path == "policies/scp/deny-root-user.json")
                .expect("an SCP");
            scp.bytes.extend(std::iter::repeat_n(b' ', 5_120));
            let problems: Vec<String> = scp_quota_problems(&zone, &oversized)
                .iter()
                .map(|p| p.message.clone())
                .collect();
            assert_eq!(problems.len(), 1, "{}", preset.name);
            assert!(
                problems[0].starts_with("expected service control policies of at most 5120 characters (guardrails.quotas.policy_characters), found `deny-root-user` at "),
                "{}", problems[0]
            );
        }
    }
}
