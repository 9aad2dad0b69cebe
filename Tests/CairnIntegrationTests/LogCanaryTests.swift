import CairnControl
import Foundation
import Testing

extension IntegrationSuite {
    /// Nothing of a record reaches a daemon's log, refusals included: a real daemon is sent
    /// every refusal of the control API with the run's canary in ids, types, tags, field names
    /// and values, levels, malformed JSON and request targets (with control characters); its log
    /// must name routes and codes, and hold no canary and no raw control character. The same
    /// scan runs on every daemon of the suite (`SiteDirectory.remove`); the last tests prove
    /// the scan finds what it looks for.
    @Suite(.timeLimit(.minutes(1)))
    struct LogCanaryTests {
        struct Attempt {
            let method: String
            let path: String
            let body: String?
            /// The error code expected; nil when any refusal will do (the request may not even parse).
            let code: String?
        }

        static let c = LogCanary.token
        /// ESC (a terminal sequence), CR, LF, BEL, NUL and a right-to-left override, percent-encoded
        /// in paths (so they reach the daemon decoded) and escaped in JSON.
        static let controls = "\u{1B}[2J\r\n\u{7}\u{0}\u{202E}"

        static func record(_ id: String, _ action: String? = nil) -> String {
            action.map { ControlPath.record(id, $0) } ?? ControlPath.record(id)
        }

