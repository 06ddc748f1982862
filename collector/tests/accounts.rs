//! Inbox accounts over real HTTP, on SQLite and PostgreSQL: the role matrix (every inbox
//! route × owner, agent, API token, nobody), login limits and the one answer for unknown
//! emails, sessions in the database (a restart and a second collector accept them;
//! disabling and password changes revoke them), the accounts page, assignment ("Take it",
//! Mine, Unassigned, reassign) with the account in the history, and the `user` CLI with the
//! password on stdin.
mod common;

use std::io::Write;
use std::process::{Command, Stdio};

use common::{callback, feedback, get_bearer, post_form, send, uuid, Backend, TestDb, TestServer};

const TOKEN: &str = "test-inbox-token-0123456789";

on_both_backends!(
    every_route_answers_each_role_as_the_matrix_says,
    logins_are_limited_and_unknown_emails_answer_like_wrong_passwords,
    sessions_survive_a_restart_and_are_shared_by_collectors_on_one_database,
    owners_manage_accounts_in_the_inbox_and_revoke_sessions,
    take_it_mine_unassigned_and_reassign,
);

fn with_inbox(c: &mut allo_collector::Config) {
    c.inbox_token = Some(TOKEN.into());
}

fn html(r: &common::Response) -> String {
    String::from_utf8_lossy(&r.body).into_owned()
}

fn csrf_of(page: &str) -> String {
    let start = page.find("name=\"csrf\" value=\"").expect("a csrf field") + 19;
    page[start..].split('"').next().unwrap().to_owned()
}

fn post_sub(server: &TestServer, sub: &serde_json::Value) {
    let r = server.post_json(&serde_json::to_vec(sub).unwrap(), &[]);
    assert_eq!(r.status, 201, "{r:?}");
}

/// Who makes the request in the matrix.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Who {
    Owner,
    Agent,
    Token,
    Nobody,
}

