//! The blueprint set as a whole: every blueprint renders, names are checked,
//! and the fast way of rendering gives the plain way's bytes.

use super::*;
use crate::config::{Answers, PRESETS};
use crate::infra::StackKind;
use crate::infra::terraform::ROOT_KINDS;
use std::collections::BTreeSet;

fn zones() -> Vec<(LandingZone, Units)> {
    let mut texts: Vec<&str> = PRESETS.iter().map(|p| p.yaml).collect();
    texts.push(include_str!("../../examples/multi-region.yaml"));
    texts.push(include_str!("../../examples/ecs-linear.yaml"));
    texts.push(include_str!("../../examples/ec2-blue-green.yaml"));
    texts.push(include_str!("../../examples/lambda-canary.yaml"));
    texts.push(include_str!("../../examples/terraform.yaml"));
    // A Python function too, so every runtime's blueprints render.
    let python_lambda = include_str!("../../examples/lambda-canary.yaml")
        .replace("runtime: nodejs", "runtime: python");
    // Both flavours, so the Terraform blueprints render as well.
    let both = PRESETS
        .iter()
        .find(|p| p.name == "standard")
        .map(|p| p.yaml.replace("iac: cloudformation", "iac: both"))
        .unwrap_or_default();
    let lockfile = "\nterraform:\n  state_locking: lockfile\n";
    let ec2_both = include_str!("../../examples/ec2-blue-green.yaml")
        .replace("iac: cloudformation", "iac: both")
        + lockfile;
    let lambda_both = include_str!("../../examples/lambda-canary.yaml")
        .replace("iac: cloudformation", "iac: both")
        + lockfile;
    texts
        .into_iter()
        .chain([
            python_lambda.as_str(),
            both.as_str(),
            ec2_both.as_str(),
            lambda_both.as_str(),
        ])
        .map(|text| {
            let answers: Answers = serde_yaml::from_str(text).expect("answers");
            let zone = crate::model::build(&answers).expect("valid").0;
            let units = Units::derive(&zone);
            (zone, units)
        })
        .collect()
}

/// Every blueprint is named in the manifest, every manifest entry renders
/// for at least one preset or example, and every partial is used.
#[test]
fn every_blueprint_is_known_and_renders() {
    let blueprints = Blueprints::embedded();
    let manifest = blueprints.manifest().expect("manifest");
    let named: BTreeSet<&str> = manifest.iter().map(|e| e.template.as_str()).collect();
    let templates: BTreeSet<&str> = blueprints
        .names()
        .filter(|n| *n != MANIFEST && !n.starts_with(PARTIALS))
        .collect();
    assert_eq!(named, templates, "blueprints and manifest disagree");

    let mut rendered = BTreeSet::new();
    let mut sets = zones();
    // The template bucket only comes with a template over the inline size
    // (examples/two-hundred-accounts.yaml has two): here the standard
    // preset's pipeline template stands for one.
    let (zone, _) = sets[1].clone();
    let by_url = BTreeSet::from(["cloudformation/tooling/pipeline.yaml".to_string()]);
    let units = Units::derive_by_url(&zone, &by_url);
    sets.push((zone, units));
    // The accounts stacks only come beyond 400 accounts to create: the
    // standard preset with 844 more workload accounts stands for that.
    let mut answers: Answers =
        serde_yaml::from_str(crate::config::PRESETS[1].yaml).expect("answers");
    let list = answers.accounts.as_mut().expect("accounts");
    let template = list[5].clone();
    for i in 0..844 {
        let mut w = template.clone();
        w.name = Some(format!("w{i:03}"));
        w.email = Some(format!("aws+w{i:03}@example.org"));
        list.push(w);
    }
    answers.pipeline.as_mut().expect("pipeline").stages =
        Some(vec![crate::config::StageAnswer::One("dev".into())]);
    let zone = crate::model::build(&answers).expect("valid").0;
    let units = Units::derive(&zone);
    assert!(
        units
            .stacks
            .iter()
            .any(|s| s.kind == crate::infra::StackKind::OrganizationAccounts)
    );
    sets.push((zone, units));
    for (zone, units) in sets {
        for (template, _) in blueprints.render_traced(&zone, &units).expect("renders") {
            rendered.insert(template);
        }
    }
    let rendered: BTreeSet<&str> = rendered.iter().map(String::as_str).collect();
    assert_eq!(rendered, templates, "some blueprints never rendered");

    let all_text: String = blueprints.files.values().cloned().collect();
    for partial in blueprints.names().filter(|n| n.starts_with(PARTIALS)) {
        let key = partial
            .trim_start_matches(PARTIALS)
            .trim_end_matches(SUFFIX);
        assert!(
            all_text.contains(&format!("{{{{> {key}")),
            "partial {key} is never used"
        );
    }
}

