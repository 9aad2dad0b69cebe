import CairnControl
import Testing

@testable import cairn

/// Tables fit 100 columns unless `--wide`, and never cut what must be read whole.
@Suite struct TextTableTests {
    static let refused = "cannot connect to 127.0.0.1:7409: Connection refused (errno 111), retrying in 30 s"

    /// The peers of the first week of issue 17: up to date, a laptop lacking one level, a
    /// spare that cannot be reached.
    static let peers = [
        PeerDocument(
            name: "alpha-laptop", address: "127.0.0.1:39119", source: "config", device: "alpha/laptop", clearance: "RESTRICTED",
            connected: true, lastRound: "2026-11-25T20:35:03Z", lastError: nil, bytesSent: 4_700, bytesReceived: 7_500,
            levels: [
                .init(name: "UNCLASSIFIED", lacking: 0, missing: 0, deltasSent: 3, deltasReceived: 4),
                .init(name: "RESTRICTED", lacking: 2, missing: 0, deltasSent: 1, deltasReceived: 0),
            ]),
        PeerDocument(
            name: "bravo-hq", address: "127.0.0.1:46945", source: "config", device: "bravo/hq", clearance: "CONFIDENTIAL",
            connected: true, lastRound: "2026-11-25T20:34:57Z", lastError: nil, bytesSent: 7_600, bytesReceived: 4_400,
            levels: ["UNCLASSIFIED", "RESTRICTED", "CONFIDENTIAL"].map {
                .init(name: $0, lacking: 0, missing: 0, deltasSent: 0, deltasReceived: 0)
            }),
        PeerDocument(
            name: "spare", address: "127.0.0.1:7409", source: "added", device: nil, clearance: nil, connected: false,
            lastRound: nil, lastError: refused, bytesSent: 0, bytesReceived: 0, levels: []),
    ]

    static func widest(_ lines: [String]) -> Int { lines.map(\.count).max() ?? 0 }

    @Test func peerListFitsAHundredColumnsAndShowsErrorsWhole() {
        let lines = PeerListCommand.table(Self.peers, wide: false).lines(width: TextTable.defaultWidth)
        let table = lines.prefix { !$0.isEmpty }
        #expect(Self.widest(Array(table)) <= 100, "\(lines.joined(separator: "\n"))")
        #expect(lines.contains("spare: " + Self.refused))
        #expect(!lines.joined().contains("…"))
        #expect(table.first?.hasPrefix("PEER") == true)
        // Only what lacks something is named; an up-to-date peer reads 0.
        #expect(lines.contains { $0.hasPrefix("alpha-laptop") && $0.contains("RESTRICTED=2") && !$0.contains("UNCLASSIFIED=0") })
        #expect(lines.contains { $0.hasPrefix("bravo-hq") && $0.contains("  0  ") })
    }

    @Test func peerListWideShowsEveryColumnAndLevel() {
        let lines = PeerListCommand.table(Self.peers, wide: true).lines(width: nil)
        for header in ["ADDRESS", "SOURCE", "CLEARANCE", "LAST ROUND", "SENT/RECEIVED"] {
            #expect(lines[0].contains(header))
        }
        #expect(lines.contains { $0.contains("UNCLASSIFIED=0 RESTRICTED=0 CONFIDENTIAL=0") })
        #expect(lines.contains("spare: " + Self.refused))
    }

    @Test func statusPeersFitAndShowErrorsWhole() {
        let lines = StatusCommand.peerTable(Self.peers, wide: false).lines(width: TextTable.defaultWidth)
        #expect(Self.widest(lines.filter { !$0.hasPrefix("spare: ") }) <= 100)
        #expect(lines.contains("spare: " + Self.refused))
    }

    @Test func wrappedCellsLoseNothing() {
        let holders = (1...30).map { "agency\($0)/device" }.joined(separator: " ")
        let table = TextTable([.init("LEVEL"), .init("HOLDERS", fit: .wrap)], rows: [["SECRET", holders]])
        let lines = table.lines(width: 60)
        #expect(Self.widest(lines) <= 60)
        #expect(lines.count > 2)
        let rejoined = lines.dropFirst().map { $0.dropFirst("SECRET  ".count) }.joined(separator: " ")
        #expect(rejoined == holders)
    }

    @Test func aWordLongerThanTheColumnIsSplitNotCut() {
        #expect(TextTable.wrap("abcdefghij", width: 4) == ["abcd", "efgh", "ij"])
        #expect(TextTable.wrap("", width: 4) == [""])
    }

