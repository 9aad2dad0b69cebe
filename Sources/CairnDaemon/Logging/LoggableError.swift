import Logging

/// An error as a log line may show it: a stable code naming the case, and only those of its
/// values that can never be record data (counts, limits, sizes, level names, paths of the
/// site's own files, delta and device ids).
///
/// Error descriptions are written for the person who made the request, and many quote what
/// was refused: a record id, a tag, a field name, a level asked for. The daemon's log (and so
/// the journal) must hold nothing of a record of any level, so log lines never interpolate an
/// error; they take `Logger.Metadata.error(_:_:)`, which reads only this protocol. An error of
/// a type that does not conform is named by its type alone.
protocol LoggableError: Error {
    /// A constant dotted code for the case (`model.too_many_fields`), never built from its values.
    var logCode: String { get }
    /// Values of the case that are safe in any log, under `error.*` keys; empty by default.
    var logFields: Logger.Metadata { get }
}

extension LoggableError {
    var logFields: Logger.Metadata { [:] }
}

extension Logger.Metadata {
    /// `other`, with `error.code` and the error's safe fields: the only way log lines name an
    /// error.
    static func error(_ error: any Error, _ other: Logger.Metadata = [:]) -> Logger.Metadata {
        var metadata = other
        if let loggable = error as? any LoggableError {
            metadata.merge(loggable.logFields) { current, _ in current }
            metadata["error.code"] = .string(loggable.logCode)
        } else {
            // The type's name says where the error came from and nothing of what it was about.
            metadata["error.code"] = .string(String(reflecting: type(of: error)))
        }
        return metadata
    }
}
