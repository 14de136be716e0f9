//! Accounts, their roles, emails, IDs and VPC blocks.

use super::*;

#[test]
fn account_ids_are_12_digit_strings_and_unique() {
    let mut a = standard();
    org(&mut a).management_account_id = Some("12345".into());
    assert_eq!(
        only(&a),
        "organization.management_account_id: expected a 12-digit account ID in quotes, such as \"012345678901\", found `12345`"
    );
    let mut a = standard();
    org(&mut a).management_account_id = Some("111111111111".into());
    accounts(&mut a)[5].id = Some("111111111111".into());
    assert_eq!(
        only(&a),
        "accounts[5].id: expected unique account IDs, found \"111111111111\" again (first at organization.management_account_id)"
    );
}

#[test]
fn account_names_and_emails_are_unique() {
    let mut a = standard();
    accounts(&mut a)[5].name = Some("dev".into());
    assert!(problems(&a).contains(&"accounts[5].name: expected unique account names, found `dev` again (first at accounts[4])".to_string()));
    let mut a = standard();
    accounts(&mut a)[5].email = Some("AWS+dev@example.com".into());
    assert_eq!(
        only(&a),
        "accounts[5].email: expected unique emails (AWS needs one root email per account), found `AWS+dev@example.com` again (first at accounts[4])"
    );
}

#[test]
fn new_accounts_need_a_valid_email() {
    let mut a = standard();
    accounts(&mut a)[4].email = None;
    assert_eq!(
        only(&a),
        "accounts[4].email: required for an account to be created, but not given (give the new account's root email, or `id` for an existing account)"
    );
    for (email, why) in [
        ("dev.example.com", "exactly one `@`"),
        ("a@b@c.example", "exactly one `@`"),
        (
            "dev@localhost",
            "a dotted domain after the `@`, such as acme.example",
        ),
        ("dev @acme.example", "no whitespace or control characters"),
        ("@acme.example", "a name before the `@`"),
    ] {
        let mut a = standard();
        accounts(&mut a)[4].email = Some(email.into());
        assert_eq!(
            only(&a),
            format!("accounts[4].email: expected an email address ({why}), found {email:?}")
        );
    }
    // An existing account needs no email.
    let mut a = standard();
    accounts(&mut a)[5].email = None;
    accounts(&mut a)[5].id = Some("222222222222".into());
    assert!(problems(&a).is_empty());
}

#[test]
fn central_roles_are_held_exactly_once() {
    let mut a = standard();
    accounts(&mut a)[2].roles = Some(vec!["workload".into()]);
    assert!(problems(&a).contains(
        &"accounts: expected exactly one account with the `tooling` role, found none".to_string()
    ));
    let mut a = standard();
    accounts(&mut a)[2].roles = Some(vec!["artifact".into()]);
    assert!(problems(&a).contains(&"accounts: expected exactly one account with the `artifact` role, found 2 (tooling, artifact)".to_string()));
    let mut a = standard();
    accounts(&mut a)[0].roles = Some(vec!["log-archive".into(), "security".into()]);
    assert!(problems(&a).contains(&"accounts: expected at most one account with the `security` role, found 2 (log-archive, security)".to_string()));
    let mut a = standard();
    accounts(&mut a).truncate(4);
    assert_eq!(
        only(&a),
        "accounts: expected at least one account with the `workload` role, found none"
    );
}

#[test]
fn several_roles_on_one_account_warn_but_pass() {
    let mut a = standard();
    accounts(&mut a)[2].roles = Some(vec!["tooling".into(), "artifact".into()]);
    accounts(&mut a).remove(3);
    let (_, warnings) = zone(&a);
    let w = warnings
        .iter()
        .find(|w| w.key == "accounts[2].roles")
        .expect("warning");
    assert_eq!(
        w.message,
        "`tooling` holds several roles (tooling, artifact); fine for a lab, but separate accounts keep duties and blast radius apart"
    );
}

#[test]
fn roles_are_from_the_list() {
    let mut a = standard();
    accounts(&mut a)[4].roles = Some(vec!["workloads".into()]);
    let p = problems(&a);
    assert!(p.contains(&"accounts[4].roles[0]: expected one of `log-archive`, `security`, `tooling`, `artifact`, `workload`, found `workloads` (did you mean `workload`?)".to_string()), "{p:#?}");
}

#[test]
fn cidrs_are_valid_16_to_24_blocks() {
    for (cidr, expected) in [
        ("10.10.0.0", "expected an IPv4 block such as 10.10.0.0/16, found \"10.10.0.0\"".to_string()),
        ("10.0.0.0/8", "expected a block from /16 to /24 (the sizes a VPC takes), found /8 in `10.0.0.0/8`".to_string()),
        ("10.10.1.0/16", "expected a network address with no host bits set, found `10.10.1.0/16` (did you mean `10.10.0.0/16`?)".to_string()),
    ] {
        let mut a = standard();
        accounts(&mut a)[4].cidr = Some(cidr.into());
        assert_eq!(only(&a), format!("accounts[4].cidr: {expected}"));
    }
}