/// Pruning each entry's context to the names its blueprint uses, and
/// compiling blueprints in pieces, change no byte: a blueprint that
/// reached a value by a name it never writes (a key of a map, a whole
/// object passed to a helper), or a cut that split a block or a
/// whitespace trim, would differ here.
#[test]
fn the_fast_way_renders_the_same_bytes_as_the_plain_one() {
    let blueprints = Blueprints::embedded();
    for (zone, units) in zones() {
        let pruned = blueprints.render_with(&zone, &units, true).expect("pruned");
        let whole = blueprints.render_with(&zone, &units, false).expect("whole");
        assert_eq!(pruned.len(), whole.len());
        for ((_, a), (_, b)) in pruned.iter().zip(&whole) {
            assert_eq!(a.path, b.path);
            assert!(a.bytes == b.bytes, "{}: pruned and whole differ", a.path);
        }
    }
}

#[test]
fn strict_mode_refuses_a_missing_value() {
    let mut blueprints = Blueprints::embedded();
    blueprints.files.insert(
        "README.md.hbs".into(),
        "{{lz.organization.no_such_key}}\n".into(),
    );
    let (zone, units) = zones().remove(0);
    let err = blueprints.render(&zone, &units).expect_err("strict mode");
    assert!(err.to_string().contains("README.md.hbs"), "{err}");
}

fn with_manifest_line(from: &str, to: &str) -> Blueprints {
    let mut blueprints = Blueprints::embedded();
    let manifest = blueprints.files.get_mut(MANIFEST).expect("manifest");
    assert!(manifest.contains(from), "{from}");
    *manifest = manifest.replacen(from, to, 1);
    blueprints
}

/// A misspelt name in a `when` condition is an error, not a file
/// silently left out.
#[test]
fn a_misspelt_condition_is_refused() {
    let (zone, units) = zones().remove(0);
    for (from, to) in [
        (
            "when: lz.logging.cloudwatch_logs_to_s3",
            "when: lz.logging.cloudwatch_log_to_s3",
        ),
        (
            "when: lz.pipeline.deploy.compute == ec2",
            "when: lz.pipeline.deploy.compte == ec2",
        ),
        ("when: lz.adopted_accounts", "when: lz.adopted_account"),
    ] {
        let Err(err) = with_manifest_line(from, to).render(&zone, &units) else {
            panic!("{to}: rendered");
        };
        let misspelt = to
            .trim_start_matches("when: ")
            .split(" ==")
            .next()
            .unwrap_or_default();
        assert!(err.to_string().contains(&format!("`{misspelt}`")), "{err}");
    }
}

#[test]
fn a_misspelt_unit_kind_is_refused() {
    let (zone, units) = zones().remove(0);
    let Err(err) =
        with_manifest_line("stack: workload-roles", "stack: workload-role").render(&zone, &units)
    else {
        panic!("rendered");
    };
    assert!(
        err.to_string()
            .contains("`stack: workload-role` names no kind"),
        "{err}"
    );
    let Err(err) =
        with_manifest_line("stack: workload\n", "stack: workloads\n").render(&zone, &units)
    else {
        panic!("rendered");
    };
    assert!(err.to_string().contains("`stack: workloads`"), "{err}");
}

/// Every kind the units have is one the manifest may name, and each
/// stack kind has its own name.
#[test]
fn the_kind_lists_cover_every_unit() {
    let names: BTreeSet<String> = StackKind::ALL.iter().map(|k| k.name()).collect();
    assert_eq!(names.len(), StackKind::ALL.len());
    for (_, units) in zones() {
        for stack in &units.stacks {
            assert!(StackKind::ALL.contains(&stack.kind), "{:?}", stack.kind);
        }
        for root in &units.terraform_roots {
            assert!(ROOT_KINDS.contains(&root.kind.as_str()), "{}", root.kind);
        }
    }
}

/// A syntax error deep in a long blueprint is reported at its own line of
/// the blueprint as written, not at a line of a piece.
#[test]
fn a_broken_blueprint_is_named_with_its_line() {
    let mut blueprints = Blueprints::embedded();
    let readme = blueprints.files.get_mut("README.md.hbs").expect("README");
    let mut lines: Vec<&str> = readme.lines().collect();
    assert!(lines.len() > 200);
    lines.insert(199, "{{#if lz.organization.name}");
    *readme = lines.join("\n") + "\n";
    let (zone, units) = zones().remove(0);
    let err = blueprints.render(&zone, &units).expect_err("broken");
    let message = err.to_string();
    assert!(message.contains("README.md.hbs"), "{message}");
    assert!(!message.contains("piece"), "{message}");
    assert!(message.contains(":200:"), "{message}");
}

