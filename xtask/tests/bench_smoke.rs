//! Runs every bench scenario once with tiny counts, so `cargo xtask bench`
//! cannot rot. Not timed: it checks that every server echoes, that resumption
//! scenarios really resume, and that every metric comes out; the numbers
//! themselves are for docs/performance.md, never for a test.
// The floats compared exactly are counts and ratios of counts (1.0, 0.0).
#![allow(clippy::float_cmp)]

use std::time::Duration;

use xtask::bench::{self, Plan, SCENARIOS};

#[test]
fn every_scenario_runs_against_every_server() {
    // Node is optional for the bench (the column is skipped), not for CI.
    let node = test_support::peer("node");
    let plan = Plan {
        rounds: 1,
        window: Duration::from_millis(150),
        warmup: Duration::from_millis(30),
        concurrency: 4,
        levels: vec![1, 16],
        bulk_bytes: 1 << 20,
        idle_conns: 40,
        // The test binary's own servers: the xtask binary built for this test.
        server_exe: env!("CARGO_BIN_EXE_xtask").into(),
        node,
        // Never re-pin the test harness.
        pin: false,
        verbose: false,
        ..Plan::quick(env!("CARGO_BIN_EXE_xtask").into())
    };
    let report = bench::run(&plan).expect("bench run");
    let names: Vec<&str> = report.scenarios.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, SCENARIOS, "notes: {:?}", report.notes);

    for s in &report.scenarios {
        let mut servers = vec![("ours", &s.ours), ("raw", &s.raw)];
        if plan.node.is_some() {
            servers.push(("node", &s.node));
            assert!(
                s.ratio_node.is_some_and(f64::is_finite),
                "{}: {s:?}",
                s.name
            );
        } else {
            assert!(s.node.is_none() && s.ratio_node.is_none());
        }
        assert!(s.ratio_raw.is_some_and(f64::is_finite), "{}: {s:?}", s.name);
        for (who, metrics) in servers {
            let metrics = metrics
                .as_ref()
                .unwrap_or_else(|| panic!("{} {who}: no metrics", s.name));
            let value = |key: &str| {
                metrics.iter().find(|(k, _)| k == key).map_or_else(
                    || panic!("{} {who}: no {key} in {metrics:?}", s.name),
                    |(_, v)| *v,
                )
            };
            assert!(
                value(s.primary).is_finite(),
                "{} {who}: {metrics:?}",
                s.name
            );
            match s.name.as_str() {
                "idle-10k" => assert_eq!(value("conns"), 40.0),
                "bulk-aes128gcm" | "bulk-chacha20" => {
                    assert_eq!(value("mib"), 1.0);
                    assert!(value("mib_per_s") > 0.0);
                }
                "handshake-concurrency" => {
                    assert!(value("c1_ops_per_s") > 0.0 && value("c16_ops_per_s") > 0.0);
                }
                name => {
                    assert!(value("ops") >= 4.0, "{name} {who}: {metrics:?}");
                    // Every worker's first connection (in the warm-up) is a full
                    // handshake; every measured one must resume, or must not.
                    let resumed = value("resumed_fraction");
                    if !name.starts_with("resume-") {
                        assert_eq!(resumed, 0.0, "{name} {who}");
                    } else if who == "node" && name == "resume-tls13-ticket" {
                        // Node issues no ticket on a resumed TLS 1.3 connection:
                        // two resumptions per full handshake.
                        assert!(resumed >= 0.5, "{name} {who}: {resumed}");
                    } else {
                        assert_eq!(resumed, 1.0, "{name} {who}");
                    }
                }
            }
        }
    }
    // The JSON has the documented shape.
    let json = report.to_json();
    for name in SCENARIOS {
        let s = &json["scenarios"][name];
        assert!(s["ours"].is_object() && s["raw"].is_object(), "{name}: {s}");
        assert!(s["ratio_raw"].is_number(), "{name}: {s}");
    }
}
