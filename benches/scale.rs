//! How `lzgen new` scales with the organization: N workload accounts in 1
//! and 4 regions, and the standard preset beside `cp -r` of its own output.
//! It prints figures; it asserts nothing (a time is a measurement, not a
//! test). Run with `cargo bench --bench scale`; `LZGEN_BENCH_N=10,100`
//! picks the account counts, `LZGEN_BENCH_TIMEOUT` the seconds one render
//! may take before it is stopped and reported as such.
//!
//! Each render is a child process of the release binary, timed with
//! `/usr/bin/time` for its peak resident set; a render lzgen refuses is
//! reported with its exit code and last message, as a figure like the rest.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const REGIONS: [&str; 4] = ["us-east-1", "us-west-2", "eu-west-1", "eu-central-1"];

/// An answers file with the central accounts and `n` workload accounts.
fn answers(n: usize, regions: usize, iac: &str) -> String {
    let mut accounts = String::new();
    for (name, roles, ou) in [
        ("log-archive", "[log-archive]", "Security"),
        ("security", "[security]", "Security"),
        ("tooling", "[tooling, artifact]", "Deployment"),
    ] {
        accounts.push_str(&format!(
            "  - name: {name}\n    roles: {roles}\n    email: aws+{name}@scale.example\n    ou: {ou}\n"
        ));
    }
    for i in 1..=n {
        accounts.push_str(&format!(
            "  - name: w{i:04}\n    roles: [workload]\n    email: aws+w{i:04}@scale.example\n    ou: Workloads\n"
        ));
    }
    // The application deploys to the first 10 workload accounts: the
    // organization grows with `n`, the pipeline stays within CodePipeline's
    // quotas, so a large `n` is measured through rendering rather than
    // refused by validation at once.
    let stages: Vec<String> = (1..=n.min(10)).map(|i| format!("w{i:04}")).collect();
    format!(
        "version: 1\norganization:\n  name: scale\n  home_region: us-east-1\n  regions: [{}]\n  iac: {iac}\n\
         organizational_units:\n  - name: Security\n  - name: Deployment\n  - name: Workloads\n\
         accounts:\n{accounts}\
         pipeline:\n  application: app\n  source:\n    provider: codecommit\n    repository: app\n    branch: main\n\
         \x20 build:\n    runtime: python\n  deploy:\n    compute: ecs\n    strategy: blue-green\n  stages: [{}]\n",
        REGIONS[..regions].join(", "),
        stages.join(", ")
    )
}

struct Run {
    ok: bool,
    wall: Duration,
    peak_kib: u64,
    outcome: String,
}

