import Foundation

@testable import CairnStore

/// Deterministic ids, deltas and records for the store tests.
enum Fixture {
    static let alice = bytes32(1, tag: 0xA1)
    static let bob = bytes32(2, tag: 0xB0)

    /// 32 bytes: `n` big-endian in the first 8, `tag` in the rest.
    static func bytes32(_ n: Int, tag: UInt8) -> [UInt8] {
        var out = [UInt8](repeating: tag, count: 32)
        withUnsafeBytes(of: UInt64(n).bigEndian) { out.replaceSubrange(0..<8, with: $0) }
        return out
    }

    /// A delta id unique to (author, level, sequence).
    static func deltaID(author: [UInt8], level: String, sequence: UInt64) -> [UInt8] {
        var id = bytes32(Int(sequence), tag: 0xD0)
        id[8] = author[8]
        id[11] = author[7]
        id[9] = level.utf8.first ?? 0
        id[10] = UInt8(truncatingIfNeeded: level.utf8.count)
        return id
    }

    static func delta(
        author: [UInt8] = alice, level: String = "SECRET", sequence: UInt64, envelopeSize: Int = 64
    ) -> NewDelta {
        let id = deltaID(author: author, level: level, sequence: sequence)
        let envelope = (0..<envelopeSize).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ Int(id[0]) &+ Int(id[7])) }
        return NewDelta(
            id: id, author: author, level: level, sequence: sequence, kind: Int(sequence % 2),
            hlcWall: 1_700_000_000_000 + sequence, hlcCounter: UInt32(sequence % 7), envelope: envelope,
            receivedAt: 1_700_000_100_000 + Int64(sequence))
    }

    /// Deltas `range` of one stream, in order.
    static func stream(
        author: [UInt8] = alice, level: String = "SECRET", _ range: ClosedRange<UInt64>, envelopeSize: Int = 64
    ) -> [NewDelta] {
        range.map { delta(author: author, level: level, sequence: $0, envelopeSize: envelopeSize) }
    }

    static func recordKey(_ n: Int) -> [UInt8] {
        bytes32(n, tag: 0x5E)
    }

    static func record(_ n: Int, level: String = "SECRET", version: UInt8 = 1, size: Int = 48) -> RecordRow {
        RecordRow(
            key: recordKey(n), level: level, epochNumber: 3, epochKeyID: [UInt8](repeating: 0xE7, count: 16),
            sealed: [UInt8](repeating: version, count: size), updatedAt: 1_700_000_200_000 + Int64(n))
    }
}

/// A fresh directory under the system temporary directory, removed when `body` returns.
func withTemporaryDirectory<T>(_ body: (URL) throws -> T) throws -> T {
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("cairn-store-tests-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: url) }
    return try body(url)
}

/// The path of a database file inside a fresh temporary directory.
func withDatabasePath<T>(_ body: (String) throws -> T) throws -> T {
    try withTemporaryDirectory { directory in
        try body(directory.appendingPathComponent("store.sqlite").path)
    }
}
