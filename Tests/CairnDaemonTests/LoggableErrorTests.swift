import CairnControl
import CairnCrypto
import CairnModel
import CairnProtocol
import CairnStore
import CairnTransport
import CairnTrust
import Foundation
import Logging
import Testing

@testable import CairnDaemon

/// `Logger.Metadata.error`: an error reaches a log as a stable code and the values that cannot
/// be record data, whatever its description quotes.
@Suite struct LoggableErrorTests {
    static let canary = "canary" + String(UUID().uuidString.lowercased().replacing("-", with: "").prefix(12))

    /// Errors whose descriptions quote the canary (record ids, tags, field names, types, levels
    /// asked for, a refused body, free-text details).
    static var quoting: [any Error] {
        let c = canary
        let id = try! RecordID("\(c)-id")
        let model: [ModelError] = [
            .invalidHex(c), .invalidLevelName(c), .duplicateLevel(c), .invalidRecordID(c, reason: c),
            .invalidFieldName(c),
            .invalidTag(c), .invalidRecordType(c), .tooManyFields(id, count: 300, limit: 256),
            .tooManyTags(id, count: 70, limit: 64),
            .recordTooLarge(id, estimatedBytes: 2_000_000, limit: 1_048_576), .duplicateOperation(id, target: c),
            .observedOwnWrite(id, target: c), .conflictingTagUpdate(id, tag: c),
            .recordMismatch(expected: id, found: id),
            .levelMismatch(id, recordLevel: "SECRET", changeLevel: "CONFIDENTIAL"), .recordDeleted(id),
            .missingType(id),
            .invalidReclassification(id, reason: c),
        ]
        let others: [any Error] = [
            DaemonError.request(
                .classificationMismatch, "record \(c)-id is SECRET; a write cannot change its classification"),
            DaemonError.from(.conflictingTagUpdate(id, tag: c)), DaemonError.startup(c),
            ProtocolError.invalidBody(ModelError.tooManyFields(id, count: 300, limit: 256).description),
            ProtocolError.malformed(what: "body", detail: c), ProtocolError.epochMismatch(c),
            StoreError.invalidArgument(reason: c), StoreError.database(operation: "read a record", detail: c),
            StoreError.corrupt(path: "/var/lib/cairn/cairn.sqlite", detail: c),
            SyncError.malformed(detail: c), SyncError.levelNotCommon(c), SyncError.flooding(c),
            SyncError.invalidLocalVector(c),
            SyncError.invalid(what: "hello", detail: c), BundleError.malformed(c), BundleError.decryptionFailed(c),
            TrustError.unknownSigner(c), TrustError.invalidDeviceRef(c),
            TrustError.malformedObject(what: "charter", reason: c),
            CanaryError(text: c),
        ]
        return model + others
    }

    struct CanaryError: Error, CustomStringConvertible {
        let text: String
        var description: String { "something about \(text)" }
    }

    @Test func errorsLogCodesNotDescriptions() {
        for error in Self.quoting {
            // Positive control: the description does quote the canary.
            #expect("\(error)".contains(Self.canary), "\(error) does not quote the canary")
            let metadata = Logger.Metadata.error(error, ["peer": "bravo-hq"])
            let line = LogfmtHandler.line(timestamp: "t", level: .error, message: "test", metadata: metadata)
            #expect(!line.contains(Self.canary), "\(type(of: error)) logged as: \(line)")
            #expect(metadata["error.code"] != nil && metadata["peer"] == "bravo-hq", "\(line)")
        }
    }

    @Test func codesAreStableAndNumbersStay() {
        let id = try! RecordID("\(Self.canary)-id")
        let tooMany = Logger.Metadata.error(ModelError.tooManyFields(id, count: 300, limit: 256))
        #expect(tooMany == ["error.code": "model.too_many_fields", "error.count": "300", "error.limit": "256"])
        #expect(
            Logger.Metadata.error(DaemonError.request(.recordDeleted, "x"))["error.code"] == "request.record_deleted")
        let frame = Logger.Metadata.error(TransportError.frameTooLarge(length: 4_294_967_280, limit: 16 << 20))
        #expect(frame["error.code"] == "transport.frame_too_large" && frame["error.bytes"] == "4294967280")
        #expect(Logger.Metadata.error(TransportError.idleTimeout(milliseconds: 5000))["error.ms"] == "5000")
        let mismatch = Logger.Metadata.error(
            ModelError.levelMismatch(id, recordLevel: "SECRET", changeLevel: "RESTRICTED"))
        #expect(mismatch["error.record_level"] == "SECRET" && mismatch["error.change_level"] == "RESTRICTED")
        #expect(
            Logger.Metadata.error(CanaryError(text: "x"))["error.code"] == "\(String(reflecting: CanaryError.self))")
    }

    /// The rule, checked on the sources: no log call of the daemon interpolates an error, a
    /// message or a request; they go through `.error(_:)`, route names and `record.ref`.
    @Test func noLogCallInterpolatesAnErrorOrARequest() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let forbidden = try Regex(
            #"\\\((error|message|reason\.description|body|request|target|uri|head|id|record|fields|tags|type|detail)(\.[a-zA-Z]+)?\)|String\(describing:|localizedDescription|\"error\":"#
        )
        let call = try Regex(#"logger\.(trace|debug|info|notice|warning|error|critical|log)\("#)
        var offending: [String] = []
        var calls = 0
        for directory in ["Sources/CairnDaemon", "Sources/cairnd"] {
            let base = root.appendingPathComponent(directory)
            let files = try #require(FileManager.default.enumerator(atPath: base.path)).compactMap { $0 as? String }
                .filter { $0.hasSuffix(".swift") }
            for file in files {
                let text = try String(contentsOf: base.appendingPathComponent(file), encoding: .utf8)
                for match in text.matches(of: call) {
                    calls += 1
                    var depth = 1
                    var end = match.range.upperBound
                    while end < text.endIndex, depth > 0 {
                        if text[end] == "(" { depth += 1 } else if text[end] == ")" { depth -= 1 }
                        end = text.index(after: end)
                    }
                    let source = text[match.range.lowerBound..<end]
                    if source.contains(forbidden) { offending.append("\(directory)/\(file): \(source)") }
                }
            }
        }
        #expect(calls > 50, "found only \(calls) log calls: is the source tree where the test expects it?")
        #expect(offending.isEmpty, "log calls interpolating errors or requests:\n\(offending.joined(separator: "\n"))")
    }
}
