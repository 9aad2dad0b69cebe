/// A value of the TOML subset Cairn's configuration uses.
public enum TOMLValue: Equatable, Sendable {
    case string(String)
    case integer(Int64)
    case boolean(Bool)
    case array([TOMLValue])

    var typeName: String {
        switch self {
        case .string: return "a string"
        case .integer: return "an integer"
        case .boolean: return "a boolean"
        case .array: return "an array"
        }
    }
}

/// One `key = value` line, remembered with its table and line so that every problem can be
/// reported where it is.
public struct TOMLEntry: Equatable, Sendable {
    public var table: String
    public var key: String
    public var value: TOMLValue
    public var line: Int

    /// `table.key`, the name errors use.
    public var path: String { table.isEmpty ? key : "\(table).\(key)" }
}

/// A parsed configuration file: the entries in file order.
///
/// Cairn reads a strict subset of TOML 1.0: `[table]` headers, bare keys, basic and literal
/// strings, decimal integers, booleans, single-line arrays of those, and comments. Anything
/// else is an error with its line number, rather than a guess. (Why not a full TOML library:
/// see Docs/Decisions.md.)
public struct TOMLDocument: Sendable {
    public var entries: [TOMLEntry]
    /// Tables declared by a header, with the line of the header.
    public var tables: [String: Int]
}
