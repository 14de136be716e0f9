//! The pipeline: source, build, deploy strategy, rollback, and the stages
//! and waves it deploys in.

use super::*;

pub const RUNTIMES: &[&str] = &["nodejs", "python", "java", "go", "dotnet"];

pub const SCANS: &[&str] = &["secrets", "dependencies", "iac", "container"];

pub const CACHES: &[&str] = &["local", "s3", "none"];
/// `pipeline.deploy.traffic_percent`: the share each canary or linear step shifts.
pub const TRAFFIC_PERCENT: std::ops::RangeInclusive<u32> = 1..=99;
/// `pipeline.deploy.interval_minutes`: the wait between steps (CodeDeploy
/// takes up to two days).
pub const INTERVAL_MINUTES: std::ops::RangeInclusive<u32> = 1..=2880;
/// `pipeline.deploy.container_port`.
pub const CONTAINER_PORT: std::ops::RangeInclusive<u32> = 1..=65535;

pub(super) fn is_repo_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')
}

pub(super) fn is_owner_name(s: &str) -> bool {
    match s.split_once('/') {
        Some((owner, name)) => {
            !owner.is_empty()
                && !name.is_empty()
                && owner.chars().all(is_repo_char)
                && name.chars().all(is_repo_char)
                && owner
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_alphanumeric())
        }
        None => false,
    }
}

pub(super) fn is_codecommit_name(s: &str) -> bool {
    (1..=100).contains(&s.len()) && s.chars().all(is_repo_char)
}

pub(super) fn is_bucket_key(s: &str) -> bool {
    let Some((bucket, key)) = s.split_once('/') else {
        return false;
    };
    let bucket_ok = (3..=63).contains(&bucket.len())
        && bucket
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-')
        && bucket.as_bytes()[0].is_ascii_alphanumeric()
        && bucket.as_bytes()[bucket.len() - 1].is_ascii_alphanumeric();
    bucket_ok
        && !key.is_empty()
        && key.len() <= 1024
        && !key.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// Why `b` breaks git's branch-name rules, if it does.
pub(super) fn branch_problem(b: &str) -> Option<&'static str> {
    if b.is_empty() {
        return Some("not empty");
    }
    if b.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Some("no whitespace or control characters");
    }
    if b.chars().any(|c| "~^:?*[\\".contains(c)) {
        return Some("none of ~ ^ : ? * [ \\");
    }
    if b.contains("..") {
        return Some("no `..`");
    }
    if b.ends_with('/') || b.ends_with(".lock") {
        return Some("not ending in `/` or `.lock`");
    }
    if b.starts_with('/') || b.starts_with('-') || b.contains("//") || b.contains("@{") {
        return Some("not starting with `/` or `-`, no `//` or `@{`");
    }
    None
}

/// A CodePipeline stage name from its accounts: `Deploy-dev`,
/// `Deploy-dev-staging`; at most 100 characters.
pub(super) fn stage_name(accounts: &[String]) -> String {
    let full = format!("Deploy-{}", accounts.join("-"));
    if full.len() <= 100 {
        full
    } else {
        format!("Deploy-{}-and-{}-more", accounts[0], accounts.len() - 1)
    }
}

impl Validator {
    pub(super) fn pipeline(&mut self, a: &Answers) -> Option<Pipeline> {
        let Some(p) = &a.pipeline else {
            self.missing("pipeline");
            return None;
        };
        let application = self
            .required(&p.application, "pipeline.application")
            .cloned();
        if let Some(app) = &application
            && !is_name(app, 2, 30)
        {
            self.problem(
                "pipeline.application",
                format!("expected a lowercase name matching [a-z][a-z0-9-]{{1,29}} (2 to 30 characters, a letter first), found `{app}`"),
            );
        }
        let source = self.source(p.source.as_ref());
        let build = self.build(p.build.as_ref());
        let deploy = self.deploy(p.deploy.as_ref());
        let rollback = self.rollback(p.rollback.as_ref());
        Some(Pipeline {
            application: application.filter(|app| is_name(app, 2, 30))?,
            source: source?,
            build: build?,
            deploy: deploy?,
            rollback: rollback?,
            stages: Vec::new(),
            stage_count: 0,
        })
    }

