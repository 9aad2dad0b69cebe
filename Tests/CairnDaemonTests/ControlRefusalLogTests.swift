import CairnControl
import Foundation
import Testing

@testable import CairnDaemon

/// Every refusal path of the control API, driven with requests full of a canary (in record ids,
/// types, tags, field names and values, levels asked for, malformed JSON, and ids holding
/// control characters), over a real site whose log lines are captured as the daemon writes
/// them. The caller is told what was wrong; the log gets the route, the code and a keyed hash
/// of the id, and nothing of the canary.
@Suite struct ControlRefusalLogTests {
    static let caller = PeerCredentials(pid: 1, uid: 1000, gid: 1000)
    /// Random per run, lowercase: valid in ids, types, tags and field names.
    static let canary = "canary" + String(UUID().uuidString.lowercased().replacing("-", with: "").prefix(12))
    /// Bytes a terminal acts on, put in record ids of request paths.
    static let controls = "\u{1B}[2J\r\u{7}\u{0}\u{202E}"

    struct Attempt: Sendable, CustomStringConvertible {
        let route: ControlRoute
        let body: String
        let code: String
        var description: String { "\(route.name) → \(code): \(body.prefix(60))" }
    }

    /// The refusals, in order (later ones rely on the records the setup wrote).
    static var attempts: [Attempt] {
        let c = canary
        let many = (0..<300).map { "\"\(c)_f\($0)\":\"\(c) v\"" }.joined(separator: ",")
        return [
            Attempt(
                route: .putRecord, body: #"{"id":"\#(c)-secret","classification":"CONFIDENTIAL"}"#,
                code: "classification_mismatch"),
            Attempt(
                route: .putRecord, body: #"{"id":"\#(c)-secret","tags":["\#(c)-t"],"removeTags":["\#(c)-t"]}"#,
                code: "invalid_record"),
            Attempt(
                route: .putRecord,
                body: #"{"id":"\#(c)-big","type":"\#(c)-type","classification":"SECRET","fields":{\#(many)}}"#,
                code: "invalid_record"),
            Attempt(
                route: .putRecord, body: #"{"id":"\#(c)-gone","fields":{"\#(c)_after":"\#(c) value"}}"#,
                code: "record_deleted"),
            Attempt(
                route: .putRecord, body: #"{"id":"\#(c)-new","type":"note","classification":"\#(c)"}"#,
                code: "unknown_level"),
            Attempt(
                route: .putRecord, body: #"{"id":"\#(c)-new","classification":"SECRET","fields":{"a":1}}"#,
                code: "invalid_record"),
            Attempt(
                route: .putRecord,
                body: #"{"id":"\#(c)-new","type":"note","classification":"SECRET","fields":{"\#(c) bad\u001b":1}}"#,
                code: "invalid_record"),
            Attempt(
                route: .putRecord,
                body: #"{"id":"\#(c)-new","type":"note","classification":"SECRET","tags":["\#(c)\u001b[31m"]}"#,
                code: "invalid_record"),
            Attempt(
                route: .putRecord, body: #"{"id":"\#(c)-new","type":"\#(c)\u202eTYPE","classification":"SECRET"}"#,
                code: "invalid_record"),
            Attempt(
                route: .putRecord, body: #"{"id":"\#(c)\u001b\r\n","type":"note","classification":"SECRET"}"#,
                code: "invalid_record"),
            Attempt(
                route: .putRecord, body: #"{"id":"\#(c)-retracted","type":"note","classification":"SECRET"}"#,
                code: "record_retracted"),
            Attempt(route: .putRecord, body: #"{"id":"\#(c)-j","fields":{"\#(c)_k":[1,2"#, code: "invalid_json"),
            Attempt(route: .putRecord, body: #"{"id":"\#(c)-j","\#(c)_unknown_key":1}"#, code: "invalid_json"),
            Attempt(
                route: .putRecord, body: #"{"id":"\#(c)-j","fields":{"\#(c)_k":{"\#(c)_n":"\#(c)"}},"tags":"\#(c)"}"#,
                code: "invalid_json"),
            Attempt(route: .putRecord, body: "{\"id\":\"\(c)\u{1B}\u{0}\"", code: "invalid_json"),
            Attempt(route: .getRecord("\(c)-missing"), body: "", code: "record_not_found"),
            Attempt(route: .getRecord(c + controls), body: "", code: "invalid_record"),
            Attempt(route: .history("\(c)-missing"), body: "", code: "record_not_found"),
            Attempt(route: .deleteRecord("\(c)-missing"), body: "", code: "record_not_found"),
            Attempt(route: .deleteRecord("\(c)-gone"), body: "", code: "record_deleted"),
            Attempt(
                route: .reclassifyRecord("\(c)-missing"), body: #"{"classification":"RESTRICTED"}"#,
                code: "record_not_found"),
            Attempt(
                route: .reclassifyRecord("\(c)-secret"), body: #"{"classification":"SECRET"}"#, code: "invalid_record"),
            Attempt(
                route: .reclassifyRecord("\(c)-secret"), body: #"{"classification":"\#(c)"}"#, code: "unknown_level"),
            Attempt(route: .reclassifyRecord("\(c)-secret"), body: #"{"\#(c)":"SECRET"}"#, code: "invalid_json"),
            Attempt(
                route: .retractRecord("\(c)-missing"), body: #"{"reason":"\#(c) reason"}"#, code: "record_not_found"),
            Attempt(
                route: .retractRecord("\(c)-retracted"), body: #"{"reason":"\#(c) again"}"#, code: "record_retracted"),
            Attempt(
                route: .listRecords(level: c, type: nil, tag: nil, deleted: .exclude), body: "", code: "unknown_level"),
        ]
    }

    @Test func refusalsLogNothingOfTheRequest() async throws {
        let capture = LogCapture()
        let c = Self.canary
        try await withTemporaryDirectory { directory in
            try await SiteFixture.withSite(try SiteFixture.config(in: directory), logger: capture.logger) { site in
                let api = ControlAPI(site: site, logger: capture.logger)
                // The records the refusals need: one SECRET, one deleted, one retracted.
                for body in [
                    #"{"id":"\#(c)-secret","type":"\#(c)-type","classification":"SECRET","fields":{"\#(c)_f":"\#(c) value"},"tags":["\#(c)-tag"]}"#,
                    #"{"id":"\#(c)-gone","type":"\#(c)-type","classification":"SECRET","fields":{"\#(c)_f":"\#(c) value"}}"#,
                    #"{"id":"\#(c)-retracted","type":"\#(c)-type","classification":"SECRET"}"#,
                ] {
                    let reply = await api.serve(.putRecord, body: Array(body.utf8), caller: Self.caller)
                    try #require(reply.status == 201, "\(String(decoding: reply.body, as: UTF8.self))")
                }
                #expect(await api.serve(.deleteRecord("\(c)-gone"), body: [], caller: Self.caller).status == 200)
                let retract = await api.serve(
                    .retractRecord("\(c)-retracted"), body: Array(#"{"reason":"\#(c) reason"}"#.utf8),
                    caller: Self.caller)
                #expect(retract.status == 200, "\(String(decoding: retract.body, as: UTF8.self))")

                var refusals = 0
                for attempt in Self.attempts {
                    let reply = await api.serve(attempt.route, body: Array(attempt.body.utf8), caller: Self.caller)
                    let error = try? ControlJSON.decoder().decode(ErrorDocument.self, from: Data(reply.body))
                    #expect(error?.code == attempt.code, "\(attempt): \(String(decoding: reply.body, as: UTF8.self))")
                    refusals += 1
                }
                // The caller keeps the detail: the mismatch names the record it refused.
                let mismatch = await api.serve(.putRecord, body: Array(Self.attempts[0].body.utf8), caller: Self.caller)
                #expect(String(decoding: mismatch.body, as: UTF8.self).contains("\(c)-secret"))

                let lines = capture.lines
                let refused = lines.filter { $0.contains("msg=control.refused") }
                #expect(
                    refused.count == refusals + 1, "\(refused.count) control.refused lines for \(refusals + 1) refusals"
                )
                for (line, attempt) in zip(refused, Self.attempts) {
                    #expect(
                        line.contains("error.code=\(attempt.code)")
                            && line.contains("request.route=\(attempt.route.name)"), "\(attempt): \(line)")
                    #expect(line.contains("caller.uid=1000"), "\(line)")
                }
                // Lines about one record carry one ref; other records, other refs; never the id.
                func refs(_ route: String) -> [String] {
                    refused.map { $0.dropLast().split(separator: " ") }
                        .filter { $0.contains("request.route=\(route)") }
                        .compactMap { $0.first { $0.hasPrefix("record.ref=") }.map(String.init) }
                }
                let missing = site.records.logRef("\(c)-missing")
                #expect(refs("records.get").first == "record.ref=\(missing)")
                #expect(refs("records.history") == ["record.ref=\(missing)"])
                #expect(refs("records.reclassify").contains("record.ref=\(site.records.logRef("\(c)-secret"))"))
                #expect(missing.count == 16 && missing != site.records.logRef("\(c)-secret"))

                for line in lines {
                    #expect(!line.lowercased().contains(c), "a log line holds the canary: \(line)")
                    #expect(
                        !line.dropLast().unicodeScalars.contains { LogfmtHandler.mustEscape($0) },
                        "raw control character: \(line.debugDescription)")
                }
            }
        }
    }
}
