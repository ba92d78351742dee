//! The awsJson 1.0 and 1.1 protocols: `POST /` with `X-Amz-Target` and a JSON document body;
//! errors identified by `X-Amzn-Errortype`, then the body's `code` or `__type`.

use super::error::{ErrorMetadata, HttpResponse};
use super::http::RequestParts;
use super::json;

/// The request of an awsJson operation: `target` is `Service.Operation`, `content_type`
/// `application/x-amz-json-1.0` or `-1.1`, `body` the serialised input document.
pub fn request(target: &'static str, content_type: &'static str, body: String) -> RequestParts {
    let mut parts = RequestParts::new(http::Method::POST, "/");
    parts.headers.insert(http::header::CONTENT_TYPE, http::HeaderValue::from_static(content_type));
    parts.headers.insert("x-amz-target", http::HeaderValue::from_static(target));
    parts.body = body.into_bytes();
    parts
}

/// [`request`] for a service with `@awsQueryCompatible`, which announces it understands the
/// query error header.
pub fn query_compatible_request(target: &'static str, content_type: &'static str, body: String) -> RequestParts {
    let mut parts = request(target, content_type, body);
    parts.headers.insert("x-amzn-query-mode", http::HeaderValue::from_static("true"));
    parts
}

pub use super::json::{error_metadata, read_output};

/// As [`error_metadata`], for services with `@awsQueryCompatible`: the code of the
/// `x-amzn-query-error` header (`Code;Fault`) wins, so codes match the service's awsQuery past.
pub fn error_metadata_query_compatible(response: &HttpResponse) -> ErrorMetadata {
    let body = json::parse_body(response.body()).ok();
    let parts = json::error_parts(response.header("x-amzn-errortype"), body.as_ref());
    let query_code = response
        .header("x-amzn-query-error")
        .and_then(|h| h.split(';').next())
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(str::to_string);
    json::build_metadata(response, query_code.or(parts.code), parts.message)
}

/// The modelled error code of a response read with [`error_metadata_query_compatible`] may
/// differ from the shape name; `matches` tells whether a response is the error `shape_code`
/// (its `__type`) even when the query code names it otherwise.
pub fn type_code(response: &HttpResponse) -> Option<String> {
    let body = json::parse_body(response.body()).ok();
    json::error_parts(response.header("x-amzn-errortype"), body.as_ref()).code
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(headers: &[(&'static str, &str)], body: &str) -> HttpResponse {
        let mut map = http::HeaderMap::new();
        for (k, v) in headers {
            map.insert(*k, http::HeaderValue::from_str(v).unwrap());
        }
        HttpResponse::new(400, map, body.as_bytes().to_vec())
    }

    #[test]
    fn request_parts() {
        let parts = request("Svc.Op", "application/x-amz-json-1.1", "{}".into());
        assert_eq!(parts.method, http::Method::POST);
        assert_eq!(parts.uri, "/");
        assert_eq!(parts.headers["x-amz-target"], "Svc.Op");
        assert_eq!(parts.headers["content-type"], "application/x-amz-json-1.1");
        assert_eq!(parts.body, b"{}");
    }

    #[test]
    fn error_codes() {
        let r = response(&[("x-amzn-requestid", "rid")], r#"{"__type":"ns#Boom:http://x","message":"m"}"#);
        let meta = error_metadata(&r);
        assert_eq!((meta.code(), meta.message(), meta.request_id(), meta.status()), (Some("Boom"), Some("m"), Some("rid"), Some(400)));
        let r = response(&[("x-amzn-query-error", "AWS.SimpleQueueService.NonExistentQueue;Sender")], r#"{"__type":"ns#QueueDoesNotExist"}"#);
        assert_eq!(error_metadata_query_compatible(&r).code(), Some("AWS.SimpleQueueService.NonExistentQueue"));
        assert_eq!(type_code(&r).as_deref(), Some("QueueDoesNotExist"));
        assert_eq!(error_metadata(&r).code(), Some("QueueDoesNotExist"));
        let r = response(&[], "not json");
        assert_eq!(error_metadata(&r).code(), None);
    }
}
