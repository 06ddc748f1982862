//! Several collectors on one PostgreSQL, as real processes: three `allo-collector`s started
//! together on an empty schema (the migration lock), a client spreading 2,000 submissions
//! across them while one is killed with SIGKILL and restarted, a real webhook receiver and
//! the real SMTP test server. Then: every acknowledged submission is stored once, every
//! webhook id and every notification email arrived once (see below for the one exception a
//! SIGKILL allows), a session made on A works on B and C, and a status token made on one
//! works on the others (the key is shared through the database).
//!
//! The outbox's exactly-once holds between running collectors: a claim is an
//! `UPDATE … FOR UPDATE SKIP LOCKED` with a lease, so no two collectors ever send the same
//! row. A SIGKILL is different: a delivery the killed process had sent, but not yet marked
//! delivered, is sent again by another collector once its lease (60 s) runs out, with the
//! same webhook id and Message-ID (receivers dedupe on those). So the first half of the run,
//! with no kill, must be exactly once, and the second half may repeat at most the deliveries
//! the killed collector had in flight (its batch: 16).
mod common;

use std::collections::{HashMap, HashSet};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::pg::{query_strings, Schema};
use common::smtp::SmtpServer;
use common::{
    collector_command, feedback, post_form, send_raw, uuid, wait_for, Backend, Process, Receiver,
};

const TOKEN: &str = "test-inbox-token-0123456789";
const HALF: u64 = 1000;
/// Deliveries one collector has in flight at most (the outbox worker's batch).
const IN_FLIGHT: usize = 16;

/// One collector of the cluster.
type Node = Process;