/// A manual approval's message names the accounts while it stays short,
/// and counts the rest: a CodePipeline configuration value is at most
/// 1,000 characters (the 200-account example's production stage has 98).
#[test]
fn an_approval_message_stays_within_its_quota() {
    use super::context::{APPROVAL_MESSAGE_CHARS, approval_message};
    let two = vec!["dev".to_string(), "prod".to_string()];
    assert_eq!(
        approval_message("app", &two),
        "Approve the release of app to dev, prod."
    );
    let many: Vec<String> = (1..=98).map(|i| format!("team{i:02}-prod")).collect();
    let message = approval_message("storefront", &many);
    assert!(
        message.chars().count() <= APPROVAL_MESSAGE_CHARS,
        "{message}"
    );
    assert!(
        message.starts_with(
            "Approve the release of storefront to 98 accounts: team01-prod, team02-prod"
        ),
        "{message}"
    );
    let named = message.matches("-prod").count();
    let more: usize = message
        .rsplit("and ")
        .next()
        .and_then(|tail| tail.strip_suffix(" more."))
        .and_then(|n| n.parse().ok())
        .expect("a count of the rest");
    assert_eq!(named + more, 98, "{message}");
    // Even a name too long to list leaves a message within the limit.
    let long = vec!["x".repeat(600), "y".to_string()];
    assert!(approval_message("app", &long).chars().count() <= APPROVAL_MESSAGE_CHARS);
}

/// Line and column mapping, which a frozen template does not keep, taken
/// out of a compiled one at every depth.
fn without_mapping(template: &mut handlebars::Template) {
    use handlebars::template::{Parameter, TemplateElement as E};
    fn param(p: &mut Parameter) {
        if let Parameter::Subexpression(sub) = p {
            element(&mut sub.element);
        }
    }
    fn element(e: &mut E) {
        match e {
            E::HtmlExpression(h) | E::Expression(h) | E::HelperBlock(h) => {
                param(&mut h.name);
                h.params.iter_mut().for_each(param);
                h.hash.values_mut().for_each(param);
                h.template.iter_mut().for_each(without_mapping);
                h.inverse.iter_mut().for_each(without_mapping);
            }
            E::DecoratorExpression(d)
            | E::DecoratorBlock(d)
            | E::PartialExpression(d)
            | E::PartialBlock(d) => {
                param(&mut d.name);
                d.params.iter_mut().for_each(param);
                d.hash.values_mut().for_each(param);
                d.template.iter_mut().for_each(without_mapping);
            }
            _ => {}
        }
    }
    template.mapping.clear();
    template.elements.iter_mut().for_each(element);
}

#[test]
fn every_frozen_blueprint_thaws_to_what_handlebars_compiles() {
    let blueprints = Blueprints::embedded();
    let mut thawed = 0;
    for (name, text) in &blueprints.files {
        let Some(stem) = name.strip_suffix(SUFFIX) else {
            continue;
        };
        let texts: Vec<&str> = if stem.starts_with(PARTIALS) {
            vec![text.as_str()]
        } else {
            pieces::pieces(text, pieces::PIECE_BYTES)
        };
        for (n, piece) in texts.into_iter().enumerate() {
            let (_, data) = engine::frozen_data(piece)
                .unwrap_or_else(|| panic!("{name} piece {n}: build.rs froze no template"));
            let frozen = frozen::decode(data).expect("frozen data reads back");
            let from_data = frozen::Thaw::default()
                .template(frozen)
                .unwrap_or_else(|e| panic!("{name} piece {n}: {e}"));
            let mut compiled = handlebars::Template::compile(piece).expect("compiles");
            without_mapping(&mut compiled);
            assert_eq!(from_data, compiled, "{name} piece {n}");
            // Its bytes read back as they were written.
            let refrozen = frozen::freeze(&compiled).expect("freezes");
            assert_eq!(
                frozen::encode(&refrozen).and_then(|bytes| frozen::decode(&bytes)),
                Ok(refrozen),
                "{name} piece {n}"
            );
            // And it goes through freezing unchanged.
            assert_eq!(
                frozen::freeze(&compiled).map(|f| frozen::Thaw::default().template(f)),
                Ok(Ok(compiled.clone())),
                "{name} piece {n}"
            );
            thawed += 1;
        }
    }
    assert!(thawed > 150, "only {thawed} frozen templates were compared");
}

#[test]
fn the_builds_reading_of_each_blueprint_is_the_one_made_now() {
    let blueprints = Blueprints::embedded();
    let mut compared = 0;
    for (name, text) in &blueprints.files {
        if name.ends_with(SUFFIX) {
            assert_eq!(
                engine::built_scan(name, text.len()),
                Some(scan::scan(text)),
                "{name}"
            );
            compared += 1;
        }
    }
    assert!(compared > 100, "only {compared} blueprints were compared");
    // A text of another length (a user's edit) is read again.
    let (name, text) = blueprints
        .files
        .iter()
        .find(|(name, _)| name.ends_with(SUFFIX))
        .expect("a blueprint");
    assert_eq!(engine::built_scan(name, text.len() + 1), None);
}

#[test]
fn a_text_build_rs_did_not_see_is_not_found_frozen() {
    let blueprints = Blueprints::embedded();
    let text = blueprints
        .files
        .get("partials/network.hbs")
        .expect("the network partial");
    assert!(engine::frozen_data(text).is_some());
    let edited = format!("{text}# a user's line\n");
    assert!(engine::frozen_data(&edited).is_none());
}
