//! Questions about the application and how it is built and deployed.

use super::*;
use crate::model::Strategy;

impl Wizard {
    pub(super) fn application(&mut self, p: &mut dyn Prompter) -> io::Result<()> {
        p.section("The application the pipeline delivers");
        let app = self.pipeline().application.clone().unwrap_or_default();
        self.ask_text(
            p,
            "pipeline.application",
            "Application name",
            &app,
            |a, v| {
                pipeline_of(a).application = Some(v.to_string());
                Ok(())
            },
        )?;
        let providers = [
            "GitHub, GitLab or Bitbucket (CodeConnections)".to_string(),
            "CodeCommit".to_string(),
            "A zip in S3".to_string(),
        ];
        let source = self.pipeline().source.clone().unwrap_or_default();
        let at = model::SourceProvider::NAMES
            .iter()
            .position(|n| Some(*n) == source.provider.as_deref())
            .unwrap_or(0);
        let provider = model::SourceProvider::NAMES[p.select(
            "pipeline.source.provider",
            "Where is its source?",
            &providers,
            at,
        )?];
        let prompt = match provider {
            "codecommit" => "CodeCommit repository name",
            "s3" => "Bucket and key of the zip (bucket/key)",
            _ => "Repository (owner/name)",
        };
        // The suggestion follows the answers above (`acme/shop` for the
        // organization acme and the application shop), unless the
        // repository was answered for itself: a value that is not what the
        // starting answers would have suggested.
        let org = self.org().name.clone().unwrap_or_default();
        let app = self.pipeline().application.clone().unwrap_or_default();
        let initial_org = self.initial_org_name();
        let initial_app = self.initial_application();
        let chosen_before = source.repository.clone().filter(|r| {
            source.provider.as_deref() == Some(provider)
                && *r != suggested_repository(provider, &initial_org, &initial_app)
                && !self.suggested.contains(r)
        });
        let repo_default = chosen_before.unwrap_or_else(|| {
            let suggestion = suggested_repository(provider, &org, &app);
            self.suggested.push(suggestion.clone());
            suggestion
        });
        self.ask_text(
            p,
            "pipeline.source.repository",
            prompt,
            &repo_default,
            move |a, v| {
                let s = pipeline_of(a).source.get_or_insert_with(Default::default);
                s.provider = Some(provider.to_string());
                s.repository = Some(v.to_string());
                Ok(())
            },
        )?;
        let branch = source.branch.unwrap_or_else(|| "main".into());
        self.ask_text(
            p,
            "pipeline.source.branch",
            "Branch that releases",
            &branch,
            |a, v| {
                pipeline_of(a)
                    .source
                    .get_or_insert_with(Default::default)
                    .branch = Some(v.to_string());
                Ok(())
            },
        )?;
        let runtimes: Vec<String> = ["nodejs", "python", "java", "go", "dotnet"]
            .iter()
            .map(ToString::to_string)
            .collect();
        let build = self.pipeline().build.clone().unwrap_or_default();
        let at = runtimes
            .iter()
            .position(|r| Some(r) == build.runtime.as_ref())
            .unwrap_or(0);
        let runtime =
            runtimes[p.select("pipeline.build.runtime", "Runtime", &runtimes, at)?].clone();
        let b = self.pipeline().build.get_or_insert_with(Default::default);
        b.runtime = Some(runtime);
        b.security_scans.get_or_insert_with(|| {
            vec![
                "secrets".into(),
                "dependencies".into(),
                "iac".into(),
                "container".into(),
            ]
        });
        b.cache.get_or_insert_with(|| "local".into());
        Ok(())
    }