fn every_route_answers_each_role_as_the_matrix_says(backend: Backend) {
    use Who::*;
    let server = TestServer::start_on(&backend, with_inbox);
    let id = uuid(1700);
    post_sub(&server, &callback(&id));
    let owner = server.login_as("olga@shop.example", "owner");
    let agent = server.login_as("abel@shop.example", "agent");
    let victim = server.add_account("victim@shop.example", "agent");
    let owner_csrf = csrf_of(&html(&server.get("/inbox", &[("Cookie", &owner)])));
    let agent_csrf = csrf_of(&html(&server.get("/inbox", &[("Cookie", &agent)])));
    let item = format!("/inbox/item/{id}");
    let account = format!("/inbox/accounts/{victim}");
    // (method, path, form, [owner, agent, token, nobody]). 303 is a done form; 200 a page.
    // Forms are sent with the caller's own CSRF token, so what is tested is the role.
    type Row<'a> = (&'a str, &'a str, Vec<(&'a str, &'a str)>, [u16; 4]);
    let item_status = format!("{item}/status");
    let item_attempt = format!("{item}/attempt");
    let item_assign = format!("{item}/assign");
    let item_reply = format!("{item}/reply");
    let matrix: Vec<Row> = vec![
        ("GET", "/inbox", vec![], [200, 200, 200, 401]),
        ("GET", "/inbox?view=callbacks", vec![], [200, 200, 200, 401]),
        (
            "GET",
            "/inbox?view=callbacks&assigned=mine",
            vec![],
            [200, 200, 400, 401],
        ),
        ("GET", "/inbox?assigned=none", vec![], [200, 200, 200, 401]),
        ("GET", "/inbox/inbox.css", vec![], [200, 200, 200, 200]),
        ("GET", "/inbox/queue.js", vec![], [200, 200, 200, 200]),
        ("GET", "/inbox/queue/stamp", vec![], [200, 200, 200, 401]),
        ("GET", "/inbox/queue/fragment", vec![], [200, 200, 200, 401]),
        ("GET", &item, vec![], [200, 200, 200, 401]),
        (
            "POST",
            &item_status,
            vec![("status", "scheduled")],
            [303, 303, 303, 401],
        ),
        (
            "POST",
            &item_attempt,
            vec![("outcome", "no_answer")],
            [303, 303, 303, 401],
        ),
        ("POST", &item_assign, vec![("to", "")], [303, 303, 303, 401]),
        (
            "POST",
            &item_reply,
            vec![("body", "Hello")],
            // No visitor emails in this collector: a 400 naming that, for whoever may work.
            [400, 400, 400, 401],
        ),
        ("GET", "/inbox/insights", vec![], [200, 403, 200, 401]),
        ("GET", "/inbox/insights.csv", vec![], [200, 403, 200, 401]),
        ("GET", "/inbox/export.csv", vec![], [200, 403, 200, 401]),
        ("GET", "/inbox/export.json", vec![], [200, 403, 200, 401]),
        ("GET", "/inbox/accounts", vec![], [200, 403, 200, 401]),
        (
            "POST",
            "/inbox/accounts",
            vec![
                ("email", "new@shop.example"),
                ("role", "agent"),
                ("password", "long enough password"),
            ],
            [303, 403, 409, 401],
        ),
        (
            "POST",
            &account,
            vec![("action", "role"), ("role", "agent")],
            [303, 403, 303, 401],
        ),
        ("GET", "/inbox/login", vec![], [303, 303, 303, 200]),
        ("GET", "/inbox/nope", vec![], [404, 404, 404, 401]),
        (
            "POST",
            "/inbox/logout/everywhere",
            vec![],
            [303, 303, 303, 401],
        ),
    ];
    for (method, path, fields, expected) in &matrix {
        for (who, want) in [Owner, Agent, Token, Nobody].into_iter().zip(expected) {
            let bearer = format!("Bearer {TOKEN}");
            let mut headers: Vec<(&str, &str)> = Vec::new();
            let mut fields = fields.clone();
            match who {
                Owner => {
                    headers.push(("Cookie", &owner));
                    fields.push(("csrf", &owner_csrf));
                }
                Agent => {
                    headers.push(("Cookie", &agent));
                    fields.push(("csrf", &agent_csrf));
                }
                Token => headers.push(("Authorization", &bearer)),
                Nobody => {}
            }
            let r = if *method == "GET" {
                send(server.addr, "GET", path, &headers, b"")
            } else {
                post_form(server.addr, path, &headers, &fields)
            };
            // "log out everywhere" ends the sessions: run it last for each caller only.
            assert_eq!(r.status, *want, "{method} {path} as {who:?}: {r:?}");
        }
        if path.ends_with("everywhere") {
            // Both sessions are gone now.
            assert_eq!(server.get("/inbox", &[("Cookie", &owner)]).status, 401);
            assert_eq!(server.get("/inbox", &[("Cookie", &agent)]).status, 401);
        }
    }
    // An agent does not even see the links it may not follow.
    let agent = server.login_as("abel@shop.example", "agent");
    let page = html(&server.get("/inbox", &[("Cookie", &agent)]));
    assert!(!page.contains("/inbox/export.csv") && !page.contains("/inbox/accounts"));
    assert!(!page.contains("/inbox/insights"));
    let owner = server.login_as("olga@shop.example", "owner");
    let page = html(&server.get("/inbox", &[("Cookie", &owner)]));
    assert!(page.contains("/inbox/export.csv") && page.contains("/inbox/accounts"));
    assert!(page.contains("/inbox/insights"));
}

fn login(server: &TestServer, email: &str, password: &str) -> common::Response {
    post_form(
        server.addr,
        "/inbox/login",
        &[],
        &[("email", email), ("password", password)],
    )
}