    pub(super) fn source(&mut self, s: Option<&config::Source>) -> Option<Source> {
        let Some(s) = s else {
            self.missing("pipeline.source");
            return None;
        };
        let provider = self
            .choice(
                &s.provider,
                "pipeline.source.provider",
                SourceProvider::NAMES,
            )
            .map(|p| match p {
                "codecommit" => SourceProvider::Codecommit,
                "s3" => SourceProvider::S3,
                _ => SourceProvider::Codeconnections,
            });
        let repository = self
            .required(&s.repository, "pipeline.source.repository")
            .cloned();
        let branch = self.required(&s.branch, "pipeline.source.branch").cloned();
        if let (Some(provider), Some(repo)) = (provider, &repository) {
            let expected = match provider {
                SourceProvider::Codeconnections => (!is_owner_name(repo)).then_some(
                    "owner/name for codeconnections, such as acme/auth-service (letters, digits, `._-`)",
                ),
                SourceProvider::Codecommit => (!is_codecommit_name(repo))
                    .then_some("a CodeCommit repository name for codecommit: 1 to 100 of letters, digits, `._-`"),
                SourceProvider::S3 => (!is_bucket_key(repo)).then_some(
                    "bucket/key for s3, such as acme-sources/app.zip (a valid bucket name, then a key without whitespace)",
                ),
            };
            if let Some(expected) = expected {
                self.problem(
                    "pipeline.source.repository",
                    format!("expected {expected}, found {repo:?}"),
                );
            }
        }
        if let Some(b) = &branch
            && let Some(why) = branch_problem(b)
        {
            self.problem(
                "pipeline.source.branch",
                format!("expected a git branch name ({why}), found {b:?}"),
            );
        }
        let provider = provider?;
        let repository = repository?;
        let (bucket, object_key) = match repository.split_once('/') {
            Some((b, k)) if provider == SourceProvider::S3 => {
                (Some(b.to_string()), Some(k.to_string()))
            }
            _ => (None, None),
        };
        Some(Source {
            provider,
            repository,
            branch: branch?,
            bucket,
            object_key,
        })
    }

    pub(super) fn build(&mut self, b: Option<&config::Build>) -> Option<Build> {
        let Some(b) = b else {
            self.missing("pipeline.build");
            return None;
        };
        let runtime = self
            .choice(&b.runtime, "pipeline.build.runtime", RUNTIMES)
            .map(str::to_string);
        let cache = self
            .choice(&b.cache, "pipeline.build.cache", CACHES)
            .map(str::to_string);
        let scans = self
            .required(&b.security_scans, "pipeline.build.security_scans")
            .cloned();
        let mut ok = true;
        if let Some(list) = &scans {
            let mut seen = BTreeSet::new();
            for (i, scan) in list.iter().enumerate() {
                let key = format!("pipeline.build.security_scans[{i}]");
                if !SCANS.contains(&scan.as_str()) {
                    self.bad_choice(&key, scan, SCANS);
                    ok = false;
                } else if !seen.insert(scan) {
                    self.problem(
                        key,
                        format!("expected each scan once, found `{scan}` again"),
                    );
                    ok = false;
                }
            }
        }
        if !ok {
            return None;
        }
        Some(Build {
            runtime: runtime?,
            security_scans: scans?,
            cache: cache?,
        })
    }

