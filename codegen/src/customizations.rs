//! Per-service customisations that aws-sdk-rust applies by hand and that no Smithy trait
//! describes. This table is the only place that names particular services; normalisation turns
//! its entries into typed facts on [`OperationInfo`](crate::bindings::OperationInfo), which the
//! emitters read.

/// An operation whose request goes to a URL given in one of its input members, instead of the
/// resolved endpoint: `(service shape ID, operation name, input member name)`.
///
/// Machine Learning's `Predict` is sent to the `PredictEndpoint` the customer got from
/// `CreateRealtimeEndpoint`, as aws-sdk-rust and the other AWS SDKs do.
static ENDPOINT_URL_FROM_INPUT: &[(&str, &str, &str)] =
    &[("com.amazonaws.machinelearning#AmazonML_20141212", "Predict", "PredictEndpoint")];

/// The input member whose value replaces the endpoint URL of `operation` (a shape name) when it
/// is called through `service` (a shape ID).
pub fn endpoint_url_member(service: &str, operation: &str) -> Option<&'static str> {
    ENDPOINT_URL_FROM_INPUT.iter().find(|(s, o, _)| *s == service && *o == operation).map(|(_, _, m)| *m)
}

/// Headers every request of a service carries: `(service, header, value)`; `{version}` is the
/// service's version. API Gateway answers in JSON only when asked; Glacier wants its API version.
static SERVICE_HEADERS: &[(&str, &str, &str)] = &[
    ("com.amazonaws.apigateway#BackplaneControlService", "accept", "application/json"),
    ("com.amazonaws.glacier#Glacier", "x-amz-glacier-version", "{version}"),
];

/// URI label members that take a value when the caller leaves them unset or empty:
/// `(service, member, value)`. Glacier's `accountId` is `-`, "the account of the credentials".
static LABEL_DEFAULTS: &[(&str, &str, &str)] = &[("com.amazonaws.glacier#Glacier", "accountId", "-")];

/// Operations whose requests carry Glacier's `x-amz-content-sha256` and
/// `x-amz-sha256-tree-hash` headers, computed from the body: `(service, operation)`.
static TREE_HASH_CHECKSUMS: &[(&str, &str)] =
    &[("com.amazonaws.glacier#Glacier", "UploadArchive"), ("com.amazonaws.glacier#Glacier", "UploadMultipartPart")];

/// Services whose `{Bucket}` URI label is carried by the endpoint instead (virtual-hosted or
/// path-style addressing decided by the endpoint rules), so it is removed from the path: S3.
static BUCKET_IN_ENDPOINT: &[&str] = &["com.amazonaws.s3#AmazonS3"];

/// Services whose error responses without a body and with status 404 have the code
/// `NotFound` (HeadObject and HeadBucket cannot carry an `<Error>`): S3, as in aws-sdk-rust.
static EMPTY_404_IS_NOT_FOUND: &[&str] = &["com.amazonaws.s3#AmazonS3"];

/// Whether a bodiless 404 from `service` is read as the error code `NotFound`.
pub fn empty_404_is_not_found(service: &str) -> bool {
    EMPTY_404_IS_NOT_FOUND.contains(&service)
}

/// Whether `service` moves its leading `{Bucket}` label into the endpoint.
pub fn bucket_in_endpoint(service: &str) -> bool {
    BUCKET_IN_ENDPOINT.contains(&service)
}

/// Services that sign like S3: the path is never normalised and every signed request carries
/// `x-amz-content-sha256` (the endpoint's `disableDoubleEncoding` picks the URI encoding).
static S3_STYLE_SIGNING: &[&str] = &["com.amazonaws.s3#AmazonS3", "com.amazonaws.s3control#AWSS3ControlServiceV20180820"];

/// Whether `service` signs like S3 (no path normalisation, payload hash header).
pub fn s3_style_signing(service: &str) -> bool {
    S3_STYLE_SIGNING.contains(&service)
}

/// Services whose operations can all be presigned (`presigned(PresigningConfig)` on every
/// fluent builder), as in aws-sdk-rust.
static PRESIGNABLE: &[&str] = &["com.amazonaws.s3#AmazonS3"];

/// Whether every operation of `service` can be presigned.
pub fn presignable(service: &str) -> bool {
    PRESIGNABLE.contains(&service)
}