fn logins_are_limited_and_unknown_emails_answer_like_wrong_passwords(backend: Backend) {
    // The per-instance limit on wrong credentials off: what is tested is the database's.
    let server = TestServer::start_on(&backend, |c| {
        with_inbox(c);
        c.auth_failure_limit = 0;
    });
    server.add_account("ada@shop.example", "owner");
    // The same status and page for a wrong password and an unknown email. That both take the
    // same time (an unknown email verifies a dummy Argon2id hash) is checked exactly in
    // `auth`'s unit tests by counting verifications: a wall-clock comparison here would only
    // measure the load of a shared machine.
    let wrong = login(&server, "ada@shop.example", "not the password");
    let unknown = login(&server, "nobody@shop.example", "not the password");
    assert_eq!(wrong.status, 401);
    assert_eq!(
        (wrong.status, html(&wrong)),
        (unknown.status, html(&unknown))
    );
    assert!(html(&wrong).contains("That email and password do not match an account."));
    // Four more wrong passwords (five in all): the account is then refused, even with the
    // right one, with a clear message and Retry-After.
    for _ in 0..4 {
        assert_eq!(
            login(&server, "ada@shop.example", "still wrong").status,
            401
        );
    }
    let r = login(&server, "ada@shop.example", common::PASSWORD);
    assert_eq!(r.status, 429, "{r:?}");
    let retry: u64 = r.header("retry-after").unwrap().parse().unwrap();
    assert!((800..=900).contains(&retry), "{retry}");
    assert!(html(&r).contains("Too many attempts"));
    // The unknown email is limited the same way (the limit tells nothing about who exists).
    for _ in 0..4 {
        assert_eq!(login(&server, "nobody@shop.example", "x").status, 401);
    }
    assert_eq!(login(&server, "nobody@shop.example", "x").status, 429);
    // Per address: 20 wrong ones from 127.0.0.1 in all (5 + 5 so far).
    server.add_account("bo@shop.example", "agent");
    for i in 0..10 {
        let r = login(&server, &format!("guess{i}@shop.example"), "x");
        assert_eq!(r.status, 401, "{i}");
    }
    assert_eq!(
        login(&server, "bo@shop.example", common::PASSWORD).status,
        429
    );
}

fn sessions_survive_a_restart_and_are_shared_by_collectors_on_one_database(backend: Backend) {
    let db = TestDb::new(&backend);
    let mut a = TestServer::start_db(&db, with_inbox);
    let cookie = a.login_as("ada@shop.example", "owner");
    assert_eq!(a.get("/inbox", &[("Cookie", &cookie)]).status, 200);
    if matches!(backend, Backend::Postgres(_)) {
        // A second collector on the same database accepts the session at once.
        let b = TestServer::start_db(&db, with_inbox);
        assert_eq!(b.get("/inbox", &[("Cookie", &cookie)]).status, 200);
    }
    a.shutdown();
    let a = TestServer::start_db(&db, with_inbox);
    assert_eq!(
        a.get("/inbox", &[("Cookie", &cookie)]).status,
        200,
        "a restart logs nobody out"
    );
    // Without the token, accounts alone open the inbox.
    let no_token = TestServer::start_db(&db, |_| {});
    assert_eq!(no_token.get("/inbox", &[("Cookie", &cookie)]).status, 200);
    assert_eq!(
        get_bearer(no_token.addr, "/inbox", TOKEN).status,
        401,
        "no token configured: no Bearer accepted"
    );
}