    pub(super) fn deploy(&mut self, d: Option<&config::Deploy>) -> Option<Deploy> {
        let Some(d) = d else {
            self.missing("pipeline.deploy");
            return None;
        };
        let compute = self
            .choice(&d.compute, "pipeline.deploy.compute", Compute::NAMES)
            .and_then(Compute::parse);
        let strategy_text = self
            .required(&d.strategy, "pipeline.deploy.strategy")
            .cloned();
        let strategy = match (compute, &strategy_text) {
            (Some(compute), Some(s)) => {
                let valid = compute.strategies();
                if valid.contains(&s.as_str()) {
                    Strategy::parse(s)
                } else {
                    let compute_name = Compute::NAMES[compute as usize];
                    let mut problem = Problem::new(
                        "pipeline.deploy.strategy",
                        format!(
                            "expected a strategy for compute `{compute_name}`: {}, found `{s}`",
                            one_of(&valid)
                        ),
                    );
                    if let Some(close) = did_you_mean(s, valid.iter().copied()) {
                        problem = problem.with_hint(format!("did you mean `{close}`?"));
                    }
                    self.problems.push(problem);
                    None
                }
            }
            _ => None,
        };
        if let Some(strategy) = strategy {
            let shifts = strategy.shifts_traffic();
            let name = strategy_text.as_deref().unwrap_or_default();
            for (key, value, range) in [
                (
                    "pipeline.deploy.traffic_percent",
                    d.traffic_percent,
                    TRAFFIC_PERCENT,
                ),
                (
                    "pipeline.deploy.interval_minutes",
                    d.interval_minutes,
                    INTERVAL_MINUTES,
                ),
            ] {
                match (shifts, value) {
                    (true, None) => self.problem_hint(
                        key,
                        format!("required for the `{name}` strategy, but not given"),
                        format!("supply it with --set {key}=VALUE (from {} to {})", range.start(), range.end()),
                    ),
                    (true, Some(v)) if !range.contains(&v) => {
                        self.problem(key, format!("expected a whole number from {} to {}, found {v}", range.start(), range.end()))
                    }
                    (false, Some(v)) => self.problem_hint(
                        key,
                        format!("applies only to the canary and linear strategies, found {v} with `{name}`"),
                        format!("remove it, or --set {key}=null"),
                    ),
                    _ => {}
                }
            }
        }
        let container_port = match (compute, d.container_port) {
            (Some(Compute::Ecs | Compute::Ec2), None) => {
                self.missing("pipeline.deploy.container_port");
                None
            }
            (Some(Compute::Ecs | Compute::Ec2), Some(port)) => {
                if !CONTAINER_PORT.contains(&port) {
                    self.problem(
                        "pipeline.deploy.container_port",
                        format!(
                            "expected a port from {} to {}, found {port}",
                            CONTAINER_PORT.start(),
                            CONTAINER_PORT.end()
                        ),
                    );
                }
                Some(port)
            }
            (Some(Compute::Lambda), Some(port)) => {
                self.warnings.push(Warning::new(
                    "pipeline.deploy.container_port",
                    format!("a Lambda function has no container port; {port} is not used"),
                ));
                None
            }
            _ => None,
        };
        let path = self
            .required(&d.health_check_path, "pipeline.deploy.health_check_path")
            .cloned();
        if let Some(p) = &path
            && (!p.starts_with('/')
                || p.chars().count() > 1024
                || p.chars().any(|c| c.is_whitespace() || c.is_control()))
        {
            self.problem(
                "pipeline.deploy.health_check_path",
                format!("expected a path that starts with `/`, without whitespace or control characters, at most 1024 characters, found {p:?}"),
            );
        }
        let compute = compute?;
        let strategy = strategy?;
        Some(Deploy {
            compute,
            strategy,
            in_place: strategy.updates_in_place(),
            replaces_fleet: strategy.replaces_the_fleet(compute),
            traffic_percent: d.traffic_percent,
            interval_minutes: d.interval_minutes,
            container_port: if compute == Compute::Lambda {
                None
            } else {
                container_port
            },
            health_check_path: path?,
            test_listener_port: 9000,
            deployment_config: DeploymentConfig {
                name: String::new(),
                custom: false,
                traffic_routing: None,
                sentence: String::new(),
            },
        })
    }

    pub(super) fn rollback(&mut self, r: Option<&config::Rollback>) -> Option<Rollback> {
        let Some(r) = r else {
            self.missing("pipeline.rollback");
            return None;
        };
        let percent = self
            .required(&r.http_5xx_percent, "pipeline.rollback.http_5xx_percent")
            .copied();
        if let Some(p) = percent
            && !(p > 0.0 && p <= 100.0)
        {
            self.problem(
                "pipeline.rollback.http_5xx_percent",
                format!("expected a percentage above 0 and at most 100, found {p}"),
            );
        }
        let latency = self
            .required(&r.latency_ms, "pipeline.rollback.latency_ms")
            .copied();
        if latency == Some(0) {
            self.problem(
                "pipeline.rollback.latency_ms",
                "expected a number of milliseconds above 0, found 0",
            );
        }
        Some(Rollback {
            http_5xx_percent: percent?,
            latency_ms: latency?,
            alarms: Vec::new(),
            latency_seconds: f64::from(latency.unwrap_or(0)) / 1000.0,
        })
    }

