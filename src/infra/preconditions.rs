//! What AWS requires before a resource can be created, as data with the page
//! each requirement comes from. The deploy scripts meet the organization-level
//! ones (trusted access, delegated administrators) right before the first
//! unit that needs them; the template-level ones are met inside the
//! templates. The tests check every rendered repo against this table.

/// What must be true before a resource of the row's type can be created.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Requirement {
    /// `aws organizations enable-aws-service-access --service-principal P`.
    TrustedAccess(&'static str),
    /// `aws organizations register-delegated-administrator --service-principal P`
    /// for the account that holds the resource, when it is not the
    /// management account.
    DelegatedAdministrator(&'static str),
    /// Every resource of this type waits for the one before it in the same
    /// template (`DependsOn`): the service refuses concurrent creations.
    OneAtATime,
    /// The resource waits, in the same template, for a resource of this type.
    After(&'static str),
    /// The unit holding the resource comes after the unit that exports this
    /// value (and with it the policies that admit the resource's service).
    AfterUnitExporting(&'static str),
}

/// One row: a resource type (with the property that makes the requirement
/// apply, if any), what it requires, and where AWS says so.
#[derive(Debug, Clone, Copy)]
pub struct Precondition {
    pub resource_type: &'static str,
    /// The requirement applies only when this property has this value
    /// (`"*"`: when the property is present at all).
    pub when: Option<(&'static str, &'static str)>,
    /// The same resource in the Terraform flavour, with the attribute and
    /// value that make the requirement apply, if any. Template-level rows
    /// (`OneAtATime`, `After`) have Terraform counterparts checked by their
    /// own tests; `None` here.
    pub terraform: Option<(&'static str, Option<(&'static str, &'static str)>)>,
    pub requirement: Requirement,
    pub source: &'static str,
}

pub const PRECONDITIONS: &[Precondition] = &[
    // CreateTrail with IsOrganizationTrail fails with
    // CloudTrailAccessNotEnabledException until trusted access is on.
    Precondition {
        resource_type: "AWS::CloudTrail::Trail",
        when: Some(("IsOrganizationTrail", "true")),
        terraform: Some(("aws_cloudtrail", Some(("is_organization_trail", "true")))),
        requirement: Requirement::TrustedAccess("cloudtrail.amazonaws.com"),
        source: "https://docs.aws.amazon.com/organizations/latest/userguide/services-that-can-integrate-cloudtrail.html",
    },
    // An organization aggregator in a member account needs trusted access
    // for Config and that account registered as Config's administrator.
    Precondition {
        resource_type: "AWS::Config::ConfigurationAggregator",
        when: Some(("OrganizationAggregationSource", "*")),
        terraform: Some((
            "aws_config_configuration_aggregator",
            Some(("organization_aggregation_source", "*")),
        )),
        requirement: Requirement::TrustedAccess("config.amazonaws.com"),
        source: "https://docs.aws.amazon.com/config/latest/developerguide/aggregated-register-delegated-administrator.html",
    },
    Precondition {
        resource_type: "AWS::Config::ConfigurationAggregator",
        when: Some(("OrganizationAggregationSource", "*")),
        terraform: Some((
            "aws_config_configuration_aggregator",
            Some(("organization_aggregation_source", "*")),
        )),
        requirement: Requirement::DelegatedAdministrator("config.amazonaws.com"),
        source: "https://docs.aws.amazon.com/config/latest/developerguide/aggregated-register-delegated-administrator.html",
    },
    // An analyzer whose zone of trust is the organization, created in a
    // member account, needs trusted access and a delegated administrator.
    Precondition {
        resource_type: "AWS::AccessAnalyzer::Analyzer",
        when: Some(("Type", "ORGANIZATION")),
        terraform: Some((
            "aws_accessanalyzer_analyzer",
            Some(("type", "\"ORGANIZATION\"")),
        )),
        requirement: Requirement::TrustedAccess("access-analyzer.amazonaws.com"),
        source: "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-settings.html",
    },
    Precondition {
        resource_type: "AWS::AccessAnalyzer::Analyzer",
        when: Some(("Type", "ORGANIZATION")),
        terraform: Some((
            "aws_accessanalyzer_analyzer",
            Some(("type", "\"ORGANIZATION\"")),
        )),
        requirement: Requirement::DelegatedAdministrator("access-analyzer.amazonaws.com"),
        source: "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-settings.html",
    },
    // The security account's detector is what the organization's GuardDuty
    // is administered from; administering it needs trusted access.
    Precondition {
        resource_type: "AWS::GuardDuty::Detector",
        when: None,
        terraform: Some(("aws_guardduty_detector", None)),
        requirement: Requirement::TrustedAccess("guardduty.amazonaws.com"),
        source: "https://docs.aws.amazon.com/organizations/latest/userguide/services-that-can-integrate-guardduty.html",
    },
    Precondition {
        resource_type: "AWS::SecurityHub::Hub",
        when: None,
        terraform: Some(("aws_securityhub_account", None)),
        requirement: Requirement::TrustedAccess("securityhub.amazonaws.com"),
        source: "https://docs.aws.amazon.com/organizations/latest/userguide/services-that-can-integrate-securityhub.html",
    },
    // "If you include multiple accounts in a single template, you must use
    // the DependsOn attribute on each account resource type so that the
    // accounts are created sequentially."
    Precondition {
        resource_type: "AWS::Organizations::Account",
        when: None,
        terraform: None,
        requirement: Requirement::OneAtATime,
        source: "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-organizations-account.html",
    },
    // GuardDuty checks, when a publishing destination is created, that the
    // bucket's policy and the key's policy let it write: the log-archive
    // stack, which holds both, comes first.
    Precondition {
        resource_type: "AWS::GuardDuty::PublishingDestination",
        when: None,
        terraform: None,
        requirement: Requirement::AfterUnitExporting("LOG_ARCHIVE_BUCKET"),
        source: "https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_exportfindings.html",
    },
    // A delivery channel needs a configuration recorder; so does a rule.
    Precondition {
        resource_type: "AWS::Config::DeliveryChannel",
        when: None,
        terraform: None,
        requirement: Requirement::After("AWS::Config::ConfigurationRecorder"),
        source: "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-config-deliverychannel.html",
    },
    Precondition {
        resource_type: "AWS::Config::ConfigRule",
        when: None,
        terraform: None,
        requirement: Requirement::After("AWS::Config::ConfigurationRecorder"),
        source: "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-config-configrule.html",
    },
];

/// The service a principal stands for, in the words people use.
pub fn service_name(principal: &str) -> &'static str {
    match principal {
        "cloudtrail.amazonaws.com" => "CloudTrail",
        "config.amazonaws.com" => "AWS Config",
        "access-analyzer.amazonaws.com" => "IAM Access Analyzer",
        "guardduty.amazonaws.com" => "GuardDuty",
        "securityhub.amazonaws.com" => "Security Hub",
        _ => "the service",
    }
}
