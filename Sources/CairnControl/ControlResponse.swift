import Foundation

/// A raw HTTP response from the control API, for routes the typed methods do not cover.
public struct ControlResponse: Hashable, Sendable {
    /// The HTTP status code.
    public var status: Int
    /// The reason phrase of the status line.
    public var reason: String
    /// The header fields in order, names as sent.
    public var headers: [(name: String, value: String)] {
        get { headerList.map { (name: $0.name, value: $0.value) } }
        set { headerList = newValue.map { Header(name: $0.name, value: $0.value) } }
    }
    /// The body, de-chunked.
    public var body: Data

    private struct Header: Hashable, Sendable {
        var name: String
        var value: String
    }

    private var headerList: [Header]

    /// Creates a response.
    public init(status: Int, reason: String, headers: [(name: String, value: String)], body: Data) {
        self.status = status
        self.reason = reason
        self.headerList = headers.map { Header(name: $0.name, value: $0.value) }
        self.body = body
    }

    /// Whether the status is 2xx.
    public var isSuccess: Bool { (200..<300).contains(status) }

    /// The value of the first header named `name`, compared without case.
    public func header(_ name: String) -> String? {
        headerList.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }

    /// Decodes the body as `T`, or throws `.badResponse` saying what did not fit.
    public func decode<T: Decodable>(_ type: T.Type) throws(ControlClientError) -> T {
        do {
            return try ControlJSON.decoder().decode(T.self, from: body)
        } catch {
            throw .badResponse("HTTP \(status) body is not a valid \(T.self): \(ControlJSON.describe(error))")
        }
    }

    /// The error this response stands for: `.refused` with the daemon's error document, or
    /// `.badResponse` when a failure status carries no error document.
    public func refusal() -> ControlClientError {
        if let document = try? ControlJSON.decoder().decode(ErrorDocument.self, from: body) {
            return .refused(status: status, code: document.code, message: document.message)
        }
        let excerpt = String(decoding: body.prefix(200), as: UTF8.self)
        return .badResponse("HTTP \(status) \(reason) without an error document: \(excerpt)")
    }
}
