import CairnModel

extension Hex {
    /// The first 8 bytes in hex, enough to tell ids apart in a message without flooding it.
    static func short(_ bytes: [UInt8]) -> String {
        bytes.count <= 8 ? encode(bytes) : encode(Array(bytes.prefix(8))) + "…"
    }
}
