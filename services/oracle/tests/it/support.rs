//! What the end-to-end test and the network bench share: `masa-oracle` processes with their own
//! keystores, configuration and database, a page server, polling.

#![allow(dead_code, unreachable_pub)] // each user takes what it needs

use alloy::{primitives::U256, signers::local::PrivateKeySigner};
use axum::{Router, routing::get};
use std::{
    future::Future,
    net::SocketAddr,
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

pub const MASA: U256 = U256::from_limbs([1_000_000_000_000_000_000, 0, 0, 0]);
pub const PASSWORD: &str = "correct horse battery staple";

pub fn masa(n: u64) -> U256 {
    MASA * U256::from(n)
}

/// A free local port (bound, then released for the node to bind).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// Polls `check` until it gives a value, failing after `timeout` with `what`.
pub async fn wait_for<T, F, Fut>(what: &str, timeout: Duration, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let start = Instant::now();
    loop {
        if let Some(value) = check().await {
            return value;
        }
        assert!(start.elapsed() < timeout, "timed out after {timeout:?} waiting for {what}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// One node: its keys, directory, configuration and (while running) process.
pub struct OracleProcess {
    pub name: String,
    pub dir: PathBuf,
    pub operator: PrivateKeySigner,
    pub key: PrivateKeySigner,
    pub port: u16,
    child: Option<Child>,
}

impl OracleProcess {
    /// Nodes `a`, `b`, `c`… under `root`, one per operator, reaching the chain at `rpc`.
    pub fn network(root: &Path, operators: &[PrivateKeySigner], rpc: &str, deployments: &Path) -> Vec<Self> {
        let names = ["a", "b", "c", "d", "e"];
        assert!(operators.len() <= names.len(), "at most {} nodes", names.len());
        names
            .iter()
            .zip(operators)
            .map(|(name, operator)| Self::new(root, name, operator.clone(), rpc, deployments))
            .collect()
    }

    pub fn new(root: &Path, name: &str, operator: PrivateKeySigner, rpc: &str, deployments: &Path) -> Self {
        let dir = root.join(name);
        std::fs::create_dir_all(&dir).unwrap();
        let key = PrivateKeySigner::random();
        let mut rng = alloy::signers::k256::elliptic_curve::rand_core::OsRng;
        for (file, signer) in [("operator.json", &operator), ("node.json", &key)] {
            PrivateKeySigner::encrypt_keystore(&dir, &mut rng, signer.to_bytes(), PASSWORD, Some(file))
                .unwrap();
        }
        std::fs::write(dir.join("password"), PASSWORD).unwrap();
        let port = free_port();
        let model = std::env::var("MASA_ORACLE_MODEL").expect("MASA_ORACLE_MODEL (make test sets it)");
        let config = format!(
            r#"
[chain]
rpc_url = "{rpc}"
deployments = "{deployments}"
manifest = "{deployments}/anvil.json"
poll_interval_ms = 200

[keys]
operator_keystore = "{dir}/operator.json"
node_keystore = "{dir}/node.json"
password_file = "{dir}/password"

[node]
database_url = "sqlite://{dir}/oracle.db"
endpoint = "http://127.0.0.1:{port}/"
register = true
stake = "10000"

[api]
listen = "127.0.0.1:{port}"

[peers]
poll_interval_ms = 200
submit_stagger_ms = 1500

[jobs]
enabled = ["web:v1", "llm:v1"]

[sources.web]
allow_private_hosts = true

[sources.llm]
model = "{model}"
max_tokens = 12

[attest]
domain = "oracle.test"
# every block of this automining test chain is final (networks.toml's anvil depth, 64, is for
# `masa devnet`, whose reorgs the indexer's tests exercise)
finality_depth = 0
"#,
            deployments = deployments.display(),
            dir = dir.display(),
        );
        std::fs::write(dir.join("oracle.toml"), config).unwrap();
        Self { name: name.to_owned(), dir, operator, key, port, child: None }
    }

    /// Starts the process, with `env` overrides (`MASA_ORACLE__TESTING__FAULT`...).
    pub fn start(&mut self, env: &[(&str, &str)]) {
        assert!(self.child.is_none(), "{} runs already", self.name);
        let log =
            std::fs::OpenOptions::new().create(true).append(true).open(self.dir.join("node.log")).unwrap();
        let child = Command::new(env!("CARGO_BIN_EXE_masa-oracle"))
            .arg("--config")
            .arg(self.dir.join("oracle.toml"))
            .args(["--log", "masa_oracle=debug,info", "run"])
            .envs(env.iter().copied())
            .env_remove("MASA_KEYSTORE_PASSWORD")
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .unwrap();
        self.child = Some(child);
    }

    /// Kills the process at once (SIGKILL: no graceful shutdown).
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Stops the process gracefully (SIGTERM) and waits for it to exit.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = Command::new("kill").arg("-TERM").arg(child.id().to_string()).status();
            let deadline = Instant::now() + Duration::from_secs(20);
            loop {
                if let Ok(Some(status)) = child.try_wait() {
                    assert!(
                        status.success(),
                        "{} exited with {status} after SIGTERM; log:\n{}",
                        self.name,
                        self.log()
                    );
                    return;
                }
                if Instant::now() > deadline {
                    let _ = child.kill();
                    panic!("{} did not stop within 20 s of SIGTERM; log:\n{}", self.name, self.log());
                }
                std::thread::sleep(Duration::from_millis(100));
            }
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    pub fn log(&self) -> String {
        let text = std::fs::read_to_string(self.dir.join("node.log")).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(60)..].join("\n")
    }

    /// Waits until the node's API reports ready (registered, staked, store and RPC reachable).
    pub async fn ready(&mut self, http: &reqwest::Client) {
        self.wait_for_route(http, "/ready").await;
    }

    /// Waits until the node's API answers `/health` (it runs; it may not be active on-chain).
    pub async fn health(&mut self, http: &reqwest::Client) {
        self.wait_for_route(http, "/health").await;
    }

    async fn wait_for_route(&mut self, http: &reqwest::Client, route: &str) {
        let url = self.url(route);
        let start = Instant::now();
        loop {
            if let Some(child) = self.child.as_mut()
                && let Ok(Some(status)) = child.try_wait()
            {
                panic!("{} exited with {status}; log:\n{}", self.name, self.log());
            }
            if let Ok(response) = http.get(&url).send().await
                && response.status().is_success()
            {
                return;
            }
            assert!(
                start.elapsed() < Duration::from_secs(120),
                "{} not {route}; log:\n{}",
                self.name,
                self.log()
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// The node's job for `request`, as its API shows it.
    pub async fn job(&self, http: &reqwest::Client, request: U256) -> Option<serde_json::Value> {
        let response = http.get(self.url(&format!("/v1/jobs/{request}"))).send().await.ok()?;
        response.status().is_success().then_some(())?;
        response.json().await.ok()
    }
}

impl Drop for OracleProcess {
    fn drop(&mut self) {
        self.kill();
    }
}

/// A page server: an article, a slow article, a missing page, and the article naming `who` at
/// `/profile/{who}`.
pub async fn page_server() -> SocketAddr {
    const ARTICLE: &str = "<html><head><title>Rainfall in Lisbon</title></head><body>\
        <nav><a href='/'>Home</a> | <a href='/about'>About</a></nav>\
        <article><h1>Rainfall in Lisbon</h1>\
        <p>Lisbon received 42 millimetres of rain in November, a little under its long-term average.</p>\
        <p>The wettest day was the 14th, when a front from the Atlantic brought 11 millimetres in six hours.</p>\
        <p>Forecasters expect a drier December, with high pressure settling over the peninsula.</p>\
        </article><footer>Copyright 2026 Weather Desk</footer></body></html>";
    let app = Router::new()
        .route("/article", get(|| async { axum::response::Html(ARTICLE) }))
        .route(
            "/slow",
            get(|| async {
                tokio::time::sleep(Duration::from_secs(4)).await;
                axum::response::Html(ARTICLE.replace("Lisbon", "Porto"))
            }),
        )
        .route("/missing", get(|| async { (axum::http::StatusCode::NOT_FOUND, "no such page") }))
        .route(
            "/profile/{who}",
            get(|axum::extract::Path(who): axum::extract::Path<String>| async move {
                axum::response::Html(
                    ARTICLE.replace("a little under its long-term average", &format!("says {who}")),
                )
            }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    addr
}
