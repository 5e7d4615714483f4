//! Static files and compression over real HTTP, on SQLite and PostgreSQL: the
//! hashed bundle is sent as its brotli or gzip copy by negotiation and cached
//! for a year; other files revalidate (304); pages are compressed when the
//! client accepts it and stay private; PDFs are sent as they are; accepted
//! sockets have TCP_NODELAY.
//!
//! The site folder is a fixture laid out as scripts/build-site.sh lays it out
//! (hash.txt, `pkg/quittance.<hash>.{js,wasm,css}` with `.br` and `.gz`
//! copies, favicon), so these tests do not need a wasm build.
use crate::common;

use crate::common::{TestApp, TestDb, company_and_customer, config_for, issued_invoice};
use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::OnceLock;

const JS_HASH: &str = "0123456789abcdef";
const WASM_HASH: &str = "fedcba9876543210";
const CSS_HASH: &str = "00112233aabbccdd";

static SITE: OnceLock<PathBuf> = OnceLock::new();

fn js_path() -> String {
    format!("/pkg/quittance.{JS_HASH}.js")
}

fn wasm_path() -> String {
    format!("/pkg/quittance.{WASM_HASH}.wasm")
}

fn gzip(data: &[u8], args: &[&str]) -> Vec<u8> {
    let mut child = Command::new("gzip")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("gzip runs");
    let mut stdin = child.stdin.take().expect("stdin");
    let input = data.to_vec();
    let feeder = std::thread::spawn(move || stdin.write_all(&input));
    let out = child.wait_with_output().expect("gzip output");
    feeder.join().expect("feeder").expect("gzip input");
    assert!(out.status.success(), "gzip {args:?} failed");
    out.stdout
}

fn gunzip(data: &[u8]) -> Vec<u8> {
    gzip(data, &["-dc"])
}

/// Writes `name` and its `.gz` (real gzip) and `.br` copies; the server never
/// decodes the brotli copy, so its bytes only have to be recognisable.
fn with_copies(dir: &std::path::Path, name: &str, content: &[u8]) {
    std::fs::write(dir.join(name), content).expect("file");
    std::fs::write(
        dir.join(format!("{name}.gz")),
        gzip(content, &["-9", "-n", "-c"]),
    )
    .expect("gz");
    std::fs::write(
        dir.join(format!("{name}.br")),
        format!("brotli copy of {name}"),
    )
    .expect("br");
}

/// The fixture site, made once per test process; servers are configured to serve it.
fn fixture_site() -> &'static PathBuf {
    SITE.get_or_init(make_fixture_site)
}

fn make_fixture_site() -> PathBuf {
    let root = std::env::temp_dir().join(format!("quittance_assets_site_{}", std::process::id()));
    let pkg = root.join("pkg");
    std::fs::create_dir_all(&pkg).expect("site folder");
    std::fs::write(
        root.join("hash.txt"),
        format!("js: {JS_HASH}\nwasm: {WASM_HASH}\ncss: {CSS_HASH}\n"),
    )
    .expect("hash.txt");
    let js = "export default async function init(m) { return m; }\n".repeat(40);
    with_copies(&pkg, &format!("quittance.{JS_HASH}.js"), js.as_bytes());
    let mut wasm = b"\0asm\x01\0\0\0".to_vec();
    wasm.extend(std::iter::repeat_n(0u8, 4096));
    with_copies(&pkg, &format!("quittance.{WASM_HASH}.wasm"), &wasm);
    with_copies(
        &pkg,
        &format!("quittance.{CSS_HASH}.css"),
        "body { margin: 0 }\n".repeat(40).as_bytes(),
    );
    std::fs::write(
        root.join("favicon.svg"),
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16"/></svg>"#,
    )
    .expect("favicon");
    root
}

/// The app serving the fixture site.
async fn start(db: &TestDb) -> TestApp {
    start_seeded(db, false).await
}

async fn start_seeded(db: &TestDb, seed: bool) -> TestApp {
    let mut config = config_for(&db.url);
    config.site_root = Some(fixture_site().to_string_lossy().into_owned());
    TestApp::start_configured(seed, Arc::new(reqwest::cookie::Jar::default()), config).await
}

