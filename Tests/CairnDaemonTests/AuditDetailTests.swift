import CairnStore
import CairnTestSupport
import Foundation
import Testing

@testable import CairnDaemon

/// The hand-written audit detail encoder writes the bytes `JSONSerialization` wrote before it
/// (the bytes an entry's hash covers), for the details the daemon writes and for any keys and
/// values at all.
@Suite struct AuditDetailTests {
    /// What the daemon used to store: the reference the new encoder must match byte for byte.
    static func reference(_ fields: [String: String]) throws -> String {
        let data = try JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self)
    }

    /// The key sets of every detail the daemon writes, with values of every kind it puts there.
    static let daemonDetails: [[String: String]] = [
        [:],
        ["delta": String(repeating: "ab", count: 32), "level": "SECRET", "created": "true"],
        ["peer": "bravo-hq", "address": "[::1]:7443"],
        ["route": "records.put", "gid": "1000"],
        ["peer": "naïve \"peer\"\\name/with\tcontrols\u{1}\u{1F}"],
        [
            "source": "anchor", "reason": "the log ended at entry 3, not at entry 9 that this daemon wrote last",
            "expectedSeq": "9", "expectedHash": String(repeating: "0f", count: 32), "foundSeq": "3", "foundHash": "",
        ],
        ["break": "12", "breakHash": String(repeating: "e1", count: 32), "signature": String(repeating: "00", count: 64)],
        ["count": "3", "window_seconds": "60", "reason": "header_timeout", "detail": "uid 1000 sent \u{7F}\u{80} bytes"],
        ["level": "TOP SECRET", "epoch": "4", "from": "CONFIDENTIAL", "to": "SECRET", "through": "7", "withdrawn": "2"],
        ["device": "bench/hq", "clearance": "SECRET", "grant": "x", "recipient": "y", "streams": "9"],
    ]

    @Test func theDaemonsDetailsAreByteIdentical() throws {
        for fields in Self.daemonDetails {
            #expect(AuditDetail.encode(fields) == (try Self.reference(fields)), "\(fields)")
        }
    }

    /// Every escape: each C0 control alone, quotes, backslashes, slashes, DEL, and non-ASCII
    /// text of every width (accents, CJK, emoji, line separators, combining marks, right-to-left).
    @Test func everyEscapeAndNonASCIIValueIsByteIdentical() throws {
        var values = (0..<0x20).map { String(UnicodeScalar(UInt8($0))) }
        values += [
            "\"", "\\", "/", "\u{7F}", "a\"b\\c/d", "\\u0041", "é", "naïve", "東京", "😀🇫🇷", "\u{2028}\u{2029}",
            "e\u{301}", "שלום", "\u{FEFF}bom", "\u{85}\u{A0}", "", " ", "tab\there\nline\r\n",
        ]
        for value in values {
            let fields = ["detail": value, "k": "plain"]
            #expect(AuditDetail.encode(fields) == (try Self.reference(fields)), "value \(Array(value.unicodeScalars))")
        }
    }

    /// Random keys and values, keys drawn from an alphabet where the byte order and Foundation's
    /// order disagree (case, digits, punctuation, non-ASCII) and from the daemon's plain alphabet.
    @Test func randomDetailsAreByteIdentical() throws {
        var random = SeededRandom(seed: 0xA0D17)
        let tricky = Array("aAbBzZ_-.09 1é/\"\\\u{1}\u{2028}東😀")
        let plain = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_")
        for round in 0..<600 {
            let alphabet = round % 2 == 0 ? tricky : plain
            var fields: [String: String] = [:]
            for _ in 0..<Int.random(in: 0...6, using: &random) {
                let key = String((0..<Int.random(in: 1...5, using: &random)).map { _ in alphabet.randomElement(using: &random)! })
                let value = String((0..<Int.random(in: 0...8, using: &random)).map { _ in tricky.randomElement(using: &random)! })
                fields[key] = value
            }
            #expect(AuditDetail.encode(fields) == (try Self.reference(fields)), "seed \(random.seed), round \(round): \(fields)")
        }
    }

    /// An entry hashed over the new encoding verifies exactly as one hashed over the old did:
    /// a chain written by the old encoder still verifies, and so does a mixed chain.
    @Test func aChainOfOldAndNewEntriesVerifies() throws {
        var rows: [AuditRow] = []
        var head: AuditPosition?
        for (n, fields) in Self.daemonDetails.enumerated() {
            let detail = n % 2 == 0 ? try Self.reference(fields) : AuditDetail.encode(fields)
            let row = AuditChain.next(after: head, at: 1_000 + Int64(n), kind: "test.kind", actor: "uid:1000", detail: detail)
            rows.append(row)
            head = (row.seq, row.hash)
        }
        let verdict = try AuditChain.verify { each in
            for row in rows {
                guard try each(row) else { return }
            }
        }
        #expect(verdict.broken == nil)
        #expect(verdict.entries == Int64(rows.count))
    }
}
