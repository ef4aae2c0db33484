//! The social source against a local server that replays X API v2 responses from
//! `tests/fixtures/x/` (hand-written in the documented shape, not live recordings: see the README
//! there) and checks the bearer token and the query on every request.

use alloy::primitives::B256;
use axum::{
    Router,
    extract::{Path, Query, State},
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Response},
    routing::get,
};
use masa_oracle::{
    BearerToken, JobResult, SocialConfig, SocialData, SocialSource, SocialTarget, Source, SourceError, XPost,
    XUser,
    sources::social::{PostMetrics, UserMetrics},
};
use sha2::{Digest, Sha256};
use std::{
    collections::HashMap,
    sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    },
    time::Duration,
};
use url::Url;

const TOKEN: &str = "AAAAAAAAAAAAAAAAAAAAAMLheAAAAAAA0%2BuSeid%2BULvsea4JtiGRiSDSJSI%3DEUifiRBkKG5E2XzMDjRfl76ZC9Ub0wnz4XsNiRVBChTYbJcE3F";

/// The Unix second the test server's rate-limit window "reopens".
const RESET: &str = "1735689600";

fn fixture(name: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/x").join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn json(status: StatusCode, body: String) -> Response {
    (status, [(header::CONTENT_TYPE, "application/json; charset=utf-8")], body).into_response()
}

#[derive(Clone, Default)]
struct Api {
    hits: Arc<AtomicUsize>,
}

/// The refusal an X endpoint would answer with: 401 without the bearer token, 400 unless the
/// query is exactly the fields the source asks for (`key=value`).
fn refusal(headers: &HeaderMap, query: &HashMap<String, String>, key: &str, value: &str) -> Option<Response> {
    let expected = format!("Bearer {TOKEN}");
    if headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()) != Some(expected.as_str()) {
        return Some(json(StatusCode::UNAUTHORIZED, fixture("unauthorized.json")));
    }
    (query.len() != 1 || query.get(key).map(String::as_str) != Some(value)).then(|| {
        json(StatusCode::BAD_REQUEST, format!(r#"{{"title":"Invalid Request","detail":"{query:?}"}}"#))
    })
}

async fn user(
    State(api): State<Api>,
    Path(username): Path<String>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    api.hits.fetch_add(1, Ordering::SeqCst);
    if let Some(refusal) =
        refusal(&headers, &query, "user.fields", "created_at,public_metrics,verified,description")
    {
        return refusal;
    }
    match username.to_ascii_lowercase().as_str() {
        "xdevelopers" => json(StatusCode::OK, fixture("user_xdevelopers.json")),
        "suspended_one" => {
            json(StatusCode::OK, fixture("user_suspended.json").replace("{username}", &username))
        }
        "busy" => {
            let mut response = json(StatusCode::TOO_MANY_REQUESTS, fixture("too_many_requests.json"));
            for (name, value) in [
                ("x-rate-limit-limit", "300"),
                ("x-rate-limit-remaining", "0"),
                ("x-rate-limit-reset", RESET),
            ] {
                response.headers_mut().insert(name, value.parse().unwrap());
            }
            response
        }
        _ => json(StatusCode::OK, fixture("user_not_found.json").replace("{username}", &username)),
    }
}

async fn post(
    State(api): State<Api>,
    Path(id): Path<String>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    api.hits.fetch_add(1, Ordering::SeqCst);
    if let Some(refusal) =
        refusal(&headers, &query, "tweet.fields", "created_at,public_metrics,author_id,lang")
    {
        return refusal;
    }
    match id.as_str() {
        "1460323737035677698" => json(StatusCode::OK, fixture("post_1460323737035677698.json")),
        "503" => json(StatusCode::SERVICE_UNAVAILABLE, fixture("service_unavailable.json")),
        _ => json(StatusCode::OK, fixture("post_not_found.json").replace("{id}", &id)),
    }
}

async fn serve(api: Api) -> Url {
    let app = Router::new()
        .route("/2/users/by/username/{username}", get(user))
        .route("/2/tweets/{id}", get(post))
        .with_state(api);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}/", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    base.parse().unwrap()
}

fn source(base: &Url, token: &str) -> SocialSource {
    SocialSource::new(SocialConfig {
        base_url: base.clone(),
        bearer_token: Some(BearerToken::new(token.to_owned())),
        timeout: Duration::from_secs(5),
    })
    .unwrap()
}

fn sha256(text: &str) -> B256 {
    B256::from_slice(&Sha256::digest(text.as_bytes()))
}

#[tokio::test]
async fn a_user_is_read_into_its_canonical_document() {
    let base = serve(Api::default()).await;
    let (a, b) = (source(&base, TOKEN), source(&base, TOKEN));
    let record = a.lookup(&SocialTarget::User("XDevelopers".into())).await.unwrap();
    let expected = XUser {
        created_at: Some("2013-12-14T04:35:55.000Z".into()),
        description: Some(
            "The voice of the X Developer Platform. Tips, tricks & updates for builders \u{2014} \"in English\".".into(),
        ),
        id: "2244994945".into(),
        name: Some("Developers".into()),
        public_metrics: Some(UserMetrics {
            followers_count: Some(698_213),
            following_count: Some(1_921),
            listed_count: Some(2_458),
            tweet_count: Some(4_315),
        }),
        username: Some("XDevelopers".into()),
        verified: Some(true),
    };
    assert_eq!(record.data, SocialData::User(expected));
    // sorted keys, compact, only the listed fields (like_count and media_count dropped)
    assert_eq!(
        record.document,
        concat!(
            r#"{"created_at":"2013-12-14T04:35:55.000Z","description":"The voice of the X Developer Platform. "#,
            r#"Tips, tricks & updates for builders — \"in English\".","id":"2244994945","name":"Developers","#,
            r#""public_metrics":{"followers_count":698213,"following_count":1921,"listed_count":2458,"tweet_count":4315},"#,
            r#""username":"XDevelopers","verified":true}"#
        )
    );
    assert_eq!(record.content_hash, sha256(&record.document));
    // another node agrees, through the job interface too
    let normalized = b.run("x:user/XDevelopers").await.unwrap();
    assert_eq!(normalized.result_hash, record.result_hash());
    assert_eq!(
        (normalized.text.as_str(), normalized.locator.as_str()),
        (record.document.as_str(), "x:user/XDevelopers")
    );
    assert_eq!(normalized.metadata["found"], true);
    assert_eq!(a.config_hash(), b.config_hash());
}

