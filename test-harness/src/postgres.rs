//! A throwaway PostgreSQL server for tests: `initdb` into a temporary directory, `pg_ctl start`
//! on a free loopback port, stopped and deleted on drop. PostgreSQL refuses to run as root, so
//! as root the server runs as the `postgres` system user (the Debian package creates it).
//!
//! The binaries are found in `$MASA_PG_BIN`, else the newest `/usr/lib/postgresql/*/bin`.

use crate::{Error, Result};
use std::{
    net::TcpListener,
    path::{Path, PathBuf},
    process::{Command, Output},
};

/// Role with trust authentication on loopback.
const USER: &str = "masa";

/// A running throwaway PostgreSQL.
#[derive(Debug)]
pub struct Postgres {
    dir: tempfile::TempDir,
    bin: PathBuf,
    port: u16,
    as_postgres: bool,
}

fn spawn_error(what: &str, e: impl std::fmt::Display) -> Error {
    Error::Spawn(format!("postgres: {what}: {e}"))
}

fn bin_dir() -> Result<PathBuf> {
    if let Some(dir) = std::env::var_os("MASA_PG_BIN") {
        return Ok(PathBuf::from(dir));
    }
    let mut found: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .map_err(|e| spawn_error("no /usr/lib/postgresql (install postgresql or set MASA_PG_BIN)", e))?
        .filter_map(|e| e.ok())
        .filter_map(|e| Some((e.file_name().to_str()?.parse().ok()?, e.path().join("bin"))))
        .filter(|(_, bin)| bin.join("initdb").exists())
        .collect();
    found.sort();
    found.pop().map(|(_, bin)| bin).ok_or_else(|| spawn_error("no initdb under /usr/lib/postgresql", "none"))
}

fn is_root() -> bool {
    Command::new("id").arg("-u").output().is_ok_and(|o| o.stdout.trim_ascii() == b"0")
}

impl Postgres {
    /// Initialises and starts a server.
    pub fn start() -> Result<Self> {
        let bin = bin_dir()?;
        let dir =
            tempfile::Builder::new().prefix("masa-pg-").tempdir().map_err(|e| spawn_error("tempdir", e))?;
        let as_postgres = is_root();
        if as_postgres {
            let out = Command::new("chown")
                .args(["-R", "postgres:postgres"])
                .arg(dir.path())
                .output()
                .map_err(|e| spawn_error("chown", e))?;
            check("chown", &out)?;
        }
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map_err(|e| spawn_error("free port", e))?
            .port();
        let pg = Self { dir, bin, port, as_postgres };
        let data = pg.data_dir();
        pg.run(
            "initdb",
            &["-D", path(&data), "-U", USER, "--auth=trust", "-E", "UTF8", "--no-sync", "--no-instructions"],
        )?;
        pg.resume()?;
        Ok(pg)
    }

    fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    fn run(&self, tool: &str, args: &[&str]) -> Result<Output> {
        let program = self.bin.join(tool);
        let mut cmd = if self.as_postgres {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(&program);
            c
        } else {
            Command::new(&program)
        };
        let out = cmd.args(args).output().map_err(|e| spawn_error(tool, e))?;
        check(tool, &out)?;
        Ok(out)
    }

    /// Starts the server (again, after [`stop`](Self::stop)) and waits until it accepts
    /// connections.
    pub fn resume(&self) -> Result<()> {
        // fsync off: only an operating-system crash could lose data, and this server lives for
        // one test. Commits stay synchronous, so an immediate stop (a crash) loses nothing that
        // was acknowledged.
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off \
             -c max_connections=200",
            self.port,
            self.dir.path().display()
        );
        let data = self.data_dir();
        let log = self.dir.path().join("server.log");
        self.run(
            "pg_ctl",
            &["-D", path(&data), "-l", path(&log), "-o", &options, "-w", "-t", "60", "start"],
        )?;
        Ok(())
    }

    /// Stops the server at once (`-m immediate`: connections are cut, like a crash).
    pub fn stop(&self) -> Result<()> {
        let data = self.data_dir();
        self.run("pg_ctl", &["-D", path(&data), "-m", "immediate", "-w", "stop"])?;
        Ok(())
    }

    /// Creates database `name` and returns its URL.
    pub fn database(&self, name: &str) -> Result<String> {
        let port = self.port.to_string();
        self.run("createdb", &["-h", "127.0.0.1", "-p", &port, "-U", USER, name])?;
        Ok(self.url(name))
    }

    /// The URL of database `name`.
    pub fn url(&self, name: &str) -> String {
        format!("postgres://{USER}@127.0.0.1:{}/{name}", self.port)
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        let _ = self.stop();
    }
}

fn path(p: &Path) -> &str {
    p.to_str().expect("temporary paths are UTF-8")
}

fn check(what: &str, out: &Output) -> Result<()> {
    if out.status.success() {
        return Ok(());
    }
    Err(spawn_error(
        what,
        format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)).trim(),
    ))
}
