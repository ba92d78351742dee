$version: "2.0"

// Written for smithy-lite: the part of AWS STS that the credential chain calls. Wire names,
// protocol and signing facts follow the service's public model; everything else is left out.
// `cargo xtask codegen` generates the chain's internal client for it into every crate.

namespace smithylite.credentials.sts

use aws.api#service
use aws.auth#sigv4
use aws.protocols#awsQuery
use aws.protocols#awsQueryError
use smithy.rules#endpointRuleSet
use smithy.rules#endpointTests

@service(sdkId: "STS", endpointPrefix: "sts")
@sigv4(name: "sts")
@awsQuery
@xmlNamespace(uri: "https://sts.amazonaws.com/doc/2011-06-15/")
@title("AWS Security Token Service")
@endpointRuleSet({
    version: "1.0"
    parameters: {
        Region: { builtIn: "AWS::Region", required: false, type: "String", documentation: "The region to send requests to." }
        UseDualStack: { builtIn: "AWS::UseDualStack", required: true, default: false, type: "Boolean", documentation: "Use the dual-stack endpoint." }
        UseFIPS: { builtIn: "AWS::UseFIPS", required: true, default: false, type: "Boolean", documentation: "Use the FIPS endpoint." }
        Endpoint: { builtIn: "SDK::Endpoint", required: false, type: "String", documentation: "An endpoint that overrides the rules." }
    }
    rules: [
        {
            type: "endpoint"
            conditions: [{ fn: "isSet", argv: [{ ref: "Endpoint" }] }]
            endpoint: { url: { ref: "Endpoint" } }
        }
        {
            type: "tree"
            conditions: [
                { fn: "isSet", argv: [{ ref: "Region" }] }
                { fn: "aws.partition", argv: [{ ref: "Region" }], assign: "PartitionResult" }
            ]
            rules: [
                {
                    type: "endpoint"
                    conditions: [
                        { fn: "booleanEquals", argv: [{ ref: "UseFIPS" }, true] }
                        { fn: "booleanEquals", argv: [{ ref: "UseDualStack" }, true] }
                    ]
                    endpoint: { url: "https://sts-fips.{Region}.{PartitionResult#dualStackDnsSuffix}" }
                }
                {
                    type: "endpoint"
                    conditions: [{ fn: "booleanEquals", argv: [{ ref: "UseFIPS" }, true] }]
                    endpoint: { url: "https://sts-fips.{Region}.{PartitionResult#dnsSuffix}" }
                }
                {
                    type: "endpoint"
                    conditions: [{ fn: "booleanEquals", argv: [{ ref: "UseDualStack" }, true] }]
                    endpoint: { url: "https://sts.{Region}.{PartitionResult#dualStackDnsSuffix}" }
                }
                {
                    type: "endpoint"
                    conditions: []
                    endpoint: { url: "https://sts.{Region}.{PartitionResult#dnsSuffix}" }
                }
            ]
        }
        { type: "error", conditions: [], error: "Invalid Configuration: Missing Region" }
    ]
})
@endpointTests({
    version: "1.0"
    testCases: [
        {
            documentation: "regional endpoint"
            params: { Region: "eu-west-1", UseFIPS: false, UseDualStack: false }
            expect: { endpoint: { url: "https://sts.eu-west-1.amazonaws.com" } }
        }
        {
            documentation: "FIPS endpoint"
            params: { Region: "us-east-1", UseFIPS: true, UseDualStack: false }
            expect: { endpoint: { url: "https://sts-fips.us-east-1.amazonaws.com" } }
        }
        {
            documentation: "China partition"
            params: { Region: "cn-north-1", UseFIPS: false, UseDualStack: false }
            expect: { endpoint: { url: "https://sts.cn-north-1.amazonaws.com.cn" } }
        }
        {
            documentation: "endpoint override"
            params: { Region: "us-east-1", UseFIPS: false, UseDualStack: false, Endpoint: "http://localhost:5000" }
            expect: { endpoint: { url: "http://localhost:5000" } }
        }
    ]
})
service AWSSecurityTokenServiceV20110615 {
    version: "2011-06-15"
    operations: [AssumeRole, AssumeRoleWithWebIdentity]
}

operation AssumeRole {
    input := {
        @required
        RoleArn: String
        @required
        RoleSessionName: String
        DurationSeconds: Integer
        ExternalId: String
        SerialNumber: String
        TokenCode: String
    }
    output := {
        Credentials: Credentials
        AssumedRoleUser: AssumedRoleUser
        PackedPolicySize: Integer
        SourceIdentity: String
    }
    errors: [ExpiredTokenException, MalformedPolicyDocumentException, PackedPolicyTooLargeException, RegionDisabledException]
}

@auth([])
@optionalAuth
operation AssumeRoleWithWebIdentity {
    input := {
        @required
        RoleArn: String
        @required
        RoleSessionName: String
        @required
        WebIdentityToken: WebIdentityToken
        ProviderId: String
        DurationSeconds: Integer
    }
    output := {
        Credentials: Credentials
        SubjectFromWebIdentityToken: String
        AssumedRoleUser: AssumedRoleUser
        PackedPolicySize: Integer
        Provider: String
        Audience: String
        SourceIdentity: String
    }
    errors: [
        ExpiredTokenException
        IDPCommunicationErrorException
        IDPRejectedClaimException
        InvalidIdentityTokenException
        MalformedPolicyDocumentException
        PackedPolicyTooLargeException
        RegionDisabledException
    ]
}

@sensitive
string WebIdentityToken

@sensitive
string SecretAccessKey

@sensitive
string SessionToken

structure Credentials {
    @required
    AccessKeyId: String
    @required
    SecretAccessKey: SecretAccessKey
    @required
    SessionToken: SessionToken
    @required
    Expiration: Timestamp
}

structure AssumedRoleUser {
    @required
    AssumedRoleId: String
    @required
    Arn: String
}

@error("client")
@httpError(400)
@awsQueryError(code: "ExpiredTokenException", httpResponseCode: 400)
structure ExpiredTokenException {
    message: String
}

@error("client")
@httpError(400)
@awsQueryError(code: "MalformedPolicyDocument", httpResponseCode: 400)
structure MalformedPolicyDocumentException {
    message: String
}

@error("client")
@httpError(400)
@awsQueryError(code: "PackedPolicyTooLarge", httpResponseCode: 400)
structure PackedPolicyTooLargeException {
    message: String
}

@error("client")
@httpError(403)
@awsQueryError(code: "RegionDisabledException", httpResponseCode: 403)
structure RegionDisabledException {
    message: String
}

@error("client")
@httpError(400)
@awsQueryError(code: "IDPCommunicationError", httpResponseCode: 400)
structure IDPCommunicationErrorException {
    message: String
}

@error("client")
@httpError(403)
@awsQueryError(code: "IDPRejectedClaim", httpResponseCode: 403)
structure IDPRejectedClaimException {
    message: String
}

@error("client")
@httpError(400)
@awsQueryError(code: "InvalidIdentityToken", httpResponseCode: 400)
structure InvalidIdentityTokenException {
    message: String
}
