//! The GitHub Action's script (`action/start.sh`), run as CI would: it finds the binary, fetches a
//! snapshot by `file://` URL, starts the server, waits, and reports the endpoint; the snapshot's
//! table is then served. Also its refusals, which come before anything starts.

mod common;

use common::dynamo;
use dynoxide::Database;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("action/start.sh")
}

/// A PATH holding only the programs the script uses (and the built binary when asked): no
/// cargo, and no dynoxide but ours, whatever this machine has installed.
fn tool_path(dir: &Path, with_binary: bool) -> String {
    let tools = dir.join(if with_binary { "tools-bin" } else { "tools" });
    std::fs::create_dir_all(&tools).unwrap();
    let system = ["/usr/local/bin", "/usr/bin", "/bin"];
    for tool in [
        "awk",
        "bash",
        "cat",
        "cp",
        "curl",
        "grep",
        "gzip",
        "mkdir",
        "mktemp",
        "nohup",
        "rm",
        "sha256sum",
        "sleep",
        "tar",
        "uname",
    ] {
        let found = system
            .iter()
            .map(|d| Path::new(d).join(tool))
            .find(|p| p.is_file())
            .unwrap_or_else(|| panic!("{tool} is needed by action/start.sh"));
        let _ = std::os::unix::fs::symlink(found, tools.join(tool));
    }
    if with_binary {
        let _ = std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_dynoxide"), tools.join("dynoxide"));
    }
    tools.display().to_string()
}

fn run(args: &[&str], github_output: &Path) -> Output {
    let dir = github_output.parent().unwrap();
    run_with(args, github_output, &tool_path(dir, true), &[])
}

fn run_with(args: &[&str], github_output: &Path, path: &str, env: &[(&str, &str)]) -> Output {
    Command::new("bash")
        .arg(script())
        .args(args)
        .env_clear()
        .env("PATH", path)
        .env("HOME", std::env::var("HOME").unwrap_or_default())
        .env("GITHUB_OUTPUT", github_output)
        .envs(env.iter().copied())
        .output()
        .expect("bash runs the script")
}

/// A release laid out as GitHub serves it (download/vX.Y.Z/<asset>), holding the built binary
/// (stripped, to keep the archive small) under this machine's target name; `corrupt` spoils the
/// checksum.
fn release_folder(dir: &Path, corrupt: bool) -> PathBuf {
    let version = env!("CARGO_PKG_VERSION");
    let root = dir.join("releases");
    let assets = root.join(format!("download/v{version}"));
    std::fs::create_dir_all(&assets).unwrap();
    let staging = dir.join("staging");
    std::fs::create_dir_all(&staging).unwrap();
    let bin = staging.join("dynoxide");
    std::fs::copy(env!("CARGO_BIN_EXE_dynoxide"), &bin).unwrap();
    assert!(Command::new("strip").arg(&bin).status().unwrap().success());
    // The names start.sh gives the platforms it has releases for.
    let target = match (std::env::consts::OS, std::env::consts::ARCH) {
        ("linux", "x86_64") => "x86_64-unknown-linux-musl",
        ("linux", "aarch64") => "aarch64-unknown-linux-musl",
        ("macos", "x86_64") => "x86_64-apple-darwin",
        ("macos", "aarch64") => "aarch64-apple-darwin",
        other => panic!("no release target for {other:?}"),
    };
    let asset = assets.join(format!("dynoxide-{target}.tar.gz"));
    let ok = Command::new("tar")
        .arg("-czf")
        .arg(&asset)
        .arg("-C")
        .arg(&staging)
        .arg("dynoxide")
        .status()
        .unwrap();
    assert!(ok.success());
    let sum = Command::new("sha256sum").arg(&asset).output().unwrap();
    let mut line = String::from_utf8(sum.stdout).unwrap();
    if corrupt {
        line.replace_range(0..1, if line.starts_with('0') { "1" } else { "0" });
    }
    std::fs::write(format!("{}.sha256", asset.display()), line).unwrap();
    root
}

/// Kills the server the script left running in the background.
struct Started(u32);

impl Drop for Started {
    fn drop(&mut self) {
        let _ = Command::new("kill").arg(self.0.to_string()).status();
    }
}