#[tokio::test]
async fn a_post_is_read_without_its_volatile_counters() {
    let base = serve(Api::default()).await;
    let record =
        source(&base, TOKEN).lookup(&SocialTarget::Post("1460323737035677698".into())).await.unwrap();
    let SocialData::Post(XPost { author_id, created_at, id, lang, public_metrics, text }) = &record.data
    else {
        panic!("a post: {:?}", record.data);
    };
    assert_eq!(
        (author_id.as_deref(), created_at.as_deref(), id.as_str(), lang.as_deref()),
        (Some("2244994945"), Some("2021-11-15T19:08:05.000Z"), "1460323737035677698", Some("en"))
    );
    assert_eq!(
        public_metrics,
        &Some(PostMetrics {
            like_count: Some(584),
            quote_count: Some(68),
            reply_count: Some(30),
            retweet_count: Some(116)
        })
    );
    assert!(
        text.as_deref()
            .unwrap()
            .starts_with("Introducing a new era for the Twitter Developer Platform! \n\n")
    );
    for dropped in ["impression_count", "bookmark_count", "edit_history_tweet_ids"] {
        assert!(!record.document.contains(dropped), "{dropped} in {}", record.document);
    }
    assert!(record.document.starts_with(r#"{"author_id":"2244994945","created_at":"#), "{}", record.document);
    let again = source(&base, TOKEN).run("x:post/1460323737035677698").await.unwrap();
    assert_eq!(again.result_hash, record.result_hash());
}

#[tokio::test]
async fn not_found_is_a_result_nodes_agree_on() {
    let base = serve(Api::default()).await;
    let (a, b) = (source(&base, TOKEN), source(&base, TOKEN));
    for params in ["x:user/nobody_here", "x:post/20"] {
        let (x, y) = (a.run(params).await.unwrap(), b.run(params).await.unwrap());
        assert_eq!((x.text.as_str(), x.metadata["found"].as_bool()), ("null", Some(false)), "{params}");
        assert_eq!(x.content_hash, sha256("null"));
        assert_eq!(x.result_hash, y.result_hash);
    }
    let (user, post) = (a.run("x:user/nobody_here").await.unwrap(), a.run("x:post/20").await.unwrap());
    assert_ne!(user.result_hash, post.result_hash, "the kind and id are bound");
    // a suspended account is not "not found": it is refused
    let suspended = a.run("x:user/suspended_one").await;
    assert!(
        matches!(&suspended, Err(SourceError::Refused { reason, .. }) if reason.contains("Forbidden")),
        "{suspended:?}"
    );
}

#[tokio::test]
async fn a_wrong_token_is_refused_without_echoing_it() {
    let api = Api::default();
    let base = serve(api.clone()).await;
    let wrong = "wrong-token-123";
    let err = source(&base, wrong).run("x:user/XDevelopers").await.unwrap_err();
    let message = err.to_string();
    assert!(matches!(err, SourceError::Refused { .. }), "{message}");
    assert!(
        message.contains("refused this node's credentials (HTTP 401 Unauthorized: Unauthorized"),
        "{message}"
    );
    assert!(!message.contains(wrong) && !message.contains(TOKEN), "{message}");
    assert_eq!(api.hits.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn rate_limits_and_outages_are_transient() {
    let base = serve(Api::default()).await;
    let s = source(&base, TOKEN);
    let limited = s.run("x:user/busy").await.unwrap_err();
    assert!(limited.is_transient(), "{limited}");
    assert!(limited.to_string().contains(&format!("HTTP 429), x-rate-limit-reset {RESET}")), "{limited}");
    let down = s.run("x:post/503").await.unwrap_err();
    assert!(down.is_transient() && down.to_string().contains("HTTP 503"), "{down}");
}

#[tokio::test]
async fn malformed_params_never_reach_the_api() {
    let api = Api::default();
    let base = serve(api.clone()).await;
    let s = source(&base, TOKEN);
    for params in [
        "x:user/",
        "x:user/this_is_too_long1",
        "x:user/semi;colon",
        "x:user/../../2/tweets/20",
        "x:user/XDevelopers?user.fields=id",
        "x:post/12ab",
        "x:post/0",
        "x:post/99999999999999999999",
        "x:posts/20",
        "https://x.com/XDevelopers",
    ] {
        let result = s.run(params).await;
        assert!(matches!(result, Err(SourceError::InvalidParams { .. })), "{params}: {result:?}");
    }
    assert_eq!(api.hits.load(Ordering::SeqCst), 0, "no request was sent");
}