fn start(url: &str, hook: &str, smtp_port: u16) -> Child {
    collector_command()
        .args(common::UNLIMITED)
        .args(["--database-url", url, "--inbox-token", TOKEN])
        .args(["--webhook-url", hook, "--webhook-retry", "200ms"])
        .args([
            "--smtp-host",
            "127.0.0.1",
            "--smtp-port",
            &smtp_port.to_string(),
        ])
        .args([
            "--smtp-from",
            "allo@shop.example",
            "--smtp-to",
            "owner@shop.example",
        ])
        .args(["--smtp-retry", "200ms", "--phone-limit", "0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap()
}

/// POSTs one submission to `addr`: the status, or `None` when the connection failed.
fn submit(addr: SocketAddr, body: &[u8]) -> Option<(u16, serde_json::Value)> {
    let mut raw = format!(
        "POST /v1/submissions HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    raw.extend_from_slice(body);
    let r = send_raw(addr, &raw).ok()?;
    if r.status == 0 {
        return None;
    }
    let json = serde_json::from_slice(&r.body).unwrap_or(serde_json::Value::Null);
    Some((r.status, json))
}

/// Sends submissions `range` from `threads` threads, round robin over `nodes` (re-read on
/// every request, so a restarted collector's new address is used), retrying a failed
/// connection on the next collector; returns the acknowledged ids with their status tokens.
fn load(
    nodes: &Arc<Mutex<Vec<SocketAddr>>>,
    range: std::ops::Range<u64>,
    threads: u64,
    sent: &Arc<AtomicUsize>,
) -> HashMap<String, String> {
    let acked = Arc::new(Mutex::new(HashMap::new()));
    let handles: Vec<_> = (0..threads)
        .map(|t| {
            let (nodes, acked, sent) = (Arc::clone(nodes), Arc::clone(&acked), Arc::clone(sent));
            let range = range.clone();
            std::thread::spawn(move || {
                for n in range.filter(|n| n % threads == t) {
                    let id = uuid(900_000 + n);
                    let body = serde_json::to_vec(&feedback(&id)).unwrap();
                    let mut turn = n as usize;
                    let deadline = Instant::now() + Duration::from_secs(60);
                    loop {
                        let addr = {
                            let nodes = nodes.lock().unwrap();
                            nodes[turn % nodes.len()]
                        };
                        turn += 1;
                        match submit(addr, &body) {
                            Some((201 | 200, json)) => {
                                let token = json["status_token"].as_str().unwrap_or("").to_owned();
                                acked.lock().unwrap().insert(id, token);
                                sent.fetch_add(1, Ordering::Relaxed);
                                break;
                            }
                            Some((status, json)) if status < 500 => {
                                panic!("{id}: {status} {json}")
                            }
                            // Killed mid-request or not up yet: the next collector.
                            _ => {
                                assert!(Instant::now() < deadline, "{id}: no collector answers");
                                std::thread::sleep(Duration::from_millis(20));
                            }
                        }
                    }
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    Arc::try_unwrap(acked).unwrap().into_inner().unwrap()
}

fn count(url: &str, sql: &str) -> usize {
    query_strings(url, &format!("SELECT ({sql})::text"))[0]
        .as_deref()
        .unwrap()
        .parse()
        .unwrap()
}

/// Waits until the outbox has nothing left to send.
fn drained(url: &str, limit: Duration) {
    wait_for(limit, "the outbox to drain", || {
        (count(
            url,
            "SELECT COUNT(*) FROM outbox WHERE delivered_at IS NULL AND failed_at IS NULL",
        ) == 0)
            .then_some(())
    });
}

/// How often each webhook id and each Message-ID arrived.
fn arrivals(
    hook: &Receiver,
    smtp: &SmtpServer,
) -> (HashMap<String, usize>, HashMap<String, usize>) {
    let mut hooks = HashMap::new();
    for d in hook.received() {
        *hooks
            .entry(d.header("webhook-id").unwrap().to_owned())
            .or_default() += 1;
    }
    let mut mails = HashMap::new();
    for m in smtp.received() {
        *mails
            .entry(m.header("Message-ID").unwrap().to_owned())
            .or_default() += 1;
    }
    (hooks, mails)
}

#[test]
fn three_collectors_on_one_postgres_lose_and_double_nothing() {
    let Some(Backend::Postgres(base)) = Backend::postgres("three_collectors_on_one_postgres")
    else {
        return;
    };
    let began = Instant::now();
    let schema = Schema::new(&base);
    let url = schema.url.clone();
    let hook = Receiver::start();
    let smtp = SmtpServer::start_on(common::free_port(), None);
    // All three at once on an empty schema: the advisory lock lets one migrate, the others
    // wait and find the schema current.
    let children: Vec<Child> = (0..3)
        .map(|_| start(&url, &hook.url(), smtp.port))
        .collect();
    let mut nodes: Vec<Node> = children.into_iter().map(Process::ready).collect();
    assert_eq!(
        count(&url, "SELECT COUNT(*) FROM allo_schema_version"),
        1,
        "one version row"
    );
    let addrs = Arc::new(Mutex::new(nodes.iter().map(|n| n.addr).collect::<Vec<_>>()));
    let sent = Arc::new(AtomicUsize::new(0));

    // First half, three collectors running: every delivery exactly once.
    let mut acked = load(&addrs, 0..HALF, 8, &sent);
    eprintln!(
        "cluster: first half acknowledged at {:.1} s",
        began.elapsed().as_secs_f64()
    );
    drained(&url, Duration::from_secs(180));
    eprintln!(
        "cluster: first half delivered at {:.1} s",
        began.elapsed().as_secs_f64()
    );
    let (hooks, mails) = wait_for(Duration::from_secs(30), "first-half arrivals", || {
        let (h, m) = arrivals(&hook, &smtp);
        (h.len() as u64 == HALF && m.len() as u64 == HALF).then_some((h, m))
    });
    let doubled: Vec<_> = hooks
        .iter()
        .chain(&mails)
        .filter(|(_, n)| **n > 1)
        .collect();
    assert!(doubled.is_empty(), "doubled while all ran: {doubled:?}");
    let first_half: HashSet<String> = hooks.keys().cloned().collect();

    // Second half: B is killed with SIGKILL a third of the way in, then restarted.
    let killer = {
        let (addrs, sent) = (Arc::clone(&addrs), Arc::clone(&sent));
        let b = nodes.remove(1);
        let (url, hook_url, smtp_port) = (url.clone(), hook.url(), smtp.port);
        std::thread::spawn(move || {
            while sent.load(Ordering::Relaxed) < (HALF + HALF / 3) as usize {
                std::thread::sleep(Duration::from_millis(5));
            }
            let mut b = b;
            Command::new("kill")
                .args(["-KILL", &b.child.id().to_string()])
                .status()
                .unwrap();
            let _ = b.child.wait();
            let old = b.addr;
            let restarted = Process::ready(start(&url, &hook_url, smtp_port));
            let mut list = addrs.lock().unwrap();
            for a in list.iter_mut() {
                if *a == old {
                    *a = restarted.addr;
                }
            }
            drop(list);
            drop(b);
            restarted
        })
    };
    acked.extend(load(&addrs, HALF..2 * HALF, 8, &sent));
    nodes.insert(1, killer.join().unwrap());
    eprintln!(
        "cluster: second half acknowledged at {:.1} s",
        began.elapsed().as_secs_f64()
    );

    // Every acknowledged submission stored, once (the id is the primary key).
    assert_eq!(acked.len() as u64, 2 * HALF);
    assert_eq!(
        count(&url, "SELECT COUNT(*) FROM submissions"),
        2 * HALF as usize
    );
    let stored: HashSet<String> = query_strings(&url, "SELECT id FROM submissions")
        .into_iter()
        .flatten()
        .collect();
    assert!(acked.keys().all(|id| stored.contains(id)));
    // One webhook and one email queued per submission, each delivered: rows a killed
    // collector had leased come back after the lease.
    assert_eq!(
        count(&url, "SELECT COUNT(*) FROM outbox"),
        4 * HALF as usize
    );
    drained(&url, Duration::from_secs(180));
    let (hooks, mails) = wait_for(Duration::from_secs(30), "all arrivals", || {
        let (h, m) = arrivals(&hook, &smtp);
        (h.len() as u64 == 2 * HALF && m.len() as u64 == 2 * HALF).then_some((h, m))
    });
    let repeated = |seen: &HashMap<String, usize>| -> usize { seen.values().map(|n| n - 1).sum() };
    let (hook_repeats, mail_repeats) = (repeated(&hooks), repeated(&mails));
    eprintln!(
        "cluster: {} submissions, webhooks repeated after the SIGKILL: {hook_repeats}, \
         emails: {mail_repeats}, {:.1} s",
        acked.len(),
        began.elapsed().as_secs_f64()
    );
    assert!(
        hook_repeats <= IN_FLIGHT && mail_repeats <= IN_FLIGHT,
        "more repeats than the killed collector had in flight"
    );
    assert!(
        hooks
            .iter()
            .filter(|(id, _)| first_half.contains(*id))
            .all(|(_, n)| *n == 1),
        "the first half was not sent again"
    );

    // A session made on A works on B and C; logging out on C ends it on A.
    common::add_account(
        &allo_collector::config::DatabaseUrl::Postgres(url.clone()),
        "ada@shop.example",
        "owner",
    );
    let r = post_form(
        nodes[0].addr,
        "/inbox/login",
        &[],
        &[
            ("email", "ada@shop.example"),
            ("password", common::PASSWORD),
        ],
    );
    assert_eq!(r.status, 303, "{r:?}");
    let cookie = r.cookie();
    for node in &nodes {
        let r = common::send(node.addr, "GET", "/inbox", &[("Cookie", &cookie)], b"");
        assert_eq!(r.status, 200, "{}", node.addr);
    }
    // A status token made by one collector is good on every other (one key in the database).
    let (id, token) = acked.iter().next().unwrap();
    for node in &nodes {
        let r = common::send(
            node.addr,
            "GET",
            &format!("/v1/submissions/{id}/status"),
            &[("Authorization", &format!("Bearer {token}"))],
            b"",
        );
        assert_eq!(r.status, 200, "{}: {r:?}", node.addr);
    }
}
