//! Going back to one answer from the summary (`wizard::review`).

use super::*;

#[test]
fn going_back_to_one_answer_asks_from_it_to_the_end_of_its_group_only() {
    let mut wizard = Wizard::new(standard());
    let mut first = ScriptedPrompter::new(defaults_except(&[(
        "organization.name",
        Reply::Text("globex".into()),
    )]));
    let asked = wizard.ask(&mut first, None).expect("first run");
    let questions = changeable(&asked);
    let keys: Vec<&str> = questions.iter().map(|a| a.key.as_str()).collect();
    assert!(keys.contains(&"pipeline.deploy.compute"), "{keys:?}");
    assert!(
        !keys.contains(&"layout.action"),
        "menus are steps, not answers"
    );

    let mut again = ScriptedPrompter::new([
        ("pipeline.deploy.compute", Reply::Pick("Lambda".into())),
        ("pipeline.deploy.strategy", Reply::Default),
        ("pipeline.deploy.health_check_path", Reply::Default),
        ("pipeline.rollback.http_5xx_percent", Reply::Default),
        ("pipeline.rollback.latency_ms", Reply::Default),
    ]);
    let asked = wizard
        .ask(&mut again, Some("pipeline.deploy.compute"))
        .expect("second run");
    assert_eq!(
        again.asked,
        [
            "pipeline.deploy.compute",
            "pipeline.deploy.strategy",
            "pipeline.deploy.health_check_path",
            "pipeline.rollback.http_5xx_percent",
            "pipeline.rollback.latency_ms",
        ],
        "only the chosen question and the rest of its group"
    );
    assert!(again.unused().is_empty());
    let answers = wizard.answers();
    assert_eq!(
        answers
            .organization
            .as_ref()
            .and_then(|o| o.name.as_deref()),
        Some("globex"),
        "an earlier answer is kept"
    );
    let deploy = answers.pipeline.as_ref().and_then(|p| p.deploy.clone());
    let deploy = deploy.expect("deploy");
    assert_eq!(deploy.compute.as_deref(), Some("lambda"));
    assert_eq!(deploy.strategy.as_deref(), Some("all-at-once"));
    // Everything else is what the first run left, and the record of the
    // second run still lists every question.
    let mut expected = standard();
    expected.organization.as_mut().expect("org").name = Some("globex".into());
    expected.pipeline.as_mut().expect("p").source =
        answers.pipeline.as_ref().expect("p").source.clone();
    expected.pipeline.as_mut().expect("p").deploy = Some(deploy);
    assert_eq!(answers, &expected);
    let now: Vec<String> = changeable(&asked).into_iter().map(|a| a.key).collect();
    let expected: Vec<&str> = keys
        .iter()
        .copied()
        .filter(|k| *k != "pipeline.deploy.container_port")
        .collect();
    assert_eq!(now, expected, "a function has no port to ask about");
}

#[test]
fn a_kept_answer_that_no_longer_fits_is_asked_with_its_refusal() {
    let mut wizard = Wizard::new(standard());
    let mut first = ScriptedPrompter::new(defaults_except(&[
        ("pipeline.deploy.compute", Reply::Pick("Lambda".into())),
        ("pipeline.deploy.strategy", Reply::Default),
    ]));
    wizard.ask(&mut first, None).expect("first run");
    // go cannot run as a Lambda function in this version: the compute
    // question (in the next group) is asked again, with the reason.
    let mut again = ScriptedPrompter::new([
        ("pipeline.build.runtime", Reply::Pick("go".into())),
        ("pipeline.deploy.compute", Reply::Pick("ECS".into())),
        ("pipeline.deploy.strategy", Reply::Default),
        ("pipeline.deploy.container_port", Reply::Default),
        ("pipeline.deploy.health_check_path", Reply::Default),
        ("pipeline.rollback.http_5xx_percent", Reply::Default),
        ("pipeline.rollback.latency_ms", Reply::Default),
    ]);
    wizard
        .ask(&mut again, Some("pipeline.build.runtime"))
        .expect("second run");
    assert!(again.unused().is_empty(), "{:?}", again.unused());
    assert_eq!(again.refusals.len(), 1, "{:?}", again.refusals);
    assert!(again.refusals[0].contains("runs nodejs or python"));
    let deploy = wizard
        .answers()
        .pipeline
        .as_ref()
        .and_then(|p| p.deploy.clone());
    assert_eq!(deploy.expect("deploy").compute.as_deref(), Some("ecs"));
    assert!(model::build(wizard.answers()).is_ok());
}