fn header(res: &reqwest::Response, name: &str) -> String {
    res.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string()
}

async fn get_encoded(app: &TestApp, path: &str, accept: Option<&str>) -> reqwest::Response {
    let mut req = app.client.get(app.url(path));
    if let Some(accept) = accept {
        req = req.header("Accept-Encoding", accept);
    }
    req.send().await.expect("get")
}

fn site_file(path: &str) -> Vec<u8> {
    let root = fixture_site();
    std::fs::read(root.join(path.trim_start_matches('/'))).expect("fixture file")
}

async fn the_bundle_is_sent_as_brotli_or_gzip_as_the_client_accepts(db: &TestDb) {
    let app = start(db).await;
    let js = js_path();

    let br = get_encoded(&app, &js, Some("gzip, deflate, br")).await;
    assert_eq!(br.status(), 200);
    assert_eq!(header(&br, "content-encoding"), "br");
    assert!(header(&br, "content-type").contains("javascript"));
    assert!(
        header(&br, "vary")
            .to_ascii_lowercase()
            .contains("accept-encoding")
    );
    assert_eq!(
        br.bytes().await.expect("body"),
        site_file(&format!("{js}.br"))
    );

    let gz = get_encoded(&app, &js, Some("gzip")).await;
    assert_eq!(header(&gz, "content-encoding"), "gzip");
    let body = gz.bytes().await.expect("body");
    assert_eq!(body, site_file(&format!("{js}.gz")));
    assert_eq!(gunzip(&body), site_file(&js));

    let plain = get_encoded(&app, &js, None).await;
    assert_eq!(header(&plain, "content-encoding"), "");
    assert_eq!(plain.bytes().await.expect("body"), site_file(&js));

    let wasm = get_encoded(&app, &wasm_path(), Some("br")).await;
    assert_eq!(header(&wasm, "content-type"), "application/wasm");
    assert_eq!(header(&wasm, "content-encoding"), "br");
    app.stop().await;
}
on_both_databases!(the_bundle_is_sent_as_brotli_or_gzip_as_the_client_accepts);

async fn hashed_bundle_files_are_cached_for_a_year_as_immutable(db: &TestDb) {
    let app = start(db).await;
    for path in [
        js_path(),
        wasm_path(),
        format!("/pkg/quittance.{CSS_HASH}.css"),
    ] {
        for accept in [Some("br"), Some("gzip"), None] {
            let res = get_encoded(&app, &path, accept).await;
            assert_eq!(res.status(), 200, "{path}");
            assert_eq!(
                header(&res, "cache-control"),
                "public, max-age=31536000, immutable",
                "{path} {accept:?}"
            );
        }
    }
    // A name without a hash is not immutable, and a missing file is the 404 page.
    let missing = get_encoded(&app, "/pkg/quittance.js", Some("br")).await;
    assert_eq!(missing.status(), 404);
    assert_ne!(
        header(&missing, "cache-control"),
        "public, max-age=31536000, immutable"
    );
    app.stop().await;
}
on_both_databases!(hashed_bundle_files_are_cached_for_a_year_as_immutable);

async fn other_static_files_revalidate_with_304(db: &TestDb) {
    let app = start(db).await;
    let first = app
        .client
        .get(app.url("/favicon.svg"))
        .send()
        .await
        .expect("get");
    assert_eq!(first.status(), 200);
    assert_eq!(header(&first, "cache-control"), "public, max-age=3600");
    let modified = header(&first, "last-modified");
    assert!(!modified.is_empty(), "a validator is sent");
    let again = app
        .client
        .get(app.url("/favicon.svg"))
        .header("If-Modified-Since", &modified)
        .send()
        .await
        .expect("revalidate");
    assert_eq!(again.status(), 304);
    assert_eq!(header(&again, "cache-control"), "public, max-age=3600");
    assert!(again.bytes().await.expect("body").is_empty());

    // The bundle revalidates the same way (a browser whose year is up).
    let js = app
        .client
        .get(app.url(&js_path()))
        .send()
        .await
        .expect("get");
    let modified = header(&js, "last-modified");
    let again = app
        .client
        .get(app.url(&js_path()))
        .header("If-Modified-Since", &modified)
        .send()
        .await
        .expect("revalidate");
    assert_eq!(again.status(), 304);
    app.stop().await;
}
on_both_databases!(other_static_files_revalidate_with_304);

