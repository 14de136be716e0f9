//! What the blueprints see: the landing zone as the model describes it,
//! joined with how it is deployed (`infra::Units`: stacks, Terraform roots,
//! parameter names, placeholders). The model holds no file layout; these
//! views add it back for the templates, one reference each, no copies.

use crate::infra::{AccountIds, ArtifactStore, Placeholder, Stack, TerraformRoot, Units};
use crate::model::{
    Account, Build, Deploy, DeployAction, GuardrailQuotas, LandingZone, Logging, Names,
    Notifications, Organization, OrganizationalUnit, Pipeline, RoleHolders, Rollback, Security,
    ServiceControlPolicy, Source, Terraform,
};
use serde::Serialize;

/// An account with its identifiers in the generated files.
#[derive(Debug, Clone, Copy, Serialize)]
pub(super) struct AccountView<'a> {
    #[serde(flatten)]
    pub account: &'a Account,
    #[serde(flatten)]
    pub ids: &'a AccountIds,
}

/// A guardrail with the file its document is written to.
#[derive(Debug, Clone, Serialize)]
pub(super) struct ScpView<'a> {
    #[serde(flatten)]
    pub scp: &'a ServiceControlPolicy,
    pub file: String,
}

impl<'a> ScpView<'a> {
    pub fn new(scp: &'a ServiceControlPolicy) -> ScpView<'a> {
        ScpView {
            scp,
            file: crate::infra::layout::scp_file(&scp.kind),
        }
    }
}

/// The landing zone as the blueprints read it under `lz`.
#[derive(Debug, Serialize)]
pub(super) struct ZoneView<'a> {
    #[serde(skip)]
    pub zone: &'a LandingZone,
    pub organization: &'a Organization,
    pub ous: &'a [OrganizationalUnit],
    pub accounts: Vec<AccountView<'a>>,
    pub adopted_accounts: &'a [String],
    pub holders: &'a RoleHolders,
    pub pipeline: PipelineView<'a>,
    pub guardrails: Vec<ScpView<'a>>,
    pub prod_change_roles: &'a [String],
    pub guardrail_quotas: &'a GuardrailQuotas,
    pub security: &'a Security,
    pub logging: &'a Logging,
    pub notifications: &'a Notifications,
    pub terraform: &'a Terraform,
    pub names: &'a Names,
    pub artifact_stores: &'a [ArtifactStore],
    pub stacks: &'a [Stack],
    /// The templates deployed from a template bucket (over the inline size).
    pub templates_by_url: Vec<&'a str>,
    pub placeholders: &'a [Placeholder],
    pub terraform_roots: &'a [TerraformRoot],
    /// The account nodes of the README's organization diagram.
    pub diagram_accounts: Vec<DiagramAccount>,
}

/// How many accounts of one OU the README's diagram draws before it draws
/// the rest as one node. GitHub renders a Mermaid diagram of at most 50,000
/// characters (Mermaid's `maxTextSize`; past it the reader sees an error),
/// which a node per account passed at about 750 accounts; the table below
/// the diagram lists every account.
pub(super) const DIAGRAM_ACCOUNTS_PER_OU: usize = 8;

/// One node of the organization diagram under an OU: an account, or the
/// accounts of a crowded OU past the first few.
#[derive(Debug, Serialize)]
pub(super) struct DiagramAccount {
    /// The node's Mermaid ID, made of logical IDs: letters and digits.
    pub node_id: String,
    pub label: String,
    pub ou_logical_id: String,
}

fn diagram_accounts(lz: &LandingZone) -> Vec<DiagramAccount> {
    let mut by_ou: std::collections::BTreeMap<&str, Vec<&Account>> = Default::default();
    for account in &lz.accounts {
        by_ou
            .entry(&account.ou_logical_id)
            .or_default()
            .push(account);
    }
    let mut nodes = Vec::new();
    for ou in &lz.ous {
        let inside = by_ou.remove(ou.logical_id.as_str()).unwrap_or_default();
        let shown = if inside.len() > DIAGRAM_ACCOUNTS_PER_OU {
            DIAGRAM_ACCOUNTS_PER_OU - 1
        } else {
            inside.len()
        };
        for account in &inside[..shown] {
            nodes.push(DiagramAccount {
                node_id: format!("{}Account", account.logical_id),
                label: format!(
                    "{} ({})",
                    account.name,
                    account
                        .roles
                        .iter()
                        .map(|r| r.name())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                ou_logical_id: ou.logical_id.clone(),
            });
        }
        if let [first, .., last] = &inside[shown..] {
            nodes.push(DiagramAccount {
                // An account's node ends in "Account", so this is no account's.
                node_id: format!("{}MoreAccounts", ou.logical_id),
                label: format!(
                    "{} more accounts: {} … {} (the table below lists each)",
                    inside.len() - shown,
                    first.name,
                    last.name
                ),
                ou_logical_id: ou.logical_id.clone(),
            });
        }
    }
    nodes
}

#[derive(Debug, Serialize)]
pub(super) struct PipelineView<'a> {
    pub application: &'a str,
    pub source: &'a Source,
    pub build: &'a Build,
    pub deploy: &'a Deploy,
    pub rollback: &'a Rollback,
    pub stages: Vec<StageView<'a>>,
    pub stage_count: usize,
}

