//! Independent nodes agree on an LLM job.

use masa_oracle::{Answer, JobResult, Llm, sources::llm::Finish};
use std::thread;

/// Three nodes, each loading the model on its own (three `Llm::load` in three threads), answer the
/// same prompt with the same text and so the same result hash.
#[test]
fn three_nodes_agree() {
    let mut config = super::config();
    config.max_tokens = 32;
    // Under SmolLM2's default system prompt this question's first token is a near tie ("The"
    // against "L", 0.08 apart in the logits of an f32 reference forward pass over the dequantized
    // weights), which candle's quantized kernels resolve to "L" and a rambling answer: still one
    // answer for every node, but no check of the tokenizer. A plainer system prompt leaves no tie.
    config.system_prompt = "You are a helpful assistant.".into();
    let prompt = "What is the capital of France?";
    let answers: Vec<Answer> = thread::scope(|s| {
        let nodes: Vec<_> = (0..3)
            .map(|_| {
                s.spawn(|| {
                    let llm = Llm::load(&config).unwrap_or_else(|e| panic!("{e}"));
                    llm.answer(prompt).unwrap()
                })
            })
            .collect();
        nodes.into_iter().map(|node| node.join().unwrap()).collect()
    });

    let first = &answers[0];
    println!("answer ({} tokens, {:?}): {:?}", first.tokens, first.finish, first.text);
    println!("result hash: {}", first.result_hash());
    assert!(!first.text.trim().is_empty());
    assert!(first.tokens > 0 && first.tokens <= 32);
    // a sanity check of the tokenizer and template: a wrong tokenization makes this model babble
    assert!(first.text.contains("Paris"), "{:?}", first.text);
    assert_eq!(first.model_sha256, config.sha256);
    assert_eq!(first.job.prompt, prompt);
    for other in &answers[1..] {
        assert_eq!(other, first);
        assert_eq!(other.result_hash(), first.result_hash());
    }
}

/// One loaded model answering twice gives the same answer (each answer has its own key-value
/// cache), and a smaller budget cuts the same text short: greedy decoding is a prefix process.
#[test]
fn answers_repeat_and_budgets_cut_the_same_text() {
    let mut config = super::config();
    config.max_tokens = 24;
    let llm = Llm::load(&config).unwrap();
    let prompt = "Write one sentence about the sea.";
    let a = llm.answer(prompt).unwrap();
    let b = llm.answer(prompt).unwrap();
    assert_eq!(a, b);

    let mut job = a.job.clone();
    job.max_tokens = 8;
    let short = llm.complete(&job).unwrap();
    assert_eq!(short.finish, Finish::Length);
    assert_eq!(short.tokens, 8);
    assert!(a.text.starts_with(&short.text), "{:?} is not a prefix of {:?}", short.text, a.text);
    assert_ne!(short.result_hash(), a.result_hash());
}

/// Set in the child processes of [`the_thread_count_does_not_change_the_answer`].
const CHILD: &str = "MASA_ORACLE_TEST_CHILD";

/// Nodes with different core counts agree: the same job answered in two processes whose candle
/// pools have one and two threads (`CANDLE_NUM_THREADS`; a process sizes its pool once) gives the
/// same text. The test runs itself as each child.
#[test]
fn the_thread_count_does_not_change_the_answer() {
    if std::env::var_os(CHILD).is_some() {
        let mut config = super::config();
        config.max_tokens = 16;
        let answer = Llm::load(&config).unwrap().answer("Why is the sky blue?").unwrap();
        println!("{CHILD} {} {}", answer.result_hash(), serde_json::to_string(&answer.text).unwrap());
        return;
    }
    let answers: Vec<String> = ["1", "2"]
        .into_iter()
        .map(|threads| {
            let out = std::process::Command::new(std::env::current_exe().unwrap())
                .args(["--exact", "agreement::the_thread_count_does_not_change_the_answer", "--nocapture"])
                .env(CHILD, "1")
                .env("CANDLE_NUM_THREADS", threads)
                .output()
                .unwrap();
            let stdout = String::from_utf8_lossy(&out.stdout);
            assert!(out.status.success(), "the child with {threads} threads failed: {stdout}");
            let line =
                stdout.lines().find_map(|l| l.strip_prefix(CHILD)).unwrap_or_else(|| panic!("{stdout}"));
            println!("{threads} thread(s):{line}");
            line.to_owned()
        })
        .collect();
    assert_eq!(answers[0], answers[1]);
}
