//! HTTP benchmark: GetItem, PutItem and Query (a 10-item partition) over keep-alive connections
//! against the real binary.
//!
//! Reports p50/p99 latency and throughput with 1 and 4 connections, the server's CPU time per
//! request (from /proc), cold start to first answered request (median of several starts), idle
//! RSS and binary size.
//! Beside it runs the floor: a no-op hyper HTTP/1 server (this bench binary started again
//! with `DYNOXIDE_BENCH_FLOOR=1`: one current-thread runtime, a fixed `{}` answer) driven by
//! the same client loop with the same request bytes; each of our lines gives the ratio of our
//! server CPU per request to the floor's.
//! Set `DYNOXIDE_COMPARE_BIN=/path/to/other-server` and `DYNOXIDE_COMPARE_ARGS="--port {port}"`
//! to measure another DynamoDB emulator in the same run. `DYNOXIDE_BENCH_REQUESTS` sets the
//! requests per connection (default 5000).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

struct Conn {
    reader: BufReader<TcpStream>,
    writer: TcpStream,
    host: String,
}

impl Conn {
    fn open(addr: &str) -> std::io::Result<Conn> {
        let s = TcpStream::connect(addr)?;
        s.set_nodelay(true)?;
        Ok(Conn {
            writer: s.try_clone()?,
            reader: BufReader::new(s),
            host: addr.to_string(),
        })
    }

    fn call(&mut self, op: &str, body: &str) -> (u16, Vec<u8>) {
        let req = format!(
            "POST / HTTP/1.1\r\nHost: {}\r\nContent-Type: application/x-amz-json-1.0\r\n\
             X-Amz-Target: DynamoDB_20120810.{op}\r\nX-Amz-Date: 20260101T000000Z\r\n\
             Authorization: AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host;x-amz-date, Signature=00\r\n\
             Content-Length: {}\r\n\r\n{body}",
            self.host,
            body.len()
        );
        self.writer.write_all(req.as_bytes()).unwrap();
        let mut line = String::new();
        self.reader.read_line(&mut line).unwrap();
        let status: u16 = line.split_whitespace().nth(1).unwrap().parse().unwrap();
        let mut len = 0usize;
        loop {
            line.clear();
            self.reader.read_line(&mut line).unwrap();
            let l = line.trim_end();
            if l.is_empty() {
                break;
            }
            if let Some((k, v)) = l.split_once(':') {
                if k.eq_ignore_ascii_case("content-length") {
                    len = v.trim().parse().unwrap();
                }
            }
        }
        let mut body = vec![0; len];
        self.reader.read_exact(&mut body).unwrap();
        (status, body)
    }
}

struct Target {
    name: String,
    child: Child,
    addr: String,
    cold_start: Duration,
}

impl Drop for Target {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The floor: answers every request `200 {}` at once, on one current-thread runtime.
fn floor_server(port: u16) {
    use http_body_util::Full;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async move {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
            .await
            .unwrap();
        loop {
            let (stream, _) = listener.accept().await.unwrap();
            let _ = stream.set_nodelay(true);
            tokio::spawn(async move {
                let service = hyper::service::service_fn(|_req| async {
                    let mut response =
                        hyper::Response::new(Full::new(bytes::Bytes::from_static(b"{}")));
                    response.headers_mut().insert(
                        hyper::header::CONTENT_TYPE,
                        hyper::header::HeaderValue::from_static("application/x-amz-json-1.0"),
                    );
                    Ok::<_, std::convert::Infallible>(response)
                });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                    .await;
            });
        }
    });
}

fn start(name: &str, bin: &str, args: &str) -> Target {
    let port = free_port();
    let args: Vec<String> = args
        .split_whitespace()
        .map(|a| a.replace("{port}", &port.to_string()))
        .collect();
    let started = Instant::now();
    let child = Command::new(bin)
        .env(
            "DYNOXIDE_BENCH_FLOOR",
            if name == "floor" { "1" } else { "" },
        )
        .args(&args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("starting {bin}: {e}"));
    let addr = format!("127.0.0.1:{port}");
    let deadline = started + Duration::from_secs(20);
    loop {
        if let Ok(mut c) = Conn::open(&addr) {
            let (status, _) = c.call("ListTables", "{}");
            if status == 200 {
                break;
            }
        }
        assert!(Instant::now() < deadline, "{name} did not answer");
        std::thread::sleep(Duration::from_micros(200));
    }
    Target {
        name: name.to_string(),
        cold_start: started.elapsed(),
        child,
        addr,
    }
}

/// User + system CPU time of a process, from /proc.
fn cpu_time(pid: u32) -> Duration {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let after = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let f: Vec<u64> = after
        .split_whitespace()
        .map(|x| x.parse().unwrap_or(0))
        .collect();
    // Fields 14 and 15 of stat; `after` starts at field 3.
    let ticks = f.get(11).copied().unwrap_or(0) + f.get(12).copied().unwrap_or(0);
    Duration::from_millis(ticks * 10)
}

fn rss_kb(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

fn setup(t: &Target) {
    let mut c = Conn::open(&t.addr).unwrap();
    let (status, body) = c.call(
        "CreateTable",
        r#"{"TableName": "bench", "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": "N"}],
            "BillingMode": "PAY_PER_REQUEST"}"#,
    );
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    for i in 0..1000 {
        let (status, _) = c.call("PutItem", &put_body(i));
        assert_eq!(status, 200);
    }
}

