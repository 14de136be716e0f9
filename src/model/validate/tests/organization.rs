//! The organization, its regions and its OU tree.

use super::*;

#[test]
fn regions_are_real_codes_with_a_suggestion() {
    let mut a = standard();
    org(&mut a).home_region = Some("us-east-11".into());
    org(&mut a).regions = Some(vec!["us-east-11".into()]);
    let p = problems(&a);
    assert_eq!(
        p,
        [
            "organization.home_region: expected an AWS region code such as us-east-1, found `us-east-11` (did you mean `us-east-1`?)",
            "organization.regions[0]: expected an AWS region code such as us-east-1, found `us-east-11` (did you mean `us-east-1`?)",
        ]
    );
}

#[test]
fn regions_stay_in_one_partition() {
    let mut a = standard();
    org(&mut a).regions = Some(vec!["us-east-1".into(), "cn-north-1".into()]);
    assert_eq!(
        only(&a),
        "organization.regions: expected regions of one partition, found `us-east-1` in aws and `cn-north-1` in aws-cn"
    );
}

#[test]
fn regions_contain_the_home_region_once() {
    let mut a = standard();
    org(&mut a).regions = Some(vec!["eu-west-1".into()]);
    assert_eq!(
        only(&a),
        "organization.regions: expected the list to contain the home region `us-east-1`, found [eu-west-1] (add the home region to organization.regions)"
    );
    let mut a = standard();
    org(&mut a).regions = Some(vec!["us-east-1".into(), "us-east-1".into()]);
    assert_eq!(
        only(&a),
        "organization.regions[1]: expected each region once, found `us-east-1` again"
    );
}

#[test]
fn regions_default_to_the_home_region() {
    let mut a = standard();
    org(&mut a).regions = None;
    org(&mut a).home_region = Some("eu-central-1".into());
    let (zone, _) = zone(&a);
    assert_eq!(zone.organization.regions, ["eu-central-1"]);
}

#[test]
fn govcloud_uses_its_own_organizations_region() {
    let mut a = standard();
    org(&mut a).home_region = Some("us-gov-east-1".into());
    org(&mut a).regions = None;
    let (zone, _) = zone(&a);
    assert_eq!(zone.organization.partition, "aws-us-gov");
    assert_eq!(zone.organization.organizations_region, "us-gov-west-1");
}

#[test]
fn ou_names_have_no_slash_or_control_characters() {
    for name in ["R/D", "", &"x".repeat(129)] {
        let mut a = standard();
        a.organizational_units.as_mut().expect("ous")[0].name = Some(name.to_string());
        let p = problems(&a);
        assert!(
            p.contains(&format!(
                "organizational_units[0].name: expected 1 to 128 characters without control characters or `/` (the path separator), found {name:?}"
            )),
            "{p:#?}"
        );
    }
}

#[test]
fn ou_names_are_unique_among_siblings() {
    let mut a = standard();
    let ous = a.organizational_units.as_mut().expect("ous");
    ous[2].children[1].name = Some("NonProd".into());
    assert_eq!(
        only(&a),
        "organizational_units[2].children[1].name: expected OU names unique under `Workloads`, found `NonProd` twice"
    );
}

#[test]
fn every_ou_names_a_path_in_the_tree() {
    let mut a = standard();
    accounts(&mut a)[5].ou = Some("Workloads/Prd".into());
    assert_eq!(
        only(&a),
        "accounts[5].ou: expected an OU path from organizational_units (Security, Deployment, Workloads, Workloads/NonProd, Workloads/Prod), found `Workloads/Prd` (did you mean `Workloads/Prod`?)"
    );
}

#[test]
fn awkward_ou_names_are_accepted_and_get_clean_ids() {
    let mut a = standard();
    a.organizational_units.as_mut().expect("ous")[0].name = Some("R&D: Sandbox \"lab\"".into());
    accounts(&mut a)[0].ou = Some("R&D: Sandbox \"lab\"".into());
    accounts(&mut a)[1].ou = Some("R&D: Sandbox \"lab\"".into());
    let (zone, _) = zone(&a);
    assert_eq!(zone.ous[0].logical_id, "OuRDSandboxLab");
}

#[test]
fn management_is_not_an_account_name() {
    let mut a = standard();
    accounts(&mut a)[4].name = Some("management".into());
    let found = problems(&a);
    assert!(
        found
            .iter()
            .any(|p| p.starts_with("accounts[4].name: expected a name other than `management`")),
        "{found:#?}"
    );
}
