//! boto3, the AWS CLI and the Python MCP SDK against the real binary. CI installs them
//! (`.ci/run`) and requires them; elsewhere a test says loudly that it skipped when one is missing.

mod common;

use common::Server;
use std::process::Command;

fn available(cmd: &str, args: &[&str]) -> bool {
    Command::new(cmd)
        .args(args)
        .output()
        .is_ok_and(|o| o.status.success())
}

fn required() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
        || std::env::var("DYNOXIDE_REQUIRE_PYTHON_TESTS").is_ok()
}

fn run(name: &str, cmd: &str, args: &[&str], probe: (&str, &[&str])) {
    run_with(name, cmd, args, probe, &[]);
}

fn run_with(name: &str, cmd: &str, args: &[&str], probe: (&str, &[&str]), server_args: &[&str]) {
    if !available(probe.0, probe.1) {
        assert!(
            !required(),
            "{name} is required here but not installed (pip install boto3 awscli)"
        );
        eprintln!("SKIPPED {name}: not installed (pip install boto3 awscli)");
        return;
    }
    let server = Server::start_with(server_args);
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/python/");
    let out = Command::new(cmd)
        .args(args.iter().map(|a| a.replace("{dir}", dir)))
        .arg(&server.endpoint)
        .output()
        .unwrap();
    print!("{}", String::from_utf8_lossy(&out.stdout));
    eprint!("{}", String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "{name} failed");
}

#[test]
fn boto3() {
    run(
        "boto3",
        "python3",
        &["{dir}boto3_smoke.py"],
        ("python3", &["-c", "import boto3"]),
    );
}

#[test]
fn boto3_streams_ttl_and_tags() {
    run_with(
        "boto3",
        "python3",
        &["{dir}boto3_streams.py"],
        ("python3", &["-c", "import boto3"]),
        &["--ttl-interval", "0.1"],
    );
}

/// The official Python MCP SDK against `dynoxide mcp` (it starts the binary itself, over
/// stdio and over HTTP).
#[test]
fn python_mcp_client() {
    let probe: (&str, &[&str]) = ("python3", &["-c", "import mcp"]);
    if !available(probe.0, probe.1) {
        assert!(
            !required(),
            "the Python mcp package is required here but not installed (pip install mcp)"
        );
        eprintln!("SKIPPED python mcp client: not installed (pip install mcp)");
        return;
    }
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/python/mcp_client.py");
    let out = Command::new("python3")
        .args([script, env!("CARGO_BIN_EXE_dynoxide")])
        .output()
        .unwrap();
    print!("{}", String::from_utf8_lossy(&out.stdout));
    eprint!("{}", String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "the Python MCP client failed");
}

#[test]
fn aws_cli() {
    run(
        "aws cli",
        "bash",
        &["{dir}cli_smoke.sh"],
        ("aws", &["--version"]),
    );
}
