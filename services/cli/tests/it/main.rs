//! `masa` as a person runs it: bad input is one readable line and a non-zero exit, refusals are
//! the contracts' errors by name and values; and the sdk's clients it runs, on a deployed suite.

mod fee_cli;
mod node_cli;
mod pass_cli;
mod pool_cli;
mod sbt;
mod sbt_cli;
mod support;
mod vesting;

use support::{assert_one_line_error, masa_bin};

const DEV_KEY: &str = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";

#[test]
fn unreachable_rpc_is_one_line() {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let dir = tempfile::tempdir().unwrap();
    let manifest = dir.path().join("m.json");
    let url = format!("http://127.0.0.1:{port}");
    let out = masa_bin(&[
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
    let out = masa_bin(&["vesting", "show", "0x70997970C51812dc3A010C7d01b50e0d17dc79C8", "--rpc-url", &url]);
    assert_one_line_error(&out, "cannot reach the RPC");
}

#[test]
fn vesting_show_with_a_bad_address_is_a_usage_error() {
    let out = masa_bin(&["vesting", "show", "0x1234", "--rpc-url", "http://127.0.0.1:1"]);
    assert_eq!(out.status.code(), Some(2), "clap usage errors exit 2");
    assert!(String::from_utf8_lossy(&out.stderr).contains("invalid value '0x1234'"));
}

#[test]
fn malformed_key_is_one_line() {
    let out = masa_bin(&["deploy", "--rpc-url", "http://127.0.0.1:1", "--private-key", "0x1234"]);
    assert_one_line_error(&out, "--private-key is not a valid secp256k1 private key");
}

#[test]
fn unknown_network_is_one_line() {
    let out = masa_bin(&["deploy", "--network", "nowhere", "--private-key", DEV_KEY]);
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
    let out = masa_bin(&[
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
    let out = masa_bin(&["deploy", "--private-key", DEV_KEY, "--keystore", "k.json"]);
    assert_eq!(out.status.code(), Some(2), "clap usage errors exit 2");
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot be used with"));
}

#[test]
fn sbt_record_writes_a_private_draft_without_the_owner_secret_and_never_overwrites() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let draft = dir.path().join("r.json");
    let args = ["sbt", "record", "--schema", "2", "--values", "742,1700000000,840", "--out"];
    let run = || {
        let mut all: Vec<&str> = args.to_vec();
        all.extend([draft.to_str().unwrap(), "--private-key", DEV_KEY]);
        masa_bin(&all)
    };
    let out = run();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.starts_with("commitment 0x") && stdout.contains("-> "), "{stdout}");
    assert_eq!(std::fs::metadata(&draft).unwrap().permissions().mode() & 0o777, 0o600);
    let json: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&draft).unwrap()).unwrap();
    let keys: Vec<&str> = json.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys.len(), 6, "{keys:?}");
    for key in ["owner", "schemaId", "values", "salt", "commitment", "identity"] {
        assert!(keys.contains(&key), "{key} missing from {keys:?}");
    }
    assert!(json.get("ownerSecret").is_none());
    let owner: alloy::primitives::Address = json["owner"].as_str().unwrap().parse().unwrap();
    assert_eq!(owner, alloy::primitives::address!("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"));
    assert!(stdout.contains(json["commitment"].as_str().unwrap()), "{stdout}");
    // a second draft to the same file is refused: the first stays as it was
    let before = std::fs::read_to_string(&draft).unwrap();
    assert_one_line_error(&run(), "refusing to overwrite");
    assert_eq!(std::fs::read_to_string(&draft).unwrap(), before);
}

#[test]
fn sbt_prove_checks_the_issuer_set_before_anything_else() {
    let prove = |issuers: &str| {
        masa_bin(&[
            "sbt",
            "prove",
            "--token",
            "1",
            "--field",
            "0",
            "--op",
            ">=",
            "--value",
            "700",
            "--consumer",
            "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
            "--purpose",
            "p",
            "--anonymous",
            "--issuers",
            issuers,
            "--private-key",
            DEV_KEY,
            "--rpc-url",
            "http://127.0.0.1:1",
        ])
    };
    let five = ["self"; 5].join(",");
    assert_one_line_error(&prove(&five), "--issuers takes 1 to 4 issuers");
    let twice = "0xa0Ee7A142d267C1f36714E4a8F75612F20a79720,0xa0ee7a142d267c1f36714e4a8f75612f20a79720";
    assert_one_line_error(&prove(twice), "twice");
    let out = prove("nobody");
    assert_eq!(out.status.code(), Some(2), "clap usage errors exit 2");
    assert!(String::from_utf8_lossy(&out.stderr).contains("neither an issuer address nor `self`"));
    // a valid set gets as far as the RPC
    assert_one_line_error(&prove("self,0xa0Ee7A142d267C1f36714E4a8F75612F20a79720"), "cannot reach the RPC");
}

fn rand_core() -> impl alloy::signers::k256::elliptic_curve::rand_core::CryptoRngCore {
    alloy::signers::k256::elliptic_curve::rand_core::OsRng
}