#[derive(Debug, Serialize)]
pub(super) struct StageView<'a> {
    pub name: &'a str,
    pub accounts: &'a [String],
    pub approval: bool,
    /// What the manual approval before the stage asks (its `CustomData`).
    pub approval_message: String,
    pub waves: Vec<WaveView<'a>>,
}

/// The most an approval's message says: a CodePipeline action's
/// configuration value may be 1,000 characters (`crate::quotas`); 160 keeps
/// it on one line of the template within the repo's yamllint line length
/// (200), and a person reads the accounts of the stage in the console.
pub(super) const APPROVAL_MESSAGE_CHARS: usize = 160;
const _: () = assert!(APPROVAL_MESSAGE_CHARS <= crate::quotas::ACTION_CONFIGURATION_VALUE.value);

/// "Approve the release of <app> to <accounts>.", naming as many accounts
/// as fit in `APPROVAL_MESSAGE_CHARS` and counting the rest.
pub(super) fn approval_message(application: &str, accounts: &[String]) -> String {
    let all = format!(
        "Approve the release of {application} to {}.",
        accounts.join(", ")
    );
    if all.chars().count() <= APPROVAL_MESSAGE_CHARS {
        return all;
    }
    let head = format!(
        "Approve the release of {application} to {} accounts: ",
        accounts.len()
    );
    let mut named = Vec::new();
    for account in accounts {
        named.push(account.as_str());
        let more = accounts.len() - named.len();
        let text = format!("{head}{}, and {more} more.", named.join(", "));
        if text.chars().count() > APPROVAL_MESSAGE_CHARS {
            named.pop();
            break;
        }
    }
    let more = accounts.len() - named.len();
    if named.is_empty() {
        return format!("{head}{more} of them.")
            .chars()
            .take(APPROVAL_MESSAGE_CHARS)
            .collect();
    }
    format!("{head}{}, and {more} more.", named.join(", "))
}

#[derive(Debug, Serialize)]
pub(super) struct WaveView<'a> {
    pub name: &'a str,
    pub actions: Vec<ActionView<'a>>,
}

/// A deploy action with the file and the identifiers it uses.
#[derive(Debug, Serialize)]
pub(super) struct ActionView<'a> {
    #[serde(flatten)]
    pub action: &'a DeployAction,
    /// The task definition the build writes for this target: `taskdef-dev-us-east-1.json`.
    pub taskdef: String,
    /// The template parameter with the target account's ID.
    pub id_parameter: &'a str,
    /// The environment variable with the target account's ID in the build.
    pub id_env: &'a str,
    /// Where the pipeline's template reads the account's ID when the IDs
    /// come in lists (`PipelineAccountIds…`): a CloudFormation expression
    /// lzgen writes, `!Select [3, !Split [",", !Ref PipelineAccountIds]]`.
    pub id_select: Option<String>,
}

/// An account the pipeline deploys to, with where the pipeline's template
/// reads its ID from a list (`ActionView::id_select`), if it does.
#[derive(Debug, Clone, Serialize)]
pub(super) struct PipelineTargetView<'a> {
    #[serde(flatten)]
    pub account: AccountView<'a>,
    pub id_select: Option<String>,
}

/// For each account the pipeline deploys to, in `pipeline_accounts` order,
/// where the pipeline's template reads its ID: nothing while each has a
/// parameter of its own, else its place in the tooling stack's lists.
pub(super) fn pipeline_id_selects(
    lz: &LandingZone,
    units: &Units,
) -> Vec<(String, Option<String>)> {
    let lists: &[String] = units
        .stacks
        .iter()
        .find(|s| s.kind == crate::infra::StackKind::Tooling)
        .map_or(&[], |s| s.account_lists.as_slice());
    lz.pipeline_accounts()
        .into_iter()
        .enumerate()
        .map(|(i, name)| {
            let select = lists
                .get(i / crate::infra::stacks::ACCOUNTS_PER_LIST)
                .map(|key| {
                    format!(
                        "!Select [{}, !Split [\",\", !Ref {key}]]",
                        i % crate::infra::stacks::ACCOUNTS_PER_LIST
                    )
                });
            (name, select)
        })
        .collect()
}