fn owners_manage_accounts_in_the_inbox_and_revoke_sessions(backend: Backend) {
    let server = TestServer::start_on(&backend, with_inbox);
    let owner = server.login_as("olga@shop.example", "owner");
    let page = html(&server.get("/inbox/accounts", &[("Cookie", &owner)]));
    let csrf = csrf_of(&page);
    let post = |path: &str, fields: &[(&str, &str)]| {
        let mut all = fields.to_vec();
        all.push(("csrf", &csrf));
        post_form(server.addr, path, &[("Cookie", &owner)], &all)
    };
    // Bad input is a 4xx naming the problem.
    for (fields, status, says) in [
        (
            vec![
                ("email", "not-an-email"),
                ("role", "agent"),
                ("password", "long enough pw"),
            ],
            400,
            "is not an email address",
        ),
        (
            vec![
                ("email", "bo@shop.example"),
                ("role", "boss"),
                ("password", "long enough pw"),
            ],
            400,
            "unknown role",
        ),
        (
            vec![
                ("email", "bo@shop.example"),
                ("role", "agent"),
                ("password", "short"),
            ],
            400,
            "a password needs 10",
        ),
        (
            vec![
                ("email", "OLGA@shop.example"),
                ("role", "agent"),
                ("password", "long enough pw"),
            ],
            409,
            "already exists",
        ),
    ] {
        let r = post("/inbox/accounts", &fields);
        assert_eq!(r.status, status, "{fields:?}");
        assert!(html(&r).contains(says), "{fields:?}: {}", html(&r));
    }
    let r = post(
        "/inbox/accounts",
        &[
            ("email", "Bo@Shop.example"),
            ("name", "Bo"),
            ("role", "agent"),
            ("password", "bo's long password"),
        ],
    );
    assert_eq!(r.status, 303);
    let page = html(&server.get("/inbox/accounts", &[("Cookie", &owner)]));
    assert!(
        page.contains("bo@shop.example") && page.contains("Agent"),
        "{page}"
    );
    // Bo logs in with the password the owner chose.
    let r = login(&server, "bo@shop.example", "bo's long password");
    assert_eq!(r.status, 303);
    let bo = r.cookie();
    assert_eq!(server.get("/inbox", &[("Cookie", &bo)]).status, 200);
    let id_after = |email: &str| {
        // The first form after an account's email names its id.
        let after = &page[page.find(email).unwrap()..];
        let s = after.find("/inbox/accounts/").unwrap() + 16;
        after[s..].split('"').next().unwrap().to_owned()
    };
    let bo_id = id_after("bo@shop.example");
    let path = format!("/inbox/accounts/{bo_id}");
    // A new password ends Bo's sessions; the new one works, the old one not.
    assert_eq!(
        post(&path, &[("action", "password"), ("password", "x")]).status,
        400
    );
    assert_eq!(
        post(
            &path,
            &[("action", "password"), ("password", "a new long password")]
        )
        .status,
        303
    );
    assert_eq!(server.get("/inbox", &[("Cookie", &bo)]).status, 401);
    assert_eq!(
        login(&server, "bo@shop.example", "bo's long password").status,
        401
    );
    let bo = {
        let r = login(&server, "bo@shop.example", "a new long password");
        assert_eq!(r.status, 303);
        r.cookie()
    };
    // Promoted, Bo may export; disabled, Bo is logged out and cannot log in.
    assert_eq!(
        server.get("/inbox/export.csv", &[("Cookie", &bo)]).status,
        403
    );
    assert_eq!(
        post(&path, &[("action", "role"), ("role", "owner")]).status,
        303
    );
    assert_eq!(
        server.get("/inbox/export.csv", &[("Cookie", &bo)]).status,
        200
    );
    assert_eq!(post(&path, &[("action", "disable")]).status, 303);
    assert_eq!(server.get("/inbox", &[("Cookie", &bo)]).status, 401);
    assert_eq!(
        login(&server, "bo@shop.example", "a new long password").status,
        401
    );
    assert_eq!(post(&path, &[("action", "enable")]).status, 303);
    assert_eq!(
        login(&server, "bo@shop.example", "a new long password").status,
        303
    );
    assert_eq!(post(&path, &[("action", "explode")]).status, 400);
    // The last enabled owner cannot be demoted or disabled: nobody could manage accounts.
    assert_eq!(post(&path, &[("action", "disable")]).status, 303);
    let me = id_after("olga@shop.example");
    let r = post(
        &format!("/inbox/accounts/{me}"),
        &[("action", "role"), ("role", "agent")],
    );
    assert_eq!(r.status, 409);
    assert!(html(&r).contains("last enabled owner"));
    assert_eq!(
        post(&format!("/inbox/accounts/{me}"), &[("action", "disable")]).status,
        409
    );
    assert_eq!(
        post("/inbox/accounts/999999", &[("action", "enable")]).status,
        404
    );
}

