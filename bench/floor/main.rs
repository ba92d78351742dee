//! The floor: the generated crate's own dependencies (the same versions and features, listed by
//! `cargo xtask bench` from its Cargo.toml) under a trivial main, with no generated code. With
//! `BENCH_FLOOR_URL` set it fetches that URL with the same HTTPS client the runtime builds (hyper
//! 1 over the TLS the features select), hashes, encodes, parses and logs the response, so the
//! linker keeps the code a client needs; without it, it does nothing.
//! Written into target/bench/floor*/src/main.rs by `cargo xtask bench`.

use base64::Engine as _;
use http_body_util::BodyExt as _;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use sha2::Digest as _;
use std::time::Duration;

#[cfg(feature = "native-tls")]
fn connector(http: HttpConnector) -> hyper_tls::HttpsConnector<HttpConnector> {
    let tls = native_tls::TlsConnector::builder()
        .min_protocol_version(Some(native_tls::Protocol::Tlsv12))
        .build()
        .expect("TLS connector");
    hyper_tls::HttpsConnector::from((http, tokio_native_tls::TlsConnector::from(tls)))
}

#[cfg(not(feature = "native-tls"))]
fn connector(http: HttpConnector) -> hyper_rustls::HttpsConnector<HttpConnector> {
    let mut roots = rustls::RootCertStore::empty();
    #[cfg(feature = "tls-webpki-roots")]
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    #[cfg(feature = "tls-native-roots")]
    roots.add_parsable_certificates(rustls_native_certs::load_native_certs().certs);
    let config = rustls::ClientConfig::builder_with_provider(std::sync::Arc::new(provider()))
        .with_protocol_versions(&[&rustls::version::TLS13, &rustls::version::TLS12])
        .expect("protocol versions")
        .with_root_certificates(roots)
        .with_no_client_auth();
    hyper_rustls::HttpsConnectorBuilder::new()
        .with_tls_config(config)
        .https_or_http()
        .enable_http1()
        .wrap_connector(http)
}

#[cfg(all(not(feature = "native-tls"), feature = "tls-full-provider"))]
fn provider() -> rustls::crypto::CryptoProvider {
    rustls::crypto::ring::default_provider()
}