impl<'a> ZoneView<'a> {
    pub fn new(lz: &'a LandingZone, units: &'a Units) -> ZoneView<'a> {
        let accounts: Vec<AccountView<'a>> = lz
            .accounts
            .iter()
            .zip(&units.account_ids)
            .map(|(account, ids)| AccountView { account, ids })
            .collect();
        let ids_of = |name: &str| lz.position(name).and_then(|i| units.account_ids.get(i));
        let selects: std::collections::BTreeMap<String, Option<String>> =
            pipeline_id_selects(lz, units).into_iter().collect();
        let select_of = |name: &str| selects.get(name).cloned().flatten();
        let p: &'a Pipeline = &lz.pipeline;
        let stages = p
            .stages
            .iter()
            .map(|stage| StageView {
                name: &stage.name,
                accounts: &stage.accounts,
                approval: stage.approval,
                approval_message: approval_message(&p.application, &stage.accounts),
                waves: stage
                    .waves
                    .iter()
                    .map(|wave| WaveView {
                        name: &wave.name,
                        actions: wave
                            .actions
                            .iter()
                            .map(|action| {
                                let ids = ids_of(&action.account);
                                ActionView {
                                    action,
                                    taskdef: format!(
                                        "taskdef-{}-{}.json",
                                        action.account, action.region
                                    ),
                                    id_parameter: ids.map_or("", |i| i.id_parameter.as_str()),
                                    id_env: ids.map_or("", |i| i.id_env.as_str()),
                                    id_select: select_of(&action.account),
                                }
                            })
                            .collect(),
                    })
                    .collect(),
            })
            .collect();
        ZoneView {
            zone: lz,
            organization: &lz.organization,
            ous: &lz.ous,
            accounts,
            adopted_accounts: &lz.adopted_accounts,
            holders: &lz.holders,
            pipeline: PipelineView {
                application: &p.application,
                source: &p.source,
                build: &p.build,
                deploy: &p.deploy,
                rollback: &p.rollback,
                stages,
                stage_count: p.stage_count,
            },
            guardrails: lz.guardrails.iter().map(ScpView::new).collect(),
            prod_change_roles: &lz.prod_change_roles,
            guardrail_quotas: &lz.guardrail_quotas,
            security: &lz.security,
            logging: &lz.logging,
            notifications: &lz.notifications,
            terraform: &lz.terraform,
            names: &lz.names,
            artifact_stores: &units.artifact_stores,
            stacks: &units.stacks,
            templates_by_url: units
                .stacks
                .iter()
                .filter(|s| s.by_url.is_some())
                .map(|s| s.template.as_str())
                .collect::<std::collections::BTreeSet<_>>()
                .into_iter()
                .collect(),
            placeholders: &units.placeholders,
            terraform_roots: &units.terraform_roots,
            diagram_accounts: diagram_accounts(lz),
        }
    }

    /// The named account with its identifiers.
    pub fn account(&self, name: &str) -> Option<AccountView<'a>> {
        self.zone
            .position(name)
            .and_then(|i| self.accounts.get(i).copied())
    }
}

/// What every blueprint sees. `lz` is the whole landing zone; the others are
/// shortcuts into it, and `stack`/`scp` are set for entries rendered per item.
#[derive(Debug, Serialize)]
pub(super) struct Context<'a> {
    pub lzgen_version: &'static str,
    /// The policies built as data, written for each flavour: `{{indent
    /// policies.log_key.cfn 10}}` places one at its indentation.
    pub policies: &'a std::collections::BTreeMap<&'static str, super::policy::RenderedPolicy>,
    pub lz: &'a ZoneView<'a>,
    pub tooling: AccountView<'a>,
    pub artifact: AccountView<'a>,
    pub log_archive: AccountView<'a>,
    /// The account that holds the security services: the `security` account,
    /// or the log-archive account when no account has that role.
    pub security: AccountView<'a>,
    pub workloads: Vec<AccountView<'a>>,
    /// The accounts the pipeline deploys to, in the order it reaches them:
    /// all the pipeline's templates need of the workload accounts.
    pub pipeline_targets: Vec<PipelineTargetView<'a>>,
    /// The artifact store in the home region.
    pub home_store: &'a ArtifactStore,
    /// The stacks in the order they are torn down.
    pub reversed_stacks: Vec<&'a Stack>,
    /// The arrows of the README's pipeline diagram, between the node IDs the
    /// blueprint draws: `source`, `build`, `approve<stage>`, `stage<stage>w<wave>`.
    pub pipeline_edges: Vec<Edge>,
    /// How the chosen strategy moves traffic, in one sentence.
    pub strategy_sentence: &'a str,
    // Set per item by `engine::ITEM_KEYS`: `stack` (for `each: stack`),
    // `scp` (`each: scp`), `root` (`each: root`), and for a workload
    // account's stacks or roots, `account` and its `vpc` in the stack's
    // region; null elsewhere.
}

#[derive(Debug, Clone, Serialize)]
pub(super) struct Edge {
    from: String,
    to: String,
}

pub(super) fn pipeline_edges(lz: &LandingZone) -> Vec<Edge> {
    let mut nodes = vec!["source".to_string(), "build".to_string()];
    for (i, stage) in lz.pipeline.stages.iter().enumerate() {
        if stage.approval {
            nodes.push(format!("approve{i}"));
        }
        for w in 0..stage.waves.len() {
            nodes.push(format!("stage{i}w{w}"));
        }
    }
    nodes
        .windows(2)
        .map(|pair| Edge {
            from: pair[0].clone(),
            to: pair[1].clone(),
        })
        .collect()
}
