$version: "2"

namespace example.greeter

use aws.auth#sigv4
use aws.protocols#awsJson1_0

/// Says hello, a few times over if asked.
@awsJson1_0
@sigv4(name: "greeter")
service Greeter {
    version: "2026-11-30"
    operations: [SayHello]
}

/// Greets `name`, `times` times.
operation SayHello {
    input := {
        /// Who to greet.
        @required
        @length(min: 1, max: 64)
        name: String

        /// How many times to say it.
        @range(min: 1, max: 3)
        times: Integer = 1
    }

    output := {
        /// The greeting.
        @required
        message: String
    }

    errors: [NameNotAllowed]
}

/// The name is one this service does not greet.
@error("client")
@httpError(403)
structure NameNotAllowed {
    message: String
}
