//! Secrets never show: across every operation of every generated crate, the `@sensitive`
//! values of inputs (set to a canary by the operation tables) and of responses (the samples'
//! sensitive members hold another canary), the secret access key, the session token and every
//! SigV4 signature sent are looked for in the `Debug` and `Display` text of outputs and errors
//! (service errors, unreadable responses), in the client's `Debug`, in S3's presigned requests,
//! and in everything the clients log through `tracing` (captured by a subscriber that formats
//! every field of every event and span).

use reliability::harness::{OutcomeKind, SECRET_ACCESS_KEY, SESSION_TOKEN};
use std::sync::{Arc, Mutex};

/// A `tracing` subscriber that writes every event's and span's fields into a buffer.
#[derive(Clone, Default)]
struct Capture(Arc<Mutex<String>>);

struct Fields<'a>(&'a mut String);

impl tracing::field::Visit for Fields<'_> {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        use std::fmt::Write as _;
        let _ = write!(self.0, " {}={:?}", field.name(), value);
    }
}

impl tracing::Subscriber for Capture {
    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, span: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        if let Ok(mut b) = self.0.lock() {
            b.push_str(span.metadata().name());
            span.record(&mut Fields(&mut b));
            b.push('\n');
        }
        tracing::span::Id::from_u64(1)
    }
    fn record(&self, _: &tracing::span::Id, values: &tracing::span::Record<'_>) {
        if let Ok(mut b) = self.0.lock() {
            values.record(&mut Fields(&mut b));
            b.push('\n');
        }
    }
    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
    fn event(&self, event: &tracing::Event<'_>) {
        if let Ok(mut b) = self.0.lock() {
            b.push_str(event.metadata().target());
            event.record(&mut Fields(&mut b));
            b.push('\n');
        }
    }
    fn enter(&self, _: &tracing::span::Id) {}
    fn exit(&self, _: &tracing::span::Id) {}
    fn max_level_hint(&self) -> Option<tracing::level_filters::LevelFilter> {
        Some(tracing::level_filters::LevelFilter::TRACE)
    }
}

/// The secrets, and how `Debug` of a byte vector would spell them (`[99, 97, ...]`).
fn spellings(secret: &str) -> [String; 2] {
    let bytes: Vec<String> = secret.bytes().map(|b| b.to_string()).collect();
    [secret.to_string(), bytes.join(", ")]
}

fn leaks<'a>(text: &str, secrets: impl IntoIterator<Item = &'a String>) -> Vec<String> {
    secrets.into_iter().filter(|s| spellings(s).iter().any(|sp| text.contains(sp.as_str()))).cloned().collect()
}

#[test]
fn secrets_never_show_in_debug_display_errors_or_traces() {
    let capture = Capture::default();
    let mut fixed: Vec<String> = vec![
        "canary-input-secret".into(),
        "canary-output-secret".into(),
        SECRET_ACCESS_KEY.into(),
        SESSION_TOKEN.into(),
    ];
    let mut found = Vec::new();
    let mut checked = 0usize;
    let mut sensitive_outputs = 0usize;
    let suites = reliability::ops::suites();
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    tracing::subscriber::with_default(capture.clone(), || {
        for suite in &suites {
            let client_debug = suite.describe_client();
            for leak in leaks(&client_debug, &fixed) {
                found.push(format!("{} client Debug shows {leak:?}", suite.crate_name()));
            }
            for op in 0..suite.len() {
                for sample in suite.samples(op) {
                    let script = sample.script();
                    if sample.error.is_none() && script.body.windows(20).any(|w| w == b"canary-output-secret") {
                        sensitive_outputs += 1;
                    }
                    // The sample; the same bytes unreadable (cut short: a response error keeping
                    // them); and the output's bytes under an error status (an unhandled error).
                    let mut cut = script.clone();
                    cut.body.truncate(cut.body.len().saturating_sub(1).max(1));
                    cut.body.push(b'<');
                    let mut as_error = script.clone();
                    as_error.status = 400;
                    for variant in [script, cut, as_error] {
                        suite.transport().set(variant.clone());
                        let outcome = rt.block_on(suite.call(op));
                        checked += 1;
                        assert_ne!(outcome.kind, OutcomeKind::ConstructionFailure, "{} {}: {}", suite.crate_name(), suite.op_name(op), outcome.text);
                        for leak in leaks(&outcome.text, &fixed) {
                            found.push(format!("{} {} ({:?}, status {}): output/error text shows {leak:?}", suite.crate_name(), suite.op_name(op), outcome.kind, variant.status));
                        }
                    }
                }
            }
        }
        // S3's presigned requests: the signature is in `uri()`, and nowhere else.
        let (signature, debug) = rt.block_on(presigned_s3());
        fixed.push(signature);
        for leak in leaks(&debug, &fixed) {
            found.push(format!("PresignedRequest Debug shows {leak:?}"));
        }
    });
    let mut all = fixed.clone();
    for suite in &suites {
        all.extend(suite.transport().secrets());
    }
    let trace = capture.0.lock().unwrap().clone();
    assert!(trace.contains("sending request"), "tracing was captured");
    for leak in leaks(&trace, &all) {
        let line = trace.lines().find(|l| spellings(&leak).iter().any(|sp| l.contains(sp.as_str()))).unwrap_or_default();
        found.push(format!("tracing shows {leak:?}: {}", line.chars().take(300).collect::<String>()));
    }
    println!("{checked} responses of {} crates checked ({sensitive_outputs} output samples hold sensitive values in their body), {} request signatures and tokens, {} bytes of tracing output", suites.len(), all.len() - fixed.len(), trace.len());
    assert!(sensitive_outputs > 10, "the samples exercise sensitive output members");
    assert!(found.is_empty(), "{} leaks:\n{}", found.len(), found.join("\n"));
}

/// A presigned S3 GetObject with a session token: its signature and its `Debug` text.
async fn presigned_s3() -> (String, String) {
    let config = s3::Config::builder()
        .ignore_environment()
        .region("us-east-1")
        .credentials_provider(s3::config::Credentials::new("AKIDPRESIGN", SECRET_ACCESS_KEY, Some(SESSION_TOKEN.to_string()), None, "secrets"))
        .build();
    let client = s3::Client::from_conf(config);
    let presigning = s3::presigning::PresigningConfig::expires_in(std::time::Duration::from_secs(300)).unwrap();
    let presigned = client.get_object().bucket("bucket").key("key").presigned(presigning).await.expect("presigned");
    let signature = presigned.uri().split("X-Amz-Signature=").nth(1).unwrap_or_default().split('&').next().unwrap_or_default().to_string();
    assert_eq!(signature.len(), 64, "{}", presigned.uri());
    (signature, format!("{presigned:?}"))
}

