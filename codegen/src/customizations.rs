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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn machine_learning_predict_takes_its_endpoint_from_the_input() {
        assert_eq!(endpoint_url_member("com.amazonaws.machinelearning#AmazonML_20141212", "Predict"), Some("PredictEndpoint"));
        assert_eq!(endpoint_url_member("com.amazonaws.machinelearning#AmazonML_20141212", "GetMLModel"), None);
        assert_eq!(endpoint_url_member("example#Other", "Predict"), None);
    }
}
