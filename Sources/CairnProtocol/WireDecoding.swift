import CairnModel
import SwiftProtobuf

/// Decoding of untrusted protobuf bytes with bounded nesting and a size check that runs before
/// any parsing.
enum WireDecoding {
    static let options: BinaryDecodingOptions = {
        var options = BinaryDecodingOptions()
        // Deep enough for every value the model accepts, shallow enough to bound the stack:
        // a value nested `maxNestingDepth` objects deep is 3 messages per level (Value,
        // ValueMap, ValueEntry) plus the innermost Value, inside at most 3 enclosing messages
        // (DeltaBody/Operation/SetField or RecordState/FieldState/FieldWrite).
        options.messageDepthLimit = 3 * ModelLimits.maxNestingDepth + 8
        options.discardUnknownFields = false
        return options
    }()

    static func decode<M: Message>(_ type: M.Type, from bytes: [UInt8], what: String, limit: Int) throws -> M {
        guard bytes.count <= limit else { throw ProtocolError.tooLarge(what: what, size: bytes.count, limit: limit) }
        do {
            return try M(serializedBytes: bytes, options: options)
        } catch {
            throw ProtocolError.malformed(what: what, detail: "\(error)")
        }
    }

    static func encode(_ message: some Message) -> [UInt8] {
        // Serializing a message we built cannot fail: every field is set from valid values.
        try! message.serializedBytes()
    }
}
