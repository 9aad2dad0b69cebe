import CairnControl
import Foundation
import Testing

@testable import cairn

/// Wording of the human output: counts, audit details, watch lines.
@Suite struct FormatTests {
    @Test func holdingsSayHowManyDeltasAreKeyGrants() {
        #expect(Format.holdings(records: 0, deltas: 4, keyGrants: 4) == "0 live records in 4 deltas, all key grants")
        #expect(Format.holdings(records: 0, deltas: 1, keyGrants: 1) == "0 live records in 1 delta, a key grant")
        #expect(Format.holdings(records: 3, deltas: 9, keyGrants: 4) == "3 live records in 9 deltas, 4 of them key grants")
        #expect(Format.holdings(records: 1, deltas: 5, keyGrants: 1) == "1 live record in 5 deltas, 1 of them a key grant")
        #expect(Format.holdings(records: 2, deltas: 2, keyGrants: 0) == "2 live records in 2 deltas")
    }

    @Test func auditDetailShowsEffectiveAtAsISO8601() {
        let detail = #"{"device":"police/laptop-7","effectiveAt":"1764000000","reason":"laptop lost","serial":"ab12"}"#
        #expect(
            Format.auditDetail(detail)
                == #"device=police/laptop-7 effectiveAt=2025-11-24T16:00:00Z reason="laptop lost" serial=ab12"#)
        #expect(Format.auditDetail("not json") == "not json")
        #expect(Format.auditDetail(#"{"peer":"bravo-hq","note":""}"#) == #"note="" peer=bravo-hq"#)
    }

    @Test func auditListKeepsTheJSONDetailForScripts() throws {
        let entry = AuditEntryDocument(
            seq: 7, atMillis: 0, at: "2026-11-25T17:00:00.000Z", kind: "device.revoked", actor: "uid:0",
            detail: #"{"effectiveAt":"1764000000"}"#, previous: "", hash: "")
        #expect(AuditListCommand.table([entry]).lines(width: 100)[1].hasSuffix("effectiveAt=2025-11-24T16:00:00Z"))
        #expect(try ControlJSON.compactText(entry).contains(#"\"effectiveAt\":\"1764000000\""#))
    }

    @Test func watchLinesCarryTheTitle() {
        let stamp = StampDocument(by: "alpha/hq", device: "d", at: "2026-11-25T17:04:00.000Z", hlc: "h")
        var record = RecordDocument(
            id: "ta-9", type: "incident", classification: "SECRET", fields: ["title": "Convoy\nstopped", "count": 3], tags: [],
            created: stamp, updated: stamp)
        let event = WatchEvent(event: "record.updated", record: record, delta: "00")
        #expect(WatchCommand.line(event) == "2026-11-25T17:04:00.000Z  updated  ta-9  incident  SECRET  by alpha/hq  Convoy stopped")
        record.fields = ["count": 3]
        #expect(
            WatchCommand.line(WatchEvent(event: "record.created", record: record))
                == "2026-11-25T17:04:00.000Z  created  ta-9  incident  SECRET  by alpha/hq")
        #expect(WatchCommand.line(WatchEvent(event: "watching")) == nil)
    }

    @Test func statusNamesBothVersionsWhenTheyDiffer() throws {
        let json = """
            {"device":{"ref":"a/b","agency":"a","name":"b","id":"00"},"clearance":"SECRET",
             "federation":{"name":"f","id":"00","charterVersion":1,"charterFingerprint":"00"},"levels":[],"records":0,
             "deltas":4,"store":{"path":"/s","sizeBytes":1,"quarantinedDeltas":0,"problems":[],"checking":false},
             "testMode":false,"startedAt":"t","version":"0.1.0","certificateExpires":"t"}
            """
        var status = try ControlJSON.decoder().decode(StatusDocument.self, from: Data(json.utf8))
        #expect(status.keyGrantDeltas == 0)  // an older daemon's document
        #expect(StatusCommand.daemonLine(status) == "cairnd 0.1.0 (this cairn is \(CairnVersion.string)), started t")
        status.version = CairnVersion.string
        #expect(StatusCommand.daemonLine(status) == "cairnd \(CairnVersion.string), started t")
    }
}

/// `cairn sync --wait` says what the connection moved, not only the round (issue 17, point 7).
@Suite struct SyncOutputTests {
    @Test func theConnectionsTotalsFollowTheRound() {
        let pushed = SyncResultDocument.Round(
            peer: "hq", completed: true, deltasSent: 0, deltasReceived: 0, bytesSent: 68, bytesReceived: 68, missing: 0, lacking: 0,
            connectedAt: "2026-12-07T10:00:00Z", connectionDeltasSent: 1, connectionDeltasReceived: 3)
        #expect(SyncCommand.connectionLines([pushed]) == ["hq: connected since 2026-12-07T10:00:00Z: 1 delta sent, 3 received; up to date both ways"])
        let behind = SyncResultDocument.Round(
            peer: "bravo", completed: false, deltasSent: 2, deltasReceived: 0, bytesSent: 1, bytesReceived: 1, missing: 4, lacking: 7)
        #expect(SyncCommand.connectionLines([behind]) == ["bravo: the peer lacks 7, this site lacks 4"])
    }
}