/// `name=value` lines the script appended to $GITHUB_OUTPUT.
fn output_value(file: &Path, name: &str) -> String {
    let text = std::fs::read_to_string(file).unwrap();
    text.lines()
        .find_map(|l| l.strip_prefix(&format!("{name}=")))
        .unwrap_or_else(|| panic!("no {name}= in {text:?}"))
        .to_string()
}

fn snapshot(dir: &Path) -> PathBuf {
    let path = dir.join("fixture.db");
    let db = Database::new(&path).unwrap();
    db.execute(
        "CreateTable",
        json!({"TableName": "Fixtures",
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
            "BillingMode": "PAY_PER_REQUEST"}),
    )
    .unwrap();
    db.execute(
        "PutItem",
        json!({"TableName": "Fixtures", "Item": {"pk": {"S": "one"}, "n": {"N": "1"}}}),
    )
    .unwrap();
    drop(db);
    path
}

fn get_fixture(endpoint: &str) -> Value {
    let r = dynamo(
        endpoint,
        "GetItem",
        br#"{"TableName": "Fixtures", "Key": {"pk": {"S": "one"}}}"#,
    );
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    r.json()
}

/// Runs the script as the action would, on a free port; the server is killed when the guard drops.
fn start_serving(url: &str, dir: &Path) -> (String, Started) {
    let out_file = dir.join("github_output");
    let work = dir.join("work");
    let out = run(
        &[
            "--version",
            env!("CARGO_PKG_VERSION"),
            "--snapshot-url",
            url,
            "--port",
            "0",
            "--work-dir",
            work.to_str().unwrap(),
        ],
        &out_file,
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let started = Started(output_value(&out_file, "pid").parse().unwrap());
    let endpoint = output_value(&out_file, "endpoint");
    assert!(endpoint.starts_with("http://127.0.0.1:"), "{endpoint}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains(&format!("endpoint={endpoint}")), "{stdout}");
    (endpoint, started)
}

#[test]
fn serves_a_db_snapshot_from_a_file_url() {
    let dir = tempfile::tempdir().unwrap();
    let db = snapshot(dir.path());
    let url = format!("file://{}", db.display());
    let (endpoint, _server) = start_serving(&url, dir.path());
    assert_eq!(get_fixture(&endpoint)["Item"]["n"], json!({"N": "1"}));
    // The server works on its own copy: the snapshot is left as it was.
    let r = dynamo(
        &endpoint,
        "PutItem",
        br#"{"TableName": "Fixtures", "Item": {"pk": {"S": "two"}}}"#,
    );
    assert_eq!(r.status, 200);
    let original = Database::new(&db).unwrap();
    let scan = original
        .execute("Scan", json!({"TableName": "Fixtures"}))
        .unwrap();
    assert_eq!(scan["Count"], 1);
}

#[test]
fn serves_a_compressed_snapshot_and_a_plain_path() {
    let dir = tempfile::tempdir().unwrap();
    let db = snapshot(dir.path());
    let zst = dir.path().join("fixture.db.zst");
    let bytes = std::fs::read(&db).unwrap();
    std::fs::write(&zst, zstd::encode_all(&bytes[..], 3).unwrap()).unwrap();
    let (endpoint, _server) = start_serving(&format!("file://{}", zst.display()), dir.path());
    assert_eq!(get_fixture(&endpoint)["Item"]["pk"], json!({"S": "one"}));

    let other = tempfile::tempdir().unwrap();
    let (endpoint, _server) = start_serving(db.to_str().unwrap(), other.path());
    assert_eq!(get_fixture(&endpoint)["Item"]["pk"], json!({"S": "one"}));
}

#[test]
fn installs_a_release_binary_checked_against_its_checksum() {
    let dir = tempfile::tempdir().unwrap();
    let releases = release_folder(dir.path(), false);
    let base = format!("file://{}", releases.display());
    let out_file = dir.path().join("github_output");
    let work = dir.path().join("work");
    let args = [
        "--version",
        env!("CARGO_PKG_VERSION"),
        "--repository",
        "example/dynoxide",
        "--port",
        "0",
        "--work-dir",
        work.to_str().unwrap(),
    ];
    // No dynoxide and no cargo on PATH: the release is the only way in.
    let path = tool_path(dir.path(), false);
    let env = [("DYNOXIDE_RELEASES_URL", base.as_str())];
    let out = run_with(&args, &out_file, &path, &env);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let _server = Started(output_value(&out_file, "pid").parse().unwrap());
    assert!(work.join("bin/dynoxide").is_file());
    let r = dynamo(&output_value(&out_file, "endpoint"), "ListTables", b"{}");
    assert_eq!(r.status, 200);

    // A download that does not match its checksum stops the step (no fallback to cargo).
    let dir = tempfile::tempdir().unwrap();
    let releases = release_folder(dir.path(), true);
    let base = format!("file://{}", releases.display());
    let out_file = dir.path().join("github_output");
    let work = dir.path().join("work");
    let path = tool_path(dir.path(), false);
    let mut args = args;
    args[7] = work.to_str().unwrap();
    let env = [("DYNOXIDE_RELEASES_URL", base.as_str())];
    let out = run_with(&args, &out_file, &path, &env);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(".tar.gz does not match its .sha256"),
        "{stderr}"
    );
    assert!(!out_file.exists());
}

#[test]
fn bad_inputs_are_refused_before_anything_starts() {
    let dir = tempfile::tempdir().unwrap();
    let out_file = dir.path().join("github_output");
    let work = dir.path().join("work");
    let work = work.to_str().unwrap();
    let cases: &[(&[&str], &str)] = &[
        (
            &["--snapshot-url", "file:///tmp/data.json"],
            "snapshot-url must name a .db or .db.zst file: file:///tmp/data.json",
        ),
        (&["--port", "80000"], "port must be a number from 0 to 65535, not '80000'"),
        (&["--version", "one"], "version must be latest or X.Y.Z, not 'one'"),
        (&["--repository", "a b"], "repository must be OWNER/NAME, not 'a b'"),
        (&["--colour", "blue"], "unknown option --colour"),
        (&["--port"], "--port needs a value"),
        // Another version than the one on PATH, nothing to download and no cargo to build it.
        (
            &["--version", "99.0.0", "--work-dir", work],
            "no dynoxide 99.0.0 found: no release binary for this runner (repository 'none') and no cargo to build one",
        ),
        (
            &["--snapshot-url", "file:///nonexistent/x.db", "--work-dir", work],
            "could not download the snapshot from file:///nonexistent/x.db",
        ),
    ];
    for (args, message) in cases {
        let out = run(args, &out_file);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {stderr}");
        assert!(stderr.contains(message), "{args:?}: {stderr}");
        assert!(!out_file.exists(), "{args:?} reported an endpoint");
    }
}

#[test]
fn a_server_that_cannot_start_fails_the_step_with_its_log() {
    let dir = tempfile::tempdir().unwrap();
    let out_file = dir.path().join("github_output");
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let work = dir.path().join("work");
    let out = run(
        &["--port", &port, "--work-dir", work.to_str().unwrap()],
        &out_file,
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("the server exited before it answered"),
        "{stderr}"
    );
    assert!(!out_file.exists());
}

// Reads process states from /proc.
#[cfg(target_os = "linux")]
#[test]
fn a_server_that_never_answers_times_out_and_is_stopped() {
    let dir = tempfile::tempdir().unwrap();
    let out_file = dir.path().join("github_output");
    let fake = dir.path().join("fake-dynoxide");
    let pid_file = dir.path().join("fake.pid");
    std::fs::write(
        &fake,
        format!(
            "#!/bin/bash\nif [ \"$1\" = --version ]; then echo 'dynoxide {}'; exit; fi\necho $$ > {}\nexec sleep 60\n",
            env!("CARGO_PKG_VERSION"),
            pid_file.display()
        ),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).unwrap();
    let work = dir.path().join("work");
    let args = [
        "--wait-seconds",
        "1",
        "--port",
        "0",
        "--work-dir",
        work.to_str().unwrap(),
    ];
    let path = tool_path(dir.path(), false);
    let env = [("DYNOXIDE_BIN", fake.to_str().unwrap())];
    let out = run_with(&args, &out_file, &path, &env);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("the server did not answer within 1 s"),
        "{stderr}"
    );
    assert!(!out_file.exists());
    // The script stopped what it started: gone, or a zombie awaiting its reaper, within 2 s.
    let pid = std::fs::read_to_string(&pid_file).unwrap();
    let running = || {
        std::fs::read_to_string(format!("/proc/{}/stat", pid.trim()))
            .ok()
            .and_then(|s| Some(s.rsplit_once(')')?.1.split_whitespace().next()? != "Z"))
            .unwrap_or(false)
    };
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(2);
    while running() && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert!(
        !running(),
        "the unanswering server {} is still running",
        pid.trim()
    );
}

