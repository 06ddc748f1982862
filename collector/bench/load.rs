//! A load generator for `allo-collector` on loopback: POSTs valid submissions as fast as
//! `--concurrency` keep-alive connections allow for `--seconds`, then reports accepted
//! submissions per second and latency percentiles.
//!
//! ```text
//! cargo run --release -p allo-collector --example load -- --url http://127.0.0.1:8080 --seconds 10 --concurrency 32
//! ```
//!
//! `--url` may be repeated: connections are spread round robin over the collectors (several
//! collectors on one database, as behind a load balancer).
//!
//! `--ack-file PATH` writes the id of every submission answered 201 (the crash test compares
//! them with what survived); `--verify PATH` re-sends each id in such a file and counts how
//! many the collector already had (200) versus lost (201). One OS thread per connection and
//! a hand-rolled HTTP/1.1 client keep the generator's own cost small and predictable.
//! Every 5th submission is a callback request with a number of its own, so the duplicate
//! guard and its index are exercised too. Run the collector with `--rate-limit 0`.
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

struct Args {
    addr: SocketAddr,
    /// Every `--url`, in order (`addr` is the first).
    addrs: Vec<SocketAddr>,
    seconds: f64,
    concurrency: usize,
    ack_file: Option<String>,
    verify: Option<String>,
}

fn usage() -> ! {
    eprintln!(
        "usage: load --url http://HOST:PORT [--url …] [--seconds 10] [--concurrency 32] [--ack-file PATH]\n       load --url http://HOST:PORT --verify ACK_FILE"
    );
    std::process::exit(2)
}

fn parse_args() -> Args {
    let mut urls = Vec::new();
    let mut seconds = 10.0;
    let mut concurrency = 32;
    let mut ack_file = None;
    let mut verify = None;
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        let mut value = || it.next().unwrap_or_else(|| usage());
        match a.as_str() {
            "--url" => urls.push(value()),
            "--seconds" => seconds = value().parse().unwrap_or_else(|_| usage()),
            "--concurrency" => concurrency = value().parse().unwrap_or_else(|_| usage()),
            "--ack-file" => ack_file = Some(value()),
            "--verify" => verify = Some(value()),
            _ => usage(),
        }
    }
    if urls.is_empty() {
        usage();
    }
    let addrs: Vec<SocketAddr> = urls
        .iter()
        .map(|url| {
            url.strip_prefix("http://")
                .unwrap_or_else(|| usage())
                .trim_end_matches('/')
                .to_socket_addrs()
                .ok()
                .and_then(|mut a| a.next())
                .unwrap_or_else(|| usage())
        })
        .collect();
    let addr = addrs[0];
    Args {
        addr,
        addrs,
        seconds,
        concurrency: concurrency.max(1),
        ack_file,
        verify,
    }
}

/// A keep-alive HTTP/1.1 connection that reconnects after errors.
struct Conn {
    addr: SocketAddr,
    stream: Option<BufReader<TcpStream>>,
}

impl Conn {
    fn post(&mut self, id: &str, body: &str) -> std::io::Result<u16> {
        if self.stream.is_none() {
            let s = TcpStream::connect_timeout(&self.addr, Duration::from_secs(2))?;
            s.set_nodelay(true)?;
            s.set_read_timeout(Some(Duration::from_secs(30)))?;
            self.stream = Some(BufReader::new(s));
        }
        let result = self.exchange(id, body);
        if result.is_err() {
            self.stream = None;
        }
        result
    }

    fn exchange(&mut self, id: &str, body: &str) -> std::io::Result<u16> {
        let reader = self.stream.as_mut().expect("connected");
        let request = format!(
            "POST /v1/submissions HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\nIdempotency-Key: {id}\r\nContent-Length: {}\r\n\r\n{body}",
            self.addr,
            body.len()
        );
        reader.get_mut().write_all(request.as_bytes())?;
        let mut line = String::new();
        reader.read_line(&mut line)?;
        let status: u16 = line
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| std::io::Error::other(format!("bad status line {line:?}")))?;
        let mut length = 0usize;
        let mut close = false;
        loop {
            line.clear();
            reader.read_line(&mut line)?;
            let l = line.trim_end();
            if l.is_empty() {
                break;
            }
            if let Some((n, v)) = l.split_once(':') {
                if n.eq_ignore_ascii_case("content-length") {
                    length = v.trim().parse().unwrap_or(0);
                } else if n.eq_ignore_ascii_case("connection")
                    && v.trim().eq_ignore_ascii_case("close")
                {
                    close = true;
                }
            }
        }
        let mut body = vec![0u8; length];
        reader.read_exact(&mut body)?;
        if close {
            self.stream = None;
        }
        Ok(status)
    }
}

fn uuid(nonce: u64, worker: u64, n: u64) -> String {
    let mut bytes = [0u8; 16];
    bytes[..8].copy_from_slice(&nonce.to_be_bytes());
    bytes[8..12].copy_from_slice(&(worker as u32).to_be_bytes());
    bytes[12..].copy_from_slice(&(n as u32).to_be_bytes());
    allo_core::id::uuid_v4(bytes)
}