    pub(super) fn stages(
        &mut self,
        a: &Answers,
        mut pipeline: Pipeline,
        accounts: &[Account],
        ous: &[OrganizationalUnit],
        regions: &[String],
    ) -> Option<Pipeline> {
        let given = a.pipeline.as_ref().and_then(|p| p.stages.clone());
        let groups: Vec<Vec<String>> = match &given {
            Some(list) => {
                if list.is_empty() {
                    self.problem(
                        "pipeline.stages",
                        "expected at least one stage, found an empty list",
                    );
                    return None;
                }
                let mut seen: BTreeMap<String, String> = BTreeMap::new();
                let workload_names: Vec<&str> = accounts
                    .iter()
                    .filter(|acc| acc.workload)
                    .map(|acc| acc.name.as_str())
                    .collect();
                let mut ok = true;
                for (i, entry) in list.iter().enumerate() {
                    let names = entry.accounts();
                    if names.is_empty() {
                        self.problem(
                            format!("pipeline.stages[{i}]"),
                            "expected an account or a list of accounts, found an empty list",
                        );
                        ok = false;
                    }
                    for (j, name) in names.iter().enumerate() {
                        let key = match entry {
                            StageAnswer::One(_) => format!("pipeline.stages[{i}]"),
                            StageAnswer::Parallel(_) => format!("pipeline.stages[{i}][{j}]"),
                        };
                        if !workload_names.contains(name) {
                            let what = if accounts.iter().any(|acc| acc.name == *name) {
                                format!("`{name}`, which has no `workload` role")
                            } else {
                                format!("`{name}`, which is not an account")
                            };
                            let mut problem = Problem::new(
                                &key,
                                format!(
                                    "expected a workload account ({}), found {what}",
                                    workload_names.join(", ")
                                ),
                            );
                            if let Some(close) = did_you_mean(name, workload_names.iter().copied())
                            {
                                problem = problem.with_hint(format!("did you mean `{close}`?"));
                            }
                            self.problems.push(problem);
                            ok = false;
                        } else if let Some(first) = seen.get(*name) {
                            self.problem(&key, format!("expected each account in one stage at most, found `{name}` again (first at {first})"));
                            ok = false;
                        } else {
                            seen.insert(name.to_string(), key.clone());
                        }
                    }
                }
                if !ok {
                    return None;
                }
                // One warning for all of them: an organization of 1,000
                // accounts whose application deploys to ten would otherwise
                // get 990 lines.
                let missing: Vec<&str> = workload_names
                    .iter()
                    .copied()
                    .filter(|name| !seen.contains_key(*name))
                    .collect();
                let named = |names: &[&str]| {
                    names
                        .iter()
                        .map(|n| format!("`{n}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                };
                let message = match missing.as_slice() {
                    [] => None,
                    [one] => Some(format!(
                        "workload account `{one}` is in no stage; the pipeline never deploys to it"
                    )),
                    some if some.len() <= 5 => Some(format!(
                        "workload accounts {} are in no stage; the pipeline never deploys to them",
                        named(some)
                    )),
                    many => Some(format!(
                        "{} workload accounts are in no stage ({} … {}); the pipeline never deploys to them",
                        many.len(),
                        named(&many[..3]),
                        named(&many[many.len() - 1..])
                    )),
                };
                if let Some(message) = message {
                    self.warnings.push(Warning::new("pipeline.stages", message));
                }
                list.iter()
                    .map(|e| e.accounts().into_iter().map(String::from).collect())
                    .collect()
            }
            None => ous
                .iter()
                .filter_map(|ou| {
                    let names: Vec<String> = accounts
                        .iter()
                        .filter(|acc| acc.workload && acc.ou == ou.path)
                        .map(|acc| acc.name.clone())
                        .collect();
                    (!names.is_empty()).then_some(names)
                })
                .collect(),
        };
        let mut stage_count = 2; // source and build
        let mut used_names = BTreeSet::new();
        for group in groups {
            let base = stage_name(&group);
            let name = unique_id(&base, &mut used_names);
            let approval = group
                .iter()
                .any(|n| accounts.iter().any(|acc| &acc.name == n && acc.approval));
            let actions: Vec<DeployAction> = group
                .iter()
                .flat_map(|account| {
                    regions.iter().map(move |region| DeployAction {
                        account: account.clone(),
                        region: region.clone(),
                        name: format!("{account}-{region}"),
                    })
                })
                .collect();
            let chunks: Vec<&[DeployAction]> = actions.chunks(limits::ACTIONS_PER_STAGE).collect();
            let many = chunks.len() > 1;
            let waves: Vec<Wave> = chunks
                .iter()
                .enumerate()
                .map(|(w, chunk)| Wave {
                    name: if many {
                        format!("{name}-wave-{}", w + 1)
                    } else {
                        name.clone()
                    },
                    actions: chunk.to_vec(),
                })
                .collect();
            stage_count += usize::from(approval) + waves.len();
            pipeline.stages.push(Stage {
                name,
                accounts: group,
                approval,
                waves,
            });
        }
        pipeline.stage_count = stage_count;
        if stage_count > limits::STAGES_PER_PIPELINE {
            self.problem_hint(
                "pipeline.stages",
                format!(
                    "expected a pipeline of at most {} stages (the CodePipeline limit), found {stage_count} (source, build, approvals and one stage per 50 deploy actions)",
                    limits::STAGES_PER_PIPELINE
                ),
                "list fewer accounts in pipeline.stages, so the application deploys to fewer accounts",
            );
            return None;
        }
        // One source and one build action, an approval where a stage asks
        // for one, and a deploy action per account and region.
        let action_count: usize = 2 + pipeline
            .stages
            .iter()
            .map(|s| {
                usize::from(s.approval) + s.waves.iter().map(|w| w.actions.len()).sum::<usize>()
            })
            .sum::<usize>();
        if action_count > limits::ACTIONS_PER_PIPELINE {
            self.problem_hint(
                "pipeline.stages",
                format!(
                    "expected a pipeline of at most {} actions (the CodePipeline limit), found {action_count} (source, build, approvals and one deploy action per account and region)",
                    limits::ACTIONS_PER_PIPELINE
                ),
                "list fewer accounts in pipeline.stages, or deploy to fewer regions",
            );
            return None;
        }
        Some(pipeline)
    }
}