/// The same suites, groups and signature algorithms as the runtime's AWS provider.
#[cfg(all(not(feature = "native-tls"), not(feature = "tls-full-provider")))]
fn provider() -> rustls::crypto::CryptoProvider {
    use rustls::crypto::ring::{cipher_suite as cs, kx_group};
    use rustls::SignatureScheme as S;
    use webpki::ring as alg;
    static ALGORITHMS: rustls::crypto::WebPkiSupportedAlgorithms =
        rustls::crypto::WebPkiSupportedAlgorithms {
            all: &[
                alg::ECDSA_P256_SHA256,
                alg::ECDSA_P256_SHA384,
                alg::ECDSA_P384_SHA256,
                alg::ECDSA_P384_SHA384,
                alg::RSA_PSS_2048_8192_SHA256_LEGACY_KEY,
                alg::RSA_PSS_2048_8192_SHA384_LEGACY_KEY,
                alg::RSA_PSS_2048_8192_SHA512_LEGACY_KEY,
                alg::RSA_PKCS1_2048_8192_SHA256,
                alg::RSA_PKCS1_2048_8192_SHA384,
                alg::RSA_PKCS1_2048_8192_SHA512,
            ],
            mapping: &[
                (S::ECDSA_NISTP384_SHA384, &[alg::ECDSA_P384_SHA384, alg::ECDSA_P256_SHA384]),
                (S::ECDSA_NISTP256_SHA256, &[alg::ECDSA_P256_SHA256, alg::ECDSA_P384_SHA256]),
                (S::RSA_PSS_SHA512, &[alg::RSA_PSS_2048_8192_SHA512_LEGACY_KEY]),
                (S::RSA_PSS_SHA384, &[alg::RSA_PSS_2048_8192_SHA384_LEGACY_KEY]),
                (S::RSA_PSS_SHA256, &[alg::RSA_PSS_2048_8192_SHA256_LEGACY_KEY]),
                (S::RSA_PKCS1_SHA512, &[alg::RSA_PKCS1_2048_8192_SHA512]),
                (S::RSA_PKCS1_SHA384, &[alg::RSA_PKCS1_2048_8192_SHA384]),
                (S::RSA_PKCS1_SHA256, &[alg::RSA_PKCS1_2048_8192_SHA256]),
            ],
        };
    #[derive(Debug)]
    struct Random;
    impl rustls::crypto::SecureRandom for Random {
        fn fill(&self, buf: &mut [u8]) -> Result<(), rustls::crypto::GetRandomFailed> {
            use ring::rand::SecureRandom as _;
            ring::rand::SystemRandom::new()
                .fill(buf)
                .map_err(|_| rustls::crypto::GetRandomFailed)
        }
    }
    #[derive(Debug)]
    struct NoKeys;
    impl rustls::crypto::KeyProvider for NoKeys {
        fn load_private_key(
            &self,
            _key: rustls::pki_types::PrivateKeyDer<'static>,
        ) -> Result<std::sync::Arc<dyn rustls::sign::SigningKey>, rustls::Error> {
            Err(rustls::Error::General("no client certificate".into()))
        }
    }
    rustls::crypto::CryptoProvider {
        cipher_suites: vec![
            cs::TLS13_AES_128_GCM_SHA256,
            cs::TLS13_AES_256_GCM_SHA384,
            cs::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
            cs::TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
            cs::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
            cs::TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
        ],
        kx_groups: vec![kx_group::X25519, kx_group::SECP256R1],
        signature_verification_algorithms: ALGORITHMS,
        secure_random: &Random,
        key_provider: &NoKeys,
    }
}

async fn fetch(url: &str) -> Result<String, Box<dyn std::error::Error + Send + Sync>> {
    let mut http = HttpConnector::new();
    http.enforce_http(false);
    http.set_nodelay(true);
    http.set_connect_timeout(Some(Duration::from_secs(5)));
    let client: Client<_, http_body_util::Full<bytes::Bytes>> = Client::builder(TokioExecutor::new())
        .pool_idle_timeout(Duration::from_secs(90))
        .build(connector(http));
    let body = bytes::Bytes::from_static(b"{}");
    // A request signed the way SigV4 starts: the payload hash.
    let payload_hash = hex(&sha2::Sha256::digest(&body));
    let request = http::Request::post(url)
        .header("x-amz-content-sha256", &payload_hash)
        .body(http_body_util::Full::new(body))?;
    let response = tokio::time::timeout(Duration::from_secs(10), client.request(request)).await??;
    let status = response.status();
    let body = response.into_body().collect().await?.to_bytes();
    let digest = base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(&body));
    let shape = if body.first() == Some(&b'<') {
        let tokens = xmlparser::Tokenizer::from(std::str::from_utf8(&body)?).count();
        format!("{tokens} XML tokens")
    } else {
        let value: serde_json::Value = serde_json::from_slice(&body)?;
        format!("JSON {}", serde_json::to_string(&value)?.len())
    };
    let profile = tokio::fs::read_to_string("/nonexistent/.aws/config").await.unwrap_or_default();
    tracing::info!(%status, %digest, %shape, profile = profile.len(), "fetched");
    Ok(format!("{status} {digest} {shape}"))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn main() {
    let Ok(url) = std::env::var("BENCH_FLOOR_URL") else {
        println!("floor: set BENCH_FLOOR_URL to fetch a URL");
        return;
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    match runtime.block_on(fetch(&url)) {
        Ok(summary) => println!("{summary}"),
        Err(e) => println!("error: {e}"),
    }
}