fn put_body(i: usize) -> String {
    format!(
        r#"{{"TableName": "bench", "Item": {{"pk": {{"S": "user#{}"}}, "sk": {{"N": "{i}"}}, "name": {{"S": "name {i}"}}, "age": {{"N": "{}"}}, "active": {{"BOOL": true}}, "tags": {{"SS": ["a", "b", "t{i}"]}}}}}}"#,
        i % 100,
        20 + i % 50
    )
}

/// A whole partition: 10 items of about 100 bytes.
fn query_body(i: usize) -> String {
    format!(
        r#"{{"TableName": "bench", "KeyConditionExpression": "pk = :p", "ExpressionAttributeValues": {{":p": {{"S": "user#{}"}}}}}}"#,
        i % 100
    )
}

fn get_body(i: usize) -> String {
    format!(
        r#"{{"TableName": "bench", "Key": {{"pk": {{"S": "user#{}"}}, "sk": {{"N": "{i}"}}}}}}"#,
        i % 100
    )
}

struct Run {
    p50: Duration,
    p99: Duration,
    per_sec: f64,
    cpu_per_req: Duration,
}

fn run(t: &Target, op: &str, conns: usize, per_conn: usize) -> Run {
    let pid = t.child.id();
    let cpu0 = cpu_time(pid);
    let started = Instant::now();
    let handles: Vec<_> = (0..conns)
        .map(|c| {
            let addr = t.addr.clone();
            let op = op.to_string();
            std::thread::spawn(move || {
                let mut conn = Conn::open(&addr).unwrap();
                let mut lat = Vec::with_capacity(per_conn);
                for i in 0..per_conn {
                    let n = (c * per_conn + i) % 1000;
                    let body = match op.as_str() {
                        "GetItem" => get_body(n),
                        "Query" => query_body(n),
                        _ => put_body(n),
                    };
                    let t0 = Instant::now();
                    let (status, _) = conn.call(&op, &body);
                    lat.push(t0.elapsed());
                    assert_eq!(status, 200);
                }
                lat
            })
        })
        .collect();
    let mut lat: Vec<Duration> = handles
        .into_iter()
        .flat_map(|h| h.join().unwrap())
        .collect();
    let wall = started.elapsed();
    let cpu = cpu_time(pid).saturating_sub(cpu0);
    lat.sort();
    let n = lat.len();
    Run {
        p50: lat[n / 2],
        p99: lat[n * 99 / 100],
        per_sec: n as f64 / wall.as_secs_f64(),
        cpu_per_req: cpu / n as u32,
    }
}

fn main() {
    if std::env::var("DYNOXIDE_BENCH_FLOOR").is_ok_and(|v| v == "1") {
        let port = std::env::args()
            .nth(1)
            .and_then(|p| p.parse().ok())
            .unwrap();
        return floor_server(port);
    }
    // `cargo test --benches` runs bench targets with --bench absent: keep that quick.
    let quick = !std::env::args().any(|a| a == "--bench");
    let per_conn: usize = std::env::var("DYNOXIDE_BENCH_REQUESTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(if quick { 50 } else { 5000 });
    let ours = env!("CARGO_BIN_EXE_dynoxide");
    let this = std::env::current_exe().unwrap().display().to_string();
    let mut targets = vec![
        ("floor", this, "{port}".to_string()),
        (
            "dynoxide",
            ours.to_string(),
            "--port {port} --log error".to_string(),
        ),
    ];
    if let Ok(bin) = std::env::var("DYNOXIDE_COMPARE_BIN") {
        let args =
            std::env::var("DYNOXIDE_COMPARE_ARGS").unwrap_or_else(|_| "--port {port}".into());
        targets.push(("compare", bin, args));
    }
    // Server CPU per request of the floor, by operation and connections.
    let mut floor = std::collections::BTreeMap::new();
    for (name, bin, args) in targets {
        // One start is one noisy sample: report the median and the best of several.
        let mut starts: Vec<Duration> = (0..if quick { 2 } else { 10 })
            .map(|_| start(name, &bin, &args).cold_start)
            .collect();
        let t = start(name, &bin, &args);
        starts.push(t.cold_start);
        starts.sort();
        let idle = rss_kb(t.child.id());
        let size = std::fs::metadata(&bin).map(|m| m.len()).unwrap_or(0);
        println!(
            "{}: binary {:.1} MB, cold start median {:.2} ms (best {:.2} ms, {} starts), idle RSS {:.1} MB",
            t.name,
            size as f64 / 1e6,
            starts[starts.len() / 2].as_secs_f64() * 1e3,
            starts[0].as_secs_f64() * 1e3,
            starts.len(),
            idle as f64 / 1024.0
        );
        setup(&t);
        for op in ["GetItem", "PutItem", "Query"] {
            for conns in [1, 4] {
                let r = run(&t, op, conns, per_conn);
                let cpu = r.cpu_per_req.as_secs_f64() * 1e6;
                let ratio = if name == "floor" {
                    floor.insert((op, conns), cpu);
                    String::new()
                } else {
                    floor
                        .get(&(op, conns))
                        .filter(|f| **f > 0.0)
                        .map_or(String::new(), |f| format!(" ({:.2}x the floor)", cpu / f))
                };
                println!(
                    "{}: {op} x{conns} conn: p50 {:.1} us, p99 {:.1} us, {:.0} req/s, server CPU {cpu:.1} us/req{ratio}",
                    t.name,
                    r.p50.as_secs_f64() * 1e6,
                    r.p99.as_secs_f64() * 1e6,
                    r.per_sec,
                );
            }
        }
    }
}