    @Test func cutCellsEndInAnEllipsisAndKeepColumnsAreUntouched() {
        let id = String(repeating: "i", count: 64)
        let summary = String(repeating: "s", count: 48)
        let table = TextTable([.init("ID"), .init("SUMMARY", fit: .cut)], rows: [[id, summary]])
        let lines = table.lines(width: 90)
        #expect(lines[1] == id + "  " + String(repeating: "s", count: 23) + "…")
        #expect(table.lines(width: nil)[1] == id + "  " + summary)
    }

    @Test func narrowingComesBeforeLeavingOut() {
        let table = TextTable(
            [.init("A"), .init("B", dropRank: 1), .init("C", fit: .cut)],
            rows: [[String(repeating: "a", count: 40), String(repeating: "b", count: 20), String(repeating: "c", count: 40)]])
        #expect(table.lines(width: 90)[1].hasSuffix(String(repeating: "c", count: 25) + "…"))
        #expect(table.lines(width: 60)[0].hasPrefix("A" + String(repeating: " ", count: 41) + "C"))
    }

    @Test func optionalColumnsGoHighestRankFirstAndOnlyAsFarAsNeeded() {
        let table = TextTable(
            [.init("A"), .init("B", dropRank: 1), .init("C", dropRank: 2)],
            rows: [[String(repeating: "a", count: 40), String(repeating: "b", count: 40), String(repeating: "c", count: 10)]])
        #expect(table.lines(width: 100)[0] == "A" + String(repeating: " ", count: 41) + "B" + String(repeating: " ", count: 41) + "C")
        #expect(!table.lines(width: 90)[0].contains("C"))
        #expect(table.lines(width: 90)[0].contains("B"))
        #expect(table.lines(width: 50)[0] == "A")
    }

    @Test func recordListFitsWithItsIdsWhole() {
        let stamp = StampDocument(by: "alpha/hq", device: "d", at: "2026-11-25T17:04:00.000Z", hlc: "h")
        let record = RecordDocument(
            id: "incident-2026-11-25-" + String(repeating: "x", count: 30), type: "threat-assessment", classification: "CONFIDENTIAL",
            fields: ["title": .string(String(repeating: "Convoy stopped ", count: 5))], tags: [], created: stamp, updated: stamp)
        var short = record
        short.id = "ta-9"
        let lines = RecordListCommand.table([short]).lines(width: TextTable.defaultWidth)
        #expect(Self.widest(lines) <= 100)
        #expect(lines[1].hasPrefix("ta-9  threat-assessment  CONFIDENTIAL  2026-11-25T17:04:00.000Z  Convoy stopped"))
        #expect(lines[1].hasSuffix("…"))
        // A long id leaves no room for the time of the update, which goes.
        let long = RecordListCommand.table([record]).lines(width: TextTable.defaultWidth)
        #expect(Self.widest(long) <= 100)
        #expect(!long[0].contains("UPDATED"))
        #expect(RecordListCommand.table([record]).lines(width: nil)[0].contains("UPDATED"))
        // The longest id there is, with a long type: the id whole, the type cut, no summary.
        var longest = record
        longest.id = String(repeating: "r", count: 64)
        longest.type = String(repeating: "t", count: 40)
        let widest = RecordListCommand.table([longest]).lines(width: TextTable.defaultWidth)
        #expect(Self.widest(widest) <= 100, "\(widest)")
        #expect(widest[1].hasPrefix(longest.id + "  ttt") && widest[1].contains("…  CONFIDENTIAL"), "\(widest)")
        #expect(!widest[0].contains("SUMMARY"))
    }

    @Test func deviceListFitsAndGivesWithdrawalReasonsWhole() {
        let reason = "revoked: laptop left in a taxi at the border crossing on the way back from the field exercise"
        let devices = [
            DeviceDocument(
                device: "police/laptop-7", clearance: "RESTRICTED", serial: String(repeating: "ab", count: 16), notBefore: 0,
                notAfter: 1_800_000_000, this: false, withdrawn: WithdrawalDocument(effectiveAt: 1_764_000_000, reason: reason)),
            DeviceDocument(
                device: "police/hq", clearance: "SECRET", serial: String(repeating: "cd", count: 16), notBefore: 0,
                notAfter: 1_800_000_000, this: true, withdrawn: nil),
        ]
        let lines = DeviceListCommand.table(devices).lines(width: TextTable.defaultWidth)
        #expect(Self.widest(lines.prefix { !$0.isEmpty }.map { $0 }) <= 100)
        #expect(lines.contains("police/laptop-7: withdrawn: " + reason))
        #expect(lines[1].contains("from 2025-11-24T16:00:00Z"))
        #expect(DeviceListCommand.table(devices).lines(width: nil)[0].contains("SERIAL"))
    }
}
