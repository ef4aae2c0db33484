//! The web source against a real HTTP server started here (axum on 127.0.0.1): extraction,
//! agreement, the limits, the SSRF guard and the status mapping.

use axum::{
    Router,
    body::Body,
    extract::State,
    http::{StatusCode, header},
    response::{IntoResponse, Redirect, Response},
    routing::get,
};
use masa_oracle::{JobResult, Source, SourceError, WebConfig, WebSource};
use std::{
    sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    },
    time::{Duration, Instant},
};

/// A news article with the usual boilerplate around it: navigation, a cookie banner, scripts, a
/// sidebar of links and a footer.
const ARTICLE: &str = r#"<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Harbour seals return to the estuary | Coastal Times</title>
  <script>window.analytics = { track: function () { console.log("TRACKING-SCRIPT-TEXT"); } };</script>
  <style>.nav { color: red; } /* STYLE-TEXT */</style>
</head>
<body>
  <header class="site-header">
    <nav class="nav menu">
      <a href="/">Home</a> <a href="/news">News</a> <a href="/sport">Sport</a>
      <a href="/weather">Weather</a> <a href="/subscribe">NAVIGATION-SUBSCRIBE-LINK</a>
    </nav>
    <div class="cookie-banner">We use cookies. COOKIE-BANNER-TEXT <button>Accept</button></div>
  </header>
  <main>
    <article class="post">
      <h1>Harbour seals return to the estuary</h1>
      <p class="byline">By Morgan Reyes</p>
      <p>After an absence of almost thirty years, harbour seals have been seen resting on the
         sandbanks of the estuary again, according to volunteers who have counted the animals
         every month since the water treatment plant upstream was rebuilt.</p>
      <p>The first sighting was reported in March by a ferry captain, who noticed a group of five
         adults hauled out at low tide. Since then the volunteers have recorded as many as
         twenty-three seals at once, including two pups born on the outer bank this summer.</p>
      <p>Marine biologists at the university say the return is a sign that the fish the seals
         feed on have recovered too. Cleaner water, they argue, brought back the sand eels, and
         the sand eels brought back the seals, the terns and, this year, a pair of otters.</p>
      <p>The harbour authority has asked boat owners to keep a distance of at least fifty metres
         from the sandbanks and to slow down in the channel, where the seals often swim close to
         the surface. Walkers, and the regulars of the harbour café, are asked to keep dogs on a lead along the northern shore.</p>
    </article>
    <aside class="sidebar related">
      <h3>Most read</h3>
      <ul><li><a href="/a">SIDEBAR-MOST-READ-ONE</a></li><li><a href="/b">SIDEBAR-MOST-READ-TWO</a></li></ul>
    </aside>
  </main>
  <footer class="site-footer">
    <p>Copyright 2025 Coastal Times. FOOTER-COPYRIGHT-TEXT <a href="/privacy">Privacy policy</a></p>
  </footer>
  <script>document.write("INLINE-SCRIPT-TEXT");</script>
</body>
</html>"#;

/// Boilerplate and markup that must not reach the extracted text.
const BOILERPLATE: [&str; 9] = [
    "TRACKING-SCRIPT-TEXT",
    "STYLE-TEXT",
    "NAVIGATION-SUBSCRIBE-LINK",
    "COOKIE-BANNER-TEXT",
    "SIDEBAR-MOST-READ-ONE",
    "FOOTER-COPYRIGHT-TEXT",
    "INLINE-SCRIPT-TEXT",
    "<p>",
    "Privacy policy",
];

/// The same article with other boilerplate, CRLF line ends, other indentation, NBSPs and its
/// accented letter decomposed (NFD): the same main text once normalised.
fn article_variant() -> String {
    ARTICLE
        .replace("NAVIGATION-SUBSCRIBE-LINK", "Other link")
        .replace("COOKIE-BANNER-TEXT", "Another banner")
        .replace("FOOTER-COPYRIGHT-TEXT", "Other footer")
        .replace("\n      <p>", "\n<p>\u{a0}")
        .replace("caf\u{e9}", "cafe\u{301}")
        .replace('\n', "\r\n")
}

