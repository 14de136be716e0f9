//! A deploy strategy, in one place: its name in `lzgen.yaml`, the computes
//! that offer it (config.md's table, in the order the wizard offers them),
//! whether it shifts traffic in steps (and so needs `traffic_percent` and
//! `interval_minutes`), how long a release takes, the CodeDeploy deployment
//! configuration it uses, and how it is explained to a person: one line in
//! the wizard, one sentence in the generated README.
//!
//! CodeDeploy sources: "Working with deployment configurations in
//! CodeDeploy" (the predefined `CodeDeployDefault.*` configurations and
//! custom `TimeBasedCanary`/`TimeBasedLinear` routing for ECS and Lambda).

use super::{Compute, DeploymentConfig};
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Strategy {
    BlueGreen,
    Canary,
    Linear,
    AllAtOnce,
    InPlace,
}

impl Strategy {
    pub const ALL: [Strategy; 5] = [
        Strategy::BlueGreen,
        Strategy::Canary,
        Strategy::Linear,
        Strategy::AllAtOnce,
        Strategy::InPlace,
    ];

    /// The name `lzgen.yaml` uses: `blue-green`.
    pub fn name(self) -> &'static str {
        match self {
            Strategy::BlueGreen => "blue-green",
            Strategy::Canary => "canary",
            Strategy::Linear => "linear",
            Strategy::AllAtOnce => "all-at-once",
            Strategy::InPlace => "in-place",
        }
    }

    pub fn parse(s: &str) -> Option<Strategy> {
        Strategy::ALL.into_iter().find(|st| st.name() == s)
    }

    /// The strategies a compute offers, the default first.
    pub fn offered(compute: Compute) -> &'static [Strategy] {
        match compute {
            Compute::Ecs => &[Strategy::BlueGreen, Strategy::Canary, Strategy::Linear],
            Compute::Lambda => &[Strategy::AllAtOnce, Strategy::Canary, Strategy::Linear],
            Compute::Ec2 => &[Strategy::InPlace, Strategy::BlueGreen],
        }
    }

    /// One line for a person choosing it in the wizard.
    pub fn summary(self) -> &'static str {
        match self {
            Strategy::BlueGreen => {
                "blue-green: the new version beside the old, then all traffic at once"
            }
            Strategy::Canary => "canary: a share of traffic first, then the rest",
            Strategy::Linear => "linear: traffic moves over in equal steps",
            Strategy::AllAtOnce => "all-at-once: all traffic at once",
            Strategy::InPlace => {
                "in-place: instances updated one at a time behind the load balancer"
            }
        }
    }

    /// Whether traffic moves in timed steps: the strategy then needs
    /// `traffic_percent` and `interval_minutes`, and nothing else takes them.
    pub fn shifts_traffic(self) -> bool {
        matches!(self, Strategy::Canary | Strategy::Linear)
    }

    /// Whether a release updates the running instances themselves (and a
    /// rollback deploys the last good release again), rather than starting
    /// the new version beside the old one. The README's rollback paragraph
    /// follows it.
    pub fn updates_in_place(self) -> bool {
        matches!(self, Strategy::InPlace)
    }

    /// Whether each EC2 release copies the Auto Scaling group and retires the
    /// old one: CodeDeploy then owns the fleet, which the workload roles, the
    /// README and the teardown script must allow for.
    pub fn replaces_the_fleet(self, compute: Compute) -> bool {
        compute == Compute::Ec2 && self == Strategy::BlueGreen
    }

    /// How long the traffic shift takes, in minutes.
    pub fn shift_minutes(self, percent: u32, minutes: u32) -> u32 {
        match self {
            Strategy::Linear => (100u32.div_ceil(percent.max(1)) - 1) * minutes,
            Strategy::Canary => minutes,
            _ => 0,
        }
    }

    /// The CodeDeploy deployment configuration for this strategy on
    /// `compute`, and how it moves traffic, in one sentence for the README.
    /// Canary and linear get a custom configuration named after the
    /// deployment group; the others use one AWS predefines.
    pub fn deployment_config(
        self,
        compute: Compute,
        traffic: Option<(u32, u32)>,
        deployment_group: &str,
    ) -> DeploymentConfig {
        let (percent, minutes) = traffic.unwrap_or((0, 0));
        let plural = |n: u32| if n == 1 { "minute" } else { "minutes" };
        // ECS shifts requests between task sets; Lambda shifts the alias's invocations.
        let (what, after) = match compute {
            Compute::Lambda => ("invocations of the alias", ""),
            _ => ("requests", " plus start-up"),
        };
        let predefined = |name: &str, sentence: &str| DeploymentConfig {
            name: name.into(),
            custom: false,
            traffic_routing: None,
            sentence: sentence.into(),
        };
        match (compute, self) {
            (Compute::Ecs | Compute::Lambda, Strategy::Canary) => DeploymentConfig {
                name: format!("{deployment_group}-canary-{percent}-{minutes}"),
                custom: true,
                traffic_routing: Some("TimeBasedCanary".into()),
                sentence: format!(
                    "{percent}% of the {what} go to the new version for {minutes} {}, then all of them; a deployment takes about {minutes} {}{after}.",
                    plural(minutes),
                    plural(minutes)
                ),
            },
            (Compute::Ecs | Compute::Lambda, Strategy::Linear) => {
                let total = self.shift_minutes(percent, minutes);
                DeploymentConfig {
                    name: format!("{deployment_group}-linear-{percent}-{minutes}"),
                    custom: true,
                    traffic_routing: Some("TimeBasedLinear".into()),
                    sentence: format!(
                        "{percent}% more of the {what} go to the new version every {minutes} {} until all do; a deployment takes about {total} {}{after}.",
                        plural(minutes),
                        plural(total)
                    ),
                }
            }
            (Compute::Lambda, _) => predefined(
                "CodeDeployDefault.LambdaAllAtOnce",
                "the alias moves to the new version all at once, once the traffic hook has checked it.",
            ),
            (Compute::Ec2, Strategy::InPlace) => predefined(
                "CodeDeployDefault.OneAtATime",
                "one instance at a time: each is taken out of the load balancer, updated, checked and put back, so the others keep serving.",
            ),
            (Compute::Ec2, _) => predefined(
                "CodeDeployDefault.AllAtOnce",
                "a copy of the Auto Scaling group starts with the new version; once it is healthy the load balancer sends all traffic to it and the old instances stop.",
            ),
            _ => predefined(
                "CodeDeployDefault.ECSAllAtOnce",
                "all at once, as soon as the new version is healthy.",
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_every_strategy_is_offered_somewhere() {
        for s in Strategy::ALL {
            assert_eq!(Strategy::parse(s.name()), Some(s));
            assert_eq!(
                serde_json::to_value(s)
                    .ok()
                    .and_then(|v| v.as_str().map(String::from)),
                Some(s.name().to_string())
            );
            assert!(
                [Compute::Ecs, Compute::Lambda, Compute::Ec2]
                    .iter()
                    .any(|c| Strategy::offered(*c).contains(&s)),
                "{s:?}"
            );
            assert!(s.summary().starts_with(&format!("{}: ", s.name())));
        }
        assert_eq!(Strategy::parse("rolling"), None);
    }

    #[test]
    fn only_ec2_blue_green_replaces_the_fleet_and_only_in_place_updates_it() {
        for s in Strategy::ALL {
            for c in [Compute::Ecs, Compute::Lambda, Compute::Ec2] {
                assert_eq!(
                    s.replaces_the_fleet(c),
                    (c, s) == (Compute::Ec2, Strategy::BlueGreen),
                    "{s:?} on {c:?}"
                );
            }
            assert_eq!(s.updates_in_place(), s == Strategy::InPlace, "{s:?}");
        }
    }

    #[test]
    fn a_linear_shift_takes_one_interval_less_than_its_steps() {
        assert_eq!(Strategy::Linear.shift_minutes(10, 3), 27);
        assert_eq!(Strategy::Linear.shift_minutes(33, 5), 15);
        assert_eq!(Strategy::Canary.shift_minutes(10, 5), 5);
        assert_eq!(Strategy::BlueGreen.shift_minutes(10, 5), 0);
    }
}
