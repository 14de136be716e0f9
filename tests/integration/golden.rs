//! Golden snapshots of whole generated repos. A changed snapshot is a changed
//! product: review it as you would review code (`cargo insta review`).

use crate::support::{render, repo_root};

/// Folds a whole repo into one document: each file under a header with its
/// path and mode, in path order.
fn fold(args: &[&str]) -> String {
    let tree = render(args);
    let mut out = String::new();
    for (path, (bytes, executable)) in &tree {
        let mode = if *executable { "755" } else { "644" };
        out.push_str(&format!("==> {path} ({mode}, {} bytes)\n", bytes.len()));
        if path == lzgen::state::PRISTINE {
            out.push_str(&pristine_matches(&tree, bytes));
        } else {
            out.push_str(&String::from_utf8_lossy(bytes));
        }
        out.push('\n');
    }
    out.replace(env!("CARGO_PKG_VERSION"), "[VERSION]")
}

/// `.lzgen/pristine.json.gz` (gzip, not shown): checked to hold exactly
/// the repo as written, and summarized.
fn pristine_matches(
    tree: &std::collections::BTreeMap<String, (Vec<u8>, bool)>,
    bytes: &[u8],
) -> String {
    let pristine = lzgen::state::Pristine::decode(bytes).expect("the state decodes");
    let written: std::collections::BTreeMap<&str, (&str, bool)> = tree
        .iter()
        .filter(|(p, _)| lzgen::state::is_generated(p))
        .map(|(p, (b, x))| (p.as_str(), (std::str::from_utf8(b).expect("utf-8"), *x)))
        .collect();
    let kept: std::collections::BTreeMap<&str, (&str, bool)> = pristine
        .files
        .iter()
        .map(|(p, f)| (p.as_str(), (f.text.as_str(), f.executable)))
        .collect();
    assert_eq!(kept, written, "the state holds the repo as written");
    let answers = &tree["lzgen.yaml"].0;
    assert_eq!(pristine.answers.as_bytes(), answers.as_slice());
    format!(
        "(gzip: lzgen {}'s record of the {} generated files above and lzgen.yaml, exactly as written)",
        pristine.lzgen,
        kept.len()
    )
}

#[test]
fn preset_lab() {
    insta::assert_snapshot!(fold(&["--preset", "lab"]));
}

#[test]
fn preset_standard() {
    insta::assert_snapshot!(fold(&["--preset", "standard"]));
}

/// The standard preset as Terraform: the state bootstrap, every root module
/// and local module, scripts/terraform.sh and the Terraform README.
#[test]
fn preset_standard_terraform() {
    insta::assert_snapshot!(fold(&[
        "--preset",
        "standard",
        "--set",
        "organization.iac=terraform"
    ]));
}

#[test]
fn preset_enterprise() {
    insta::assert_snapshot!(fold(&["--preset", "enterprise"]));
}

#[test]
fn example_multi_region() {
    let config = repo_root().join("examples/multi-region.yaml");
    insta::assert_snapshot!(fold(&["--config", config.to_str().expect("utf8 path")]));
}

/// Values with quotes, ampersands, colons and hashes land in the documents as
/// data: parsing the generated files gives back exactly what was answered.
#[test]
fn awkward_values_render_safely() {
    let tree = render(&["--config", "examples/multi-region.yaml"]);
    let org: serde_yaml::Value =
        serde_yaml::from_slice(&tree["cloudformation/organization/organization.yaml"].0)
            .expect("yaml");
    let resources = &org["Resources"];
    assert_eq!(
        resources["OuRDSandboxLab"]["Properties"]["Name"].as_str(),
        Some("R&D: Sandbox \"lab\"")
    );
    assert_eq!(
        resources["ResearchAccount"]["Properties"]["Email"].as_str(),
        Some("o'brien+research@northwind.example")
    );
    let answers: serde_yaml::Value = serde_yaml::from_slice(&tree["lzgen.yaml"].0).expect("yaml");
    assert_eq!(
        answers["organizational_units"][3]["name"].as_str(),
        Some("R&D: Sandbox \"lab\"")
    );
    // Literal `{{` meant for GitHub Actions survives the template engine.
    let workflow =
        String::from_utf8(tree[".github/workflows/validate.yml"].0.clone()).expect("utf8");
    assert!(
        workflow.contains("group: validate-${{ github.ref }}"),
        "{workflow}"
    );
    // The adopted account is not created, and its known ID is passed as is.
    assert!(resources.get("ProdAccount").is_none());
    let params: serde_json::Value =
        serde_json::from_slice(&tree["cloudformation/tooling/pipeline.parameters.json"].0)
            .expect("json");
    assert!(
        params
            .as_array()
            .expect("list")
            .iter()
            .any(|p| p["ParameterKey"] == "ProdAccountId" && p["ParameterValue"] == "210987654321")
    );
}

#[test]
fn example_ecs_linear() {
    let config = repo_root().join("examples/ecs-linear.yaml");
    insta::assert_snapshot!(fold(&["--config", config.to_str().expect("utf8 path")]));
}

#[test]
fn example_ec2_blue_green() {
    let config = repo_root().join("examples/ec2-blue-green.yaml");
    insta::assert_snapshot!(fold(&["--config", config.to_str().expect("utf8 path")]));
}

#[test]
fn example_lambda_canary() {
    let config = repo_root().join("examples/lambda-canary.yaml");
    insta::assert_snapshot!(fold(&["--config", config.to_str().expect("utf8 path")]));
}