fn take_it_mine_unassigned_and_reassign(backend: Backend) {
    let server = TestServer::start_on(&backend, with_inbox);
    let (a, b, c) = (uuid(1710), uuid(1711), uuid(1712));
    post_sub(&server, &callback(&a));
    post_sub(
        &server,
        &common::callback_for(&b, "+33611111111", false, "2026-11-24T11:00:00.000Z"),
    );
    post_sub(&server, &feedback(&c));
    let ada = server.login_as("ada@shop.example", "agent");
    let bo_id = server.add_account("bo@shop.example", "agent");
    let queue = html(&server.get("/inbox?view=callbacks", &[("Cookie", &ada)]));
    let csrf = csrf_of(&queue);
    assert_eq!(queue.matches(">Take it</button>").count(), 2, "{queue}");
    // Take it from the queue: back to the queue, with the filter kept.
    let r = post_form(
        server.addr,
        &format!("/inbox/item/{a}/assign"),
        &[("Cookie", &ada)],
        &[
            ("csrf", &csrf),
            ("to", "me"),
            ("back", "queue"),
            ("assigned", "none"),
        ],
    );
    assert_eq!(r.status, 303);
    assert_eq!(
        r.header("location"),
        Some("/inbox?view=callbacks&assigned=none")
    );
    let mine = html(&server.get("/inbox?view=callbacks&assigned=mine", &[("Cookie", &ada)]));
    assert!(mine.contains(&a) && !mine.contains(&b), "{mine}");
    assert!(mine.contains("Taken by you"));
    let unassigned = html(&server.get("/inbox?view=callbacks&assigned=none", &[("Cookie", &ada)]));
    assert!(!unassigned.contains(&format!("q-{a}")) && unassigned.contains(&format!("q-{b}")));
    // The live fragment follows the same filter.
    let fragment = html(&server.get(
        "/inbox/queue/fragment?view=callbacks&assigned=mine",
        &[("Cookie", &ada)],
    ));
    assert!(fragment.contains(&a) && !fragment.contains(&b));
    // The list filters too, and shows who took what.
    let list = html(&server.get("/inbox?assigned=none", &[("Cookie", &ada)]));
    assert!(!list.contains(&a) && list.contains(&b) && list.contains(&c));
    let list = html(&server.get("/inbox", &[("Cookie", &ada)]));
    assert!(list.contains("taken by you"));
    // Reassign to Bo from the item page; the history names the account that acted.
    let r = post_form(
        server.addr,
        &format!("/inbox/item/{a}/assign"),
        &[("Cookie", &ada)],
        &[("csrf", &csrf), ("to", &bo_id.to_string())],
    );
    assert_eq!(r.status, 303);
    assert_eq!(
        r.header("location"),
        Some(format!("/inbox/item/{a}").as_str())
    );
    let item = html(&server.get(&format!("/inbox/item/{a}"), &[("Cookie", &ada)]));
    assert!(item.contains("Taken by bo@shop.example"), "{item}");
    assert!(item.contains(">Take it over</button>"));
    assert!(
        item.contains("data-label=\"Who\">ada@shop.example<")
            && item.contains("Assigned to bo@shop.example")
    );
    let mine = html(&server.get("/inbox?view=callbacks&assigned=mine", &[("Cookie", &ada)]));
    assert!(!mine.contains(&format!("q-{a}")));
    // Bad targets are 400s; an unknown item is a 404; nobody unassigns.
    for to in ["999999", "bo", "-1"] {
        let r = post_form(
            server.addr,
            &format!("/inbox/item/{a}/assign"),
            &[("Cookie", &ada)],
            &[("csrf", &csrf), ("to", to)],
        );
        assert_eq!(r.status, 400, "{to}");
    }
    let r = post_form(
        server.addr,
        &format!("/inbox/item/{}/assign", uuid(1799)),
        &[("Cookie", &ada)],
        &[("csrf", &csrf), ("to", "me")],
    );
    assert_eq!(r.status, 404);
    let r = post_form(
        server.addr,
        &format!("/inbox/item/{a}/assign"),
        &[("Cookie", &ada)],
        &[("csrf", &csrf), ("to", "")],
    );
    assert_eq!(r.status, 303);
    let item = html(&server.get(&format!("/inbox/item/{a}"), &[("Cookie", &ada)]));
    assert!(item.contains("Nobody has taken it yet") && item.contains("Unassigned"));
    // Without the CSRF token nothing changes.
    let r = post_form(
        server.addr,
        &format!("/inbox/item/{a}/assign"),
        &[("Cookie", &ada)],
        &[("to", "me")],
    );
    assert_eq!(r.status, 403);
}

