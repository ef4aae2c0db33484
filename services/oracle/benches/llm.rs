//! `make bench`: generated tokens per second of the in-process LLM source with the pinned model
//! (SmolLM2-135M-Instruct `Q4_1`, greedy, CPU), the model loaded once.
//!
//! A job with a budget of one token measures the prompt's prefill; a job with a budget of
//! [`TOKENS`] the whole answer. Decoding speed is the tokens after the first over the time after
//! the first; end-to-end speed counts the prefill too. Medians of [`RUNS`] runs after a warm-up.

use masa_oracle::{Llm, LlmConfig, LlmJob, sources::llm::Finish};
use std::time::{Duration, Instant};

const TOKENS: u32 = 128;
const RUNS: usize = 5;
const PROMPT: &str = "Write a long story about a lighthouse keeper who finds a message in a bottle.";

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1e3)
}

fn main() {
    let config = LlmConfig::smollm2_from_env().unwrap_or_else(|e| panic!("{e}"));
    let start = Instant::now();
    let llm = Llm::load(&config).unwrap_or_else(|e| panic!("{e}"));
    let load = start.elapsed();
    println!(
        "LLM source: {} (sha256 {:x}), {} CPU threads",
        config.model_path.display(),
        llm.model_sha256(),
        candle_core::utils::get_num_threads()
    );
    println!("  model load (read, sha256, GGUF, tokenizer): {}", ms(load));

    let job = |max_tokens| LlmJob {
        system_prompt: config.system_prompt.clone(),
        prompt: PROMPT.to_owned(),
        max_tokens,
    };
    let (first, full) = (job(1), job(TOKENS));
    let time = |job: &LlmJob| {
        let start = Instant::now();
        let answer = llm.complete(job).unwrap();
        (start.elapsed(), answer)
    };

    let (_, reference) = time(&full); // warm-up
    assert_eq!(
        reference.finish,
        Finish::Length,
        "the bench prompt must fill the budget: {:?}",
        reference.text
    );
    let prefill = median((0..RUNS).map(|_| time(&first).0).collect());
    let total = median(
        (0..RUNS)
            .map(|_| {
                let (elapsed, answer) = time(&full);
                assert_eq!(answer, reference, "greedy decoding must repeat itself");
                elapsed
            })
            .collect(),
    );
    let tokens = f64::from(reference.tokens);
    let decode = (tokens - 1.0) / (total - prefill).as_secs_f64();
    println!(
        "  prefill of the {}-token prompt and first token: {}",
        llm.prompt_tokens(&full).unwrap(),
        ms(prefill)
    );
    println!("  {TOKENS} tokens: {} ({:.1} tokens/s end to end)", ms(total), tokens / total.as_secs_f64());
    println!("  generation: {decode:.1} tokens/s (median of {RUNS})");
}
