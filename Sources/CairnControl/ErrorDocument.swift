/// The body of every error response: `{"error": {"code": "…", "message": "…"}}`.
///
/// `code` is stable, for scripts to branch on; `message` is a sentence for people and may change.
public struct ErrorDocument: Codable, Hashable, Sendable {
    /// The stable snake_case code.
    public var code: String
    /// A human sentence saying what happened and, where it helps, what to do.
    public var message: String

    /// Creates an error document.
    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }

    /// Creates an error document for one of the contract's codes.
    public init(_ code: ControlErrorCode, message: String) {
        self.init(code: code.rawValue, message: message)
    }

    private enum OuterKeys: String, CodingKey {
        case error
    }

    private enum InnerKeys: String, CodingKey {
        case code, message
    }

    /// Decodes the `error` wrapper and its two members.
    public init(from decoder: any Decoder) throws {
        let outer = try decoder.container(keyedBy: OuterKeys.self)
        let inner = try outer.nestedContainer(keyedBy: InnerKeys.self, forKey: .error)
        code = try inner.decode(String.self, forKey: .code)
        message = try inner.decode(String.self, forKey: .message)
    }

    /// Encodes the `error` wrapper and its two members.
    public func encode(to encoder: any Encoder) throws {
        var outer = encoder.container(keyedBy: OuterKeys.self)
        var inner = outer.nestedContainer(keyedBy: InnerKeys.self, forKey: .error)
        try inner.encode(code, forKey: .code)
        try inner.encode(message, forKey: .message)
    }
}