/// Operations that may answer 200 with an `<Error>` document instead of their output
/// (S3 reports failures found after it started answering this way): `(service, operation)`.
static ERROR_IN_OK_RESPONSE: &[(&str, &str)] = &[
    ("com.amazonaws.s3#AmazonS3", "CompleteMultipartUpload"),
    ("com.amazonaws.s3#AmazonS3", "CopyObject"),
    ("com.amazonaws.s3#AmazonS3", "UploadPartCopy"),
];

/// Whether a 200 response of `operation` of `service` may be an error.
pub fn error_in_ok_response(service: &str, operation: &str) -> bool {
    ERROR_IN_OK_RESPONSE.iter().any(|(s, o)| *s == service && *o == operation)
}

/// Timestamp response headers whose value is read leniently (unset when it does not parse)
/// instead of failing the response: `(service, header)`. S3's `Expires` holds whatever the
/// uploader put there.
static LENIENT_RESPONSE_HEADERS: &[(&str, &str)] = &[("com.amazonaws.s3#AmazonS3", "Expires")];

/// The response headers of `service` read leniently.
pub fn lenient_response_headers(service: &str) -> Vec<String> {
    LENIENT_RESPONSE_HEADERS.iter().filter(|(s, _)| *s == service).map(|(_, h)| h.to_string()).collect()
}

/// The headers every request of `service` carries, with `{version}` replaced.
pub fn service_headers(service: &str, version: Option<&str>) -> Vec<(String, String)> {
    SERVICE_HEADERS
        .iter()
        .filter(|(s, _, _)| *s == service)
        .map(|(_, h, v)| (h.to_string(), v.replace("{version}", version.unwrap_or_default())))
        .collect()
}

/// `(member, value)` for the URI label members of `service` that have a value when unset.
pub fn label_defaults(service: &str) -> Vec<(String, String)> {
    LABEL_DEFAULTS.iter().filter(|(s, _, _)| *s == service).map(|(_, m, v)| (m.to_string(), v.to_string())).collect()
}

/// Whether `operation` of `service` sends Glacier's tree-hash checksum headers.
pub fn tree_hash_checksums(service: &str, operation: &str) -> bool {
    TREE_HASH_CHECKSUMS.iter().any(|(s, o)| *s == service && *o == operation)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn machine_learning_predict_takes_its_endpoint_from_the_input() {
        assert_eq!(endpoint_url_member("com.amazonaws.machinelearning#AmazonML_20141212", "Predict"), Some("PredictEndpoint"));
        assert_eq!(endpoint_url_member("com.amazonaws.machinelearning#AmazonML_20141212", "GetMLModel"), None);
        assert_eq!(endpoint_url_member("example#Other", "Predict"), None);
    }

    #[test]
    fn s3_reads_a_bodiless_404_as_not_found() {
        assert!(empty_404_is_not_found("com.amazonaws.s3#AmazonS3"));
        assert!(!empty_404_is_not_found("com.amazonaws.cloudfront#Cloudfront2020_05_31"));
    }

    #[test]
    fn glacier_and_api_gateway() {
        assert_eq!(
            service_headers("com.amazonaws.glacier#Glacier", Some("2012-06-01")),
            vec![("x-amz-glacier-version".to_string(), "2012-06-01".to_string())]
        );
        assert_eq!(service_headers("com.amazonaws.apigateway#BackplaneControlService", None)[0].1, "application/json");
        assert!(service_headers("example#Other", None).is_empty());
        assert_eq!(label_defaults("com.amazonaws.glacier#Glacier"), vec![("accountId".to_string(), "-".to_string())]);
        assert!(tree_hash_checksums("com.amazonaws.glacier#Glacier", "UploadArchive"));
        assert!(!tree_hash_checksums("com.amazonaws.glacier#Glacier", "ListVaults"));
    }

    #[test]
    fn s3_signing_presigning_errors_in_200_and_lenient_expires() {
        let s3 = "com.amazonaws.s3#AmazonS3";
        assert!(s3_style_signing(s3) && !s3_style_signing("com.amazonaws.glacier#Glacier"));
        assert!(presignable(s3) && !presignable("example#Other"));
        assert!(error_in_ok_response(s3, "CopyObject") && error_in_ok_response(s3, "UploadPartCopy"));
        assert!(error_in_ok_response(s3, "CompleteMultipartUpload") && !error_in_ok_response(s3, "GetObject"));
        assert_eq!(lenient_response_headers(s3), vec!["Expires".to_string()]);
        assert!(lenient_response_headers("example#Other").is_empty());
    }
}
