import COpenSSL

/// OpenSSL's thread-local error queue, read once and emptied.
///
/// OpenSSL reports failures by pushing codes onto a per-thread queue. Stale codes from an earlier
/// call would make a later failure read wrongly, so every operation clears the queue first and
/// every failure drains it.
struct OpenSSLErrorQueue {
    /// The drained error codes, oldest first.
    let codes: [UInt]

    /// Drains the current thread's queue.
    static func drain() -> OpenSSLErrorQueue {
        var codes: [UInt] = []
        while true {
            let code = ERR_get_error()
            if code == 0 { break }
            codes.append(code)
        }
        return OpenSSLErrorQueue(codes: codes)
    }

    /// Empties the queue before an operation.
    static func clear() {
        ERR_clear_error()
    }

    /// The reason codes (`SSL_R_*`), oldest first.
    var reasons: [Int32] {
        codes.map { cairn_ERR_GET_REASON($0) }
    }

    /// True when any drained code has `reason`.
    func contains(reason: Int32) -> Bool {
        reasons.contains(reason)
    }

    /// OpenSSL's own text for every code, joined; a fallback when the queue was empty.
    func text(orElse fallback: String = "no detail from OpenSSL") -> String {
        guard !codes.isEmpty else { return fallback }
        return codes.map { code in
            var buffer = [CChar](repeating: 0, count: 256)
            ERR_error_string_n(code, &buffer, buffer.count)
            return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }.joined(separator: "; ")
    }
}