#[test]
fn without_a_release_cargo_builds_the_repositorys_tag() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let out_file = dir.path().join("github_output");
    let work = dir.path().join("work");
    // A stand-in cargo: records its arguments and "builds" the real binary into --root.
    let fake = dir.path().join("fake-cargo");
    std::fs::create_dir_all(&fake).unwrap();
    let args_file = dir.path().join("cargo-args");
    std::fs::write(
        fake.join("cargo"),
        format!(
            "#!/bin/bash\necho \"$@\" > {}\nwhile [ $# -gt 0 ]; do [ \"$1\" = --root ] && root=$2; shift; done\nmkdir -p \"$root/bin\" && cp {} \"$root/bin/dynoxide\"\n",
            args_file.display(),
            env!("CARGO_BIN_EXE_dynoxide")
        ),
    )
    .unwrap();
    std::fs::set_permissions(fake.join("cargo"), std::fs::Permissions::from_mode(0o755)).unwrap();
    let path = format!("{}:{}", tool_path(dir.path(), false), fake.display());
    let version = env!("CARGO_PKG_VERSION");
    let args = [
        "--version",
        version,
        "--repository",
        "acme/dynoxide",
        "--port",
        "0",
        "--work-dir",
        work.to_str().unwrap(),
    ];
    let env = [("DYNOXIDE_RELEASES_URL", "file:///nonexistent")];
    let out = run_with(&args, &out_file, &path, &env);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let _server = Started(output_value(&out_file, "pid").parse().unwrap());
    let called = std::fs::read_to_string(&args_file).unwrap();
    assert_eq!(
        called.trim(),
        format!(
            "install --git https://github.com/acme/dynoxide --tag v{version} --locked --root {} dynoxide",
            work.display()
        )
    );
    let r = dynamo(&output_value(&out_file, "endpoint"), "ListTables", b"{}");
    assert_eq!(r.status, 200);
}

