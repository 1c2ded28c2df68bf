import Spool
import Testing

/// `metrics: { listen: HOST:PORT }` in office.yaml: off by default, and a bad address refused with its line.
@Suite struct MetricsConfigTests {
    func parse(_ yaml: String) throws(ConfigError) -> OfficeConfig {
        try OfficeConfig.parse(try ConfigNode.parse(yaml, file: "office.yaml"))
    }

    @Test func isOffUnlessConfigured() throws {
        #expect(try parse(OfficeDefaults.officeYAML).metrics == nil)
        #expect(try parse("archive: { format: tar }\n").metrics == nil)
    }

    @Test func readsTheListenAddress() throws {
        #expect(
            try parse("metrics: { listen: 127.0.0.1:9464 }\n").metrics
                == OfficeConfig.Metrics(host: "127.0.0.1", port: 9464))
        #expect(
            try parse("metrics:\n  listen: \"localhost:65535\"\n").metrics
                == OfficeConfig.Metrics(host: "localhost", port: 65535))
        let v6 = try parse("metrics: { listen: \"[::1]:9464\" }\n").metrics
        #expect(v6 == OfficeConfig.Metrics(host: "::1", port: 9464))
        #expect(v6?.listen == "[::1]:9464")
    }

    @Test func refusesABadAddressWithItsLine() {
        let expected = "is not HOST:PORT with a port from 1 to 65535, like 127.0.0.1:9464"
        for bad in [
            "127.0.0.1:70000", "127.0.0.1:0", "127.0.0.1", "127.0.0.1:-1", "127.0.0.1:94x4", ":9464", "ein host:9464",
            "::1:9464",
            "[]:9464", "127.0.0.1:", "[::1:9464",
        ] {
            #expect(
                throws: ConfigError(
                    file: "office.yaml", line: 3, column: 11, message: "metrics.listen: \"\(bad)\" \(expected)"),
                "\(bad)"
            ) {
                try parse("archive: { format: tar }\nmetrics:\n  listen: \"\(bad)\"\n")
            }
        }
        // Garbage that is not even text, a missing key, a misspelt one.
        #expect(
            throws: ConfigError(
                file: "office.yaml", line: 1, column: 20, message: "metrics.listen: expected a text value")
        ) {
            try parse("metrics: { listen: [1, 2] }\n")
        }
        #expect(
            throws: ConfigError(
                file: "office.yaml", line: 1, column: 10,
                message: "metrics: expected listen: HOST:PORT, like { listen: 127.0.0.1:9464 }")
        ) {
            try parse("metrics: {}\n")
        }
        #expect(
            throws: ConfigError(
                file: "office.yaml", line: 1, column: 12, message: "unknown key metrics.port; expected one of: listen")
        ) {
            try parse("metrics: { port: 9464 }\n")
        }
    }
}