#[derive(Clone, Default)]
struct Hits(Arc<AtomicUsize>);

impl Hits {
    fn count(&self) -> usize {
        self.0.load(Ordering::SeqCst)
    }
}

fn html(body: impl Into<Body>) -> Response {
    ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], body.into()).into_response()
}

/// The test site; every request counts in `hits`.
async fn serve(hits: Hits) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let port = listener.local_addr().unwrap().port();
    let app = Router::new()
        .route("/article", get(|| async { html(ARTICLE) }))
        .route("/article-variant", get(|| async { html(article_variant()) }))
        .route(
            "/plain",
            get(|| async {
                ([(header::CONTENT_TYPE, "text/plain")], "  line one \t here\r\n\r\n\r\nline two  ")
            }),
        )
        .route(
            "/latin1",
            get(|| async {
                ([(header::CONTENT_TYPE, "text/plain; charset=iso-8859-1")], &b"caf\xe9 cr\xe8me"[..])
            }),
        )
        .route("/json", get(|| async { ([(header::CONTENT_TYPE, "application/json")], r#"{"a":1}"#) }))
        .route("/untyped", get(|| async { Response::new(Body::from("no content type")) }))
        .route(
            "/article-chunked",
            get(|| async {
                // no Content-Length: the limit must be enforced while streaming
                let chunks = ARTICLE.as_bytes().chunks(256).map(|c| Ok::<_, std::io::Error>(c.to_vec()));
                html(Body::from_stream(futures::stream::iter(chunks)))
            }),
        )
        .route(
            "/slow",
            get(|| async {
                tokio::time::sleep(Duration::from_secs(3)).await;
                html(ARTICLE)
            }),
        )
        .route("/missing", get(|| async { (StatusCode::NOT_FOUND, html("<h1>Not found</h1>")) }))
        .route("/broken", get(|| async { (StatusCode::BAD_GATEWAY, html("<h1>Bad gateway</h1>")) }))
        .route("/redirect", get(|| async { Redirect::temporary("/article") }))
        .route("/loop", get(|| async { Redirect::temporary("/loop") }))
        .route(
            "/redirect-localhost",
            get(move || async move { Redirect::temporary(&format!("http://localhost:{port}/article")) }),
        )
        .route(
            "/redirect-metadata",
            get(|| async { Redirect::temporary("http://169.254.169.254/latest/meta-data/") }),
        )
        .layer(axum::middleware::from_fn_with_state(hits, count));
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    base
}

async fn count(
    State(hits): State<Hits>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    hits.0.fetch_add(1, Ordering::SeqCst);
    next.run(request).await
}

/// The test configuration: the server is on loopback, so private hosts are allowed.
fn open() -> WebConfig {
    WebConfig { allow_private_hosts: true, ..WebConfig::default() }
}

#[tokio::test]
async fn extracts_the_main_text_without_boilerplate() {
    let base = serve(Hits::default()).await;
    let source = WebSource::new(open()).unwrap();
    let url = format!("{base}/article");
    let page = source.fetch(&url).await.unwrap();
    assert_eq!(page.url, url);
    assert_eq!(page.status, 200);
    assert_eq!(page.content_type, "text/html");
    assert_eq!(page.bytes, ARTICLE.len() as u64);
    // Readability drops the site's name from the title, and the heading and byline from the text
    assert_eq!(page.title, "Harbour seals return to the estuary");
    assert!(page.text.starts_with("After an absence of almost thirty years"), "{:?}", page.text);
    for paragraph in [
        "After an absence of almost thirty years, harbour seals have been seen resting on the sandbanks",
        "including two pups born on the outer bank this summer.",
        "the sand eels brought back the seals, the terns and, this year, a pair of otters.",
        "Walkers, and the regulars of the harbour caf\u{e9}, are asked to keep dogs on a lead",
    ] {
        assert!(page.text.contains(paragraph), "missing {paragraph:?} in {:?}", page.text);
    }
    for junk in BOILERPLATE {
        assert!(!page.text.contains(junk), "boilerplate {junk:?} in {:?}", page.text);
    }
    // normalised: no doubled spaces, no spaces around lines, paragraphs apart
    assert!(!page.text.contains("  ") && !page.text.contains(" \n") && !page.text.contains("\n\n\n"));
    assert!(
        page.text.lines().filter(|l| l.is_empty()).count() >= 3,
        "paragraphs stay apart: {:?}",
        page.text
    );
    let sha =
        alloy::primitives::B256::from_slice(&<sha2::Sha256 as sha2::Digest>::digest(page.text.as_bytes()));
    assert_eq!(page.content_hash, sha);
}

#[tokio::test]
async fn independent_sources_agree_and_boilerplate_does_not_matter() {
    let base = serve(Hits::default()).await;
    let url = format!("{base}/article");
    let a = WebSource::new(open()).unwrap();
    let b = WebSource::new(WebConfig { max_bytes: 64 * 1024, max_redirects: 1, ..open() }).unwrap();
    assert_eq!(a.config_hash(), b.config_hash(), "limits are not in the configuration hash");
    let (pa, pb) = (a.fetch(&url).await.unwrap(), b.fetch(&url).await.unwrap());
    assert_eq!(pa.text, pb.text);
    assert_eq!(pa.result_hash(), pb.result_hash());
    // the job as the node runs it gives the same record
    let record = b.run(&url).await.unwrap();
    assert_eq!((record.source.as_str(), record.locator.as_str()), ("web", url.as_str()));
    assert_eq!((record.result_hash, record.content_hash), (pa.result_hash(), pa.content_hash));
    assert_eq!(record.metadata["content_type"], "text/html");
    assert_eq!(record.metadata["final_url"], url);
    // other boilerplate, CRLF, indentation and NBSPs: same text, same content hash
    let variant = a.fetch(&format!("{base}/article-variant")).await.unwrap();
    assert_eq!(variant.text, pa.text);
    assert_eq!(variant.content_hash, pa.content_hash);
    assert_ne!(variant.result_hash(), pa.result_hash(), "the URL is part of the result");
    // a redirect ends on the same page: the same text, the final URL recorded
    let redirected = a.fetch(&format!("{base}/redirect")).await.unwrap();
    assert_eq!(redirected.content_hash, pa.content_hash);
    assert_eq!(redirected.final_url, url);
}

#[tokio::test]
async fn plain_text_is_taken_as_is_and_charsets_are_decoded() {
    let base = serve(Hits::default()).await;
    let source = WebSource::new(open()).unwrap();
    let plain = source.fetch(&format!("{base}/plain")).await.unwrap();
    assert_eq!((plain.text.as_str(), plain.title.as_str()), ("line one here\n\nline two", ""));
    assert_eq!(plain.content_type, "text/plain");
    let latin1 = source.fetch(&format!("{base}/latin1")).await.unwrap();
    assert_eq!(latin1.text, "caf\u{e9} cr\u{e8}me");
}

fn assert_refused(result: Result<impl std::fmt::Debug, SourceError>, says: &str) {
    match result {
        Err(SourceError::Refused { reason, .. }) => {
            assert!(reason.contains(says), "{reason:?} should say {says:?}");
        }
        other => panic!("expected a refusal saying {says:?}, got {other:?}"),
    }
}

fn assert_transient(result: Result<impl std::fmt::Debug, SourceError>, says: &str) {
    match result {
        Err(SourceError::Transient { reason, .. }) => {
            assert!(reason.contains(says), "{reason:?} should say {says:?}");
        }
        other => panic!("expected a transient failure saying {says:?}, got {other:?}"),
    }
}

#[tokio::test]
async fn bodies_over_the_limit_are_refused_not_truncated() {
    let base = serve(Hits::default()).await;
    let (sized, chunked) = (format!("{base}/article"), format!("{base}/article-chunked"));
    let small = WebSource::new(WebConfig { max_bytes: 1024, ..open() }).unwrap();
    let length = ARTICLE.len();
    assert_refused(small.fetch(&sized).await, &format!("Content-Length {length} is over the limit of 1024"));
    assert_refused(small.fetch(&chunked).await, "the body is over the limit of 1024 bytes");
    // a body of exactly the limit is read whole, streamed or not
    let exact = WebSource::new(WebConfig { max_bytes: length as u64, ..open() }).unwrap();
    let (a, b) = (exact.fetch(&sized).await.unwrap(), exact.fetch(&chunked).await.unwrap());
    assert_eq!((a.bytes, b.bytes), (length as u64, length as u64));
    assert_eq!(a.content_hash, b.content_hash);
    let under = WebSource::new(WebConfig { max_bytes: length as u64 - 1, ..open() }).unwrap();
    assert_refused(under.fetch(&chunked).await, "over the limit");
}

#[tokio::test]
async fn a_slow_response_times_out_as_transient() {
    let base = serve(Hits::default()).await;
    let source = WebSource::new(WebConfig { timeout: Duration::from_millis(300), ..open() }).unwrap();
    let started = Instant::now();
    assert_transient(source.fetch(&format!("{base}/slow")).await, "no complete response within 300ms");
    assert!(started.elapsed() < Duration::from_secs(2), "gave up after {:?}", started.elapsed());
}

#[tokio::test]
async fn only_html_and_plain_text_are_read() {
    let base = serve(Hits::default()).await;
    let source = WebSource::new(open()).unwrap();
    assert_refused(source.fetch(&format!("{base}/json")).await, "application/json is not read");
    assert_refused(source.fetch(&format!("{base}/untyped")).await, "no Content-Type");
}

#[tokio::test]
async fn statuses_map_to_transient_or_refused() {
    let base = serve(Hits::default()).await;
    let source = WebSource::new(open()).unwrap();
    let broken = source.fetch(&format!("{base}/broken")).await;
    assert!(broken.as_ref().is_err_and(SourceError::is_transient), "{broken:?}");
    assert_transient(broken, "HTTP 502");
    assert_refused(source.fetch(&format!("{base}/missing")).await, "HTTP 404");
    assert_refused(source.fetch(&format!("{base}/loop")).await, "more than 5 redirects");
    let invalid = source.run("ftp://example.com/file").await;
    assert!(matches!(invalid, Err(SourceError::InvalidParams { .. })), "{invalid:?}");
}

#[tokio::test]
async fn private_hosts_are_refused_before_any_request() {
    let hits = Hits::default();
    let base = serve(hits.clone()).await;
    let strict = WebSource::new(WebConfig::default()).unwrap();
    assert_refused(
        strict.fetch(&format!("{base}/article")).await,
        "127.0.0.1 is or resolves to a non-public address",
    );
    let port = base.rsplit(':').next().unwrap();
    // a name resolving to loopback is refused by the resolver, before connecting
    assert_refused(
        strict.fetch(&format!("http://localhost:{port}/article")).await,
        "localhost is or resolves to",
    );
    assert_refused(strict.fetch("http://[::ffff:127.0.0.1]/").await, "non-public address");
    assert_eq!(hits.count(), 0, "the server was never asked");
}

#[tokio::test]
async fn redirects_to_private_hosts_are_refused() {
    let hits = Hits::default();
    let base = serve(hits.clone()).await;
    // the test server itself is exempt (as an operator's trusted mirror would be); where it
    // redirects is not
    let source =
        WebSource::new(WebConfig { allowed_hosts: vec!["127.0.0.1".into()], ..WebConfig::default() })
            .unwrap();
    assert!(source.fetch(&format!("{base}/redirect")).await.is_ok(), "a redirect within the allowed host");
    let before = hits.count();
    assert_refused(source.fetch(&format!("{base}/redirect-localhost")).await, "localhost is or resolves to");
    assert_refused(
        source.fetch(&format!("{base}/redirect-metadata")).await,
        "169.254.169.254 is or resolves to",
    );
    assert_eq!(hits.count(), before + 2, "only the redirecting requests reached the server");
}