    pub(super) fn deploy(&mut self, p: &mut dyn Prompter) -> io::Result<()> {
        p.section("How releases reach the workload accounts");
        let current = self.pipeline().deploy.clone().unwrap_or_default();
        let computes = [
            "ECS (containers on Fargate)".to_string(),
            "Lambda".to_string(),
            "EC2 (Auto Scaling group)".to_string(),
        ];
        let at = Compute::NAMES
            .iter()
            .position(|n| Some(*n) == current.compute.as_deref())
            .unwrap_or(0);
        let runtime = self
            .pipeline()
            .build
            .as_ref()
            .and_then(|b| b.runtime.clone())
            .unwrap_or_default();
        let compute = loop {
            match p.select("pipeline.deploy.compute", "Compute", &computes, at)? {
                0 => break Compute::Ecs,
                2 => break Compute::Ec2,
                _ if matches!(runtime.as_str(), "nodejs" | "python") => break Compute::Lambda,
                _ => p.refuse(&format!(
                    "pipeline.deploy.compute: a Lambda function in lzgen {} runs nodejs or python, and the runtime is `{runtime}`; choose ECS or EC2",
                    env!("CARGO_PKG_VERSION")
                )),
            }
        };
        let strategies = Strategy::offered(compute);
        let explained: Vec<String> = strategies.iter().map(|s| s.summary().to_string()).collect();
        let at = strategies
            .iter()
            .position(|s| Some(s.name()) == current.strategy.as_deref())
            .unwrap_or(0);
        let strategy = strategies[p.select(
            "pipeline.deploy.strategy",
            "Deploy strategy",
            &explained,
            at,
        )?];
        {
            let d = self.pipeline().deploy.get_or_insert_with(Default::default);
            d.compute = Some(Compute::NAMES[compute as usize].to_string());
            d.strategy = Some(strategy.name().to_string());
            if !strategy.shifts_traffic() {
                d.traffic_percent = None;
                d.interval_minutes = None;
            }
        }
        if strategy.shifts_traffic() {
            let percent = current.traffic_percent.unwrap_or(10).to_string();
            self.ask_text(
                p,
                "pipeline.deploy.traffic_percent",
                "Percent of traffic per step (1-99)",
                &percent,
                |a, v| {
                    deploy_of(a).traffic_percent = Some(number(v, "a whole number from 1 to 99")?);
                    Ok(())
                },
            )?;
            let minutes = current.interval_minutes.unwrap_or(10).to_string();
            self.ask_text(
                p,
                "pipeline.deploy.interval_minutes",
                "Minutes between steps (1-2880)",
                &minutes,
                |a, v| {
                    deploy_of(a).interval_minutes =
                        Some(number(v, "a whole number from 1 to 2880")?);
                    Ok(())
                },
            )?;
        }
        if compute == Compute::Lambda {
            // A function has no port to listen on.
            deploy_of(&mut self.answers).container_port = None;
        } else {
            let port = current.container_port.unwrap_or(8080).to_string();
            self.ask_text(
                p,
                "pipeline.deploy.container_port",
                "Port the container listens on",
                &port,
                |a, v| {
                    deploy_of(a).container_port = Some(number(v, "a port from 1 to 65535")?);
                    Ok(())
                },
            )?;
        }
        let path = current
            .health_check_path
            .unwrap_or_else(|| "/healthz".into());
        self.ask_text(
            p,
            "pipeline.deploy.health_check_path",
            "Health check path",
            &path,
            |a, v| {
                deploy_of(a).health_check_path = Some(v.to_string());
                Ok(())
            },
        )?;
        let rollback = self.pipeline().rollback.clone().unwrap_or_default();
        let percent = rollback
            .http_5xx_percent
            .map(|v| v.to_string())
            .unwrap_or_else(|| "1".into());
        self.ask_text(
            p,
            "pipeline.rollback.http_5xx_percent",
            "Roll back when more than this % of requests fail with 5xx",
            &percent,
            |a, v| {
                pipeline_of(a)
                    .rollback
                    .get_or_insert_with(Default::default)
                    .http_5xx_percent = Some(number(v, "a percentage such as 1 or 0.5")?);
                Ok(())
            },
        )?;
        let latency = rollback.latency_ms.unwrap_or(200).to_string();
        self.ask_text(
            p,
            "pipeline.rollback.latency_ms",
            "Roll back when responses take longer than (ms, p90)",
            &latency,
            |a, v| {
                pipeline_of(a)
                    .rollback
                    .get_or_insert_with(Default::default)
                    .latency_ms = Some(number(v, "a number of milliseconds")?);
                Ok(())
            },
        )
    }
}

/// The source location the wizard suggests for an application.
fn suggested_repository(provider: &str, org: &str, app: &str) -> String {
    match provider {
        "codecommit" => app.to_string(),
        "s3" => format!("{org}-{app}-source/{app}.zip"),
        _ => format!("{org}/{app}"),
    }
}