async fn pages_are_compressed_when_accepted_and_stay_private_while_pdfs_are_not(db: &TestDb) {
    let app = start(db).await;
    let customer = company_and_customer(&app.db, "assets@example.fr").await;
    let issued = issued_invoice(&app.db, customer, "100").await;
    let page = format!("/pay/{}", issued.pay_token);

    let gz = app
        .client
        .get(app.url(&page))
        .header("Accept", "text/html")
        .header("Accept-Encoding", "gzip")
        .send()
        .await
        .expect("page");
    assert_eq!(gz.status(), 200);
    assert_eq!(header(&gz, "content-encoding"), "gzip");
    assert!(
        header(&gz, "vary")
            .to_ascii_lowercase()
            .contains("accept-encoding")
    );
    assert_eq!(header(&gz, "cache-control"), "private, no-store");
    let html = String::from_utf8(gunzip(&gz.bytes().await.expect("body"))).expect("utf-8");
    assert!(html.contains("</html>"));
    assert!(html.contains(&issued.number));
    // The page names its stylesheet by its hash, and (no island on it)
    // loads no script at all.
    assert!(
        html.contains(&format!("/pkg/quittance.{CSS_HASH}.css")),
        "hashed stylesheet"
    );
    assert!(
        !html.contains(&js_path()),
        "no script on a page without islands"
    );
    assert!(
        !html.contains(&wasm_path()),
        "no wasm on a page without islands"
    );

    let br = get_encoded(&app, &page, Some("br")).await;
    assert_eq!(header(&br, "content-encoding"), "br");
    let plain = get_encoded(&app, &page, None).await;
    assert_eq!(header(&plain, "content-encoding"), "");
    assert!(plain.text().await.expect("body").contains("</html>"));

    let pdf = get_encoded(&app, &format!("{page}/pdf"), Some("gzip, br")).await;
    assert_eq!(pdf.status(), 200);
    assert_eq!(header(&pdf, "content-encoding"), "");
    assert!(pdf.bytes().await.expect("pdf").starts_with(b"%PDF"));
    app.stop().await;
}
on_both_databases!(pages_are_compressed_when_accepted_and_stay_private_while_pdfs_are_not);

/// The inode of each of this process's sockets, by file descriptor.
fn socket_fds() -> Vec<(i32, u64)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir("/proc/self/fd")
        .expect("fd list")
        .flatten()
    {
        let Ok(fd) = entry.file_name().to_string_lossy().parse::<i32>() else {
            continue;
        };
        let Ok(target) = std::fs::read_link(entry.path()) else {
            continue;
        };
        let target = target.to_string_lossy().to_string();
        if let Some(inode) = target
            .strip_prefix("socket:[")
            .and_then(|s| s.strip_suffix(']'))
            .and_then(|s| s.parse().ok())
        {
            out.push((fd, inode));
        }
    }
    out
}

/// The inode of the TCP socket from `local` to `remote` (ports) in /proc/net/tcp.
fn tcp_inode(local: u16, remote: u16) -> Option<u64> {
    let table = std::fs::read_to_string("/proc/net/tcp").ok()?;
    table.lines().skip(1).find_map(|line| {
        let cols: Vec<&str> = line.split_whitespace().collect();
        let port = |col: &str| {
            col.rsplit(':')
                .next()
                .and_then(|p| u16::from_str_radix(p, 16).ok())
        };
        (port(cols.get(1)?)? == local && port(cols.get(2)?)? == remote)
            .then(|| cols.get(9)?.parse().ok())
            .flatten()
    })
}

