$version: "2.0"

metadata "example.owner" = "smithy-lite"

namespace example.weather

use aws.api#service
use aws.auth#sigv4
use aws.protocols#awsJson1_0

/// A small weather service, written in Smithy IDL: smithy-lite reads it directly
/// (`cargo xtask codegen` generates `generated/weather` from it).
@service(sdkId: "Weather", endpointPrefix: "weather")
@sigv4(name: "weather")
@awsJson1_0
service Weather {
    version: "2026-01-01"
    resources: [City]
    operations: [ListCities, ReportObservation]
    errors: [ThrottledException]
}

/// A city that has a forecast.
resource City {
    identifiers: { cityId: CityId }
    properties: { name: String, coordinates: Coordinates }
    read: GetCity
    operations: [GetForecast]
}

@pattern("^[a-z0-9-]+$")
@length(min: 1, max: 64)
string CityId

structure Coordinates {
    @required
    latitude: Double

    @required
    longitude: Double
}

@readonly
operation GetCity {
    input := for City {
        @required
        $cityId
    }

    output := for City {
        @required
        $cityId

        @required
        $name

        $coordinates
    }

    errors: [NoSuchCity]
}

/// Returns the forecast of a city for the next days.
@readonly
operation GetForecast {
    input := for City {
        @required
        $cityId

        /// How many days to forecast (1 to 10).
        @range(min: 1, max: 10)
        days: Integer = 3

        units: Units = "METRIC"
    }

    output := {
        @required
        cityId: CityId

        @required
        days: DailyForecasts

        /// Free-form notes by station, e.g. `{"north": "windy"}`.
        notes: StationNotes
    }

    errors: [NoSuchCity]
}

/// Lists cities, a page at a time.
@readonly
@paginated(inputToken: "nextToken", outputToken: "nextToken", pageSize: "pageSize", items: "items")
operation ListCities {
    input := {
        nextToken: String
        pageSize: Integer
    }

    output := {
        @required
        items: CitySummaries

        nextToken: String
    }
}

/// Records an observation made at a station.
@idempotent
operation ReportObservation {
    input := with [Observed] {
        @required
        cityId: CityId

        @required
        temperature: Float

        conditions: Conditions

        @idempotencyToken
        clientToken: String
    }

    output := {
        @required
        accepted: Boolean = false
    }

    errors: [NoSuchCity]
}

/// When something was observed.
@mixin
structure Observed {
    @timestampFormat("epoch-seconds")
    observedAt: Timestamp
}

enum Units {
    METRIC = "metric"
    IMPERIAL = "imperial"
}

enum Conditions {
    SUNNY
    CLOUDY
    RAIN
    SNOW
    /// Anything else.
    OTHER = "other"
}

intEnum Severity {
    LOW = 1
    MEDIUM = 2
    HIGH = 3
}

structure DailyForecast {
    @required
    day: Timestamp

    @required
    high: Float

    @required
    low: Float

    conditions: Conditions

    warning: Severity
}

list DailyForecasts {
    member: DailyForecast
}

structure CitySummary {
    @required
    cityId: CityId

    name: String
}

list CitySummaries {
    member: CitySummary
}

map StationNotes {
    key: String
    value: String
}

/// The city does not exist.
@error("client")
@httpError(404)
structure NoSuchCity {
    @required
    message: String

    cityId: CityId
}

/// Too many requests; retry later.
@error("client")
@retryable(throttling: true)
structure ThrottledException {
    message: String
}