        static var attempts: [Attempt] {
            let many = (0..<300).map { "\"\(c)_f\($0)\":\"\(c) v\"" }.joined(separator: ",")
            func put(_ body: String, _ code: String?) -> Attempt {
                Attempt(method: "POST", path: "/v1/records", body: body, code: code)
            }
            return [
                put(#"{"id":"\#(c)-secret","classification":"CONFIDENTIAL"}"#, "classification_mismatch"),
                put(#"{"id":"\#(c)-secret","tags":["\#(c)-t"],"removeTags":["\#(c)-t"]}"#, "invalid_record"),
                put(
                    #"{"id":"\#(c)-big","type":"\#(c)-type","classification":"SECRET","fields":{\#(many)}}"#,
                    "invalid_record"),
                put(#"{"id":"\#(c)-gone","fields":{"\#(c)_after":"\#(c) value"}}"#, "record_deleted"),
                put(#"{"id":"\#(c)-new","type":"note","classification":"\#(c)"}"#, "unknown_level"),
                put(#"{"id":"\#(c)-new","classification":"SECRET","fields":{"a":1}}"#, "invalid_record"),
                put(
                    #"{"id":"\#(c)-new","type":"note","classification":"SECRET","fields":{"\#(c) bad\u001b":1}}"#,
                    "invalid_record"),
                put(
                    #"{"id":"\#(c)-new","type":"note","classification":"SECRET","tags":["\#(c)\u001b[31m\r\n"]}"#,
                    "invalid_record"),
                put(#"{"id":"\#(c)-new","type":"\#(c)\u202eTYPE","classification":"SECRET"}"#, "invalid_record"),
                put(#"{"id":"\#(c)\u001b\r\n\u0007","type":"note","classification":"SECRET"}"#, "invalid_record"),
                put(#"{"id":"\#(c)-retracted","type":"note","classification":"SECRET"}"#, "record_retracted"),
                put(#"{"id":"\#(c)-j","fields":{"\#(c)_k":[1,2"#, "invalid_json"),
                put(#"{"id":"\#(c)-j","\#(c)_unknown_key":1}"#, "invalid_json"),
                put(#"{"id":"\#(c)-j","fields":{"\#(c)_k":{"\#(c)_n":"\#(c)"}},"tags":"\#(c)"}"#, "invalid_json"),
                put("{\"id\":\"\(c)\u{1B}\u{0}\r\"", "invalid_json"),
                Attempt(method: "GET", path: record("\(c)-missing"), body: nil, code: "record_not_found"),
                Attempt(method: "GET", path: record(c + controls), body: nil, code: "invalid_record"),
                Attempt(method: "GET", path: record("\(c)-missing", "history"), body: nil, code: "record_not_found"),
                Attempt(method: "DELETE", path: record("\(c)-missing"), body: nil, code: "record_not_found"),
                Attempt(method: "DELETE", path: record("\(c)-gone"), body: nil, code: "record_deleted"),
                Attempt(method: "DELETE", path: record(c + controls), body: nil, code: "invalid_record"),
                Attempt(
                    method: "POST", path: record("\(c)-missing", "reclassify"),
                    body: #"{"classification":"RESTRICTED"}"#, code: "record_not_found"),
                Attempt(
                    method: "POST", path: record("\(c)-secret", "reclassify"), body: #"{"classification":"SECRET"}"#,
                    code: "invalid_record"),
                Attempt(
                    method: "POST", path: record("\(c)-secret", "reclassify"), body: #"{"classification":"\#(c)"}"#,
                    code: "unknown_level"),
                Attempt(
                    method: "POST", path: record("\(c)-secret", "reclassify"), body: #"{"\#(c)":"SECRET"}"#,
                    code: "invalid_json"),
                Attempt(
                    method: "POST", path: record("\(c)-missing", "retract"), body: #"{"reason":"\#(c) reason"}"#,
                    code: "record_not_found"),
                Attempt(
                    method: "POST", path: record("\(c)-retracted", "retract"), body: #"{"reason":"\#(c) again"}"#,
                    code: "record_retracted"),
                Attempt(
                    method: "GET",
                    path: ControlPath.withQuery(
                        "/v1/records", [("class", c), ("type", "\(c)-type"), ("tag", c + controls)]),
                    body: nil, code: "unknown_level"),
                Attempt(
                    method: "GET", path: ControlPath.withQuery("/v1/records", [("\(c)_param", c)]), body: nil,
                    code: "bad_request"),
                Attempt(method: "GET", path: "/v1/" + ControlPath.encode(c + controls), body: nil, code: "not_found"),
                Attempt(method: "PATCH", path: record("\(c)-secret"), body: nil, code: "method_not_allowed"),
                Attempt(method: "POST", path: "/v1/bundles/import", body: "\(c) is not a bundle", code: nil),
                Attempt(method: "POST", path: "/v1/revocations", body: #"{"object":"\#(c)"}"#, code: nil),
                // Raw control characters in the request line itself: the HTTP parser refuses it.
                Attempt(method: "GET", path: "/v1/records/\(c)\u{1B}[31m\r\u{7}", body: nil, code: nil),
            ]
        }

        @Test func controlRefusalsLeaveNoCanaryInTheLog() throws {
            let site = try SiteDirectory()
            defer { site.remove() }
            let daemon = try DaemonProcess(site: site)
            let client = daemon.client
            _ = try client.putRecord(LogCanary.record("\(Self.c)-secret", level: "SECRET"))
            _ = try client.putRecord(LogCanary.record("\(Self.c)-gone", level: "SECRET"))
            _ = try client.deleteRecord(id: "\(Self.c)-gone")
            _ = try client.putRecord(LogCanary.record("\(Self.c)-retracted", level: "SECRET"))
            _ = try client.send(
                method: "POST", path: Self.record("\(Self.c)-retracted", "retract"),
                body: Data(#"{"reason":"\#(Self.c) why"}"#.utf8))

            var refusedByRoutes = 0
            for attempt in Self.attempts {
                let response = try? client.send(
                    method: attempt.method, path: attempt.path, body: attempt.body.map { Data($0.utf8) })
                if let code = attempt.code {
                    let error = response.flatMap {
                        try? ControlJSON.decoder().decode(ErrorDocument.self, from: $0.body)
                    }
                    #expect(
                        error?.code == code,
                        "\(attempt.method) \(attempt.path.debugDescription): \(response.map { String(decoding: $0.body, as: UTF8.self) } ?? "no response")"
                    )
                } else if let response {
                    #expect(
                        response.status >= 400, "\(attempt.method) \(attempt.path.debugDescription) was not refused")
                }
                if attempt.path.hasPrefix("/v1/records")
                    && !["bad_request", "method_not_allowed", nil].contains(attempt.code)
                {
                    refusedByRoutes += 1
                }
            }
            // The caller is told exactly what was refused.
            let mismatch = try client.send(method: "POST", path: "/v1/records", body: Data(Self.attempts[0].body!.utf8))
            #expect(String(decoding: mismatch.body, as: UTF8.self).contains("\(Self.c)-secret"))
            _ = try client.status()
            try daemon.stop()

            let log = try Data(contentsOf: URL(fileURLWithPath: site.log))
            let text = String(decoding: log, as: UTF8.self)
            let refused = text.split(separator: "\n").filter { $0.contains("msg=control.refused") }
            // Positive control: the refusals were logged, by route and code.
            #expect(
                refused.count >= refusedByRoutes,
                "\(refused.count) control.refused lines for \(refusedByRoutes) refusals:\n\(text)")
            for code in [
                "classification_mismatch", "invalid_record", "record_deleted", "unknown_level", "invalid_json",
                "record_not_found", "record_retracted",
            ] {
                #expect(refused.contains { $0.contains("error.code=\(code)") }, "no control.refused line with \(code)")
            }
            #expect(refused.contains { $0.contains("request.route=records.get") && $0.contains("record.ref=") })
            let findings = LogScan.findings(in: log)
            #expect(findings.isEmpty, "\(findings.map(\.description).joined(separator: "\n"))")
        }

        @Test func theScanFindsPlantedMarkersAndRawControls() {
            let c = LogCanary.token
            let log =
                [
                    "ts=t level=info msg=daemon.ready device.ref=alpha/hq",
                    "ts=t level=notice msg=control.refused error=\"record \(c)-secret is SECRET\"",
                    "ts=t level=notice msg=control.refused error=\"RECORD \(c.uppercased())\"",
                    "ts=t level=notice msg=control.refused error=\"escaped \\x1b[2J and \\u{202e} are fine\"",
                    "ts=t level=notice msg=control.refused error=\"raw \u{1B}[2J\"",
                    "ts=t level=notice msg=control.refused error=\"raw CR\rts=forged\"",
                    "ts=t level=notice msg=control.refused error=\"raw \u{202E}override\"",
                    "ts=t level=notice msg=control.refused error=\"raw NEL\u{85}\"",
                    "ts=t level=info msg=daemon.stopped",
                ].joined(separator: "\n") + "\n"
            let findings = LogScan.findings(in: Data(log.utf8))
            #expect(findings.map(\.line) == [2, 3, 5, 6, 7, 8], "\(findings)")
            #expect(
                LogScan.findings(in: Data([0x6F, 0x6B, 0xFF, 0x0A])).map(\.line) == [1], "bytes that are not UTF-8")
            #expect(LogScan.findings(in: Data("plain line\n".utf8)).isEmpty)
        }

        /// `SiteDirectory.remove` really scans: a planted line fails the test that removes it.
        @Test func removingASiteScansItsLog() throws {
            let site = try SiteDirectory()
            try Data("ts=t level=notice msg=control.refused error=\"no record \(LogCanary.token)-x\"\n".utf8)
                .write(to: URL(fileURLWithPath: site.log))
            withKnownIssue("the planted canary is reported") {
                site.remove()
            }
            #expect(!FileManager.default.fileExists(atPath: site.path))
        }
    }
}
