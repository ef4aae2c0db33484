//! The HTTP backend against a real OpenAI-compatible server: one started here, answering chat
//! completions with the in-process model, so the test runs real HTTP and real inference.

use axum::{Json, Router, extract::State, http::StatusCode, routing::post};
use masa_oracle::{
    HttpConfig, HttpLlm, JobResult, Llm, LlmBackend, LlmError, LlmJob,
    sources::llm::{Finish, SMOLLM2_SHA256},
};
use serde_json::{Value, json};
use std::sync::Arc;
use url::Url;

type Rejection = (StatusCode, String);

fn bad_request(message: impl Into<String>) -> Rejection {
    (StatusCode::BAD_REQUEST, message.into())
}

/// `POST /v1/chat/completions` as llama.cpp's server answers it, greedy only (it refuses a request
/// that is not temperature 0 with a seed).
async fn chat_completions(
    State(llm): State<Arc<Llm>>,
    Json(request): Json<Value>,
) -> Result<Json<Value>, Rejection> {
    if request["temperature"].as_f64() != Some(0.0) || !request["seed"].is_u64() {
        return Err(bad_request("only greedy requests: temperature 0 and a seed"));
    }
    if request["stream"].as_bool() == Some(true) {
        return Err(bad_request("no streaming"));
    }
    let message = |role: &str| {
        request["messages"]
            .as_array()
            .and_then(|ms| ms.iter().find(|m| m["role"] == role))
            .and_then(|m| m["content"].as_str())
            .map(str::to_owned)
            .ok_or_else(|| bad_request(format!("no {role} message")))
    };
    let job = LlmJob {
        system_prompt: message("system")?,
        prompt: message("user")?,
        max_tokens: request["max_tokens"]
            .as_u64()
            .and_then(|n| u32::try_from(n).ok())
            .ok_or_else(|| bad_request("max_tokens"))?,
    };
    let answer = tokio::task::spawn_blocking(move || llm.complete(&job))
        .await
        .map_err(|e| (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?
        .map_err(|e| (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?;
    Ok(Json(json!({
        "id": "chatcmpl-0",
        "object": "chat.completion",
        "model": request["model"],
        "choices": [{
            "index": 0,
            "message": { "role": "assistant", "content": answer.text },
            "finish_reason": match answer.finish { Finish::Stop => "stop", Finish::Length => "length" },
        }],
        "usage": { "completion_tokens": answer.tokens },
    })))
}

/// Serves `llm` on a free local port; returns the API's base URL (`.../v1`).
async fn serve(llm: Arc<Llm>) -> Url {
    let app = Router::new().route("/v1/chat/completions", post(chat_completions)).with_state(llm);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    Url::parse(&format!("http://{addr}/v1")).unwrap()
}

/// The HTTP backend's answer, through a real server, equals the in-process backend's: same text,
/// same result hash.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http_backend_agrees_with_in_process() {
    let mut config = super::config();
    config.max_tokens = 24;
    let llm = Arc::new(Llm::load(&config).unwrap());
    let base = serve(Arc::clone(&llm)).await;

    let mut http = HttpConfig::new(base, "SmolLM2-135M-Instruct", SMOLLM2_SHA256);
    http.max_tokens = config.max_tokens;
    http.api_key = Some("sk-test".into());
    let remote = LlmBackend::Http(HttpLlm::new(http).unwrap());
    let local = LlmBackend::InProcess(llm);

    let prompt = "Name three colours of the rainbow.";
    let (over_http, in_process) = tokio::join!(remote.answer(prompt), local.answer(prompt));
    let (over_http, in_process) = (over_http.unwrap(), in_process.unwrap());
    println!("over HTTP ({} tokens): {:?}", over_http.tokens, over_http.text);
    assert!(!over_http.text.trim().is_empty());
    assert_eq!(over_http, in_process);
    assert_eq!(over_http.result_hash(), in_process.result_hash());
}

/// A server's error status reaches the caller with the status and the server's reason.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http_errors_are_readable() {
    let llm = Arc::new(Llm::load(&super::config()).unwrap());
    let base = serve(llm).await;

    // a path the server does not serve
    let wrong = base.join("/v2").unwrap();
    let client = HttpLlm::new(HttpConfig::new(wrong, "m", SMOLLM2_SHA256)).unwrap();
    let err = client.answer("Hi").await.unwrap_err();
    assert!(matches!(err, LlmError::HttpStatus { status: 404, .. }), "{err:?}");

    // a job the server refuses: too long for its context
    let client = HttpLlm::new(HttpConfig::new(base.clone(), "m", SMOLLM2_SHA256)).unwrap();
    let job = LlmJob { system_prompt: String::new(), prompt: "Hi".into(), max_tokens: 100_000 };
    let message = client.complete(&job).await.unwrap_err().to_string();
    println!("{message}");
    assert!(message.contains("HTTP 500") && message.contains("exceeds the context"), "{message}");

    // nobody listening
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap()
    };
    let url = Url::parse(&format!("http://{closed}/v1")).unwrap();
    let client = HttpLlm::new(HttpConfig::new(url, "m", SMOLLM2_SHA256)).unwrap();
    let message = client.answer("Hi").await.unwrap_err().to_string();
    assert!(
        message.starts_with(&format!("request to http://{closed}/v1/chat/completions failed")),
        "{message}"
    );
}
