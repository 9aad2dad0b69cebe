import CairnCrypto
import CairnModel
import CairnProtocol
import CairnTestSupport
import CairnTrust
import Testing

/// Deterministic inputs shared by the protocol tests: the committed test devices, epoch keys
/// derived from labels, and a change that exercises every operation and value kind.
enum Fixture {
    static let alpha = TestKeys.device("alpha/hq")
    static let laptop = TestKeys.device("alpha/laptop")
    static let bravo = TestKeys.device("bravo/hq")

    static let level = "SECRET"
    static let hlc = HLCTimestamp(wallMillis: 1_798_761_600_123, counter: 7)
    static let epoch = epochRef(3, label: "epoch-3")
    static let key = epochKey("epoch-3")
    static let otherKey = epochKey("epoch-4")
    static let previous = BLAKE2b.hash(Array("cairn-test-previous-delta".utf8))

    /// A 32-byte key derived from `label`, so failures reproduce.
    static func epochKey(_ label: String) -> XChaCha20Poly1305.Key {
        try! XChaCha20Poly1305.Key(SecureBytes(copying: BLAKE2b.hash(Array("cairn-test-epoch-key-\(label)".utf8))))
    }

    /// An epoch with a key id derived from `label`.
    static func epochRef(_ number: UInt32, label: String) -> EpochRef {
        try! EpochRef(number: number, keyID: BLAKE2b.hash(Array("cairn-test-key-id-\(label)".utf8), outputLength: 16))
    }

    static func record(_ raw: String) -> RecordID { try! RecordID(raw) }

    /// A valid change by `author` touching two records with every operation kind, every value
    /// kind and non-empty observed contexts.
    static func change(author: DeviceID = alpha.deviceID, level: String = level, hlc: HLCTimestamp = hlc) -> Change {
        let incident = record("incident-42")
        let other = record("old.note_7")
        let earlier = CausalContext([
            bravo.deviceID: HLCTimestamp(wallMillis: 1_798_761_500_000, counter: 2),
            laptop.deviceID: HLCTimestamp(wallMillis: 1_798_761_400_000, counter: 0),
        ])
        return Change(
            author: author, level: level, hlc: hlc,
            operations: [
                .setType(record: incident, type: "incident"),
                .setField(record: incident, name: "title", value: .string("Bridge closed — «détour»"), observed: CausalContext()),
                .setField(record: incident, name: "count", value: .int(-9_223_372_036_854_775_808), observed: earlier),
                .setField(record: incident, name: "ratio", value: .double(-0.125), observed: CausalContext()),
                .setField(record: incident, name: "open", value: .bool(true), observed: CausalContext()),
                .setField(record: incident, name: "note", value: .null, observed: CausalContext()),
                .setField(record: incident, name: "obsolete", value: nil, observed: earlier),
                .setField(
                    record: incident, name: "details",
                    value: .object([
                        "zeta": .array([.int(1), .string("two"), .null, .array([])]),
                        "alpha": .object(["nested": .bool(false)]),
                        "": .double(1e300),
                    ]),
                    observed: CausalContext()),
                .addTag(record: incident, tag: "urgent"),
                .removeTag(record: incident, tag: "draft", observed: earlier),
                .delete(record: other),
            ])
    }

    /// A one-operation change, for tests that loop over many envelopes.
    static func smallChange(author: DeviceID = alpha.deviceID) -> Change {
        Change(
            author: author, level: level, hlc: hlc,
            operations: [.setField(record: record("r1"), name: "n", value: .int(1), observed: CausalContext())])
    }

    /// A RECORDS delta of `change` sealed by alpha/hq under `key`.
    static func sealed(
        _ change: Change = change(), sequence: UInt64 = 2, previous: [UInt8] = previous,
        epoch: EpochRef = epoch, key: XChaCha20Poly1305.Key = key
    ) throws -> SealedDelta {
        try SealedDelta.seal(
            change: change, sequence: sequence, previous: previous, epoch: epoch, key: key, signer: alpha.signing)
    }
}

// MARK: - Error matching

/// The kinds of `ProtocolError`, without their details, for precise expectations.
enum ErrorKind: Equatable {
    case tooLarge, malformed, nonCanonical, unsupportedFormat, badSignature, authorMismatch
    case epochMismatch, decryptionFailed, invalidBody, grantNotForUs, redacted

    init(_ error: ProtocolError) {
        switch error {
        case .tooLarge: self = .tooLarge
        case .malformed: self = .malformed
        case .nonCanonical: self = .nonCanonical
        case .unsupportedFormat: self = .unsupportedFormat
        case .badSignature: self = .badSignature
        case .authorMismatch: self = .authorMismatch
        case .epochMismatch: self = .epochMismatch
        case .decryptionFailed: self = .decryptionFailed
        case .invalidBody: self = .invalidBody
        case .grantNotForUs: self = .grantNotForUs
        case .redacted: self = .redacted
        }
    }
}

extension ProtocolError {
    var kind: ErrorKind { ErrorKind(self) }

    /// The `what` of a `tooLarge` or `malformed` error.
    var what: String? {
        switch self {
        case .tooLarge(let what, _, _), .malformed(let what, _): return what
        default: return nil
        }
    }
}

/// Expects `body` to throw a `ProtocolError` of kind `kind` (and, for `tooLarge`/`malformed`,
/// about `what`), recording an issue at the caller otherwise. Returns the error for further checks.
@discardableResult
func expectProtocolError(
    _ kind: ErrorKind, what: String? = nil, _ comment: Comment? = nil,
    sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void
) -> ProtocolError? {
    let error = #expect(throws: ProtocolError.self, comment, sourceLocation: sourceLocation) { try body() }
    guard let error else { return nil }
    #expect(error.kind == kind, "got \(error)", sourceLocation: sourceLocation)
    if let what {
        #expect(error.what == what, "got \(error)", sourceLocation: sourceLocation)
    }
    return error
}

// MARK: - Hex

/// Lowercase hex, for fixtures and messages.
func hex(_ bytes: [UInt8]) -> String {
    let digits = Array("0123456789abcdef".utf8)
    var out: [UInt8] = []
    out.reserveCapacity(bytes.count * 2)
    for byte in bytes {
        out.append(digits[Int(byte >> 4)])
        out.append(digits[Int(byte & 0x0F)])
    }
    return String(decoding: out, as: UTF8.self)
}

/// Why a fixture value could not be decoded.
struct HexError: Error, CustomStringConvertible {
    let text: String
    var description: String { "not an even-length hex string: \(text.prefix(40))…" }
}

/// Decodes upper- or lowercase hex.
func unhex(_ text: String) throws -> [UInt8] {
    let digits = Array(text.utf8)
    guard digits.count % 2 == 0 else { throw HexError(text: text) }
    func nibble(_ digit: UInt8) throws -> UInt8 {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return digit - UInt8(ascii: "A") + 10
        default: throw HexError(text: text)
        }
    }
    var bytes: [UInt8] = []
    bytes.reserveCapacity(digits.count / 2)
    var index = 0
    while index < digits.count {
        bytes.append(try nibble(digits[index]) << 4 | nibble(digits[index + 1]))
        index += 2
    }
    return bytes
}
