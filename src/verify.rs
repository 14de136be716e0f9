//! Every rendered file is parsed back in its own format before anything is
//! written. A failure here is a bug in lzgen (or in an ejected blueprint),
//! never in the user's answers, and nothing is written.

use crate::model::LandingZone;
use crate::render::RenderedFile;
use serde_yaml::Value;
use std::collections::BTreeSet;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Defect {
    pub path: String,
    pub message: String,
}

impl std::fmt::Display for Defect {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

/// Checks every file; returns every defect found.
pub fn verify(lz: &LandingZone, files: &[RenderedFile]) -> Vec<Defect> {
    let mut defects = Vec::new();
    for file in files {
        let defect = |message: String| Defect {
            path: file.path.clone(),
            message,
        };
        let Ok(text) = std::str::from_utf8(&file.bytes) else {
            defects.push(defect("not UTF-8".into()));
            continue;
        };
        if !text.ends_with('\n') {
            defects.push(defect("does not end with a newline".into()));
        }
        let ext = file.path.rsplit('.').next().unwrap_or_default();
        match ext {
            "yaml" | "yml" => {
                // serde_yaml keeps CloudFormation's short tags (!Sub, !Ref,
                // !GetAtt...) as tagged values, so they parse as they are.
                if let Err(e) = serde_yaml::from_str::<Value>(text) {
                    defects.push(defect(format!("YAML does not parse: {e}")));
                }
            }
            "json" => {
                if let Err(e) = serde_json::from_str::<serde_json::Value>(text) {
                    defects.push(defect(format!("JSON does not parse: {e}")));
                }
            }
            _ => {}
        }
    }
    defects.extend(parameters_match_templates(lz, files));
    defects
}

/// A stack's parameters file must give exactly the parameters its template
/// declares (a missing one fails the deploy, an extra one is refused).
fn parameters_match_templates(lz: &LandingZone, files: &[RenderedFile]) -> Vec<Defect> {
    let find = |path: &str| files.iter().find(|f| f.path == path);
    let mut defects = Vec::new();
    for stack in &lz.stacks {
        let (Some(template), Some(params)) = (find(&stack.template), find(&stack.parameters_file))
        else {
            defects.push(Defect {
                path: stack.template.clone(),
                message: format!(
                    "stack {} lacks its template or its parameters file",
                    stack.name
                ),
            });
            continue;
        };
        let declared: BTreeSet<String> = serde_yaml::from_slice::<Value>(&template.bytes)
            .ok()
            .and_then(|doc| doc.get("Parameters").and_then(Value::as_mapping).cloned())
            .map(|m| {
                m.keys()
                    .filter_map(|k| k.as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default();
        let given: BTreeSet<String> =
            serde_json::from_slice::<Vec<serde_json::Value>>(&params.bytes)
                .unwrap_or_default()
                .iter()
                .filter_map(|p| {
                    p.get("ParameterKey")
                        .and_then(|k| k.as_str())
                        .map(String::from)
                })
                .collect();
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
