//! The emitters' tests: quoting in each flavour, and every typed policy
//! read back the same from both.

use super::*;

fn hostile() -> Statement {
    Statement::allow("Hostile")
        .service("logs.amazonaws.com")
        .actions(&["s3:PutObject"])
        .resources(vec![
            Expr::named("Bucket.Arn", "aws_s3_bucket.b.arn").then("/${x}\"\\ %{y}: #z/*"),
        ])
        .when(
            "StringEquals",
            "aws:SourceAccount",
            vec![Expr::this_account()],
        )
}

#[test]
fn text_never_becomes_syntax_in_either_flavour() {
    let policy = Policy::new(vec![hostile()]);
    let cfn = cfn(&policy);
    assert!(
        cfn.contains(r#"Resource: !Sub "${Bucket.Arn}/${!x}\"\\ %{y}: #z/*""#),
        "{cfn}"
    );
    let doc: serde_yaml::Value =
        serde_yaml::from_str(&format!("Statement:\n{}\n", indent(&cfn, 2))).expect("yaml");
    let resource = &doc["Statement"][0]["Resource"];
    let serde_yaml::Value::Tagged(t) = resource else {
        panic!("{resource:?}")
    };
    assert_eq!(t.value.as_str(), Some("${Bucket.Arn}/${!x}\"\\ %{y}: #z/*"));
    let tf = tf(&policy);
    assert!(
        tf.contains(r#"resources = ["${aws_s3_bucket.b.arn}/$${x}\"\\ %%{y}: #z/*"]"#),
        "{tf}"
    );
    let body: hcl::Body = hcl::from_str(&format!("data \"x\" \"y\" {{\n{tf}\n}}\n")).expect("hcl");
    assert_eq!(body.blocks().count(), 1);
}

#[test]
fn single_references_are_bare_and_lists_follow_the_count() {
    let s = Statement::allow("S")
        .aws(vec![Expr::account_root(Expr::this_account())])
        .actions(&["kms:*"])
        .resources(vec![Expr::text("*")])
        .when(
            "StringEquals",
            "aws:PrincipalOrgID",
            vec![Expr::named("OrganizationId", "local.organization_id")],
        )
        .when(
            "StringEquals",
            "aws:SourceAccount",
            vec![Expr::text("1"), Expr::text("2")],
        );
    let policy = Policy::new(vec![s]);
    assert_eq!(
        cfn(&policy),
        "- Sid: S\n  Effect: Allow\n  Principal:\n    AWS: !Sub \"arn:${AWS::Partition}:iam::${AWS::AccountId}:root\"\n  Action: \"kms:*\"\n  Resource: \"*\"\n  Condition:\n    StringEquals:\n      aws:PrincipalOrgID: !Ref OrganizationId\n      aws:SourceAccount:\n        - \"1\"\n        - \"2\""
    );
    assert_eq!(
        tf(&policy),
        "statement {\n  sid = \"S\"\n  actions = [\"kms:*\"]\n  resources = [\"*\"]\n\n  principals {\n    type = \"AWS\"\n    identifiers = [\"arn:${local.partition}:iam::${local.account_id}:root\"]\n  }\n\n  condition {\n    test = \"StringEquals\"\n    variable = \"aws:PrincipalOrgID\"\n    values = [local.organization_id]\n  }\n\n  condition {\n    test = \"StringEquals\"\n    variable = \"aws:SourceAccount\"\n    values = [\"1\", \"2\"]\n  }\n}"
    );
}

fn indent(text: &str, n: usize) -> String {
    text.lines()
        .map(|l| format!("{}{l}", " ".repeat(n)))
        .collect::<Vec<_>>()
        .join("\n")
}

mod both_flavours {
    use super::*;
    use crate::config::{Answers, PRESETS};
    use crate::infra::policy::Policies;

    /// Each flavour's text reads back as the same statements: the same
    /// sids, effects, actions and number of resources and conditions.
    #[test]
    fn every_typed_policy_reads_back_the_same_in_both_flavours() {
        for preset in PRESETS {
            let answers: Answers = serde_yaml::from_str(preset.yaml).expect("preset");
            let (zone, _) = crate::model::build(&answers).expect("valid");
            for (name, policy) in Policies::derive(&zone).all() {
                if policy.statements.is_empty() || policy.terraform_only {
                    // Another compute's role: no template places it; the
                    // state's policies have no CloudFormation text.
                    continue;
                }
                let cfn_doc: serde_yaml::Value =
                    serde_yaml::from_str(&format!("Statement:\n{}\n", cfn(policy)))
                        .unwrap_or_else(|e| panic!("{name}: {e}"));
                if policy.cloudformation_only {
                    continue;
                }
                let tf_body: hcl::Body = hcl::from_str(&format!(
                    "data \"aws_iam_policy_document\" \"p\" {{\n{}\n}}\n",
                    tf(policy)
                ))
                .unwrap_or_else(|e| panic!("{name}: {e}"));
                let cfn_items = cfn_doc["Statement"].as_sequence().expect("a list");
                let json: serde_json::Value = serde_json::from_str(&cfn_json(policy))
                    .unwrap_or_else(|e| panic!("{name}: {e}"));
                let json_sids: Vec<&str> = json["Statement"]
                    .as_array()
                    .expect("a list")
                    .iter()
                    .filter_map(|s| s["Sid"].as_str())
                    .collect();
                let sids: Vec<&str> = policy.statements.iter().map(|s| s.sid.as_str()).collect();
                assert_eq!(json_sids, sids, "{name}");
                let tf_blocks: Vec<&hcl::Block> = tf_body
                    .blocks()
                    .flat_map(|b| b.body().blocks())
                    .filter(|b| b.identifier() == "statement")
                    .collect();
                assert_eq!(cfn_items.len(), policy.statements.len(), "{name}");
                assert_eq!(tf_blocks.len(), policy.statements.len(), "{name}");
                for ((typed, c), t) in policy.statements.iter().zip(cfn_items).zip(&tf_blocks) {
                    assert_eq!(c["Sid"].as_str(), Some(typed.sid.as_str()), "{name}");
                    let tf_attr = |key: &str| {
                        t.body()
                            .attributes()
                            .find(|a| a.key() == key)
                            .map(|a| a.expr().to_string())
                    };
                    assert_eq!(tf_attr("sid"), Some(format!("\"{}\"", typed.sid)));
                    let cfn_actions: Vec<String> = match &c["Action"] {
                        serde_yaml::Value::Sequence(items) => items
                            .iter()
                            .map(|i| i.as_str().unwrap_or_default().to_string())
                            .collect(),
                        one => vec![one.as_str().unwrap_or_default().to_string()],
                    };
                    assert_eq!(cfn_actions, typed.actions, "{name} {}", typed.sid);
                    let conditions = t
                        .body()
                        .blocks()
                        .filter(|b| b.identifier() == "condition")
                        .count();
                    assert_eq!(conditions, typed.conditions.len(), "{name}");
                }
            }
        }
    }
}

/// The size estimate is the compact JSON document with each reference at
/// its longest value: checked against serde_json's own compact form of
/// every policy of every preset, references written out at those lengths,
/// and on a hostile statement whose text holds quotes, `${` and spaces.
#[test]
fn the_size_estimate_is_the_compact_document_with_references_at_their_longest() {
    let resolve = |json: &str| -> String {
        let mut out = String::new();
        let mut rest = json;
        while let Some(at) = rest.find("${") {
            out.push_str(&rest[..at]);
            let tail = &rest[at..];
            if let Some(literal) = tail.strip_prefix("${!") {
                out.push_str("${");
                rest = literal;
            } else {
                let end = tail.find('}').expect("closed");
                out.push_str(&"x".repeat(reference_length(&tail[2..end])));
                rest = &tail[end + 1..];
            }
        }
        out.push_str(rest);
        out
    };
    let mut policies: Vec<Policy> = vec![Policy::new(vec![hostile()])];
    for preset in crate::config::PRESETS {
        let answers: crate::config::Answers = serde_yaml::from_str(preset.yaml).expect("answers");
        let zone = crate::model::build(&answers).expect("valid").0;
        let units = crate::infra::Units::derive(&zone);
        policies.extend(units.policies.all().into_iter().map(|(_, p)| p.clone()));
    }
    for policy in policies.iter().filter(|p| !p.statements.is_empty()) {
        let doc: Value = serde_json::from_str(&resolve(&cfn_json(policy))).expect("JSON");
        let compact = serde_json::to_string(&doc).expect("compact");
        assert_eq!(estimated_size(policy), compact.len(), "{compact}");
    }
}