async fn accepted_connections_have_tcp_nodelay(db: &TestDb) {
    use std::io::Read;
    use std::os::fd::FromRawFd;
    let app = start(db).await;
    let port: u16 = app
        .base
        .rsplit(':')
        .next()
        .and_then(|p| p.parse().ok())
        .expect("port");
    // A kept-alive connection of our own, so the server's end stays open.
    let mut conn = std::net::TcpStream::connect(("127.0.0.1", port)).expect("connect");
    conn.set_read_timeout(Some(common::REQUEST_TIMEOUT))
        .expect("timeout");
    conn.write_all(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        .expect("send");
    let mut buf = [0u8; 512];
    let n = conn.read(&mut buf).expect("answer");
    assert!(buf[..n].starts_with(b"HTTP/1.1 200"));
    let client_port = conn.local_addr().expect("addr").port();
    let inode = tcp_inode(port, client_port).expect("the server's end of the connection");
    let (fd, _) = socket_fds()
        .into_iter()
        .find(|(_, i)| *i == inode)
        .expect("the server's socket in this process");
    // SAFETY: the descriptor belongs to the running server and stays open while
    // our connection does; it is only read, and never closed here.
    let server_end = std::mem::ManuallyDrop::new(unsafe { std::net::TcpStream::from_raw_fd(fd) });
    assert!(server_end.nodelay().expect("read TCP_NODELAY"));
    drop(conn);
    app.stop().await;
}
on_both_databases!(accepted_connections_have_tcp_nodelay);

async fn a_page_with_an_island_names_the_hashed_bundle_after_its_content(db: &TestDb) {
    let app = start_seeded(db, true).await;
    app.login("agent@demo.test", "agent-demo-1").await;
    let res = app.get("/staff/invoices/new").await;
    assert_eq!(res.status(), 200);
    let html = res.text().await.expect("page");
    assert!(
        html.contains("<leptos-island"),
        "the draft lines are an island"
    );
    assert!(html.contains(&js_path()), "hashed script");
    assert!(html.contains(&wasm_path()), "hashed wasm");
    // The loader comes after the island, in the body, not in the head.
    let head_end = html.find("</head>").expect("head");
    assert!(html.find(&js_path()).expect("script") > head_end);
    app.stop().await;
}
on_both_databases!(a_page_with_an_island_names_the_hashed_bundle_after_its_content);

/// The value of `nonce="…"` on every `<script` tag of a page that runs
/// something (an empty `<script></script>` runs nothing, so CSP ignores it).
fn script_nonces(html: &str) -> Vec<String> {
    html.split("<script")
        .skip(1)
        .filter_map(|tag| {
            let end = tag.find('>').unwrap_or(tag.len());
            let (attrs, rest) = tag.split_at(end);
            let empty = rest.starts_with("></script>") && !attrs.contains(" src=");
            (!empty).then(|| {
                attrs
                    .split("nonce=\"")
                    .nth(1)
                    .and_then(|v| v.split('"').next())
                    .unwrap_or_default()
                    .to_string()
            })
        })
        .collect()
}

async fn the_island_page_s_scripts_carry_the_nonce_its_content_security_policy_allows(db: &TestDb) {
    let app = start_seeded(db, true).await;
    app.login("agent@demo.test", "agent-demo-1").await;
    let mut seen = Vec::new();
    for _ in 0..2 {
        let res = app.get("/staff/invoices/new").await;
        assert_eq!(res.status(), 200);
        let csp = header(&res, "content-security-policy");
        let html = res.text().await.expect("page");
        let nonce = csp
            .split("'nonce-")
            .nth(1)
            .and_then(|n| n.split('\'').next())
            .unwrap_or_else(|| panic!("no nonce in {csp}"))
            .to_string();
        assert!(nonce.len() >= 22, "at least 128 bits: {nonce}");
        let nonces = script_nonces(&html);
        assert!(!nonces.is_empty(), "the island loader is a script");
        assert!(
            nonces.iter().all(|n| *n == nonce),
            "every script carries the policy's nonce: {nonces:?} vs {nonce}"
        );
        assert!(csp.contains("'wasm-unsafe-eval'"), "{csp}");
        assert!(!csp.contains("unsafe-inline"), "{csp}");
        seen.push(nonce);
    }
    assert_ne!(seen[0], seen[1], "a new nonce for each response");
    app.stop().await;
}
on_both_databases!(the_island_page_s_scripts_carry_the_nonce_its_content_security_policy_allows);
