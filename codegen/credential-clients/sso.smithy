$version: "2.0"

// Written for smithy-lite: the part of AWS IAM Identity Center (SSO) that the credential chain calls. Wire names,
// protocol and signing facts follow the service's public model; everything else is left out.
// `cargo xtask codegen` generates the chain's internal client for it into every crate.

namespace smithylite.credentials.sso

use aws.api#service
use aws.auth#sigv4
use aws.protocols#restJson1
use smithy.rules#endpointRuleSet
use smithy.rules#endpointTests

@service(sdkId: "SSO", endpointPrefix: "portal.sso")
@sigv4(name: "awsssoportal")
@restJson1
@title("AWS Single Sign-On")
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
                    endpoint: { url: "https://portal.sso-fips.{Region}.{PartitionResult#dualStackDnsSuffix}" }
                }
                {
                    type: "endpoint"
                    conditions: [{ fn: "booleanEquals", argv: [{ ref: "UseFIPS" }, true] }]
                    endpoint: { url: "https://portal.sso-fips.{Region}.{PartitionResult#dnsSuffix}" }
                }
                {
                    type: "endpoint"
                    conditions: [{ fn: "booleanEquals", argv: [{ ref: "UseDualStack" }, true] }]
                    endpoint: { url: "https://portal.sso.{Region}.{PartitionResult#dualStackDnsSuffix}" }
                }
                {
                    type: "endpoint"
                    conditions: []
                    endpoint: { url: "https://portal.sso.{Region}.{PartitionResult#dnsSuffix}" }
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
            expect: { endpoint: { url: "https://portal.sso.eu-west-1.amazonaws.com" } }
        }
        {
            documentation: "FIPS endpoint"
            params: { Region: "us-east-1", UseFIPS: true, UseDualStack: false }
            expect: { endpoint: { url: "https://portal.sso-fips.us-east-1.amazonaws.com" } }
        }
        {
            documentation: "China partition"
            params: { Region: "cn-north-1", UseFIPS: false, UseDualStack: false }
            expect: { endpoint: { url: "https://portal.sso.cn-north-1.amazonaws.com.cn" } }
        }
        {
            documentation: "endpoint override"
            params: { Region: "us-east-1", UseFIPS: false, UseDualStack: false, Endpoint: "http://localhost:5000" }
            expect: { endpoint: { url: "http://localhost:5000" } }
        }
    ]
})
service SWBPortalService {
    version: "2019-06-10"
    operations: [GetRoleCredentials]
}

@auth([])
@optionalAuth
@readonly
@http(method: "GET", uri: "/federation/credentials", code: 200)
operation GetRoleCredentials {
    input := {
        @required
        @httpQuery("role_name")
        roleName: String
        @required
        @httpQuery("account_id")
        accountId: String
        @required
        @httpHeader("x-amz-sso_bearer_token")
        accessToken: AccessToken
    }
    output := {
        roleCredentials: RoleCredentials
    }
    errors: [InvalidRequestException, UnauthorizedException, TooManyRequestsException, ResourceNotFoundException]
}

@sensitive
string AccessToken

@sensitive
string SecretAccessKey

@sensitive
string SessionToken

structure RoleCredentials {
    accessKeyId: String
    secretAccessKey: SecretAccessKey
    sessionToken: SessionToken
    /// Milliseconds since the Unix epoch.
    expiration: Long = 0
}

@error("client")
@httpError(400)
structure InvalidRequestException {
    message: String
}

@error("client")
@httpError(401)
structure UnauthorizedException {
    message: String
}

@error("client")
@httpError(429)
structure TooManyRequestsException {
    message: String
}

@error("client")
@httpError(404)
structure ResourceNotFoundException {
    message: String
}