fn body(id: &str, callback_phone: Option<u64>) -> String {
    match callback_phone {
        None => format!(
            r#"{{"schema":"allo.submission/1","id":"{id}","kind":"feedback","created_at":"2026-11-23T18:00:00.000Z","locale":"fr-FR","page":{{"url":"https://shop.example/checkout","title":"Paiement","referrer":""}},"visitor":{{"name":"Ada","email":"ada@example.com"}},"feedback":{{"metric":"nps","score":9,"category":"Livraison","message":"Très bien, livraison rapide et emballage soigné."}},"client":{{"widget_version":"0.1.0","user_agent":"load","viewport":"1280x720"}}}}"#
        ),
        Some(n) => format!(
            r#"{{"schema":"allo.submission/1","id":"{id}","kind":"callback","created_at":"2026-11-23T18:00:00.000Z","locale":"en","visitor":{{"name":"Grace"}},"callback":{{"phone_e164":"+3361{:07}","phone_raw":"06 00 00 00 00","country":"FR","when":{{"mode":"asap"}},"timezone":"Europe/Paris","reason":"Order","urgent":false,"promise":{{"text":"We will call you within 2 hours.","due_by":"2026-11-23T20:00:00.000Z"}}}}}}"#,
            // 061… numbers: all assigned to mobiles in the numbering plan, so every one
            // passes the collector's full phone validation.
            n % 10_000_000
        ),
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

fn verify(args: &Args, path: &str) {
    let ids: Vec<String> = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{path}: {e}"))
        .lines()
        .map(str::to_owned)
        .filter(|l| !l.is_empty())
        .collect();
    let mut conn = Conn {
        addr: args.addr,
        stream: None,
    };
    let (mut stored, mut lost, mut other) = (0u64, 0u64, BTreeMap::new());
    for id in &ids {
        // A repeated id answers 200 when the collector has it; 201 means it had been lost
        // (and is stored only now).
        match conn.post(id, &body(id, None)) {
            Ok(200) => stored += 1,
            Ok(201) => lost += 1,
            Ok(s) => *other.entry(s.to_string()).or_insert(0u64) += 1,
            Err(e) => *other.entry(e.kind().to_string()).or_insert(0u64) += 1,
        }
    }
    println!(
        "acknowledged {} stored {stored} lost {lost} other {other:?}",
        ids.len()
    );
    if lost > 0 || !other.is_empty() {
        std::process::exit(1);
    }
}

fn main() {
    let args = parse_args();
    if let Some(path) = args.verify.clone() {
        return verify(&args, &path);
    }
    let nonce = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64
        ^ u64::from(std::process::id());
    let stop = Arc::new(AtomicBool::new(false));
    let phone = Arc::new(AtomicU64::new(nonce % 5_000_000));
    let acks = Arc::new(Mutex::new(Vec::<String>::new()));
    let start = Instant::now();
    let deadline = start + Duration::from_secs_f64(args.seconds);
    let workers: Vec<_> = (0..args.concurrency as u64)
        .map(|w| {
            let (stop, phone, acks) = (Arc::clone(&stop), Arc::clone(&phone), Arc::clone(&acks));
            let addr = args.addrs[w as usize % args.addrs.len()];
            std::thread::spawn(move || {
                let mut conn = Conn { addr, stream: None };
                let mut latencies = Vec::new();
                let mut statuses: BTreeMap<String, u64> = BTreeMap::new();
                let mut mine = Vec::new();
                let mut n = 0u64;
                while !stop.load(Ordering::Relaxed) && Instant::now() < deadline {
                    n += 1;
                    let id = uuid(nonce, w, n);
                    let cb = n
                        .is_multiple_of(5)
                        .then(|| phone.fetch_add(1, Ordering::Relaxed));
                    let b = body(&id, cb);
                    let t0 = Instant::now();
                    match conn.post(&id, &b) {
                        Ok(status) => {
                            if status == 201 {
                                latencies.push(t0.elapsed());
                                mine.push(id);
                            }
                            *statuses.entry(status.to_string()).or_insert(0) += 1;
                        }
                        Err(e) => {
                            *statuses.entry(format!("error: {}", e.kind())).or_insert(0) += 1;
                            // The server is gone or restarting: do not spin.
                            std::thread::sleep(Duration::from_millis(50));
                        }
                    }
                }
                acks.lock().unwrap().extend(mine);
                (latencies, statuses)
            })
        })
        .collect();
    let mut latencies = Vec::new();
    let mut statuses: BTreeMap<String, u64> = BTreeMap::new();
    for w in workers {
        let (l, s) = w.join().unwrap();
        latencies.extend(l);
        for (k, v) in s {
            *statuses.entry(k).or_insert(0) += v;
        }
    }
    let elapsed = start.elapsed().as_secs_f64();
    latencies.sort();
    let accepted = latencies.len();
    println!(
        "accepted {accepted} in {elapsed:.1} s = {:.0}/s with {} connections; latency of accepted: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms; answers {statuses:?}",
        accepted as f64 / elapsed,
        args.concurrency,
        percentile(&latencies, 0.50).as_secs_f64() * 1e3,
        percentile(&latencies, 0.99).as_secs_f64() * 1e3,
        latencies.last().copied().unwrap_or_default().as_secs_f64() * 1e3,
    );
    if let Some(path) = &args.ack_file {
        let ids = acks.lock().unwrap();
        let mut text = ids.join("\n");
        text.push('\n');
        std::fs::write(path, text).unwrap_or_else(|e| panic!("{path}: {e}"));
        println!("wrote {} acknowledged ids to {path}", ids.len());
    }
}
