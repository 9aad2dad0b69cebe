import Foundation

/// One `NAME=VALUE` field assignment from a command line, turned into a JSON value.
///
/// Three spellings, so that the common case needs no quoting and every case is possible:
/// - `NAME=VALUE`: if VALUE is a JSON number, `true`, `false`, `null`, a "quoted" string, an
///   array or an object, it is that value; otherwise it is the text itself as a string
///   (`title=Convoy stopped` is a string, `count=3` a number, `ok=true` a Boolean).
/// - `NAME:=JSON`: VALUE must be JSON, and is an error otherwise.
/// - `NAME=@FILE`: the contents of FILE as a string, verbatim (trailing newline included).
/// A string that looks like JSON or starts with `@` can be given quoted: `code:="42"`.
public struct FieldAssignment: Hashable, Sendable {
    /// The field name.
    public var name: String
    /// The value to set.
    public var value: JSONValue

    /// Creates an assignment.
    public init(name: String, value: JSONValue) {
        self.name = name
        self.value = value
    }

    /// Parses one assignment; `readFile` reads the file of an `=@FILE` value as UTF-8 text.
    public static func parse(
        _ argument: String, readFile: (String) throws -> String = FieldAssignment.readTextFile
    ) throws(ControlClientError) -> FieldAssignment {
        guard let equals = argument.firstIndex(of: "=") else {
            throw .invalidRequest("field \"\(argument)\" has no \"=\": write NAME=VALUE, NAME:=JSON or NAME=@FILE")
        }
        var name = String(argument[..<equals])
        let text = String(argument[argument.index(after: equals)...])
        let forcesJSON = name.hasSuffix(":")
        if forcesJSON { name.removeLast() }
        guard !name.isEmpty else {
            throw .invalidRequest("field \"\(argument)\" has no name before \"=\"")
        }
        if forcesJSON {
            guard let value = JSONValue.parse(text) else {
                let shown = text.isEmpty ? "an empty value" : "\"\(text)\""
                throw .invalidRequest(
                    "field \"\(name)\": \(shown) is not valid JSON "
                        + "(NAME:=JSON needs JSON; use NAME=VALUE for a string)")
            }
            return FieldAssignment(name: name, value: value)
        }
        if text.hasPrefix("@") {
            let path = String(text.dropFirst())
            guard !path.isEmpty else { throw .invalidRequest("field \"\(name)\": \"=@\" needs a file name") }
            do {
                return FieldAssignment(name: name, value: .string(try readFile(path)))
            } catch {
                throw .invalidRequest("field \"\(name)\": cannot read \(path): \(Self.describe(error))")
            }
        }
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed == text, let value = JSONValue.parse(text) {
            return FieldAssignment(name: name, value: value)
        }
        return FieldAssignment(name: name, value: .string(text))
    }

    /// Reads a whole file as UTF-8 text, refusing anything that is not valid UTF-8.
    public static func readTextFile(_ path: String) throws -> String {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        guard let text = String(data: data, encoding: .utf8) else {
            throw ControlClientError.invalidRequest("\(path) is not UTF-8 text")
        }
        return text
    }

    private static func describe(_ error: any Error) -> String {
        if let error = error as? ControlClientError { return error.description }
        if let error = error as? CocoaError, let underlying = error.userInfo[NSUnderlyingErrorKey] as? POSIXError {
            return String(cString: strerror(underlying.code.rawValue))
        }
        return (error as NSError).localizedDescription
    }
}

extension JSONValue {
    /// Parses `text` as one JSON value, or returns nil if it is not valid JSON.
    public static func parse(_ text: String) -> JSONValue? {
        guard !text.isEmpty else { return nil }
        return try? ControlJSON.decoder().decode(JSONValue.self, from: Data(text.utf8))
    }
}
