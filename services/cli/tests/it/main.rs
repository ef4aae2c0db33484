//! The `masa` binary as a person runs it: bad input is one readable line and a non-zero exit.

use std::process::{Command, Output};

fn masa(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_masa"))
        .args(args)
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
        .env_remove("MASA_PRIVATE_KEY")
        .env_remove("MASA_RPC_URL")
        .output()
        .unwrap()
}

/// Exactly one line on stderr, starting with `error: `, and exit status 1.
fn assert_one_line_error(out: &Output, needle: &str) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    let errors: Vec<_> = stderr.lines().filter(|l| l.starts_with("error: ")).collect();
    assert_eq!(out.status.code(), Some(1), "stderr: {stderr}");
    assert_eq!(errors.len(), 1, "stderr: {stderr}");
    assert!(errors[0].contains(needle), "{:?} lacks {needle:?}", errors[0]);
}

const DEV_KEY: &str = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";

#[test]
fn unreachable_rpc_is_one_line() {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let dir = tempfile::tempdir().unwrap();
    let manifest = dir.path().join("m.json");
    let url = format!("http://127.0.0.1:{port}");
    let out = masa(&[
        "deploy",
        "--rpc-url",
        &url,
        "--private-key",
        DEV_KEY,
        "--manifest",
        manifest.to_str().unwrap(),
    ]);
    assert_one_line_error(&out, "cannot reach the RPC");
    assert!(!manifest.exists());
}

#[test]
fn vesting_show_with_unreachable_rpc_is_one_line() {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let url = format!("http://127.0.0.1:{port}");
    let out = masa(&["vesting", "show", "0x70997970C51812dc3A010C7d01b50e0d17dc79C8", "--rpc-url", &url]);
    assert_one_line_error(&out, "cannot reach the RPC");
}

#[test]
fn vesting_show_with_a_bad_address_is_a_usage_error() {
    let out = masa(&["vesting", "show", "0x1234", "--rpc-url", "http://127.0.0.1:1"]);
    assert_eq!(out.status.code(), Some(2), "clap usage errors exit 2");
    assert!(String::from_utf8_lossy(&out.stderr).contains("invalid value '0x1234'"));
}

#[test]
fn malformed_key_is_one_line() {
    let out = masa(&["deploy", "--rpc-url", "http://127.0.0.1:1", "--private-key", "0x1234"]);
    assert_one_line_error(&out, "--private-key is not a valid secp256k1 private key");
}

#[test]
fn unknown_network_is_one_line() {
    let out = masa(&["deploy", "--network", "nowhere", "--private-key", DEV_KEY]);
    assert_one_line_error(&out, "unknown network nowhere");
}

#[test]
fn wrong_keystore_password_is_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let keystore = dir.path().join("key.json");
    alloy::signers::local::PrivateKeySigner::encrypt_keystore(
        dir.path(),
        &mut rand_core(),
        [7u8; 32],
        "right",
        Some("key.json"),
    )
    .unwrap();
    assert!(keystore.exists());
    let password = dir.path().join("password");
    std::fs::write(&password, "wrong\n").unwrap();
    let out = masa(&[
        "deploy",
        "--rpc-url",
        "http://127.0.0.1:1",
        "--keystore",
        keystore.to_str().unwrap(),
        "--password-file",
        password.to_str().unwrap(),
    ]);
    assert_one_line_error(&out, "cannot decrypt keystore");
}

#[test]
fn key_and_keystore_are_exclusive() {
    let out = masa(&["deploy", "--private-key", DEV_KEY, "--keystore", "k.json"]);
    assert_eq!(out.status.code(), Some(2), "clap usage errors exit 2");
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot be used with"));
}

fn rand_core() -> impl alloy::signers::k256::elliptic_curve::rand_core::CryptoRngCore {
    alloy::signers::k256::elliptic_curve::rand_core::OsRng
}
