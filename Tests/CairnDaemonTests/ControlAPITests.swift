import CairnControl
import Foundation
import Testing

@testable import CairnDaemon

/// `ControlAPI.handle`: JSON in, status and JSON out, over a real site (no socket).
@Suite struct ControlAPITests {
    static let caller = PeerCredentials(pid: 1, uid: 1000, gid: 1000)

    private func withAPI(_ body: (ControlAPI) async throws -> Void) async throws {
        try await withTemporaryDirectory { directory in
            try await SiteFixture.withSite(try SiteFixture.config(in: directory)) { site in
                try await body(ControlAPI(site: site, logger: SiteFixture.logger))
            }
        }
    }

    private func errorCode(_ reply: ControlReply) throws -> String {
        try ControlJSON.decoder().decode(ErrorDocument.self, from: Data(reply.body)).code
    }

    @Test func putIs201ThenUpdatesAre200() async throws {
        try await withAPI { api in
            let body = Array(#"{"id":"r-1","type":"incident","classification":"SECRET","fields":{"title":"T"},"tags":["b","a"]}"#.utf8)
            let created = await api.serve(.putRecord, body: body, caller: Self.caller)
            #expect(created.status == 201)
            let document = try ControlJSON.decoder().decode(RecordDocument.self, from: Data(created.body))
            #expect(document.id == "r-1" && document.tags == ["a", "b"] && document.fields == ["title": "T"])

            // What `get --json` printed, edited, goes back in: read-only keys are ignored.
            var edited = document
            edited.fields["title"] = "U"
            let updated = await api.serve(.putRecord, body: Array(try ControlJSON.compactEncoder().encode(edited)), caller: Self.caller)
            #expect(updated.status == 200)
            #expect(try ControlJSON.decoder().decode(RecordDocument.self, from: Data(updated.body)).fields == ["title": "U"])

            let fetched = await api.serve(.getRecord("r-1"), body: [], caller: Self.caller)
            #expect(fetched.status == 200)
            let history = await api.serve(.history("r-1"), body: [], caller: Self.caller)
            #expect(try ControlJSON.decoder().decode([HistoryEntry].self, from: Data(history.body)).count == 2)
            let status = await api.serve(.status, body: [], caller: Self.caller)
            #expect(try ControlJSON.decoder().decode(StatusDocument.self, from: Data(status.body)).records == 1)
            let deleted = await api.serve(.deleteRecord("r-1"), body: [], caller: Self.caller)
            #expect(deleted.status == 200)
            let list = await api.serve(.listRecords(level: nil, type: nil, tag: nil, deleted: .only), body: [], caller: Self.caller)
            #expect(try ControlJSON.decoder().decode([RecordDocument].self, from: Data(list.body)).map(\.id) == ["r-1"])
        }
    }

    /// `Prefer: return=minimal`: only which record was written, with the same statuses.
    @Test func theMinimalReplyNamesTheRecordOnly() async throws {
        try await withAPI { api in
            let body = Array(#"{"id":"r-1","type":"incident","classification":"SECRET","fields":{"title":"T"}}"#.utf8)
            let created = await api.handleWaiting(.putRecord, body: body, caller: Self.caller, minimal: true)
            #expect(created.status == 201)
            #expect(String(decoding: created.body, as: UTF8.self) == #"{"classification":"SECRET","id":"r-1"}"#)
            #expect(created.headers.contains { $0 == ("preference-applied", "return=minimal") })
            let update = Array(#"{"id":"r-1","fields":{"title":"U"}}"#.utf8)
            let updated = await api.handleWaiting(.putRecord, body: update, caller: Self.caller, minimal: true)
            #expect(updated.status == 200)
            #expect(try ControlJSON.decoder().decode(RecordWrittenDocument.self, from: Data(updated.body)).id == "r-1")
            let fetched = await api.serve(.getRecord("r-1"), body: [], caller: Self.caller)
            #expect(try ControlJSON.decoder().decode(RecordDocument.self, from: Data(fetched.body)).fields == ["title": "U"])
            // A refusal is the usual error document.
            let refused = await api.handleWaiting(.putRecord, body: Array(#"{"id":"r-2"}"#.utf8), caller: Self.caller, minimal: true)
            #expect(refused.status == 422)
            #expect(!refused.headers.contains { $0.0 == "preference-applied" })
            let code = try errorCode(refused)
            #expect(code == "invalid_record")
        }
    }

    @Test func badBodiesAreInvalidJSON() async throws {
        try await withAPI { api in
            for body in ["", "{", "[]", #"{"type":"memo","classification":"SECRET","colour":"red"}"#, #"{"type":7}"#] {
                let reply = await api.serve(.putRecord, body: Array(body.utf8), caller: Self.caller)
                #expect(reply.status == 400, "\(body)")
                let code = try errorCode(reply)
                #expect(code == "invalid_json", "\(body)")
            }
        }
    }

    /// A body nesting far deeper than any record may is refused before it is decoded (a body
    /// of one value nested 500 arrays deep took ~25 s to decode and was then refused by the
    /// model as nestingTooDeep, 422); values at the model's own limit still go through.
    @Test func deeplyNestedBodiesAreRefusedBeforeDecoding() async throws {
        try await withAPI { api in
            func body(depth: Int) -> [UInt8] {
                Array((#"{"type":"memo","classification":"SECRET","fields":{"deep":"# + String(repeating: "[", count: depth)
                    + "1" + String(repeating: "]", count: depth) + "}}").utf8)
            }
            let deep = await api.serve(.putRecord, body: body(depth: 500), caller: Self.caller)
            #expect(deep.status == 400)
            #expect(try errorCode(deep) == "invalid_json")
            let message = try ControlJSON.decoder().decode(ErrorDocument.self, from: Data(deep.body)).message
            #expect(message.contains("levels deep"), "\(message)")
            let allowed = await api.serve(.putRecord, body: body(depth: 32), caller: Self.caller)
            #expect(allowed.status == 201 || allowed.status == 200, "\(String(decoding: allowed.body, as: UTF8.self))")
        }
    }

    @Test func refusalsCarryTheirCodeAndStatus() async throws {
        try await withAPI { api in
            let missing = await api.serve(.getRecord("nope"), body: [], caller: Self.caller)
            #expect(missing.status == 404)
            #expect(try errorCode(missing) == "record_not_found")
            let unknown = await api.serve(.putRecord, body: Array(#"{"type":"memo","classification":"COSMIC"}"#.utf8), caller: Self.caller)
            #expect(unknown.status == 422)
            #expect(try errorCode(unknown) == "unknown_level")
            let message = try ControlJSON.decoder().decode(ErrorDocument.self, from: Data(unknown.body)).message
            #expect(message.contains("UNCLASSIFIED, RESTRICTED, CONFIDENTIAL, SECRET"))
        }
    }
}