/// Runs the binary's `user` command on `db` with `stdin`; (status, stdout, stderr).
fn user(db: &std::path::Path, args: &[&str], stdin: &str) -> (i32, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_allo-collector"))
        .arg("user")
        .args(args)
        .env("ALLO_DB", db)
        .env_remove("ALLO_DATABASE_URL")
        .env_remove("DATABASE_URL")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn the_user_command_reads_passwords_from_stdin_and_manages_accounts() {
    let dir = common::TempDir::new("users");
    let db = dir.path().join("allo.sqlite");
    let (code, out, err) = user(
        &db,
        &[
            "add",
            "Ada@Shop.example",
            "--role",
            "owner",
            "--name",
            "Ada",
        ],
        "correct horse battery\n",
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(out.trim(), "added ada@shop.example (owner)");
    let (code, _, err) = user(&db, &["add", "ada@shop.example"], "correct horse battery\n");
    assert_eq!(code, 2);
    assert!(err.contains("already exists"), "{err}");
    let (code, _, err) = user(&db, &["add", "bo@shop.example"], "short\n");
    assert_eq!(code, 2);
    assert!(err.contains("a password needs 10"), "{err}");
    let (code, _, err) = user(&db, &["add", "not-an-email"], "correct horse battery\n");
    assert_eq!(code, 2);
    assert!(err.contains("not an email address"), "{err}");
    assert_eq!(
        user(&db, &["add", "bo@shop.example"], "bo's long password\n").0,
        0
    );
    let (_, out, _) = user(&db, &["list"], "");
    assert_eq!(
        out,
        "ada@shop.example\towner\tenabled\tAda\nbo@shop.example\tagent\tenabled\t\n"
    );
    // The last owner stays; agents can be disabled, enabled, promoted.
    let (code, _, err) = user(&db, &["disable", "ada@shop.example"], "");
    assert_eq!(code, 2);
    assert!(err.contains("last enabled owner"), "{err}");
    assert_eq!(user(&db, &["disable", "bo@shop.example"], "").0, 0);
    assert!(user(&db, &["list"], "")
        .1
        .contains("bo@shop.example\tagent\tdisabled"));
    assert_eq!(user(&db, &["enable", "bo@shop.example"], "").0, 0);
    assert_eq!(user(&db, &["role", "bo@shop.example", "owner"], "").0, 0);
    let (code, _, err) = user(&db, &["disable", "nobody@shop.example"], "");
    assert_eq!(code, 2);
    assert!(err.contains("no account has the email"), "{err}");
    // A new password works in the inbox; the old one no longer does.
    assert_eq!(
        user(
            &db,
            &["reset-password", "bo@shop.example"],
            "a brand new password\n"
        )
        .0,
        0
    );
    let server = TestServer::start_with(|c| c.db = db.clone());
    assert_eq!(
        login(&server, "bo@shop.example", "bo's long password").status,
        401
    );
    assert_eq!(
        login(&server, "bo@shop.example", "a brand new password").status,
        303
    );
    // The stored hash is Argon2id with the documented parameters; no password is stored.
    let conn = rusqlite::Connection::open(&db).unwrap();
    let hash: String = conn
        .query_row(
            "SELECT password_hash FROM accounts WHERE email = 'bo@shop.example'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(
        hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
        "{hash}"
    );
    // Sessions keep only the id's hash.
    let r = login(&server, "ada@shop.example", "correct horse battery");
    let cookie = r.header("set-cookie").unwrap();
    let id = cookie.split(';').next().unwrap().split('=').nth(1).unwrap();
    let stored: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM sessions WHERE id_hash = ?1 OR csrf = ?1",
            [id],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(stored, 0, "the cookie value is not in the database");
}