#[test]
fn the_release_repository_is_read_off_the_actions_path() {
    let dir = tempfile::tempdir().unwrap();
    let out_file = dir.path().join("github_output");
    let work = dir.path().join("work");
    let args = ["--version", "1.2.3", "--work-dir", work.to_str().unwrap()];
    let path = tool_path(dir.path(), false);
    let env = [
        (
            "GITHUB_ACTION_PATH",
            "/home/runner/work/_actions/acme/dynoxide/v1/action",
        ),
        ("DYNOXIDE_RELEASES_URL", "file:///nonexistent"),
    ];
    let out = run_with(&args, &out_file, &path, &env);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("no dynoxide 1.2.3 found: no release binary for this runner (repository 'acme/dynoxide') and no cargo"),
        "{stderr}"
    );
}

/// action.yml passes every input to the script and exposes what the script writes.
#[test]
fn action_yml_wires_inputs_to_the_script() {
    let yml =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("action/action.yml"))
            .unwrap();
    for input in [
        "version",
        "snapshot-url",
        "port",
        "wait-seconds",
        "repository",
    ] {
        let env = format!("INPUT_{}", input.to_uppercase().replace('-', "_"));
        assert!(
            yml.contains(&format!("{env}: ${{{{ inputs.{input} }}}}")),
            "{input} is not passed as {env}"
        );
        assert!(
            yml.contains(&format!("--{input} \"${env}\"")),
            "{env} does not reach --{input}"
        );
    }
    for output in ["endpoint", "pid"] {
        assert!(yml.contains(&format!("${{{{ steps.start.outputs.{output} }}}}")));
    }
    assert!(yml.contains("\"$GITHUB_ACTION_PATH/start.sh\""));
}
