/// How deeply a JSON text nests, measured on its bytes before any decoder sees it: the
/// decoders' cost grows much faster than linearly with nesting (a 2 MiB body of values nested a
/// few hundred deep took tens of seconds to decode), so the daemon refuses deep bodies first.
extension ControlJSON {
    /// Deepest nesting a request body may have: the model's limit on field values
    /// (`ModelLimits.maxNestingDepth`, 32) plus the few levels of the request document around
    /// them.
    public static let maxRequestNesting = 40

    /// The deepest nesting of arrays and objects in `bytes` (brackets inside strings do not
    /// count), scanning no further once `limit` is exceeded. Malformed text is the decoder's to
    /// refuse; this only bounds the work it is given.
    ///
    /// Inlinable so that the daemon's call on a request body (`[UInt8]`) is specialised in its
    /// own module: across the module boundary the generic version walked the bytes through
    /// unspecialised `Collection` witnesses, about 30 µs for a 1 KiB body, more than decoding it.
    @inlinable
    public static func nestingDepth(of bytes: some Collection<UInt8>, stoppingAbove limit: Int = .max) -> Int {
        var depth = 0
        var deepest = 0
        var inString = false
        var escaped = false
        for byte in bytes {
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""):
                inString = true
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                depth += 1
                if depth > deepest {
                    deepest = depth
                    if deepest > limit { return deepest }
                }
            case UInt8(ascii: "]"), UInt8(ascii: "}"):
                depth = max(0, depth - 1)
            default:
                break
            }
        }
        return deepest
    }
}
