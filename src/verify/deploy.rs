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
    let prod = ProdRoles::new(lz, stacks);
    files
        .iter()
        .flat_map(|file| {
            let parsed = Parsed {
                file,
                doc: parse_one(file).0,
            };
            prod.check(&parsed)
        })
        .collect()
}

/// The templates deployed in Prod accounts and the roles the prod guardrail
/// exempts, worked out once for every file.
pub(crate) struct ProdRoles<'a> {
    /// Empty when the landing zone has no prod guardrail.
    templates: BTreeSet<&'a str>,
    exempt: &'a [String],
}

impl<'a> ProdRoles<'a> {
    pub(crate) fn new(lz: &'a LandingZone, stacks: &'a [Stack]) -> ProdRoles<'a> {
        use crate::infra::StackKind;
        let guarded = lz
            .guardrails
            .iter()
            .any(|g| g.kind == "deny-manual-prod-changes");
        ProdRoles {
            templates: stacks
                .iter()
                .filter(|s| {
                    guarded
                        && matches!(
                            s.kind,
                            StackKind::WorkloadRoles
                                | StackKind::WorkloadTarget
                                | StackKind::Baseline
                        )
                })
                .map(|s| s.template.as_str())
                .collect(),
            exempt: &lz.prod_change_roles,
        }
    }

    /// The roles of one template in Prod that the guardrail does not exempt.
    pub(crate) fn check(&self, parsed: &Parsed<'_>) -> Vec<Defect> {
        let mut defects = Vec::new();
        if !self.templates.contains(parsed.file.path.as_str()) {
            return defects;
        }
        let (file, Doc::Yaml(doc)) = (parsed.file, &parsed.doc) else {
            return defects;
        };
        let Some(resources) = doc.get("Resources").and_then(Value::as_mapping) else {
            return defects;
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
            if !self
                .exempt
                .iter()
                .any(|pattern| glob_matches(pattern, &tail))
            {
                defects.push(Defect {
                    path: file.path.clone(),
                    message: format!(
                        "role {} (role/{tail}) is created in Prod accounts, but deny-manual-prod-changes does not exempt it",
                        logical.as_str().unwrap_or("?")
                    ),
                });
            }
        }
        defects
    }
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
pub(super) fn parameters_match_templates(
    stacks: &[Stack],
    files: &[RenderedFile],
    summaries: &[Summary],
) -> Vec<Defect> {
    let by_path: BTreeMap<&str, &Summary> = files
        .iter()
        .map(|f| f.path.as_str())
        .zip(summaries)
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
        if template.declared != params.given {
            defects.push(Defect {
                path: stack.parameters_file.clone(),
                message: format!(
                    "parameters {:?} do not match the template's {:?}",
                    params.given, template.declared
                ),
            });
        }
    }
    defects
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each kind of defect `verify` reads from one file at a time, and the
    /// parameters check across files, is still found when planted in the
    /// standard preset's output; the output as rendered has none.
    #[test]
    fn verify_finds_each_planted_defect() {
        let preset = crate::config::PRESETS
            .iter()
            .find(|p| p.name == "standard")
            .expect("preset");
        let answers: crate::config::Answers = serde_yaml::from_str(preset.yaml).expect("preset");
        let (zone, _) = crate::model::build(&answers).expect("valid");
        let units = crate::infra::Units::derive(&zone);
        let files = crate::render::Blueprints::embedded()
            .render(&zone, &units)
            .expect("renders");
        assert_eq!(verify(&zone, &units, &files), Vec::<Defect>::new());
        let plant = |path: &str, edit: &dyn Fn(&str) -> String| {
            let mut planted = files.clone();
            let file = planted
                .iter_mut()
                .find(|f| f.path == path)
                .unwrap_or_else(|| panic!("{path}"));
            file.bytes = edit(std::str::from_utf8(&file.bytes).expect("utf-8")).into_bytes();
            verify(&zone, &units, &planted)
                .into_iter()
                .map(|d| d.to_string())
                .collect::<Vec<_>>()
        };
        let roles = units
            .stacks
            .iter()
            .find(|s| s.kind == crate::infra::StackKind::WorkloadRoles)
            .expect("a workload roles stack");
        let found = plant(&roles.parameters_file, &|text| {
            let doc: Vec<serde_json::Value> = serde_json::from_str(text).expect("json");
            serde_json::to_string(&doc[1..]).expect("json") + "\n"
        });
        assert!(
            found
                .iter()
                .any(|d| d.contains("do not match the template's")),
            "{found:?}"
        );
        let found = plant(&roles.template, &|text| format!("{text}  - : ][\n"));
        assert!(
            found.iter().any(|d| d.contains("YAML does not parse")),
            "{found:?}"
        );
        let found = plant(&roles.template, &|text| text.trim_end().to_string());
        assert!(
            found
                .iter()
                .any(|d| d.contains("does not end with a newline")),
            "{found:?}"
        );
        let found = plant(&roles.template, &|text| {
            text.replacen(
                "\nResources:\n",
                "\nResources:\n  Planted:\n    Type: AWS::IAM::ManagedPolicy\n    Properties:\n      PolicyDocument:\n        Version: \"2012-10-17\"\n        Statement:\n          - Effect: Allow\n            Action: \"*\"\n            Resource: \"*\"\n",
                1,
            )
        });
        assert!(
            found.iter().any(|d| d.contains("Resources.Planted")),
            "{found:?}"
        );
    }

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