/// Runs one command under `/usr/bin/time -f %M`, stopping it after `timeout`.
fn timed(program: &Path, args: &[&str], timeout: Duration) -> Run {
    let start = Instant::now();
    let mut child = Command::new("/usr/bin/time")
        .arg("-f")
        .arg("peak-kib %M")
        .arg(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("/usr/bin/time runs");
    // Read stderr while the child runs: a child that writes more than a
    // pipe holds (many warnings) would otherwise wait on us forever.
    let mut pipe = child.stderr.take().expect("stderr");
    let reader = std::thread::spawn(move || {
        let mut text = Vec::new();
        let _ = std::io::Read::read_to_end(&mut pipe, &mut text);
        text
    });
    loop {
        if child.try_wait().expect("wait").is_some() {
            break;
        }
        if start.elapsed() > timeout {
            let _ = child.kill();
            let _ = child.wait();
            return Run {
                ok: false,
                wall: start.elapsed(),
                peak_kib: 0,
                outcome: format!("stopped after {} s", timeout.as_secs()),
            };
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    let wall = start.elapsed();
    let status = child.wait().expect("status");
    let stderr = reader.join().expect("stderr read");
    let stderr = String::from_utf8_lossy(&stderr);
    let peak_kib = stderr
        .lines()
        .filter_map(|l| l.strip_prefix("peak-kib "))
        .filter_map(|v| v.trim().parse().ok())
        .next_back()
        .unwrap_or(0);
    let last = stderr
        .lines()
        .filter(|l| !l.starts_with("peak-kib ") && !l.starts_with("Command exited"))
        .find(|l| l.starts_with("error"))
        .unwrap_or("")
        .chars()
        .take(110)
        .collect::<String>();
    Run {
        ok: status.success(),
        wall,
        peak_kib,
        outcome: if status.success() {
            "written".into()
        } else {
            format!("exit {}: {last}", status.code().unwrap_or(-1))
        },
    }
}

/// Files and bytes under `dir`.
fn size(dir: &Path) -> (usize, u64) {
    let mut stack = vec![dir.to_path_buf()];
    let (mut files, mut bytes) = (0, 0);
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let path = e.path();
            if path.is_dir() {
                stack.push(path);
            } else if let Ok(m) = e.metadata() {
                files += 1;
                bytes += m.len();
            }
        }
    }
    (files, bytes)
}

fn median(mut xs: Vec<Duration>) -> Duration {
    xs.sort();
    xs[xs.len() / 2]
}

fn main() {
    let lzgen = PathBuf::from(env!("CARGO_BIN_EXE_lzgen"));
    let counts: Vec<usize> = std::env::var("LZGEN_BENCH_N")
        .unwrap_or_else(|_| "10,100,1000".into())
        .split(',')
        .filter_map(|n| n.trim().parse().ok())
        .collect();
    let timeout = Duration::from_secs(
        std::env::var("LZGEN_BENCH_TIMEOUT")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(120),
    );
    let work = std::env::temp_dir().join(format!("lzgen-bench-{}", std::process::id()));
    std::fs::create_dir_all(&work).expect("work folder");

    let mut walls = std::collections::BTreeMap::new();
    // The CloudFormation flavour in 1 and 4 regions, then both flavours
    // (CloudFormation and Terraform side by side) in 4.
    for (iac, region_counts) in [("cloudformation", &[1, 4][..]), ("both", &[4][..])] {
        println!(
            "lzgen new, {} flavour{}, one run each (release build)",
            if iac == "both" {
                "CloudFormation and Terraform"
            } else {
                "CloudFormation"
            },
            if iac == "both" { "s" } else { "" }
        );
        println!(
            "{:>6} {:>7} {:>9} {:>10} {:>7} {:>10}  outcome",
            "N", "regions", "wall ms", "peak MiB", "files", "KiB"
        );
        for &regions in region_counts {
            for &n in &counts {
                let file = work.join(format!("answers-{n}-{regions}-{iac}.yaml"));
                std::fs::write(&file, answers(n, regions, iac)).expect("answers");
                let out = work.join(format!("out-{n}-{regions}-{iac}"));
                let run = timed(
                    &lzgen,
                    &[
                        "new",
                        out.to_str().expect("utf-8 path"),
                        "--config",
                        file.to_str().expect("utf-8 path"),
                        "--yes",
                    ],
                    timeout,
                );
                let (files, bytes) = size(&out);
                println!(
                    "{n:>6} {regions:>7} {:>9} {:>10.1} {files:>7} {:>10}  {}",
                    run.wall.as_millis(),
                    run.peak_kib as f64 / 1024.0,
                    bytes / 1024,
                    run.outcome
                );
                if iac == "cloudformation" {
                    walls.insert((n, regions), (run.wall, run.ok));
                }
                let _ = std::fs::remove_dir_all(&out);
            }
        }
    }
    for &regions in &[1, 4] {
        if let (Some((a, a_ok)), Some((b, b_ok))) =
            (walls.get(&(100, regions)), walls.get(&(1000, regions)))
        {
            // A refusal after rendering still measures the rendering.
            let what = |ok: &bool| if *ok { "written" } else { "refused" };
            println!(
                "t(1000)/t(100), {regions} region(s): {:.1} ({} / {})",
                b.as_secs_f64() / a.as_secs_f64(),
                what(b_ok),
                what(a_ok)
            );
        }
    }

    // The standard preset, beside copying its own output: medians of 10.
    let standard = work.join("standard");
    let copy = work.join("copy");
    let new_args = [
        "new",
        standard.to_str().expect("utf-8 path"),
        "--preset",
        "standard",
        "--yes",
        "--force",
    ];
    let mut news = Vec::new();
    let mut copies = Vec::new();
    for _ in 0..10 {
        news.push(timed(&lzgen, &new_args, timeout).wall);
        let _ = std::fs::remove_dir_all(&copy);
        let cp = Path::new("/bin/cp");
        copies.push(
            timed(
                cp,
                &[
                    "-r",
                    standard.to_str().expect("utf-8 path"),
                    copy.to_str().expect("utf-8 path"),
                ],
                timeout,
            )
            .wall,
        );
    }
    let (files, bytes) = size(&standard);
    println!(
        "standard preset ({files} files, {} KiB): lzgen new median {} ms; cp -r of its output median {} ms (each under /usr/bin/time)",
        bytes / 1024,
        median(news).as_millis(),
        median(copies).as_millis()
    );
    let _ = std::fs::remove_dir_all(&work);
}
