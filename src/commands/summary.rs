//! A short summary of the organization, for `plan`.

use crate::model::LandingZone;
use serde_json::json;

pub fn organization(lz: &LandingZone) -> String {
    let org = &lz.organization;
    let mut out = format!(
        "Organization {} (partition {}, home region {}, regions {})\n",
        org.name,
        org.partition,
        org.home_region,
        org.regions.join(", ")
    );
    // Roles line up in one column, however deep the account's OU.
    let column = lz
        .ous
        .iter()
        .flat_map(|ou| {
            ou.accounts
                .iter()
                .map(move |name| 2 * ou.depth + name.len())
        })
        .max()
        .unwrap_or(0);
    for ou in &lz.ous {
        let indent = "  ".repeat(ou.depth + 1);
        out.push_str(&format!("{indent}OU {}\n", ou.name));
        for name in &ou.accounts {
            if let Some(account) = lz.account(name) {
                let roles: Vec<&str> = account.roles.iter().map(|r| r.name()).collect();
                let adopted = if account.id.is_some() {
                    " (existing account)"
                } else {
                    ""
                };
                let width = column - 2 * ou.depth;
                out.push_str(&format!(
                    "{indent}  {:width$}  {}{adopted}\n",
                    account.name,
                    roles.join(", ")
                ));
            }
        }
    }
    let p = &lz.pipeline;
    let stages: Vec<String> = p
        .stages
        .iter()
        .map(|s| {
            if s.approval {
                format!("approval → {}", s.name)
            } else {
                s.name.clone()
            }
        })
        .collect();
    out.push_str(&format!(
        "Pipeline {}: {} {}, source → build → {}\n",
        p.application,
        json!(p.deploy.compute).as_str().unwrap_or_default(),
        json!(p.deploy.strategy).as_str().unwrap_or_default(),
        stages.join(" → ")
    ));
    out
}

pub fn organization_json(lz: &LandingZone) -> serde_json::Value {
    json!({
        "name": lz.organization.name,
        "partition": lz.organization.partition,
        "home_region": lz.organization.home_region,
        "regions": lz.organization.regions,
        "ous": lz.ous.iter().map(|ou| json!({"path": ou.path, "accounts": ou.accounts})).collect::<Vec<_>>(),
        "accounts": lz.accounts.iter().map(|a| json!({"name": a.name, "roles": a.roles, "ou": a.ou})).collect::<Vec<_>>(),
        "stages": lz.pipeline.stages.iter().map(|s| json!({"name": s.name, "accounts": s.accounts, "approval": s.approval})).collect::<Vec<_>>(),
    })
}

/// What the wizard shows before asking to write: the organization, the
/// pipeline in one sentence, and the number of files per folder.
pub fn before_writing(lz: &LandingZone, files: &[crate::render::RenderedFile]) -> String {
    let mut out = String::from("\nSummary\n");
    out.push_str(&organization(lz));
    let d = &lz.pipeline.deploy;
    out.push_str(&format!(
        "Deploys with {} {}: {}\n",
        json!(d.compute).as_str().unwrap_or_default(),
        json!(d.strategy).as_str().unwrap_or_default(),
        d.deployment_config.sentence
    ));
    let mut folders: std::collections::BTreeMap<&str, usize> = std::collections::BTreeMap::new();
    for file in files {
        let folder = file.path.split_once('/').map(|(f, _)| f).unwrap_or(".");
        *folders.entry(folder).or_default() += 1;
    }
    let counts: Vec<String> = folders
        .iter()
        .map(|(folder, n)| {
            if *folder == "." {
                format!("{n} at the top")
            } else {
                format!("{folder}/ {n}")
            }
        })
        .collect();
    out.push_str(&format!("Files: {} ({})\n", files.len(), counts.join(", ")));
    out
}

/// The keys that took a documented default, one per line; empty when none
/// did (or when the user gave nothing, and every key is a preset's).
pub fn defaults(defaulted: &[(String, String)]) -> String {
    if defaulted.is_empty() {
        return String::new();
    }
    let mut out = format!(
        "Defaults taken for {} key(s) not given (set any of them in lzgen.yaml or with --set):\n",
        defaulted.len()
    );
    for (key, value) in defaulted {
        out.push_str(&format!(
            "  {key}: {}\n",
            crate::text::printable(value, 200)
        ));
    }
    out
}

pub fn defaults_json(defaulted: &[(String, String)]) -> serde_json::Value {
    serde_json::Value::Array(
        defaulted
            .iter()
            .map(|(key, value)| serde_json::json!({"key": key, "value": value}))
            .collect(),
    )
}
