import Logging
import NIOCore
import NIOHTTP1
import NIOPosix

#if canImport(Glibc)
    import Glibc
#endif

/// Socket errors: the system call's failure, never bytes that were read.
extension IOError: LoggableError {
    var logCode: String { "io.errno" }
    var logFields: Logger.Metadata {
        ["error.errno": "\(errnoCode)", "error.reason": "\(String(cString: strerror(errnoCode)))"]
    }
}

/// Channel state errors are payload-free cases (or a timeout, or an address).
extension ChannelError: LoggableError {
    var logCode: String { "channel.\(Mirror(reflecting: self).children.first?.label ?? "\(self)")" }
}

/// A malformed control request: the parser's case, never the request's bytes.
extension HTTPParserError: LoggableError {
    // Payload-free cases whose text is NIO's constant phrase ("invalid URL"), made a code.
    var logCode: String {
        "http." + String("\(self)".lowercased().map { $0.isLetter || $0.isNumber ? $0 : "_" })
    }
}

/// A failed dial: the configured peer address and the first attempt's failure.
extension NIOConnectionError: LoggableError {
    var logCode: String { "connect.failed" }

    var logFields: Logger.Metadata {
        var fields: Logger.Metadata = ["error.host": "\(host)", "error.port": "\(port)"]
        if let first = connectionErrors.first {
            let cause = Logger.Metadata.error(first.error)
            fields["error.cause"] = cause["error.code"]
            fields["error.reason"] = cause["error.reason"]
        }
        if dnsAError != nil || dnsAAAAError != nil { fields["error.cause"] = "dns" }
        return fields
    }
}
