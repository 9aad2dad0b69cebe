import CairnControl
import CairnModel
import CairnTestSupport
import CairnTrust
import Testing

@testable import CairnDaemon

/// The small text formats the daemon emits: ISO times with exact milliseconds, logfmt values,
/// hex, the stored charter chain.
@Suite struct FormattingTests {
    @Test(arguments: [
        (UInt64(1_767_225_600_000), "2026-01-01T00:00:00.000Z"),
        (1_767_225_600_086, "2026-01-01T00:00:00.086Z"),
        (1_767_225_601_999, "2026-01-01T00:00:01.999Z"),
        (5, "1970-01-01T00:00:00.005Z"),
    ])
    func timesKeepTheirMilliseconds(millis: UInt64, text: String) {
        #expect(DocumentMapping.time(millis: millis) == text)
    }

    @Test func secondsFormat() {
        #expect(DocumentMapping.time(seconds: 2_082_758_400) == "2036-01-01T00:00:00Z")
    }

    @Test func logfmtQuotesOnlyWhatNeedsIt() {
        #expect(LogfmtHandler.quote("plain") == "plain")
        #expect(LogfmtHandler.quote("") == "\"\"")
        #expect(LogfmtHandler.quote("two words") == "\"two words\"")
        #expect(LogfmtHandler.quote("a=b") == "\"a=b\"")
        #expect(LogfmtHandler.quote("say \"hi\"\\") == #""say \"hi\"\\""#)
        #expect(LogfmtHandler.quote("line\nbreak") == #""line\nbreak""#)
    }

    @Test func hexIsLowercaseAndPadded() {
        #expect(Hex.encode([0x00, 0x0f, 0xa0, 0xff]) == "000fa0ff")
        #expect(Hex.encode([]) == "")
    }

    @Test func jsonAndFieldValuesMapBothWays() {
        let value: JSONValue = ["a": [1, 2.5, "s", true, nil], "b": ["c": -7]]
        #expect(DocumentMapping.json(DocumentMapping.field(value)) == value)
    }

    @Test func charterChainEncodingRoundTripsAndRefusesTruncation() throws {
        let charter = TestKeys.charter().signed
        let encoded = CharterHistory.encode([charter, charter])
        #expect(try CharterHistory.decode(encoded) == [charter, charter])
        #expect(try CharterHistory.decode([]) == [])
        #expect(throws: DaemonError.self) { try CharterHistory.decode(Array(encoded.dropLast())) }
        #expect(throws: DaemonError.self) { try CharterHistory.decode([0, 0]) }
    }
}