#[test]
fn cidrs_never_overlap() {
    let mut a = standard();
    accounts(&mut a)[4].cidr = Some("10.10.0.0/16".into());
    accounts(&mut a)[5].cidr = Some("10.10.128.0/17".into());
    assert_eq!(
        only(&a),
        "accounts[5].cidr: expected a block that overlaps no other VPC, found 10.10.128.0/17, which overlaps accounts[4].cidr 10.10.0.0/16"
    );
}

#[test]
fn vpcs_are_allocated_around_given_blocks_in_a_stable_order() {
    let mut a = standard();
    org(&mut a).regions = Some(vec!["us-east-1".into(), "eu-west-1".into()]);
    accounts(&mut a)[5].cidr = Some("10.0.0.0/16".into());
    let (zone, _) = zone(&a);
    let blocks = |name: &str| -> Vec<String> {
        zone.account(name)
            .expect("account")
            .vpcs
            .iter()
            .map(|v| v.cidr.clone())
            .collect()
    };
    assert_eq!(blocks("dev"), ["10.1.0.0/16", "10.2.0.0/16"]);
    assert_eq!(blocks("prod"), ["10.0.0.0/16", "10.3.0.0/16"]);
    let dev = &zone.account("dev").expect("dev").vpcs[0];
    assert_eq!(dev.public_subnets, ["10.1.0.0/18", "10.1.64.0/18"]);
    assert_eq!(dev.private_subnets, ["10.1.128.0/18", "10.1.192.0/18"]);
    // The same answers always get the same blocks.
    let (again, _) = build(&a).expect("valid");
    assert_eq!(
        serde_json::to_string(&again.accounts).expect("json"),
        serde_json::to_string(&zone.accounts).expect("json")
    );
}

#[test]
fn example_addresses_are_named_in_one_warning() {
    let (_, warnings) = zone(&standard());
    let w = warnings
        .iter()
        .find(|w| w.key == "accounts")
        .expect("warning");
    assert!(w.message.starts_with("6 placeholder address(es) at example.com: accounts[0].email `aws+log-archive@example.com`"), "{}", w.message);
    let mut a = standard();
    for acc in accounts(&mut a) {
        acc.email = acc
            .email
            .as_ref()
            .map(|e| e.replace("example.com", "acme.example"));
    }
    let (_, warnings) = zone(&a);
    assert!(warnings.iter().all(|w| w.key != "accounts"));
}

/// Issue 13, defect 7: names Windows cannot check out, OUs deeper than AWS
/// allows and VPC blocks no VPC can route were accepted.
#[test]
fn windows_device_names_deep_ous_and_unroutable_blocks_are_refused() {
    for name in ["con", "nul", "aux", "prn", "com1", "lpt9"] {
        let mut a = standard();
        accounts(&mut a)[4].name = Some(name.into());
        let p = problems(&a);
        assert!(
            p.iter().any(|m| m.starts_with(&format!(
                "accounts[4].name: expected a name Windows can use as a folder, found `{name}`"
            ))),
            "{p:#?}"
        );
    }
    for fine in ["console", "com", "lpt", "com10x", "nully"] {
        let mut a = standard();
        accounts(&mut a)[4].name = Some(fine.into());
        assert!(
            !problems(&a).iter().any(|m| m.contains("Windows")),
            "{fine}"
        );
    }

    // Five levels below the root are fine; a sixth is refused.
    let chain = |levels: usize| {
        let mut ou = OuAnswer {
            name: Some(format!("L{levels}")),
            children: Vec::new(),
        };
        for level in (1..levels).rev() {
            ou = OuAnswer {
                name: Some(format!("L{level}")),
                children: vec![ou],
            };
        }
        ou
    };
    let mut a = standard();
    a.organizational_units.as_mut().expect("ous").push(chain(5));
    assert!(
        !problems(&a)
            .iter()
            .any(|m| m.contains("levels below the root"))
    );
    let mut a = standard();
    a.organizational_units.as_mut().expect("ous").push(chain(6));
    let p = problems(&a);
    assert!(
        p.contains(&
            "organizational_units[3].children[0].children[0].children[0].children[0].children[0].name: \
             expected OUs at most 5 levels below the root (AWS Organizations' limit), found `L6` at level 6"
                .to_string()
        ),
        "{p:#?}"
    );

    for (cidr, range) in [
        ("127.0.0.0/16", "127.0.0.0/8"),
        ("169.254.0.0/16", "169.254.0.0/16"),
        ("224.0.0.0/16", "224.0.0.0/4"),
    ] {
        let mut a = standard();
        accounts(&mut a)[4].cidr = Some(cidr.into());
        let p = problems(&a);
        assert!(
            p.iter().any(|m| m.starts_with(&format!(
                "accounts[4].cidr: expected a block a VPC can route, found {cidr}, inside {range}"
            ))),
            "{p:#?}"
        );
    }
}
