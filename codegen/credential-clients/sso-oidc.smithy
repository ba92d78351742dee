$version: "2.0"

// Written for smithy-lite: the part of AWS SSO OIDC that the credential chain calls. Wire names,
// protocol and signing facts follow the service's public model; everything else is left out.
// `cargo xtask codegen` generates the chain's internal client for it into every crate.

namespace smithylite.credentials.ssooidc

use aws.api#service
use aws.auth#sigv4
use aws.protocols#restJson1
use smithy.rules#endpointRuleSet
use smithy.rules#endpointTests

@service(sdkId: "SSO OIDC", endpointPrefix: "oidc")
@sigv4(name: "sso-oauth")
@restJson1
@title("AWS SSO OIDC")
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
                    endpoint: { url: "https://oidc-fips.{Region}.{PartitionResult#dualStackDnsSuffix}" }
                }
                {
                    type: "endpoint"
                    conditions: [{ fn: "booleanEquals", argv: [{ ref: "UseFIPS" }, true] }]
                    endpoint: { url: "https://oidc-fips.{Region}.{PartitionResult#dnsSuffix}" }
                }
                {
                    type: "endpoint"
                    conditions: [{ fn: "booleanEquals", argv: [{ ref: "UseDualStack" }, true] }]
                    endpoint: { url: "https://oidc.{Region}.{PartitionResult#dualStackDnsSuffix}" }
                }
                {
                    type: "endpoint"
                    conditions: []
                    endpoint: { url: "https://oidc.{Region}.{PartitionResult#dnsSuffix}" }
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
            expect: { endpoint: { url: "https://oidc.eu-west-1.amazonaws.com" } }
        }
        {
            documentation: "FIPS endpoint"
            params: { Region: "us-east-1", UseFIPS: true, UseDualStack: false }
            expect: { endpoint: { url: "https://oidc-fips.us-east-1.amazonaws.com" } }
        }
        {
            documentation: "China partition"
            params: { Region: "cn-north-1", UseFIPS: false, UseDualStack: false }
            expect: { endpoint: { url: "https://oidc.cn-north-1.amazonaws.com.cn" } }
        }
        {
            documentation: "endpoint override"
            params: { Region: "us-east-1", UseFIPS: false, UseDualStack: false, Endpoint: "http://localhost:5000" }
            expect: { endpoint: { url: "http://localhost:5000" } }
        }
    ]
})
service AWSSSOOIDCService {
    version: "2019-06-10"
    operations: [CreateToken]
}

@auth([])
@optionalAuth
@http(method: "POST", uri: "/token", code: 200)
operation CreateToken {
    input := {
        @required
        clientId: String
        @required
        clientSecret: ClientSecret
        @required
        grantType: String
        deviceCode: String
        code: String
        refreshToken: RefreshToken
        scope: Scopes
        redirectUri: String
        codeVerifier: String
    }
    output := {
        accessToken: AccessToken
        tokenType: String
        expiresIn: Integer = 0
        refreshToken: RefreshToken
        idToken: IdToken
    }
    errors: [
        AccessDeniedException
        AuthorizationPendingException
        ExpiredTokenException
        InternalServerException
        InvalidClientException
        InvalidGrantException
        InvalidRequestException
        InvalidScopeException
        SlowDownException
        UnauthorizedClientException
        UnsupportedGrantTypeException
    ]
}

list Scopes {
    member: String
}

@sensitive
string ClientSecret

@sensitive
string AccessToken

@sensitive
string RefreshToken

@sensitive
string IdToken

@mixin
structure OidcError {
    error: String
    error_description: String
}

@error("client")
@httpError(400)
structure AccessDeniedException with [OidcError] {}

@error("client")
@httpError(400)
structure AuthorizationPendingException with [OidcError] {}

@error("client")
@httpError(400)
structure ExpiredTokenException with [OidcError] {}

@error("server")
@httpError(500)
structure InternalServerException with [OidcError] {}

@error("client")
@httpError(401)
structure InvalidClientException with [OidcError] {}

@error("client")
@httpError(400)
structure InvalidGrantException with [OidcError] {}

@error("client")
@httpError(400)
structure InvalidRequestException with [OidcError] {}

@error("client")
@httpError(400)
structure InvalidScopeException with [OidcError] {}

@error("client")
@httpError(400)
structure SlowDownException with [OidcError] {}

@error("client")
@httpError(400)
structure UnauthorizedClientException with [OidcError] {}

@error("client")
@httpError(400)
structure UnsupportedGrantTypeException with [OidcError] {}
